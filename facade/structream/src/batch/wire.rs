//! One line of a results file, per provider: its `custom_id` and either
//! the answer, handed on as the [`StreamEvent`]s a live call's stream
//! would have carried (so the live call's driver extracts and validates
//! it), or the provider's error for that request.
//!
//! Envelopes are read with borrowed serde structs (strings without escapes
//! and the tool inputs stay slices of the line), as the live decoders do.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use structream_provider::{FinishReason, ProviderError, StreamEvent, Usage};

use super::Format;
use super::result_error::ResultError;

/// What a line says about its request.
pub(crate) enum Outcome {
    /// The answer's events went to the sink.
    Answered,
    /// The provider did not answer.
    Failed(ResultError),
}

/// A line that is not a result line: what is wrong, and its custom id if
/// one could be read.
pub(crate) struct Malformed {
    pub(crate) id: Option<String>,
    pub(crate) message: String,
}

type Sink<'s> = dyn FnMut(StreamEvent<'_>) + 's;

/// Reads one results line of `format`; its custom id, and what happened.
pub(crate) fn read_line<'a>(
    format: Format,
    line: &'a [u8],
    sink: &mut Sink<'_>,
) -> Result<(Cow<'a, str>, Outcome), Malformed> {
    match format {
        Format::OpenAiChat | Format::OpenAiResponses => openai(format, line, sink),
        Format::Anthropic => anthropic(line, sink),
        Format::Gemini => gemini(line, sink),
    }
}

fn malformed(id: Option<&str>, message: impl Into<String>) -> Malformed {
    Malformed {
        id: id.map(str::to_owned),
        message: message.into(),
    }
}

fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8], id: Option<&str>) -> Result<T, Malformed> {
    serde_json::from_slice(bytes).map_err(|e| malformed(id, format!("not a result line: {e}")))
}

fn finish(sink: &mut Sink<'_>, raw: Option<&str>) {
    if let Some(raw) = raw {
        sink(StreamEvent::Finish {
            choice: 0,
            reason: FinishReason::from_raw(raw),
            raw: Cow::Borrowed(raw),
        });
    }
}

fn provider_error(value: &Value, fallback: &str) -> ProviderError {
    ProviderError::from_json(value).unwrap_or_else(|| {
        let mut e = ProviderError::new(fallback);
        if !value.is_null() {
            e.message = format!("{fallback}: {value}");
        }
        e
    })
}

// ---- OpenAI: {"custom_id", "response": {"status_code", "body"}, "error"} ----

/// A line with its response's body as `B`: the raw body, or the body
/// read as an answer's.
#[derive(Deserialize)]
struct OpenAiLine<'a, B> {
    #[serde(borrow, default)]
    custom_id: Option<Cow<'a, str>>,
    #[serde(default = "Option::default")]
    response: Option<OpenAiResponse<B>>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct OpenAiResponse<B> {
    #[serde(default)]
    status_code: Option<u16>,
    body: B,
}

/// The id and body of an answered line, read in one pass; `None` for
/// anything else (an error, a status outside 2xx, a body not in the
/// answer's shape), read in two.
fn openai_answered<'a, B: Deserialize<'a>>(line: &'a [u8]) -> Option<(Cow<'a, str>, B)> {
    let l: OpenAiLine<'a, B> = serde_json::from_slice(line).ok()?;
    let response = l.response?;
    let answered = l.error.is_none_or(|e| e.is_null())
        && (200..300).contains(&response.status_code.unwrap_or(200));
    Some((l.custom_id?, response.body)).filter(|_| answered)
}

fn openai<'a>(
    format: Format,
    line: &'a [u8],
    sink: &mut Sink<'_>,
) -> Result<(Cow<'a, str>, Outcome), Malformed> {
    let answered = match format {
        Format::OpenAiResponses => openai_answered(line).map(|(id, body)| {
            responses_events(body, sink);
            Ok(id)
        }),
        _ => openai_answered(line).map(|(id, body)| chat_events(body, &id, sink).map(|()| id)),
    };
    if let Some(id) = answered {
        return Ok((id?, Outcome::Answered));
    }
    let l: OpenAiLine<'a, &'a RawValue> = parse(line, None)?;
    let id = l.custom_id.ok_or_else(|| malformed(None, "no custom_id"))?;
    if let Some(error) = l.error.filter(|e| !e.is_null()) {
        let e = provider_error(&error, "the request failed");
        let outcome = match e.code.as_deref() {
            Some("batch_expired") => ResultError::Expired { message: e.message },
            Some("batch_cancelled") => ResultError::Canceled { message: e.message },
            _ => ResultError::Provider(e),
        };
        return Ok((id, Outcome::Failed(outcome)));
    }
    let response = l
        .response
        .ok_or_else(|| malformed(Some(&id), "neither response nor error"))?;
    let status = response.status_code.unwrap_or(200);
    if !(200..300).contains(&status) {
        let mut e = ProviderError::from_http_body(status, response.body.get().as_bytes());
        e.status = Some(status);
        return Ok((id, Outcome::Failed(ResultError::Provider(e))));
    }
    let body = response.body.get().as_bytes();
    match format {
        Format::OpenAiResponses => responses_events(parse(body, Some(&id))?, sink),
        _ => chat_events(parse(body, Some(&id))?, &id, sink)?,
    }
    Ok((id, Outcome::Answered))
}

