//! Error payloads of the Messages API.
//!
//! The in-stream `error` event and the HTTP error body have the same shape,
//! `{"type": "error", "error": {"type": "overloaded_error", "message": ...}}`,
//! mapped to [`ProviderError`] with `kind` = the error type.

use serde_json::Value;
use structream_provider::ProviderError;

/// The error of an `error` event.
pub fn error_event(value: &Value) -> ProviderError {
    ProviderError::from_json(value)
        .unwrap_or_else(|| ProviderError::new(format!("error event without a message: {value}")))
}
