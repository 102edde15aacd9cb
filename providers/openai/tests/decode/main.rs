//! Every recorded OpenAI-protocol stream (chat completions, OpenAI-compatible
//! servers, Responses API, Ollama NDJSON) through the shared conformance
//! suite, then checked against what the recording itself says: argument
//! deltas per call equal the final arguments, text deltas the final text,
//! usage and finish reasons come through, errors carry the provider's
//! message.

mod fuzz_regressions;
mod unframed_errors;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use structream_openai::{
    Ollama, OpenAiChat, OpenAiConfig, OpenAiResponses, ProviderConfig, Vendor,
};
use structream_provider::conformance::{self, Fixture, FixtureRun, Format};
use structream_provider::{DecodeErrorKind, FinishReason, Provider};

// The SSE layer is checked at every split of every file below 20 KB; the
// protocol layer sees whole frames, so every split below 6 KB here.
const EVERY_SPLIT_BELOW: usize = 6_000;
const HTTP_EVERY_SPLIT_BELOW: usize = 700;

fn chat(base: &str) -> Box<dyn Provider> {
    Box::new(OpenAiChat::new(
        OpenAiConfig::for_vendor(Vendor::Custom).base_url(base),
    ))
}

fn responses(base: &str) -> Box<dyn Provider> {
    Box::new(OpenAiResponses::new(
        OpenAiConfig::for_vendor(Vendor::Custom).base_url(base),
    ))
}

fn ollama(base: &str) -> Box<dyn Provider> {
    Box::new(Ollama::new(
        OpenAiConfig::for_vendor(Vendor::Ollama).base_url(base),
    ))
}

fn run(make: &dyn Fn(&str) -> Box<dyn Provider>, f: &Fixture) -> FixtureRun {
    conformance::run_fixture(
        make,
        &conformance::tool_request("m"),
        f,
        EVERY_SPLIT_BELOW,
        HTTP_EVERY_SPLIT_BELOW,
    )
}

/// The usage numbers of the last payload that has a `usage` object at
/// `pointer`.
fn last_usage(payloads: &[Value], pointer: &str) -> Option<(u64, u64)> {
    payloads
        .iter()
        .rev()
        .find_map(|p| p.pointer(pointer).filter(|u| u.is_object()))
        .map(|u| {
            let get = |a: &str, b: &str| {
                u.get(a)
                    .or_else(|| u.get(b))
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
            };
            (
                get("prompt_tokens", "input_tokens"),
                get("completion_tokens", "output_tokens"),
            )
        })
}

/// What the chat payloads say, folded independently of the decoder.
#[derive(Default, Debug)]
struct ChatReference {
    text: BTreeMap<u32, String>,
    args: BTreeMap<(u32, u32), String>,
    finish: Vec<(u32, String)>,
}

fn chat_reference(payloads: &[Value]) -> ChatReference {
    let mut r = ChatReference::default();
    for p in payloads {
        for ch in p["choices"].as_array().into_iter().flatten() {
            let i = ch["index"].as_u64().unwrap_or(0) as u32;
            match ch.pointer("/delta/content") {
                Some(Value::String(t)) => r.text.entry(i).or_default().push_str(t),
                // Mistral's typed parts: the text ones are text.
                Some(Value::Array(parts)) => {
                    for p in parts.iter().filter(|p| p["type"] == "text") {
                        r.text
                            .entry(i)
                            .or_default()
                            .push_str(p["text"].as_str().unwrap());
                    }
                }
                _ => {}
            }
            for (pos, tc) in ch
                .pointer("/delta/tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let idx = tc["index"].as_u64().unwrap_or(pos as u64) as u32;
                if let Some(a) = tc.pointer("/function/arguments").and_then(Value::as_str) {
                    r.args.entry((i, idx)).or_default().push_str(a);
                }
            }
            if let Some(f) = ch["finish_reason"].as_str().filter(|f| !f.is_empty())
                && !r.finish.iter().any(|(c, _)| *c == i)
            {
                r.finish.push((i, f.to_string()));
            }
        }
    }
    r.text.retain(|_, t| !t.is_empty());
    r
}

