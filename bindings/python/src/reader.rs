//! `StreamReader`: the one driver under `structream.providers`'
//! `decode_events`, `decode_partials` and their async twins, which only
//! iterate the bytes (with `for` or `async for`) and hand each chunk here.
//!
//! The protocol:
//!
//! ```python
//! for chunk in byte_iter:            # or: async for
//!     yield from reader.feed(chunk)
//!     if reader.failed:
//!         break
//! else:
//!     yield from reader.finish()
//! reader.check()                     # raises the stream's error, if any
//! ```
//!
//! `feed` and `finish` return what the chunk produced (event dicts or
//! `PartialUpdate`s) and never raise for the stream's own problems: those
//! are kept and raised by `check`, after what came before them was yielded.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use structream_provider::{DecodeError, StreamDecoder, StreamEvent};

use crate::calls::Ordinals;
use crate::events::{decode_error_dict, event_dict};
use crate::partial::{Mode, patterns};
use crate::protocol;
use crate::stream_error::{decode_error, provider_error};
use crate::updates::Partials;

/// What the reader yields.
enum View {
    /// One dict per event, as `structream sse` prints.
    Events,
    /// The JSON channels' partial values.
    Partials(Box<Partials>),
}

/// Decodes a provider's response body, chunk by chunk: see the [module
/// docs](self).
#[pyclass(module = "structream._structream", name = "StreamReader")]
pub(crate) struct StreamReader {
    /// In a mutex only for `Sync` (a decoder need not be); every use has
    /// `&mut self`, so it is never locked.
    decoder: Mutex<Box<dyn StreamDecoder>>,
    view: View,
    calls: Ordinals,
    /// The error `check` raises.
    error: Option<PyErr>,
    /// Decoding stopped: no more input is taken.
    failed: bool,
    finished: bool,
}

#[pymethods]
impl StreamReader {
    /// A reader of `protocol`'s streams yielding event dicts, or with
    /// `partials=True` the JSON channels' `PartialUpdate`s.
    #[new]
    #[pyo3(signature = (protocol, partials = false, partial_mode = None, items = None))]
    fn new(
        protocol: &str,
        partials: bool,
        partial_mode: Option<&Bound<'_, PyAny>>,
        items: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let decoder = protocol::decoder(protocol)?;
        let view = if partials {
            let mode = match partial_mode {
                Some(m) => Mode::from_py(m)?,
                None => Mode::TrailingStrings,
            };
            View::Partials(Box::new(Partials::new(mode, patterns(items)?)))
        } else {
            View::Events
        };
        Ok(StreamReader {
            decoder: Mutex::new(decoder),
            view,
            calls: Ordinals::default(),
            error: None,
            failed: false,
            finished: false,
        })
    }

    /// Decodes a chunk of the body (`bytes`, `bytearray` or `str`, split
    /// anywhere); returns what it produced.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<Vec<Py<PyAny>>> {
        if self.failed || self.finished {
            return Err(PyValueError::new_err(
                "feed() after the stream failed or finished",
            ));
        }
        if let Ok(bytes) = chunk.cast::<PyBytes>() {
            return self.run(py, |decoder, sink| decoder.feed(bytes.as_bytes(), sink));
        }
        if let Ok(array) = chunk.cast::<PyByteArray>() {
            let bytes = array.to_vec();
            return self.run(py, |decoder, sink| decoder.feed(&bytes, sink));
        }
        if let Ok(s) = chunk.cast::<PyString>() {
            let text = s.to_cow()?;
            return self.run(py, |decoder, sink| decoder.feed(text.as_bytes(), sink));
        }
        Err(PyTypeError::new_err(format!(
            "the stream's chunks must be bytes, bytearray or str, not {}",
            chunk.get_type().name()?
        )))
    }

    /// Ends the body: returns what was pending (a last frame, the ends of
    /// channels still open).
    fn finish(&mut self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        if self.failed || self.finished {
            return Ok(Vec::new());
        }
        self.finished = true;
        let mut out = self.run(py, |decoder, sink| decoder.finish(sink))?;
        if !self.failed
            && let View::Partials(partials) = &mut self.view
            && let Err(e) = partials.finish(py, &mut out)
        {
            self.fail(e);
        }
        Ok(out)
    }

    /// Whether decoding stopped (the error is raised by `check`).
    #[getter]
    fn failed(&self) -> bool {
        self.failed
    }

    /// Raises the stream's error, if it had one: `ProviderError`,
    /// `StreamDecodeError`, or `JSONError` for a channel's invalid JSON.
    fn check(&mut self) -> PyResult<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl StreamReader {
    fn fail(&mut self, e: PyErr) {
        self.failed = true;
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Runs the decoder over one call (`feed` or `finish`), turning its
    /// events into the view's output.
    fn run(
        &mut self,
        py: Python<'_>,
        decode: impl FnOnce(
            &mut Box<dyn StreamDecoder>,
            &mut structream_provider::Sink<'_>,
        ) -> Result<(), DecodeError>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        let mut out = Vec::new();
        let mut stop: Option<PyErr> = None;
        let StreamReader {
            decoder,
            view,
            calls,
            error,
            ..
        } = self;
        let decoder = decoder.get_mut().unwrap_or_else(PoisonError::into_inner);
        let decoded = decode(decoder, &mut |event: StreamEvent<'_>| {
            if stop.is_some() {
                return;
            }
            let call = match &event {
                StreamEvent::ToolCallStart { choice, index, .. }
                | StreamEvent::ToolArgsDelta { choice, index, .. }
                | StreamEvent::ToolCallEnd { choice, index } => Some(calls.of(*choice, *index)),
                _ => None,
            };
            let result = match view {
                View::Events => {
                    if let StreamEvent::Error(e) = &event
                        && error.is_none()
                    {
                        // Raised once the stream has ended, as the command
                        // line exits 1 after printing every event.
                        *error = Some(provider_error(py, e));
                    }
                    event_dict(py, &event, call).map(|d| out.push(d.into_any().unbind()))
                }
                View::Partials(partials) => match &event {
                    StreamEvent::Error(e) => Err(provider_error(py, e)),
                    _ => partials.event(py, &event, call, &mut out),
                },
            };
            if let Err(e) = result {
                stop = Some(e);
            }
        });
        if let Some(e) = stop {
            self.fail(e);
        } else if let Err(e) = decoded {
            if let View::Events = self.view {
                out.push(decode_error_dict(py, &e)?.into_any().unbind());
            }
            self.fail(decode_error(py, &e));
        }
        Ok(out)
    }
}
