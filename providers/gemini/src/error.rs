//! Error payloads of the Gemini API.
//!
//! An HTTP error body is `{"error": {"code": 400, "message": ..., "status":
//! "INVALID_ARGUMENT"}}` (sometimes wrapped in a one-element array); the
//! same object can arrive as a chunk of the stream. Both map to
//! [`ProviderError`] with `kind` = `status` and `code` = the numeric code.

use serde_json::Value;
use structream_provider::ProviderError;

/// The error in a chunk, if it holds one.
pub fn error_in(value: &Value) -> Option<ProviderError> {
    value.get("error").filter(|e| !e.is_null())?;
    ProviderError::from_json(value)
}
