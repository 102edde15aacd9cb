//! A plain JSON value that keeps what the input said: keys in input order,
//! duplicate keys, and numbers exactly as written.
//!
//! ```
//! use structream_parser::{parse, Value};
//!
//! let value = parse(br#"{"b": 1.50, "a": [true, null], "b": "again"}"#)?;
//! assert_eq!(value.to_string(), r#"{"b":1.50,"a":[true,null],"b":"again"}"#);
//! assert_eq!(value.get("b"), Some(&Value::String("again".into()))); // last wins
//! # Ok::<(), structream_parser::Error>(())
//! ```

mod builder;
mod number;
mod write;

pub use builder::ValueBuilder;
pub use number::RawNumber;
pub(crate) use write::escape_into;
pub use write::write_json_string;

use crate::{Config, Error, Event, Tokenizer};

/// A JSON value with keys in input order, duplicates kept, numbers as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, exactly as written.
    Number(RawNumber),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in input order, duplicate keys included.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The value of the last member named `key`, as serde_json would keep it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The compact JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write::write_value(self, &mut out);
        out
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// Parses one complete JSON document with the default [`Config`].
pub fn parse(bytes: &[u8]) -> Result<Value, Error> {
    parse_with(bytes, Config::default())
}

/// Parses one complete JSON document with the given [`Config`]. With
/// [`Config::multiple_values`] the values come back as one array.
pub fn parse_with(bytes: &[u8], config: Config) -> Result<Value, Error> {
    let multiple = config.multiple_values;
    let mut tok = Tokenizer::with_config(config);
    let mut builder = ValueBuilder::new();
    let mut values = Vec::new();
    let mut push = |event: Event<'_>| {
        if let Some(value) = builder.push(event) {
            values.push(value);
        }
    };
    tok.feed_with(bytes, &mut push)?;
    tok.finish_with(&mut push)?;
    Ok(if multiple {
        Value::Array(values)
    } else {
        values.pop().unwrap_or_default()
    })
}