fn check_chat(f: &Fixture, run: &FixtureRun) {
    let name = &f.name;
    let t = &run.transcript;
    let reference = chat_reference(&f.payloads);
    assert!(run.decoded.end.is_ok(), "{name}: {:?}", run.decoded.end);
    assert_eq!(t.text, reference.text, "{name}: text");
    let args: BTreeMap<(u32, u32), String> = t
        .tool_calls
        .iter()
        .map(|(k, c)| (*k, c.arguments.clone()))
        .filter(|(_, a)| !a.is_empty())
        .collect();
    let ref_args: BTreeMap<_, _> = reference
        .args
        .iter()
        .filter(|(_, a)| !a.is_empty())
        .map(|(k, a)| (*k, a.clone()))
        .collect();
    // Mistral repeats a finished call; only the first counts.
    if !name.contains("mistral") {
        assert_eq!(args, ref_args, "{name}: arguments");
    }
    for (k, c) in &t.tool_calls {
        assert!(c.ended, "{name}: call {c:?} not ended");
        if INVALID_ARGUMENTS.contains(&(name.as_str(), k.1)) {
            assert!(serde_json::from_str::<Value>(&c.arguments).is_err());
        } else if !c.arguments.is_empty() {
            serde_json::from_str::<Value>(&c.arguments)
                .unwrap_or_else(|e| panic!("{name}: arguments of {k:?}: {e}"));
        }
    }
    let finish: Vec<(u32, String)> = t
        .finish
        .iter()
        .map(|(c, _, raw)| (*c, raw.clone()))
        .collect();
    assert_eq!(finish, reference.finish, "{name}: finish reasons");
    for (_, reason, raw) in &t.finish {
        assert_eq!(*reason, FinishReason::from_raw(raw));
    }
    let usage = last_usage(&f.payloads, "/usage").or(last_usage(&f.payloads, "/x_groq/usage"));
    match usage {
        Some((i, o)) => {
            assert_eq!(t.usage.len(), 1, "{name}: usage");
            assert_eq!(
                (t.usage[0].input_tokens, t.usage[0].output_tokens),
                (i, o),
                "{name}"
            );
        }
        None => assert!(t.usage.is_empty(), "{name}: usage from nowhere"),
    }
    // JSON content documents parse (unless cut by max_tokens).
    if f.body.windows(14).any(|w| w == b"\"content\":\"{\\\"")
        && t.finish.iter().all(|f| f.1 == FinishReason::Stop)
    {
        for text in t.text.values() {
            let trimmed = text.trim();
            if trimmed.starts_with('{') {
                serde_json::from_str::<Value>(trimmed)
                    .unwrap_or_else(|e| panic!("{name}: content is not JSON: {e}"));
            }
        }
    }
    // In-stream errors carry the provider's message.
    let expected_errors: Vec<String> = f
        .payloads
        .iter()
        .filter_map(|p| p.pointer("/error/message").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    let got: Vec<String> = t.errors.iter().map(|e| e.message.clone()).collect();
    assert_eq!(got, expected_errors, "{name}: errors");
}

/// Recorded calls whose arguments are deliberately not JSON.
const INVALID_ARGUMENTS: &[(&str, u32)] = &[
    (
        "openai-chat/semantic-kernel/azure_async_filter_multiple_tool_calls.sse",
        3,
    ),
    (
        "openai-chat/semantic-kernel/multiple_tool_calls_whole_arguments_synthetic.sse",
        3,
    ),
];

/// Files filed under openai-responses that are chat.completion streams
/// (an Azure DeepSeek deployment answering on the chat protocol): decoded
/// and checked as chat.
const CHAT_IN_RESPONSES: &[&str] =
    &["openai-responses/vercel-ai/azure-deepseek-reasoning.1.chunks.txt"];

/// Files of the chat protocols that are not chat.completion streams, with
/// the reason, and the error they must give.
const NOT_CHAT: &[(&str, &str)] = &[
    (
        "openai-compatible/semantic-kernel/hf-tgi__text_generation_stream.sse",
        "TGI's native /generate_stream format, not chat.completions: a clear shape error",
    ),
    (
        "openai-chat/semantic-kernel/invalid_json_chunk.sse",
        "hand-made negative test: its second frame is invalid JSON",
    ),
];

#[test]
fn chat_recordings() {
    let mut seen = 0;
    for folder in ["openai-chat", "openai-compatible"] {
        for f in conformance::fixtures(folder) {
            seen += 1;
            if let Some((_, why)) = NOT_CHAT.iter().find(|(n, _)| *n == f.name) {
                let provider = chat("http://x");
                let d = conformance::check_decoding(
                    &f.name,
                    &|| provider.decoder(),
                    &f.body,
                    EVERY_SPLIT_BELOW,
                );
                let err = d.end.expect_err(why);
                if f.name.contains("invalid_json") {
                    assert!(
                        matches!(err.kind(), DecodeErrorKind::InvalidJson { .. }),
                        "{err}"
                    );
                    // The offset of the second frame.
                    assert_eq!(err.offset(), 287, "{err}");
                    assert_eq!(d.events.len(), 1);
                } else {
                    assert!(
                        matches!(err.kind(), DecodeErrorKind::UnexpectedShape { .. }),
                        "{err}"
                    );
                    assert_eq!(err.offset(), 0);
                }
                continue;
            }
            assert_ne!(f.format, Format::Other, "{}: unexpected format", f.name);
            let r = run(&chat, &f);
            check_chat(&f, &r);
        }
    }
    assert_eq!(seen, 31 + 40, "every chat recording was exercised");
}

#[test]
fn chat_quirks() {
    let by_name = |n: &str| {
        let f = Fixture::load(&conformance::corpus_dir().join(n));
        let d = conformance::decode_with_cuts(
            &mut *chat("http://x").decoder(),
            &f.completed_body(),
            &[],
        );
        (d.end, conformance::Transcript::new(&d.events))
    };
    // Groq: `event: error` mid-stream, no [DONE].
    let (end, t) = by_name("openai-compatible/pydantic-ai/groq__tool_use_failed_error_event.0.sse");
    end.unwrap();
    assert_eq!(t.errors.len(), 1);
    assert_eq!(t.errors[0].code.as_deref(), Some("tool_use_failed"));
    assert!(
        t.errors[0]
            .message
            .starts_with("Tool call validation failed")
    );
    assert!(!t.reasoning.is_empty(), "groq reasoning");
    // OpenRouter: error object inside a chunk, finish_reason "error".
    let (_, t) = by_name("openai-compatible/pydantic-ai/openrouter__stream_error_in_chunk.sse");
    assert_eq!(t.errors[0].message, "Token limit reached");
    assert_eq!(t.errors[0].code.as_deref(), Some("400"));
    assert_eq!(t.finish[0].1, FinishReason::Length);
    assert_eq!(t.finish[0].2, "length");
    // DeepSeek reasoning_content.
    let (_, t) =
        by_name("openai-compatible/pydantic-ai/deepseek__thinking_stream_reasoning_content.sse");
    assert!(t.reasoning[&0].len() > 100);
    assert!(!t.text[&0].is_empty());
    // Mistral thinking parts.
    let (_, t) = by_name("openai-compatible/pydantic-ai/mistral__thinking_part_iter.sse");
    assert!(
        t.reasoning[&0].starts_with("Okay, the user"),
        "{:?}",
        t.reasoning
    );
    // Mistral whole tool calls without index.
    let (_, t) = by_name(
        "openai-compatible/semantic-kernel/mistral__chat_stream_tool_call_single_chunk.sse",
    );
    let call = &t.tool_calls[&(0, 0)];
    assert_eq!(call.name, "WeatherPlugin-GetWeather");
    assert_eq!(call.id.as_deref(), Some("u2ef3Udel"));
    assert_eq!(
        serde_json::from_str::<Value>(&call.arguments).unwrap(),
        json!({"location": "Paris", "unit": "celsius"})
    );
    // HF TGI: `data:` without a space.
    let (end, t) = by_name(
        "openai-compatible/semantic-kernel/hf-tgi__chat_completion_stream_no_space_after_colon.sse",
    );
    end.unwrap();
    assert!(t.text[&0].starts_with("Deep learning"));
    // Azure content filter chunks; finish reason.
    let (_, t) = by_name("openai-chat/semantic-kernel/azure_async_content_filter.sse");
    assert_eq!(t.text[&0], "Kindness");
    assert_eq!(t.finish[0].1, FinishReason::Stop);
    // vLLM-style stop_reason and usage in every chunk: one usage, the last.
    let (_, t) = by_name(
        "openai-compatible/semantic-kernel/azure-ai-inference-vllm__phi3_stream_stop_reason.sse",
    );
    assert_eq!(t.usage.len(), 1);
    assert_eq!(t.finish[0].1, FinishReason::Stop);
    // n=3 interleaved choices, each a JSON document.
    let (_, t) = by_name("openai-chat/openai-python/parse_pydantic_model_multiple_choices_n3.sse");
    assert_eq!(t.text.len(), 3);
    for text in t.text.values() {
        serde_json::from_str::<Value>(text).unwrap();
    }
    // Parallel tool calls, indices 0 and 1.
    let (_, t) = by_name("openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse");
    assert_eq!(t.tool_calls.len(), 2);
    assert_eq!(t.finish[0].1, FinishReason::ToolCalls);
    // max_tokens truncation: `{"` and finish length.
    let (_, t) = by_name("openai-chat/openai-python/parse_max_tokens_reached_truncated_json.sse");
    assert_eq!(t.text[&0], "{\"");
    assert_eq!(t.finish[0].1, FinishReason::Length);
    // Refusal.
    let (_, t) = by_name("openai-chat/openai-python/parse_pydantic_model_refusal.sse");
    assert_eq!(
        t.refusal[&0],
        "I'm sorry, I can't assist with that request."
    );
    assert!(t.text.is_empty());
    // A tool call that starts at index 1 (Anthropic behind a compatible API).
    let (_, t) =
        by_name("openai-compatible/vercel-ai/openai-compatible-anthropic-fallback-tool-call.sse");
    assert!(t.tool_calls.contains_key(&(0, 1)));
}

fn check_responses(f: &Fixture, run: &FixtureRun) {
    let name = &f.name;
    let t = &run.transcript;
    assert!(run.decoded.end.is_ok(), "{name}: {:?}", run.decoded.end);
    let kind = |p: &Value| p["type"].as_str().unwrap_or("").to_string();
    // Arguments per output_index equal the `.done` / `output_item.done` values.
    let mut finals: BTreeMap<u32, Value> = BTreeMap::new();
    for p in &f.payloads {
        let idx = p["output_index"].as_u64().unwrap_or(0) as u32;
        match kind(p).as_str() {
            "response.function_call_arguments.done" => {
                finals.insert(
                    idx,
                    serde_json::from_str(p["arguments"].as_str().unwrap()).unwrap(),
                );
            }
            "response.output_item.done" if p["item"]["type"] == "function_call" => {
                let v: Value =
                    serde_json::from_str(p["item"]["arguments"].as_str().unwrap()).unwrap();
                if let Some(prev) = finals.insert(idx, v.clone()) {
                    assert_eq!(prev, v, "{name}: done events disagree");
                }
            }
            _ => {}
        }
    }
    let parsed: BTreeMap<u32, Value> = t
        .parsed_arguments(name)
        .into_iter()
        .map(|((_, i), v)| (i, v))
        .collect();
    assert_eq!(parsed, finals, "{name}: arguments");
    // Text deltas equal the ones in the recording, and the
    // `output_text.done` texts where the recording's own deltas add up to
    // them.
    let done_text: String = f
        .payloads
        .iter()
        .filter(|p| kind(p) == "response.output_text.done")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    let delta_text: String = f
        .payloads
        .iter()
        .filter(|p| kind(p) == "response.output_text.delta")
        .map(|p| p["delta"].as_str().unwrap())
        .collect();
    let text = t.text.get(&0).cloned().unwrap_or_default();
    assert_eq!(text, delta_text, "{name}: text");
    if f.payloads
        .iter()
        .any(|p| kind(p) == "response.output_text.done")
    {
        let base = name.split(" (").next().unwrap();
        if TRIMMED_TEXT.contains(&base) {
            assert_ne!(
                done_text, delta_text,
                "{name} is consistent: drop it from the list"
            );
        } else {
            assert_eq!(text, done_text, "{name}: text");
        }
    }
    // Usage and finish from response.completed / incomplete.
    let last = f.payloads.iter().rev().find(|p| {
        matches!(
            kind(p).as_str(),
            "response.completed" | "response.incomplete" | "response.failed" | "error"
        )
    });
    let last = last.unwrap_or_else(|| panic!("{name}: no final event in the recording"));
    match kind(last).as_str() {
        "response.completed" | "response.incomplete" => {
            assert_eq!(t.finish.len(), 1, "{name}");
            let u = last_usage(std::slice::from_ref(last), "/response/usage");
            assert_eq!(
                t.usage.first().map(|u| (u.input_tokens, u.output_tokens)),
                u,
                "{name}: usage"
            );
            assert!(t.errors.is_empty());
        }
        _ => {
            assert_eq!(t.errors.len(), 1, "{name}");
            let msg = last
                .pointer("/response/error/message")
                .or_else(|| last.pointer("/message"))
                .or_else(|| last.pointer("/error/message"))
                .and_then(Value::as_str)
                .unwrap();
            assert_eq!(t.errors[0].message, msg, "{name}");
        }
    }
}

/// Captures whose text deltas were shortened by hand while the
/// `output_text.done` events kept the full text.
const TRIMMED_TEXT: &[&str] = &[
    "openai-responses/vercel-ai/openai-phase.1.chunks.txt",
    "openai-responses/vercel-ai/openai-shell-container.1.chunks.txt",
];

/// Some captures hold several responses one after the other (a multi-step
/// exchange recorded into one file). A real body holds one: split them, and
/// check that the decoder refuses the concatenation.
fn split_responses(f: &Fixture) -> Vec<Fixture> {
    let starts: Vec<usize> = f
        .payloads
        .iter()
        .enumerate()
        .filter(|(_, p)| p["type"] == "response.created")
        .map(|(i, _)| i)
        .collect();
    if starts.len() <= 1 {
        return vec![f.clone()];
    }
    let d = conformance::decode_with_cuts(&mut *responses("http://x").decoder(), &f.body, &[]);
    let err = d.end.expect_err("two responses in one stream");
    assert!(err.to_string().contains("second response"), "{err}");
    let mut parts = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(f.payloads.len());
        let mut part = f.clone();
        part.payloads = f.payloads[start..end].to_vec();
        part.body = part
            .payloads
            .iter()
            .flat_map(|p| format!("data: {p}\n\n").into_bytes())
            .collect();
        part.name = format!("{} (response {})", f.name, k + 1);
        parts.push(part);
    }
    parts
}

