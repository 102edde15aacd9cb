//! The errors of a call: each kind of failure is its own variant, with what
//! is known at that point (the partial value, the provider's message, the
//! field path, every attempt's error).

use std::fmt;

use structream_provider::{FinishReason, ProviderError, Usage};

/// Why a call failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The output stopped before the value was complete: the token limit
    /// (`length`, `max_tokens`) or a stream that ended early. `partial` is
    /// the value as far as it came, as JSON text (`None` if nothing came).
    Incomplete {
        /// The best partial value, as compact JSON.
        partial: Option<String>,
        /// Why the model stopped, if it said.
        reason: Option<FinishReason>,
    },
    /// The model refused; its message.
    Refusal(String),
    /// The provider's content filter stopped the output.
    ContentFilter,
    /// The provider answered with an error (an HTTP error status with the
    /// provider's message, or an error inside the stream).
    Provider(ProviderError),
    /// The request could not be made or the response read: connection,
    /// timeout, a body that is not a stream, a missing API key, a mode the
    /// provider does not support.
    Transport(String),
    /// The output is not valid JSON.
    Json(String),
    /// The value does not validate: its type, its schema or the
    /// [`Validate`](crate::Validate) hook.
    Validation {
        /// JSON Pointer of the offending field (`""` for the whole value).
        path: String,
        /// What is wrong (all problems found, one per line).
        message: String,
        /// The model's output that failed.
        output: String,
    },
    /// Every attempt failed validation; each attempt's error, in order.
    RetriesExhausted {
        /// The errors, one per attempt.
        attempts: Vec<Error>,
        /// Token usage over all attempts.
        usage: Usage,
    },
    /// The client was set up wrongly (an unknown provider, a bad model
    /// string).
    Config(String),
}

impl Error {
    /// Whether the model could be asked again with this error (a value that
    /// failed validation or is not JSON).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Validation { .. } | Error::Json(_))
    }

    pub(crate) fn from_provider(e: structream_provider::Error) -> Self {
        use structream_provider::Error as P;
        match e {
            P::Provider(p) => Error::Provider(p),
            // The provider's message without its own "transport error:".
            P::Transport(message) => Error::Transport(message),
            // A key, a mode or a request the provider cannot take is a
            // setup problem, not a failure of the call.
            e @ (P::MissingApiKey { .. } | P::UnsupportedMode { .. } | P::InvalidRequest(_)) => {
                Error::Config(e.to_string())
            }
            other => Error::Transport(other.to_string()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Incomplete { reason, partial } => {
                write!(f, "incomplete output")?;
                if let Some(r) = reason {
                    write!(f, " (finish reason: {})", r.as_str())?;
                }
                if partial.is_none() {
                    write!(f, ", nothing parsed")?;
                }
                Ok(())
            }
            Error::Refusal(text) => write!(f, "the model refused: {text}"),
            Error::ContentFilter => f.write_str("the provider's content filter stopped the output"),
            Error::Provider(e) => write!(f, "provider error: {e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Json(e) => write!(f, "the output is not valid JSON: {e}"),
            Error::Validation { path, message, .. } if path.is_empty() => {
                write!(f, "validation failed: {message}")
            }
            Error::Validation { path, message, .. } => {
                write!(f, "validation failed at {path}: {message}")
            }
            Error::RetriesExhausted { attempts, .. } => {
                write!(f, "{} attempts failed", attempts.len())?;
                if let Some(last) = attempts.last() {
                    write!(f, "; the last: {last}")?;
                }
                Ok(())
            }
            Error::Config(e) => write!(f, "configuration error: {e}"),
        }
    }
}

impl std::error::Error for Error {}
