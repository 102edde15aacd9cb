//! `structream sse` run as a process over recorded provider streams.

mod common;

use common::{lines, stderr, structream};

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

macro_rules! corpus {
    ($path:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpora/sse/",
            $path
        )
    };
}

/// `sse --protocol P [extra...] FILE`: exit code, stdout lines, stderr.
fn sse(protocol: &str, file: &str, extra: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut args = vec!["sse", "--protocol", protocol];
    args.extend_from_slice(extra);
    args.push(file);
    let out = structream(&args, b"");
    (out.status.code(), lines(&out), stderr(&out))
}

/// The concatenated `tool_args_delta` pieces of each tool call, parsed.
fn arguments_by_index(event_lines: &[String]) -> Vec<(u64, Value)> {
    let mut calls: Vec<(u64, String)> = Vec::new();
    for line in event_lines {
        let e: Value = serde_json::from_str(line).unwrap();
        let index = e["index"].as_u64();
        match (e["type"].as_str(), index) {
            (Some("tool_call_start"), Some(i)) => calls.push((i, String::new())),
            (Some("tool_args_delta"), Some(i)) => {
                let call = calls.iter_mut().find(|(c, _)| *c == i).unwrap();
                call.1.push_str(e["json"].as_str().unwrap());
            }
            _ => {}
        }
    }
    calls
        .into_iter()
        .map(|(i, text)| {
            let text = if text.is_empty() { "{}".into() } else { text };
            (i, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

#[test]
fn event_lines_of_one_small_recording_per_protocol() {
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "openai-chat",
            corpus!("openai-chat/pydantic-ai/parallel_tool_calls_2.sse"),
            &[
                r#"{"type":"tool_call_start","index":0,"call":0,"id":"call_3rqTYrA6H21AYUaRGP4F66oq","name":"get_country"}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"{}"}"#,
                r#"{"type":"tool_call_start","index":1,"call":1,"id":"call_Xw9XMKBJU48kAAd78WgIswDx","name":"get_product_name"}"#,
                r#"{"type":"tool_args_delta","index":1,"call":1,"json":"{}"}"#,
                r#"{"type":"tool_call_end","index":0,"call":0}"#,
                r#"{"type":"tool_call_end","index":1,"call":1}"#,
                r#"{"type":"finish","reason":"tool_calls","raw":"tool_calls"}"#,
                r#"{"type":"usage","input_tokens":364,"output_tokens":40,"reasoning_tokens":0,"cached_tokens":0}"#,
            ],
        ),
        (
            "openai-responses",
            corpus!("openai-responses/pydantic-ai/responses_stream.0.function_call.sse"),
            &[
                r#"{"type":"tool_call_start","index":0,"call":0,"id":"call_kL0PCQV7M2WMoVX8V8OtYSAL","name":"get_capital"}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"{\""}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"country"}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"\":\""}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"France"}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"\"}"}"#,
                r#"{"type":"tool_call_end","index":0,"call":0}"#,
                r#"{"type":"finish","reason":"tool_calls","raw":"completed"}"#,
                r#"{"type":"usage","input_tokens":255,"output_tokens":16,"reasoning_tokens":0,"cached_tokens":0}"#,
            ],
        ),
        (
            "anthropic",
            corpus!("anthropic/pydantic-ai/simple_text_stream.sse"),
            &[
                r#"{"type":"text_delta","text":"2"}"#,
                r#"{"type":"finish","reason":"stop","raw":"end_turn"}"#,
                r#"{"type":"usage","input_tokens":20,"output_tokens":5,"cached_tokens":0}"#,
            ],
        ),
        (
            "gemini",
            corpus!("gemini/pydantic-ai/model_iter_stream.0.function_call.sse"),
            &[
                r#"{"type":"tool_call_start","index":0,"call":0,"id":null,"name":"get_capital"}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"{\"country\":\"France\"}"}"#,
                r#"{"type":"tool_call_end","index":0,"call":0}"#,
                r#"{"type":"finish","reason":"tool_calls","raw":"STOP"}"#,
                r#"{"type":"usage","input_tokens":52,"output_tokens":5}"#,
            ],
        ),
        (
            "ollama",
            corpus!("ollama/semantic-kernel/api_chat_tool_call_llama3.2.ndjson"),
            &[
                r#"{"type":"tool_call_start","index":0,"call":0,"id":null,"name":"TestPlugin_TestFunction"}"#,
                r#"{"type":"tool_args_delta","index":0,"call":0,"json":"{\"testInput\":\"fake-text\"}"}"#,
                r#"{"type":"tool_call_end","index":0,"call":0}"#,
                r#"{"type":"finish","reason":"tool_calls","raw":"stop"}"#,
                r#"{"type":"usage","input_tokens":152,"output_tokens":22}"#,
            ],
        ),
    ];
    for (protocol, file, expected) in cases {
        let (code, lines, err) = sse(protocol, file, &[]);
        assert_eq!(code, Some(0), "{file}: {err}");
        assert_eq!(lines, expected, "{file}");
        assert_eq!(err, "");
    }
}

/// Recordings of every protocol, tool calls, text and JSON content.
const RECORDINGS: [(&str, &str); 10] = [
    (
        "openai-chat",
        corpus!("openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse"),
    ),
    (
        "openai-chat",
        corpus!("openai-chat/openai-python/parse_pydantic_model_multiple_choices_n3.sse"),
    ),
    (
        "openai-chat",
        corpus!(
            "openai-chat/pydantic-ai/complex_agent_run.2.final_result_tool_structured_output.sse"
        ),
    ),
    (
        "openai-compatible",
        corpus!("openai-compatible/pydantic-ai/mistral__thinking_part_iter.sse"),
    ),
    (
        "openai-responses",
        corpus!("openai-responses/pydantic-ai/streaming_usage.function_calls.sse"),
    ),
    (
        "anthropic",
        corpus!("anthropic/anthropic-sdk-python/snapshot__tool_runner_555fb399.0.sse"),
    ),
    (
        "anthropic",
        corpus!("anthropic/pydantic-ai/thinking_part_stream.sse"),
    ),
    (
        "gemini",
        corpus!("gemini/pydantic-ai/native_output_json_schema_with_function_tools.1.sse"),
    ),
    (
        "gemini",
        corpus!("gemini/pydantic-ai/streaming_tool_call_thought_signature.0.sse"),
    ),
    (
        "ollama",
        corpus!("ollama/semantic-kernel/api_chat_multiple_tool_calls_llama3.2.ndjson"),
    ),
];

#[test]
fn chunk_sizes_change_nothing() {
    for (protocol, file) in RECORDINGS {
        for extra in [&[][..], &["--partial"], &["--partial", "--wrap"]] {
            let whole = sse(protocol, file, extra);
            for sizes in ["1", "2,7,64"] {
                let mut args = extra.to_vec();
                args.extend(["--chunk-sizes", sizes]);
                assert_eq!(
                    sse(protocol, file, &args),
                    whole,
                    "{file} {extra:?} --chunk-sizes {sizes}"
                );
            }
        }
    }
}

#[test]
fn an_error_in_the_stream_exits_1_with_the_providers_message() {
    let file = corpus!("openai-compatible/pydantic-ai/openrouter__stream_error_in_chunk.sse");
    let (code, lines, err) = sse("openai-compatible", file, &[]);
    assert_eq!(code, Some(1));
    assert!(
        lines.contains(
            &r#"{"type":"error","message":"Token limit reached","code":"400"}"#.to_string()
        )
    );
    assert_eq!(err, "error: Token limit reached (400)\n");
    // The same with --partial: the message on stderr, no event lines.
    let (code, lines, err) = sse("openai-compatible", file, &["--partial"]);
    assert_eq!(code, Some(1));
    assert!(lines.iter().all(|l| !l.contains("\"type\"")), "{lines:?}");
    assert_eq!(err, "error: Token limit reached (400)\n");
    // Anthropic's in-stream error event.
    let body = b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n\
        event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    let out = structream(&["sse", "--protocol", "anthropic", "-"], body);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: Overloaded (overloaded_error)\n");
    // A stream cut before its end: the error is where the body ended.
    let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";
    let out = structream(&["sse", "--protocol", "openai-chat"], body);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: stream ended before the provider's end of stream at byte {}\n",
            body.len()
        )
    );
}

