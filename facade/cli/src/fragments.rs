//! The JSON channels of a provider stream (each tool call's arguments, each
//! choice's text) and where their fragments go: `structream sse --partial`
//! and `--items` route every JSON-bearing event to a [`FragmentSink`], one
//! document per channel ([`crate::channels::Channels`]).

use structream_provider::StreamEvent;

/// Which JSON document a fragment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum JsonChannel {
    /// The arguments of a tool call (choice, provider index, ordinal among
    /// the choice's calls).
    ToolArguments { choice: u32, index: u32, call: u32 },
    /// The text content of a choice (JSON in the JSON modes).
    Content { choice: u32 },
}

/// Where the JSON fragments of a stream go, in order, exactly as they
/// arrive: `--partial` / `--items` feed each channel's fragments to the
/// parser and print its output ([`Channels`](crate::channels::Channels)).
pub(crate) trait FragmentSink {
    /// A piece of the channel's JSON text.
    fn fragment(&mut self, channel: JsonChannel, text: &str);
    /// The channel's document is complete (tool call end, or finish).
    fn end(&mut self, channel: JsonChannel);
}

/// Routes the JSON-bearing events of a stream to a [`FragmentSink`]: the one
/// function `--partial` / `--items` plug into. `call` is the ordinal of a
/// tool call event's call.
pub(crate) fn route_fragments(
    event: &StreamEvent<'_>,
    call: Option<u32>,
    sink: &mut dyn FragmentSink,
) {
    let call = call.unwrap_or(0);
    match event {
        StreamEvent::ToolArgsDelta {
            choice,
            index,
            json,
        } => sink.fragment(
            JsonChannel::ToolArguments {
                choice: *choice,
                index: *index,
                call,
            },
            json,
        ),
        StreamEvent::ToolCallEnd { choice, index } => sink.end(JsonChannel::ToolArguments {
            choice: *choice,
            index: *index,
            call,
        }),
        StreamEvent::TextDelta { choice, text } => {
            sink.fragment(JsonChannel::Content { choice: *choice }, text)
        }
        StreamEvent::Finish { choice, .. } => sink.end(JsonChannel::Content { choice: *choice }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn fragments_are_routed_per_channel() {
        #[derive(Default)]
        struct Collect(Vec<(JsonChannel, Option<String>)>);
        impl FragmentSink for Collect {
            fn fragment(&mut self, c: JsonChannel, t: &str) {
                self.0.push((c, Some(t.to_string())));
            }
            fn end(&mut self, c: JsonChannel) {
                self.0.push((c, None));
            }
        }
        let mut c = Collect::default();
        let tool = JsonChannel::ToolArguments {
            choice: 0,
            index: 3,
            call: 1,
        };
        route_fragments(
            &StreamEvent::ToolArgsDelta {
                choice: 0,
                index: 3,
                json: Cow::Borrowed("{\"a\""),
            },
            Some(1),
            &mut c,
        );
        route_fragments(
            &StreamEvent::ToolCallEnd {
                choice: 0,
                index: 3,
            },
            Some(1),
            &mut c,
        );
        assert_eq!(c.0, [(tool, Some("{\"a\"".to_string())), (tool, None)]);
    }
}
