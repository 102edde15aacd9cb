//! Partial types: the companion of a user's type in which everything is
//! optional, updated in place from the document's deltas.
//!
//! A delta names a path and a change (`add` / `replace` with a value, or
//! `append` to a string). [`PartialValue::apply`] walks the path through the
//! partial (O(depth), borrowing each segment from the delta) and applies the
//! change there (O(change)): a number is read from its text, a string grows
//! in place, and nothing is re-parsed by serde_json or rebuilt from the
//! whole text.
//!
//! Partials are cheap to keep: a list's items sit behind [`Arc`]s in
//! shared chunks ([`List`]), so cloning a partial (what happens when the
//! consumer still holds the previous one while the next is made) copies
//! only the open path, not the items that are done.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::de::IntoDeserializer;
use serde::de::value::Error as NameError;
use serde::{Deserialize, Serialize, Serializer};
use structream_parser::Value;
use structream_parser::document::{DeltaOp, split_first_segment};

/// A type whose values can stream in as partials.
///
/// Implemented for the standard types and by `#[derive(Partial)]`. A unit
/// enum is its own partial, so it must be `Clone`, `Debug` and
/// `Deserialize`; without `Clone` the derive does not compile:
///
/// ```compile_fail
/// #[derive(Debug, serde::Deserialize, structream::Partial)]
/// enum Level { Low, High }
/// ```
///
/// ```
/// #[derive(Debug, Clone, serde::Deserialize, structream::Partial)]
/// enum Level { Low, High }
/// ```
pub trait Partial {
    /// The partial companion type.
    type Partial: PartialValue;

    /// Adds this type's streaming policies for values at `path` (a JSON
    /// Pointer pattern): paths held until complete and objects hidden until
    /// a required member has a value.
    fn policies(path: &str, policies: &mut Policies) {
        let _ = (path, policies);
    }
}

/// A partial value that deltas update in place.
///
/// ```
/// use structream::DeltaOp;
/// use structream::partial::{Json, PartialValue};
///
/// let mut tags: structream::partial::List<String> = Json::read("[\"a\"]", PartialValue::create)?;
/// tags.apply("/1", DeltaOp::Add, "\"b\"")?;
/// tags.apply("/1", DeltaOp::Append, "c")?;
/// assert_eq!(tags.to_vec(), ["a", "bc"]);
/// # Ok::<(), structream::partial::PartialError>(())
/// ```
pub trait PartialValue: Clone + fmt::Debug + Send + Sync + 'static {
    /// The value an `add` creates: a whole value, or a container as far as
    /// it has shown (`{}`, `{"name":"Ja"}`, `""`). Members that do not fit
    /// the type are left out.
    fn create(value: Json<'_>) -> Result<Self, PartialError>;

    /// Applies `op` at `path` (a JSON Pointer relative to this value, `""`
    /// for the value itself) with `value`: compact JSON for `add` and
    /// `replace`, the text to append for `append`.
    fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError>;

    /// A copy of this value with the change [`PartialValue::apply`] would
    /// make, this one left as it is: what a partial becomes while a
    /// previous partial still shares it. The default copies, then applies;
    /// strings, optional values and derived structs copy each part once
    /// (a string that grows is copied with its new text, not copied and
    /// then grown).
    fn changed(&self, path: &str, op: DeltaOp, value: &str) -> Result<Self, PartialError> {
        let mut copy = self.clone();
        copy.apply(path, op, value)?;
        Ok(copy)
    }
}

