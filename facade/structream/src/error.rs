//! The errors of a call: each kind of failure is its own variant, with what
//! is known at that point (the partial value, the provider's message, the
//! field path, the model's answer, every attempt's error).

use std::fmt;

use structream_provider::{DecodeError, FinishReason, ProviderError, Usage};

/// Why a call failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The output stopped before the value was complete: the token limit
    /// (`length`, `max_tokens`), a stream that ended without the provider
    /// saying the answer was finished, or a connection that failed after
    /// the answer began (`cause` is then the [`Error::Transport`]). What
    /// arrived before is kept: `partial` is the value as far as it came,
    /// and the items `create_iterable` handed out stay handed out.
    Incomplete {
        /// The best partial value, as compact JSON (`None` if nothing came).
        /// For `create_iterable`, the item that was still open, if any.
        partial: Option<String>,
        /// Why the model stopped, if it said.
        reason: Option<FinishReason>,
        /// For `create_iterable`, how many items were handed out before
        /// the output stopped, over every attempt; `None` for the other
        /// calls.
        items: Option<usize>,
        /// What cut the output off when it was not the model: the transport
        /// failure (also [`std::error::Error::source`]).
        cause: Option<Box<Error>>,
    },
    /// The model refused; its message.
    Refusal(String),
    /// The provider's content filter stopped the output.
    ContentFilter,
    /// The provider answered with an error (an HTTP error status with the
    /// provider's message, or an error inside the stream).
    Provider(ProviderError),
    /// The request could not be made or the response read before the
    /// answer began: connection, timeout, a body that is not a stream. (A
    /// failure after the answer began is an [`Error::Incomplete`] with this
    /// as its `cause`.)
    Transport(String),
    /// The response is not a stream the provider's protocol can decode (a
    /// malformed frame or envelope), with where in the body it starts. As
    /// with [`Error::Transport`], after the answer began it is the `cause`
    /// of an [`Error::Incomplete`].
    Decode(DecodeError),
    /// The answer does not hold the JSON value: none at all, one cut short
    /// although the provider reported the answer finished, or malformed
    /// JSON.
    Json {
        /// What is wrong.
        error: JsonError,
        /// The model's answer (tool arguments or text), as it came.
        output: String,
    },
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
        matches!(self, Error::Validation { .. } | Error::Json { .. })
    }

    /// The model's answer this error is about, if it has one: the output
    /// of a [`Error::Json`] or [`Error::Validation`], or of the last
    /// attempt of [`Error::RetriesExhausted`].
    pub fn output(&self) -> Option<&str> {
        match self {
            Error::Json { output, .. } | Error::Validation { output, .. } => Some(output),
            Error::RetriesExhausted { attempts, .. } => attempts.last().and_then(Error::output),
            _ => None,
        }
    }

    pub(crate) fn from_provider(e: structream_provider::Error) -> Self {
        use structream_provider::Error as P;
        match e {
            P::Provider(p) => Error::Provider(p),
            // The provider's message without its own "transport error:".
            P::Transport(message) => Error::Transport(message),
            P::Decode(e) => Error::Decode(e),
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
            Error::Incomplete {
                reason,
                partial,
                items,
                cause,
            } => {
                write!(f, "incomplete output")?;
                if let Some(c) = cause {
                    write!(f, ": {c}")?;
                }
                if let Some(r) = reason {
                    write!(f, " (finish reason: {})", r.as_str())?;
                }
                match items {
                    Some(1) => write!(f, "; 1 item arrived before it stopped")?,
                    Some(n) => write!(f, "; {n} items arrived before it stopped")?,
                    None if partial.is_none() => write!(f, ", nothing parsed")?,
                    None => {}
                }
                Ok(())
            }
            Error::Refusal(text) => write!(f, "the model refused: {text}"),
            Error::ContentFilter => f.write_str("the provider's content filter stopped the output"),
            Error::Provider(e) => write!(f, "provider error: {e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Decode(e) => write!(f, "cannot decode the response: {e}"),
            Error::Json { error, .. } => error.fmt(f),
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Incomplete { cause: Some(c), .. } => Some(&**c),
            Error::Provider(e) => Some(e),
            Error::Decode(e) => Some(e),
            Error::Json { error, .. } => error.source(),
            _ => None,
        }
    }
}

/// Why an answer does not hold the JSON value ([`Error::Json`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// There was no answer: no tool call and no text.
    Empty,
    /// The answer (prose, or empty tool arguments) holds no JSON value of
    /// the kind asked for.
    NoValue,
    /// The answer ended inside the JSON value, `offset` bytes into it,
    /// though the provider reported it finished (a stream that ended
    /// without saying so, or at the token limit, is an
    /// [`Error::Incomplete`] instead).
    EndedInside {
        /// Where the answer ended: its length in bytes.
        offset: u64,
    },
    /// The answer is not well-formed JSON: what the parser found, and where
    /// (its offset counts from the answer's first byte).
    Syntax(structream_parser::Error),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Empty => {
                f.write_str("no answer: the model neither called the tool nor wrote any text")
            }
            JsonError::NoValue => f.write_str("the answer holds no JSON value"),
            JsonError::EndedInside { offset } => write!(
                f,
                "the answer ended inside the JSON value at byte {offset}, though the provider reported it finished"
            ),
            JsonError::Syntax(e) => {
                write!(f, "the answer is not valid JSON: {e} (byte {})", e.offset())
            }
        }
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonError::Syntax(e) => Some(e),
            _ => None,
        }
    }
}
