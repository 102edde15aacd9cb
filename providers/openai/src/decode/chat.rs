//! Chat Completions stream decoding (OpenAI and every OpenAI-compatible
//! server).
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
//!
//! Each frame is read with the [`Envelope`] reader: the fields above are
//! routed out of the frame's bytes into `Parsed` (ranges, reused from
//! frame to frame), then turned into events borrowing the frame's data, or
//! the envelope's scratch buffer for text that had escapes.

use std::borrow::Cow;
use std::ops::Range;

use structream_provider::envelope::{Envelope, ReadError, Reader, Strings, Text, Token};
use structream_provider::provider::{FrameHandler, Sink, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

use super::usage::read_usage;
use crate::error::error_in;

/// One frame's fields, as ranges of its data or of the envelope's scratch.
#[derive(Debug, Default)]
struct Parsed {
    /// `choices` was there and not `null`.
    has_choices: bool,
    choices: Vec<Choice>,
    tool_calls: Vec<ToolCall>,
    /// Mistral's content parts: whether each is thinking, and its text.
    parts: Vec<(bool, Text)>,
    usage: Option<Usage>,
    groq_usage: Option<Usage>,
    /// An `error` that is not `null`.
    error: bool,
}

impl Parsed {
    fn clear(&mut self) {
        self.has_choices = false;
        self.choices.clear();
        self.tool_calls.clear();
        self.parts.clear();
        self.usage = None;
        self.groq_usage = None;
        self.error = false;
    }
}

#[derive(Debug, Default, Clone)]
struct Choice {
    index: u32,
    reasoning_content: Option<Text>,
    reasoning: Option<Text>,
    content: Content,
    refusal: Option<Text>,
    tool_calls: Range<usize>,
    finish_reason: Option<Text>,
    /// Where `content`, when a string, lies in the frame (raw).
    content_span: Range<usize>,
}

/// `delta.content`: a string, or (Mistral) a list of typed parts.
#[derive(Debug, Default, Clone)]
enum Content {
    #[default]
    None,
    Text(Text),
    Parts(Range<usize>),
}

#[derive(Debug, Default)]
struct ToolCall {
    index: Option<u32>,
    id: Option<Text>,
    name: Option<Text>,
    arguments: Option<Arguments>,
    /// Where `arguments`, when a string, lies in the frame (raw).
    span: Range<usize>,
}

/// `function.arguments`: a JSON text, or (some servers) the JSON object
/// itself, kept as serde_json writes it.
#[derive(Debug)]
enum Arguments {
    Text(Text),
    Value(String),
}

const STRING: &str = "a string";

fn read_chunk(r: &mut Reader<'_, '_>, out: &mut Parsed) -> Result<(), ReadError> {
    let first = r.token()?;
    r.object(
        first,
        &["choices", "usage", "x_groq", "error"],
        |r, key, value| match key {
            "choices" if value != Token::Null => {
                out.has_choices = true;
                out.choices.clear();
                r.array(value, |r, _, value| {
                    let choice = read_choice(r, value, out)?;
                    out.choices.push(choice);
                    Ok(())
                })
            }
            "usage" => read_usage(r, value).map(|v| out.usage = v),
            "x_groq" if value != Token::Null => {
                r.object(value, &["usage"], |r, key, value| match key {
                    "usage" => read_usage(r, value).map(|v| out.groq_usage = v),
                    _ => r.skip(value),
                })
            }
            "error" => {
                out.error = value != Token::Null;
                r.skip(value)
            }
            _ => r.skip(value),
        },
    )
}

fn read_choice(
    r: &mut Reader<'_, '_>,
    first: Token,
    out: &mut Parsed,
) -> Result<Choice, ReadError> {
    let mut choice = Choice::default();
    r.object(
        first,
        &["index", "finish_reason", "delta"],
        |r, key, value| match key {
            "index" => match r.unsigned(value, u32::MAX.into())? {
                Some(i) => {
                    choice.index = i as u32;
                    Ok(())
                }
                None => Err(r.expected("an unsigned integer")),
            },
            "finish_reason" => r.string(value, STRING).map(|v| choice.finish_reason = v),
            "delta" if value != Token::Null => r.object(
                value,
                &[
                    "content",
                    "refusal",
                    "reasoning_content",
                    "reasoning",
                    "tool_calls",
                ],
                |r, key, value| match key {
                    "content" => {
                        choice.content = read_content(r, value, out)?;
                        choice.content_span = r.last_string();
                        Ok(())
                    }
                    "refusal" => r.string(value, STRING).map(|v| choice.refusal = v),
                    "reasoning_content" => r
                        .string(value, STRING)
                        .map(|v| choice.reasoning_content = v),
                    "reasoning" => r.string(value, STRING).map(|v| choice.reasoning = v),
                    "tool_calls" if value != Token::Null => {
                        let from = out.tool_calls.len();
                        r.array(value, |r, _, value| {
                            let call = read_tool_call(r, value)?;
                            out.tool_calls.push(call);
                            Ok(())
                        })?;
                        choice.tool_calls = from..out.tool_calls.len();
                        Ok(())
                    }
                    _ => r.skip(value),
                },
            ),
            _ => r.skip(value),
        },
    )?;
    Ok(choice)
}

fn read_tool_call(r: &mut Reader<'_, '_>, first: Token) -> Result<ToolCall, ReadError> {
    let mut call = ToolCall::default();
    r.object(
        first,
        &["index", "id", "function"],
        |r, key, value| match key {
            "index" => r
                .unsigned(value, u32::MAX.into())
                .map(|v| call.index = v.map(|i| i as u32)),
            "id" => r.string(value, STRING).map(|v| call.id = v),
            "function" if value != Token::Null => {
                r.object(value, &["name", "arguments"], |r, key, value| match key {
                    "name" => r.string(value, STRING).map(|v| call.name = v),
                    "arguments" => {
                        call.arguments = read_arguments(r, value)?;
                        call.span = r.last_string();
                        Ok(())
                    }
                    _ => r.skip(value),
                })
            }
            _ => r.skip(value),
        },
    )?;
    Ok(call)
}

fn read_arguments(r: &mut Reader<'_, '_>, value: Token) -> Result<Option<Arguments>, ReadError> {
    if value != Token::ObjectStart {
        return Ok(r
            .string(value, "a JSON text or a JSON object")?
            .map(Arguments::Text));
    }
    // The object itself: as serde_json writes it back (rare).
    let range = r.skip_raw(value)?;
    let raw = r.slice(range);
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| ReadError::shape(e.to_string()))?;
    Ok(Some(Arguments::Value(v.to_string())))
}

