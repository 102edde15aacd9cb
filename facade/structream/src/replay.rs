//! Provider streams made up from an answer, and a loopback server to serve
//! them: for tests, examples and demos that need no key and no network.
//!
//! Each function writes the response body a provider would stream for the
//! given answer, the JSON cut into pieces of `piece` bytes (the way a model
//! emits tokens, splitting strings, escapes and numbers anywhere).
//!
//! ```
//! let body = structream::replay::openai_tool_calls(&[("User", r#"{"name":"Jo","age":7}"#)], 4);
//! let text = String::from_utf8(body).unwrap();
//! assert!(text.starts_with("data: {"));
//! assert!(text.ends_with("data: [DONE]\n\n"));
//! ```

use serde_json::{Value, json};

pub use structream_provider::loopback::{Plan, Server};

/// Splits `text` into pieces of about `piece` bytes, on character
/// boundaries.
pub fn pieces(text: &str, piece: usize) -> Vec<&str> {
    let piece = piece.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + piece).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

fn sse(out: &mut Vec<u8>, event: Option<&str>, data: &Value) {
    if let Some(e) = event {
        out.extend_from_slice(format!("event: {e}\n").as_bytes());
    }
    out.extend_from_slice(format!("data: {data}\n\n").as_bytes());
}

fn chat_chunk(delta: Value, finish: Option<&str>) -> Value {
    json!({
        "id": "chatcmpl-replay", "object": "chat.completion.chunk", "created": 0, "model": "replay",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    })
}

fn chat_usage(out: &mut Vec<u8>, output_tokens: usize) {
    let usage = json!({
        "id": "chatcmpl-replay", "object": "chat.completion.chunk", "created": 0, "model": "replay",
        "choices": [], "usage": {"prompt_tokens": 42, "completion_tokens": output_tokens, "total_tokens": 42 + output_tokens},
    });
    sse(out, None, &usage);
    out.extend_from_slice(b"data: [DONE]\n\n");
}

/// OpenAI Chat Completions: one tool call per `(name, arguments)`, one
/// after the other, then finish reason `tool_calls` and usage.
pub fn openai_tool_calls(calls: &[(&str, &str)], piece: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut tokens = 0;
    for (i, (name, args)) in calls.iter().enumerate() {
        let start = json!({"role": "assistant", "tool_calls": [{"index": i, "id": format!("call_{i}"), "type": "function", "function": {"name": name, "arguments": ""}}]});
        sse(&mut out, None, &chat_chunk(start, None));
        for p in pieces(args, piece) {
            let delta = json!({"tool_calls": [{"index": i, "function": {"arguments": p}}]});
            sse(&mut out, None, &chat_chunk(delta, None));
            tokens += 1;
        }
    }
    sse(&mut out, None, &chat_chunk(json!({}), Some("tool_calls")));
    chat_usage(&mut out, tokens);
    out
}

/// OpenAI Chat Completions: `text` as content, then `finish` (`stop`,
/// `length`, `content_filter`) and usage.
pub fn openai_content(text: &str, piece: usize, finish: &str) -> Vec<u8> {
    let mut out = Vec::new();
    sse(
        &mut out,
        None,
        &chat_chunk(json!({"role": "assistant", "content": ""}), None),
    );
    let mut tokens = 0;
    for p in pieces(text, piece) {
        sse(&mut out, None, &chat_chunk(json!({"content": p}), None));
        tokens += 1;
    }
    sse(&mut out, None, &chat_chunk(json!({}), Some(finish)));
    chat_usage(&mut out, tokens);
    out
}

/// OpenAI Chat Completions: a refusal.
pub fn openai_refusal(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    sse(
        &mut out,
        None,
        &chat_chunk(json!({"role": "assistant", "refusal": text}), None),
    );
    sse(&mut out, None, &chat_chunk(json!({}), Some("stop")));
    chat_usage(&mut out, 5);
    out
}

