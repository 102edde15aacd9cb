//! Deltas: RFC 6902 `add` / `replace` operations plus a string `append`,
//! produced straight from events, and a replayer that applies them.

use std::fmt;
use std::ops::Range;

use crate::value::{Value, write_json_string};

/// The operation of a [`Delta`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeltaOp {
    /// RFC 6902 `add`: a new member or item (or the root).
    Add,
    /// RFC 6902 `replace`: a repeated key's new value replaces the old one.
    Replace,
    /// Appends text to the string at the path (not in RFC 6902).
    Append,
}

impl DeltaOp {
    /// `"add"`, `"replace"` or `"append"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaOp::Add => "add",
            DeltaOp::Replace => "replace",
            DeltaOp::Append => "append",
        }
    }
}

/// One change to the visible value, borrowed from the document.
///
/// Its JSON form is `{"op":"add","path":"/users/0","value":{}}`, or
/// `{"op":"append","path":"/users/0/name","value":"Ja"}` for a string that
/// grows. Replaying every delta in order from nothing, with [`apply`],
/// reproduces every snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta<'a> {
    op: DeltaOp,
    path: &'a str,
    value: &'a str,
}

impl<'a> Delta<'a> {
    /// The operation.
    pub fn op(&self) -> DeltaOp {
        self.op
    }

    /// The JSON Pointer of the node it changes (`""` for the root).
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// For `add` and `replace`, the new value as compact JSON text; for
    /// `append`, the text to append (not JSON-escaped).
    pub fn value(&self) -> &'a str {
        self.value
    }
}

impl fmt::Display for Delta<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path = String::with_capacity(self.path.len() + 2);
        write_json_string(self.path, &mut path);
        write!(
            f,
            "{{\"op\":\"{}\",\"path\":{path},\"value\":",
            self.op.as_str()
        )?;
        match self.op {
            DeltaOp::Append => {
                let mut text = String::with_capacity(self.value.len() + 2);
                write_json_string(self.value, &mut text);
                f.write_str(&text)?;
            }
            DeltaOp::Add | DeltaOp::Replace => f.write_str(self.value)?,
        }
        f.write_str("}")
    }
}

/// The deltas of one feed, packed into one text buffer.
#[derive(Debug, Default)]
pub(crate) struct DeltaBuffer {
    text: String,
    entries: Vec<(DeltaOp, Range<usize>, Range<usize>)>,
}

impl DeltaBuffer {
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.entries.clear();
    }

    /// Adds an `add` or `replace` of `value` (compact JSON, in pieces).
    pub(crate) fn push(&mut self, op: DeltaOp, path: &str, value: &[&str]) {
        let p = self.text.len();
        self.text.push_str(path);
        let v = self.text.len();
        for piece in value {
            self.text.push_str(piece);
        }
        self.entries.push((op, p..v, v..self.text.len()));
    }

    /// Appends `text` to the string at `path`, extending the last delta when
    /// it appends to the same string.
    pub(crate) fn append(&mut self, path: &str, text: &str) {
        if let Some((DeltaOp::Append, p, v)) = self.entries.last_mut() {
            if &self.text[p.clone()] == path {
                self.text.push_str(text);
                v.end = self.text.len();
                return;
            }
        }
        let p = self.text.len();
        self.text.push_str(path);
        let v = self.text.len();
        self.text.push_str(text);
        self.entries
            .push((DeltaOp::Append, p..v, v..self.text.len()));
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.entries.capacity() * std::mem::size_of::<(DeltaOp, Range<usize>, Range<usize>)>()
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn get(&self, i: usize) -> Option<Delta<'_>> {
        self.entries.get(i).map(|(op, p, v)| Delta {
            op: *op,
            path: &self.text[p.clone()],
            value: &self.text[v.clone()],
        })
    }
}

/// Why a delta could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyError {
    message: String,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApplyError {}

fn fail<T>(delta: &Delta<'_>, why: &str) -> Result<T, ApplyError> {
    Err(ApplyError {
        message: format!("cannot apply {delta}: {why}"),
    })
}

/// Applies a delta to a value (`None` before the first delta): `add` sets a
/// member (replacing one of the same name in place) or inserts an item,
/// `replace` changes an existing node, `append` extends a string.
///
/// ```
/// use structream_parser::document::{apply, Document, Options};
///
/// let mut doc = Document::with_options(Options::default().deltas(true));
/// let mut replayed = None;
/// for chunk in [&b"{\"name\": \"Ja"[..], b"ne\", \"tags\": [\"a\"", b"]}"] {
///     let changes = doc.feed(chunk)?;
///     for delta in changes.deltas() {
///         apply(&mut replayed, &delta).unwrap();
///     }
///     assert_eq!(replayed.as_ref().map(|v| v.to_json()), doc.snapshot().map(|s| s.to_json()));
/// }
/// # Ok::<(), structream_parser::Error>(())
/// ```
pub fn apply(root: &mut Option<Value>, delta: &Delta<'_>) -> Result<(), ApplyError> {
    let new_value = || match delta.op {
        DeltaOp::Append => Ok(Value::Null),
        _ => crate::parse(delta.value.as_bytes()).or_else(|e| fail(delta, &format!("value: {e}"))),
    };
    if delta.path.is_empty() {
        return match (delta.op, root.as_mut()) {
            (DeltaOp::Add, _) | (DeltaOp::Replace, Some(_)) => {
                *root = Some(new_value()?);
                Ok(())
            }
            (DeltaOp::Append, Some(Value::String(s))) => {
                s.push_str(delta.value);
                Ok(())
            }
            _ => fail(delta, "no such node"),
        };
    }
    let Some(mut node) = root.as_mut() else {
        return fail(delta, "no root yet");
    };
    let Some(rest) = delta.path.strip_prefix('/') else {
        return fail(delta, "path must start with '/'");
    };
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| super::unescape_segment(s).into_owned())
        .collect();
    let (last, parents) = segments.split_last().unwrap_or((&segments[0], &[]));
    for segment in parents {
        node = match node {
            Value::Object(members) => match members.iter_mut().rev().find(|(k, _)| k == segment) {
                Some((_, v)) => v,
                None => return fail(delta, "no such member"),
            },
            Value::Array(items) => {
                match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(v) => v,
                    None => return fail(delta, "no such item"),
                }
            }
            _ => return fail(delta, "not a container"),
        };
    }
    match node {
        Value::Object(members) => {
            let existing = members
                .iter_mut()
                .rev()
                .find(|(k, _)| k == last)
                .map(|(_, v)| v);
            match (delta.op, existing) {
                (DeltaOp::Append, Some(Value::String(s))) => s.push_str(delta.value),
                (DeltaOp::Add | DeltaOp::Replace, Some(v)) => *v = new_value()?,
                (DeltaOp::Add, None) => members.push((last.clone(), new_value()?)),
                _ => return fail(delta, "no such string member"),
            }
        }
        Value::Array(items) => {
            let Ok(i) = last.parse::<usize>() else {
                return fail(delta, "not an index");
            };
            if delta.op == DeltaOp::Add && i <= items.len() {
                items.insert(i, new_value()?);
                return Ok(());
            }
            match (delta.op, items.get_mut(i)) {
                (DeltaOp::Append, Some(Value::String(s))) => s.push_str(delta.value),
                (DeltaOp::Replace, Some(v)) => *v = new_value()?,
                _ => return fail(delta, "no such item"),
            }
        }
        _ => return fail(delta, "not a container"),
    }
    Ok(())
}
