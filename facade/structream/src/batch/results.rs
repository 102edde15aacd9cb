//! Results files decoded as they stream in: lines split out of chunks of
//! any size, each line read ([`super::wire`]) and its answer run through
//! the live call's driver, so that it is extracted and validated exactly
//! as a live call's. One line is held at a time.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use serde_json::Value;
use structream_provider::{ProviderError, Usage};

use super::wire::{self, Outcome};
use super::{BatchRequest, Format};
use crate::CallKind;
use crate::client::short_type_name;
use crate::schema::schema_of;
use crate::{Client, Error, Event, Request, Structured};

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

/// The result of one request of a batch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchResult<T> {
    /// The request's id (`None` for a line without one).
    pub custom_id: Option<String>,
    /// Line number in the results file, from 1 (blank lines count).
    pub line: u64,
    /// The validated value, or why there is none.
    pub outcome: Result<T, ResultError>,
    /// Tokens the request used, where the line says.
    pub usage: Usage,
}

impl<T> BatchResult<T> {
    /// The value, if the request gave one.
    pub fn value(&self) -> Option<&T> {
        self.outcome.as_ref().ok()
    }
}

/// The longest results line (a line over it is a per-line error).
const MAX_LINE: usize = 64 << 20;

/// Decodes a results file pushed in chunks of any size into
/// [`BatchResult`]s; no I/O. Made with [`ResultsDecoder::new`] for a typed
/// `T`, or [`ResultsDecoder::with_schema`] for a JSON Schema known at run
/// time.
pub struct ResultsDecoder<T: Structured> {
    client: Client,
    format: Format,
    schema: Value,
    type_name: String,
    expected: Option<HashSet<String>>,
    /// The unfinished line carried over from the last chunk.
    pending: Vec<u8>,
    /// The unfinished line is over [`MAX_LINE`]: skipping to its end.
    skipping: bool,
    lines: u64,
    position: u64,
    out: VecDeque<BatchResult<T>>,
}

