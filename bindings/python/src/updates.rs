//! `decode_partials`: one `PartialJSON` per JSON channel of a provider
//! stream (each tool call's arguments, each choice's text), and the
//! `PartialUpdate`s it yields.
//!
//! The channels are those of `structream sse --partial`: a tool call's
//! arguments are strict JSON, and a call with no argument text counts as
//! `{}`; a choice's text is read leniently (an object found in prose, a
//! markdown fence or after a `<think>` block; text after it is ignored, and
//! text with no JSON yields nothing). A channel yields an update each time
//! its visible value changes (or items close), and one with `done=True`
//! when it ends: the tool call's end, its choice's finish, or the stream's
//! end. Each update costs the event's change: the value is the channel's
//! live `PartialJSON.value`.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use structream_parser::document::{Lenient, Pattern};
use structream_parser::repair::Repairs;
use structream_provider::StreamEvent;

use crate::error::json_error_in;
use crate::partial::{End, Mode, PartialJson};
use crate::stream_error::StreamError;

/// One change of a channel's value.
#[pyclass(
    module = "structream.providers",
    name = "PartialUpdate",
    frozen,
    get_all
)]
pub(crate) struct Update {
    /// The choice (0 but for OpenAI `n > 1` streams).
    choice: u32,
    /// The provider's index of the tool call; the choice for its text.
    index: u32,
    /// The call's ordinal among its choice's tool calls; None for text.
    call: Option<u32>,
    /// The tool call's id, where the provider gives one.
    id: Option<Py<PyString>>,
    /// The tool's name; None for text.
    name: Option<Py<PyString>>,
    /// The partial value (None until something shows): the channel's live
    /// object, updated in place by later events, as `PartialJSON.value`.
    value: Py<PyAny>,
    /// True for the channel's last update: its value is complete.
    done: bool,
    /// The items of the `items=` arrays that closed with this event.
    items: Py<PyTuple>,
}

#[pymethods]
impl Update {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let opt = |s: &Option<Py<PyString>>| -> PyResult<String> {
            Ok(match s {
                Some(s) => s.bind(py).repr()?.to_string(),
                None => "None".to_string(),
            })
        };
        Ok(format!(
            "PartialUpdate(choice={}, index={}, call={}, id={}, name={}, value={}, done={})",
            self.choice,
            self.index,
            self.call.map_or("None".to_string(), |c| c.to_string()),
            opt(&self.id)?,
            opt(&self.name)?,
            self.value.bind(py).repr()?,
            if self.done { "True" } else { "False" },
        ))
    }
}

/// Which JSON value a fragment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// The arguments of a tool call (choice, provider index).
    Tool(u32, u32),
    /// The text of a choice.
    Text(u32),
}

struct Channel {
    key: Key,
    call: Option<u32>,
    id: Option<Py<PyString>>,
    name: Option<Py<PyString>>,
    parser: PartialJson,
    ended: bool,
    /// Whether any non-whitespace text arrived.
    has_text: bool,
}

impl Channel {
    /// How errors name the channel (as `structream sse --partial` does).
    fn label(&self) -> String {
        match self.key {
            Key::Tool(0, index) => format!("tool call {index}"),
            Key::Tool(choice, index) => format!("tool call {index} of choice {choice}"),
            Key::Text(0) => "the text".to_string(),
            Key::Text(choice) => format!("the text of choice {choice}"),
        }
    }

    fn update(&mut self, py: Python<'_>, done: bool) -> PyResult<Py<PyAny>> {
        let (choice, index) = match self.key {
            Key::Tool(choice, index) => (choice, index),
            Key::Text(choice) => (choice, choice),
        };
        let closed = self.parser.closed();
        let items = if closed.is_empty() {
            PyTuple::empty(py)
        } else {
            PyTuple::new(py, closed.iter().map(|(_, _, v)| v.clone_ref(py)))?
        };
        let update = Update {
            choice,
            index,
            call: self.call,
            id: self.id.as_ref().map(|s| s.clone_ref(py)),
            name: self.name.as_ref().map(|s| s.clone_ref(py)),
            value: self.parser.value(py)?.unwrap_or_else(|| py.None()),
            done,
            items: items.unbind(),
        };
        Ok(Py::new(py, update)?.into_any())
    }

