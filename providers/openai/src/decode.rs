//! Chat Completions stream decoding (OpenAI and every OpenAI-compatible
//! server), plus the Responses API and Ollama's native NDJSON in the
//! submodules.
//!
//! A chat stream is `data:` frames of `chat.completion.chunk` objects and a
//! final `data: [DONE]`. Per choice, `delta` carries text (`content`),
//! `refusal`, reasoning (`reasoning_content` for DeepSeek / Z.ai / Alibaba,
//! `reasoning` for Groq / OpenRouter, Mistral's `thinking` content parts)
//! and `tool_calls` fragments keyed by `index`: the first fragment of an
//! index brings `id` and `function.name`, the next ones pieces of
//! `function.arguments`. Calls of several indices may interleave. A call
//! ends when its choice gets a `finish_reason` (or at `[DONE]`).
//!
//! Quirks handled: Groq's in-stream `event: error` frame; OpenRouter's
//! `error` object inside a chunk; Azure's content-filter chunks (no delta,
//! or empty `choices`); usage in a last chunk with empty `choices`, in every
//! chunk (vLLM-style servers) or in `x_groq`; Mistral tool calls without
//! `index`; TGI's `data:` without a space (handled by the SSE layer).
//! Usage is reported once, at the end.

pub mod ollama;
pub mod responses;

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use structream_provider::provider::{FrameHandler, Sink, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

use crate::error::error_in;

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    choices: Option<Vec<Choice<'a>>>,
    #[serde(default)]
    usage: Option<RawUsage>,
    #[serde(default)]
    x_groq: Option<XGroq>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct XGroq {
    #[serde(default)]
    usage: Option<RawUsage>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default)]
    index: u32,
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Content<'a>>,
    #[serde(borrow, default)]
    refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<ToolCallDelta<'a>>>,
}

#[derive(Deserialize)]
struct ToolCallDelta<'a> {
    #[serde(default)]
    index: Option<u32>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    function: Option<FunctionDelta<'a>>,
}

#[derive(Deserialize)]
struct FunctionDelta<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    arguments: Option<Arguments<'a>>,
}

/// `function.arguments`: a JSON text, or (some servers) the JSON value
/// itself.
enum Arguments<'a> {
    Text(Cow<'a, str>),
    Value(serde_json::Value),
}

