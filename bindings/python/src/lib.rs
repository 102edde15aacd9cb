//! Python bindings of `structream-parser` and the provider decoders:
//! `PartialJSON`, a partial JSON document that reads the value after every
//! chunk at O(change), `JSONError`, and `StreamReader`, which decodes a
//! provider's response body (bytes in; event dicts or partial values out)
//! under `structream.providers`.
//!
//! The Python package around this module (`structream`) re-exports them;
//! see its docs for the API.

mod convert;
mod error;
mod events;
mod partial;
mod pointer;
mod protocol;
mod reader;
mod stream_error;
mod tree;
mod updates;

use pyo3::prelude::*;

/// The extension module `structream._structream`.
#[pymodule]
fn _structream(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<partial::PartialJson>()?;
    m.add("JSONError", py.get_type::<error::JSONError>())?;
    m.add_class::<reader::StreamReader>()?;
    m.add_class::<updates::Update>()?;
    m.add("StreamError", py.get_type::<stream_error::StreamError>())?;
    m.add(
        "ProviderError",
        py.get_type::<stream_error::ProviderError>(),
    )?;
    m.add(
        "StreamDecodeError",
        py.get_type::<stream_error::StreamDecodeError>(),
    )?;
    m.add("REPAIR_KINDS", partial::repair_kinds())?;
    Ok(())
}
