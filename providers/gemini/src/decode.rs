//! `streamGenerateContent?alt=sse` stream decoding.
//!
//! Every frame is a whole `GenerateContentResponse`: per candidate
//! (`index` = the choice), `content.parts` with `text` (reasoning when
//! `thought` is true) and `functionCall` parts, then a `finishReason`;
//! `usageMetadata` (cumulative, the last one counts: reported once at the
//! end), `promptFeedback.blockReason` for a blocked prompt, or an `error`.
//!
//! A `functionCall` part normally carries the whole call (`name` and `args`
//! object): it becomes a tool call start, its arguments as one JSON piece,
//! and its end; its index counts the calls of the candidate from 0.
//! Gemini 3 can also stream the arguments: a part with the `name` and
//! `willContinue`, then parts with `partialArgs` (`jsonPath` + a value;
//! string values continue while `willContinue`), then an empty
//! `functionCall` (or one without `willContinue`). Those pieces are
//! assembled in place and the arguments reported as one JSON text when the
//! call ends.
//!
//! Skipped on purpose: `executableCode` / `codeExecutionResult` parts (code
//! the server runs itself: not a call for the caller) and grounding
//! metadata.
//!
//! Usage: `output_tokens` is `candidatesTokenCount` plus
//! `thoughtsTokenCount` (all generated tokens), `reasoning_tokens` the
//! latter.
//!
//! Finish reasons: older Vertex streams put `finishReason: STOP` on every
//! chunk and the real reason (`RECITATION`, `SAFETY`, `MAX_TOKENS` …) on the
//! last one, so a candidate's finish is reported once, when the stream
//! ends, with the last reason seen; a reason other than `STOP` is never
//! overridden by a later `STOP`. A candidate that called functions and
//! stopped normally finishes with [`FinishReason::ToolCalls`], as every
//! other protocol says it (the raw `STOP` rides along).
//!
//! Each frame is read with the [`Envelope`] reader into `Parsed` (ranges,
//! reused from frame to frame); text reaches the events borrowed from the
//! frame. A call's whole `args` and streamed `partialArgs` are read with
//! serde_json from their bytes when a call comes.

use std::borrow::Cow;
use std::ops::Range;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use structream_provider::envelope::{Envelope, ReadError, Reader, Strings, Text, Token};
use structream_provider::provider::{FrameHandler, Sink, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent, Usage};

use crate::error::error_in;

/// One frame's fields, as ranges of its data or of the envelope's scratch.
#[derive(Debug, Default)]
struct Parsed {
    candidates: Vec<Candidate>,
    parts: Vec<Part>,
    usage: Option<RawUsage>,
    block_reason: Option<Text>,
    /// An `error` that is not `null`.
    error: bool,
}

#[derive(Debug, Default, Clone)]
struct Candidate {
    index: Option<u32>,
    parts: Range<usize>,
    finish_reason: Option<Text>,
}

#[derive(Debug, Default, Clone)]
struct Part {
    text: Option<Text>,
    thought: Option<bool>,
    function_call: Option<FunctionCall>,
}

