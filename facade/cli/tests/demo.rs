//! `structream demo --fast` run as a process with standard output piped:
//! the plain-line contract, and values that match the recordings it serves.

use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

fn run_demo(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_structream"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the demo finishes within two minutes")
        .unwrap()
}

fn data(path: &str) -> String {
    std::fs::read_to_string(format!("{}/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The JSON events of an SSE body (the `data:` lines, `[DONE]` left out).
fn sse_data(body: &str) -> Vec<Value> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

/// The arguments of each tool call of an OpenAI Chat Completions stream,
/// by index, with the tool's name.
fn openai_tool_calls(body: &str) -> Vec<(String, Value)> {
    let mut calls: Vec<(String, String)> = Vec::new();
    for event in sse_data(body) {
        for call in event["choices"][0]["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().unwrap() as usize;
            if calls.len() <= index {
                calls.resize(index + 1, Default::default());
            }
            if let Some(name) = call["function"]["name"].as_str() {
                calls[index].0 = name.to_owned();
            }
            if let Some(args) = call["function"]["arguments"].as_str() {
                calls[index].1.push_str(args);
            }
        }
    }
    calls
        .into_iter()
        .map(|(name, args)| (name, serde_json::from_str(&args).unwrap()))
        .collect()
}

fn openai_content(body: &str) -> Value {
    let text: String = sse_data(body)
        .iter()
        .filter_map(|e| {
            e["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    serde_json::from_str(&text).unwrap()
}

fn anthropic_tool_input(body: &str) -> Value {
    let text: String = sse_data(body)
        .iter()
        .filter_map(|e| e["delta"]["partial_json"].as_str().map(str::to_owned))
        .collect();
    serde_json::from_str(&text).unwrap()
}

/// Whether `partial` could be a snapshot of `whole` taken while it
/// streamed: every member it has is in `whole`, strings are prefixes, lists
/// are a prefix (the last item possibly partial), other values equal.
fn consistent(partial: &Value, whole: &Value) -> bool {
    match (partial, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .all(|(k, v)| w.get(k).is_some_and(|wv| consistent(v, wv))),
        (Value::Array(p), Value::Array(w)) => {
            p.len() <= w.len() && p.iter().zip(w).all(|(a, b)| consistent(a, b))
        }
        (Value::String(p), Value::String(w)) => w.starts_with(p.as_str()),
        (p, w) => p == w,
    }
}

#[test]
fn fast_demo_prints_plain_event_lines_matching_the_recordings() {
    let out = run_demo(&["demo", "--fast"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\x1b'), "no terminal codes in a pipe");

    // Every line is `<kind> <compact JSON object>`.
    let mut events: Vec<(&str, Value)> = Vec::new();
    for line in stdout.lines() {
        let (kind, rest) = line.split_once(' ').expect("a kind and a value");
        assert!(
            matches!(kind, "partial" | "item" | "final"),
            "unexpected line {line:?}"
        );
        assert!(rest.starts_with('{'), "{line:?}");
        let value: Value = serde_json::from_str(rest).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(serde_json::to_string(&value).unwrap(), rest, "compact");
        events.push((kind, value));
    }

    // Three partial streams, each ending with its final value.
    let expected_finals = [
        openai_tool_calls(&data("openai-chat/openai-python/parse_pydantic_tool.sse"))[0]
            .1
            .clone(),
        anthropic_tool_input(&data(
            "anthropic/anthropic-sdk-python/snapshot__tool_runner_555fb399.0.sse",
        )),
        openai_content(&data(
            "openai-chat/openai-python/non_pydantic_response_format_json_schema.sse",
        )),
    ];
    let mut rest = &events[..];
    for expected in &expected_finals {
        let end = rest
            .iter()
            .position(|(kind, _)| *kind == "final")
            .expect("a final line");
        let (group, after) = rest.split_at(end + 1);
        let (_, last) = &group[end];
        assert_eq!(last, expected, "the final value is the recorded answer");
        let partials: Vec<&Value> = group[..end]
            .iter()
            .map(|(kind, v)| {
                assert_eq!(*kind, "partial");
                v
            })
            .collect();
        assert!(!partials.is_empty(), "partials come before {expected}");
        for p in &partials {
            assert!(consistent(p, last), "{p} is not a snapshot of {last}");
        }
        for w in partials.windows(2) {
            assert!(
                consistent(w[0], w[1]),
                "{} then {}: not monotone",
                w[0],
                w[1]
            );
        }
        rest = after;
    }

    // Then items: the union over the recorded parallel tool calls, one per
    // call, each tagged with its tool's variant; then the made-up list.
    let items: Vec<&Value> = rest
        .iter()
        .map(|(kind, v)| {
            assert_eq!(*kind, "item", "only items after the partial streams");
            v
        })
        .collect();
    let calls = openai_tool_calls(&data(
        "openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse",
    ));
    assert_eq!(calls.len(), 2);
    assert_eq!(items.len(), 6, "{items:?}");
    for ((name, args), item) in calls.iter().zip(&items) {
        assert_eq!(*item, &json!({ name.as_str(): args }));
    }
    for item in &items[2..] {
        let fields: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, ["owner", "task", "due"]);
    }
    assert!(stderr.contains("made-up"), "the made-up stream says so");
}