#[derive(Deserialize)]
struct ChatBody<'a> {
    #[serde(borrow)]
    choices: Vec<ChatChoice<'a>>,
    #[serde(default)]
    usage: Option<ChatUsage>,
}

#[derive(Deserialize)]
struct ChatChoice<'a> {
    #[serde(borrow)]
    message: ChatMessage<'a>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ChatMessage<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<ChatToolCall<'a>>>,
}

#[derive(Deserialize)]
struct ChatToolCall<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    function: ChatFunction<'a>,
}

#[derive(Deserialize)]
struct ChatFunction<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    arguments: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ChatUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

fn tool_call(sink: &mut Sink<'_>, index: u32, id: Option<&str>, name: &str, json: &str) {
    sink(StreamEvent::ToolCallStart {
        choice: 0,
        index,
        id: id.map(Cow::Borrowed),
        name: Cow::Borrowed(name),
    });
    sink(StreamEvent::ToolArgsDelta {
        choice: 0,
        index,
        json: Cow::Borrowed(json),
    });
    sink(StreamEvent::ToolCallEnd { choice: 0, index });
}

fn text(sink: &mut Sink<'_>, text: &str) {
    sink(StreamEvent::TextDelta {
        choice: 0,
        text: Cow::Borrowed(text),
    });
}

fn chat_events(b: ChatBody<'_>, id: &str, sink: &mut Sink<'_>) -> Result<(), Malformed> {
    let choice = b
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| malformed(Some(id), "a chat completion without choices"))?;
    let m = choice.message;
    if let Some(r) = m.refusal.as_deref().filter(|r| !r.is_empty()) {
        sink(StreamEvent::Refusal {
            choice: 0,
            text: Cow::Borrowed(r),
        });
    }
    if let Some(c) = m.content.as_deref().filter(|c| !c.is_empty()) {
        text(sink, c);
    }
    for (i, call) in m.tool_calls.iter().flatten().enumerate() {
        let f = &call.function;
        tool_call(sink, i as u32, call.id.as_deref(), &f.name, &f.arguments);
    }
    if let Some(u) = b.usage {
        sink(StreamEvent::Usage(Usage::new(
            u.prompt_tokens,
            u.completion_tokens,
        )));
    }
    finish(sink, choice.finish_reason.as_deref());
    Ok(())
}

#[derive(Deserialize)]
struct ResponsesBody<'a> {
    #[serde(borrow, default)]
    output: Vec<ResponsesItem<'a>>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    incomplete_details: Option<Incomplete<'a>>,
    #[serde(default)]
    usage: Option<ResponsesUsage>,
}

#[derive(Deserialize)]
struct Incomplete<'a> {
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ResponsesItem<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    arguments: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Vec<ResponsesPart<'a>>,
}

#[derive(Deserialize)]
struct ResponsesPart<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    refusal: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ResponsesUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

