//! Ollama's native `/api/chat` (and `/api/generate`) NDJSON stream.
//!
//! One JSON object per line: `message.content` (or `response` for
//! `/api/generate`) text, `message.thinking` reasoning, `message.tool_calls`
//! whole calls with object `arguments`, and a last line with `done: true`,
//! `done_reason` and the token counts (`prompt_eval_count`, `eval_count`).
//! An `{"error": "..."}` line is an error.

use std::borrow::Cow;

use serde::Deserialize;
use structream_provider::provider::{LineHandler, Sink, parse_json};
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    message: Option<Message<'a>>,
    #[serde(borrow, default)]
    response: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    thinking: Option<Cow<'a, str>>,
    #[serde(default)]
    done: bool,
    #[serde(borrow, default)]
    done_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    prompt_eval_count: Option<u64>,
    #[serde(default)]
    eval_count: Option<u64>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    thinking: Option<Cow<'a, str>>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolCall<'a>>>,
}

#[derive(Deserialize)]
struct ToolCall<'a> {
    #[serde(borrow)]
    function: Function<'a>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Function<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default)]
    arguments: Option<serde_json::Value>,
}

/// Decodes Ollama NDJSON lines; use it through
/// [`OllamaDecoder`](crate::OllamaDecoder).
#[derive(Debug, Default)]
pub struct OllamaHandler {
    next_call: u32,
    terminal: bool,
    /// The final (`done: true`) line was read.
    done: bool,
}

impl LineHandler for OllamaHandler {
    fn line(&mut self, line: &[u8], offset: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if self.done {
            // Nothing is expected after the final line; a server that sends
            // more is ignored rather than trusted.
            return Ok(());
        }
        let l: Line<'_> = parse_json(line, offset)?;
        if let Some(err) = l.error.filter(|e| !e.is_null()) {
            let message = match err {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            self.terminal = true;
            sink(StreamEvent::Error(structream_provider::ProviderError::new(
                message,
            )));
            return Ok(());
        }
        let (content, thinking, calls) = match l.message {
            Some(m) => (m.content, m.thinking, m.tool_calls),
            None => (l.response, l.thinking, None),
        };
        if let Some(text) = thinking.filter(|t| !t.is_empty()) {
            sink(StreamEvent::ReasoningDelta { choice: 0, text });
        }
        if let Some(text) = content.filter(|t| !t.is_empty()) {
            sink(StreamEvent::TextDelta { choice: 0, text });
        }
        for call in calls.into_iter().flatten() {
            if call.function.name.is_empty() {
                return Err(DecodeError::shape("a tool call without a name", offset));
            }
            let index = self.next_call;
            self.next_call += 1;
            sink(StreamEvent::ToolCallStart {
                choice: 0,
                index,
                id: call.id,
                name: call.function.name,
            });
            let json = match call.function.arguments {
                None | Some(serde_json::Value::Null) => None,
                // Some models put the arguments in a JSON string.
                Some(serde_json::Value::String(s)) => Some(s),
                Some(v) => Some(v.to_string()),
            };
            if let Some(json) = json.filter(|j| !j.is_empty()) {
                sink(StreamEvent::ToolArgsDelta {
                    choice: 0,
                    index,
                    json: Cow::Owned(json),
                });
            }
            sink(StreamEvent::ToolCallEnd { choice: 0, index });
        }
        if l.done {
            self.terminal = true;
            self.done = true;
            let raw = l.done_reason.unwrap_or(Cow::Borrowed("stop"));
            let reason = if self.next_call > 0 && raw == "stop" {
                FinishReason::ToolCalls
            } else {
                FinishReason::from_raw(&raw)
            };
            sink(StreamEvent::Finish {
                choice: 0,
                reason,
                raw,
            });
            if l.prompt_eval_count.is_some() || l.eval_count.is_some() {
                sink(StreamEvent::Usage(Usage::new(
                    l.prompt_eval_count.unwrap_or(0),
                    l.eval_count.unwrap_or(0),
                )));
            }
        }
        Ok(())
    }

    fn end(&mut self, position: u64, _sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if self.terminal {
            Ok(())
        } else {
            Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
        }
    }
}