#[derive(Debug, Default, Clone)]
struct FunctionCall {
    name: Option<Text>,
    id: Option<Text>,
    /// The bytes of `args`, when not `null`.
    args: Option<Range<usize>>,
    /// The bytes of `partialArgs`, when not `null`.
    partial_args: Option<Range<usize>>,
    will_continue: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartialArg {
    json_path: String,
    #[serde(default)]
    string_value: Option<String>,
    #[serde(default)]
    number_value: Option<serde_json::Number>,
    #[serde(default)]
    bool_value: Option<bool>,
    #[serde(default)]
    null_value: Option<IgnoredAny>,
}

#[derive(Debug, Default, Clone, Copy)]
struct RawUsage {
    prompt_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
}

const STRING: &str = "a string";

fn read_chunk(r: &mut Reader<'_, '_>, out: &mut Parsed) -> Result<(), ReadError> {
    let first = r.token()?;
    let fields = &["candidates", "usageMetadata", "promptFeedback", "error"];
    r.object(first, fields, |r, key, value| match key {
        "candidates" if value != Token::Null => {
            out.candidates.clear();
            r.array(value, |r, _, value| {
                let candidate = read_candidate(r, value, &mut out.parts)?;
                out.candidates.push(candidate);
                Ok(())
            })
        }
        "usageMetadata" => read_usage(r, value).map(|v| out.usage = v),
        "promptFeedback" if value != Token::Null => {
            r.object(value, &["blockReason"], |r, key, value| match key {
                "blockReason" => r.string(value, STRING).map(|v| out.block_reason = v),
                _ => r.skip(value),
            })
        }
        "error" => {
            out.error = value != Token::Null;
            r.skip(value)
        }
        _ => r.skip(value),
    })
}

fn read_candidate(
    r: &mut Reader<'_, '_>,
    first: Token,
    parts: &mut Vec<Part>,
) -> Result<Candidate, ReadError> {
    let mut candidate = Candidate::default();
    let fields = &["index", "content", "finishReason"];
    r.object(first, fields, |r, key, value| match key {
        "index" => r
            .unsigned(value, u32::MAX.into())
            .map(|v| candidate.index = v.map(|i| i as u32)),
        "finishReason" => r.string(value, STRING).map(|v| candidate.finish_reason = v),
        "content" if value != Token::Null => {
            r.object(value, &["parts"], |r, key, value| match key {
                "parts" if value != Token::Null => {
                    let from = parts.len();
                    r.array(value, |r, _, value| {
                        let part = read_part(r, value)?;
                        parts.push(part);
                        Ok(())
                    })?;
                    candidate.parts = from..parts.len();
                    Ok(())
                }
                _ => r.skip(value),
            })
        }
        _ => r.skip(value),
    })?;
    Ok(candidate)
}

fn read_part(r: &mut Reader<'_, '_>, first: Token) -> Result<Part, ReadError> {
    let mut part = Part::default();
    r.object(
        first,
        &["text", "thought", "functionCall"],
        |r, key, value| match key {
            "text" => r.string(value, STRING).map(|v| part.text = v),
            "thought" => r.boolean(value).map(|v| part.thought = v),
            "functionCall" if value != Token::Null => {
                let mut call = FunctionCall::default();
                let fields = &["name", "id", "args", "partialArgs", "willContinue"];
                r.object(value, fields, |r, key, value| match key {
                    "name" => r.string(value, STRING).map(|v| call.name = v),
                    "id" => r.string(value, STRING).map(|v| call.id = v),
                    "args" => raw(r, value).map(|v| call.args = v),
                    "partialArgs" => raw(r, value).map(|v| call.partial_args = v),
                    "willContinue" => r.boolean(value).map(|v| call.will_continue = v),
                    _ => r.skip(value),
                })?;
                part.function_call = Some(call);
                Ok(())
            }
            _ => r.skip(value),
        },
    )?;
    Ok(part)
}

/// The bytes of a value, `None` for `null`.
fn raw(r: &mut Reader<'_, '_>, value: Token) -> Result<Option<Range<usize>>, ReadError> {
    if value == Token::Null {
        return Ok(None);
    }
    r.skip_raw(value).map(Some)
}

fn read_usage(r: &mut Reader<'_, '_>, first: Token) -> Result<Option<RawUsage>, ReadError> {
    if first == Token::Null {
        return Ok(None);
    }
    let mut u = RawUsage::default();
    let fields = &[
        "promptTokenCount",
        "candidatesTokenCount",
        "thoughtsTokenCount",
        "cachedContentTokenCount",
    ];
    r.object(first, fields, |r, key, value| match key {
        "promptTokenCount" => r
            .unsigned(value, u64::MAX)
            .map(|v| u.prompt_token_count = v),
        "candidatesTokenCount" => r
            .unsigned(value, u64::MAX)
            .map(|v| u.candidates_token_count = v),
        "thoughtsTokenCount" => r
            .unsigned(value, u64::MAX)
            .map(|v| u.thoughts_token_count = v),
        "cachedContentTokenCount" => r
            .unsigned(value, u64::MAX)
            .map(|v| u.cached_content_token_count = v),
        _ => r.skip(value),
    })?;
    Ok(Some(u))
}

/// A value read with serde_json from its bytes in the frame.
fn from_raw<'a, T: Deserialize<'a>>(raw: &'a str, at: u64) -> Result<T, DecodeError> {
    serde_json::from_str(raw).map_err(|e| DecodeError::invalid_json(&e, at))
}

/// A call whose arguments stream as `partialArgs`.
#[derive(Debug)]
struct Streaming {
    choice: u32,
    index: u32,
    args: Value,
}

/// A candidate's finish reason so far, reported when the stream ends.
#[derive(Debug)]
struct PendingFinish {
    choice: u32,
    reason: FinishReason,
    raw: String,
}

/// Decodes Gemini frames; use it through
/// [`GeminiDecoder`](crate::GeminiDecoder).
#[derive(Debug, Default)]
pub struct GeminiHandler {
    envelope: Envelope,
    parsed: Parsed,
    state: State,
}

/// What the stream has said so far.
#[derive(Debug, Default)]
struct State {
    /// Calls so far per choice.
    calls: Vec<(u32, u32)>,
    streaming: Option<Streaming>,
    usage: Option<Usage>,
    /// Per candidate, in the order they first finished.
    finishes: Vec<PendingFinish>,
    errored: bool,
}

impl State {
    fn next_index(&mut self, choice: u32) -> u32 {
        match self.calls.iter_mut().find(|c| c.0 == choice) {
            Some(c) => {
                c.1 += 1;
                c.1 - 1
            }
            None => {
                self.calls.push((choice, 1));
                0
            }
        }
    }