/// A JSON value as a delta holds it, borrowed: what
/// [`PartialValue::create`] reads.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Json<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, its text as written.
    Number(&'a str),
    /// A string, unescaped.
    String(&'a str),
    /// An array's items.
    Array(&'a [Value]),
    /// An object's members, in order.
    Object(&'a [(String, Value)]),
}

impl<'a> Json<'a> {
    /// A view of a parsed value.
    pub fn of(value: &'a Value) -> Self {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.as_str()),
            Value::String(s) => Json::String(s),
            Value::Array(items) => Json::Array(items),
            Value::Object(members) => Json::Object(members),
        }
    }

    /// Reads `text`, one compact JSON value as a delta holds it, and hands
    /// it to `f`. Literals, numbers, strings without escapes and empty
    /// containers (nearly every delta) are read where they lie; anything
    /// else is parsed by the project's own parser first.
    pub fn read<R>(
        text: &str,
        f: impl FnOnce(Json<'_>) -> Result<R, PartialError>,
    ) -> Result<R, PartialError> {
        let bytes = text.as_bytes();
        let direct = match bytes {
            b"null" => Some(Json::Null),
            b"true" => Some(Json::Bool(true)),
            b"false" => Some(Json::Bool(false)),
            b"{}" => Some(Json::Object(&[])),
            b"[]" => Some(Json::Array(&[])),
            [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') && !inner.contains(&b'"') => {
                Some(Json::String(&text[1..text.len() - 1]))
            }
            [b'-' | b'0'..=b'9', ..] => Some(Json::Number(text)),
            _ => None,
        };
        match direct {
            Some(json) => f(json),
            None => {
                let value = structream_parser::parse(bytes)
                    .map_err(|e| PartialError::new(format!("{e}: {text}")))?;
                f(Json::of(&value))
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    fn mismatch<T>(&self, expected: &str) -> Result<T, PartialError> {
        Err(PartialError::new(format!(
            "{} where {expected} was expected",
            self.kind()
        )))
    }
}

/// Streaming policies collected from a type: see [`Partial::policies`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policies {
    /// Patterns of values held back until complete.
    pub hold: Vec<String>,
    /// Patterns of objects hidden until the member has a value.
    pub require: Vec<(String, String)>,
}

impl Policies {
    /// The policies of type `T` at the root, each path once.
    pub fn of<T: Partial + ?Sized>() -> Policies {
        let mut policies = Policies::default();
        T::policies("", &mut policies);
        policies.hold.sort();
        policies.hold.dedup();
        policies.require.sort();
        policies.require.dedup();
        policies
    }
}

/// A delta that does not fit the partial type (a value of the wrong type,
/// a path the type does not have). The final value's validation reports
/// the real problem; streaming goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialError {
    message: String,
}

impl PartialError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        PartialError {
            message: message.into(),
        }
    }
}

impl fmt::Display for PartialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PartialError {}

/// What `#[derive(Partial)]` generates calls to, re-exported through
/// `structream::__private`; not an API.
pub(crate) mod derive_support {
    use super::*;

    pub use structream_parser::document::{push_segment, split_first_segment};

    /// Splits a JSON Pointer into its first reference token, still escaped
    /// (`~0`, `~1`), and the pointer after it; `None` for the root (`""`).
    ///
    /// The typed walk's step: a struct matches the token against its
    /// members' names escaped the same way (pointers are escaped one way
    /// only), and an index has nothing to escape, so no token is decoded
    /// and nothing is allocated.
    #[inline]
    pub fn split_token(pointer: &str) -> Option<(&str, &str)> {
        let body = match pointer.as_bytes().first() {
            None => return None,
            Some(b'/') => &pointer[1..],
            Some(_) => pointer,
        };
        let end = body.bytes().position(|b| b == b'/').unwrap_or(body.len());
        Some(body.split_at(end))
    }

    /// The rest of `path` after its first reference token if that token is
    /// `name` (escaped as in a pointer: `~0`, `~1`): how a struct finds the
    /// member a path goes to, comparing a few bytes per member, without
    /// splitting the path or decoding the token.
    #[inline(always)]
    pub fn strip_member<'p, const N: usize>(path: &'p str, name: &[u8; N]) -> Option<&'p str> {
        let bytes = path.as_bytes();
        match bytes.get(1..=N) {
            Some(token) if bytes[0] == b'/' && token == name => {}
            _ => return None,
        }
        match bytes.get(N + 1) {
            None => Some(""),
            Some(b'/') => path.get(N + 1..),
            Some(_) => None,
        }
    }

    /// An array index from its reference token: ASCII digits only (what
    /// the document writes), no larger than `usize`.
    #[inline]
    pub fn parse_index(token: &str) -> Option<usize> {
        if token.is_empty() {
            return None;
        }
        let mut index: usize = 0;
        for b in token.bytes() {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            index = index.checked_mul(10)?.checked_add(usize::from(digit))?;
        }
        Some(index)
    }

    /// Replaces a value that is replaced whole (numbers, booleans, unit
    /// enums: they show only once complete; or a container set anew).
    pub fn replace_whole<P: PartialValue>(
        target: &mut P,
        path: &str,
        op: DeltaOp,
        value: &str,
    ) -> Result<(), PartialError> {
        if let Some((first, _)) = split_first_segment(path) {
            return Err(PartialError::new(format!("no member {first} in a scalar")));
        }
        match op {
            DeltaOp::Append => Err(PartialError::new("append to a value that is not a string")),
            _ => {
                *target = Json::read(value, P::create)?;
                Ok(())
            }
        }
    }

    /// Applies a change to an optional partial field of a struct: `add` or
    /// `replace` at the field sets it (`null` clears it), deeper changes go
    /// to the value inside.
    pub fn apply_field<P: PartialValue>(
        field: &mut Option<P>,
        path: &str,
        op: DeltaOp,
        value: &str,
    ) -> Result<(), PartialError> {
        if path.is_empty() && op != DeltaOp::Append {
            *field = read_field(value)?;
            return Ok(());
        }
        match field {
            Some(inner) => inner.apply(path, op, value),
            None => Err(not_begun()),
        }
    }

    /// [`apply_field`] on a copy: the field as the change leaves it, the
    /// value inside copied once ([`PartialValue::changed`]).
    pub fn changed_field<P: PartialValue>(
        field: &Option<P>,
        path: &str,
        op: DeltaOp,
        value: &str,
    ) -> Result<Option<P>, PartialError> {
        if path.is_empty() && op != DeltaOp::Append {
            return read_field(value);
        }
        match field {
            Some(inner) => inner.changed(path, op, value).map(Some),
            None => Err(not_begun()),
        }
    }

    /// An optional field set by `add` or `replace`: `null` clears it.
    fn read_field<P: PartialValue>(value: &str) -> Result<Option<P>, PartialError> {
        Json::read(value, |json| match json {
            Json::Null => Ok(None),
            json => P::create(json).map(Some),
        })
    }

    fn not_begun() -> PartialError {
        PartialError::new("change inside a value that has not begun")
    }

    /// Sets a field from a member of an object being created: left empty
    /// if `null` or if the value does not fit.
    pub fn create_field<P: PartialValue>(field: &mut Option<P>, value: Json<'_>) {
        *field = match value {
            Json::Null => None,
            json => P::create(json).ok(),
        };
    }

    /// The members of an object (for [`PartialValue::create`] of structs
    /// and maps), each value as [`Json`].
    pub fn members(
        value: Json<'_>,
    ) -> Result<impl Iterator<Item = (&str, Json<'_>)>, PartialError> {
        match value {
            Json::Object(members) => Ok(members.iter().map(|(k, v)| (k.as_str(), Json::of(v)))),
            other => other.mismatch("an object"),
        }
    }

    /// A unit enum's variant from its name, as serde reads it.
    pub fn unit_variant<T: for<'de> Deserialize<'de>>(value: Json<'_>) -> Result<T, PartialError> {
        match value {
            Json::String(name) => {
                let de: serde::de::value::StrDeserializer<'_, NameError> = name.into_deserializer();
                T::deserialize(de).map_err(|e| PartialError::new(e.to_string()))
            }
            other => other.mismatch("a variant's name"),
        }
    }
}

