//! The exceptions of the provider stream readers: `StreamError`, and its
//! `ProviderError` (an error the provider sent in the stream) and
//! `StreamDecodeError` (a stream that could not be decoded, or was cut).

use pyo3::prelude::*;
use structream_provider::DecodeError;

pyo3::create_exception!(
    structream.providers,
    StreamError,
    pyo3::exceptions::PyException,
    "A provider stream that did not end well: the provider reported an \
error (`ProviderError`), or the bytes could not be decoded or stopped \
early (`StreamDecodeError`)."
);

pyo3::create_exception!(
    structream.providers,
    ProviderError,
    StreamError,
    "An error the provider sent in the stream (Anthropic's `overloaded_error` \
event, an OpenAI `error` frame, a JSON error body). `.message` is the \
provider's message; `.kind`, `.code` (strings) and `.status` (the HTTP \
status) are None where the provider gives none."
);

pyo3::create_exception!(
    structream.providers,
    StreamDecodeError,
    StreamError,
    "Bytes that are not a stream of the protocol, or a stream that stopped \
early. `.offset` is the byte offset of the problem in the body; `.eof` is \
True for a stream cut off before its end (a dropped connection)."
);

/// A provider's error event as a `ProviderError`.
pub(crate) fn provider_error(py: Python<'_>, e: &structream_provider::ProviderError) -> PyErr {
    let err = ProviderError::new_err(e.to_string());
    let value = err.value(py);
    // Setting attributes on a fresh exception cannot fail short of memory
    // exhaustion, which Python reports on its own.
    let _ = value.setattr("message", e.message.as_str());
    let _ = value.setattr("kind", e.kind.as_deref());
    let _ = value.setattr("code", e.code.as_deref());
    let _ = value.setattr("status", e.status);
    err
}

/// A decoder's error as a `StreamDecodeError`.
pub(crate) fn decode_error(py: Python<'_>, e: &DecodeError) -> PyErr {
    let err = StreamDecodeError::new_err(e.to_string());
    let value = err.value(py);
    let _ = value.setattr("offset", e.offset());
    let _ = value.setattr("eof", e.is_eof());
    err
}
