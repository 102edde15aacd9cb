//! Errors: decoding errors with a byte position, the error a provider
//! reports (in the stream or as an HTTP error body), and the crate-wide
//! [`Error`].
//!
//! No error type here ever holds an API key: requests are redacted before
//! they can reach an error, and provider messages are the provider's own.

use std::fmt;
use std::time::Duration;

use crate::request::Mode;

/// Why a byte stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A line grew past the configured limit.
    LineTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The data of one event grew past the configured limit.
    EventTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The input ended in the middle of a line or frame.
    Truncated,
    /// The input ended before the protocol's own end of stream (no final
    /// `[DONE]`, `message_stop`, `response.completed`, finish reason …) and
    /// without an error.
    Incomplete,
    /// A frame that should hold JSON does not.
    InvalidJson {
        /// serde_json's description.
        detail: String,
    },
    /// Valid JSON of a shape the protocol does not allow.
    UnexpectedShape {
        /// What was wrong.
        detail: String,
    },
}

/// A decoding error: what went wrong and the byte offset in the stream
/// where the offending line or frame starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: u64,
}

impl DecodeError {
    /// A new error at `offset`.
    pub fn new(kind: DecodeErrorKind, offset: u64) -> Self {
        DecodeError { kind, offset }
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// Byte offset in the stream.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether the input ended too early (cut mid-line, or before the
    /// protocol's end of stream): what a streaming caller sees when the
    /// connection drops.
    pub fn is_eof(&self) -> bool {
        matches!(
            self.kind,
            DecodeErrorKind::Truncated | DecodeErrorKind::Incomplete
        )
    }

    /// Shorthand for an [`DecodeErrorKind::InvalidJson`] error.
    pub fn invalid_json(err: &serde_json::Error, offset: u64) -> Self {
        DecodeError::new(
            DecodeErrorKind::InvalidJson {
                detail: err.to_string(),
            },
            offset,
        )
    }

    /// Shorthand for an [`DecodeErrorKind::UnexpectedShape`] error.
    pub fn shape(detail: impl Into<String>, offset: u64) -> Self {
        DecodeError::new(
            DecodeErrorKind::UnexpectedShape {
                detail: detail.into(),
            },
            offset,
        )
    }
}

/// The error a decoder failed with, returned again by every later call.
/// The check on the hot path is one comparison; copying the error is out
/// of line.
#[derive(Debug, Default)]
pub(crate) struct Failed(Option<DecodeError>);

impl Failed {
    /// `Err` with the error the decoder failed with, if it did.
    #[inline(always)]
    pub(crate) fn check(&self) -> Result<(), DecodeError> {
        if self.0.is_none() {
            Ok(())
        } else {
            self.again()
        }
    }

    #[cold]
    #[inline(never)]
    fn again(&self) -> Result<(), DecodeError> {
        self.0.clone().map_or(Ok(()), Err)
    }

    /// Passes `r` on, keeping its error for the later calls.
    #[inline(always)]
    pub(crate) fn keep(&mut self, r: Result<(), DecodeError>) -> Result<(), DecodeError> {
        match r {
            // A fresh `Ok`, not a copy of the whole result.
            Ok(()) => Ok(()),
            Err(e) => Err(self.set(e)),
        }
    }

    #[cold]
    #[inline(never)]
    fn set(&mut self, e: DecodeError) -> DecodeError {
        self.0 = Some(e.clone());
        e
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DecodeErrorKind::LineTooLong { limit } => {
                write!(f, "line longer than the limit of {limit} bytes")?
            }
            DecodeErrorKind::EventTooLong { limit } => {
                write!(f, "event data longer than the limit of {limit} bytes")?
            }
            DecodeErrorKind::Truncated => f.write_str("stream cut in the middle of a line")?,
            DecodeErrorKind::Incomplete => {
                f.write_str("stream ended before the provider's end of stream")?
            }
            DecodeErrorKind::InvalidJson { detail } => {
                write!(f, "invalid JSON in frame: {detail}")?
            }
            DecodeErrorKind::UnexpectedShape { detail } => {
                write!(f, "unexpected stream content: {detail}")?
            }
        }
        write!(f, " at byte {}", self.offset)
    }
}

impl std::error::Error for DecodeError {}