#[test]
fn partial_ends_with_each_tool_calls_final_arguments() {
    for (protocol, file) in [
        (
            "openai-chat",
            corpus!("openai-chat/openai-python/parse_pydantic_tool.sse"),
        ),
        (
            "openai-chat",
            corpus!("openai-chat/semantic-kernel/single_tool_call_argument_deltas.sse"),
        ),
        (
            "openai-responses",
            corpus!("openai-responses/pydantic-ai/responses_stream.0.function_call.sse"),
        ),
        (
            "anthropic",
            corpus!("anthropic/anthropic-sdk-python/snapshot__tool_runner_555fb399.0.sse"),
        ),
        (
            "gemini",
            corpus!("gemini/pydantic-ai/model_iter_stream.0.function_call.sse"),
        ),
        (
            "ollama",
            corpus!("ollama/semantic-kernel/api_chat_tool_call_llama3.2.ndjson"),
        ),
    ] {
        let (code, events, _) = sse(protocol, file, &[]);
        assert_eq!(code, Some(0));
        let args = arguments_by_index(&events);
        assert_eq!(args.len(), 1, "{file}");
        let (code, snapshots, err) = sse(protocol, file, &["--partial"]);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{file}");
        // One compact JSON value per line, each a visible change.
        for line in &snapshots {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_eq!(&v.to_string(), line, "{file}: not compact");
        }
        assert!(snapshots.windows(2).all(|w| w[0] != w[1]), "{file}");
        let last: Value = serde_json::from_str(snapshots.last().unwrap()).unwrap();
        assert_eq!(last, args[0].1, "{file}");
    }
    // Streamed piece by piece, the snapshots grow.
    let (_, snapshots, _) = sse(
        "openai-chat",
        corpus!("openai-chat/openai-python/parse_pydantic_tool.sse"),
        &["--partial"],
    );
    assert_eq!(
        snapshots[..4],
        [
            "{}",
            r#"{"city":""}"#,
            r#"{"city":"Ed"}"#,
            r#"{"city":"Edinburgh"}"#
        ]
    );
}

