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
use super::results::ResultError;

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

#[derive(Deserialize)]
struct OpenAiLine<'a> {
    #[serde(borrow, default)]
    custom_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    response: Option<OpenAiResponse<'a>>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct OpenAiResponse<'a> {
    #[serde(default)]
    status_code: Option<u16>,
    #[serde(borrow)]
    body: &'a RawValue,
}

fn openai<'a>(
    format: Format,
    line: &'a [u8],
    sink: &mut Sink<'_>,
) -> Result<(Cow<'a, str>, Outcome), Malformed> {
    let l: OpenAiLine<'a> = parse(line, None)?;
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
        Format::OpenAiResponses => responses_body(body, &id, sink)?,
        _ => chat_body(body, &id, sink)?,
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

fn chat_body(body: &[u8], id: &str, sink: &mut Sink<'_>) -> Result<(), Malformed> {
    let b: ChatBody<'_> = parse(body, Some(id))?;
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

fn responses_body(body: &[u8], id: &str, sink: &mut Sink<'_>) -> Result<(), Malformed> {
    let b: ResponsesBody<'_> = parse(body, Some(id))?;
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
    Ok(())
}

// ---- Anthropic: {"custom_id", "result": {"type", "message" | "error"}} ----

#[derive(Deserialize)]
struct AnthropicLine<'a> {
    #[serde(borrow, default)]
    custom_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    result: Option<AnthropicResult<'a>>,
}

#[derive(Deserialize)]
struct AnthropicResult<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
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
    let l: AnthropicLine<'a> = parse(line, None)?;
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
    let m: AnthropicMessage<'_> = parse(message.get().as_bytes(), Some(&id))?;
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
    Ok((id, Outcome::Answered))
}

// ---- Gemini: {"key", "response" | "error"} (a results file) ----

#[derive(Deserialize)]
struct GeminiLine<'a> {
    #[serde(borrow, default)]
    key: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    metadata: Option<GeminiMetadata<'a>>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
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
    let l: GeminiLine<'a> = parse(line, None)?;
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
    let r: GeminiResponse<'_> = parse(response.get().as_bytes(), Some(&id))?;
    if let Some(block) = r.prompt_feedback.and_then(|f| f.block_reason) {
        finish(sink, Some(&block));
        return Ok((id, Outcome::Answered));
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
    Ok((id, Outcome::Answered))
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
