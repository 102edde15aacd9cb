//! Extraction at scale on the providers' batch engines: OpenAI Batch,
//! Anthropic Message Batches and Gemini batch mode, with the schemas,
//! modes and validation of a live call.
//!
//! * **Build**: [`Batches::create`] turns [`BatchRequest`]s (a caller's
//!   `custom_id` and a [`Request`]) into the provider's
//!   request lines, with exactly the tools / response format a live call
//!   of the client's mode sends, and splits them into several batches when
//!   they exceed the provider's limits ([`Limits`]), saying so in
//!   [`Submitted::note`].
//! * **Watch**: [`Batches::status`] (with [`Counts`]), [`Batches::wait`]
//!   (polls with back-off, reports progress), [`Batches::cancel`],
//!   [`Batches::list`].
//! * **Results**: [`Batches::results`] downloads the results file as a
//!   stream and decodes it line by line with a [`ResultsDecoder`]: each
//!   line matched to its `custom_id` and turned into a `Result<T,`
//!   [`ResultError`]`>`, the tool arguments or JSON content of the answer
//!   validated as a live call's. Memory stays flat whatever the file's
//!   size: one line at a time.
//! * **Retry what failed**: [`retry_requests`] picks the requests whose
//!   results failed, to submit again or to run as live calls.
//!
//! The same decoder reads a results file already on disk:
//!
//! ```
//! use structream::batch::{Format, ResultsDecoder};
//! use structream::Client;
//!
//! let client = Client::builder_from("anthropic/any-model")?.api_key("unused").build()?;
//! let schema = serde_json::json!({
//!     "title": "User", "type": "object",
//!     "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
//!     "required": ["name", "age"],
//! });
//! let mut decoder = ResultsDecoder::with_schema(&client, Format::Anthropic, schema);
//! let file = br#"{"custom_id":"a","result":{"type":"succeeded","message":{"content":[{"type":"tool_use","id":"t","name":"User","input":{"name":"Jo","age":7}}],"stop_reason":"tool_use"}}}
//! {"custom_id":"b","result":{"type":"expired"}}
//! "#;
//! let mut results = Vec::new();
//! for chunk in file.chunks(10) {
//!     results.extend(decoder.feed(chunk));
//! }
//! results.extend(decoder.finish());
//! assert_eq!(results[0].value().unwrap()["age"], 7);
//! assert!(matches!(results[1].outcome, Err(structream::batch::ResultError::Expired { .. })));
//! # Ok::<(), structream::Error>(())
//! ```

mod answer;
mod api;
pub mod blocking;
#[cfg(feature = "replay")]
pub mod fake;
mod lines;
mod result_error;
mod results;
mod text;
mod wire;

pub use api::{Batches, Progress, Results, Submitted};
pub use lines::{Limits, Prepared};
pub use result_error::ResultError;
pub use results::{BatchResult, MAX_LINE, ResultsDecoder, retry_requests};

use crate::Request;

/// One request of a batch: the caller's id, to match its result, and the
/// call.
#[derive(Debug, Clone)]
pub struct BatchRequest {
    /// The caller's id (Anthropic allows 1 to 64 letters, digits, `_` and
    /// `-`; keep to that for every provider).
    pub custom_id: String,
    /// The call.
    pub request: Request,
}

impl BatchRequest {
    /// A request with an id.
    pub fn new(custom_id: impl Into<String>, request: impl Into<Request>) -> Self {
        BatchRequest {
            custom_id: custom_id.into(),
            request: request.into(),
        }
    }
}

/// A provider's batch API (and the shape of its results file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// OpenAI Batch over `/v1/chat/completions`.
    OpenAiChat,
    /// OpenAI Batch over `/v1/responses`.
    OpenAiResponses,
    /// Anthropic Message Batches.
    Anthropic,
    /// Gemini batch mode (`batchGenerateContent`).
    Gemini,
}

impl Format {
    /// The format of a provider (by its [`Provider::name`](structream_provider::Provider::name)).
    pub fn of_provider(name: &str) -> Option<Format> {
        Some(match name {
            "openai-chat" | "openai" => Format::OpenAiChat,
            "openai-responses" => Format::OpenAiResponses,
            "anthropic" => Format::Anthropic,
            "gemini" => Format::Gemini,
            _ => return None,
        })
    }

    /// `openai`, `openai-responses`, `anthropic` or `gemini`.
    pub fn name(self) -> &'static str {
        match self {
            Format::OpenAiChat => "openai",
            Format::OpenAiResponses => "openai-responses",
            Format::Anthropic => "anthropic",
            Format::Gemini => "gemini",
        }
    }
}

/// Where a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Accepted, being validated or queued (OpenAI `validating`, Gemini
    /// `BATCH_STATE_PENDING`).
    Pending,
    /// Running (`in_progress`, `finalizing`, `BATCH_STATE_RUNNING`).
    Running,
    /// Being canceled (`cancelling`, `canceling`).
    Canceling,
    /// Done; the results can be read (`completed`, `ended`,
    /// `BATCH_STATE_SUCCEEDED`; also a canceled or expired batch's partial
    /// results).
    Ended,
    /// Failed as a whole (`failed`, `BATCH_STATE_FAILED`): no results.
    Failed,
    /// Canceled (`cancelled`, `BATCH_STATE_CANCELLED`); results of what ran
    /// may exist.
    Canceled,
    /// Expired before it finished (`expired`, `BATCH_STATE_EXPIRED`);
    /// results of what ran may exist.
    Expired,
}

impl State {
    /// Whether the batch will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, State::Pending | State::Running | State::Canceling)
    }

    /// `pending`, `running`, `canceling`, `ended`, `failed`, `canceled`,
    /// `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::Canceling => "canceling",
            State::Ended => "ended",
            State::Failed => "failed",
            State::Canceled => "canceled",
            State::Expired => "expired",
        }
    }
}

/// How many requests of a batch are where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Counts {
    /// Requests in the batch.
    pub total: u64,
    /// Answered.
    pub succeeded: u64,
    /// Failed at the provider.
    pub errored: u64,
    /// Not run before the batch expired.
    pub expired: u64,
    /// Canceled before they ran.
    pub canceled: u64,
    /// Not done yet.
    pub in_progress: u64,
}

/// A batch as the provider reports it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Batch {
    /// The provider's id (`batch_…`, `msgbatch_…`, `batches/…`).
    pub id: String,
    /// Which API.
    pub format: Format,
    /// Where it is.
    pub state: State,
    /// The provider's own status string.
    pub raw_status: String,
    /// The counts.
    pub counts: Counts,
    /// The provider's object, as it came.
    pub raw: serde_json::Value,
}