fn read_content(
    r: &mut Reader<'_, '_>,
    value: Token,
    out: &mut Parsed,
) -> Result<Content, ReadError> {
    match value {
        Token::Null => Ok(Content::None),
        Token::String(t) => Ok(Content::Text(t)),
        Token::ArrayStart => {
            let from = out.parts.len();
            read_parts(r, value, false, &mut out.parts)?;
            Ok(Content::Parts(from..out.parts.len()))
        }
        other => Err(r.mismatch(other, "a string or a list of content parts")),
    }
}

/// A list of content parts: the text of `text` parts (and of parts with no
/// type), as thinking when `thinking`; the parts inside `thinking` parts, as
/// thinking. Other part kinds (references, images) carry no text.
fn read_parts(
    r: &mut Reader<'_, '_>,
    first: Token,
    thinking: bool,
    out: &mut Vec<(bool, Text)>,
) -> Result<(), ReadError> {
    r.array(first, |r, _, value| {
        let mut kind = None;
        let mut text = None;
        let mut inner = Vec::new();
        r.object(
            value,
            &["type", "text", "thinking"],
            |r, key, value| match key {
                "type" => r.string(value, STRING).map(|v| kind = v),
                "text" => r.string(value, STRING).map(|v| text = v),
                "thinking" if value != Token::Null => {
                    inner.clear();
                    read_parts(r, value, true, &mut inner)
                }
                _ => r.skip(value),
            },
        )?;
        match kind.map(|k| r.get(k)) {
            Some("thinking") => out.append(&mut inner),
            Some("text") | None => out.extend(text.map(|t| (thinking, t))),
            Some(_) => {}
        }
        Ok(())
    })
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

/// A tool call fragment of one frame, borrowed.
struct ToolCallDelta<'s> {
    index: Option<u32>,
    id: Option<&'s str>,
    name: Option<Cow<'s, str>>,
    arguments: Option<Cow<'s, str>>,
}

