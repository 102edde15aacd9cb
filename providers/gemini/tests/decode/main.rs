//! Every recorded Gemini `alt=sse` stream through the shared conformance
//! suite, then checked against what the recording says: function calls
//! and their arguments, text, thoughts, finish reasons, usage.

mod finish;

use serde_json::{Value, json};
use structream_gemini::{Gemini, GeminiConfig, ProviderConfig};
use structream_provider::conformance::{self, Fixture, Format};
use structream_provider::{DecodeErrorKind, FinishReason, Provider};

fn provider(base: &str) -> Box<dyn Provider> {
    Box::new(Gemini::new(GeminiConfig::new().base_url(base).api_key("k")))
}

/// Recorded files in a format the decoder does not read, with the reason.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "gemini/semantic-kernel/streamGenerateContent_json_array_chat.json",
        "streamGenerateContent without alt=sse (one JSON array); requests always ask for SSE",
    ),
    (
        "gemini/semantic-kernel/streamGenerateContent_json_array_completion.json",
        "streamGenerateContent without alt=sse (one JSON array); requests always ask for SSE",
    ),
    (
        "gemini/semantic-kernel/streamGenerateContent_json_array_finish_reason_other.json",
        "streamGenerateContent without alt=sse (one JSON array); requests always ask for SSE",
    ),
];

/// Sets `path` (a `$.a[0].b` jsonPath) in `root`, appending strings.
fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let mut rest = &path[1..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if !node.is_object() {
                *node = json!({});
            }
            node = node
                .as_object_mut()
                .unwrap()
                .entry(&r[..end])
                .or_insert(Value::Null);
            rest = &r[end..];
        } else {
            let r = &rest[1..];
            let end = r.find(']').unwrap();
            let i: usize = r[..end].parse().unwrap();
            if !node.is_array() {
                *node = json!([]);
            }
            let a = node.as_array_mut().unwrap();
            if a.len() <= i {
                a.resize(i + 1, Value::Null);
            }
            node = &mut a[i];
            rest = &r[end + 1..];
        }
    }
    match (node, value) {
        (Value::String(prev), Value::String(s)) => prev.push_str(&s),
        (n, v) => *n = v,
    }
}

fn check(f: &Fixture, run: &conformance::FixtureRun) {
    let name = &f.name;
    let t = &run.transcript;
    assert!(run.decoded.end.is_ok(), "{name}: {:?}", run.decoded.end);
    let mut calls: Vec<(String, Value)> = Vec::new();
    let mut text = String::new();
    let mut thoughts = String::new();
    let mut finish = None;
    let mut usage = None;
    for p in &f.payloads {
        if let Some(u) = p.get("usageMetadata") {
            usage = Some((
                u["promptTokenCount"].as_u64().unwrap_or(0),
                u["candidatesTokenCount"].as_u64().unwrap_or(0)
                    + u["thoughtsTokenCount"].as_u64().unwrap_or(0),
            ));
        }
        for c in p["candidates"].as_array().into_iter().flatten() {
            for part in c
                .pointer("/content/parts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(fc) = part.get("functionCall") {
                    if let Some(n) = fc["name"].as_str() {
                        calls.push((
                            n.to_string(),
                            fc.get("args").cloned().unwrap_or(Value::Null),
                        ));
                    }
                    for pa in fc["partialArgs"].as_array().into_iter().flatten() {
                        let v = ["stringValue", "numberValue", "boolValue"]
                            .iter()
                            .find_map(|k| pa.get(*k).cloned())
                            .unwrap_or(Value::Null);
                        set_path(
                            &mut calls.last_mut().unwrap().1,
                            pa["jsonPath"].as_str().unwrap(),
                            v,
                        );
                    }
                }
                if let Some(s) = part["text"].as_str() {
                    if part["thought"] == json!(true) {
                        thoughts.push_str(s);
                    } else {
                        text.push_str(s);
                    }
                }
            }
            // The last reason counts, but STOP does not replace another.
            if let Some(r) = c["finishReason"].as_str()
                && !(r == "STOP" && finish.as_deref().is_some_and(|f| f != "STOP"))
            {
                finish = Some(r.to_string());
            }
        }
    }
    let args = t.parsed_arguments(name);
    let got: Vec<(String, Value)> = t
        .tool_calls
        .iter()
        .map(|(k, c)| {
            let v = if c.arguments.is_empty() {
                Value::Null
            } else {
                args[k].clone()
            };
            (c.name.clone(), v)
        })
        .collect();
    assert_eq!(got, calls, "{name}: calls");
    assert!(t.tool_calls.values().all(|c| c.ended), "{name}");
    assert_eq!(
        t.text.get(&0).cloned().unwrap_or_default(),
        text,
        "{name}: text"
    );
    assert_eq!(
        t.reasoning.get(&0).cloned().unwrap_or_default(),
        thoughts,
        "{name}: thoughts"
    );
    let f0 = finish.unwrap_or_else(|| panic!("{name}: recording has no finish"));
    assert_eq!(t.finish.len(), 1, "{name}");
    assert_eq!(t.finish[0].2, f0);
    let reason = match FinishReason::from_raw(&f0) {
        FinishReason::Stop if !calls.is_empty() => FinishReason::ToolCalls,
        r => r,
    };
    assert_eq!(t.finish[0].1, reason, "{name}");
    assert_eq!(
        t.usage.first().map(|u| (u.input_tokens, u.output_tokens)),
        usage,
        "{name}: usage"
    );
}

