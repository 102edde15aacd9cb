//! Typed structured output from streaming LLM responses: partial objects
//! that fill in as tokens arrive, each item of a list the moment it closes,
//! several kinds of object in one response, validation with retries, sync
//! and async, for OpenAI, Anthropic, Gemini and every OpenAI-compatible
//! server.
//!
//! Under it is a resumable push JSON parser: every byte of the response is
//! looked at once, so the work per chunk tracks the chunk, not the answer.
//!
//! ```no_run
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//! use structream::{Client, Event, Partial, Request};
//!
//! /// A user mentioned in the text.
//! #[derive(Debug, Deserialize, JsonSchema, Partial)]
//! struct User {
//!     name: String,
//!     age: u32,
//! }
//!
//! # async fn run() -> Result<(), structream::Error> {
//! let client = Client::from_provider("openai/gpt-4.1-mini")?;
//! let mut users = client.create_iterable::<User>(Request::user("Jason is 10 and John is 30"));
//! while let Some(event) = structream::next(&mut users).await {
//!     if let Event::Item(user) = event? {
//!         println!("{user:?}"); // each user as soon as its `}` arrives
//!     }
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod batch;
pub mod blocking;
mod body;
mod call;
mod client;
pub mod coerce;
mod driver;
mod dynamic;
mod endpoint;
mod error;
mod event;
mod kind;
mod list;
pub mod partial;
#[cfg(feature = "replay")]
pub mod replay;
mod request;
mod runtime;
pub mod schema;
mod validation;

pub use body::BodyDecoder;
pub use call::CallStream;
pub use client::{Client, ClientBuilder};
pub use error::{Error, JsonError};
pub use event::{Coercion, CoercionKind, Completion, Event};
pub use kind::CallKind;
pub use partial::{Partial, PartialValue};
pub use request::Request;
pub use structream_derive::Partial;
pub use structream_parser::document::DeltaOp;
pub use structream_provider::{FinishReason, Message, Mode, Usage};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

/// A check of the final value beyond its type and schema. On failure, with
/// retries allowed, the message goes back to the model.
///
/// `#[derive(Partial)]` implements it, accepting everything unless given
/// `#[structream(validate = "path::to::fn")]`.
pub trait Validate {
    /// `Err(message)` if the value is not acceptable.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// What a call can produce: a serde type with a JSON Schema and a partial
/// companion (`#[derive(Deserialize, JsonSchema, Partial)]`).
pub trait Structured: DeserializeOwned + JsonSchema + Partial + Validate + Send + 'static {}

impl<T: DeserializeOwned + JsonSchema + Partial + Validate + Send + 'static> Structured for T {}

/// Awaits the next event of a [`CallStream`] (or any `Unpin` stream),
/// without a futures crate.
pub async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    call::next(stream).await
}

/// What the code `#[derive(Partial)]` generates calls: not an API.
#[doc(hidden)]
pub mod __private {
    pub use crate::partial::derive_support::*;
    pub use serde;
    pub use serde_json;
}
