//! Configuration: endpoint, key, limits.

use structream_provider::sse::SseConfig;
use structream_provider::{ApiKey, Error, HttpRequest};

/// Configuration of the [`Gemini`](crate::Gemini) provider: one struct with
/// builder setters. The key is read at request time: the explicit one, else
/// `GEMINI_API_KEY`. It is sent in the `x-goog-api-key` header, never in the
/// URL (URLs show up in transport errors).
#[derive(Debug, Clone)]
pub struct GeminiConfig {
    pub(crate) base_url: String,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) sse: SseConfig,
}

impl Default for GeminiConfig {
    fn default() -> Self {
        GeminiConfig {
            base_url: "https://generativelanguage.googleapis.com/v1beta".into(),
            api_key: None,
            headers: Vec::new(),
            sse: SseConfig::default(),
        }
    }
}

impl GeminiConfig {
    /// The defaults: the Generative Language API, `v1beta`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the base URL (the part before `/models/...`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// Sets the API key.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
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
        let key = ApiKey::given_or_env(self.api_key.as_ref(), "GEMINI_API_KEY")?;
        req = req.secret_header("x-goog-api-key", "", key);
        for (k, v) in &self.headers {
            req = req.header(k.clone(), v.clone());
        }
        Ok(req)
    }
}
