//! Responses API stream decoding.
//!
//! Every frame is a JSON object whose `type` names the event (the SSE
//! `event:` line repeats it; the payload is what counts, so captures without
//! the event lines decode the same). Handled:
//!
//! * `response.output_item.added` of a `function_call` item: a tool call
//!   starts; its index is the item's `output_index`, its id the `call_id`;
//! * `response.function_call_arguments.delta` / `.done`: argument pieces and
//!   the call's end (a call whose arguments came only in `.done` or in
//!   `output_item.done` gets them as one piece);
//! * `response.output_text.delta`, `response.refusal.delta`,
//!   `response.reasoning_summary_text.delta`, `response.reasoning_text.delta`;
//! * `response.completed` / `response.incomplete` (finish reason from
//!   `incomplete_details.reason`) with the usage; `response.failed` and
//!   `error` events as errors.
//!
//! * `response.output_item.done` of an item of a tool the server runs
//!   (`web_search_call`, `file_search_call`, `code_interpreter_call`,
//!   `image_generation_call`, `mcp_call`): a [`StreamEvent::ServerTool`]
//!   named by the item's type without `_call` (an MCP call by its tool's
//!   name), with its input: the web search's `action`, the file search's
//!   `{"queries"}`, the code interpreter's `{"code"}`, the MCP call's
//!   `arguments`.
//!
//! Other events (built-in tool progress, annotations, part boundaries …) are
//! skipped on purpose: they carry nothing a structured call consumes.
//!
//! Each frame is read with the [`Envelope`] reader into an `Event` of
//! ranges; a `response.completed` frame's whole `response` object (the
//! output again) is skipped but for its usage and `incomplete_details`.

use std::borrow::Cow;

