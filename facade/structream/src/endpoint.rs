//! What every call of a client shares: the provider, the HTTP client, the
//! model and the defaults. Its own module, so that the client (which makes
//! calls) and the call streams (which use it) do not import each other.

use structream_provider::Mode;
use structream_provider::Provider;
use structream_provider::http::HttpClient;

/// The provider and settings behind a [`Client`](crate::Client), shared by
/// its calls.
pub(crate) struct Endpoint {
    pub(crate) provider: Box<dyn Provider>,
    pub(crate) http: HttpClient,
    pub(crate) model: String,
    pub(crate) mode: Mode,
    pub(crate) max_retries: u32,
    pub(crate) max_tokens: Option<u32>,
    pub(crate) temperature: Option<f32>,
    /// [`ClientBuilder::coerce`](crate::ClientBuilder::coerce): `None` for
    /// the default.
    pub(crate) coerce: Option<bool>,
    /// [`ClientBuilder::repair`](crate::ClientBuilder::repair): `None` for
    /// the default.
    pub(crate) repair: Option<bool>,
    /// Whether the provider is an OpenAI-compatible server other than
    /// OpenAI's own (Ollama, vLLM, llama.cpp, Groq …).
    pub(crate) compatible: bool,
}