fn responses_events(b: ResponsesBody<'_>, sink: &mut Sink<'_>) {
    for (i, item) in b.output.iter().enumerate() {
        match item.kind.as_ref() {
            "function_call" => {
                let name = item.name.as_deref().unwrap_or_default();
                let args = item.arguments.as_deref().unwrap_or_default();
                tool_call(sink, i as u32, item.call_id.as_deref(), name, args);
            }
            "message" => {
                for part in &item.content {
                    match (part.kind.as_ref(), &part.text, &part.refusal) {
                        ("output_text", Some(t), _) => text(sink, t),
                        ("refusal", _, Some(r)) => sink(StreamEvent::Refusal {
                            choice: 0,
                            text: Cow::Borrowed(r),
                        }),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(u) = b.usage {
        sink(StreamEvent::Usage(Usage::new(
            u.input_tokens,
            u.output_tokens,
        )));
    }
    let reason = match b.status.as_deref() {
        Some("incomplete") => b
            .incomplete_details
            .and_then(|d| d.reason)
            .map(Cow::into_owned),
        other => other.map(str::to_owned),
    };
    finish(sink, reason.as_deref());
}

// ---- Anthropic: {"custom_id", "result": {"type", "message" | "error"}} ----

/// A line with its message as `M`: the raw message, or the message read.
#[derive(Deserialize)]
struct AnthropicLine<'a, M> {
    #[serde(borrow, default)]
    custom_id: Option<Cow<'a, str>>,
    #[serde(borrow, default = "Option::default")]
    result: Option<AnthropicResult<'a, M>>,
}

#[derive(Deserialize)]
struct AnthropicResult<'a, M> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default = "Option::default")]
    message: Option<M>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct AnthropicMessage<'a> {
    #[serde(borrow)]
    content: Vec<AnthropicBlock<'a>>,
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<AnthropicUsage>,
}

#[derive(Deserialize)]
struct AnthropicBlock<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    thinking: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct AnthropicUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

fn anthropic<'a>(
    line: &'a [u8],
    sink: &mut Sink<'_>,
) -> Result<(Cow<'a, str>, Outcome), Malformed> {
    // A succeeded line in the usual shape is read in one pass; any other
    // line in two (the message read again once the result's type is
    // known).
    if let Ok(l) = serde_json::from_slice::<AnthropicLine<'a, AnthropicMessage<'a>>>(line)
        && let (Some(id), Some(result)) = (l.custom_id, l.result)
        && result.kind == "succeeded"
        && let Some(message) = result.message
    {
        anthropic_events(message, sink);
        return Ok((id, Outcome::Answered));
    }
    let l: AnthropicLine<'a, &'a RawValue> = parse(line, None)?;
    let id = l.custom_id.ok_or_else(|| malformed(None, "no custom_id"))?;
    let result = l.result.ok_or_else(|| malformed(Some(&id), "no result"))?;
    let failed = |e| Ok((Cow::clone(&id), Outcome::Failed(e)));
    match result.kind.as_ref() {
        "succeeded" => {}
        "errored" => {
            let error = result.error.unwrap_or(Value::Null);
            return failed(ResultError::Provider(provider_error(
                &error,
                "the request failed",
            )));
        }
        "expired" => {
            return failed(ResultError::Expired {
                message: "the batch expired before this request ran".into(),
            });
        }
        "canceled" => {
            return failed(ResultError::Canceled {
                message: "the batch was canceled before this request ran".into(),
            });
        }
        other => {
            return Err(malformed(
                Some(&id),
                format!("unknown result type {other:?}"),
            ));
        }
    }
    let message = result
        .message
        .ok_or_else(|| malformed(Some(&id), "a succeeded result without its message"))?;
    anthropic_events(parse(message.get().as_bytes(), Some(&id))?, sink);
    Ok((id, Outcome::Answered))
}

fn anthropic_events(m: AnthropicMessage<'_>, sink: &mut Sink<'_>) {
    for (i, block) in m.content.iter().enumerate() {
        match block.kind.as_ref() {
            "text" => text(sink, block.text.as_deref().unwrap_or_default()),
            "tool_use" => {
                let name = block.name.as_deref().unwrap_or_default();
                let input = block.input.map_or("", RawValue::get);
                tool_call(sink, i as u32, block.id.as_deref(), name, input);
            }
            "thinking" => sink(StreamEvent::ReasoningDelta {
                choice: 0,
                text: Cow::Borrowed(block.thinking.as_deref().unwrap_or_default()),
            }),
            _ => {}
        }
    }
    if let Some(u) = m.usage {
        sink(StreamEvent::Usage(Usage::new(
            u.input_tokens,
            u.output_tokens,
        )));
    }
    finish(sink, m.stop_reason.as_deref());
}

// ---- Gemini: {"key", "response" | "error"} (a results file) ----

/// A line with its response as `R`: the raw response, or the response
/// read.
#[derive(Deserialize)]
struct GeminiLine<'a, R> {
    #[serde(borrow, default)]
    key: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    metadata: Option<GeminiMetadata<'a>>,
    #[serde(default = "Option::default")]
    response: Option<R>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct GeminiMetadata<'a> {
    #[serde(borrow, default)]
    key: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiResponse<'a> {
    #[serde(borrow, default)]
    candidates: Vec<GeminiCandidate<'a>>,
    #[serde(default)]
    usage_metadata: Option<GeminiUsage>,
    #[serde(borrow, default)]
    prompt_feedback: Option<GeminiFeedback<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiCandidate<'a> {
    #[serde(borrow, default)]
    content: Option<GeminiContent<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct GeminiContent<'a> {
    #[serde(borrow, default)]
    parts: Vec<GeminiPart<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiPart<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    thought: Option<bool>,
    #[serde(borrow, default)]
    function_call: Option<GeminiCall<'a>>,
}

#[derive(Deserialize)]
struct GeminiCall<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    args: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiUsage {
    #[serde(default)]
    prompt_token_count: u64,
    #[serde(default)]
    candidates_token_count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiFeedback<'a> {
    #[serde(borrow, default)]
    block_reason: Option<Cow<'a, str>>,
}

fn gemini<'a>(line: &'a [u8], sink: &mut Sink<'_>) -> Result<(Cow<'a, str>, Outcome), Malformed> {
    // An answered line in the usual shape is read in one pass; any other
    // line in two (the response read again once no error is known).
    if let Ok(l) = serde_json::from_slice::<GeminiLine<'a, GeminiResponse<'a>>>(line)
        && l.error.is_none_or(|e| e.is_null())
        && let Some(id) = l.key.or_else(|| l.metadata.and_then(|m| m.key))
        && let Some(response) = l.response
    {
        gemini_events(response, sink);
        return Ok((id, Outcome::Answered));
    }
    let l: GeminiLine<'a, &'a RawValue> = parse(line, None)?;
    let id = l
        .key
        .or_else(|| l.metadata.and_then(|m| m.key))
        .ok_or_else(|| malformed(None, "no key"))?;
    if let Some(error) = l.error.filter(|e| !e.is_null()) {
        let e = provider_error(&error, "the request failed");
        return Ok((id, Outcome::Failed(ResultError::Provider(e))));
    }
    let response = l
        .response
        .ok_or_else(|| malformed(Some(&id), "neither response nor error"))?;
    gemini_events(parse(response.get().as_bytes(), Some(&id))?, sink);
    Ok((id, Outcome::Answered))
}

