//! Python bindings of `structream-parser`: `PartialJSON`, a partial JSON
//! document that reads the value after every chunk at O(change), and
//! `JSONError`.
//!
//! The Python package around this module (`structream`) re-exports both;
//! see its docs for the API.

mod convert;
mod error;
mod partial;
mod pointer;
mod tree;

use pyo3::prelude::*;

/// The extension module `structream._structream`.
#[pymodule]
fn _structream(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<partial::PartialJson>()?;
    m.add("JSONError", m.py().get_type::<error::JSONError>())?;
    Ok(())
}