/// Decodes Chat Completions frames; use it through
/// [`ChatDecoder`](crate::ChatDecoder).
#[derive(Debug)]
pub struct ChatHandler {
    envelope: Envelope,
    parsed: Parsed,
    state: State,
    /// What the remembered frame said, when the envelope remembers one.
    plain: Option<Plain>,
}

impl Default for ChatHandler {
    fn default() -> Self {
        ChatHandler {
            // OpenAI pads every frame with random `obfuscation`.
            envelope: Envelope::new().skipped_may_vary(),
            parsed: Parsed::default(),
            state: State::default(),
            plain: None,
        }
    }
}

/// A frame that says one thing, a fragment of text or of a call's
/// arguments: the next frame that differs from it only in that fragment
/// ([`Envelope::refill`]) says the same of its own fragment.
#[derive(Debug, Clone, Copy)]
enum Plain {
    Text { choice: u32 },
    Arguments { choice: u32, index: Option<u32> },
}

impl Plain {
    /// The one thing `parsed` says, and where its string lies, if that is
    /// all: one choice, no usage, error or finish, and either a content
    /// string or one tool call with only an index and string arguments.
    fn of(parsed: &Parsed) -> Option<(Plain, Range<usize>)> {
        let [ch] = parsed.choices.as_slice() else {
            return None;
        };
        let quiet = |t: Option<Text>| t.is_none_or(Text::is_empty);
        if !parsed.has_choices
            || parsed.error
            || parsed.usage.is_some()
            || parsed.groq_usage.is_some()
            || !quiet(ch.reasoning_content)
            || !quiet(ch.reasoning)
            || !quiet(ch.refusal)
            || !quiet(ch.finish_reason)
        {
            return None;
        }
        let calls = &parsed.tool_calls[ch.tool_calls.clone()];
        match (&ch.content, calls) {
            (Content::Text(_), []) => {
                Some((Plain::Text { choice: ch.index }, ch.content_span.clone()))
            }
            (
                Content::None,
                [
                    ToolCall {
                        index,
                        id: None,
                        name: None,
                        arguments: Some(Arguments::Text(_)),
                        span,
                    },
                ],
            ) => Some((
                Plain::Arguments {
                    choice: ch.index,
                    index: *index,
                },
                span.clone(),
            )),
            _ => None,
        }
    }

    /// The events of a frame like the remembered one, with `text` for its
    /// fragment: what [`emit`] does with such a frame.
    fn emit(self, text: Cow<'_, str>, state: &mut State, sink: &mut Sink<'_>) {
        match self {
            Plain::Text { choice } => text_event(choice, Some(text), text_delta, sink),
            Plain::Arguments { choice, index } => {
                let delta = ToolCallDelta {
                    index,
                    id: None,
                    name: None,
                    arguments: Some(text),
                };
                state.tool_delta(choice, 0, delta, sink);
            }
        }
    }
}

