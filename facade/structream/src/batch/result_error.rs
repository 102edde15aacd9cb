//! Why a request of a batch has no value: the error of one result, shared
//! by the results decoder ([`super::results`]) and the line reader
//! ([`super::wire`]).

use std::fmt;

use structream_provider::ProviderError;

use crate::Error;

/// Why a request of a batch has no value.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ResultError {
    /// The provider answered, but the answer gives no value: it does not
    /// validate, holds no JSON, was cut off, or was refused; the error a
    /// live call would give.
    Call(Error),
    /// The provider failed the request, with its message.
    Provider(ProviderError),
    /// The batch expired before the request ran.
    Expired {
        /// The provider's message.
        message: String,
    },
    /// The batch was canceled before the request ran.
    Canceled {
        /// The provider's message.
        message: String,
    },
    /// The line cannot be read as a result: not JSON, missing fields, a
    /// `custom_id` not in the batch, too long.
    Line {
        /// Line number in the results file, from 1.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

impl ResultError {
    /// Whether the request is worth sending again (it errored, expired,
    /// was canceled, or its answer did not validate).
    pub fn is_retryable(&self) -> bool {
        !matches!(self, ResultError::Line { .. })
    }

    /// Whether the provider, rather than the answer, is at fault (errored,
    /// expired, canceled, an unreadable line).
    pub fn is_provider_side(&self) -> bool {
        !matches!(self, ResultError::Call(_))
    }

    /// `validation`, `json`, `refusal`, `incomplete`, … for a failed
    /// answer; `provider`, `expired`, `canceled`, `line` otherwise.
    pub fn kind(&self) -> &'static str {
        match self {
            ResultError::Call(e) => match e {
                Error::Validation { .. } | Error::RetriesExhausted { .. } => "validation",
                Error::Json { .. } => "json",
                Error::Refusal(_) => "refusal",
                Error::ContentFilter => "content_filter",
                Error::Incomplete { .. } => "incomplete",
                Error::Provider(_) => "provider",
                _ => "error",
            },
            ResultError::Provider(_) => "provider",
            ResultError::Expired { .. } => "expired",
            ResultError::Canceled { .. } => "canceled",
            ResultError::Line { .. } => "line",
        }
    }
}

impl fmt::Display for ResultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultError::Call(e) => e.fmt(f),
            ResultError::Provider(e) => write!(f, "provider error: {e}"),
            ResultError::Expired { message } => write!(f, "expired: {message}"),
            ResultError::Canceled { message } => write!(f, "canceled: {message}"),
            ResultError::Line { line, message } => write!(f, "line {line}: {message}"),
        }
    }
}

impl std::error::Error for ResultError {}
