//! JSON text and [`Value`]s into Python objects, with `json.loads`'s types:
//! `dict`, `list`, `str`, `int` (any size), `float`, `bool`, `None`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString};
use structream_parser::Value;

/// A number's text as `int` (no `.`, `e` or `E`) or `float`.
pub(crate) fn number<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        // Correctly rounded, like Python's float(); out of range is ±inf,
        // as json.loads gives.
        let f: f64 = text.parse().unwrap_or(f64::NAN);
        return Ok(PyFloat::new(py, f).into_any());
    }
    if text.len() <= 18 {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(i.into_pyobject(py)?.into_any());
        }
    }
    py.get_type::<PyInt>().call1((text,))
}

/// The Python object of a complete JSON value written by the document
/// (compact, valid): the common small cases directly, the rest through
/// [`structream_parser::parse`].
pub(crate) fn json_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    match text {
        "{}" => return Ok(PyDict::new(py).into_any()),
        "[]" => return Ok(PyList::empty(py).into_any()),
        "null" => return Ok(py.None().into_bound(py)),
        "true" => return Ok(true.into_pyobject(py)?.to_owned().into_any()),
        "false" => return Ok(false.into_pyobject(py)?.to_owned().into_any()),
        _ => {}
    }
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b'"') if !text.contains('\\') && text.len() >= 2 => {
            Ok(PyString::new(py, &text[1..text.len() - 1]).into_any())
        }
        Some(b'-' | b'0'..=b'9') => number(py, text),
        _ => {
            let config = structream_parser::Config::default().max_depth(None);
            let value = structream_parser::parse_with(bytes, config).map_err(|e| {
                pyo3::exceptions::PyRuntimeError::new_err(format!(
                    "internal error: the document wrote invalid JSON ({e})"
                ))
            })?;
            value_to_py(py, &value)
        }
    }
}

/// A [`Value`] as Python objects (a repeated key keeps its first place and
/// its last value, as in `json.loads`).
pub(crate) fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => number(py, n.as_str())?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (key, item) in members {
                dict.set_item(PyString::new(py, key), value_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
