//! Configuration: endpoint, key, API version, limits.

use structream_provider::sse::SseConfig;
use structream_provider::{ApiKey, Error, HttpRequest};

/// Configuration of the [`Anthropic`](crate::Anthropic) provider: one
/// struct with builder setters. The key is read at request time: the
/// explicit one, else `ANTHROPIC_API_KEY`.
#[derive(Debug, Clone)]
pub struct AnthropicConfig {
    pub(crate) base_url: String,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) version: String,
    pub(crate) default_max_tokens: u32,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) sse: SseConfig,
}

impl Default for AnthropicConfig {
    fn default() -> Self {
        AnthropicConfig {
            base_url: "https://api.anthropic.com".into(),
            api_key: None,
            version: "2023-06-01".into(),
            default_max_tokens: 4096,
            headers: Vec::new(),
            sse: SseConfig::default(),
        }
    }
}

impl AnthropicConfig {
    /// The defaults: `https://api.anthropic.com`, version 2023-06-01.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the base URL (the part before `/v1/messages`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// Sets the API key.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the `anthropic-version` header.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// The `max_tokens` sent when the request has none (the API requires
    /// one; default 4096).
    pub fn default_max_tokens(mut self, n: u32) -> Self {
        self.default_max_tokens = n;
        self
    }

    /// Adds a header to every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the stream decoder's limits.
    pub fn sse_limits(mut self, limits: SseConfig) -> Self {
        self.sse = limits;
        self
    }

    pub(crate) fn authorize(&self, mut req: HttpRequest) -> Result<HttpRequest, Error> {
        let key = ApiKey::given_or_env(self.api_key.as_ref(), "ANTHROPIC_API_KEY")?;
        req = req
            .secret_header("x-api-key", "", key)
            .header("anthropic-version", self.version.clone());
        for (k, v) in &self.headers {
            req = req.header(k.clone(), v.clone());
        }
        Ok(req)
    }
}
