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
//! Other events (built-in tool progress, annotations, part boundaries …) are
//! skipped on purpose: they carry nothing a structured call consumes.

use std::borrow::Cow;

use serde::Deserialize;
use structream_provider::provider::{FrameHandler, Sink, parse_json};
use structream_provider::sse::SseEvent;
use structream_provider::{DecodeError, DecodeErrorKind, FinishReason, StreamEvent};

use super::RawUsage;
use crate::error::responses_error;

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default)]
    output_index: Option<u32>,
    /// Text for the text and argument events (other events put objects
    /// here).
    #[serde(borrow, default)]
    delta: MaybeStr<'a>,
    #[serde(borrow, default)]
    arguments: MaybeStr<'a>,
    #[serde(borrow, default)]
    item: Option<Item<'a>>,
    #[serde(borrow, default)]
    response: Option<Response<'a>>,
}

/// A string, borrowed where it has no escapes; any other JSON value reads
/// as `None`.
#[derive(Default)]
struct MaybeStr<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for MaybeStr<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, IgnoredAny, Visitor};
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = MaybeStr<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Owned(s.to_string()))))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Owned(s))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    /// A JSON text for `function_call` items (other items put objects here).
    #[serde(default)]
    arguments: Option<serde_json::Value>,
}

impl Item<'_> {
    fn arguments_text(&mut self) -> Option<Cow<'static, str>> {
        match self.arguments.take() {
            Some(serde_json::Value::String(s)) => Some(Cow::Owned(s)),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(default)]
    usage: Option<RawUsage>,
    #[serde(borrow, default)]
    incomplete_details: Option<IncompleteDetails<'a>>,
}

#[derive(Deserialize)]
struct IncompleteDetails<'a> {
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
}

#[derive(Debug)]
struct Call {
    index: u32,
    args_seen: bool,
    ended: bool,
}

/// Decodes Responses API frames; use it through
/// [`ResponsesDecoder`](crate::ResponsesDecoder).
#[derive(Debug, Default)]
pub struct ResponsesHandler {
    calls: Vec<Call>,
    terminal: bool,
}

impl ResponsesHandler {
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
        let ev: Event<'_> = parse_json(data, frame.offset())?;
        if self.terminal {
            if ev.kind == "response.created" {
                return Err(DecodeError::shape(
                    "a second response in one stream",
                    frame.offset(),
                ));
            }
            // Nothing else is expected after the end; it is ignored.
            return Ok(());
        }
        let index = ev.output_index.unwrap_or(0);
        match &*ev.kind {
            "response.output_item.added" => {
                if let Some(item) = ev.item
                    && item.kind == "function_call"
                {
                    let name = item.name.filter(|n| !n.is_empty()).ok_or_else(|| {
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
                        id: item.call_id,
                        name,
                    });
                }
            }
            "response.function_call_arguments.delta" => {
                let Some(call) = self.call(index) else {
                    return Err(DecodeError::shape(
                        format!("arguments for output_index {index}, which is no function call"),
                        frame.offset(),
                    ));
                };
                if let Some(d) = ev.delta.0.filter(|d| !d.is_empty())
                    && !call.ended
                {
                    call.args_seen = true;
                    sink(StreamEvent::ToolArgsDelta {
                        choice: 0,
                        index,
                        json: d,
                    });
                }
            }
            "response.function_call_arguments.done" => {
                self.end_call(index, ev.arguments.0, sink);
            }
            "response.output_item.done" => {
                if let Some(mut item) = ev.item
                    && item.kind == "function_call"
                {
                    let arguments = item.arguments_text();
                    self.end_call(index, arguments, sink);
                }
            }
            "response.output_text.delta" => {
                if let Some(text) = ev.delta.0.filter(|d| !d.is_empty()) {
                    sink(StreamEvent::TextDelta { choice: 0, text });
                }
            }
            "response.refusal.delta" => {
                if let Some(text) = ev.delta.0.filter(|d| !d.is_empty()) {
                    sink(StreamEvent::Refusal { choice: 0, text });
                }
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                if let Some(text) = ev.delta.0.filter(|d| !d.is_empty()) {
                    sink(StreamEvent::ReasoningDelta { choice: 0, text });
                }
            }
            "response.completed" | "response.incomplete" => {
                self.end_all(sink);
                self.terminal = true;
                let response = ev.response;
                let (reason, raw) = if ev.kind == "response.completed" {
                    if self.calls.is_empty() {
                        (FinishReason::Stop, Cow::Borrowed("completed"))
                    } else {
                        (FinishReason::ToolCalls, Cow::Borrowed("completed"))
                    }
                } else {
                    let raw = response
                        .as_ref()
                        .and_then(|r| r.incomplete_details.as_ref())
                        .and_then(|d| d.reason.clone())
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
                    sink(StreamEvent::Usage(u.to_usage()));
                }
            }
            "response.failed" | "error" => {
                self.terminal = true;
                let v: serde_json::Value = parse_json(data, frame.offset())?;
                sink(StreamEvent::Error(responses_error(&v)));
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if self.terminal {
            return Ok(());
        }
        self.end_all(sink);
        Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
    }
}