#[test]
fn partial_with_parallel_calls_wraps_every_channel_but_the_first() {
    let file = corpus!("openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse");
    let (_, events, _) = sse("openai-chat", file, &[]);
    let args = arguments_by_index(&events);
    assert_eq!(args.len(), 2);
    let (code, out, _) = sse("openai-chat", file, &["--partial"]);
    assert_eq!(code, Some(0));
    let (mut bare, mut wrapped) = (None, None);
    for line in &out {
        let v: Value = serde_json::from_str(line).unwrap();
        if line.starts_with(r#"{"index":1,"call":1,"value":"#) {
            wrapped = Some(v["value"].clone());
        } else {
            bare = Some(v);
        }
    }
    assert_eq!(bare.as_ref(), Some(&args[0].1));
    assert_eq!(wrapped.as_ref(), Some(&args[1].1));
    // --wrap: every line names its channel.
    let (code, out, _) = sse("openai-chat", file, &["--partial", "--wrap"]);
    assert_eq!(code, Some(0));
    assert!(
        out[0].starts_with(r#"{"index":0,"call":0,"value":"#),
        "{}",
        out[0]
    );
    let last: Vec<Value> = [0, 1]
        .iter()
        .map(|&i| {
            out.iter()
                .rev()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .find(|v| v["index"] == i)
                .unwrap()["value"]
                .clone()
        })
        .collect();
    assert_eq!(last, [args[0].1.clone(), args[1].1.clone()]);
    // Several choices' JSON text: choice 0 bare, the others by choice.
    let file = corpus!("openai-chat/openai-python/parse_pydantic_model_multiple_choices_n3.sse");
    let (code, out, _) = sse("openai-chat", file, &["--partial"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out[out.len() - 3..],
        [
            r#"{"city":"San Francisco","temperature":65,"units":"f"}"#,
            r#"{"choice":1,"value":{"city":"San Francisco","temperature":61,"units":"f"}}"#,
            r#"{"choice":2,"value":{"city":"San Francisco","temperature":59,"units":"f"}}"#,
        ]
    );
}

#[test]
fn items_of_a_recorded_list_in_arguments_and_in_text() {
    let (code, out, err) = sse(
        "openai-chat",
        corpus!(
            "openai-chat/pydantic-ai/complex_agent_run.2.final_result_tool_structured_output.sse"
        ),
        &["--items", "/answers", "--chunk-sizes", "5"],
    );
    assert_eq!((code, err.as_str()), (Some(0), ""));
    assert_eq!(
        out,
        [
            r#"{"label":"Capital of the country","answer":"Mexico City"}"#,
            r#"{"label":"Weather in the capital","answer":"Sunny"}"#,
            r#"{"label":"Product Name","answer":"Pydantic AI"}"#,
        ]
    );
    // JSON content (response_format json_schema), and a repeated --items.
    let (code, out, _) = sse(
        "openai-chat",
        corpus!("openai-chat/openai-python/non_pydantic_response_format_json_schema.sse"),
        &["--items", "/forecast", "--items", "/nothing"],
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        [
            r#"{"day":"Monday","high":"20°C","low":"14°C","condition":"Sunny"}"#,
            r#"{"day":"Tuesday","high":"19°C","low":"15°C","condition":"Mostly Cloudy"}"#,
            r#"{"day":"Wednesday","high":"18°C","low":"14°C","condition":"Cloudy"}"#,
        ]
    );
}

#[test]
fn an_item_is_printed_before_the_rest_of_the_stream_arrives() {
    let body = std::fs::read(corpus!(
        "openai-chat/pydantic-ai/complex_agent_run.2.final_result_tool_structured_output.sse"
    ))
    .unwrap();
    let text = String::from_utf8(body.clone()).unwrap();
    // The frames up to the one whose arguments close the first item.
    let mut arguments = String::new();
    let mut cut = None;
    let mut at = 0;
    for frame in text.split_inclusive("\n\n") {
        at += frame.len();
        if let Some(data) = frame.trim().strip_prefix("data: ")
            && let Ok(v) = serde_json::from_str::<Value>(data)
            && let Some(a) =
                v["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str()
        {
            arguments.push_str(a);
        }
        if arguments.contains("Mexico City\"}") {
            cut = Some(at);
            break;
        }
    }
    let cut = cut.unwrap();
    assert!(cut < body.len() / 2);

    let mut child = Command::new(env!("CARGO_BIN_EXE_structream"))
        .args([
            "sse",
            "--protocol",
            "openai-chat",
            "--items",
            "/answers",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    stdin.write_all(&body[..cut]).unwrap();
    stdin.flush().unwrap();
    let first = rx.recv_timeout(Duration::from_secs(30));
    // Clean up before asserting, so a failure does not leave a child behind.
    if first.is_err() {
        let _ = child.kill();
    }
    assert_eq!(
        first.expect("no item before the rest of the stream"),
        r#"{"label":"Capital of the country","answer":"Mexico City"}"#
    );
    // Nothing more yet: the next item has not closed.
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
    stdin.write_all(&body[cut..]).unwrap();
    drop(stdin);
    let rest: Vec<String> = rx.iter().collect();
    assert_eq!(rest.len(), 2);
    assert!(child.wait().unwrap().success());
}

#[test]
fn broken_or_missing_json_exits_1_with_an_error_per_problem() {
    // The text's JSON cut by max_tokens.
    let (code, out, err) = sse(
        "openai-chat",
        corpus!("openai-chat/openai-python/parse_max_tokens_reached_truncated_json.sse"),
        &["--partial"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(out, ["{}"]);
    assert_eq!(
        err,
        "error: the text: EOF while parsing a string at line 1 column 3 (byte 2)\n"
    );
    // A tool call whose arguments are not JSON, among valid ones.
    let (code, out, err) = sse(
        "openai-chat",
        corpus!("openai-chat/semantic-kernel/multiple_tool_calls_whole_arguments_synthetic.sse"),
        &["--partial"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(out[0], r#"{"location":"Boston, MA"}"#);
    assert_eq!(
        err,
        "error: tool call 3: expected value at line 1 column 1 (byte 0)\n"
    );
    // Prose only: nothing to show.
    let (code, out, err) = sse(
        "anthropic",
        corpus!("anthropic/pydantic-ai/simple_text_stream.sse"),
        &["--partial"],
    );
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: no JSON in the stream: no tool call arguments, and no JSON value in the text\n"
    );
    // Prose around JSON in the text is skipped.
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sure:\\n```json\\n{\\\"a\\\": [1]}\\n```\\nDone.\"}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let out = structream(
        &["sse", "--protocol", "openai-chat", "--partial"],
        body.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out), [r#"{"a":[1]}"#]);
    // A citation before the JSON: prose by default (an object is looked
    // for); taken for the value when any value is asked for.
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"As [1] says: {\\\"a\\\": 2}\"}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    for (extra, expected) in [
        (&[][..], r#"{"a":2}"#),
        (&["--lenient-root", "object"][..], r#"{"a":2}"#),
        (&["--lenient-root", "any"][..], "[1]"),
    ] {
        let mut args = vec!["sse", "--protocol", "openai-chat", "--partial"];
        args.extend_from_slice(extra);
        let out = structream(&args, body.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(lines(&out), [expected], "{extra:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let file = corpus!("anthropic/pydantic-ai/simple_text_stream.sse");
    for args in [
        &["sse", file][..],
        &["sse", "--protocol", "cohere", file],
        &[
            "sse",
            "--protocol",
            "anthropic",
            "--partial",
            "--items",
            "/a",
            file,
        ],
        &["sse", "--protocol", "anthropic", "--wrap", file],
        &[
            "sse",
            "--protocol",
            "anthropic",
            "--items",
            "no-slash",
            file,
        ],
        &["sse", "--protocol", "anthropic", "--chunk-sizes", "0", file],
        &["sse", "--protocol", "anthropic", "--items"],
    ] {
        let out = structream(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).starts_with("error: "), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let out = structream(&["sse", "--protocol", "anthropic", "/no/such/file"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: /no/such/file: "));
}