    /// Feeds `text`; the update, if the value changed or items closed.
    fn feed(&mut self, py: Python<'_>, text: &str, out: &mut Vec<Py<PyAny>>) -> PyResult<()> {
        self.has_text |= text.bytes().any(|b| !b.is_ascii_whitespace());
        match self.parser.feed_bytes(py, text.as_bytes()) {
            Ok(changed) => {
                if changed || !self.parser.closed().is_empty() {
                    out.push(self.update(py, false)?);
                }
                Ok(())
            }
            Err(e) => match self.parser.error() {
                Some(json) => Err(json_error_in(py, &self.label(), &json)),
                None => Err(e),
            },
        }
    }

    /// Ends the channel: its last update, or an error for JSON that is
    /// invalid or incomplete. Text in which no JSON started ends quietly.
    fn end(&mut self, py: Python<'_>, out: &mut Vec<Py<PyAny>>) -> PyResult<()> {
        self.ended = true;
        if matches!(self.key, Key::Tool(..)) && !self.has_text {
            // A call with no argument text takes no arguments.
            // Its `{}` shows in the last update only.
            let before = out.len();
            self.feed(py, "{}", out)?;
            out.truncate(before);
        }
        let prose = matches!(self.key, Key::Text(_)) && !self.parser.shows();
        match self.parser.end(py)? {
            End::Complete => {}
            End::Incomplete(_) if prose => return Ok(()),
            End::Incomplete(e) | End::Invalid(e) => {
                return Err(json_error_in(py, &self.label(), &e));
            }
        }
        out.push(self.update(py, true)?);
        Ok(())
    }
}

/// The JSON channels of one stream: see the [module docs](self).
pub(crate) struct Partials {
    mode: Mode,
    items: Vec<Pattern>,
    channels: Vec<Channel>,
    by_key: HashMap<Key, usize>,
}

impl Partials {
    pub(crate) fn new(mode: Mode, items: Vec<Pattern>) -> Self {
        Partials {
            mode,
            items,
            channels: Vec::new(),
            by_key: HashMap::new(),
        }
    }

    fn channel(&mut self, key: Key, call: Option<u32>) -> &mut Channel {
        let i = *self.by_key.entry(key).or_insert_with(|| {
            // Tool arguments are JSON by contract; a choice's text may wrap
            // its JSON (an object) in prose, fences or reasoning.
            let text = matches!(key, Key::Text(_));
            let lenient = if text { Lenient::Object } else { Lenient::Off };
            self.channels.push(Channel {
                key,
                call,
                id: None,
                name: None,
                parser: PartialJson::build(self.mode, &self.items, lenient, Repairs::NONE),
                ended: false,
                has_text: false,
            });
            self.channels.len() - 1
        });
        &mut self.channels[i]
    }

    /// Routes one event; the updates it causes go to `out`. `call` is the
    /// ordinal of a tool call event's call.
    pub(crate) fn event(
        &mut self,
        py: Python<'_>,
        event: &StreamEvent<'_>,
        call: Option<u32>,
        out: &mut Vec<Py<PyAny>>,
    ) -> PyResult<()> {
        match event {
            StreamEvent::ToolCallStart {
                choice,
                index,
                id,
                name,
            } => {
                let ch = self.channel(Key::Tool(*choice, *index), call);
                ch.id = id.as_deref().map(|s| PyString::new(py, s).unbind());
                ch.name = Some(PyString::new(py, name).unbind());
            }
            StreamEvent::ToolArgsDelta {
                choice,
                index,
                json,
            } => {
                let ch = self.channel(Key::Tool(*choice, *index), call);
                if ch.ended {
                    return Err(StreamError::new_err(format!(
                        "{}: arguments continued after the tool call ended",
                        ch.label()
                    )));
                }
                ch.feed(py, json, out)?;
            }
            StreamEvent::ToolCallEnd { choice, index } => {
                let ch = self.channel(Key::Tool(*choice, *index), call);
                if !ch.ended {
                    ch.end(py, out)?;
                }
            }
            StreamEvent::TextDelta { choice, text } => {
                let ch = self.channel(Key::Text(*choice), None);
                // Text after the value (or after the finish) is ignored, as
                // lenient input ignores what follows the value.
                if !ch.ended {
                    ch.feed(py, text, out)?;
                }
            }
            StreamEvent::Finish { choice, .. } => {
                if let Some(&i) = self.by_key.get(&Key::Text(*choice)) {
                    let ch = &mut self.channels[i];
                    if !ch.ended {
                        ch.end(py, out)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The stream ended well: ends every channel still open.
    pub(crate) fn finish(&mut self, py: Python<'_>, out: &mut Vec<Py<PyAny>>) -> PyResult<()> {
        for ch in &mut self.channels {
            if !ch.ended {
                ch.end(py, out)?;
            }
        }
        Ok(())
    }
}