use derive_support::{
    apply_field, changed_field, members, parse_index, replace_whole, split_token,
};

mod json_value;
mod map;

pub use json_value::JsonValue;
pub use map::Map;

/// A value read whole from its JSON.
trait Whole: Sized {
    fn from_json(value: Json<'_>) -> Result<Self, PartialError>;
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            fn from_json(value: Json<'_>) -> Result<Self, PartialError> {
                match value {
                    Json::Number(text) => text.parse().map_err(|_| {
                        PartialError::new(format!("{text} is not a {}", stringify!($t)))
                    }),
                    other => other.mismatch("a number"),
                }
            }
        }
    )*};
}

numbers!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

impl Whole for bool {
    fn from_json(value: Json<'_>) -> Result<Self, PartialError> {
        match value {
            Json::Bool(b) => Ok(b),
            other => other.mismatch("a boolean"),
        }
    }
}

impl Whole for char {
    fn from_json(value: Json<'_>) -> Result<Self, PartialError> {
        let mut chars = match value {
            Json::String(s) => s.chars(),
            other => return other.mismatch("a character"),
        };
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(PartialError::new("not one character")),
        }
    }
}

macro_rules! whole_values {
    ($($t:ty),*) => {$(
        impl Partial for $t {
            type Partial = $t;
        }
        impl PartialValue for $t {
            fn create(value: Json<'_>) -> Result<Self, PartialError> {
                <$t as Whole>::from_json(value)
            }

            fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError> {
                replace_whole(self, path, op, value)
            }
        }
    )*};
}

