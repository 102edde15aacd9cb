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
    /// The items of every open array, innermost last. Each array is built
    /// here and moved out in one exact-size allocation when it closes, so
    /// no container grows by doubling.
    items: Vec<Value>,
    /// The members of every open object, innermost last; a key is pushed
    /// with a `Null` placeholder that its value then replaces.
    members: Vec<(String, Value)>,
    /// The key or string being assembled from fragments.
    text: String,
}

/// An open container: where its items or members start.
#[derive(Debug, Clone, Copy)]
struct Frame {
    object: bool,
    /// An object's last member is a key still waiting for its value.
    key_pending: bool,
    start: usize,
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
    #[inline]
    pub fn push(&mut self, event: Event<'_>) -> Option<Value> {
        let value = match event {
            Event::ObjectStart => {
                self.open(true);
                return None;
            }
            Event::ArrayStart => {
                self.open(false);
                return None;
            }
            Event::ObjectEnd => match self.stack.last() {
                Some(&Frame {
                    object: true,
                    start,
                    ..
                }) => {
                    self.stack.pop();
                    Value::Object(self.members.split_off(start))
                }
                _ => return None,
            },
            Event::ArrayEnd => match self.stack.last() {
                Some(&Frame {
                    object: false,
                    start,
                    ..
                }) => {
                    self.stack.pop();
                    Value::Array(self.items.split_off(start))
                }
                _ => return None,
            },
            Event::Key(fragment) => {
                let key = self.assemble(fragment)?;
                if let Some(frame @ Frame { object: true, .. }) = self.stack.last_mut() {
                    frame.key_pending = true;
                    self.members.push((key, Value::Null));
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
            Some(Frame { object: false, .. }) => {
                self.items.push(value);
                None
            }
            Some(frame) => {
                match self.members.last_mut() {
                    // The placeholder is a `Null`, which owns nothing:
                    // forgetting it spares an out-of-line drop call.
                    Some(member) if frame.key_pending => {
                        let placeholder = std::mem::replace(&mut member.1, value);
                        debug_assert!(matches!(placeholder, Value::Null));
                        std::mem::forget(placeholder);
                    }
                    // A value without a key: events that did not come from
                    // one tokenizer.
                    _ => self.members.push((String::new(), value)),
                }
                frame.key_pending = false;
                None
            }
        }
    }

    #[inline]
    fn open(&mut self, object: bool) {
        let start = if object {
            self.members.len()
        } else {
            self.items.len()
        };
        self.stack.push(Frame {
            object,
            key_pending: false,
            start,
        });
    }

    /// Collects a string from its fragments; the whole string at the last one.
    /// A string in one piece (the common case) is copied out directly; this
    /// test is inlined into `push`, the fragments' path is not.
    #[inline(always)]
    fn assemble(&mut self, fragment: crate::Str<'_>) -> Option<String> {
        if fragment.is_whole() {
            return Some(fragment.as_str().to_owned());
        }
        self.assemble_fragment(fragment)
    }

    #[inline(never)]
    fn assemble_fragment(&mut self, fragment: crate::Str<'_>) -> Option<String> {
        if fragment.is_first() {
            self.text.clear();
        }
        self.text.push_str(fragment.as_str());
        // Copy out at the exact size and keep the buffer for the next
        // string, rather than hand the buffer out and regrow a new one.
        fragment.is_last().then(|| self.text.as_str().to_owned())
    }
}