fn gemini_events(r: GeminiResponse<'_>, sink: &mut Sink<'_>) {
    if let Some(block) = r.prompt_feedback.and_then(|f| f.block_reason) {
        return finish(sink, Some(&block));
    }
    let candidate = r.candidates.into_iter().next();
    if let Some(c) = &candidate {
        let parts = c.content.as_ref().map_or(&[][..], |c| &c.parts[..]);
        for (i, part) in parts.iter().enumerate() {
            if let Some(call) = &part.function_call {
                let args = call.args.map_or("{}", RawValue::get);
                tool_call(sink, i as u32, None, &call.name, args);
            } else if let Some(t) = &part.text {
                if part.thought == Some(true) {
                    sink(StreamEvent::ReasoningDelta {
                        choice: 0,
                        text: Cow::Borrowed(t),
                    });
                } else {
                    text(sink, t);
                }
            }
        }
    }
    if let Some(u) = r.usage_metadata {
        sink(StreamEvent::Usage(Usage::new(
            u.prompt_token_count,
            u.candidates_token_count,
        )));
    }
    finish(
        sink,
        candidate.as_ref().and_then(|c| c.finish_reason.as_deref()),
    );
}

// ---- A line too long to read: its custom id, from its first bytes ----

/// The custom id (Gemini: `key`) of a line of which only the first bytes
/// are at hand, if it is a top-level member before anything that runs
/// past them.
pub(crate) fn leading_id(format: Format, prefix: &[u8]) -> Option<String> {
    let name = match format {
        Format::Gemini => "key",
        _ => "custom_id",
    };
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(prefix);
    // The visitor stops at the id (or at the end of the bytes at hand):
    // the outcome is what it found, never the whole line.
    let _ = serde::Deserializer::deserialize_map(
        &mut de,
        LeadingId {
            name,
            found: &mut found,
        },
    );
    found
}

struct LeadingId<'f> {
    name: &'static str,
    found: &'f mut Option<String>,
}

impl<'de> serde::de::Visitor<'de> for LeadingId<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a results line")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.name {
                *self.found = Some(map.next_value::<String>()?);
                return Err(serde::de::Error::custom("found"));
            }
            map.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(())
    }
}
