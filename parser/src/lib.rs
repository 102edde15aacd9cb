//! Zero-copy, resumable push JSON tokenizer for streaming LLM output.
//!
//! Feed bytes as they arrive, in chunks of any size split anywhere; get
//! [`Event`]s borrowed from each chunk. Work per chunk tracks the chunk, not
//! the document: no byte is looked at twice and nothing is re-parsed.
//!
//! ```
//! use structream_parser::{Event, Tokenizer};
//!
//! let chunks: [&[u8]; 4] = [b"{\"na", b"me\": \"Ja", b"ne\", \"age\": 3", b"0}"];
//! let mut tok = Tokenizer::new();
//! let mut seen = Vec::new();
//! for chunk in chunks {
//!     let mut feed = tok.feed(chunk);
//!     while let Some(event) = feed.next_event()? {
//!         seen.push(format!("{event:?}"));
//!     }
//! }
//! let mut end = tok.finish();
//! while let Some(event) = end.next_event()? {
//!     seen.push(format!("{event:?}"));
//! }
//! assert_eq!(seen, [
//!     "ObjectStart",
//!     "Key(\"na\" first)", "Key(\"me\" last)",
//!     "String(\"Ja\" first)", "String(\"ne\" last)",
//!     "Key(\"age\" first last)",
//!     "Number(Number(30))", // numbers come only once complete
//!     "ObjectEnd",
//! ]);
//! # Ok::<(), structream_parser::Error>(())
//! ```
//!
//! [`parse`] builds a [`Value`] (keys in input order, duplicates kept,
//! numbers exactly as written) in one call.

#![deny(missing_docs)]

mod config;
pub mod document;
mod error;
mod event;
mod lenient;
pub mod repair;
mod tokenizer;
pub mod value;

pub use config::{Config, LoneSurrogates};
pub use error::{Error, ErrorKind};
pub use event::{Event, Number, Str};
pub use tokenizer::{Feed, Tokenizer};
pub use value::{Value, parse, parse_with};

/// The tokenizer's byte scanning, for the provider crates' envelope lexer
/// (which reads whole frames the tokenizer's way): not a stable API.
#[doc(hidden)]
pub mod scan {
    pub use crate::tokenizer::scan::{long_string_run_end, simple_escape, string_run_end};
}