/// An error reported by the provider: in the stream (`event: error`, an
/// error object in a chunk, `response.failed`) or as the body of an HTTP
/// error status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ProviderError {
    /// The provider's message.
    pub message: String,
    /// The provider's error type (`overloaded_error`, `invalid_request_error`
    /// …), when it gives one.
    pub kind: Option<String>,
    /// The provider's error code (`rate_limit_exceeded`, `tool_use_failed`,
    /// `400` …), when it gives one.
    pub code: Option<String>,
    /// The HTTP status, for an error status.
    pub status: Option<u16>,
}

impl ProviderError {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        ProviderError {
            message: message.into(),
            ..Default::default()
        }
    }

    /// Reads the usual error shapes out of a JSON value: `{"error": {...}}`,
    /// `{"error": "text"}`, `{"message": ...}`, `[{"error": ...}]` (Gemini).
    /// Returns `None` when there is no error message in it.
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        let value = match value {
            serde_json::Value::Array(items) => items.first()?,
            v => v,
        };
        let obj = value.as_object()?;
        let inner = match obj.get("error") {
            Some(serde_json::Value::String(s)) => {
                return Some(ProviderError::new(s.clone()));
            }
            Some(serde_json::Value::Object(e)) => e,
            Some(_) => return None,
            None => obj,
        };
        let message = inner.get("message").and_then(|m| match m {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })?;
        let text = |v: Option<&serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Some(ProviderError {
            message,
            kind: text(inner.get("type")).or_else(|| text(inner.get("status"))),
            code: text(inner.get("code")),
            status: None,
        })
    }

    /// The error of an HTTP error status: the provider's message from the
    /// body when it is JSON with one, the start of the body otherwise.
    pub fn from_http_body(status: u16, body: &[u8]) -> Self {
        let parsed = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| ProviderError::from_json(&v));
        let mut err = parsed.unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let mut end = text.len().min(500);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            ProviderError::new(if text.is_empty() {
                "(empty body)".to_string()
            } else {
                text[..end].to_string()
            })
        });
        err.status = Some(status);
        err
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(status) = self.status {
            write!(f, "HTTP {status}: ")?;
        }
        f.write_str(&self.message)?;
        match (&self.kind, &self.code) {
            (Some(k), Some(c)) => write!(f, " ({k}, {c})"),
            (Some(k), None) => write!(f, " ({k})"),
            (None, Some(c)) => write!(f, " ({c})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for ProviderError {}

/// The error of the provider crates.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The provider does not support this mode.
    UnsupportedMode {
        /// The provider's name.
        provider: &'static str,
        /// The mode asked for.
        mode: Mode,
    },
    /// The request cannot be built (no schema for a tool mode, several
    /// schemas where one is needed …).
    InvalidRequest(String),
    /// No API key was given and the environment variable is not set.
    MissingApiKey {
        /// The variable that was read.
        var: &'static str,
    },
    /// The provider answered with an error: an HTTP error status (with the
    /// provider's message from the body) or an error inside the stream.
    Provider(ProviderError),
    /// The body could not be decoded.
    Decode(DecodeError),
    /// The body is not an event stream (an HTML error page, a JSON body …).
    NotAStream {
        /// The response's content type.
        content_type: String,
        /// The start of the body.
        snippet: String,
    },
    /// Connecting, or waiting for the next bytes, took too long.
    Timeout {
        /// What was being waited for.
        phase: &'static str,
        /// The limit that was reached.
        after: Duration,
    },
    /// A transport failure: connection refused or reset, TLS, a body cut
    /// mid-stream.
    Transport(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnsupportedMode { provider, mode } => {
                write!(f, "{provider} does not support the {mode:?} mode")
            }
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::MissingApiKey { var } => {
                write!(f, "no API key given and {var} is not set")
            }
            Error::Provider(e) => write!(f, "provider error: {e}"),
            Error::Decode(e) => write!(f, "cannot decode the stream: {e}"),
            Error::NotAStream {
                content_type,
                snippet,
            } => write!(
                f,
                "the response is not an event stream (content type {content_type:?}): {snippet}"
            ),
            Error::Timeout { phase, after } => {
                write!(f, "timed out after {after:?} waiting for {phase}")
            }
            Error::Transport(m) => write!(f, "transport error: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Provider(e) => Some(e),
            Error::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

impl From<ProviderError> for Error {
    fn from(e: ProviderError) -> Self {
        Error::Provider(e)
    }
}

impl Error {
    /// The provider's own error, when this is one.
    pub fn provider_error(&self) -> Option<&ProviderError> {
        match self {
            Error::Provider(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the provider answered with an error status.
    pub fn status(&self) -> Option<u16> {
        self.provider_error().and_then(|e| e.status)
    }
}
