//! Configuration: the shared connection settings, the API version, the
//! default `max_tokens`.

use structream_provider::connection::{Connection, KeyAuth, ProviderConfig};

/// Configuration of the [`Anthropic`](crate::Anthropic) provider: a
/// [`Connection`] (base URL, key, headers, stream limits, set through
/// [`ProviderConfig`]) plus the API version and the default `max_tokens`.
/// The key is read at request time: the explicit one, else
/// `ANTHROPIC_API_KEY`, sent as `x-api-key`.
#[derive(Debug, Clone)]
pub struct AnthropicConfig {
    connection: Connection,
    pub(crate) api_version: String,
    pub(crate) default_max_tokens: u32,
}

impl Default for AnthropicConfig {
    fn default() -> Self {
        AnthropicConfig {
            connection: Connection::new(
                "https://api.anthropic.com",
                KeyAuth::header("x-api-key", "ANTHROPIC_API_KEY"),
            ),
            api_version: "2023-06-01".into(),
            default_max_tokens: 4096,
        }
    }
}

impl AnthropicConfig {
    /// The defaults: `https://api.anthropic.com`, version 2023-06-01.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the `anthropic-version` header.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// The `max_tokens` sent when the request has none (the API requires
    /// one; default 4096).
    pub fn default_max_tokens(mut self, n: u32) -> Self {
        self.default_max_tokens = n;
        self
    }
}

impl ProviderConfig for AnthropicConfig {
    fn connection(&self) -> &Connection {
        &self.connection
    }

    fn connection_mut(&mut self) -> &mut Connection {
        &mut self.connection
    }
}