/// What the stream has said so far.
#[derive(Debug, Default)]
struct State {
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
impl State {
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
            None => self.index_for(choice, tc.id, position),
        };
        let (name, args) = (tc.name, tc.arguments);
        let call = self.call_mut(choice, index);
        if call.ended {
            // A fragment after the call ended: some servers repeat the
            // whole call in the finishing chunk. Nothing new to report.
            return;
        }
        if call.id.is_none()
            && let Some(id) = tc.id
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

/// Emits the events of a frame read into `parsed`.
fn emit(parsed: &Parsed, state: &mut State, strings: Strings<'_>, sink: &mut Sink<'_>) {
    {
        let text = |t: Option<Text>| t.map(|t| strings.cow(t));
        for ch in &parsed.choices {
            let choice = ch.index;
            let reasoning = text(ch.reasoning_content)
                .filter(|r| !r.is_empty())
                .or(text(ch.reasoning));
            text_event(choice, reasoning, reasoning_delta, sink);
            match &ch.content {
                Content::Text(t) => text_event(choice, text(Some(*t)), text_delta, sink),
                Content::Parts(parts) => {
                    for &(thinking, t) in &parsed.parts[parts.clone()] {
                        let make = if thinking {
                            reasoning_delta
                        } else {
                            text_delta
                        };
                        text_event(choice, text(Some(t)), make, sink);
                    }
                }
                Content::None => {}
            }
            text_event(choice, text(ch.refusal), refusal, sink);
            for (pos, tc) in parsed.tool_calls[ch.tool_calls.clone()].iter().enumerate() {
                let delta = ToolCallDelta {
                    index: tc.index,
                    id: tc.id.map(|t| strings.get(t)),
                    name: text(tc.name),
                    arguments: match &tc.arguments {
                        Some(Arguments::Text(t)) => text(Some(*t)),
                        Some(Arguments::Value(v)) => Some(Cow::Borrowed(v.as_str())),
                        None => None,
                    },
                };
                state.tool_delta(choice, pos, delta, sink);
            }
            if let Some(raw) = text(ch.finish_reason).filter(|r| !r.is_empty()) {
                state.end_calls(choice, sink);
                // Some servers repeat the finish reason in a usage chunk:
                // one finish per choice.
                if !state.finished.contains(&choice) {
                    state.finished.push(choice);
                    sink(StreamEvent::Finish {
                        choice,
                        reason: FinishReason::from_raw(&raw),
                        raw,
                    });
                }
            }
        }
    }
}

impl FrameHandler for ChatHandler {
    fn frame(&mut self, frame: &SseEvent<'_>, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        let data = frame.data();
        let state = &mut self.state;
        if state.done {
            // Nothing is expected after [DONE]; a server that sends more is
            // ignored rather than trusted.
            return Ok(());
        }
        if data.trim_ascii() == b"[DONE]" {
            state.done = true;
            state.end_all(sink);
            state.send_usage(sink);
            return Ok(());
        }
        if frame.event_bytes() == Some(b"error") {
            let v: serde_json::Value = parse_json(data, frame.offset())?;
            let err = error_in(&v)
                .or_else(|| structream_provider::ProviderError::from_json(&v))
                .unwrap_or_else(|| structream_provider::ProviderError::new(v.to_string()));
            state.errored = true;
            sink(StreamEvent::Error(err));
            return Ok(());
        }
        let plain_frame = frame.event_bytes().is_none();
        if let Some(plain) = self.plain.filter(|_| plain_frame)
            && let Some((text, strings)) = self.envelope.refill(data)
        {
            plain.emit(strings.cow(text), state, sink);
            return Ok(());
        }
        let parsed = &mut self.parsed;
        parsed.clear();
        let ((), strings) = self
            .envelope
            .read(data, frame.offset(), |r| read_chunk(r, parsed))?;
        let plain = Plain::of(parsed).filter(|_| plain_frame);
        if parsed.error {
            let v: serde_json::Value = parse_json(data, frame.offset())?;
            if let Some(err) = error_in(&v) {
                state.errored = true;
                sink(StreamEvent::Error(err));
            }
        }
        if let Some(u) = parsed.usage.or(parsed.groq_usage) {
            state.usage = Some(u);
        }
        if !parsed.has_choices {
            if parsed.error || parsed.usage.is_some() {
                return Ok(());
            }
            return Err(DecodeError::shape(
                "a frame that is not a chat.completion.chunk (no choices, usage or error)",
                frame.offset(),
            ));
        }
        emit(parsed, state, strings, sink);
        self.plain = plain.map(|(plain, hole)| {
            self.envelope.remember(data, hole);
            plain
        });
        Ok(())
    }

    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        let state = &mut self.state;
        state.end_all(sink);
        state.send_usage(sink);
        if state.done || state.errored || !state.finished.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
        }
    }
}