whole_values!(
    bool, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, char
);

impl Partial for String {
    type Partial = String;
}

impl PartialValue for String {
    fn create(value: Json<'_>) -> Result<Self, PartialError> {
        match value {
            Json::String(s) => Ok(s.to_owned()),
            other => other.mismatch("a string"),
        }
    }

    fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError> {
        match op {
            DeltaOp::Append if path.is_empty() => {
                self.push_str(value);
                Ok(())
            }
            _ => replace_whole(self, path, op, value),
        }
    }

    fn changed(&self, path: &str, op: DeltaOp, value: &str) -> Result<Self, PartialError> {
        match op {
            DeltaOp::Append if path.is_empty() => {
                let mut grown = String::with_capacity(self.len() + value.len());
                grown.push_str(self);
                grown.push_str(value);
                Ok(grown)
            }
            _ => {
                let mut copy = self.clone();
                replace_whole(&mut copy, path, op, value)?;
                Ok(copy)
            }
        }
    }
}

impl<T: Partial> Partial for Option<T> {
    type Partial = Option<T::Partial>;

    fn policies(path: &str, policies: &mut Policies) {
        T::policies(path, policies);
    }
}

impl<P: PartialValue> PartialValue for Option<P> {
    fn create(value: Json<'_>) -> Result<Self, PartialError> {
        match value {
            Json::Null => Ok(None),
            json => P::create(json).map(Some),
        }
    }

    fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError> {
        apply_field(self, path, op, value)
    }

    fn changed(&self, path: &str, op: DeltaOp, value: &str) -> Result<Self, PartialError> {
        changed_field(self, path, op, value)
    }
}

impl<T: Partial> Partial for Box<T> {
    type Partial = T::Partial;

    fn policies(path: &str, policies: &mut Policies) {
        T::policies(path, policies);
    }
}

impl<T: Partial> Partial for Vec<T> {
    type Partial = List<T::Partial>;

    fn policies(path: &str, policies: &mut Policies) {
        T::policies(&format!("{path}/*"), policies);
    }
}

/// Items per shared chunk of a [`List`].
const CHUNK: usize = 8;

/// The partial of a `Vec`: its items so far, shared between successive
/// partials.
///
/// Items sit behind [`Arc`]s, full chunks of them behind one more: cloning
/// a list copies at most a chunk's worth of pointers, whatever its length,
/// and an item that is done is never copied again. Changes reach only the
/// item still streaming (the last), which is copied only if a previous
/// partial still shares it.
///
/// ```
/// use structream::partial::List;
///
/// let list: List<u32> = (0..100).collect();
/// let kept = list.clone(); // cheap: the items are shared
/// assert_eq!(kept.len(), 100);
/// assert_eq!(kept[99], 99);
/// assert_eq!(list, kept);
/// assert_eq!(serde_json::to_string(&list.iter().take(3).collect::<Vec<_>>()).unwrap(), "[0,1,2]");
/// ```
pub struct List<P> {
    /// Full chunks of [`CHUNK`] items, shared.
    sealed: Arc<Vec<Arc<Vec<Arc<P>>>>>,
    /// The items after them: at most [`CHUNK`], the last still streaming.
    tail: Vec<Arc<P>>,
}

/// Copies pointers only: the items are shared.
impl<P> Clone for List<P> {
    fn clone(&self) -> Self {
        List {
            sealed: Arc::clone(&self.sealed),
            tail: self.tail.clone(),
        }
    }
}

impl<P> Default for List<P> {
    fn default() -> Self {
        List {
            sealed: Arc::default(),
            tail: Vec::new(),
        }
    }
}

impl<P> List<P> {
    /// An empty list.
    pub fn new() -> Self {
        List::default()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> Option<&P> {
        let (chunk, at) = (index / CHUNK, index % CHUNK);
        match self.sealed.get(chunk) {
            Some(items) => items.get(at).map(|p| &**p),
            None => self
                .tail
                .get(index - self.sealed.len() * CHUNK)
                .map(|p| &**p),
        }
    }

    /// The first item.
    pub fn first(&self) -> Option<&P> {
        self.get(0)
    }

    /// The last item (the one that may still be streaming).
    pub fn last(&self) -> Option<&P> {
        self.tail.last().map(|p| &**p)
    }

    /// The items in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &P> + '_ {
        let sealed = self.sealed.iter().flat_map(|chunk| chunk.iter());
        sealed.chain(&self.tail).map(|p| &**p)
    }

