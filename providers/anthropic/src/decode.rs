//! Messages API stream decoding.
//!
//! Frames (`event:` + `data:`; the payload's `type` is what counts, so
//! captures without the event lines decode the same):
//!
//! * `message_start`: input tokens (and cache reads) of the usage;
//! * `content_block_start` / `_delta` / `_stop` per content block `index`:
//!   `text` (`text_delta`), `tool_use` (`input_json_delta` pieces of the
//!   arguments; the block index is the tool call's index), `thinking`
//!   (`thinking_delta`), `redacted_thinking` (opaque data);
//! * `message_delta`: `stop_reason` (the finish) and the output tokens so
//!   far; `message_stop`: the end, where the usage is reported;
//! * `ping`: nothing; `error`: the provider's error.
//!
//! Tools the server runs (`server_tool_use`, `mcp_tool_use` blocks) are
//! reported as one [`StreamEvent::ServerTool`] when their block stops, with
//! the input their `input_json_delta`s (or the start's `input`) made.
//!
//! Skipped on purpose: the results of server-side tools
//! (`web_search_tool_result` …: what the model makes of them reaches the
//! text), `signature_delta`,
//! `citations_delta`, `compaction_delta`, and unknown event types.
//!
//! Each frame is read with the [`Envelope`] reader into a `Frame` of
//! ranges; the events borrow the frame's data (or the envelope's scratch
//! buffer for text that had escapes).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

use structream_provider::envelope::{Envelope, ReadError, Reader, Strings, Text, Token};
use structream_provider::provider::{FrameHandler, Sink, after_end, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

use crate::error::error_event;

/// The fields of one frame that the decoder routes.
#[derive(Debug, Default, Clone)]
struct Frame {
    kind: Text,
    index: Option<u32>,
    block: Option<Block>,
    delta: Option<Delta>,
    /// `message.usage`.
    message_usage: Option<RawUsage>,
    usage: Option<RawUsage>,
}

#[derive(Debug, Default, Clone)]
struct Block {
    kind: Text,
    id: Option<Text>,
    name: Option<Text>,
    text: Option<Text>,
    thinking: Option<Text>,
    data: Option<Text>,
    /// The bytes of `input`, when it is not `null`.
    input: Option<Range<usize>>,
}

#[derive(Debug, Default, Clone)]
struct Delta {
    kind: Option<Text>,
    text: Option<Text>,
    partial_json: Option<Text>,
    thinking: Option<Text>,
    stop_reason: Option<Text>,
    /// Where the last of `text`, `partial_json` and `thinking` read lies
    /// in the frame (raw).
    span: Range<usize>,
}

/// The fragment fields of a delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Text,
    PartialJson,
    Thinking,
}

/// A `content_block_delta` frame that carries one fragment and nothing
/// else: the next frame that differs from it only in the fragment
/// ([`Envelope::refill`]) is handled as a delta of the same block, kind
/// and field.
#[derive(Debug, Clone, Copy)]
struct Plain {
    index: u32,
    kind: &'static str,
    piece: Piece,
}

