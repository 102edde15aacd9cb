//! Tool calls numbered the same way for every protocol.
//!
//! The `index` of a tool-call event is the provider's own: OpenAI numbers
//! the calls, but an Anthropic content block index and a Responses
//! `output_index` count text and reasoning blocks too, so a call after a
//! text block has index 1. [`CallOrdinals`] gives each call its ordinal
//! among its choice's tool calls instead (0, 1, … in the order the calls
//! start), which is what the command line's `call` field and the Python
//! bindings' `call` key carry.

use std::collections::HashMap;

use crate::event::StreamEvent;

/// Numbers the tool calls of one stream per choice, in the order they
/// start. Memory grows with the number of calls, and each lookup is O(1).
///
/// ```
/// use std::borrow::Cow;
/// use structream_provider::{CallOrdinals, StreamEvent};
///
/// let mut calls = CallOrdinals::new();
/// // An Anthropic tool_use block after a text block: index 1, call 0.
/// let start = StreamEvent::ToolCallStart {
///     choice: 0,
///     index: 1,
///     id: None,
///     name: Cow::Borrowed("get_weather"),
/// };
/// assert_eq!(calls.of_event(&start), Some(0));
/// assert_eq!(calls.ordinal(0, 3), 1);
/// assert_eq!(calls.of_event(&StreamEvent::ToolCallEnd { choice: 0, index: 1 }), Some(0));
/// let text = StreamEvent::TextDelta { choice: 0, text: Cow::Borrowed("hi") };
/// assert_eq!(calls.of_event(&text), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CallOrdinals {
    /// (choice, provider index) → ordinal.
    known: HashMap<(u32, u32), u32>,
    /// The number of calls seen per choice.
    per_choice: HashMap<u32, u32>,
}

impl CallOrdinals {
    /// No call seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The ordinal of the call with the provider's `index` in `choice`; a
    /// call not seen before gets the choice's next ordinal.
    pub fn ordinal(&mut self, choice: u32, index: u32) -> u32 {
        let per_choice = &mut self.per_choice;
        *self.known.entry((choice, index)).or_insert_with(|| {
            let next = per_choice.entry(choice).or_insert(0);
            *next += 1;
            *next - 1
        })
    }

    /// The ordinal of the call a tool-call event (start, arguments, end)
    /// belongs to; `None` for every other event.
    pub fn of_event(&mut self, event: &StreamEvent<'_>) -> Option<u32> {
        match event {
            StreamEvent::ToolCallStart { choice, index, .. }
            | StreamEvent::ToolArgsDelta { choice, index, .. }
            | StreamEvent::ToolCallEnd { choice, index } => Some(self.ordinal(*choice, *index)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_numbered_per_choice_in_order_of_start() {
        let mut o = CallOrdinals::new();
        assert_eq!(o.ordinal(0, 1), 0);
        assert_eq!(o.ordinal(0, 3), 1);
        assert_eq!(o.ordinal(1, 3), 0);
        assert_eq!(o.ordinal(0, 1), 0);
        assert_eq!(o.ordinal(0, 0), 2);
        assert_eq!(o.ordinal(1, 0), 1);
        assert_eq!(o.ordinal(1, 3), 0);
    }

    #[test]
    fn only_tool_call_events_have_a_call() {
        let mut o = CallOrdinals::new();
        let args = StreamEvent::ToolArgsDelta {
            choice: 2,
            index: 7,
            json: "{".into(),
        };
        assert_eq!(o.of_event(&args), Some(0));
        assert_eq!(
            o.of_event(&StreamEvent::ToolCallEnd {
                choice: 2,
                index: 8
            }),
            Some(1)
        );
        let finish = StreamEvent::Finish {
            choice: 2,
            reason: crate::FinishReason::ToolCalls,
            raw: "tool_calls".into(),
        };
        assert_eq!(o.of_event(&finish), None);
        assert_eq!(o.ordinal(2, 9), 2);
    }
}
