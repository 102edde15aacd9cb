//! Item events: the items of selected arrays, as they start and close.

use crate::{Error, Value};

/// An item of an array selected by an item [`Pattern`](super::Pattern).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItemEvent {
    /// The first byte of item `index` of the array at `path` was read.
    Started {
        /// JSON Pointer of the array (`""` for a root array).
        path: String,
        /// The item's index in the array.
        index: usize,
    },
    /// Item `index` of the array at `path` is complete: its closing byte
    /// (or, for a number or literal, its last byte) was read.
    Done {
        /// JSON Pointer of the array.
        path: String,
        /// The item's index in the array.
        index: usize,
        /// The item as compact JSON (keys in input order, numbers as written;
        /// of a repeated key only the last value).
        json: String,
    },
}

impl ItemEvent {
    /// The array's JSON Pointer.
    pub fn path(&self) -> &str {
        match self {
            ItemEvent::Started { path, .. } | ItemEvent::Done { path, .. } => path,
        }
    }

    /// The item's index.
    pub fn index(&self) -> usize {
        match self {
            ItemEvent::Started { index, .. } | ItemEvent::Done { index, .. } => *index,
        }
    }

    /// The complete item's JSON text, for [`ItemEvent::Done`].
    pub fn json(&self) -> Option<&str> {
        match self {
            ItemEvent::Done { json, .. } => Some(json),
            ItemEvent::Started { .. } => None,
        }
    }

    /// The complete item as a [`Value`], for [`ItemEvent::Done`].
    pub fn value(&self) -> Option<Result<Value, Error>> {
        self.json().map(|json| crate::parse(json.as_bytes()))
    }
}
