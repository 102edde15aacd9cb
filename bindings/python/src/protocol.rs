//! The wire protocols `decode_events` / `decode_partials` read, by the
//! command line's names.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use structream_anthropic::AnthropicDecoder;
use structream_gemini::GeminiDecoder;
use structream_openai::{ChatDecoder, OllamaDecoder, ResponsesDecoder};
use structream_provider::StreamDecoder;

/// The names `protocol=` takes, as `structream sse --protocol` does.
const NAMES: &str = "\"openai-chat\" (or \"openai-compatible\"), \"openai-responses\", \
\"anthropic\", \"gemini\", \"ollama\"";

/// A fresh decoder for the protocol named `name`.
pub(crate) fn decoder(name: &str) -> PyResult<Box<dyn StreamDecoder>> {
    Ok(match name {
        "openai-chat" | "openai-compatible" => Box::new(ChatDecoder::default()),
        "openai-responses" => Box::new(ResponsesDecoder::default()),
        "anthropic" => Box::new(AnthropicDecoder::default()),
        "gemini" => Box::new(GeminiDecoder::default()),
        "ollama" => Box::new(OllamaDecoder::default()),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown protocol {other:?}: expected one of {NAMES}"
            )));
        }
    })
}
