//! [`JsonValue`]: the partial of a `serde_json::Value` (and of an enum
//! with data), its arrays and objects shared between successive partials.

use serde::{Serialize, Serializer};
use structream_parser::document::{DeltaOp, split_first_segment};

use super::derive_support::replace_whole;
use super::{Json, List, Map, PartialError, PartialValue};

/// Any JSON value as far as it has streamed.
///
/// Arrays are [`List`]s and objects [`Map`]s: cloning a value (what
/// happens when the consumer still holds the previous partial while the
/// next is made) copies the open path only, O(depth), and the members
/// and items that are done are shared, never copied again.
/// [`JsonValue::to_value`] makes the `serde_json::Value`; serialising
/// gives the same JSON.
///
/// ```
/// use structream::DeltaOp;
/// use structream::partial::{Json, JsonValue, PartialValue};
///
/// let mut v: JsonValue = Json::read(r#"{"a":[1],"s":""}"#, JsonValue::create)?;
/// let held = v.clone();
/// v.apply("/s", DeltaOp::Append, "hi")?;
/// assert_eq!(v.to_value(), serde_json::json!({"a": [1], "s": "hi"}));
/// assert_eq!(held.to_value(), serde_json::json!({"a": [1], "s": ""}));
/// # Ok::<(), structream::partial::PartialError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum JsonValue {
    /// `null`
    #[default]
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// An array.
    Array(List<JsonValue>),
    /// An object, its members in the order they arrived.
    Object(Map<JsonValue>),
}

impl JsonValue {
    /// The value as a `serde_json::Value` (a copy).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            JsonValue::Null => J::Null,
            JsonValue::Bool(b) => J::Bool(*b),
            JsonValue::Number(n) => J::Number(n.clone()),
            JsonValue::String(s) => J::String(s.clone()),
            JsonValue::Array(items) => J::Array(items.iter().map(JsonValue::to_value).collect()),
            JsonValue::Object(members) => J::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => members.get(key),
            _ => None,
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }
}

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonValue::Null => serializer.serialize_unit(),
            JsonValue::Bool(b) => serializer.serialize_bool(*b),
            JsonValue::Number(n) => n.serialize(serializer),
            JsonValue::String(s) => serializer.serialize_str(s),
            JsonValue::Array(items) => items.serialize(serializer),
            JsonValue::Object(members) => members.serialize(serializer),
        }
    }
}

/// Equal to the `serde_json::Value` it stands for.
impl PartialEq<serde_json::Value> for JsonValue {
    fn eq(&self, other: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (self, other) {
            (JsonValue::Null, J::Null) => true,
            (JsonValue::Bool(a), J::Bool(b)) => a == b,
            (JsonValue::Number(a), J::Number(b)) => a == b,
            (JsonValue::String(a), J::String(b)) => a == b,
            (JsonValue::Array(a), J::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a == b)
            }
            // Members in any order, as serde_json compares them.
            (JsonValue::Object(a), J::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl PartialValue for JsonValue {
    fn create(value: Json<'_>) -> Result<Self, PartialError> {
        Ok(match value {
            Json::Null => JsonValue::Null,
            Json::Bool(b) => JsonValue::Bool(b),
            // Numbers kept as written where serde_json can hold them.
            Json::Number(text) => text.parse().map_or(JsonValue::Null, JsonValue::Number),
            Json::String(s) => JsonValue::String(s.to_owned()),
            Json::Array(items) => JsonValue::Array(
                items
                    .iter()
                    .map(|v| JsonValue::create(Json::of(v)))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(members) => JsonValue::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), JsonValue::create(Json::of(v))?)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    fn apply(&mut self, path: &str, op: DeltaOp, value: &str) -> Result<(), PartialError> {
        let Some((first, rest)) = split_first_segment(path) else {
            return match (op, self) {
                (DeltaOp::Append, JsonValue::String(s)) => {
                    s.push_str(value);
                    Ok(())
                }
                (DeltaOp::Append, _) => {
                    Err(PartialError::new("append to a value that is not a string"))
                }
                (_, this) => replace_whole(this, "", op, value),
            };
        };
        let last = rest.is_empty();
        match self {
            JsonValue::Object(members) => {
                if last && op != DeltaOp::Append {
                    members.insert(first.into_owned(), Json::read(value, Self::create)?);
                    return Ok(());
                }
                match members.get_mut(&first) {
                    Some(member) => member.apply(rest, op, value),
                    None => Err(PartialError::new(format!("no member {first}"))),
                }
            }
            JsonValue::Array(items) => {
                let i: usize = first
                    .parse()
                    .map_err(|_| PartialError::new("not an index"))?;
                if last && op == DeltaOp::Add && i <= items.len() {
                    items.insert(i, Json::read(value, Self::create)?);
                    return Ok(());
                }
                match items.get_mut(i) {
                    Some(item) => item.apply(rest, op, value),
                    None => Err(PartialError::new("no such item")),
                }
            }
            _ => Err(PartialError::new("not a container")),
        }
    }
}
