//! What a call's stream yields, and what `create_with_completion` returns.

use std::sync::Arc;

use structream_provider::{FinishReason, StreamEvent, Usage};

use crate::Partial;

/// One step of a streamed call.
///
/// `create_partial` yields [`Event::Partial`]s and ends with
/// [`Event::Done`]; `create_iterable` yields [`Event::Item`]s (and
/// [`Event::Coerced`] before them if the answer was a bare array or one
/// item, or an item was aligned with its schema); the final value too is
/// preceded by an [`Event::Coerced`] for each way it was aligned with its
/// schema. Either may yield [`Event::Retry`] when the model is asked again
/// after an answer that did not validate: a partial consumer starts over
/// (the next partial is of the new answer); an iterable consumer keeps the
/// items it has, all validated, and the new answer continues the list
/// after them. A stream that breaks off after the answer began ends with
/// [`Error::Incomplete`](crate::Error::Incomplete), what arrived kept.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event<T: Partial> {
    /// The value as far as it has streamed, updated in place. Keeping it
    /// while the next one is made is cheap: lists share their finished
    /// items ([`List`](crate::partial::List)), so only the path still
    /// streaming is copied; drop it first and nothing is copied at all.
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
    /// only, and was read that way; reported before the item or the final
    /// value it concerns.
    Coerced(Coercion),
    /// A raw provider event (only with [`Request::raw_events`](crate::Request::raw_events)).
    Raw(StreamEvent<'static>),
}

/// How an answer that was not in the shape asked for was read
/// ([`Event::Coerced`], [`Completion::coercions`]).
///
/// `create_iterable` asks for `{"items": [...]}`. A bare array is read as
/// that list, and one object that validates as an item as a list of one;
/// anything else fails validation.
///
/// Inside a value, a node that breaks its schema in a way that can be read
/// one way only is read that way ([`Coercion::Value`]; see
/// [`crate::coerce`]): the value is aligned with its schema once, when it
/// is complete, and only if it does not validate as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Coercion {
    /// The answer was the bare array of items, without its wrapper object.
    BareList,
    /// The answer was one item, not a list: read as a list of one.
    SingleItem,
    /// A node of the value was read as the type its schema asks for.
    Value {
        /// Its JSON Pointer (`""` for the root) in the value as delivered:
        /// the final value, or for `create_iterable` the item that follows.
        path: String,
        /// How it was read.
        kind: CoercionKind,
    },
}

/// How a node was read as its schema's type ([`Coercion::Value`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoercionKind {
    /// A number written as a string (`"25"` where a number is asked for).
    NumberFromString,
    /// A whole number written with a fraction (`25.0` where an integer is
    /// asked for).
    IntegerFromFloat,
    /// A number where a string is asked for: its JSON text.
    StringFromNumber,
    /// `true` or `false` where a string is asked for: `"true"`, `"false"`.
    StringFromBool,
    /// `"true"` or `"false"` (any case) where a boolean is asked for.
    BoolFromString,
    /// One value where a list is asked for: a list of one.
    ListOfOne,
    /// An enum value written in another case, with whitespace around it or
    /// in quotes: the one allowed value it spells.
    EnumSpelling,
    /// `"null"`, `"None"`, `"nil"` (any case) where `null` is allowed.
    NullFromString,
    /// `null` (or `"null"`, `"None"`) for an optional member that may not
    /// be `null`: the member left out.
    NullAsAbsent,
    /// A union (`anyOf` / `oneOf`) read as its alternative of this index
    /// (from 0), the one whose required members the value has and that it
    /// fits once aligned.
    UnionVariant(usize),
}

impl std::fmt::Display for CoercionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CoercionKind::NumberFromString => {
                f.write_str("a number in a string, read as the number")
            }
            CoercionKind::IntegerFromFloat => {
                f.write_str("a whole number written with a fraction, read as an integer")
            }
            CoercionKind::StringFromNumber => f.write_str("a number, read as its text"),
            CoercionKind::StringFromBool => f.write_str("a boolean, read as its text"),
            CoercionKind::BoolFromString => {
                f.write_str("a boolean in a string, read as the boolean")
            }
            CoercionKind::ListOfOne => f.write_str("one value, not a list: read as a list of one"),
            CoercionKind::EnumSpelling => {
                f.write_str("an enum value spelled differently, read as the value it spells")
            }
            CoercionKind::NullFromString => f.write_str("a null in a string, read as null"),
            CoercionKind::NullAsAbsent => f.write_str("null for an optional member, left out"),
            CoercionKind::UnionVariant(i) => write!(f, "read as alternative {i} of the union"),
        }
    }
}

impl std::fmt::Display for Coercion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Coercion::BareList => f.write_str(
                "the answer was a bare array, not the object asked for; read as the list",
            ),
            Coercion::SingleItem => {
                f.write_str("the answer was one item, not a list; read as a list of one")
            }
            Coercion::Value { path, kind } if path.is_empty() => write!(f, "{kind}"),
            Coercion::Value { path, kind } => write!(f, "{path}: {kind}"),
        }
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
    /// How the last attempt's answer was read where it did not fit its
    /// schema as it was (empty if it fitted).
    pub coercions: Vec<Coercion>,
}
