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
//! Skipped on purpose: blocks of server-side tools (`server_tool_use`,
//! `web_search_tool_result`, `mcp_tool_use` …: the server runs them, they
//! are not the caller's structured output), `signature_delta`,
//! `citations_delta`, `compaction_delta`, and unknown event types.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Deserialize;
use structream_provider::provider::{FrameHandler, Sink, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

use crate::error::stream_error;

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: Option<u32>,
    #[serde(borrow, default)]
    content_block: Option<Block<'a>>,
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(default)]
    message: Option<MessageStart>,
    #[serde(default)]
    usage: Option<RawUsage>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Option<Cow<'a, str>>,
    #[serde(default)]
    input: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    partial_json: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct MessageStart {
    #[serde(default)]
    usage: Option<RawUsage>,
}

#[derive(Deserialize, Clone, Copy)]
struct RawUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Tool,
    Thinking,
    Other,
}

/// Decodes Messages API frames; use it through
/// [`AnthropicDecoder`](crate::AnthropicDecoder).
#[derive(Debug, Default)]
pub struct AnthropicHandler {
    /// Open blocks: index and kind.
    blocks: Vec<(u32, Kind)>,
    /// Every block index started in the message, open or closed.
    started: BTreeSet<u32>,
    usage: Option<Usage>,
    usage_sent: bool,
    finished: bool,
    terminal: bool,
    content_seen: bool,
}

impl AnthropicHandler {
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
        for (index, kind) in self.blocks.drain(..) {
            if kind == Kind::Tool {
                sink(StreamEvent::ToolCallEnd { choice: 0, index });
            }
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
        let ev: Event<'_> = parse_json(data, frame.offset())?;
        if self.terminal {
            if ev.kind == "message_start" {
                return Err(DecodeError::shape(
                    "a second message in one stream",
                    frame.offset(),
                ));
            }
            // Nothing else is expected after message_stop or an error.
            return Ok(());
        }
        let at = frame.offset();
        let index = || {
            ev.index
                .ok_or_else(|| DecodeError::shape(format!("{} without an index", ev.kind), at))
        };
        match &*ev.kind {
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
                if let Some(u) = ev.message.and_then(|m| m.usage) {
                    self.merge_usage(u);
                }
            }
            "content_block_start" => {
                self.content_seen = true;
                let index = index()?;
                let block = ev
                    .content_block
                    .ok_or_else(|| DecodeError::shape("content_block_start without a block", at))?;
                // Closed blocks count too: a tool call starts once.
                if !self.started.insert(index) {
                    return Err(DecodeError::shape(
                        format!("content block {index} started twice"),
                        at,
                    ));
                }
                let kind = match &*block.kind {
                    "text" => {
                        if let Some(text) = block.text.filter(|t| !t.is_empty()) {
                            sink(StreamEvent::TextDelta { choice: 0, text });
                        }
                        Kind::Text
                    }
                    "tool_use" => {
                        let name = block.name.filter(|n| !n.is_empty()).ok_or_else(|| {
                            DecodeError::shape("tool_use block without a name", at)
                        })?;
                        sink(StreamEvent::ToolCallStart {
                            choice: 0,
                            index,
                            id: block.id,
                            name,
                        });
                        // The input normally arrives as deltas after an empty
                        // `{}`; a block that carries it whole reports it.
                        if let Some(input) = block
                            .input
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
                        if let Some(text) = block.thinking.filter(|t| !t.is_empty()) {
                            sink(StreamEvent::ReasoningDelta { choice: 0, text });
                        }
                        Kind::Thinking
                    }
                    "redacted_thinking" => {
                        sink(StreamEvent::RedactedReasoning {
                            choice: 0,
                            data: block.data.unwrap_or_default(),
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
                let Some(delta) = ev.delta else {
                    return Err(DecodeError::shape(
                        "content_block_delta without a delta",
                        at,
                    ));
                };
                match (kind, delta.kind.as_deref()) {
                    (Kind::Text, Some("text_delta")) => {
                        if let Some(text) = delta.text.filter(|t| !t.is_empty()) {
                            sink(StreamEvent::TextDelta { choice: 0, text });
                        }
                    }
                    (Kind::Tool, Some("input_json_delta")) => {
                        if let Some(json) = delta.partial_json.filter(|t| !t.is_empty()) {
                            sink(StreamEvent::ToolArgsDelta {
                                choice: 0,
                                index,
                                json,
                            });
                        }
                    }
                    (Kind::Thinking, Some("thinking_delta")) => {
                        if let Some(text) = delta.thinking.filter(|t| !t.is_empty()) {
                            sink(StreamEvent::ReasoningDelta { choice: 0, text });
                        }
                    }
                    _ => {}
                }
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
                if kind == Kind::Tool {
                    sink(StreamEvent::ToolCallEnd { choice: 0, index });
                }
            }
            "message_delta" => {
                if let Some(u) = ev.usage {
                    self.merge_usage(u);
                }
                if let Some(raw) = ev.delta.and_then(|d| d.stop_reason) {
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
                sink(StreamEvent::Error(stream_error(&v)));
            }
            _ => {}
        }
        Ok(())
    }

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
