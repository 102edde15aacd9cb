//! Provider stream events as the `dict`s `decode_events` yields: the very
//! objects `structream sse` prints, one per event (`{"type":
//! "tool_args_delta", "index": 0, "call": 0, "json": "{\"a"}`), `type`
//! first and `choice` only when it is not 0.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use structream_provider::{DecodeError, StreamEvent};

/// The `dict` of `event`; `call` is the ordinal of a tool call event's call.
pub(crate) fn event_dict<'py>(
    py: Python<'py>,
    event: &StreamEvent<'_>,
    call: Option<u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let call = call.unwrap_or(0);
    let (d, choice) = match event {
        StreamEvent::TextDelta { choice, text } => {
            let d = typed(py, intern!(py, "text_delta"))?;
            d.set_item(intern!(py, "text"), &**text)?;
            (d, *choice)
        }
        StreamEvent::ToolCallStart {
            choice,
            index,
            id,
            name,
        } => {
            let d = tool(py, intern!(py, "tool_call_start"), *index, call)?;
            d.set_item(intern!(py, "id"), id.as_deref())?;
            d.set_item(intern!(py, "name"), &**name)?;
            (d, *choice)
        }
        StreamEvent::ToolArgsDelta {
            choice,
            index,
            json,
        } => {
            let d = tool(py, intern!(py, "tool_args_delta"), *index, call)?;
            d.set_item(intern!(py, "json"), &**json)?;
            (d, *choice)
        }
        StreamEvent::ToolCallEnd { choice, index } => (
            tool(py, intern!(py, "tool_call_end"), *index, call)?,
            *choice,
        ),
        StreamEvent::ReasoningDelta { choice, text } => {
            let d = typed(py, intern!(py, "reasoning_delta"))?;
            d.set_item(intern!(py, "text"), &**text)?;
            (d, *choice)
        }
        StreamEvent::RedactedReasoning { choice, data } => {
            let d = typed(py, intern!(py, "reasoning_redacted"))?;
            d.set_item(intern!(py, "data"), &**data)?;
            (d, *choice)
        }
        StreamEvent::Refusal { choice, text } => {
            let d = typed(py, intern!(py, "refusal"))?;
            d.set_item(intern!(py, "text"), &**text)?;
            (d, *choice)
        }
        StreamEvent::ServerTool {
            choice,
            index,
            id,
            name,
            input,
        } => {
            let d = typed(py, intern!(py, "server_tool"))?;
            d.set_item(intern!(py, "index"), *index)?;
            d.set_item(intern!(py, "id"), id.as_deref())?;
            d.set_item(intern!(py, "name"), &**name)?;
            if let Some(input) = input {
                d.set_item(intern!(py, "input"), crate::convert::json_text(py, input)?)?;
            }
            (d, *choice)
        }
        StreamEvent::Usage(u) => {
            let d = typed(py, intern!(py, "usage"))?;
            d.set_item(intern!(py, "input_tokens"), u.input_tokens)?;
            d.set_item(intern!(py, "output_tokens"), u.output_tokens)?;
            if let Some(n) = u.reasoning_tokens {
                d.set_item(intern!(py, "reasoning_tokens"), n)?;
            }
            if let Some(n) = u.cached_tokens {
                d.set_item(intern!(py, "cached_tokens"), n)?;
            }
            (d, 0)
        }
        StreamEvent::Finish {
            choice,
            reason,
            raw,
        } => {
            let d = typed(py, intern!(py, "finish"))?;
            d.set_item(intern!(py, "reason"), reason.as_str())?;
            d.set_item(intern!(py, "raw"), &**raw)?;
            (d, *choice)
        }
        StreamEvent::Error(e) => {
            let d = typed(py, intern!(py, "error"))?;
            d.set_item(intern!(py, "message"), e.message.as_str())?;
            if let Some(kind) = &e.kind {
                d.set_item(intern!(py, "kind"), kind)?;
            }
            if let Some(code) = &e.code {
                d.set_item(intern!(py, "code"), code)?;
            }
            if let Some(status) = e.status {
                d.set_item(intern!(py, "status"), status)?;
            }
            (d, 0)
        }
        // `StreamEvent` may grow: a new kind shows with its debug form, as
        // the command line prints it, rather than being dropped.
        other => {
            let d = typed(py, intern!(py, "other"))?;
            d.set_item(intern!(py, "debug"), format!("{other:?}"))?;
            (d, 0)
        }
    };
    if choice != 0 {
        d.set_item(intern!(py, "choice"), choice)?;
    }
    Ok(d)
}

/// The `error` dict of a stream that could not be decoded (or was cut).
pub(crate) fn decode_error_dict<'py>(
    py: Python<'py>,
    e: &DecodeError,
) -> PyResult<Bound<'py, PyDict>> {
    let d = typed(py, intern!(py, "error"))?;
    d.set_item(intern!(py, "message"), e.to_string())?;
    d.set_item(intern!(py, "kind"), "decode")?;
    d.set_item(intern!(py, "offset"), e.offset())?;
    Ok(d)
}

fn typed<'py>(
    py: Python<'py>,
    kind: &Bound<'py, pyo3::types::PyString>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "type"), kind)?;
    Ok(d)
}

fn tool<'py>(
    py: Python<'py>,
    kind: &Bound<'py, pyo3::types::PyString>,
    index: u32,
    call: u32,
) -> PyResult<Bound<'py, PyDict>> {
    let d = typed(py, kind)?;
    d.set_item(intern!(py, "index"), index)?;
    d.set_item(intern!(py, "call"), call)?;
    Ok(d)
}
