//! Partial types: the companion of a user's type in which everything is
//! optional, updated in place from the document's deltas.
//!
//! A delta names a path and a change (`add` / `replace` with a JSON value,
//! or `append` to a string). [`PartialValue::apply`] walks the path through
//! the partial (O(depth)) and applies the change there (O(change)): nothing
//! is rebuilt from the whole text.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::de::DeserializeOwned;
use structream_parser::document::DeltaOp;

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
pub trait PartialValue: Clone + fmt::Debug + Send + Sync + 'static {
    /// The value an `add` creates: `value` is compact JSON, a whole value or
    /// a container as far as it has shown (`{}`, `{"name":"Ja"}`, `""`).
    /// Members that do not fit the type are left out.
    fn create(value: &str) -> Result<Self, PartialError>;

    /// Applies `op` with `value` (compact JSON for `add` / `replace`, the
    /// text to append for `append`) at `path`, relative to this value.
    fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError>;
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

/// Splits a JSON Pointer into unescaped segments.
pub fn split_pointer(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|s| {
            if s.contains('~') {
                s.replace("~1", "/").replace("~0", "~")
            } else {
                s.to_owned()
            }
        })
        .collect()
}

/// Parses `value` as a whole `T` (for `add` and `replace` at a leaf).
pub fn parse_whole<T: DeserializeOwned>(value: &str) -> Result<T, PartialError> {
    serde_json::from_str(value).map_err(|e| PartialError::new(format!("{e}: {value}")))
}

/// Applies a change to a value that is replaced whole (numbers, booleans,
/// unit enums: they show only once complete) or, for `append`, cannot grow.
pub fn apply_whole<T: DeserializeOwned>(
    target: &mut T,
    path: &[String],
    op: DeltaOp,
    value: &str,
) -> Result<(), PartialError> {
    if !path.is_empty() {
        return Err(PartialError::new(format!(
            "no member {} in a scalar",
            path[0]
        )));
    }
    match op {
        DeltaOp::Add | DeltaOp::Replace => {
            *target = parse_whole(value)?;
            Ok(())
        }
        _ => Err(PartialError::new("append to a value that is not a string")),
    }
}

/// Applies a change to an optional partial field of a struct: `add` or
/// `replace` at the field sets it (`null` clears it), deeper changes go to
/// the value inside.
pub fn apply_field<P: PartialValue>(
    field: &mut Option<P>,
    path: &[String],
    op: DeltaOp,
    value: &str,
) -> Result<(), PartialError> {
    if path.is_empty() && op != DeltaOp::Append {
        *field = if value == "null" {
            None
        } else {
            Some(P::create(value)?)
        };
        return Ok(());
    }
    match field {
        Some(inner) => inner.apply(path, op, value),
        None => Err(PartialError::new(
            "change inside a value that has not begun",
        )),
    }
}

/// Calls `member(key, json)` for every member of the JSON object `value`
/// (for [`PartialValue::create`] of structs and maps).
pub fn for_each_member(
    value: &str,
    mut member: impl FnMut(&str, &str),
) -> Result<(), PartialError> {
    let map: serde_json::Map<String, serde_json::Value> = parse_whole(value)?;
    for (key, item) in &map {
        member(key, &item.to_string());
    }
    Ok(())
}

