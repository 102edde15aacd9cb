//! Provider stream events as the `dict`s `decode_events` yields: the very
//! records `structream sse` prints ([`structream_provider::record`]), one
//! per event (`{"type": "tool_args_delta", "index": 0, "call": 0, "json":
//! "{\"a"}`), `type` first and `choice` only when it is not 0.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use structream_provider::record::{self, Field};
use structream_provider::{DecodeError, StreamEvent};

/// The `dict` of `event`; `call` is the ordinal of a tool call event's call.
pub(crate) fn event_dict<'py>(
    py: Python<'py>,
    event: &StreamEvent<'_>,
    call: Option<u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    record::event_fields(event, call, |name, value| set(&d, name, value))?;
    Ok(d)
}

/// The `error` dict of a stream that could not be decoded (or was cut).
pub(crate) fn decode_error_dict<'py>(
    py: Python<'py>,
    e: &DecodeError,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    record::decode_error_fields(e, |name, value| set(&d, name, value))?;
    Ok(d)
}

/// Sets one field of a record in `d`.
fn set(d: &Bound<'_, PyDict>, name: &'static str, value: Field<'_>) -> PyResult<()> {
    let py = d.py();
    let key = key(py, name);
    match value {
        Field::Str(s) => d.set_item(key, &*s),
        Field::Int(n) => d.set_item(key, n),
        Field::Null => d.set_item(key, py.None()),
        Field::Json(text) => d.set_item(key, crate::convert::json_text(py, text)?),
        // `Field` may grow: a new kind of value shows as text rather than
        // being dropped.
        other => d.set_item(key, format!("{other:?}")),
    }
}

/// The `str` of a field name: the names records have are made once and
/// reused (a dict key per field and event adds up over a long stream);
/// another name is interned on each use.
fn key<'py>(py: Python<'py>, name: &'static str) -> Bound<'py, PyString> {
    macro_rules! cached {
        ($($known:literal),*) => {
            match name {
                $($known => intern!(py, $known).clone(),)*
                _ => PyString::intern(py, name),
            }
        };
    }
    cached!(
        "type",
        "text",
        "index",
        "call",
        "id",
        "name",
        "json",
        "data",
        "input",
        "input_tokens",
        "output_tokens",
        "reasoning_tokens",
        "cached_tokens",
        "reason",
        "raw",
        "message",
        "kind",
        "code",
        "status",
        "offset",
        "choice"
    )
}
