//! Every recorded Anthropic Messages stream through the shared conformance
//! suite, then checked against what the recording says: `partial_json`
//! pieces per content block equal the block's final input, text deltas the
//! text, usage (input tokens from message_start, output tokens from the
//! last message_delta) and stop reasons come through.

mod fuzz_regressions;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use structream_anthropic::{Anthropic, AnthropicConfig, ProviderConfig};
use structream_provider::conformance::{self, Fixture, Format};
use structream_provider::{DecodeErrorKind, FinishReason, Provider};

fn provider(base: &str) -> Box<dyn Provider> {
    Box::new(Anthropic::new(
        AnthropicConfig::new().base_url(base).api_key("test-key"),
    ))
}

/// Recordings whose last tool input was cut by max_tokens: the arguments
/// are not JSON, the finish reason says why.
const CUT_BY_MAX_TOKENS: &[&str] =
    &["anthropic/anthropic-sdk-python/incomplete_partial_json_response.sse"];

#[test]
fn recordings() {
    let mut seen = 0;
    for f in conformance::fixtures("anthropic") {
        seen += 1;
        if f.format == Format::Other {
            // The one JSON file is an HTTP error body: checked in
            // `tests/transport.rs`.
            assert!(
                f.name.ends_with("rate_limit_error_response.json"),
                "{}",
                f.name
            );
            continue;
        }
        if f.name
            .ends_with("anthropic-spliced-message-start.chunks.txt")
        {
            // Hand-made: a message_start spliced in after a tool call began.
            let d = conformance::check_decoding(
                &f.name,
                &|| provider("http://x").decoder(),
                &f.body,
                6_000,
            );
            let e = d.end.unwrap_err();
            assert!(e.to_string().contains("message_start in the middle"), "{e}");
            continue;
        }
        for part in split_messages(&f) {
            let run = conformance::run_fixture(
                &provider,
                &conformance::tool_request("claude"),
                &part,
                6_000,
                700,
            );
            check(&part, &run.decoded.end, &run.transcript);
        }
    }
    assert_eq!(seen, 61, "every recording was seen");
}

/// Some captures hold several messages one after the other (a multi-step
/// exchange recorded into one file). A real body holds one: split them, and
/// check that the decoder refuses the concatenation.
fn split_messages(f: &Fixture) -> Vec<Fixture> {
    let stops: Vec<usize> = f
        .payloads
        .iter()
        .enumerate()
        .filter(|(_, p)| p["type"] == "message_stop")
        .map(|(i, _)| i)
        .collect();
    if stops.len() <= 1 || stops[0] + 1 == f.payloads.len() {
        return vec![f.clone()];
    }
    let d = conformance::decode_with_cuts(&mut *provider("http://x").decoder(), &f.body, &[]);
    let err = d.end.expect_err("two messages in one stream");
    assert!(err.to_string().contains("second message"), "{err}");
    let mut parts = Vec::new();
    let mut start = 0;
    for (k, &stop) in stops.iter().enumerate() {
        let mut part = f.clone();
        part.payloads = f.payloads[start..=stop].to_vec();
        part.body = part
            .payloads
            .iter()
            .flat_map(|p| format!("data: {p}\n\n").into_bytes())
            .collect();
        part.name = format!("{} (message {})", f.name, k + 1);
        parts.push(part);
        start = stop + 1;
    }
    assert_eq!(start, f.payloads.len(), "{}: trailing events", f.name);
    parts
}