impl Plain {
    /// The one fragment `ev` carries, and where it lies, if that is all.
    fn of(ev: &Frame, strings: Strings<'_>) -> Option<(Plain, Range<usize>)> {
        let delta = ev.delta.as_ref()?;
        if strings.get(ev.kind) != "content_block_delta"
            || ev.block.is_some()
            || ev.message_usage.is_some()
            || ev.usage.is_some()
            || delta.stop_reason.is_some()
        {
            return None;
        }
        let (kind, piece) = match (
            delta.kind.map(|k| strings.get(k)),
            delta.text,
            delta.partial_json,
            delta.thinking,
        ) {
            (Some("text_delta"), Some(_), None, None) => ("text_delta", Piece::Text),
            (Some("input_json_delta"), None, Some(_), None) => {
                ("input_json_delta", Piece::PartialJson)
            }
            (Some("thinking_delta"), None, None, Some(_)) => ("thinking_delta", Piece::Thinking),
            _ => return None,
        };
        let plain = Plain {
            index: ev.index?,
            kind,
            piece,
        };
        Some((plain, delta.span.clone()))
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct RawUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

const STRING: &str = "a string";

/// Reads a frame into `frame` (a default one: filled in place, never
/// moved, as it is a few hundred bytes).
fn read_frame(r: &mut Reader<'_, '_>, frame: &mut Frame) -> Result<(), ReadError> {
    let mut kind = None;
    let first = r.token()?;
    r.object(
        first,
        &[
            "type",
            "index",
            "content_block",
            "delta",
            "message",
            "usage",
        ],
        |r, key, value| match key {
            "type" => match value {
                Token::String(t) => {
                    kind = Some(t);
                    Ok(())
                }
                other => Err(r.mismatch(other, STRING)),
            },
            "index" => r
                .unsigned(value, u32::MAX.into())
                .map(|v| frame.index = v.map(|i| i as u32)),
            "content_block" => read_block(r, value, &mut frame.block),
            "delta" => read_delta(r, value, &mut frame.delta),
            "message" if value != Token::Null => {
                r.object(value, &["usage"], |r, key, value| match key {
                    "usage" => read_usage(r, value).map(|v| frame.message_usage = v),
                    _ => r.skip(value),
                })
            }
            "usage" => read_usage(r, value).map(|v| frame.usage = v),
            _ => r.skip(value),
        },
    )?;
    frame.kind = kind.ok_or_else(|| r.missing("type"))?;
    Ok(())
}

/// Reads a `content_block` into `out` (in place).
fn read_block(
    r: &mut Reader<'_, '_>,
    first: Token,
    out: &mut Option<Block>,
) -> Result<(), ReadError> {
    if first == Token::Null {
        *out = None;
        return Ok(());
    }
    let block = out.insert(Block::default());
    let mut kind = None;
    r.object(
        first,
        &["type", "id", "name", "text", "thinking", "data", "input"],
        |r, key, value| match key {
            "type" => match value {
                Token::String(t) => {
                    kind = Some(t);
                    Ok(())
                }
                other => Err(r.mismatch(other, STRING)),
            },
            "id" => r.string(value, STRING).map(|v| block.id = v),
            "name" => r.string(value, STRING).map(|v| block.name = v),
            "text" => r.string(value, STRING).map(|v| block.text = v),
            "thinking" => r.string(value, STRING).map(|v| block.thinking = v),
            "data" => r.string(value, STRING).map(|v| block.data = v),
            "input" => {
                if value == Token::Null {
                    block.input = None;
                    return Ok(());
                }
                block.input = Some(r.skip_raw(value)?);
                Ok(())
            }
            _ => r.skip(value),
        },
    )?;
    block.kind = kind.ok_or_else(|| r.missing("type"))?;
    Ok(())
}

/// Reads a `delta` into `out` (in place).
fn read_delta(
    r: &mut Reader<'_, '_>,
    first: Token,
    out: &mut Option<Delta>,
) -> Result<(), ReadError> {
    if first == Token::Null {
        *out = None;
        return Ok(());
    }
    let delta = out.insert(Delta::default());
    r.object(
        first,
        &["type", "text", "partial_json", "thinking", "stop_reason"],
        |r, key, value| match key {
            "type" => r.string(value, STRING).map(|v| delta.kind = v),
            "text" => {
                delta.text = r.string(value, STRING)?;
                delta.span = r.last_string();
                Ok(())
            }
            "partial_json" => {
                delta.partial_json = r.string(value, STRING)?;
                delta.span = r.last_string();
                Ok(())
            }
            "thinking" => {
                delta.thinking = r.string(value, STRING)?;
                delta.span = r.last_string();
                Ok(())
            }
            "stop_reason" => r.string(value, STRING).map(|v| delta.stop_reason = v),
            _ => r.skip(value),
        },
    )?;
    Ok(())
}

fn read_usage(r: &mut Reader<'_, '_>, first: Token) -> Result<Option<RawUsage>, ReadError> {
    if first == Token::Null {
        return Ok(None);
    }
    let mut usage = RawUsage::default();
    r.object(
        first,
        &["input_tokens", "output_tokens", "cache_read_input_tokens"],
        |r, key, value| match key {
            "input_tokens" => r.unsigned(value, u64::MAX).map(|v| usage.input_tokens = v),
            "output_tokens" => r.unsigned(value, u64::MAX).map(|v| usage.output_tokens = v),
            "cache_read_input_tokens" => r
                .unsigned(value, u64::MAX)
                .map(|v| usage.cache_read_input_tokens = v),
            _ => r.skip(value),
        },
    )?;
    Ok(Some(usage))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Tool,
    Thinking,
    /// A tool the server runs (its input gathered in [`ServerCall`]).
    Server,
    Other,
}

/// A server-side tool's block, until it stops.
#[derive(Debug)]
struct ServerCall {
    index: u32,
    id: Option<String>,
    name: String,
    /// The block start's `input`.
    start_input: Option<String>,
    /// The `input_json_delta` pieces.
    input: String,
}

impl ServerCall {
    fn emit(self, sink: &mut Sink<'_>) {
        let input = if self.input.trim().is_empty() {
            self.start_input
        } else {
            Some(self.input)
        };
        sink(StreamEvent::server_tool(
            self.index,
            self.id.map(Cow::Owned),
            Cow::Owned(self.name),
            input.map(Cow::Owned),
        ));
    }
}

/// Decodes Messages API frames; use it through
/// [`AnthropicDecoder`](crate::AnthropicDecoder).
#[derive(Debug, Default)]
pub struct AnthropicHandler {
    envelope: Envelope,
    state: State,
    /// What the remembered frame said, when the envelope remembers one.
    plain: Option<Plain>,
}

/// What the stream has said so far.
#[derive(Debug, Default)]
struct State {
    /// Open blocks: index and kind.
    blocks: Vec<(u32, Kind)>,
    /// Open blocks of server-side tools.
    server: Vec<ServerCall>,
    /// Every block index started in the message, open or closed.
    started: BTreeSet<u32>,
    usage: Option<Usage>,
    usage_sent: bool,
    finished: bool,
    terminal: bool,
    content_seen: bool,
}

impl State {
    fn kind(&self, index: u32) -> Option<Kind> {
        self.blocks.iter().find(|b| b.0 == index).map(|b| b.1)
    }

    fn merge_usage(&mut self, u: RawUsage) {
        let usage = self.usage.get_or_insert_with(Usage::default);
        if let Some(i) = u.input_tokens {
            usage.input_tokens = i;
        }
        if let Some(o) = u.output_tokens {
            usage.output_tokens = o;
        }
        if let Some(c) = u.cache_read_input_tokens {
            usage.cached_tokens = Some(c);
        }
    }

    fn close_tools(&mut self, sink: &mut Sink<'_>) {
        for (index, kind) in std::mem::take(&mut self.blocks) {
            self.close(index, kind, sink);
        }
    }

    /// A block stopped (or the message ended with it open).
    fn close(&mut self, index: u32, kind: Kind, sink: &mut Sink<'_>) {
        match kind {
            Kind::Tool => sink(StreamEvent::ToolCallEnd { choice: 0, index }),
            Kind::Server => {
                if let Some(pos) = self.server.iter().position(|c| c.index == index) {
                    self.server.remove(pos).emit(sink);
                }
            }
            _ => {}
        }
    }

    fn send_usage(&mut self, sink: &mut Sink<'_>) {
        if !self.usage_sent
            && let Some(u) = self.usage
        {
            self.usage_sent = true;
            sink(StreamEvent::Usage(u));
        }
    }
}

impl FrameHandler for AnthropicHandler {
    fn frame(&mut self, frame: &SseEvent<'_>, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        let data = frame.data();
        let state = &mut self.state;
        if let Some(plain) = self.plain.filter(|_| !state.terminal)
            && let Some(kind) = state.kind(plain.index)
            && let Some((text, strings)) = self.envelope.refill(data)
        {
            let text = strings.cow(text);
            let piece = |p: Piece| (p == plain.piece).then(|| text.clone());
            state.content_delta(plain.index, kind, Some(plain.kind), piece, sink);
            return Ok(());
        }
        let mut ev = Frame::default();
        let ((), strings) = self
            .envelope
            .read(data, frame.offset(), |r| read_frame(r, &mut ev))?;
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
    /// Handles a frame read into `ev`.
    fn frame(
        &mut self,
        ev: &Frame,
        strings: Strings<'_>,
        frame: &SseEvent<'_>,
        sink: &mut Sink<'_>,
    ) -> Result<(), DecodeError> {
        let data = frame.data();
        let text = |t: Option<Text>| t.map(|t| strings.cow(t));
        let ev_kind = strings.get(ev.kind);
        if self.terminal {
            // Nothing else is expected after message_stop or an error.
            return after_end(ev_kind == "message_start", "message", frame.offset());
        }
        let at = frame.offset();
        let index = || {
            ev.index
                .ok_or_else(|| DecodeError::shape(format!("{ev_kind} without an index"), at))
        };
        match ev_kind {
            "message_start" => {
                // A repeated message_start before any content is harmless;
                // after content, it would restart a message whose events
                // were already handed out.
                if self.content_seen {
                    return Err(DecodeError::shape(
                        "message_start in the middle of a message",
                        at,
                    ));
                }
                if let Some(u) = ev.message_usage {
                    self.merge_usage(u);
                }
            }
            "content_block_start" => {
                self.content_seen = true;
                let index = index()?;
                let block = ev
                    .block
                    .as_ref()
                    .ok_or_else(|| DecodeError::shape("content_block_start without a block", at))?;
                // Closed blocks count too: a tool call starts once.
                if !self.started.insert(index) {
                    return Err(DecodeError::shape(
                        format!("content block {index} started twice"),
                        at,
                    ));
                }
                let kind = match strings.get(block.kind) {
                    "text" => {
                        if let Some(text) = text(block.text).filter(|t| !t.is_empty()) {
                            sink(StreamEvent::TextDelta { choice: 0, text });
                        }
                        Kind::Text
                    }
                    "tool_use" => {
                        let name = text(block.name).filter(|n| !n.is_empty()).ok_or_else(|| {
                            DecodeError::shape("tool_use block without a name", at)
                        })?;
                        sink(StreamEvent::ToolCallStart {
                            choice: 0,
                            index,
                            id: text(block.id),
                            name,
                        });
                        // The input normally arrives as deltas after an empty
                        // `{}`; a block that carries it whole reports it.
                        if let Some(input) = block
                            .input
                            .clone()
                            .map(|raw| input_value(strings.slice(raw), at))
                            .transpose()?
                            .filter(|i| i.as_object().is_none_or(|o| !o.is_empty()))
                        {
                            sink(StreamEvent::ToolArgsDelta {
                                choice: 0,
                                index,
                                json: Cow::Owned(input.to_string()),
                            });
                        }
                        Kind::Tool
                    }
                    "thinking" => {
                        if let Some(text) = text(block.thinking).filter(|t| !t.is_empty()) {
                            sink(StreamEvent::ReasoningDelta { choice: 0, text });
                        }
                        Kind::Thinking
                    }
                    "server_tool_use" | "mcp_tool_use" => {
                        let name = text(block.name)
                            .filter(|n| !n.is_empty())
                            .unwrap_or(Cow::Borrowed(strings.get(block.kind)));
                        self.server.push(ServerCall {
                            index,
                            id: text(block.id).map(Cow::into_owned),
                            name: name.into_owned(),
                            start_input: block
                                .input
                                .clone()
                                .map(|raw| strings.slice(raw).to_owned()),
                            input: String::new(),
                        });
                        Kind::Server
                    }
                    "redacted_thinking" => {
                        sink(StreamEvent::RedactedReasoning {
                            choice: 0,
                            data: text(block.data).unwrap_or_default(),
                        });
                        Kind::Other
                    }
                    _ => Kind::Other,
                };
                self.blocks.push((index, kind));
            }
            "content_block_delta" => {
                let index = index()?;
                let Some(kind) = self.kind(index) else {
                    return Err(DecodeError::shape(
                        format!("delta for content block {index}, which is not open"),
                        at,
                    ));
                };
                let Some(delta) = &ev.delta else {
                    return Err(DecodeError::shape(
                        "content_block_delta without a delta",
                        at,
                    ));
                };
                let piece = |p: Piece| {
                    text(match p {
                        Piece::Text => delta.text,
                        Piece::PartialJson => delta.partial_json,
                        Piece::Thinking => delta.thinking,
                    })
                };
                let delta_kind = delta.kind.map(|k| strings.get(k));
                self.content_delta(index, kind, delta_kind, piece, sink);
            }
            "content_block_stop" => {
                let index = index()?;
                let Some(pos) = self.blocks.iter().position(|b| b.0 == index) else {
                    return Err(DecodeError::shape(
                        format!("stop of content block {index}, which is not open"),
                        at,
                    ));
                };
                let (_, kind) = self.blocks.remove(pos);
                self.close(index, kind, sink);
            }
            "message_delta" => {
                if let Some(u) = ev.usage {
                    self.merge_usage(u);
                }
                if let Some(raw) = text(ev.delta.as_ref().and_then(|d| d.stop_reason)) {
                    self.close_tools(sink);
                    self.finished = true;
                    sink(StreamEvent::Finish {
                        choice: 0,
                        reason: FinishReason::from_raw(&raw),
                        raw,
                    });
                }
            }
            "message_stop" => {
                self.close_tools(sink);
                self.send_usage(sink);
                self.terminal = true;
            }
            "error" => {
                let v: serde_json::Value = parse_json(data, at)?;
                self.terminal = true;
                sink(StreamEvent::Error(error_event(&v)));
            }
            _ => {}
        }
        Ok(())
    }

    /// A delta of `kind` (its `type`) for open block `index` of `block`
    /// kind, with its fragment fields given by `piece`.
    fn content_delta<'a>(
        &mut self,
        index: u32,
        block: Kind,
        kind: Option<&str>,
        piece: impl Fn(Piece) -> Option<Cow<'a, str>>,
        sink: &mut Sink<'_>,
    ) {
        match (block, kind) {
            (Kind::Text, Some("text_delta")) => {
                if let Some(text) = piece(Piece::Text).filter(|t| !t.is_empty()) {
                    sink(StreamEvent::TextDelta { choice: 0, text });
                }
            }
            (Kind::Tool, Some("input_json_delta")) => {
                if let Some(json) = piece(Piece::PartialJson).filter(|t| !t.is_empty()) {
                    sink(StreamEvent::ToolArgsDelta {
                        choice: 0,
                        index,
                        json,
                    });
                }
            }
            (Kind::Server, Some("input_json_delta")) => {
                if let (Some(json), Some(call)) = (
                    piece(Piece::PartialJson),
                    self.server.iter_mut().find(|c| c.index == index),
                ) {
                    call.input.push_str(&json);
                }
            }
            (Kind::Thinking, Some("thinking_delta")) => {
                if let Some(text) = piece(Piece::Thinking).filter(|t| !t.is_empty()) {
                    sink(StreamEvent::ReasoningDelta { choice: 0, text });
                }
            }
            _ => {}
        }
    }

    /// The body ended after `position` bytes.
    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.close_tools(sink);
        self.send_usage(sink);
        if self.terminal || self.finished {
            Ok(())
        } else {
            Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
        }
    }
}

/// A `tool_use` block's whole `input`, as serde_json reads it.
fn input_value(raw: &str, at: u64) -> Result<serde_json::Value, DecodeError> {
    serde_json::from_str(raw).map_err(|e| DecodeError::invalid_json(&e, at))
}

#[cfg(test)]
mod tests {
    use structream_provider::conformance::check_shortcuts;
    use structream_provider::sse::SseEvent;

