//! Error payloads of the OpenAI protocols.
//!
//! Shapes seen in the wild, all mapped to [`ProviderError`]:
//! * an HTTP error body `{"error": {"message", "type", "code", "param"}}`;
//! * Groq's in-stream `event: error` frame with the same object;
//! * OpenRouter's `error` object inside a `chat.completion.chunk`, with a
//!   numeric `code`;
//! * the Responses API's `error` event (`{"type": "error", "code",
//!   "message"}`) and `response.failed` (`response.error`);
//! * Ollama's `{"error": "text"}`.

use serde_json::Value;
use structream_provider::ProviderError;

/// The error in a chunk or error frame, if it holds one.
pub fn error_in(value: &Value) -> Option<ProviderError> {
    if value.get("error").is_some_and(|e| !e.is_null()) {
        return ProviderError::from_json(value);
    }
    None
}

/// The error of a Responses `error` event or a `response.failed`.
pub fn error_event(value: &Value) -> ProviderError {
    let inner = value
        .pointer("/response/error")
        .filter(|e| !e.is_null())
        .or_else(|| value.get("error").filter(|e| !e.is_null()))
        .unwrap_or(value);
    ProviderError::from_json(inner)
        .or_else(|| ProviderError::from_json(&serde_json::json!({ "error": inner })))
        .unwrap_or_else(|| ProviderError::new(format!("error without a message: {value}")))
}
