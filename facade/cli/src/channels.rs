//! `structream sse --partial` and `--items`: one [`Document`] per JSON
//! channel of a provider stream (each tool call's arguments, each choice's
//! text), printed the way `partial` and `items` print a single document.
//!
//! Lines of the first channel to print are bare; lines of any other channel
//! are wrapped (`{"index":N,"value":…}` for a tool call, `{"choice":C,
//! "value":…}` for a choice's text), so a stream with one JSON channel
//! prints exactly what `structream partial` / `items` print of it. `--wrap`
//! wraps every line.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use structream_parser::document::{Changes, Document, Lenient, Options, Outcome};

use crate::fragments::{FragmentSink, JsonChannel};
use crate::report;
use crate::{items, partial};

/// What is printed of each channel's document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// A snapshot per visible change (`structream partial`).
    Partial,
    /// Each completed item of the selected arrays (`structream items`).
    Items,
}

impl View {
    fn lines(
        self,
        changes: &Changes<'_>,
        line: &mut dyn FnMut(&dyn fmt::Display) -> io::Result<()>,
    ) -> io::Result<()> {
        match self {
            View::Partial => partial::snapshot_lines(changes, line),
            View::Items => items::item_lines(changes, line),
        }
    }
}

/// Where a channel stands.
enum State {
    Open,
    Ended,
    /// Invalid or incomplete JSON; the message.
    Failed(String),
}

struct Channel {
    key: JsonChannel,
    doc: Document,
    state: State,
    /// Whether any non-whitespace text arrived.
    has_text: bool,
}

impl Channel {
    /// A choice's text in which no JSON value started: prose, not an error.
    fn is_prose(&self) -> bool {
        matches!(self.key, JsonChannel::Content { .. })
            && matches!(self.state, State::Ended)
            && self.doc.snapshot().is_none()
    }
}

/// The [`FragmentSink`] of `--partial` / `--items`: see the module docs.
pub(crate) struct Channels<W: Write> {
    view: View,
    options: Options,
    wrap_all: bool,
    out: W,
    channels: Vec<Channel>,
    by_key: HashMap<JsonChannel, usize>,
    /// The channel whose lines are bare (the first to print one).
    bare: Option<JsonChannel>,
    write_error: Option<io::Error>,
}

impl<W: Write> Channels<W> {
    /// A sink printing `view` of documents built with `options` to `out`.
    pub(crate) fn new(view: View, options: Options, wrap_all: bool, out: W) -> Self {
        Channels {
            view,
            options,
            wrap_all,
            out,
            channels: Vec::new(),
            by_key: HashMap::new(),
            bare: None,
            write_error: None,
        }
    }

    /// The output, to flush between input chunks.
    pub(crate) fn out(&mut self) -> &mut W {
        &mut self.out
    }

    /// A write to the output failed (a closed pipe, usually).
    pub(crate) fn write_failed(&self) -> bool {
        self.write_error.is_some()
    }

    fn channel(&mut self, key: JsonChannel) -> usize {
        if let Some(&i) = self.by_key.get(&key) {
            return i;
        }
        // Tool arguments are JSON by contract; a choice's text may wrap its
        // JSON in prose, fences or reasoning.
        let lenient = match key {
            JsonChannel::Content { .. } => match self.options.lenient {
                Lenient::Off => Lenient::Any,
                root => root,
            },
            _ => Lenient::Off,
        };
        let doc = Document::with_options(self.options.clone().lenient(lenient));
        self.channels.push(Channel {
            key,
            doc,
            state: State::Open,
            has_text: false,
        });
        self.by_key.insert(key, self.channels.len() - 1);
        self.channels.len() - 1
    }

