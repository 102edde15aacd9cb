//! Typed structured output from streaming LLM responses.
//!
//! (Work in progress: the partial types are in place; the client follows.)

#![deny(missing_docs)]

pub mod partial;
pub mod schema;

pub use partial::{Partial, PartialValue};
pub use structream_derive::Partial;
pub use structream_parser::document::DeltaOp;

/// Re-exports for the code `#[derive(Partial)]` generates.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