impl<'de: 'a, 'a> Deserialize<'de> for Arguments<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Arguments<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON text or a JSON object")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Arguments::Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Arguments::Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Arguments::Text(Cow::Owned(s)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Arguments::Text(Cow::Borrowed("")))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Arguments::Value)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// `delta.content`: a string, or (Mistral) a list of typed parts.
enum Content<'a> {
    Text(Cow<'a, str>),
    Parts(Vec<Part<'a>>),
}

#[derive(Deserialize)]
struct Part<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    thinking: Option<Vec<Part<'a>>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Content<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Content<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of content parts")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Content::Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Content::Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Content::Text(Cow::Owned(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut parts = Vec::new();
                while let Some(p) = seq.next_element()? {
                    parts.push(p);
                }
                Ok(Content::Parts(parts))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Token counts as the OpenAI protocols spell them.
#[derive(Deserialize, Default, Clone, Copy)]
pub(crate) struct RawUsage {
    #[serde(default, alias = "input_tokens")]
    prompt_tokens: Option<u64>,
    #[serde(default, alias = "output_tokens")]
    completion_tokens: Option<u64>,
    #[serde(default, alias = "output_tokens_details")]
    completion_tokens_details: Option<RawDetails>,
    #[serde(default, alias = "input_tokens_details")]
    prompt_tokens_details: Option<RawDetails>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct RawDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
    #[serde(default)]
    cached_tokens: Option<u64>,
}

impl RawUsage {
    pub(crate) fn to_usage(self) -> Usage {
        let mut u = Usage::new(
            self.prompt_tokens.unwrap_or(0),
            self.completion_tokens.unwrap_or(0),
        );
        u.reasoning_tokens = self
            .completion_tokens_details
            .and_then(|d| d.reasoning_tokens);
        u.cached_tokens = self.prompt_tokens_details.and_then(|d| d.cached_tokens);
        u
    }
}

#[derive(Debug, Default)]
struct Call {
    choice: u32,
    index: u32,
    id: Option<String>,
    started: bool,
    ended: bool,
    /// Arguments that came before the name (emitted with the start).
    pending: String,
}

/// Decodes Chat Completions frames; use it through
/// [`ChatDecoder`](crate::ChatDecoder).
#[derive(Debug, Default)]
pub struct ChatHandler {
    calls: Vec<Call>,
    /// Per choice: next index to give a tool call that has none, and the id
    /// of the last such call.
    unindexed: Vec<(u32, u32, Option<String>)>,
    finished: Vec<u32>,
    usage: Option<Usage>,
    usage_sent: bool,
    done: bool,
    errored: bool,
}

impl ChatHandler {
    fn call_mut(&mut self, choice: u32, index: u32) -> &mut Call {
        let pos = match self
            .calls
            .iter()
            .position(|c| c.choice == choice && c.index == index)
        {
            Some(p) => p,
            None => {
                self.calls.push(Call {
                    choice,
                    index,
                    ..Default::default()
                });
                self.calls.len() - 1
            }
        };
        &mut self.calls[pos]
    }

    /// The index of a tool call fragment that has none (Mistral sends whole
    /// calls without `index`): a new id is a new call.
    fn index_for(&mut self, choice: u32, id: Option<&str>, position: usize) -> u32 {
        let slot = match self.unindexed.iter().position(|u| u.0 == choice) {
            Some(p) => p,
            None => {
                self.unindexed.push((choice, 0, None));
                self.unindexed.len() - 1
            }
        };
        let (_, next, last_id) = &mut self.unindexed[slot];
        match id {
            Some(id) if last_id.as_deref() != Some(id) => {
                *last_id = Some(id.to_string());
                *next += 1;
                *next - 1
            }
            Some(_) => *next - 1,
            None if *next == 0 => {
                *next = 1;
                position as u32
            }
            None => next.saturating_sub(1).max(position as u32),
        }
    }

    fn end_calls(&mut self, choice: u32, sink: &mut Sink<'_>) {
        for c in self.calls.iter_mut().filter(|c| c.choice == choice) {
            if !c.started && !c.pending.is_empty() {
                // Arguments but never a name: report what came, under an
                // empty-named call would break the contract; start it with
                // a placeholder name.
                c.started = true;
                sink(StreamEvent::ToolCallStart {
                    choice,
                    index: c.index,
                    id: c.id.clone().map(Cow::Owned),
                    name: Cow::Borrowed("(unnamed)"),
                });
                let json = std::mem::take(&mut c.pending);
                sink(StreamEvent::ToolArgsDelta {
                    choice,
                    index: c.index,
                    json: Cow::Owned(json),
                });
            }
            if c.started && !c.ended {
                c.ended = true;
                sink(StreamEvent::ToolCallEnd {
                    choice,
                    index: c.index,
                });
            }
        }
    }

    fn end_all(&mut self, sink: &mut Sink<'_>) {
        let mut choices: Vec<u32> = self.calls.iter().map(|c| c.choice).collect();
        choices.dedup();
        for ch in choices {
            self.end_calls(ch, sink);
        }
    }

    fn send_usage(&mut self, sink: &mut Sink<'_>) {
        if let Some(u) = self.usage.take()
            && !self.usage_sent
        {
            self.usage_sent = true;
            sink(StreamEvent::Usage(u));
        }
    }

    fn tool_delta(
        &mut self,
        choice: u32,
        position: usize,
        tc: ToolCallDelta<'_>,
        sink: &mut Sink<'_>,
    ) {
        let index = match tc.index {
            Some(i) => i,
            None => self.index_for(choice, tc.id.as_deref(), position),
        };
        let (name, args) = match tc.function {
            Some(f) => (f.name, f.arguments),
            None => (None, None),
        };
        let args: Option<Cow<'_, str>> = match args {
            Some(Arguments::Text(t)) => Some(t),
            Some(Arguments::Value(v)) => Some(Cow::Owned(v.to_string())),
            None => None,
        };
        let call = self.call_mut(choice, index);
        if call.ended {
            // A fragment after the call ended: some servers repeat the
            // whole call in the finishing chunk. Nothing new to report.
            return;
        }
        if call.id.is_none()
            && let Some(id) = &tc.id
            && !id.is_empty()
        {
            call.id = Some(id.to_string());
        }
        if !call.started {
            match name.filter(|n| !n.is_empty()) {
                Some(name) => {
                    call.started = true;
                    sink(StreamEvent::ToolCallStart {
                        choice,
                        index,
                        id: call.id.clone().map(Cow::Owned),
                        name,
                    });
                    if !call.pending.is_empty() {
                        let json = std::mem::take(&mut call.pending);
                        sink(StreamEvent::ToolArgsDelta {
                            choice,
                            index,
                            json: Cow::Owned(json),
                        });
                    }
                }
                None => {
                    if let Some(a) = args {
                        call.pending.push_str(&a);
                    }
                    return;
                }
            }
        }
        if let Some(a) = args.filter(|a| !a.is_empty()) {
            sink(StreamEvent::ToolArgsDelta {
                choice,
                index,
                json: a,
            });
        }
    }
}

