//! Configuration: the shared connection settings.

use structream_provider::connection::{Connection, KeyAuth, ProviderConfig};

/// Configuration of the [`Gemini`](crate::Gemini) provider: a
/// [`Connection`] (base URL, key, headers, stream limits, set through
/// [`ProviderConfig`]). The key is read at request time: the explicit one,
/// else `GEMINI_API_KEY`. It is sent in the `x-goog-api-key` header, never
/// in the URL (URLs show up in transport errors).
#[derive(Debug, Clone)]
pub struct GeminiConfig {
    connection: Connection,
}

impl Default for GeminiConfig {
    fn default() -> Self {
        GeminiConfig {
            connection: Connection::new(
                "https://generativelanguage.googleapis.com/v1beta",
                KeyAuth::header("x-goog-api-key", "GEMINI_API_KEY"),
            ),
        }
    }
}

impl GeminiConfig {
    /// The defaults: the Generative Language API, `v1beta`.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ProviderConfig for GeminiConfig {
    fn connection(&self) -> &Connection {
        &self.connection
    }

    fn connection_mut(&mut self) -> &mut Connection {
        &mut self.connection
    }
}