    /// Appends an item.
    pub fn push(&mut self, item: P) {
        if self.tail.len() == CHUNK {
            let full = std::mem::take(&mut self.tail);
            Arc::make_mut(&mut self.sealed).push(Arc::new(full));
        }
        self.tail.push(Arc::new(item));
    }
}

impl<P: Clone> List<P> {
    /// The item at `index`, to change: copied first if a previous partial
    /// shares it.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut P> {
        self.slot(index).map(Arc::make_mut)
    }

    /// The pointer to the item at `index`, to change: the pointers around
    /// it copied first if a previous partial shares them (the item is not).
    fn slot(&mut self, index: usize) -> Option<&mut Arc<P>> {
        let (chunk, at) = (index / CHUNK, index % CHUNK);
        if chunk < self.sealed.len() {
            let sealed = Arc::make_mut(&mut self.sealed);
            let items = Arc::make_mut(&mut sealed[chunk]);
            return items.get_mut(at);
        }
        let at = index - self.sealed.len() * CHUNK;
        self.tail.get_mut(at)
    }

    /// Inserts an item at `index` (at most the length).
    pub fn insert(&mut self, index: usize, item: P) {
        if index >= self.len() {
            return self.push(item);
        }
        let mut items: Vec<P> = self.iter().cloned().collect();
        items.insert(index, item);
        *self = items.into_iter().collect();
    }

    /// The items, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<P> {
        self.iter().cloned().collect()
    }
}

impl<P> FromIterator<P> for List<P> {
    fn from_iter<I: IntoIterator<Item = P>>(iter: I) -> Self {
        let mut list = List::new();
        for item in iter {
            list.push(item);
        }
        list
    }
}

impl<P> std::ops::Index<usize> for List<P> {
    type Output = P;

    fn index(&self, index: usize) -> &P {
        match self.get(index) {
            Some(item) => item,
            None => panic!("index {index} out of a list of {}", self.len()),
        }
    }
}

