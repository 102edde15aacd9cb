//! Typed structured output from streaming LLM responses.
//!
//! (Work in progress: the partial types are in place; the client follows.)

#![deny(missing_docs)]

pub mod partial;
pub mod schema;

pub use partial::{Partial, PartialValue};

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
pub use structream_derive::Partial;
pub use structream_parser::document::DeltaOp;

/// Re-exports for the code `#[derive(Partial)]` generates.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
