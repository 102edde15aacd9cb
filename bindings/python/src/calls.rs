//! The `call` of tool-call events: a call's ordinal among its choice's tool
//! calls (0, 1, …), whatever the provider's own `index` counts (Anthropic
//! and the Responses API count text and reasoning blocks too).

use std::collections::HashMap;

/// Numbers a stream's tool calls per choice, in the order they appear.
#[derive(Debug, Default)]
pub(crate) struct Ordinals {
    /// (choice, provider index) → ordinal.
    known: HashMap<(u32, u32), u32>,
    /// Calls seen per choice.
    per_choice: HashMap<u32, u32>,
}

impl Ordinals {
    /// The ordinal of the call `index` of `choice`; a new call gets the next.
    pub(crate) fn of(&mut self, choice: u32, index: u32) -> u32 {
        let per_choice = &mut self.per_choice;
        *self.known.entry((choice, index)).or_insert_with(|| {
            let next = per_choice.entry(choice).or_insert(0);
            *next += 1;
            *next - 1
        })
    }
}
