//! The `call` field of `structream sse`: a tool call's ordinal among its
//! choice's tool calls (0, 1, …), the same for every protocol, beside the
//! provider's own `index` (a content block index for Anthropic, an output
//! index for the Responses API, which count text and reasoning blocks too).

/// Numbers the tool calls of a stream per choice, in the order they start.
#[derive(Debug, Default)]
pub(crate) struct CallOrdinals {
    /// (choice, provider index, ordinal) of every call seen.
    seen: Vec<(u32, u32, u32)>,
}

impl CallOrdinals {
    /// The ordinal of the call with the provider's `index` in `choice`,
    /// numbering it if it is new.
    pub(crate) fn ordinal(&mut self, choice: u32, index: u32) -> u32 {
        if let Some(&(_, _, call)) = self
            .seen
            .iter()
            .find(|(c, i, _)| *c == choice && *i == index)
        {
            return call;
        }
        let call = self.seen.iter().filter(|(c, _, _)| *c == choice).count() as u32;
        self.seen.push((choice, index, call));
        call
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_numbered_per_choice_in_order_of_start() {
        let mut o = CallOrdinals::default();
        assert_eq!(o.ordinal(0, 1), 0);
        assert_eq!(o.ordinal(0, 3), 1);
        assert_eq!(o.ordinal(1, 3), 0);
        assert_eq!(o.ordinal(0, 1), 0);
        assert_eq!(o.ordinal(0, 0), 2);
        assert_eq!(o.ordinal(1, 0), 1);
    }
}
