//! The shared core of structream's provider plugins.
//!
//! * [`sse`] and [`ndjson`]: push decoders for `text/event-stream` (WHATWG
//!   EventSource rules) and newline-delimited JSON. Split-invariant,
//!   bounded memory, no I/O.
//! * [`StreamEvent`]: what every protocol decodes to: text, tool-call
//!   start / arguments / end, reasoning, refusal, usage, finish, error.
//! * [`channel`]: one JSON channel of a response (a tool call's arguments,
//!   a choice's text) streamed into its own document, with the rules the
//!   typed client and the command line share.
//! * [`record`]: events as flat records (the command line's `sse` lines),
//!   with tool calls numbered the same for every protocol by
//!   [`CallOrdinals`].
//! * [`Provider`] and [`StreamDecoder`]: a wire protocol builds an
//!   [`HttpRequest`] for a [`StructuredRequest`] and decodes the body.
//! * [`schema`]: the schema transforms providers require (OpenAI strict,
//!   Gemini's subset).
//! * [`ApiKey`]: keys that never show in `Debug`, `Display` or errors.
//! * [`Connection`] and [`ProviderConfig`]: the base URL, key, headers and
//!   stream limits every protocol's config holds, with one set of setters.
//! * [`http`] (default feature `http`): the reqwest transport with timeouts,
//!   retries and cancellation on drop. Without the feature the crate has no
//!   I/O and no async.
//! * [`loopback`] (feature `loopback`): a loopback HTTP/1.1 server that
//!   serves planned answers, for demos, examples and tests without a key or
//!   a network.
//! * [`conformance`] (feature `conformance`): the checks every protocol
//!   crate's tests and the fuzz targets share.
//!
//! # The main loop
//!
//! A decoder is fed body bytes as they arrive, in chunks split anywhere, and
//! is told when the body ends. Here, the frames of a recorded Anthropic
//! stream, read in 7-byte chunks:
//!
//! ```
//! use structream_provider::sse::SseDecoder;
//!
//! let body = include_bytes!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../tests/corpora/sse/anthropic/pydantic-ai/simple_text_stream.sse"
//! ));
//! let mut decoder = SseDecoder::new();
//! let mut names = Vec::new();
//! for chunk in body.chunks(7) {
//!     decoder.feed(chunk, |frame| {
//!         names.push(frame.event().unwrap_or_default().into_owned());
//!     })?;
//! }
//! decoder.finish(|frame| names.push(frame.event().unwrap_or_default().into_owned()))?;
//! assert_eq!(names.first().map(String::as_str), Some("message_start"));
//! assert_eq!(names.last().map(String::as_str), Some("message_stop"));
//! # Ok::<(), structream_provider::DecodeError>(())
//! ```
//!
//! The protocol crates (`structream-openai`, `structream-anthropic`,
//! `structream-gemini`) implement [`Provider`]; their decoders are driven
//! the same way through [`StreamDecoder::feed`] and
//! [`StreamDecoder::finish`].

#![deny(missing_docs)]

pub mod calls;
pub mod channel;
pub mod connection;
pub mod envelope;
pub mod error;
pub mod event;
pub mod ndjson;
pub mod provider;
pub mod record;
pub mod request;
pub mod schema;
pub mod secret;
pub mod sse;
pub mod unframed;

#[cfg(feature = "http")]
pub mod http;

#[cfg(feature = "loopback")]
pub mod loopback;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use calls::CallOrdinals;
pub use connection::{Connection, KeyAuth, ProviderConfig};
pub use error::{DecodeError, DecodeErrorKind, Error, ProviderError};
pub use event::{FinishReason, StreamEvent, Usage};
pub use provider::{Provider, ProviderExt, Sink, StreamDecoder};
pub use request::{HttpRequest, Message, Mode, Role, SchemaSpec, StructuredRequest};
pub use secret::ApiKey;