    use super::*;

    /// Whether `h` reads `frame` through the remembered frame.
    fn shortcut(h: &mut AnthropicHandler, frame: &SseEvent<'_>) -> bool {
        h.plain.is_some_and(|p| h.state.kind(p.index).is_some())
            && h.envelope.refill(frame.data()).is_some()
    }

    #[test]
    fn frames_like_the_one_before_are_read_through_it_with_the_same_events() {
        let frame = |json: &str| format!("event: x\ndata: {json}\n\n");
        let delta = |index: u32, kind: &str, field: &str, text: &str| {
            frame(&format!(
                r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"{kind}","{field}":{text}}}}}"#
            ))
        };
        let start = |index: u32, block: &str| {
            frame(&format!(
                r#"{{"type":"content_block_start","index":{index},"content_block":{block}}}"#
            ))
        };
        let stop = |index: u32| {
            frame(&format!(
                r#"{{"type":"content_block_stop","index":{index}}}"#
            ))
        };
        let body = [
            frame(r#"{"type":"message_start","message":{"usage":{"input_tokens":3}}}"#),
            start(0, r#"{"type":"text","text":""}"#),
            delta(0, "text_delta", "text", r#""Hi""#),
            delta(0, "text_delta", "text", r#"" \"you\"""#),
            delta(0, "text_delta", "text", r#""""#),
            stop(0),
            start(1, r#"{"type":"tool_use","id":"t","name":"f","input":{}}"#),
            delta(1, "input_json_delta", "partial_json", r#""{\"a\"""#),
            delta(1, "input_json_delta", "partial_json", r#"":1}""#),
            stop(1),
            // The same bytes once the block is closed: an error, as read in full.
            delta(1, "input_json_delta", "partial_json", r#""x""#),
            frame(r#"{"type":"message_stop"}"#),
        ]
        .concat();
        let events = check_shortcuts(
            body.as_bytes(),
            shortcut,
            &[
                false, false, false, true, true, false, false, false, true, false, false, false,
            ],
        );
        assert!(
            events[3]
                .as_ref()
                .is_ok_and(|e| e[0].contains(r#" \"you\""#)),
            "{events:?}"
        );
        assert!(
            events[8].as_ref().is_ok_and(|e| e[0].contains(r#":1}"#)),
            "{events:?}"
        );
        assert!(
            events[10].as_ref().is_err_and(|e| e.contains("not open")),
            "{events:?}"
        );
    }
}
