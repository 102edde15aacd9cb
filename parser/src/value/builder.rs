//! Builds [`Value`]s from events, without recursion.

use super::{RawNumber, Value};
use crate::Event;

/// Assembles [`Event`]s into [`Value`]s.
///
/// Push every event of a document; the call that completes a top-level value
/// returns it. Nesting is handled with an explicit stack, never recursion.
#[derive(Debug, Default)]
pub struct ValueBuilder {
    stack: Vec<Frame>,
    /// The key or string being assembled from fragments.
    text: String,
}

#[derive(Debug)]
enum Frame {
    Array(Vec<Value>),
    Object(Vec<(String, Value)>, Option<String>),
}

impl ValueBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        ValueBuilder::default()
    }

    /// How many containers are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Applies one event; returns the top-level value it completes, if any.
    pub fn push(&mut self, event: Event<'_>) -> Option<Value> {
        let value = match event {
            Event::ObjectStart => {
                self.stack.push(Frame::Object(Vec::new(), None));
                return None;
            }
            Event::ArrayStart => {
                self.stack.push(Frame::Array(Vec::new()));
                return None;
            }
            Event::ObjectEnd => match self.stack.pop() {
                Some(Frame::Object(members, _)) => Value::Object(members),
                other => return self.mismatch(other),
            },
            Event::ArrayEnd => match self.stack.pop() {
                Some(Frame::Array(items)) => Value::Array(items),
                other => return self.mismatch(other),
            },
            Event::Key(fragment) => {
                let key = self.assemble(fragment)?;
                if let Some(Frame::Object(_, pending)) = self.stack.last_mut() {
                    *pending = Some(key);
                }
                return None;
            }
            Event::String(fragment) => Value::String(self.assemble(fragment)?),
            Event::Number(n) => Value::Number(RawNumber::from_ascii(n.as_bytes())),
            Event::Bool(b) => Value::Bool(b),
            Event::Null => Value::Null,
        };
        match self.stack.last_mut() {
            None => Some(value),
            Some(Frame::Array(items)) => {
                items.push(value);
                None
            }
            Some(Frame::Object(members, pending)) => {
                members.push((pending.take().unwrap_or_default(), value));
                None
            }
        }
    }

    /// Collects a string from its fragments; the whole string at the last one.
    #[inline]
    fn assemble(&mut self, fragment: crate::Str<'_>) -> Option<String> {
        if fragment.is_whole() {
            return Some(fragment.as_str().to_owned());
        }
        if fragment.is_first() {
            self.text.clear();
        }
        self.text.push_str(fragment.as_str());
        fragment.is_last().then(|| std::mem::take(&mut self.text))
    }

    /// An end event that does not match the open container: events that did
    /// not come from one tokenizer. Put the frame back and ignore the event.
    #[cold]
    fn mismatch(&mut self, frame: Option<Frame>) -> Option<Value> {
        if let Some(frame) = frame {
            self.stack.push(frame);
        }
        None
    }
}
