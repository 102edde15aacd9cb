//! `structream sse --partial` and `--items`: one [`Channel`] (a document
//! with its lifecycle) per JSON channel of a provider stream (each tool
//! call's arguments, each choice's text), printed the way `partial` and
//! `items` print a single document.
//!
//! Lines of the first channel to print are bare; lines of any other channel
//! are wrapped (`{"index":N,"value":…}` for a tool call, `{"choice":C,
//! "value":…}` for a choice's text), so a stream with one JSON channel
//! prints exactly what `structream partial` / `items` print of it. `--wrap`
//! wraps every line.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use structream_parser::document::{Changes, Options};
use structream_provider::channel::{AfterEnd, Channel, EmptyArguments, Failure, Kind, Rules};

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

/// How the command line reads a channel: a tool call with no argument text
/// takes no arguments (`{}`, as every provider means it); a choice's text
/// after its end is ignored, as lenient input ignores what follows the
/// value, and a tool call's arguments after its end are an error.
fn rules() -> Rules {
    Rules::default()
        .empty_arguments(EmptyArguments::Object)
        .after_end(AfterEnd::Refused)
}

/// Where the lines go: bare for the first channel to print, wrapped for the
/// others (or for all, with `--wrap`).
struct Lines<W: Write> {
    view: View,
    wrap_all: bool,
    out: W,
    /// The channel whose lines are bare (the first to print one).
    bare: Option<JsonChannel>,
    write_error: Option<io::Error>,
}

impl<W: Write> Lines<W> {
    /// Prints what `changes` of channel `key` show; a fragment that holds
    /// an error prints what its valid part changed, as a finer chunking
    /// would have.
    fn print(&mut self, key: JsonChannel, changes: &Changes<'_>) {
        let Lines {
            view,
            wrap_all,
            out,
            bare,
            write_error,
        } = self;
        if write_error.is_some() {
            return;
        }
        let mut line = |value: &dyn fmt::Display| {
            let wrap = *wrap_all || *bare.get_or_insert(key) != key;
            write_line(out, wrap.then_some(key), value)
        };
        if let Err(e) = view.lines(changes, &mut line) {
            *write_error = Some(e);
        }
    }
}

/// The [`FragmentSink`] of `--partial` / `--items`: see the module docs.
pub(crate) struct Channels<W: Write> {
    options: Options,
    lines: Lines<W>,
    channels: Vec<(JsonChannel, Channel)>,
    by_key: HashMap<JsonChannel, usize>,
}

impl<W: Write> Channels<W> {
    /// A sink printing `view` of documents built with `options` to `out`.
    pub(crate) fn new(view: View, options: Options, wrap_all: bool, out: W) -> Self {
        Channels {
            options,
            lines: Lines {
                view,
                wrap_all,
                out,
                bare: None,
                write_error: None,
            },
            channels: Vec::new(),
            by_key: HashMap::new(),
        }
    }

    /// The output, to flush between input chunks.
    pub(crate) fn out(&mut self) -> &mut W {
        &mut self.lines.out
    }

    /// A write to the output failed (a closed pipe, usually).
    pub(crate) fn write_failed(&self) -> bool {
        self.lines.write_error.is_some()
    }

    fn channel(&mut self, key: JsonChannel) -> usize {
        if let Some(&i) = self.by_key.get(&key) {
            return i;
        }
        // Tool arguments are JSON by contract; a choice's text may wrap its
        // JSON in prose, fences or reasoning.
        let kind = match key {
            JsonChannel::Content { .. } => Kind::Text,
            JsonChannel::ToolArguments { .. } => Kind::Arguments,
        };
        let channel = Channel::new(kind, self.options.clone(), rules());
        self.channels.push((key, channel));
        self.by_key.insert(key, self.channels.len() - 1);
        self.channels.len() - 1
    }

    /// Ends every channel still open (the stream ended) and returns the
    /// problems to report: one message per channel whose JSON was invalid
    /// or incomplete, or one saying the stream had no JSON at all.
    pub(crate) fn finish(&mut self) -> Vec<String> {
        for i in 0..self.channels.len() {
            if self.channels[i].1.is_open() {
                self.finish_channel(i);
            }
        }
        let mut problems: Vec<String> = self
            .channels
            .iter()
            .filter_map(|(key, ch)| Some(format!("{}: {}", name(*key), message(ch.failure()?))))
            .collect();
        if problems.is_empty() && self.channels.iter().all(|(_, ch)| ch.is_prose()) {
            problems.push(
                "no JSON in the stream: no tool call arguments, and no JSON value in the text"
                    .to_string(),
            );
        }
        problems
    }

    /// Ends channel `i` and prints what its end changed.
    fn finish_channel(&mut self, i: usize) {
        let (key, ch) = &mut self.channels[i];
        let lines = &mut self.lines;
        // Its failure, if any, is reported by `finish`.
        let _ = ch.finish(|changes| lines.print(*key, &changes));
    }
}

impl<W: Write> FragmentSink for Channels<W> {
    fn fragment(&mut self, key: JsonChannel, text: &str) {
        let i = self.channel(key);
        let ch = &mut self.channels[i].1;
        match ch.feed(text) {
            Some(Ok(changes)) => self.lines.print(key, &changes),
            Some(Err(_)) => self.lines.print(key, &ch.changes()),
            None => {}
        }
    }

    fn end(&mut self, key: JsonChannel) {
        // A choice that had no text has no channel; a tool call with no
        // arguments has one (its arguments are `{}`).
        if matches!(key, JsonChannel::Content { .. }) && !self.by_key.contains_key(&key) {
            return;
        }
        let i = self.channel(key);
        if self.channels[i].1.is_open() {
            self.finish_channel(i);
        }
    }
}

/// How a channel's failure is worded: a parse error as every subcommand
/// words it.
fn message(failure: Failure) -> String {
    match failure {
        Failure::Invalid(e) | Failure::Incomplete(e) => report::describe(&e),
        other => other.to_string(),
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
        (String::from_utf8(sink.lines.out).unwrap(), problems)
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