#[test]
fn responses_recordings() {
    let files = conformance::fixtures("openai-responses");
    assert_eq!(files.len(), 65);
    let mut errors = 0;
    for f in &files {
        if CHAT_IN_RESPONSES.contains(&f.name.as_str()) {
            let d =
                conformance::decode_with_cuts(&mut *responses("http://x").decoder(), &f.body, &[]);
            assert!(d.end.is_err(), "{}: not a Responses stream", f.name);
            let r = run(&chat, f);
            check_chat(f, &r);
            assert!(!r.transcript.reasoning.is_empty());
            continue;
        }
        for part in split_responses(f) {
            let r = run(&responses, &part);
            check_responses(&part, &r);
            errors += r.transcript.errors.len();
        }
    }
    assert!(errors >= 1, "the error recording surfaced");
}

#[test]
fn ollama_recordings() {
    let files = conformance::fixtures("ollama");
    assert_eq!(files.len(), 5);
    for f in &files {
        let r = run(&ollama, f);
        assert!(r.decoded.end.is_ok(), "{}", f.name);
        // The recordings lack a final newline: NDJSON's last line counts.
        assert_eq!(r.recorded, r.decoded, "{}", f.name);
        let t = &r.transcript;
        let mut want_calls = Vec::new();
        let mut want_text = String::new();
        for p in &f.payloads {
            for c in p
                .pointer("/message/tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                want_calls.push((
                    c["function"]["name"].as_str().unwrap().to_string(),
                    c["function"].get("arguments").cloned().unwrap_or(json!({})),
                ));
            }
            let piece = p.pointer("/message/content").or(p.get("response"));
            want_text.push_str(piece.and_then(Value::as_str).unwrap_or(""));
        }
        let args = t.parsed_arguments(&f.name);
        let got: Vec<(String, Value)> = t
            .tool_calls
            .iter()
            .map(|(k, c)| (c.name.clone(), args[k].clone()))
            .collect();
        assert_eq!(got, want_calls, "{}", f.name);
        assert_eq!(
            t.text.get(&0).cloned().unwrap_or_default(),
            want_text,
            "{}",
            f.name
        );
        let last = f.payloads.last().unwrap();
        assert_eq!(t.finish.len(), 1);
        assert_eq!(
            t.finish[0].2,
            last["done_reason"].as_str().unwrap_or("stop")
        );
        assert_eq!(
            (t.usage[0].input_tokens, t.usage[0].output_tokens),
            (
                last["prompt_eval_count"].as_u64().unwrap(),
                last["eval_count"].as_u64().unwrap()
            )
        );
    }
}
/// Variants derived from recordings for shapes no recording has.
#[test]
fn derived_variants() {
    let dir = conformance::corpus_dir();
    let decode = |make: &dyn Fn(&str) -> Box<dyn Provider>, body: &[u8]| {
        let d = conformance::check_decoding("derived", &|| make("http://x").decoder(), body, 4_000);
        (d.end, conformance::Transcript::new(&d.events))
    };

    // Parallel tool calls whose fragments interleave: the frames of index 1
    // moved between those of index 0.
    let f = Fixture::load(
        &dir.join("openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse"),
    );
    let frames: Vec<String> = String::from_utf8(f.body.clone())
        .unwrap()
        .split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .collect();
    let (zero, rest): (Vec<&String>, Vec<&String>) = frames
        .iter()
        .partition(|fr| fr.contains("\"tool_calls\":[{\"index\":0"));
    let (one, tail): (Vec<&String>, Vec<&String>) = rest
        .into_iter()
        .partition(|fr| fr.contains("\"tool_calls\":[{\"index\":1"));
    assert!(zero.len() > 3 && one.len() > 3);
    let head: Vec<&String> = tail
        .iter()
        .copied()
        .take_while(|fr| !fr.contains("finish_reason\":\""))
        .collect();
    let end: Vec<&String> = tail.iter().copied().skip(head.len()).collect();
    let mut mixed: Vec<&String> = head.clone();
    for i in 0..zero.len().max(one.len()) {
        mixed.extend(zero.get(i));
        mixed.extend(one.get(i));
    }
    mixed.extend(end);
    let body: String = mixed.iter().map(|fr| format!("{fr}\n\n")).collect();
    let (end, t) = decode(&chat, body.as_bytes());
    end.unwrap();
    let (_, straight) = decode(&chat, &f.body);
    assert_eq!(t.tool_calls, straight.tool_calls);
    assert_eq!(t.tool_calls.len(), 2);

    // A content-filter finish (Azure).
    let body = br#"data: {"choices":[{"delta":{"content":"Hel"},"finish_reason":null,"index":0}]}

data: {"choices":[{"delta":{},"finish_reason":"content_filter","index":0,"content_filter_results":{"hate":{"filtered":true,"severity":"high"}}}]}

data: [DONE]

"#;
    let (end, t) = decode(&chat, body);
    end.unwrap();
    assert_eq!(
        t.finish,
        [(0, FinishReason::ContentFilter, "content_filter".to_string())]
    );

    // A chat stream cut between frames, without [DONE] or a finish reason.
    let f = Fixture::load(&dir.join("openai-chat/pydantic-ai/plain_text_stream.sse"));
    let cut = f.body.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
    let (end, _) = decode(&chat, &f.body[..cut]);
    assert_eq!(end.unwrap_err().kind(), &DecodeErrorKind::Incomplete);

    // response.incomplete: the finish reason says why, usage comes along.
    let f = Fixture::load(&dir.join("openai-responses/pydantic-ai/responses_stream.1.text.sse"));
    let text = String::from_utf8(f.body.clone()).unwrap();
    let text = text
        .replace("event: response.completed", "event: response.incomplete")
        .replace(
            "\"type\":\"response.completed\"",
            "\"type\":\"response.incomplete\"",
        )
        .replace(
            "\"incomplete_details\":null",
            "\"incomplete_details\":{\"reason\":\"max_output_tokens\"}",
        );
    assert!(text.contains("max_output_tokens"));
    let (end, t) = decode(&responses, text.as_bytes());
    end.unwrap();
    assert_eq!(
        t.finish,
        [(0, FinishReason::Length, "max_output_tokens".to_string())]
    );
    assert_eq!(t.usage.len(), 1);
}