    /// Records a finish reason of `choice`: the last one counts, except
    /// that `STOP` does not replace another reason.
    fn note_finish(&mut self, choice: u32, reason: FinishReason, raw: &str) {
        match self.finishes.iter_mut().find(|f| f.choice == choice) {
            Some(f) if reason == FinishReason::Stop && f.reason != FinishReason::Stop => {}
            Some(f) => {
                f.reason = reason;
                f.raw.clear();
                f.raw.push_str(raw);
            }
            None => self.finishes.push(PendingFinish {
                choice,
                reason,
                raw: raw.to_string(),
            }),
        }
    }

    /// Reports each candidate's finish.
    fn send_finishes(&mut self, sink: &mut Sink<'_>) {
        for f in std::mem::take(&mut self.finishes) {
            let called = self.calls.iter().any(|c| c.0 == f.choice && c.1 > 0);
            let reason = match f.reason {
                FinishReason::Stop if called => FinishReason::ToolCalls,
                r => r,
            };
            sink(StreamEvent::Finish {
                choice: f.choice,
                reason,
                raw: Cow::Owned(f.raw),
            });
        }
    }

    fn end_streaming(&mut self, sink: &mut Sink<'_>) {
        if let Some(s) = self.streaming.take() {
            let json = if s.args.is_null() {
                None
            } else {
                Some(s.args.to_string())
            };
            if let Some(json) = json {
                sink(StreamEvent::ToolArgsDelta {
                    choice: s.choice,
                    index: s.index,
                    json: Cow::Owned(json),
                });
            }
            sink(StreamEvent::ToolCallEnd {
                choice: s.choice,
                index: s.index,
            });
        }
    }

    fn function_call(
        &mut self,
        choice: u32,
        call: &FunctionCall,
        strings: Strings<'_>,
        at: u64,
        sink: &mut Sink<'_>,
    ) -> Result<(), DecodeError> {
        let continues = call.will_continue == Some(true);
        if let Some(raw) = call.partial_args.clone() {
            let partials: Vec<PartialArg> = from_raw(strings.slice(raw), at)?;
            let Some(s) = self.streaming.as_mut().filter(|s| s.choice == choice) else {
                return Err(DecodeError::shape(
                    "partialArgs without a function call in progress",
                    at,
                ));
            };
            for p in partials {
                apply_partial(&mut s.args, p).map_err(|e| DecodeError::shape(e, at))?;
            }
            if !continues {
                self.end_streaming(sink);
            }
            return Ok(());
        }
        let args: Option<Value> = match call.args.clone() {
            Some(raw) => Some(from_raw(strings.slice(raw), at)?),
            None => None,
        };
        let Some(name) = call.name.map(|t| strings.cow(t)).filter(|n| !n.is_empty()) else {
            // Without a name, a functionCall continues (`willContinue`) or
            // closes (empty) a streamed call.
            if args.is_none() && self.streaming.is_some() {
                if !continues {
                    self.end_streaming(sink);
                }
                return Ok(());
            }
            return Err(DecodeError::shape("functionCall without a name", at));
        };
        self.end_streaming(sink);
        let index = self.next_index(choice);
        sink(StreamEvent::ToolCallStart {
            choice,
            index,
            id: call.id.map(|t| strings.cow(t)),
            name,
        });
        match args {
            Some(args) => {
                sink(StreamEvent::ToolArgsDelta {
                    choice,
                    index,
                    json: Cow::Owned(args.to_string()),
                });
                sink(StreamEvent::ToolCallEnd { choice, index });
            }
            None if continues => {
                self.streaming = Some(Streaming {
                    choice,
                    index,
                    args: Value::Null,
                });
            }
            None => sink(StreamEvent::ToolCallEnd { choice, index }),
        }
        Ok(())
    }
}

/// Path segments of a `jsonPath` such as `$.a.b[0]['c d']`.
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let bad = || format!("unsupported jsonPath {path:?}");
    let mut rest = path.strip_prefix('$').ok_or_else(bad)?;
    let mut segs = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return Err(bad());
            }
            segs.push(Seg::Key(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']").ok_or_else(bad)?;
            segs.push(Seg::Key(r[..end].to_string()));
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(bad)?;
            let i: usize = r[..end].parse().map_err(|_| bad())?;
            if i > 100_000 {
                return Err(bad());
            }
            segs.push(Seg::Index(i));
            rest = &r[end + 1..];
        } else {
            return Err(bad());
        }
    }
    Ok(segs)
}

