//! The answer of one results line, gathered from the line's events, and
//! read in one shot when it is a complete JSON text that validates as it
//! is: a batch answer arrives whole, so nothing needs to stream.
//!
//! The one-shot reading gives a value only where the live call's driver
//! would give the same value with nothing to report: the answer's JSON
//! (the first tool call's arguments, or the text content when there is no
//! tool call) parses as one strict JSON text, fits the schema, deserializes
//! and passes [`Validate`](crate::Validate). Anything else (prose around
//! the JSON, almost-JSON to repair, a value to coerce, one that fails, a
//! union's variant, a stream error) goes through the driver, so errors and
//! coercions are reported exactly as a live call reports them.

use std::any::Any;

use serde_json::Value;
use structream_provider::{Mode, StreamEvent, Usage};

use super::text::Plan;
use crate::schema::{fits, variants};
use crate::{Client, Structured};

/// What a line's events said, in buffers kept from line to line.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    /// The index of the first tool call, whose arguments are the value.
    first_call: Option<u32>,
    args: String,
    content: String,
    /// Something the one-shot reading does not judge (a stream error,
    /// calls out of order).
    unusual: bool,
    usage: Usage,
}

impl Answer {
    /// Forgets the last line (its buffers are kept).
    pub(crate) fn clear(&mut self) {
        self.first_call = None;
        self.args.clear();
        self.content.clear();
        self.unusual = false;
        self.usage = Usage::default();
    }

    /// One event of the line's answer, as the driver would see it.
    pub(crate) fn on_event(&mut self, event: StreamEvent<'_>) {
        if event.choice() != 0 {
            return;
        }
        match event {
            // Text beside tool calls is commentary, not the value.
            StreamEvent::TextDelta { text, .. } if self.first_call.is_none() => {
                self.content.push_str(&text);
            }
            StreamEvent::ToolCallStart { index, .. } => self.call(index),
            StreamEvent::ToolArgsDelta { index, json, .. } => {
                self.call(index);
                if self.first_call == Some(index) {
                    self.args.push_str(&json);
                }
            }
            StreamEvent::Usage(u) => self.usage = u,
            StreamEvent::Error(_) => self.unusual = true,
            _ => {}
        }
    }

    /// The token usage the line reported (one usage record per line).
    pub(crate) fn usage(&self) -> Usage {
        self.usage
    }

    fn call(&mut self, index: u32) {
        match self.first_call {
            None => self.first_call = Some(index),
            // The value is the lowest-numbered call's: read in order only.
            Some(first) if index < first => self.unusual = true,
            Some(_) => {}
        }
    }

    /// The value's JSON text, where the one-shot reading may judge it.
    fn json(&self, root: Root) -> Option<&str> {
        if self.unusual {
            return None;
        }
        if self.first_call.is_some() {
            return Some(&self.args);
        }
        // Text is read leniently, looking for the schema's kind of value:
        // one shot only when the text is that value alone.
        let first = *self.content.trim_start().as_bytes().first()?;
        let fits = match root {
            Root::Object => first == b'{',
            Root::Array => first == b'[',
            Root::Any => first == b'{' || first == b'[',
        };
        fits.then_some(self.content.as_str())
    }
}

/// The kind of value a schema asks for at its root.
#[derive(Debug, Clone, Copy)]
enum Root {
    Object,
    Array,
    Any,
}

/// How a decoder's answers are read in one shot: planned once per
/// decoder, for the client and schema its live calls would use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OneShot {
    root: Root,
}

impl OneShot {
    /// The plan, or `None` where the value is not simply the answer's JSON
    /// (an enum with one tool per variant, whose value is wrapped under the
    /// variant's name).
    pub(crate) fn plan(client: &Client, schema: &Value) -> Option<OneShot> {
        let tools = matches!(client.mode(), Mode::Tools | Mode::ParallelTools);
        if tools && variants(schema).is_some() {
            return None;
        }
        let root = match schema.get("type").and_then(Value::as_str) {
            Some("object") => Root::Object,
            Some("array") => Root::Array,
            _ => Root::Any,
        };
        Some(OneShot { root })
    }

    /// The answer's value as compact JSON text, read in one pass with
    /// `plan` (the schema's), if it validates and prints as it is; `None`
    /// leaves the answer to [`OneShot::read`].
    pub(crate) fn text(
        &self,
        answer: &Answer,
        plan: &Plan,
        scratch: &mut Vec<(u32, u32)>,
    ) -> Option<String> {
        let json = answer.json(self.root)?;
        // The text is never longer than the answer's.
        let mut out = String::with_capacity(json.len());
        plan.write(json, &mut out, scratch).then_some(out)
    }

    /// The answer's value, if it validates as it is; `None` sends the
    /// answer through the driver.
    pub(crate) fn read<T: Structured>(&self, answer: &Answer, schema: &Value) -> Option<T> {
        let json = answer.json(self.root)?;
        let value: Value = serde_json::from_str(json).ok()?;
        if !fits(&value, schema, schema, 0) {
            return None;
        }
        let typed = typed::<T>(value)?;
        typed.validate().ok()?;
        Some(typed)
    }
}

/// `value` as a `T`: moved as it is when `T` is [`Value`] (a schema known
/// at run time), deserialized otherwise.
fn typed<T: Structured>(value: Value) -> Option<T> {
    let boxed: Box<dyn Any> = Box::new(value);
    match boxed.downcast::<T>() {
        Ok(same) => Some(*same),
        Err(boxed) => {
            let value = *boxed.downcast::<Value>().ok()?;
            serde_json::from_value(value).ok()
        }
    }
}