#[test]
fn recordings() {
    let mut seen = 0;
    let mut streamed_args = 0;
    for f in conformance::fixtures("gemini") {
        seen += 1;
        if let Some((_, why)) = UNSUPPORTED.iter().find(|(n, _)| *n == f.name) {
            assert_eq!(f.format, Format::Other, "{why}");
            // Fed anyway, it is a clear error, not an empty stream.
            let d = conformance::decode_with_cuts(&mut *provider("x").decoder(), &f.body, &[]);
            assert!(d.end.is_err() && d.events.is_empty(), "{}: {why}", f.name);
            continue;
        }
        if f.body.windows(11).any(|w| w == b"partialArgs") {
            streamed_args += 1;
        }
        let run = conformance::run_fixture(
            &provider,
            &conformance::tool_request("gemini-x"),
            &f,
            6_000,
            700,
        );
        check(&f, &run);
    }
    assert_eq!(seen, 25);
    assert_eq!(streamed_args, 4);
}

#[test]
fn specific_recordings() {
    let load = |n: &str| {
        let f = Fixture::load(&conformance::corpus_dir().join("gemini").join(n));
        let d = conformance::decode_with_cuts(&mut *provider("x").decoder(), &f.body, &[]);
        (d.end, conformance::Transcript::new(&d.events))
    };
    let (end, t) = load("pydantic-ai/thinking_part_iter.sse");
    end.unwrap();
    assert!(t.reasoning[&0].len() > 100);
    assert!(t.usage[0].reasoning_tokens.unwrap() > 0);
    let (_, t) = load(
        "vercel-ai/google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt",
    );
    let args = t.parsed_arguments("x");
    assert_eq!(args[&(0, 0)]["operations"][1]["price"], json!(0.3));
    assert_eq!(
        args[&(0, 0)]["operations"][0]["description"],
        json!("Fresh red apple")
    );
    // A chunk that is an error object.
    let body = b"data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded.\", \"status\": \"UNAVAILABLE\"}}\r\n\r\n";
    let d = conformance::check_decoding("error", &|| provider("x").decoder(), body, 1000);
    d.end.unwrap();
    let t = conformance::Transcript::new(&d.events);
    assert_eq!(t.errors[0].message, "The model is overloaded.");
    assert_eq!(t.errors[0].kind.as_deref(), Some("UNAVAILABLE"));
    // A blocked prompt: a content-filter finish with the block reason.
    let body = b"data: {\"promptFeedback\": {\"blockReason\": \"SAFETY\"}, \"usageMetadata\": {\"promptTokenCount\": 7}}\r\n\r\n";
    let d = conformance::check_decoding("blocked", &|| provider("x").decoder(), body, 1000);
    d.end.unwrap();
    let t = conformance::Transcript::new(&d.events);
    assert_eq!(
        t.finish,
        [(0, FinishReason::ContentFilter, "SAFETY".to_string())]
    );
    assert_eq!(t.usage[0].input_tokens, 7);
    // A body cut between frames: incomplete.
    let f = Fixture::load(&conformance::corpus_dir().join("gemini/pydantic-ai/model_stream.sse"));
    let cut = f.body.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let d = conformance::decode_with_cuts(&mut *provider("x").decoder(), &f.body[..cut], &[]);
    assert_eq!(d.end.unwrap_err().kind(), &DecodeErrorKind::Incomplete);
}