impl<P: fmt::Debug> fmt::Debug for List<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<P: PartialEq> PartialEq for List<P> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl<P: PartialEq> PartialEq<[P]> for List<P> {
    fn eq(&self, other: &[P]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl<P: Serialize> Serialize for List<P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<P: PartialValue> PartialValue for List<P> {
    fn create(value: Json<'_>) -> Result<Self, PartialError> {
        match value {
            Json::Array(items) => Ok(items
                .iter()
                .filter_map(|item| P::create(Json::of(item)).ok())
                .collect()),
            other => other.mismatch("an array"),
        }
    }

    fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError> {
        let Some((first, rest)) = split_token(path) else {
            return match op {
                DeltaOp::Append => Err(PartialError::new("append to an array")),
                _ => replace_whole(self, path, op, value),
            };
        };
        let index = parse_index(first)
            .ok_or_else(|| PartialError::new(format!("{first} is not an index")))?;
        if rest.is_empty() && op == DeltaOp::Add {
            if index > self.len() {
                return Err(PartialError::new(format!("index {index} past the end")));
            }
            let item = Json::read(value, P::create)?;
            self.insert(index, item);
            return Ok(());
        }
        let Some(slot) = self.slot(index) else {
            return Err(PartialError::new(format!("no item {index}")));
        };
        match Arc::get_mut(slot) {
            Some(item) => item.apply(rest, op, value),
            // A previous partial holds the item: a changed copy replaces it.
            None => {
                *slot = Arc::new(slot.changed(rest, op, value)?);
                Ok(())
            }
        }
    }
}

/// Maps with string keys: members arrive as they stream, into a [`Map`].
macro_rules! string_maps {
    ($($map:ident),*) => {$(
        impl<T: Partial> Partial for $map<String, T> {
            type Partial = Map<T::Partial>;

            fn policies(path: &str, policies: &mut Policies) {
                T::policies(&format!("{path}/*"), policies);
            }
        }
    )*};
}

string_maps!(HashMap, BTreeMap);

impl<P: PartialValue> PartialValue for Map<P> {
    fn create(value: Json<'_>) -> Result<Self, PartialError> {
        let mut map = Map::new();
        for (key, item) in members(value)? {
            if let Ok(item) = P::create(item) {
                map.insert(key.to_owned(), item);
            }
        }
        Ok(map)
    }

    fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError> {
        let Some((first, rest)) = split_first_segment(path) else {
            return match op {
                DeltaOp::Append => Err(PartialError::new("append to an object")),
                _ => replace_whole(self, path, op, value),
            };
        };
        if rest.is_empty() && op != DeltaOp::Append {
            self.insert(first.into_owned(), Json::read(value, P::create)?);
            return Ok(());
        }
        match self.get_mut(&first) {
            Some(item) => item.apply(rest, op, value),
            None => Err(PartialError::new(format!("no member {first}"))),
        }
    }
}

impl Partial for serde_json::Value {
    type Partial = JsonValue;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create<P: PartialValue>(json: &str) -> P {
        Json::read(json, P::create).unwrap()
    }

    #[test]
    fn values_are_read_without_a_round_trip() {
        assert_eq!(create::<u8>("30"), 30);
        assert_eq!(create::<f64>("-1.5e2"), -150.0);
        assert!(Json::read("300", u8::create).is_err());
        assert!(Json::read("\"7\"", u8::create).is_err());
        assert_eq!(create::<String>(r#""a\"b\u00e9""#), "a\"bé");
        assert_eq!(create::<String>(r#""plain""#), "plain");
        assert_eq!(create::<char>(r#""x""#), 'x');
        assert_eq!(create::<Option<bool>>("null"), None);
        let list: List<List<u8>> = create("[[1,2],[],[3]]");
        assert_eq!(format!("{list:?}"), "[[1, 2], [], [3]]");
        let map: Map<u8> = create(r#"{"a":1,"b":"x","c":2}"#);
        assert_eq!(map.len(), 2, "a member that does not fit is left out");
    }

    #[test]
    fn lists_and_strings_grow_in_place() {
        let mut v: List<String> = create("[]");
        v.apply("/0", DeltaOp::Add, "\"\"").unwrap();
        v.apply("/0", DeltaOp::Append, "ab").unwrap();
        v.apply("/1", DeltaOp::Add, "\"c\"").unwrap();
        assert_eq!(v.to_vec(), ["ab", "c"]);
        assert!(v.apply("/5", DeltaOp::Add, "\"x\"").is_err());
        assert!(v.apply("/x", DeltaOp::Add, "\"x\"").is_err());
        assert!(v.apply("", DeltaOp::Append, "x").is_err());
        v.apply("/0", DeltaOp::Add, "\"first\"").unwrap();
        assert_eq!(v.to_vec(), ["first", "ab", "c"]);
        let mut n = 0u8;
        assert!(n.apply("", DeltaOp::Add, "300").is_err());
        assert!(n.apply("/a", DeltaOp::Add, "3").is_err());
        n.apply("", DeltaOp::Replace, "30").unwrap();
        assert_eq!(n, 30);
    }

    /// A list past several chunks: a clone shares the items, a change to
    /// the clone's items leaves the original as it was.
    #[test]
    fn lists_share_items_between_clones() {
        let mut list: List<String> = (0..100).map(|i| i.to_string()).collect();
        assert_eq!(list.len(), 100);
        assert_eq!(list.iter().next_back().map(String::as_str), Some("99"));
        let before = list.clone();
        assert!(Arc::ptr_eq(&list.sealed, &before.sealed));
        list.get_mut(99).unwrap().push('!');
        list.get_mut(3).unwrap().push('?');
        list.push("100".into());
        assert_eq!(
            (&list[99][..], &list[3][..], list.len()),
            ("99!", "3?", 101)
        );
        assert_eq!(
            (&before[99][..], &before[3][..], before.len()),
            ("99", "3", 100)
        );
        assert_eq!(list.get(101), None);
        let all: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        assert_eq!(before, all[..]);
        assert_ne!(list, before);
    }

    #[test]
    fn json_values_follow_deltas() {
        let mut v: JsonValue = create(r#"{"a":[1],"s":""}"#);
        v.apply("/a/1", DeltaOp::Add, "2.5").unwrap();
        v.apply("/s", DeltaOp::Append, "hi").unwrap();
        v.apply("/b~1c", DeltaOp::Add, "{}").unwrap();
        v.apply("/b~1c/d", DeltaOp::Add, "null").unwrap();
        let expected = serde_json::json!({"a": [1, 2.5], "s": "hi", "b/c": {"d": null}});
        assert_eq!(v, expected);
        assert_eq!(v.to_value(), expected);
        assert_eq!(serde_json::to_string(&v).unwrap(), expected.to_string());
        assert!(v.apply("/zz/q", DeltaOp::Add, "1").is_err());
    }
}