fn text_event<'a>(
    choice: u32,
    text: Option<Cow<'a, str>>,
    make: fn(u32, Cow<'a, str>) -> StreamEvent<'a>,
    sink: &mut Sink<'_>,
) {
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        sink(make(choice, t));
    }
}

fn text_delta(choice: u32, text: Cow<'_, str>) -> StreamEvent<'_> {
    StreamEvent::TextDelta { choice, text }
}

fn reasoning_delta(choice: u32, text: Cow<'_, str>) -> StreamEvent<'_> {
    StreamEvent::ReasoningDelta { choice, text }
}

fn refusal(choice: u32, text: Cow<'_, str>) -> StreamEvent<'_> {
    StreamEvent::Refusal { choice, text }
}

fn emit_parts(choice: u32, parts: Vec<Part<'_>>, thinking: bool, sink: &mut Sink<'_>) {
    for p in parts {
        match p.kind.as_deref() {
            Some("thinking") => {
                if let Some(inner) = p.thinking {
                    emit_parts(choice, inner, true, sink);
                }
            }
            Some("text") | None => {
                let make = if thinking {
                    reasoning_delta
                } else {
                    text_delta
                };
                text_event(choice, p.text, make, sink);
            }
            // Other part kinds (references, images) carry no text.
            Some(_) => {}
        }
    }
}

impl FrameHandler for ChatHandler {
    fn frame(&mut self, frame: &SseEvent<'_>, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        let data = frame.data();
        if self.done {
            // Nothing is expected after [DONE]; a server that sends more is
            // ignored rather than trusted.
            return Ok(());
        }
        if data.trim_ascii() == b"[DONE]" {
            self.done = true;
            self.end_all(sink);
            self.send_usage(sink);
            return Ok(());
        }
        if frame.event_bytes() == Some(b"error") {
            let v: serde_json::Value = parse_json(data, frame.offset())?;
            let err = error_in(&v)
                .or_else(|| structream_provider::ProviderError::from_json(&v))
                .unwrap_or_else(|| structream_provider::ProviderError::new(v.to_string()));
            self.errored = true;
            sink(StreamEvent::Error(err));
            return Ok(());
        }
        let chunk: Chunk<'_> = parse_json(data, frame.offset())?;
        if chunk.error.is_some() {
            let v: serde_json::Value = parse_json(data, frame.offset())?;
            if let Some(err) = error_in(&v) {
                self.errored = true;
                sink(StreamEvent::Error(err));
            }
        }
        if let Some(u) = chunk.usage.or(chunk.x_groq.and_then(|x| x.usage)) {
            self.usage = Some(u.to_usage());
        }
        let Some(choices) = chunk.choices else {
            if chunk.error.is_some() || chunk.usage.is_some() {
                return Ok(());
            }
            return Err(DecodeError::shape(
                "a frame that is not a chat.completion.chunk (no choices, usage or error)",
                frame.offset(),
            ));
        };
        for ch in choices {
            let choice = ch.index;
            if let Some(delta) = ch.delta {
                let reasoning = delta
                    .reasoning_content
                    .filter(|r| !r.is_empty())
                    .or(delta.reasoning);
                text_event(choice, reasoning, reasoning_delta, sink);
                match delta.content {
                    Some(Content::Text(t)) => text_event(choice, Some(t), text_delta, sink),
                    Some(Content::Parts(parts)) => emit_parts(choice, parts, false, sink),
                    None => {}
                }
                text_event(choice, delta.refusal, refusal, sink);
                if let Some(tcs) = delta.tool_calls {
                    for (pos, tc) in tcs.into_iter().enumerate() {
                        self.tool_delta(choice, pos, tc, sink);
                    }
                }
            }
            if let Some(raw) = ch.finish_reason.filter(|r| !r.is_empty()) {
                self.end_calls(choice, sink);
                // Some servers repeat the finish reason in a usage chunk:
                // one finish per choice.
                if !self.finished.contains(&choice) {
                    self.finished.push(choice);
                    sink(StreamEvent::Finish {
                        choice,
                        reason: FinishReason::from_raw(&raw),
                        raw,
                    });
                }
            }
        }
        Ok(())
    }

    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.end_all(sink);
        self.send_usage(sink);
        if self.done || self.errored || !self.finished.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
        }
    }
}
