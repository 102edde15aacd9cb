//! OpenAI wire protocols for structream: Chat Completions (OpenAI and every
//! OpenAI-compatible server), the Responses API, and Ollama's native
//! NDJSON `/api/chat`.
//!
//! * [`OpenAiChat`], [`OpenAiResponses`], [`Ollama`]: [`Provider`]s that
//!   build the request of a structured call per [`Mode`] and make decoders.
//! * [`ChatDecoder`], [`ResponsesDecoder`], [`OllamaDecoder`]: push
//!   decoders from body bytes to [`StreamEvent`]s.
//! * [`OpenAiConfig`] and [`Vendor`]: base URL, key, headers and stream
//!   limits through [`ProviderConfig`], and the per-vendor request
//!   differences (Groq, OpenRouter, DeepSeek, Mistral, Together, vLLM,
//!   llama.cpp, Ollama's `/v1`, Azure).
//!
//! # Decoding a recorded stream
//!
//! Two tool calls streamed in parallel, fed in 5-byte chunks:
//!
//! ```
//! use structream_openai::ChatDecoder;
//! use structream_provider::{StreamDecoder, StreamEvent};
//!
//! let body = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../tests/corpora/sse/openai-chat/pydantic-ai/parallel_tool_calls_2.sse"
//! ));
//! let mut decoder = ChatDecoder::default();
//! let mut args = [String::new(), String::new()];
//! let mut sink = |event: StreamEvent<'_>| match event {
//!     StreamEvent::ToolArgsDelta { index, json, .. } => args[index as usize].push_str(&json),
//!     StreamEvent::Finish { reason, .. } => println!("finish: {}", reason.as_str()),
//!     _ => {}
//! };
//! for chunk in body.chunks(5) {
//!     decoder.feed(chunk, &mut sink)?;
//! }
//! decoder.finish(&mut sink)?;
//! for a in &args {
//!     serde_json::from_str::<serde_json::Value>(a).unwrap();
//! }
//! # Ok::<(), structream_provider::DecodeError>(())
//! ```

#![deny(missing_docs)]

pub mod config;
pub mod decode;
pub mod error;
pub mod request;

use structream_provider::provider::{NdjsonStreamDecoder, SseStreamDecoder};
use structream_provider::{
    Error, HttpRequest, Mode, Provider, ProviderExt, StreamDecoder, StructuredRequest,
};

pub use config::{OpenAiConfig, Vendor};
pub use decode::chat::ChatHandler;
pub use decode::ollama::OllamaHandler;
pub use decode::responses::ResponsesHandler;
pub use structream_provider::StreamEvent;
pub use structream_provider::connection::ProviderConfig;

/// The Chat Completions stream decoder.
pub type ChatDecoder = SseStreamDecoder<ChatHandler>;
/// The Responses API stream decoder.
pub type ResponsesDecoder = SseStreamDecoder<ResponsesHandler>;
/// Ollama's native NDJSON stream decoder.
pub type OllamaDecoder = NdjsonStreamDecoder<OllamaHandler>;

/// Chat Completions (`POST {base}/chat/completions`), for OpenAI and every
/// OpenAI-compatible server.
///
/// Modes: all for OpenAI (tools forced with `tool_choice`, parallel tools,
/// strict `json_schema` with [`openai_strict`](structream_provider::schema::openai_strict),
/// `json_object`, markdown JSON); per [`Vendor::chat_modes`] for the others.
#[derive(Debug, Clone, Default)]
pub struct OpenAiChat {
    config: OpenAiConfig,
}

impl OpenAiChat {
    /// A provider with this configuration.
    pub fn new(config: OpenAiConfig) -> Self {
        OpenAiChat { config }
    }

    /// The configuration.
    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }
}

impl Provider for OpenAiChat {
    fn name(&self) -> &'static str {
        "openai-chat"
    }

    fn modes(&self) -> &'static [Mode] {
        self.config.vendor().chat_modes()
    }

    fn build_request(&self, request: &StructuredRequest) -> Result<HttpRequest, Error> {
        self.check_mode(request.mode)?;
        let body = request::chat_body(request, self.config.vendor())?;
        self.config.connection().authorize(HttpRequest::post(
            self.config.url("/chat/completions"),
            body,
        ))
    }

    fn decoder(&self) -> Box<dyn StreamDecoder> {
        Box::new(ChatDecoder::new(
            ChatHandler::default(),
            self.config.connection().sse_limits(),
        ))
    }
}

/// The Responses API (`POST {base}/responses`). Modes: all (function tools
/// are strict, JSON schema through `text.format`).
#[derive(Debug, Clone, Default)]
pub struct OpenAiResponses {
    config: OpenAiConfig,
}

impl OpenAiResponses {
    /// A provider with this configuration.
    pub fn new(config: OpenAiConfig) -> Self {
        OpenAiResponses { config }
    }

    /// The configuration.
    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }
}

impl Provider for OpenAiResponses {
    fn name(&self) -> &'static str {
        "openai-responses"
    }

    fn modes(&self) -> &'static [Mode] {
        Mode::ALL
    }

    fn build_request(&self, request: &StructuredRequest) -> Result<HttpRequest, Error> {
        self.check_mode(request.mode)?;
        let body = request::responses_body(request)?;
        self.config
            .connection()
            .authorize(HttpRequest::post(self.config.url("/responses"), body))
    }

    fn decoder(&self) -> Box<dyn StreamDecoder> {
        Box::new(ResponsesDecoder::new(
            ResponsesHandler::default(),
            self.config.connection().sse_limits(),
        ))
    }
}

/// Ollama's native chat API (`POST {base}/api/chat`, NDJSON). The base URL
/// is the server's root (default `http://localhost:11434`). Modes: all
/// (tools unforced: Ollama has no `tool_choice`; JSON schema through
/// `format`).
#[derive(Debug, Clone)]
pub struct Ollama {
    config: OpenAiConfig,
}

impl Default for Ollama {
    fn default() -> Self {
        Ollama::new(OpenAiConfig::for_vendor(Vendor::Ollama).base_url("http://localhost:11434"))
    }
}

impl Ollama {
    /// A provider with this configuration (its base URL is the server's
    /// root, without `/v1`).
    pub fn new(config: OpenAiConfig) -> Self {
        Ollama { config }
    }

    /// The configuration.
    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }
}

impl Provider for Ollama {
    fn name(&self) -> &'static str {
        "ollama"
    }

    fn modes(&self) -> &'static [Mode] {
        Mode::ALL
    }

    fn build_request(&self, request: &StructuredRequest) -> Result<HttpRequest, Error> {
        self.check_mode(request.mode)?;
        let body = request::ollama_body(request)?;
        let mut req = HttpRequest::post(self.config.url("/api/chat"), body);
        req.headers.retain(|(n, _)| n != "accept");
        req = req.header("accept", "application/x-ndjson");
        self.config.connection().authorize(req)
    }

    fn decoder(&self) -> Box<dyn StreamDecoder> {
        Box::new(OllamaDecoder::new(
            OllamaHandler::default(),
            self.config.connection().sse_limits().max_line_len,
        ))
    }
}