/// OpenAI Responses API: a `function_call` output item whose arguments
/// stream as `response.function_call_arguments.delta`s, then
/// `response.completed` with usage.
pub fn openai_responses_function_call(name: &str, args: &str, piece: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let item = |status: &str, arguments: &str| json!({"type": "function_call", "id": "fc_replay", "call_id": "call_0", "name": name, "arguments": arguments, "status": status});
    sse(
        &mut out,
        Some("response.created"),
        &json!({"type": "response.created", "sequence_number": 0, "response": {"id": "resp_replay", "status": "in_progress", "output": []}}),
    );
    sse(
        &mut out,
        Some("response.output_item.added"),
        &json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0, "item": item("in_progress", "")}),
    );
    let mut tokens = 0;
    for p in pieces(args, piece) {
        sse(
            &mut out,
            Some("response.function_call_arguments.delta"),
            &json!({"type": "response.function_call_arguments.delta", "sequence_number": 2 + tokens, "item_id": "fc_replay", "output_index": 0, "delta": p}),
        );
        tokens += 1;
    }
    sse(
        &mut out,
        Some("response.function_call_arguments.done"),
        &json!({"type": "response.function_call_arguments.done", "item_id": "fc_replay", "output_index": 0, "arguments": args}),
    );
    sse(
        &mut out,
        Some("response.output_item.done"),
        &json!({"type": "response.output_item.done", "output_index": 0, "item": item("completed", args)}),
    );
    sse(
        &mut out,
        Some("response.completed"),
        &json!({"type": "response.completed", "response": {"id": "resp_replay", "status": "completed", "output": [item("completed", args)], "usage": {"input_tokens": 42, "output_tokens": tokens, "total_tokens": 42 + tokens}}}),
    );
    out
}

/// Anthropic Messages: a `tool_use` block whose input streams as
/// `input_json_delta`s, then `stop_reason` (`tool_use`, `max_tokens`).
pub fn anthropic_tool_use(name: &str, input: &str, piece: usize, stop_reason: &str) -> Vec<u8> {
    let mut out = Vec::new();
    sse(
        &mut out,
        Some("message_start"),
        &json!({"type": "message_start", "message": {"id": "msg_replay", "type": "message", "role": "assistant", "model": "replay", "content": [], "stop_reason": null, "usage": {"input_tokens": 42, "output_tokens": 1}}}),
    );
    sse(
        &mut out,
        Some("content_block_start"),
        &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "toolu_replay", "name": name, "input": {}}}),
    );
    let mut tokens = 0;
    for p in pieces(input, piece) {
        sse(
            &mut out,
            Some("content_block_delta"),
            &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": p}}),
        );
        tokens += 1;
    }
    sse(
        &mut out,
        Some("content_block_stop"),
        &json!({"type": "content_block_stop", "index": 0}),
    );
    sse(
        &mut out,
        Some("message_delta"),
        &json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": {"output_tokens": tokens}}),
    );
    sse(
        &mut out,
        Some("message_stop"),
        &json!({"type": "message_stop"}),
    );
    out
}

/// Gemini `streamGenerateContent?alt=sse`: a `functionCall` part (Gemini
/// sends a call's arguments whole), with `\r\n` frame ends as recorded.
pub fn gemini_function_call(name: &str, args: &str) -> Vec<u8> {
    let args: Value = serde_json::from_str(args).unwrap_or(Value::Null);
    let chunk = json!({
        "candidates": [{"content": {"parts": [{"functionCall": {"name": name, "args": args}}], "role": "model"}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 42, "candidatesTokenCount": 20, "totalTokenCount": 62},
    });
    format!("data: {chunk}\r\n\r\n").into_bytes()
}

/// Gemini: `text` (JSON under `responseSchema`) streamed in text parts.
pub fn gemini_text(text: &str, piece: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let parts = pieces(text, piece);
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut chunk = json!({"candidates": [{"content": {"parts": [{"text": p}], "role": "model"}, "index": 0}]});
        if last {
            chunk["candidates"][0]["finishReason"] = json!("STOP");
            chunk["usageMetadata"] = json!({"promptTokenCount": 42, "candidatesTokenCount": parts.len(), "totalTokenCount": 42 + parts.len()});
        }
        out.extend_from_slice(format!("data: {chunk}\r\n\r\n").as_bytes());
    }
    out
}