macro_rules! whole_values {
    ($($t:ty),*) => {$(
        impl Partial for $t {
            type Partial = $t;
        }
        impl PartialValue for $t {
            fn create(value: &str) -> Result<Self, PartialError> {
                parse_whole(value)
            }

            fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError> {
                apply_whole(self, path, op, value)
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
    fn create(value: &str) -> Result<Self, PartialError> {
        parse_whole(value)
    }

    fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError> {
        if !path.is_empty() {
            return Err(PartialError::new("no members in a string"));
        }
        match op {
            DeltaOp::Append => {
                self.push_str(value);
                Ok(())
            }
            _ => {
                *self = parse_whole(value)?;
                Ok(())
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
    fn create(value: &str) -> Result<Self, PartialError> {
        if value == "null" {
            Ok(None)
        } else {
            P::create(value).map(Some)
        }
    }

    fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError> {
        apply_field(self, path, op, value)
    }
}

impl<T: Partial> Partial for Box<T> {
    type Partial = T::Partial;

    fn policies(path: &str, policies: &mut Policies) {
        T::policies(path, policies);
    }
}

impl<T: Partial> Partial for Vec<T> {
    type Partial = Vec<T::Partial>;

    fn policies(path: &str, policies: &mut Policies) {
        T::policies(&format!("{path}/*"), policies);
    }
}

impl<P: PartialValue> PartialValue for Vec<P> {
    fn create(value: &str) -> Result<Self, PartialError> {
        let items: Vec<serde_json::Value> = parse_whole(value)?;
        Ok(items
            .iter()
            .filter_map(|item| P::create(&item.to_string()).ok())
            .collect())
    }

    fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError> {
        let Some((first, rest)) = path.split_first() else {
            if op == DeltaOp::Append {
                return Err(PartialError::new("append to an array"));
            }
            *self = Self::create(value)?;
            return Ok(());
        };
        let index: usize = first
            .parse()
            .map_err(|_| PartialError::new(format!("{first} is not an index")))?;
        if rest.is_empty() && op == DeltaOp::Add {
            if index > self.len() {
                return Err(PartialError::new(format!("index {index} past the end")));
            }
            self.insert(index, P::create(value)?);
            return Ok(());
        }
        match self.get_mut(index) {
            Some(item) => item.apply(rest, op, value),
            None => Err(PartialError::new(format!("no item {index}"))),
        }
    }
}

/// Maps with string keys: members arrive as they stream.
macro_rules! string_maps {
    ($($map:ident),*) => {$(
        impl<T: Partial> Partial for $map<String, T> {
            type Partial = $map<String, T::Partial>;

            fn policies(path: &str, policies: &mut Policies) {
                T::policies(&format!("{path}/*"), policies);
            }
        }

        impl<P: PartialValue> PartialValue for $map<String, P> {
            fn create(value: &str) -> Result<Self, PartialError> {
                let mut map = $map::new();
                for_each_member(value, |key, item| {
                    if let Ok(item) = P::create(item) {
                        map.insert(key.to_owned(), item);
                    }
                })?;
                Ok(map)
            }

            fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError> {
                let Some((first, rest)) = path.split_first() else {
                    if op == DeltaOp::Append {
                        return Err(PartialError::new("append to an object"));
                    }
                    *self = Self::create(value)?;
                    return Ok(());
                };
                if rest.is_empty() && op != DeltaOp::Append {
                    self.insert(first.clone(), P::create(value)?);
                    return Ok(());
                }
                match self.get_mut(first) {
                    Some(item) => item.apply(rest, op, value),
                    None => Err(PartialError::new(format!("no member {first}"))),
                }
            }
        }
    )*};
}

string_maps!(HashMap, BTreeMap);

impl Partial for serde_json::Value {
    type Partial = serde_json::Value;
}

impl PartialValue for serde_json::Value {
    fn create(value: &str) -> Result<Self, PartialError> {
        parse_whole(value)
    }

    fn apply(&mut self, path: &[String], op: DeltaOp, value: &str) -> Result<(), PartialError> {
        let Some((last, parents)) = path.split_last() else {
            match op {
                DeltaOp::Append => match self {
                    serde_json::Value::String(s) => s.push_str(value),
                    _ => return Err(PartialError::new("append to a value that is not a string")),
                },
                _ => *self = parse_whole(value)?,
            }
            return Ok(());
        };
        let mut node = self;
        for segment in parents {
            node = match node {
                serde_json::Value::Object(m) => m.get_mut(segment.as_str()),
                serde_json::Value::Array(a) => {
                    segment.parse::<usize>().ok().and_then(|i| a.get_mut(i))
                }
                _ => None,
            }
            .ok_or_else(|| PartialError::new(format!("no member {segment}")))?;
        }
        match (node, op) {
            (serde_json::Value::Object(m), DeltaOp::Append) => match m.get_mut(last.as_str()) {
                Some(serde_json::Value::String(s)) => s.push_str(value),
                _ => return Err(PartialError::new(format!("no string member {last}"))),
            },
            (serde_json::Value::Object(m), _) => {
                m.insert(last.clone(), parse_whole(value)?);
            }
            (serde_json::Value::Array(a), op) => {
                let i: usize = last
                    .parse()
                    .map_err(|_| PartialError::new("not an index"))?;
                match op {
                    DeltaOp::Add if i <= a.len() => a.insert(i, parse_whole(value)?),
                    DeltaOp::Replace if i < a.len() => a[i] = parse_whole(value)?,
                    DeltaOp::Append => match a.get_mut(i) {
                        Some(serde_json::Value::String(s)) => s.push_str(value),
                        _ => return Err(PartialError::new("no such string item")),
                    },
                    _ => return Err(PartialError::new("no such item")),
                }
            }
            _ => return Err(PartialError::new("not a container")),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_split_and_unescape() {
        assert_eq!(split_pointer(""), Vec::<String>::new());
        assert_eq!(split_pointer("/a~1b/0/~0"), ["a/b", "0", "~"]);
    }

    #[test]
    fn vectors_and_strings_grow_in_place() {
        let mut v: Vec<String> = Vec::create("[]").unwrap();
        v.apply(&["0".into()], DeltaOp::Add, "\"\"").unwrap();
        v.apply(&["0".into()], DeltaOp::Append, "ab").unwrap();
        v.apply(&["1".into()], DeltaOp::Add, "\"c\"").unwrap();
        assert_eq!(v, ["ab", "c"]);
        assert!(v.apply(&["5".into()], DeltaOp::Add, "\"x\"").is_err());
        let mut n = 0u8;
        assert!(n.apply(&[], DeltaOp::Add, "300").is_err());
        n.apply(&[], DeltaOp::Replace, "30").unwrap();
        assert_eq!(n, 30);
    }
}
