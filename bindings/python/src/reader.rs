//! `StreamReader`: the one driver under `structream.providers`'
//! `decode_events`, `decode_partials` and their async twins, which only
//! iterate the bytes (with `for` or `async for`) and hand each chunk here.
//!
//! The protocol:
//!
//! ```python
//! for chunk in byte_iter:            # or: async for
//!     reader.feed(chunk)
//!     yield from reader
//!     if reader.failed:
//!         break
//! else:
//!     reader.finish()
//!     yield from reader
//! reader.check()                     # raises the stream's error, if any
//! ```
//!
//! `feed` and `finish` decode the bytes into events and queue them; iterating
//! the reader turns the queued events into output (event dicts or
//! `PartialUpdate`s) one at a time, so an update's live value shows the
//! stream up to its own event when the caller gets it, even when one chunk
//! held many events. The stream's own problems are never raised by `feed`,
//! `finish` or the iteration: the iteration stops at them, and `check`
//! raises them, after everything before them was yielded.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use structream_provider::{CallOrdinals, DecodeError, StreamDecoder, StreamEvent};

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
    calls: CallOrdinals,
    /// Decoded events not turned into output yet.
    queue: VecDeque<Queued>,
    /// Output of the last event not yielded yet.
    ready: VecDeque<Py<PyAny>>,
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
            calls: CallOrdinals::new(),
            queue: VecDeque::new(),
            ready: VecDeque::new(),
            error: None,
            failed: false,
            finished: false,
        })
    }

    /// Decodes a chunk of the body (`bytes`, `bytearray` or `str`, split
    /// anywhere); iterate the reader for what it produced.
    fn feed(&mut self, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.failed || self.finished {
            return Err(PyValueError::new_err(
                "feed() after the stream failed or finished",
            ));
        }
        if let Ok(bytes) = chunk.cast::<PyBytes>() {
            self.decode(false, |decoder, sink| decoder.feed(bytes.as_bytes(), sink));
        } else if let Ok(array) = chunk.cast::<PyByteArray>() {
            let bytes = array.to_vec();
            self.decode(false, |decoder, sink| decoder.feed(&bytes, sink));
        } else if let Ok(s) = chunk.cast::<PyString>() {
            let text = s.to_cow()?;
            self.decode(false, |decoder, sink| decoder.feed(text.as_bytes(), sink));
        } else {
            return Err(PyTypeError::new_err(format!(
                "the stream's chunks must be bytes, bytearray or str, not {}",
                chunk.get_type().name()?
            )));
        }
        Ok(())
    }

    /// Ends the body: queues what was pending (a last frame, the ends of
    /// channels still open).
    fn finish(&mut self) {
        if self.failed || self.finished {
            return;
        }
        self.finished = true;
        if self.decode(true, |decoder, sink| decoder.finish(sink)) {
            self.queue.push_back(Queued::End);
        }
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next output of the queued events; None (the end of this
    /// iteration) when they are used up or the stream failed.
    fn __next__(&mut self, py: Python<'_>) -> Option<Py<PyAny>> {
        loop {
            if let Some(out) = self.ready.pop_front() {
                return Some(out);
            }
            let queued = self.queue.pop_front()?;
            if let Err(e) = self.output(py, queued) {
                self.fail(e);
            }
        }
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

/// A decoded event waiting to be turned into output.
enum Queued {
    Event(StreamEvent<'static>),
    /// The decoder's error: the last item.
    Failed(DecodeError),
    /// The stream ended well: the channels still open end.
    End,
}

impl StreamReader {
    fn fail(&mut self, e: PyErr) {
        self.failed = true;
        self.queue.clear();
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Runs the decoder over one call (`feed`, or `finish` when `end`),
    /// queueing its events; false when it failed (its error is queued last).
    fn decode(
        &mut self,
        end: bool,
        decode: impl FnOnce(
            &mut Box<dyn StreamDecoder>,
            &mut structream_provider::Sink<'_>,
        ) -> Result<(), DecodeError>,
    ) -> bool {
        let decoder = self
            .decoder
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let queue = &mut self.queue;
        let before = queue.len();
        let decoded = decode(decoder, &mut |event: StreamEvent<'_>| {
            queue.push_back(Queued::Event(event.into_owned()));
        });
        match decoded {
            Ok(()) => true,
            Err(e) => {
                if let (View::Partials(_), true) = (&self.view, end) {
                    // The ends a decoder reports at the end of a cut stream
                    // for what it left open would make its values look
                    // complete (or raise JSONError): the cut is the news.
                    let mut i = before;
                    while i < self.queue.len() {
                        match &self.queue[i] {
                            Queued::Event(
                                StreamEvent::ToolCallEnd { .. } | StreamEvent::Finish { .. },
                            ) => {
                                self.queue.remove(i);
                            }
                            _ => i += 1,
                        }
                    }
                }
                // No more input is taken; the queued events still show.
                self.failed = true;
                self.queue.push_back(Queued::Failed(e));
                false
            }
        }
    }

    /// Turns one queued item into output (into `ready`).
    fn output(&mut self, py: Python<'_>, queued: Queued) -> PyResult<()> {
        let event = match queued {
            Queued::Event(event) => event,
            Queued::Failed(e) => {
                if let View::Events = self.view {
                    self.ready
                        .push_back(decode_error_dict(py, &e)?.into_any().unbind());
                }
                return Err(decode_error(py, &e));
            }
            Queued::End => {
                let mut out = Vec::new();
                let ended = match &mut self.view {
                    View::Partials(partials) => partials.finish(py, &mut out),
                    View::Events => Ok(()),
                };
                self.ready.extend(out);
                return ended;
            }
        };
        let call = self.calls.of_event(&event);
        match &mut self.view {
            View::Events => {
                if let StreamEvent::Error(e) = &event
                    && self.error.is_none()
                {
                    // Raised once the stream has ended, as the command line
                    // exits 1 after printing every event.
                    self.error = Some(provider_error(py, e));
                }
                self.ready
                    .push_back(event_dict(py, &event, call)?.into_any().unbind());
                Ok(())
            }
            View::Partials(partials) => match &event {
                StreamEvent::Error(e) => Err(provider_error(py, e)),
                _ => {
                    let mut out = Vec::new();
                    let result = partials.event(py, &event, call, &mut out);
                    self.ready.extend(out);
                    result
                }
            },
        }
    }
}
