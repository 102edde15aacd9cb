//! What a call's stream yields, and what `create_with_completion` returns.

use std::sync::Arc;

use structream_provider::{FinishReason, StreamEvent, Usage};

use crate::Partial;

/// One step of a streamed call.
///
/// `create_partial` yields [`Event::Partial`]s and ends with
/// [`Event::Done`]; `create_iterable` yields [`Event::Item`]s (and
/// [`Event::Coerced`] before them if the answer was a bare array or one
/// item). Either may yield [`Event::Retry`] when the model is asked again
/// after an answer that did not validate: a partial consumer starts over
/// (the next partial is of the new answer); an iterable consumer keeps the
/// items it has, all validated, and the new answer continues the list
/// after them. A stream that breaks off after the answer began ends with
/// [`Error::Incomplete`](crate::Error::Incomplete), what arrived kept.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event<T: Partial> {
    /// The value as far as it has streamed, updated in place. Drop it
    /// before asking for the next one and no copy is ever made.
    Partial(Arc<T::Partial>),
    /// A complete, validated item of the list.
    Item(T),
    /// The complete, validated value.
    Done(T),
    /// Validation failed and the model is asked again (attempt `attempt`,
    /// counting from 1).
    Retry {
        /// Which retry this is.
        attempt: u32,
        /// What was wrong with the previous answer.
        error: String,
    },
    /// The answer was not in the shape asked for but could be read one way
    /// only, and was read that way; reported before the items it concerns.
    Coerced(Coercion),
    /// A raw provider event (only with [`Request::raw_events`](crate::Request::raw_events)).
    Raw(StreamEvent<'static>),
}

/// How an answer that was not in the shape asked for was read
/// ([`Event::Coerced`]).
///
/// `create_iterable` asks for `{"items": [...]}`. A bare array is read as
/// that list, and one object that validates as an item as a list of one;
/// anything else fails validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Coercion {
    /// The answer was the bare array of items, without its wrapper object.
    BareList,
    /// The answer was one item, not a list: read as a list of one.
    SingleItem,
}

impl std::fmt::Display for Coercion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Coercion::BareList => {
                "the answer was a bare array, not the object asked for; read as the list"
            }
            Coercion::SingleItem => "the answer was one item, not a list; read as a list of one",
        })
    }
}

/// A value with the completion it came from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Completion<T> {
    /// The validated value.
    pub value: T,
    /// The model's raw output of the last attempt (tool arguments or text).
    pub raw: String,
    /// Why the model stopped, as it said.
    pub finish_reason: Option<FinishReason>,
    /// Token usage over every attempt.
    pub usage: Usage,
    /// How many validation retries it took.
    pub retries: u32,
}