fn check(
    f: &Fixture,
    end: &Result<(), structream_provider::DecodeError>,
    t: &conformance::Transcript,
) {
    let name = &f.name;
    assert!(end.is_ok(), "{name}: {end:?}");
    // Reference, from the payloads.
    let mut tools: BTreeMap<u32, (String, String)> = BTreeMap::new();
    let mut text = String::new();
    let mut thinking = String::new();
    let mut input = None;
    let mut output = None;
    let mut stop = None;
    let mut redacted = 0;
    let mut block_kind: BTreeMap<u64, String> = BTreeMap::new();
    for p in &f.payloads {
        let idx = p["index"].as_u64().unwrap_or(0);
        match p["type"].as_str().unwrap_or("") {
            "message_start" => {
                input = p
                    .pointer("/message/usage/input_tokens")
                    .and_then(Value::as_u64)
                    .or(input);
                output = p
                    .pointer("/message/usage/output_tokens")
                    .and_then(Value::as_u64)
                    .or(output);
            }
            "content_block_start" => {
                let kind = p["content_block"]["type"].as_str().unwrap().to_string();
                match kind.as_str() {
                    "tool_use" => {
                        // Input sent whole in the start block (programmatic
                        // tool calling) counts as the first piece.
                        let whole = match &p["content_block"]["input"] {
                            Value::Object(o) if !o.is_empty() => {
                                Value::Object(o.clone()).to_string()
                            }
                            _ => String::new(),
                        };
                        tools.insert(
                            idx as u32,
                            (p["content_block"]["name"].as_str().unwrap().into(), whole),
                        );
                    }
                    "redacted_thinking" => redacted += 1,
                    "text" => text.push_str(p["content_block"]["text"].as_str().unwrap_or("")),
                    _ => {}
                }
                block_kind.insert(idx, kind);
            }
            "content_block_delta" => {
                let d = &p["delta"];
                match (block_kind.get(&idx).map(String::as_str), d["type"].as_str()) {
                    (Some("tool_use"), Some("input_json_delta")) => tools
                        .get_mut(&(idx as u32))
                        .unwrap()
                        .1
                        .push_str(d["partial_json"].as_str().unwrap()),
                    (Some("text"), Some("text_delta")) => {
                        text.push_str(d["text"].as_str().unwrap())
                    }
                    (Some("thinking"), Some("thinking_delta")) => {
                        thinking.push_str(d["thinking"].as_str().unwrap())
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                input = p
                    .pointer("/usage/input_tokens")
                    .and_then(Value::as_u64)
                    .or(input);
                output = p
                    .pointer("/usage/output_tokens")
                    .and_then(Value::as_u64)
                    .or(output);
                if let Some(s) = p.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    stop = Some(s.to_string());
                }
            }
            _ => {}
        }
    }
    let got: BTreeMap<u32, (String, String)> = t
        .tool_calls
        .iter()
        .map(|((_, i), c)| (*i, (c.name.clone(), c.arguments.clone())))
        .collect();
    assert_eq!(got, tools, "{name}: tool calls");
    for ((_, i), c) in &t.tool_calls {
        assert!(c.ended, "{name}: call {i} not ended");
        let parsed = serde_json::from_str::<Value>(if c.arguments.is_empty() {
            "{}"
        } else {
            &c.arguments
        });
        if CUT_BY_MAX_TOKENS.contains(&name.as_str()) {
            assert!(parsed.is_err(), "{name}: the cut input should not parse");
        } else {
            parsed.unwrap_or_else(|e| panic!("{name}: input of block {i}: {e}"));
        }
    }
    assert_eq!(
        t.text.get(&0).cloned().unwrap_or_default(),
        text,
        "{name}: text"
    );
    assert_eq!(
        t.reasoning.get(&0).cloned().unwrap_or_default(),
        thinking,
        "{name}: thinking"
    );
    assert_eq!(t.redacted, redacted, "{name}: redacted thinking");
    match stop {
        Some(s) => {
            assert_eq!(t.finish.len(), 1, "{name}");
            assert_eq!(t.finish[0].2, s);
            assert_eq!(t.finish[0].1, FinishReason::from_raw(&s));
        }
        None => assert!(t.finish.is_empty()),
    }
    if input.is_some() || output.is_some() {
        assert_eq!(t.usage.len(), 1, "{name}");
        assert_eq!(
            (t.usage[0].input_tokens, t.usage[0].output_tokens),
            (input.unwrap_or(0), output.unwrap_or(0)),
            "{name}: usage"
        );
    }
    assert!(t.errors.is_empty(), "{name}");
}

#[test]
fn specific_recordings() {
    let load = |n: &str| {
        let f = Fixture::load(&conformance::corpus_dir().join("anthropic").join(n));
        let d = conformance::decode_with_cuts(
            &mut *provider("http://x").decoder(),
            &f.completed_body(),
            &[],
        );
        (d.end, conformance::Transcript::new(&d.events))
    };
    let (_, t) = load("anthropic-sdk-python/incomplete_partial_json_response.sse");
    assert_eq!(t.finish[0].1, FinishReason::Length);
    assert_eq!(t.finish[0].2, "max_tokens");
    assert_eq!(
        (t.usage[0].input_tokens, t.usage[0].output_tokens),
        (450, 124)
    );
    let (_, t) = load("anthropic-sdk-python/tool_use_response.sse");
    assert_eq!(t.finish[0].1, FinishReason::ToolCalls);
    let (_, t) = load("pydantic-ai/thinking_part_redacted_stream.sse");
    assert!(t.redacted >= 1);
    let (_, t) = load("pydantic-ai/thinking_part_stream.sse");
    assert!(t.reasoning[&0].len() > 200);
    let (_, t) = load("anthropic-sdk-python/refusal_response.sse");
    assert_eq!(t.finish[0].1, FinishReason::Refusal);
    // The recording lost its last line end: the raw file is truncated.
    let f = Fixture::load(
        &conformance::corpus_dir().join("anthropic/anthropic-sdk-python/basic_response.sse"),
    );
    let d = conformance::decode_with_cuts(&mut *provider("http://x").decoder(), &f.body, &[]);
    assert_eq!(d.end.unwrap_err().kind(), &DecodeErrorKind::Truncated);
}
#[test]
fn in_stream_error_event() {
    // No real recording has one (see the corpus README); this is the
    // documented shape, after real frames of a recording.
    let f = Fixture::load(
        &conformance::corpus_dir().join("anthropic/pydantic-ai/simple_text_stream.sse"),
    );
    let cut = f
        .body
        .windows(21)
        .position(|w| w == b"event: content_block_")
        .unwrap();
    let mut body = f.body[..cut].to_vec();
    body.extend_from_slice(b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    let d = conformance::check_decoding("error", &|| provider("http://x").decoder(), &body, 10_000);
    d.end.unwrap();
    let t = conformance::Transcript::new(&d.events);
    assert_eq!(t.errors.len(), 1);
    assert_eq!(t.errors[0].message, "Overloaded");
    assert_eq!(t.errors[0].kind.as_deref(), Some("overloaded_error"));
    // Cut before message_stop without an error: incomplete.
    let d =
        conformance::decode_with_cuts(&mut *provider("http://x").decoder(), &f.body[..cut], &[]);
    assert_eq!(d.end.unwrap_err().kind(), &DecodeErrorKind::Incomplete);
}

#[test]
fn server_tools_are_reported_with_their_input() {
    let load = |n: &str| {
        let f = Fixture::load(&conformance::corpus_dir().join("anthropic").join(n));
        let d = conformance::check_decoding(n, &|| provider("http://x").decoder(), &f.body, 0);
        d.end.unwrap();
        conformance::Transcript::new(&d.events)
    };
    // Two web searches, their queries streamed as input_json_delta pieces;
    // their results and the text's citations are not tool calls.
    let t = load("pydantic-ai/web_search_tool_stream.sse");
    let tools: Vec<_> = t
        .server_tools
        .iter()
        .map(|s| (s.index, s.id.as_deref(), s.name.as_str(), s.input.clone()))
        .collect();
    assert_eq!(
        tools,
        [
            (
                0,
                Some("srvtoolu_01NcU4XNwyxWK6a9tcJZ8wGY"),
                "web_search",
                Some(json!({"query": "top world news today"}))
            ),
            (
                3,
                Some("srvtoolu_01WiP3ZfXZXSykVQEL78XJ4T"),
                "web_search",
                Some(json!({"query": "breaking news headlines August 14 2025"}))
            ),
        ]
    );
    assert!(t.tool_calls.is_empty());
    let t = load("anthropic-sdk-python/fable-fallback__stream-a-toolrefusal.sse");
    assert_eq!(t.server_tools.len(), 1);
    assert_eq!(
        t.server_tools[0].input,
        Some(json!({"query": "solar eclipse viewing safety news 2026"}))
    );
    // Written from the documented shape: an MCP tool whose input came whole
    // in the block start, and a server tool cut off by the end of the
    // message (reported when the message ends, its input not JSON: none).
    let body = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_1\",\"name\":\"ask\",\"server_name\":\"wiki\",\"input\":{\"q\":\"x\"}}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_2\",\"name\":\"web_search\",\"input\":{}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \\\"pa\"}}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":9}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let d = conformance::check_decoding(
        "mcp",
        &|| provider("http://x").decoder(),
        body.as_bytes(),
        2_000,
    );
    d.end.unwrap();
    let t = conformance::Transcript::new(&d.events);
    let tools: Vec<_> = t
        .server_tools
        .iter()
        .map(|s| (s.index, s.name.as_str(), s.input.clone()))
        .collect();
    assert_eq!(
        tools,
        [(0, "ask", Some(json!({"q": "x"}))), (1, "web_search", None)]
    );
}
