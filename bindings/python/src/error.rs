//! `JSONError`: a `ValueError` with the byte, line and column of the problem.

use pyo3::prelude::*;

pyo3::create_exception!(
    structream,
    JSONError,
    pyo3::exceptions::PyValueError,
    "Invalid JSON: the message is the command line's (`expected `,` or `]` at \
line 2 column 4 (byte 7)`); `.byte` is the 0-based byte offset, `.line` and \
`.column` are 1-based (columns count bytes)."
);

/// A parser error as a `JSONError`.
pub(crate) fn json_error(py: Python<'_>, e: &structream_parser::Error) -> PyErr {
    let err = JSONError::new_err(format!("{e} (byte {})", e.offset()));
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail short of
    // memory exhaustion, which Python reports on its own.
    let _ = value.setattr("byte", e.offset());
    let _ = value.setattr("line", e.line());
    let _ = value.setattr("column", e.column());
    err
}

/// A parser error as a `JSONError` whose message names where the JSON was
/// (`tool call 1: ...`).
pub(crate) fn json_error_in(py: Python<'_>, label: &str, e: &structream_parser::Error) -> PyErr {
    let err = json_error(py, e);
    let value = err.value(py);
    let message = format!("{label}: {e} (byte {})", e.offset());
    let _ = value.setattr("args", (message,));
    err
}