impl<T: Structured> fmt::Debug for ResultsDecoder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultsDecoder")
            .field("format", &self.format)
            .field("lines", &self.lines)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl<T: Structured> ResultsDecoder<T> {
    /// A decoder of `format` results into `T`, planned as `client`'s live
    /// calls of `T` are (its mode picks tools or content).
    pub fn new(client: &Client, format: Format) -> Self {
        Self::planned(client, format, schema_of::<T>(), short_type_name::<T>())
    }

    fn planned(client: &Client, format: Format, schema: Value, type_name: &str) -> Self {
        ResultsDecoder {
            client: client.clone(),
            format,
            schema,
            type_name: type_name.to_owned(),
            expected: None,
            pending: Vec::new(),
            skipping: false,
            lines: 0,
            position: 0,
            out: VecDeque::new(),
        }
    }

    /// Only these custom ids belong to the batch: a line with another is
    /// a [`ResultError::Line`].
    #[must_use]
    pub fn expect_ids(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.expected = Some(ids.into_iter().collect());
        self
    }

    /// Numbers the lines from `n` (a decoder given a part of a file that
    /// starts at line `n`).
    #[must_use]
    pub fn first_line(mut self, n: u64) -> Self {
        self.lines = n.saturating_sub(1);
        self
    }

    /// Bytes fed so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Decodes a chunk; the results of the lines it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> impl Iterator<Item = BatchResult<T>> + '_ {
        self.position += chunk.len() as u64;
        let mut rest = chunk;
        while let Some(end) = memchr_newline(rest) {
            let (line, after) = (&rest[..end], &rest[end + 1..]);
            if self.skipping {
                self.skipping = false;
                self.too_long();
            } else if self.pending.is_empty() {
                self.line(line);
            } else {
                let mut whole = std::mem::take(&mut self.pending);
                whole.extend_from_slice(line);
                self.line(&whole);
                whole.clear();
                self.pending = whole;
            }
            rest = after;
        }
        if !self.skipping {
            if self.pending.len() + rest.len() > MAX_LINE {
                self.pending = Vec::new();
                self.skipping = true;
            } else {
                self.pending.extend_from_slice(rest);
            }
        }
        std::iter::from_fn(|| self.out.pop_front())
    }

    /// Ends the file: the result of a last line without a newline.
    pub fn finish(&mut self) -> impl Iterator<Item = BatchResult<T>> + '_ {
        if self.skipping {
            self.skipping = false;
            self.too_long();
        } else if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.line(&last);
        }
        std::iter::from_fn(|| self.out.pop_front())
    }

    fn too_long(&mut self) {
        self.lines += 1;
        self.out.push_back(BatchResult {
            custom_id: None,
            line: self.lines,
            outcome: Err(ResultError::Line {
                line: self.lines,
                message: format!("longer than {MAX_LINE} bytes"),
            }),
            usage: Usage::default(),
        });
    }

    fn line(&mut self, line: &[u8]) {
        // Blank lines count: `line` is the line number in the file.
        self.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let number = self.lines;
        let mut driver = self.client.driver_with_schema::<T>(
            Request::default().max_retries(0),
            CallKind::Value,
            self.schema.clone(),
            &self.type_name,
        );
        driver.sent();
        let read = wire::read_line(self.format, line, &mut |event| driver.on_event(event));
        let line_error = |message: String| ResultError::Line {
            line: number,
            message,
        };
        let (custom_id, outcome) = match read {
            Err(m) => (m.id, Err(line_error(m.message))),
            Ok((id, _))
                if self
                    .expected
                    .as_ref()
                    .is_some_and(|e| !e.contains(id.as_ref())) =>
            {
                let message = format!("custom_id {id:?} is not in the batch");
                (Some(id.into_owned()), Err(line_error(message)))
            }
            Ok((id, Outcome::Failed(e))) => (Some(id.into_owned()), Err(e)),
            Ok((id, Outcome::Answered)) => {
                driver.end_of_response();
                let mut outcome = None;
                while let Some(event) = driver.pop() {
                    match event {
                        Ok(Event::Done(value)) => outcome = Some(Ok(value)),
                        Err(e) => outcome = Some(Err(ResultError::Call(e))),
                        Ok(_) => {}
                    }
                }
                let outcome = outcome.unwrap_or_else(|| {
                    Err(ResultError::Call(Error::Incomplete {
                        partial: None,
                        reason: driver.finish_reason(),
                        items: None,
                        cause: None,
                    }))
                });
                (Some(id.into_owned()), outcome)
            }
        };
        self.out.push_back(BatchResult {
            custom_id,
            line: number,
            outcome,
            usage: driver.usage(),
        });
    }
}

impl ResultsDecoder<Value> {
    /// A decoder of values with the JSON Schema `schema`, as
    /// [`Client::create_with_schema`] would validate them.
    pub fn with_schema(client: &Client, format: Format, mut schema: Value) -> Self {
        if let Value::Object(map) = &mut schema {
            map.remove("$schema");
        }
        Self::planned(client, format, schema, "output")
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// The requests worth sending again: those whose result failed in a way
/// [`ResultError::is_retryable`] (errored, expired, canceled, did not
/// validate), in the order of `requests`. Submit them as a new batch with
/// [`Batches::create`](super::Batches::create), or run them as live calls
/// with [`Batches::run_live`](super::Batches::run_live).
pub fn retry_requests<'r, T: 'r>(
    requests: impl IntoIterator<Item = BatchRequest>,
    results: impl IntoIterator<Item = &'r BatchResult<T>>,
) -> Vec<BatchRequest> {
    let failed: HashSet<&str> = results
        .into_iter()
        .filter(|r| r.outcome.as_ref().is_err_and(ResultError::is_retryable))
        .filter_map(|r| r.custom_id.as_deref())
        .collect();
    requests
        .into_iter()
        .filter(|r| failed.contains(r.custom_id.as_str()))
        .collect()
}