    /// Feeds (`Some`) or finishes (`None`) channel `i`'s document and prints
    /// what changed.
    fn apply(&mut self, i: usize, text: Option<&str>) {
        let Channels {
            view,
            wrap_all,
            out,
            channels,
            bare,
            write_error,
            ..
        } = self;
        let ch = &mut channels[i];
        let key = ch.key;
        let mut line = |value: &dyn fmt::Display| {
            let wrap = *wrap_all || *bare.get_or_insert(key) != key;
            write_line(out, wrap.then_some(key), value)
        };
        let result = match text {
            Some(t) => ch.doc.feed(t.as_bytes()),
            None => ch.doc.finish(),
        };
        // A fragment that holds an error prints what its valid part changed
        // first, as a finer chunking would have.
        let (changes, error) = match result {
            Ok(changes) => (changes, None),
            Err(e) => (ch.doc.changes(), Some(e)),
        };
        if write_error.is_none()
            && let Err(e) = view.lines(&changes, &mut line)
        {
            *write_error = Some(e);
        }
        if let Some(e) = error {
            ch.state = State::Failed(report::describe(&e));
            return;
        }
        if text.is_none() {
            let prose = matches!(key, JsonChannel::Content { .. }) && changes.snapshot().is_none();
            ch.state = match changes.outcome() {
                // Text in which no value started is prose, not broken JSON.
                Some(Outcome::Incomplete(_)) if prose => State::Ended,
                Some(Outcome::Incomplete(e)) => State::Failed(report::describe(&e)),
                _ => State::Ended,
            };
        }
    }

    /// Ends every channel still open (the stream ended) and returns the
    /// problems to report: one message per channel whose JSON was invalid
    /// or incomplete, or one saying the stream had no JSON at all.
    pub(crate) fn finish(&mut self) -> Vec<String> {
        for i in 0..self.channels.len() {
            if matches!(self.channels[i].state, State::Open) {
                self.finish_channel(i);
            }
        }
        let mut problems: Vec<String> = self
            .channels
            .iter()
            .filter_map(|ch| match &ch.state {
                State::Failed(message) => Some(format!("{}: {message}", name(ch.key))),
                _ => None,
            })
            .collect();
        if problems.is_empty() && self.channels.iter().all(Channel::is_prose) {
            problems.push(
                "no JSON in the stream: no tool call arguments, and no JSON value in the text"
                    .to_string(),
            );
        }
        problems
    }

    fn finish_channel(&mut self, i: usize) {
        let ch = &mut self.channels[i];
        // A tool call with no argument text takes no arguments: `{}`, as
        // every provider means it.
        if matches!(ch.key, JsonChannel::ToolArguments { .. }) && !ch.has_text {
            ch.has_text = true;
            self.apply(i, Some("{}"));
            if !matches!(self.channels[i].state, State::Open) {
                return;
            }
        }
        self.apply(i, None);
    }
}

impl<W: Write> FragmentSink for Channels<W> {
    fn fragment(&mut self, key: JsonChannel, text: &str) {
        let i = self.channel(key);
        let ch = &mut self.channels[i];
        match ch.state {
            State::Open => {}
            // Text after a choice's value (or after its finish) is ignored,
            // as lenient input ignores what follows the value.
            State::Ended if matches!(key, JsonChannel::Content { .. }) => return,
            State::Ended => {
                ch.state =
                    State::Failed("arguments continued after the tool call ended".to_string());
                return;
            }
            State::Failed(_) => return,
        }
        ch.has_text |= text.bytes().any(|b| !b.is_ascii_whitespace());
        self.apply(i, Some(text));
    }

    fn end(&mut self, key: JsonChannel) {
        // A choice that had no text has no channel; a tool call with no
        // arguments has one (its arguments are `{}`).
        if matches!(key, JsonChannel::Content { .. }) && !self.by_key.contains_key(&key) {
            return;
        }
        let i = self.channel(key);
        if matches!(self.channels[i].state, State::Open) {
            self.finish_channel(i);
        }
    }
}

/// How a channel is named in errors.
fn name(key: JsonChannel) -> String {
    match key {
        JsonChannel::ToolArguments {
            choice: 0, index, ..
        } => format!("tool call {index}"),
        JsonChannel::ToolArguments { choice, index, .. } => {
            format!("tool call {index} of choice {choice}")
        }
        JsonChannel::Content { choice: 0 } => "the text".to_string(),
        JsonChannel::Content { choice } => format!("the text of choice {choice}"),
    }
}