#[cfg(test)]
mod tests {
    use structream_provider::conformance::check_shortcuts;
    use structream_provider::sse::SseEvent;

    use super::*;

    /// Whether `h` reads `frame` through the remembered frame.
    fn shortcut(h: &mut ChatHandler, frame: &SseEvent<'_>) -> bool {
        frame.event_bytes().is_none()
            && h.plain.is_some()
            && h.envelope.refill(frame.data()).is_some()
    }

    #[test]
    fn frames_like_the_one_before_are_read_through_it_with_the_same_events() {
        // OpenAI's random padding differs from frame to frame.
        let padding = std::cell::Cell::new(0);
        let chunk = |delta: &str| {
            padding.set(padding.get() + 1);
            let pad = "x".repeat(padding.get() % 7);
            format!(
                "data: {{\"id\":\"c\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":null}}],\"obfuscation\":\"{pad}\"}}\n\n"
            )
        };
        let args = |i: u32, a: &str| {
            chunk(&format!(
                r#"{{"tool_calls":[{{"index":{i},"function":{{"arguments":{a}}}}}]}}"#
            ))
        };
        let body = [
            chunk(r#"{"content":"Hi"}"#),
            chunk(r#"{"content":" \"there\""}"#),
            chunk(r#"{"content":""}"#),
            chunk(
                r#"{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":""}}]}"#,
            ),
            args(0, r#""{\"x\"""#),
            args(0, r#"":1""#),
            args(0, r#""""#),
            args(0, r#""}""#),
            chunk(
                r#"{"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":"["}}]}"#,
            ),
            args(1, r#""1""#),
            args(0, r#"" ""#),
            args(0, r#""\u00e9""#),
            // Arguments given as an object: read in full.
            args(0, r#"{"y":2}"#),
            args(1, r#""]""#),
            chunk(r#"{}"#).replace("null", "\"tool_calls\""),
            "data: [DONE]\n\n".to_string(),
        ]
        .concat();
        let events = check_shortcuts(
            body.as_bytes(),
            shortcut,
            &[
                false, true, true, false, false, true, true, true, false, false, false, true,
                false, false, false, false,
            ],
        );
        let text = |t: &str| {
            format!(
                "{:?}",
                StreamEvent::TextDelta {
                    choice: 0,
                    text: t.into()
                }
            )
        };
        let args = |index: u32, json: &str| {
            format!(
                "{:?}",
                StreamEvent::ToolArgsDelta {
                    choice: 0,
                    index,
                    json: json.into()
                }
            )
        };
        let fragments: Vec<String> = events
            .into_iter()
            .flat_map(|e| e.expect("decodes"))
            .filter(|e| e.starts_with("TextDelta") || e.starts_with("ToolArgsDelta"))
            .collect();
        assert_eq!(
            fragments,
            [
                text("Hi"),
                text(r#" "there""#),
                args(0, r#"{"x""#),
                args(0, ":1"),
                args(0, "}"),
                args(1, "["),
                args(1, "1"),
                args(0, " "),
                args(0, "é"),
                args(0, r#"{"y":2}"#),
                args(1, "]"),
            ]
        );
    }
}
