//! The shared conformance suite (feature `conformance`), called by every
//! protocol crate's tests and by the fuzz targets.
//!
//! The checks are pure (no network, no async): they need nothing but a
//! [`StreamDecoder`](crate::StreamDecoder).
//!
//! * [`fixtures`] loads the recorded streams of a protocol from
//!   `tests/corpora/sse/<folder>`; JSONL captures of event payloads
//!   (`.chunks.txt`) are framed as SSE (`data: <line>` + blank line), the
//!   way they were sent.
//! * [`check_decoding`] decodes a body whole, at every byte split (small
//!   bodies) and in random chunkings, checks the results are identical, and
//!   checks the rules every event sequence must keep
//!   ([`check_invariants`]).
//! * [`check_config`] checks that a protocol's config applies the shared
//!   connection settings (base URL, key, headers, stream limits).
//! * [`Transcript`] folds the events into per-call arguments, text, usage,
//!   finish reasons and errors, for the protocol crates' own checks against
//!   the final values the recordings report.
//!
//! With the `loopback` feature as well, the transport half:
//! `check_replay` and `run_fixture` serve bodies through the
//! [`loopback`](crate::loopback) server and read them back with the real
//! reqwest client; `check_transport` checks error statuses, retries,
//! timeouts and cancellation the same way for every provider.

mod config;
mod corpus;
mod decode;
mod transcript;
#[cfg(feature = "loopback")]
mod transport;

pub use config::check_config;
pub use corpus::{Fixture, Format, corpus_dir, fixtures};
pub use decode::{
    Decoded, check_decoding, check_invariants, check_shortcuts, decode_with_cuts, frame_by_frame,
    random_cuts, same_but_quoted_text, without_repeats,
};
pub use transcript::{ServerTool, ToolCall, Transcript};
#[cfg(feature = "loopback")]
pub use transport::{
    FixtureRun, check_replay, check_transport, collect, run_fixture, runtime, test_client,
};

/// A call every protocol accepts: `model`, mode `Tools`, one user message
/// and one tool `f` taking any object. For the checks that need a request
/// but test something else (transport, configuration, replay).
pub fn tool_request(model: &str) -> crate::StructuredRequest {
    crate::StructuredRequest::new(model, crate::Mode::Tools)
        .user("hi")
        .schema(crate::SchemaSpec::new(
            "f",
            serde_json::json!({"type": "object"}),
        ))
}