fn apply_partial(root: &mut Value, p: PartialArg) -> Result<(), String> {
    let mut node = root;
    for seg in parse_path(&p.json_path)? {
        node = match seg {
            Seg::Key(k) => {
                if !node.is_object() {
                    *node = Value::Object(Default::default());
                }
                node.as_object_mut()
                    .unwrap()
                    .entry(k)
                    .or_insert(Value::Null)
            }
            Seg::Index(i) => {
                if !node.is_array() {
                    *node = Value::Array(Vec::new());
                }
                let a = node.as_array_mut().unwrap();
                if a.len() <= i {
                    a.resize(i + 1, Value::Null);
                }
                &mut a[i]
            }
        };
    }
    if let Some(s) = p.string_value {
        match node {
            Value::String(prev) => prev.push_str(&s),
            other => *other = Value::String(s),
        }
    } else if let Some(n) = p.number_value {
        *node = Value::Number(n);
    } else if let Some(b) = p.bool_value {
        *node = Value::Bool(b);
    } else if p.null_value.is_some() {
        *node = Value::Null;
    } else if node.is_null() {
        // A path with no value yet: an empty container or string is
        // announced by the values that follow.
    }
    Ok(())
}

impl FrameHandler for GeminiHandler {
    fn frame(&mut self, frame: &SseEvent<'_>, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        let data = frame.data();
        let at = frame.offset();
        let parsed = &mut self.parsed;
        parsed.candidates.clear();
        parsed.parts.clear();
        parsed.usage = None;
        parsed.block_reason = None;
        parsed.error = false;
        let ((), strings) = self.envelope.read(data, at, |r| read_chunk(r, parsed))?;
        let state = &mut self.state;
        if parsed.error {
            let v: Value = parse_json(data, at)?;
            if let Some(e) = error_in(&v) {
                state.errored = true;
                sink(StreamEvent::Error(e));
                return Ok(());
            }
        }
        if let Some(u) = parsed.usage {
            let thoughts = u.thoughts_token_count;
            let mut usage = Usage::new(
                u.prompt_token_count.unwrap_or(0),
                u.candidates_token_count.unwrap_or(0) + thoughts.unwrap_or(0),
            );
            usage.reasoning_tokens = thoughts;
            usage.cached_tokens = u.cached_content_token_count;
            state.usage = Some(usage);
        }
        if let Some(reason) = parsed.block_reason {
            state.note_finish(0, FinishReason::ContentFilter, strings.get(reason));
        }
        for cand in &parsed.candidates {
            let choice = cand.index.unwrap_or(0);
            for part in &parsed.parts[cand.parts.clone()] {
                if let Some(call) = &part.function_call {
                    state.function_call(choice, call, strings, at, sink)?;
                }
                if let Some(text) = part.text.map(|t| strings.cow(t)).filter(|t| !t.is_empty()) {
                    if part.thought == Some(true) {
                        sink(StreamEvent::ReasoningDelta { choice, text });
                    } else {
                        sink(StreamEvent::TextDelta { choice, text });
                    }
                }
            }
            if let Some(raw) = cand
                .finish_reason
                .map(|t| strings.get(t))
                .filter(|r| !r.is_empty())
            {
                state.end_streaming(sink);
                state.note_finish(choice, FinishReason::from_raw(raw), raw);
            }
        }
        Ok(())
    }

    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.state.end(position, sink)
    }
}

impl State {
    /// The body ended after `position` bytes.
    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.end_streaming(sink);
        let finished = !self.finishes.is_empty();
        self.send_finishes(sink);
        if let Some(u) = self.usage.take() {
            sink(StreamEvent::Usage(u));
        }
        if self.errored || finished {
            Ok(())
        } else {
            Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
        }
    }
}
