//! Reading a final value or item: deserialized, checked against its
//! schema, then by the type's own [`Validate`] hook: how the driver reads
//! every complete value, and how coercion reads an aligned value again.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schema::validate;
use crate::{Error, Validate};

/// Deserializes and validates a final value or item.
pub(crate) fn validate_value<T: DeserializeOwned + Validate>(
    json: &str,
    schema: Option<&Value>,
) -> Result<T, Error> {
    let invalid = |path: String, message: String| Error::Validation {
        path,
        message,
        output: json.to_owned(),
    };
    let value: Value = serde_json::from_str(json).map_err(|e| unreadable(json, &e))?;
    if let Some((path, message)) = schema.and_then(|s| violations(&value, s)) {
        return Err(invalid(path, message));
    }
    let typed: T =
        serde_json::from_value(value).map_err(|e| invalid(String::new(), e.to_string()))?;
    typed.validate().map_err(|m| invalid(String::new(), m))?;
    Ok(typed)
}

/// The first violation's path and every violation, one per line; `None`
/// if `value` is valid.
pub(crate) fn violations(value: &Value, schema: &Value) -> Option<(String, String)> {
    let found = validate(value, schema);
    let first = found.first()?.path.clone();
    let message = found
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    Some((first, message))
}

/// Well-formed JSON that serde cannot read (a number out of range, nesting
/// deeper than its limit): a value that does not validate.
pub(crate) fn unreadable(json: &str, e: &serde_json::Error) -> Error {
    Error::Validation {
        path: String::new(),
        message: format!("the value cannot be read: {e}"),
        output: json.to_owned(),
    }
}