/// One output line: the value, bare or wrapped with its channel.
fn write_line(
    out: &mut impl Write,
    wrap: Option<JsonChannel>,
    value: &dyn fmt::Display,
) -> io::Result<()> {
    match wrap {
        None => writeln!(out, "{value}"),
        Some(JsonChannel::ToolArguments {
            choice: 0,
            index,
            call,
        }) => writeln!(
            out,
            "{{\"index\":{index},\"call\":{call},\"value\":{value}}}"
        ),
        Some(JsonChannel::ToolArguments {
            choice,
            index,
            call,
        }) => writeln!(
            out,
            "{{\"choice\":{choice},\"index\":{index},\"call\":{call},\"value\":{value}}}"
        ),
        Some(JsonChannel::Content { choice }) => {
            writeln!(out, "{{\"choice\":{choice},\"value\":{value}}}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(index: u32) -> JsonChannel {
        // The ordinal differs from the index, as after a text block.
        JsonChannel::ToolArguments {
            choice: 0,
            index,
            call: index.saturating_sub(1),
        }
    }

    fn run(
        view: View,
        wrap_all: bool,
        steps: &[(JsonChannel, Option<&str>)],
    ) -> (String, Vec<String>) {
        let options = match view {
            View::Partial => Options::default(),
            View::Items => Options::default().items("/a".parse().unwrap()),
        };
        let mut sink = Channels::new(view, options, wrap_all, Vec::new());
        for (key, text) in steps {
            match text {
                Some(t) => sink.fragment(*key, t),
                None => sink.end(*key),
            }
        }
        let problems = sink.finish();
        (String::from_utf8(sink.out).unwrap(), problems)
    }

    #[test]
    fn the_first_channel_is_bare_and_the_others_wrapped() {
        let content = JsonChannel::Content { choice: 2 };
        let (out, problems) = run(
            View::Partial,
            false,
            &[
                (tool(0), Some("{\"a\":")),
                (tool(1), Some("{\"b\": tr")),
                (tool(0), Some("1}")),
                (tool(1), Some("ue}")),
                (tool(0), None),
                (tool(1), None),
                (content, Some("Sure: ```json\n[1]\n```")),
                (content, None),
            ],
        );
        assert_eq!(
            out,
            "{}\n{\"index\":1,\"call\":0,\"value\":{}}\n{\"a\":1}\n\
             {\"index\":1,\"call\":0,\"value\":{\"b\":true}}\n\
             {\"choice\":2,\"value\":[1]}\n"
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_fragment_with_an_error_prints_its_items_first() {
        let (out, problems) = run(View::Items, false, &[(tool(0), Some("{\"a\":[1,2,x]}"))]);
        assert_eq!(out, "1\n2\n");
        assert_eq!(
            problems,
            ["tool call 0: expected value at line 1 column 11 (byte 10)"]
        );
    }

    #[test]
    fn wrap_all_wraps_the_first_channel_too() {
        let (out, _) = run(View::Items, true, &[(tool(3), Some("{\"a\":[1,2]}"))]);
        assert_eq!(
            out,
            "{\"index\":3,\"call\":2,\"value\":1}\n{\"index\":3,\"call\":2,\"value\":2}\n"
        );
    }

    #[test]
    fn empty_arguments_are_an_empty_object_and_prose_is_not_json() {
        let text = JsonChannel::Content { choice: 0 };
        let (out, problems) = run(
            View::Partial,
            false,
            &[(text, Some("Let me check.")), (tool(0), None), (text, None)],
        );
        assert_eq!(out, "{}\n");
        assert!(problems.is_empty(), "{problems:?}");
        let (out, problems) = run(View::Partial, false, &[(text, Some("Hello")), (text, None)]);
        assert_eq!(out, "");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("no JSON in the stream"));
    }

    #[test]
    fn invalid_incomplete_and_late_arguments_are_reported_per_channel() {
        let (out, problems) = run(
            View::Partial,
            false,
            &[
                (tool(0), Some("{\"a\": x")),
                (tool(1), Some("{\"b\": [1")),
                (tool(2), Some("{}")),
                (tool(2), None),
                (tool(2), Some(" ")),
            ],
        );
        // Tool call 0 failed in its first feed, after `{"a":` showed `{}`
        // (as `structream partial` prints what a chunk gave before its
        // error), so it is the first to print.
        assert_eq!(
            out,
            "{}\n{\"index\":1,\"call\":0,\"value\":{\"b\":[]}}\n\
             {\"index\":2,\"call\":1,\"value\":{}}\n"
        );
        assert_eq!(
            problems,
            [
                "tool call 0: expected value at line 1 column 7 (byte 6)",
                "tool call 1: EOF while parsing a list at line 1 column 9 (byte 8)",
                "tool call 2: arguments continued after the tool call ended",
            ]
        );
    }
}
