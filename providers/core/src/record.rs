//! Stream events as flat records: a `type`, then the event's own fields,
//! then `choice` when it is not 0. The command line's `structream sse`
//! prints each record as one JSON object per line ([`event_line`]); the
//! Python bindings build one `dict` per record from the same fields
//! ([`event_fields`]).
//!
//! | `type` | fields |
//! | --- | --- |
//! | `text_delta` | `text` |
//! | `tool_call_start` | `index`, `call`, `id` (or null), `name` |
//! | `tool_args_delta` | `index`, `call`, `json` |
//! | `tool_call_end` | `index`, `call` |
//! | `reasoning_delta` | `text` |
//! | `reasoning_redacted` | `data` |
//! | `refusal` | `text` |
//! | `server_tool` | `index`, `id` (or null), `name`, `input` when it is JSON |
//! | `usage` | `input_tokens`, `output_tokens`, `reasoning_tokens` and `cached_tokens` when known |
//! | `finish` | `reason` (normalised), `raw` (the provider's) |
//! | `error` | `message`, `kind`, `code`, `status` when known |
//!
//! `index` is the provider's index of a tool call, `call` its ordinal among
//! the choice's tool calls ([`CallOrdinals`](crate::CallOrdinals)). A
//! stream that cannot be decoded ends with an `error` record of `kind`
//! `decode` with the `offset` of the failure ([`decode_error_fields`]).

use std::borrow::Cow;
use std::convert::Infallible;

use crate::error::DecodeError;
use crate::event::StreamEvent;

/// The value of one field of a record.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Field<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// A count, an index or a status.
    Int(u64),
    /// No value (a tool call without an id).
    Null,
    /// A value given as JSON text (a server tool's input), to be embedded
    /// as the value it denotes.
    Json(&'a str),
}

impl<'a> From<&'a str> for Field<'a> {
    fn from(s: &'a str) -> Self {
        Field::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Field<'_> {
    fn from(s: String) -> Self {
        Field::Str(Cow::Owned(s))
    }
}

impl From<u64> for Field<'_> {
    fn from(n: u64) -> Self {
        Field::Int(n)
    }
}

impl From<u32> for Field<'_> {
    fn from(n: u32) -> Self {
        Field::Int(n.into())
    }
}

impl From<u16> for Field<'_> {
    fn from(n: u16) -> Self {
        Field::Int(n.into())
    }
}

impl<'a, T: Into<Field<'a>>> From<Option<T>> for Field<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Field::Null, Into::into)
    }
}

/// Hands the record of `event` to `f`, one field at a time and in order:
/// `type` first, `choice` last (only when it is not 0). `call` is the
/// ordinal of a tool-call event's call (0 when not given). Stops at the
/// first error `f` returns.
pub fn event_fields<'e, E>(
    event: &'e StreamEvent<'_>,
    call: Option<u32>,
    mut f: impl FnMut(&'static str, Field<'e>) -> Result<(), E>,
) -> Result<(), E> {
    let call = call.unwrap_or(0);
    match event {
        StreamEvent::TextDelta { text, .. } => {
            f("type", "text_delta".into())?;
            f("text", (&**text).into())?;
        }
        StreamEvent::ToolCallStart {
            index, id, name, ..
        } => {
            f("type", "tool_call_start".into())?;
            f("index", (*index).into())?;
            f("call", call.into())?;
            f("id", id.as_deref().into())?;
            f("name", (&**name).into())?;
        }
        StreamEvent::ToolArgsDelta { index, json, .. } => {
            f("type", "tool_args_delta".into())?;
            f("index", (*index).into())?;
            f("call", call.into())?;
            f("json", (&**json).into())?;
        }
        StreamEvent::ToolCallEnd { index, .. } => {
            f("type", "tool_call_end".into())?;
            f("index", (*index).into())?;
            f("call", call.into())?;
        }
        StreamEvent::ReasoningDelta { text, .. } => {
            f("type", "reasoning_delta".into())?;
            f("text", (&**text).into())?;
        }
        StreamEvent::RedactedReasoning { data, .. } => {
            f("type", "reasoning_redacted".into())?;
            f("data", (&**data).into())?;
        }
        StreamEvent::Refusal { text, .. } => {
            f("type", "refusal".into())?;
            f("text", (&**text).into())?;
        }
        StreamEvent::ServerTool {
            index,
            id,
            name,
            input,
            ..
        } => {
            f("type", "server_tool".into())?;
            f("index", (*index).into())?;
            f("id", id.as_deref().into())?;
            f("name", (&**name).into())?;
            if let Some(input) = input {
                f("input", Field::Json(input))?;
            }
        }
        StreamEvent::Usage(u) => {
            f("type", "usage".into())?;
            f("input_tokens", u.input_tokens.into())?;
            f("output_tokens", u.output_tokens.into())?;
            if let Some(n) = u.reasoning_tokens {
                f("reasoning_tokens", n.into())?;
            }
            if let Some(n) = u.cached_tokens {
                f("cached_tokens", n.into())?;
            }
        }
        StreamEvent::Finish { reason, raw, .. } => {
            f("type", "finish".into())?;
            f("reason", reason.as_str().into())?;
            f("raw", (&**raw).into())?;
        }
        StreamEvent::Error(e) => {
            f("type", "error".into())?;
            f("message", e.message.as_str().into())?;
            if let Some(kind) = &e.kind {
                f("kind", kind.as_str().into())?;
            }
            if let Some(code) = &e.code {
                f("code", code.as_str().into())?;
            }
            if let Some(status) = e.status {
                f("status", status.into())?;
            }
        }
    }
    match event.choice() {
        0 => Ok(()),
        choice => f("choice", choice.into()),
    }
}

