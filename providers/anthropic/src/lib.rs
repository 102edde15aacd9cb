//! The Anthropic Messages API for structream.
//!
//! * [`Anthropic`]: the [`Provider`]: builds the streamed Messages request
//!   of a structured call per [`Mode`] and makes decoders.
//! * [`AnthropicDecoder`]: push decoder from body bytes to
//!   [`StreamEvent`](structream_provider::StreamEvent)s (tool_use blocks
//!   with `input_json_delta` per content block index, text, thinking,
//!   redacted thinking, stop reason, usage, errors).
//! * [`AnthropicConfig`]: base URL, key (`ANTHROPIC_API_KEY`), headers and
//!   stream limits through [`ProviderConfig`]; API version, default
//!   `max_tokens`.
//!
//! # Decoding a recorded stream
//!
//! ```
//! use structream_anthropic::AnthropicDecoder;
//! use structream_provider::{StreamDecoder, StreamEvent};
//!
//! let body = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../tests/corpora/sse/anthropic/anthropic-sdk-python/snapshot__tool_runner_555fb399.0.sse"
//! ));
//! let mut decoder = AnthropicDecoder::default();
//! let mut arguments = String::new();
//! let mut usage = None;
//! let mut sink = |event: StreamEvent<'_>| match event {
//!     StreamEvent::ToolArgsDelta { json, .. } => arguments.push_str(&json),
//!     StreamEvent::Usage(u) => usage = Some(u),
//!     _ => {}
//! };
//! for chunk in body.chunks(16) {
//!     decoder.feed(chunk, &mut sink)?;
//! }
//! decoder.finish(&mut sink)?;
//! let value: serde_json::Value = serde_json::from_str(&arguments).unwrap();
//! assert!(value.is_object());
//! assert!(usage.unwrap().output_tokens > 0);
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

pub use config::AnthropicConfig;
pub use decode::AnthropicHandler;
pub use structream_provider::connection::ProviderConfig;

/// The Messages API stream decoder.
pub type AnthropicDecoder = SseStreamDecoder<AnthropicHandler>;

/// The Messages API (`POST {base}/v1/messages`).
///
/// Modes: `Tools` (one tool forced with `tool_choice: {type: tool}`),
/// `ParallelTools` (`tool_choice: {type: any}`), `JsonSchema` (structured
/// outputs: `output_format` with the beta header), `Json` and `MarkdownJson`
/// (schema in the system prompt).
#[derive(Debug, Clone, Default)]
pub struct Anthropic {
    config: AnthropicConfig,
}

impl Anthropic {
    /// A provider with this configuration.
    pub fn new(config: AnthropicConfig) -> Self {
        Anthropic { config }
    }

    /// The configuration.
    pub fn config(&self) -> &AnthropicConfig {
        &self.config
    }
}

impl Provider for Anthropic {
    fn name(&self) -> &'static str {
        "anthropic"
    }

    fn modes(&self) -> &'static [Mode] {
        Mode::ALL
    }

    fn build_request(&self, request: &StructuredRequest) -> Result<HttpRequest, Error> {
        self.check_mode(request.mode)?;
        let body = request::messages_body(request, self.config.default_max_tokens)?;
        let mut req = HttpRequest::post(self.config.url("/v1/messages"), body)
            .header("anthropic-version", self.config.api_version.clone());
        if request.mode == Mode::JsonSchema {
            req = req.header("anthropic-beta", request::STRUCTURED_OUTPUTS_BETA);
        }
        self.config.connection().authorize(req)
    }

    fn decoder(&self) -> Box<dyn StreamDecoder> {
        Box::new(AnthropicDecoder::new(
            AnthropicHandler::default(),
            self.config.connection().sse_limits(),
        ))
    }
}