use structream_provider::envelope::{Envelope, ReadError, Reader, Strings, Text, Token};
use structream_provider::provider::{FrameHandler, Sink, after_end, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

use super::usage::read_usage;
use crate::error::error_event;

/// The fields of one frame that the decoder routes.
#[derive(Debug, Default, Clone, Copy)]
struct Event {
    kind: Text,
    output_index: Option<u32>,
    /// Text for the text and argument events (other events put objects
    /// here, read as `None`).
    delta: Option<Text>,
    /// Where `delta`, when a string, lies in the frame (raw).
    delta_span: (usize, usize),
    arguments: Option<Text>,
    item: Option<Item>,
    response: Option<Response>,
}

/// The frames that carry one fragment, `delta`.
const DELTAS: [&str; 5] = [
    "response.function_call_arguments.delta",
    "response.output_text.delta",
    "response.refusal.delta",
    "response.reasoning_summary_text.delta",
    "response.reasoning_text.delta",
];

/// A frame that carries one fragment and nothing else: the next frame that
/// differs from it only in the fragment or in what the decoder skips
/// (`sequence_number`, `obfuscation`, …; [`Envelope::refill`]) is handled
/// as a delta of the same kind and output.
#[derive(Debug, Clone, Copy)]
struct Plain {
    kind: &'static str,
    index: u32,
}

impl Plain {
    /// The fragment `ev` carries, and where it lies, if that is all.
    fn of(ev: &Event, strings: Strings<'_>) -> Option<(Plain, std::ops::Range<usize>)> {
        let kind = strings.get(ev.kind);
        let kind = DELTAS.into_iter().find(|k| *k == kind)?;
        if ev.delta.is_none()
            || ev.arguments.is_some()
            || ev.item.is_some()
            || ev.response.is_some()
        {
            return None;
        }
        let plain = Plain {
            kind,
            index: ev.output_index.unwrap_or(0),
        };
        Some((plain, ev.delta_span.0..ev.delta_span.1))
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Item {
    kind: Text,
    id: Option<Text>,
    call_id: Option<Text>,
    name: Option<Text>,
    /// A JSON text for `function_call` and `mcp_call` items (other items
    /// put objects here, read as `None`).
    arguments: Option<Text>,
    /// A `web_search_call`'s `action` (start and end of its JSON).
    action: Option<(usize, usize)>,
    /// A `file_search_call`'s `queries` (start and end of its JSON).
    queries: Option<(usize, usize)>,
    /// A `code_interpreter_call`'s `code`.
    code: Option<Text>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Response {
    usage: Option<Usage>,
    /// `incomplete_details.reason`.
    incomplete_reason: Option<Text>,
}

const STRING: &str = "a string";

/// A string; any other JSON value reads as `None`.
fn maybe_str(r: &mut Reader<'_, '_>, value: Token) -> Result<Option<Text>, ReadError> {
    match value {
        Token::String(t) => Ok(Some(t)),
        other => r.skip(other).map(|()| None),
    }
}

/// The `type` every object here must have.
fn kind(r: &mut Reader<'_, '_>, value: Token, out: &mut Option<Text>) -> Result<(), ReadError> {
    match value {
        Token::String(t) => {
            *out = Some(t);
            Ok(())
        }
        other => Err(r.mismatch(other, STRING)),
    }
}

fn read_event(r: &mut Reader<'_, '_>) -> Result<Event, ReadError> {
    let mut ev = Event::default();
    let mut ev_kind = None;
    let first = r.token()?;
    r.object(
        first,
        &[
            "type",
            "output_index",
            "delta",
            "arguments",
            "item",
            "response",
        ],
        |r, key, value| match key {
            "type" => kind(r, value, &mut ev_kind),
            "output_index" => r
                .unsigned(value, u32::MAX.into())
                .map(|v| ev.output_index = v.map(|i| i as u32)),
            "delta" => {
                ev.delta = maybe_str(r, value)?;
                let span = r.last_string();
                ev.delta_span = (span.start, span.end);
                Ok(())
            }
            "arguments" => maybe_str(r, value).map(|v| ev.arguments = v),
            "item" => read_item(r, value).map(|v| ev.item = v),
            "response" => read_response(r, value).map(|v| ev.response = v),
            _ => r.skip(value),
        },
    )?;
    ev.kind = ev_kind.ok_or_else(|| r.missing("type"))?;
    Ok(ev)
}

fn read_item(r: &mut Reader<'_, '_>, first: Token) -> Result<Option<Item>, ReadError> {
    if first == Token::Null {
        return Ok(None);
    }
    let mut item = Item::default();
    let mut item_kind = None;
    r.object(
        first,
        &[
            "type",
            "id",
            "call_id",
            "name",
            "arguments",
            "action",
            "queries",
            "code",
        ],
        |r, key, value| match key {
            "type" => kind(r, value, &mut item_kind),
            "id" => maybe_str(r, value).map(|v| item.id = v),
            "action" | "queries" if value != Token::Null => {
                let raw = r.skip_raw(value)?;
                let raw = Some((raw.start, raw.end));
                if key == "action" {
                    item.action = raw;
                } else {
                    item.queries = raw;
                }
                Ok(())
            }
            "code" => maybe_str(r, value).map(|v| item.code = v),
            "call_id" => r.string(value, STRING).map(|v| item.call_id = v),
            "name" => r.string(value, STRING).map(|v| item.name = v),
            "arguments" => maybe_str(r, value).map(|v| item.arguments = v),
            _ => r.skip(value),
        },
    )?;
    item.kind = item_kind.ok_or_else(|| r.missing("type"))?;
    Ok(Some(item))
}

fn read_response(r: &mut Reader<'_, '_>, first: Token) -> Result<Option<Response>, ReadError> {
    if first == Token::Null {
        return Ok(None);
    }
    let mut response = Response::default();
    r.object(
        first,
        &["usage", "incomplete_details"],
        |r, key, value| match key {
            "usage" => read_usage(r, value).map(|v| response.usage = v),
            "incomplete_details" if value != Token::Null => {
                r.object(value, &["reason"], |r, key, value| match key {
                    "reason" => r
                        .string(value, STRING)
                        .map(|v| response.incomplete_reason = v),
                    _ => r.skip(value),
                })
            }
            "incomplete_details" => {
                response.incomplete_reason = None;
                Ok(())
            }
            _ => r.skip(value),
        },
    )?;
    Ok(Some(response))
}

#[derive(Debug)]
struct Call {
    index: u32,
    args_seen: bool,
    ended: bool,
}

/// Decodes Responses API frames; use it through
/// [`ResponsesDecoder`](crate::ResponsesDecoder).
#[derive(Debug)]
pub struct ResponsesHandler {
    envelope: Envelope,
    state: State,
    /// What the remembered frame said, when the envelope remembers one.
    plain: Option<Plain>,
}

impl Default for ResponsesHandler {
    fn default() -> Self {
        ResponsesHandler {
            // Every frame has its `sequence_number`, most their random
            // `obfuscation`.
            envelope: Envelope::new().skipped_may_vary(),
            state: State::default(),
            plain: None,
        }
    }
}

/// What the stream has said so far.
#[derive(Debug, Default)]
struct State {
    calls: Vec<Call>,
    terminal: bool,
}

impl State {
    fn call(&mut self, index: u32) -> Option<&mut Call> {
        self.calls.iter_mut().find(|c| c.index == index)
    }

    fn end_call(&mut self, index: u32, arguments: Option<Cow<'_, str>>, sink: &mut Sink<'_>) {
        let Some(call) = self.call(index) else { return };
        if call.ended {
            return;
        }
        if !call.args_seen
            && let Some(a) = arguments.filter(|a| !a.is_empty())
        {
            call.args_seen = true;
            sink(StreamEvent::ToolArgsDelta {
                choice: 0,
                index,
                json: a,
            });
        }
        call.ended = true;
        sink(StreamEvent::ToolCallEnd { choice: 0, index });
    }

    fn end_all(&mut self, sink: &mut Sink<'_>) {
        let open: Vec<u32> = self
            .calls
            .iter()
            .filter(|c| !c.ended)
            .map(|c| c.index)
            .collect();
        for i in open {
            self.end_call(i, None, sink);
        }
    }
}

impl FrameHandler for ResponsesHandler {
    fn frame(&mut self, frame: &SseEvent<'_>, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        let data = frame.data();
        if data.trim_ascii() == b"[DONE]" {
            return Ok(());
        }
        let state = &mut self.state;
        if let Some(plain) = self.plain.filter(|_| !state.terminal)
            && let Some((text, strings)) = self.envelope.refill(data)
        {
            let delta = Some(strings.cow(text));
            return state.delta(plain.kind, plain.index, delta, frame.offset(), sink);
        }
        let (ev, strings) = self.envelope.read(data, frame.offset(), read_event)?;
        let plain = Plain::of(&ev, strings);
        state.frame(&ev, strings, frame, sink)?;
        self.plain = plain.map(|(plain, hole)| {
            self.envelope.remember(data, hole);
            plain
        });
        Ok(())
    }

    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.state.end(position, sink)
    }
}

impl State {
    /// A frame of one of the [`DELTAS`] kinds for output `index`.
    fn delta(
        &mut self,
        kind: &str,
        index: u32,
        delta: Option<Cow<'_, str>>,
        at: u64,
        sink: &mut Sink<'_>,
    ) -> Result<(), DecodeError> {
        let delta = delta.filter(|d| !d.is_empty());
        match kind {
            "response.function_call_arguments.delta" => {
                let Some(call) = self.call(index) else {
                    return Err(DecodeError::shape(
                        format!("arguments for output_index {index}, which is no function call"),
                        at,
                    ));
                };
                if let Some(json) = delta
                    && !call.ended
                {
                    call.args_seen = true;
                    sink(StreamEvent::ToolArgsDelta {
                        choice: 0,
                        index,
                        json,
                    });
                }
            }
            "response.output_text.delta" => {
                if let Some(text) = delta {
                    sink(StreamEvent::TextDelta { choice: 0, text });
                }
            }
            "response.refusal.delta" => {
                if let Some(text) = delta {
                    sink(StreamEvent::Refusal { choice: 0, text });
                }
            }
            _ => {
                if let Some(text) = delta {
                    sink(StreamEvent::ReasoningDelta { choice: 0, text });
                }
            }
        }
        Ok(())
    }

    /// Handles a frame read into `ev`.
    fn frame(
        &mut self,
        ev: &Event,
        strings: Strings<'_>,
        frame: &SseEvent<'_>,
        sink: &mut Sink<'_>,
    ) -> Result<(), DecodeError> {
        let data = frame.data();
        let text = |t: Option<Text>| t.map(|t| strings.cow(t));
        let ev_kind = strings.get(ev.kind);
        if self.terminal {
            return after_end(ev_kind == "response.created", "response", frame.offset());
        }
        let index = ev.output_index.unwrap_or(0);
        match ev_kind {
            "response.output_item.added" => {
                if let Some(item) = ev.item
                    && strings.get(item.kind) == "function_call"
                {
                    let name = text(item.name).filter(|n| !n.is_empty()).ok_or_else(|| {
                        DecodeError::shape("function_call item without a name", frame.offset())
                    })?;
                    if self.call(index).is_some() {
                        return Err(DecodeError::shape(
                            format!("a second item at output_index {index}"),
                            frame.offset(),
                        ));
                    }
                    self.calls.push(Call {
                        index,
                        args_seen: false,
                        ended: false,
                    });
                    sink(StreamEvent::ToolCallStart {
                        choice: 0,
                        index,
                        id: text(item.call_id),
                        name,
                    });
                }
            }
            kind if DELTAS.contains(&kind) => {
                self.delta(kind, index, text(ev.delta), frame.offset(), sink)?;
            }
            "response.function_call_arguments.done" => {
                self.end_call(index, text(ev.arguments), sink);
            }
            "response.output_item.done" => {
                if let Some(item) = ev.item {
                    match strings.get(item.kind) {
                        "function_call" => self.end_call(index, text(item.arguments), sink),
                        kind @ ("web_search_call"
                        | "file_search_call"
                        | "code_interpreter_call"
                        | "image_generation_call"
                        | "mcp_call") => server_tool(index, kind, &item, strings, sink),
                        _ => {}
                    }
                }
            }
            "response.completed" | "response.incomplete" => {
                self.end_all(sink);
                self.terminal = true;
                let response = ev.response;
                let (reason, raw) = if ev_kind == "response.completed" {
                    if self.calls.is_empty() {
                        (FinishReason::Stop, Cow::Borrowed("completed"))
                    } else {
                        (FinishReason::ToolCalls, Cow::Borrowed("completed"))
                    }
                } else {
                    let raw = text(response.and_then(|r| r.incomplete_reason))
                        .unwrap_or(Cow::Borrowed("incomplete"));
                    let reason = match &*raw {
                        "content_filter" => FinishReason::ContentFilter,
                        "max_output_tokens" | "incomplete" => FinishReason::Length,
                        _ => FinishReason::Other,
                    };
                    (reason, raw)
                };
                sink(StreamEvent::Finish {
                    choice: 0,
                    reason,
                    raw,
                });
                if let Some(u) = response.and_then(|r| r.usage) {
                    sink(StreamEvent::Usage(u));
                }
            }
            "response.failed" | "error" => {
                self.terminal = true;
                let v: serde_json::Value = parse_json(data, frame.offset())?;
                sink(StreamEvent::Error(error_event(&v)));
            }
            _ => {}
        }
        Ok(())
    }

    /// The body ended after `position` bytes.
    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if self.terminal {
            return Ok(());
        }
        self.end_all(sink);
        Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
    }
}

/// The [`StreamEvent::ServerTool`] of a finished item of a tool the server
/// ran (`kind`, its type).
fn server_tool(index: u32, kind: &str, item: &Item, strings: Strings<'_>, sink: &mut Sink<'_>) {
    let raw = |r: Option<(usize, usize)>| r.map(|(a, b)| strings.slice(a..b));
    let input = match kind {
        "web_search_call" => raw(item.action).map(Cow::Borrowed),
        "file_search_call" => raw(item.queries).map(|q| Cow::Owned(format!("{{\"queries\":{q}}}"))),
        "code_interpreter_call" => item
            .code
            .map(|c| Cow::Owned(serde_json::json!({ "code": strings.get(c) }).to_string())),
        "mcp_call" => item.arguments.map(|a| strings.cow(a)),
        _ => None,
    };
    let name = match (kind, item.name) {
        ("mcp_call", Some(n)) if !strings.get(n).is_empty() => strings.cow(n),
        _ => Cow::Borrowed(kind.strip_suffix("_call").unwrap_or(kind)),
    };
    sink(StreamEvent::server_tool(
        index,
        item.id.map(|i| strings.cow(i)),
        name,
        input,
    ));
}

#[cfg(test)]
mod tests {
    use structream_provider::conformance::check_shortcuts;
    use structream_provider::sse::SseEvent;

    use super::*;

    /// Whether `h` reads `frame` through the remembered frame.
    fn shortcut(h: &mut ResponsesHandler, frame: &SseEvent<'_>) -> bool {
        h.plain.is_some() && !h.state.terminal && h.envelope.refill(frame.data()).is_some()
    }

    #[test]
    fn frames_like_the_one_before_are_read_through_it_with_the_same_events() {
        let seq = std::cell::Cell::new(0);
        let frame = |json: String| {
            seq.set(seq.get() + 1);
            let json = json.replacen('{', &format!("{{\"sequence_number\":{},", seq.get()), 1);
            format!("event: x\ndata: {json}\n\n")
        };
        let delta = |kind: &str, index: u32, text: &str| {
            let pad = "p".repeat(seq.get() % 5);
            frame(format!(
                r#"{{"type":"response.{kind}.delta","item_id":"fc_1","output_index":{index},"delta":{text},"obfuscation":"{pad}"}}"#
            ))
        };
        let body = [
            frame(r#"{"type":"response.created","response":{}}"#.into()),
            delta("output_text", 0, r#""Hi""#),
            delta("output_text", 0, r#"" \"you\"""#),
            frame(
                r#"{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"c","name":"f","arguments":""}}"#
                    .into(),
            ),
            delta("function_call_arguments", 1, r#""{\"a\"""#),
            delta("function_call_arguments", 1, r#"":1}""#),
            // No call at output 2: an error, read through or in full.
            delta("function_call_arguments", 2, r#""x""#),
            delta("function_call_arguments", 2, r#""y""#),
            frame(r#"{"type":"response.completed","response":{}}"#.into()),
            delta("output_text", 0, r#""late""#),
        ]
        .concat();
        let events = check_shortcuts(
            body.as_bytes(),
            shortcut,
            &[
                false, false, true, false, false, true, false, false, false, false,
            ],
        );
        assert!(
            events[2]
                .as_ref()
                .is_ok_and(|e| e[0].contains(r#" \"you\""#)),
            "{events:?}"
        );
        assert!(
            events[5].as_ref().is_ok_and(|e| e[0].contains(r#":1}"#)),
            "{events:?}"
        );
        assert!(events[6].is_err() && events[7].is_err(), "{events:?}");
        // After the end, ignored either way.
        assert_eq!(events[9], Ok(vec![]));
    }
}
