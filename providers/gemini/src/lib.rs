//! Gemini's `streamGenerateContent` (SSE) for structream.
//!
//! * [`Gemini`]: the [`Provider`]: builds the request of a structured call
//!   per [`Mode`] (function declarations forced with `toolConfig`, or
//!   `responseSchema` JSON through [`gemini_subset`](structream_provider::schema::gemini_subset))
//!   and makes decoders.
//! * [`GeminiDecoder`]: push decoder from body bytes to
//!   [`StreamEvent`](structream_provider::StreamEvent)s: text, thoughts,
//!   `functionCall` parts (whole, or streamed as `partialArgs`), finish
//!   reasons, usage, errors.
//! * [`GeminiConfig`]: base URL, key (`GEMINI_API_KEY`, sent as
//!   `x-goog-api-key`), headers and stream limits through
//!   [`ProviderConfig`].
//!
//! Only the `alt=sse` format is decoded: the request always asks for it.
//! (Without `alt=sse` the API streams one JSON array; that format is not
//! supported.)
//!
//! # Decoding a recorded stream
//!
//! ```
//! use structream_gemini::GeminiDecoder;
//! use structream_provider::{StreamDecoder, StreamEvent};
//!
//! let body = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../tests/corpora/sse/gemini/pydantic-ai/model_iter_stream.0.function_call.sse"
//! ));
//! let mut decoder = GeminiDecoder::default();
//! let mut calls = Vec::new();
//! let mut args = String::new();
//! let mut sink = |event: StreamEvent<'_>| match event {
//!     StreamEvent::ToolCallStart { name, .. } => calls.push(name.into_owned()),
//!     StreamEvent::ToolArgsDelta { json, .. } => args.push_str(&json),
//!     _ => {}
//! };
//! for chunk in body.chunks(3) {
//!     decoder.feed(chunk, &mut sink)?;
//! }
//! decoder.finish(&mut sink)?;
//! assert_eq!(calls, ["get_capital"]);
//! assert_eq!(args, r#"{"country":"France"}"#);
//! # Ok::<(), structream_provider::DecodeError>(())
//! ```

#![deny(missing_docs)]

pub mod config;
pub mod decode;
pub mod error;
pub mod request;

use structream_provider::provider::SseStreamDecoder;
use structream_provider::{
    Error, HttpRequest, Mode, Provider, ProviderExt, StreamDecoder, StructuredRequest,
};

pub use config::GeminiConfig;
pub use decode::GeminiHandler;
pub use structream_provider::connection::ProviderConfig;

/// The `streamGenerateContent?alt=sse` stream decoder.
pub type GeminiDecoder = SseStreamDecoder<GeminiHandler>;

/// Gemini (`POST {base}/models/{model}:streamGenerateContent?alt=sse`).
///
/// Modes: `Tools` (`functionCallingConfig` mode `ANY` restricted to the
/// tool), `ParallelTools` (mode `ANY` over all tools), `JsonSchema`
/// (`responseMimeType: application/json` + `responseSchema` in Gemini's
/// subset), `Json` (JSON MIME type, schema in the system instruction),
/// `MarkdownJson`.
#[derive(Debug, Clone, Default)]
pub struct Gemini {
    config: GeminiConfig,
}

impl Gemini {
    /// A provider with this configuration.
    pub fn new(config: GeminiConfig) -> Self {
        Gemini { config }
    }

    /// The configuration.
    pub fn config(&self) -> &GeminiConfig {
        &self.config
    }
}

impl Provider for Gemini {
    fn name(&self) -> &'static str {
        "gemini"
    }

    fn modes(&self) -> &'static [Mode] {
        Mode::ALL
    }

    fn build_request(&self, request: &StructuredRequest) -> Result<HttpRequest, Error> {
        self.check_mode(request.mode)?;
        let body = request::generate_body(request)?;
        let model = request.model.trim_start_matches("models/");
        let url = self
            .config
            .url(&format!("/models/{model}:streamGenerateContent?alt=sse"));
        self.config
            .connection()
            .authorize(HttpRequest::post(url, body))
    }

    fn decoder(&self) -> Box<dyn StreamDecoder> {
        Box::new(GeminiDecoder::new(
            GeminiHandler::default(),
            self.config.connection().sse_limits(),
        ))
    }
}