#[test]
fn server_tools_are_reported_with_their_input() {
    let load = |n: &str| {
        let f = Fixture::load(&conformance::corpus_dir().join("openai-responses").join(n));
        let d = conformance::check_decoding(n, &|| responses("http://x").decoder(), &f.body, 0);
        d.end.unwrap();
        conformance::Transcript::new(&d.events)
    };
    let summary = |t: &conformance::Transcript| -> Vec<(u32, String, Option<Value>)> {
        t.server_tools
            .iter()
            .map(|s| (s.index, s.name.clone(), s.input.clone()))
            .collect()
    };
    let t = load("pydantic-ai/web_search_tool_stream.sse");
    assert_eq!(
        summary(&t),
        [(
            1,
            "web_search".to_string(),
            Some(
                json!({"type": "search", "query": "weather: San Francisco, CA", "sources": [{"type": "api", "name": "oai-weather"}]})
            )
        )]
    );
    assert_eq!(
        t.server_tools[0].id.as_deref(),
        Some("ws_00a60507bf41223d0068c9d30021d081a0962d80d50c12e317")
    );
    assert!(t.tool_calls.is_empty());
    // An MCP call: named by its tool, its arguments as the input.
    let t = load("pydantic-ai/mcp_server_tool_stream.sse");
    assert_eq!(
        summary(&t),
        [(
            2,
            "ask_question".to_string(),
            Some(
                json!({"repoName": "pydantic/pydantic-ai", "question": "What is the pydantic/pydantic-ai repository about?"})
            )
        )]
    );
    let t = load("pydantic-ai/thinking_with_code_execution_tool_stream.sse");
    assert_eq!(
        summary(&t),
        [
            (
                1,
                "code_interpreter".to_string(),
                Some(json!({"code": "n = pow(123456, 123)\nlen(str(n))"}))
            ),
            (
                2,
                "code_interpreter".to_string(),
                Some(json!({"code": "str(n)[:100], str(n)[-100:]"}))
            ),
            (
                3,
                "code_interpreter".to_string(),
                Some(json!({"code": "n"}))
            ),
        ]
    );
    // File search and image generation, written from the documented item
    // shapes: the queries as the input, and no input.
    let body = concat!(
        "data: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"output\":[]}}\n\n",
        "data: {\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"fs_1\",\"type\":\"file_search_call\",\"status\":\"completed\",\"queries\":[\"refund policy\"],\"results\":null}}\n\n",
        "data: {\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":{\"id\":\"ig_1\",\"type\":\"image_generation_call\",\"status\":\"completed\",\"result\":\"aGk=\"}}\n\n",
        "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}}\n\n",
    );
    let d = conformance::check_decoding(
        "file search",
        &|| responses("http://x").decoder(),
        body.as_bytes(),
        2_000,
    );
    d.end.unwrap();
    let t = conformance::Transcript::new(&d.events);
    assert_eq!(
        summary(&t),
        [
            (
                0,
                "file_search".to_string(),
                Some(json!({"queries": ["refund policy"]}))
            ),
            (1, "image_generation".to_string(), None),
        ]
    );
}