/// Hands the `error` record of a stream that could not be decoded (or was
/// cut short) to `field`: `type`, `message`, `kind` (`decode`), `offset`.
pub fn decode_error_fields<E>(
    error: &DecodeError,
    mut field: impl FnMut(&'static str, Field<'_>) -> Result<(), E>,
) -> Result<(), E> {
    field("type", "error".into())?;
    field("message", error.to_string().into())?;
    field("kind", "decode".into())?;
    field("offset", error.offset().into())
}

/// The record of `event` as one line of compact JSON, fields in record
/// order (the `structream sse` output line, without its line end). A
/// server tool's input that is not valid JSON is left out.
///
/// ```
/// use std::borrow::Cow;
/// use structream_provider::StreamEvent;
/// use structream_provider::record::event_line;
///
/// let e = StreamEvent::ToolArgsDelta { choice: 1, index: 3, json: Cow::Borrowed("{\"a\":") };
/// assert_eq!(
///     event_line(&e, Some(0)),
///     r#"{"type":"tool_args_delta","index":3,"call":0,"json":"{\"a\":","choice":1}"#
/// );
/// ```
pub fn event_line(event: &StreamEvent<'_>, call: Option<u32>) -> String {
    let mut line = JsonLine::default();
    let Ok(()) = event_fields(event, call, |name, value| line.field(name, value));
    line.finish()
}

/// The record of a decoding error as one line of compact JSON (see
/// [`decode_error_fields`]).
pub fn decode_error_line(error: &DecodeError) -> String {
    let mut line = JsonLine::default();
    let Ok(()) = decode_error_fields(error, |name, value| line.field(name, value));
    line.finish()
}

/// A JSON object written field by field.
#[derive(Default)]
struct JsonLine(String);

impl JsonLine {
    fn field(&mut self, name: &str, value: Field<'_>) -> Result<(), Infallible> {
        let value = match value {
            Field::Str(s) => serde_json::Value::from(s.as_ref()),
            Field::Int(n) => serde_json::Value::from(n),
            Field::Null => serde_json::Value::Null,
            Field::Json(text) => match serde_json::from_str(text) {
                Ok(v) => v,
                Err(_) => return Ok(()),
            },
        };
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        self.0.push('"');
        self.0.push_str(name);
        self.0.push_str("\":");
        self.0.push_str(&value.to_string());
        Ok(())
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DecodeErrorKind, ProviderError};
    use crate::event::{FinishReason, Usage};

    #[test]
    fn lines_put_type_first_and_choice_only_when_not_zero() {
        let e = StreamEvent::ToolCallStart {
            choice: 0,
            index: 1,
            id: Some(Cow::Borrowed("call_1")),
            name: Cow::Borrowed("f"),
        };
        assert_eq!(
            event_line(&e, Some(0)),
            r#"{"type":"tool_call_start","index":1,"call":0,"id":"call_1","name":"f"}"#
        );
        let e = StreamEvent::TextDelta {
            choice: 2,
            text: Cow::Borrowed("a\"b"),
        };
        assert_eq!(
            event_line(&e, None),
            r#"{"type":"text_delta","text":"a\"b","choice":2}"#
        );
        let e = StreamEvent::Finish {
            choice: 0,
            reason: FinishReason::Length,
            raw: Cow::Borrowed("max_tokens"),
        };
        assert_eq!(
            event_line(&e, None),
            r#"{"type":"finish","reason":"length","raw":"max_tokens"}"#
        );
        assert_eq!(
            event_line(&StreamEvent::Usage(Usage::new(3, 4)), None),
            r#"{"type":"usage","input_tokens":3,"output_tokens":4}"#
        );
        let e = StreamEvent::ServerTool {
            choice: 0,
            index: 1,
            id: Some(Cow::Borrowed("srvtoolu_1")),
            name: Cow::Borrowed("web_search"),
            input: Some(Cow::Borrowed(r#"{"query": "Paris"}"#)),
        };
        assert_eq!(
            event_line(&e, None),
            r#"{"type":"server_tool","index":1,"id":"srvtoolu_1","name":"web_search","input":{"query":"Paris"}}"#
        );
        let e = StreamEvent::ServerTool {
            choice: 1,
            index: 0,
            id: None,
            name: Cow::Borrowed("image_generation"),
            input: Some(Cow::Borrowed("not json")),
        };
        assert_eq!(
            event_line(&e, None),
            r#"{"type":"server_tool","index":0,"id":null,"name":"image_generation","choice":1}"#
        );
        let mut err = ProviderError::new("Overloaded");
        err.kind = Some("overloaded_error".into());
        err.status = Some(529);
        assert_eq!(
            event_line(&StreamEvent::Error(err), None),
            r#"{"type":"error","message":"Overloaded","kind":"overloaded_error","status":529}"#
        );
    }

    #[test]
    fn a_decode_error_has_its_kind_and_offset() {
        let e = DecodeError::new(DecodeErrorKind::Truncated, 17);
        assert_eq!(
            decode_error_line(&e),
            format!(r#"{{"type":"error","message":"{e}","kind":"decode","offset":17}}"#)
        );
    }

    #[test]
    fn a_failing_sink_stops_the_record() {
        let e = StreamEvent::ToolCallEnd {
            choice: 3,
            index: 0,
        };
        let mut names = Vec::new();
        let r = event_fields(&e, Some(5), |name, _| {
            names.push(name);
            if name == "index" { Err(()) } else { Ok(()) }
        });
        assert_eq!(r, Err(()));
        assert_eq!(names, ["type", "index"]);
    }
}
