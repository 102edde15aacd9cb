//! `structream sse` on the edges of the protocols: which tool call an event
//! belongs to across protocols (`call`), errors written outside the frames,
//! Gemini's finish reasons, what is not printed (server-side tools), and
//! the kind of value looked for in a choice's text.

mod common;

use common::{corpus, lines, stderr, structream};

use serde_json::Value;

fn parse(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `sse --protocol P args… FILE`.
fn sse_file(protocol: &str, file: &str, args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut all = vec!["sse", "--protocol", protocol];
    all.extend_from_slice(args);
    let file = corpus(file);
    all.push(&file);
    let out = structream(&all, b"");
    (out.status.code(), lines(&out), stderr(&out))
}

/// Runs `sse --protocol P args…` over `body` on standard input.
fn sse_stdin(protocol: &str, args: &[&str], body: &[u8]) -> (Option<i32>, Vec<String>, String) {
    let mut all = vec!["sse", "--protocol", protocol];
    all.extend_from_slice(args);
    let out = structream(&all, body);
    (out.status.code(), lines(&out), stderr(&out))
}

/// The (index, call) of every tool call start.
fn starts(events: &[Value]) -> Vec<(u64, u64)> {
    events
        .iter()
        .filter(|e| e["type"] == "tool_call_start")
        .map(|e| (e["index"].as_u64().unwrap(), e["call"].as_u64().unwrap()))
        .collect()
}

#[test]
fn call_numbers_tool_calls_the_same_across_protocols() {
    // A tool call after a text block (Anthropic) or a reasoning item
    // (Responses) has the provider's index 1, and is call 0 everywhere.
    let cases = [
        (
            "anthropic",
            "sse/anthropic/anthropic-sdk-python/tool_use_response.sse",
            vec![(1, 0)],
        ),
        (
            "openai-responses",
            "sse/openai-responses/pydantic-ai/streaming_usage.function_calls.sse",
            vec![(1, 0)],
        ),
        (
            "openai-chat",
            "sse/openai-chat/pydantic-ai/parallel_tool_calls_2.sse",
            vec![(0, 0), (1, 1)],
        ),
    ];
    for (protocol, file, expected) in cases {
        let (_, out, err) = sse_file(protocol, file, &[]);
        let events = parse(&out);
        assert_eq!(starts(&events), expected, "{file}: {err}");
        // Every event of a call carries the same ordinal.
        for e in &events {
            if let Some(t) = e["type"].as_str().filter(|t| t.starts_with("tool_")) {
                let index = e["index"].as_u64().unwrap();
                let call = expected.iter().find(|s| s.0 == index).unwrap().1;
                assert_eq!(e["call"], call, "{file}: {t}");
            }
        }
    }
    // The wrapped --partial lines carry it too.
    let (_, out, _) = sse_file(
        "anthropic",
        "sse/anthropic/anthropic-sdk-python/tool_use_response.sse",
        &["--partial", "--wrap"],
    );
    let last = parse(&out).pop().unwrap();
    assert_eq!(
        (&last["index"], &last["call"], &last["value"]["location"]),
        (&Value::from(1), &Value::from(0), &Value::from("Paris"))
    );
}

const LONG_MESSAGE: &str = "This request would exceed the rate limit of 20,000,000 prompt bytes per \
                            hour. Please reduce the prompt length or try again later.";

#[test]
fn errors_outside_the_frames_are_error_events_with_the_whole_message() {
    // A recorded error body in place of the stream.
    let (code, out, err) = sse_file(
        "anthropic",
        "sse/anthropic/anthropic-sdk-python/snapshot__rate_limit_error_response.json",
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    let events = parse(&out);
    assert_eq!(events.len(), 1, "{out:?}");
    assert_eq!(events[0]["type"], "error");
    assert_eq!(events[0]["kind"], "rate_limit_error");
    let message = events[0]["message"].as_str().unwrap();
    assert!(message.starts_with("This request would exceed") && message.len() > 400);
    assert!(err.contains("to discuss your options for a rate limit increase."));
    assert!(!err.contains("stream ended before"), "{err}");

    // A recorded stream cut before its end, then an `error:` line or a
    // pretty-printed error object.
    let recorded =
        std::fs::read(corpus("sse/anthropic/pydantic-ai/simple_text_stream.sse")).unwrap();
    let text = String::from_utf8(recorded).unwrap();
    let cut = &text[..text.find("event: message_delta").unwrap()];
    let tails = [
        format!("error: {{\"type\": \"overloaded_error\", \"message\": \"{LONG_MESSAGE}\"}}\n\n"),
        format!(
            "{{\n  \"error\": {{\n    \"type\": \"overloaded_error\",\n    \"message\": \"{LONG_MESSAGE}\"\n  }}\n}}"
        ),
    ];
    for tail in tails {
        let body = format!("{cut}{tail}");
        for chunks in [&[][..], &["--chunk-sizes", "1"][..]] {
            let (code, out, err) = sse_stdin("anthropic", chunks, body.as_bytes());
            assert_eq!(code, Some(1), "{tail}: {err}");
            let events = parse(&out);
            assert_eq!(events[0]["type"], "text_delta");
            let last = events.last().unwrap();
            assert_eq!(last["type"], "error", "{tail}");
            assert_eq!(last["message"], LONG_MESSAGE);
            assert_eq!(last["kind"], "overloaded_error");
            assert_eq!(err, format!("error: {LONG_MESSAGE} (overloaded_error)\n"));
        }
    }
    // The same through OpenAI's protocol, with a code.
    let body = format!(
        "{{\"error\": {{\"message\": \"{LONG_MESSAGE}\", \"type\": \"requests\", \"param\": null, \"code\": \"rate_limit_exceeded\"}}}}\n"
    );
    let (code, out, _) = sse_stdin("openai-chat", &[], body.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        [format!(
            "{{\"type\":\"error\",\"message\":\"{LONG_MESSAGE}\",\"kind\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"
        )]
    );
}

#[test]
fn gemini_reports_the_last_finish_reason_and_tool_calls() {
    let frame = |text: &str, finish: &str| {
        format!(
            "data: {{\"candidates\": [{{\"content\": {{\"parts\": [{{\"text\": \"{text}\"}}],\"role\": \"model\"}},\"finishReason\": \"{finish}\"}}]}}\r\n\r\n"
        )
    };
    let body = [frame("The", "STOP"), frame(" words", "RECITATION")].concat();
    let (code, out, _) = sse_stdin("gemini", &[], body.as_bytes());
    assert_eq!(code, Some(0));
    assert_eq!(
        out.last().unwrap(),
        r#"{"type":"finish","reason":"content_filter","raw":"RECITATION"}"#
    );
    assert_eq!(
        out.iter().filter(|l| l.contains("\"finish\"")).count(),
        1,
        "{out:?}"
    );
    // A recorded function call: tool_calls, with the raw STOP.
    let (code, out, _) = sse_file(
        "gemini",
        "sse/gemini/pydantic-ai/model_iter_stream.0.function_call.sse",
        &[],
    );
    assert_eq!(code, Some(0));
    assert!(
        out.contains(&r#"{"type":"finish","reason":"tool_calls","raw":"STOP"}"#.to_string()),
        "{out:?}"
    );
}

#[test]
fn help_says_what_is_not_printed_and_what_is_looked_for() {
    let out = structream(&["sse", "--help"], b"");
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "Server-side tools",
        "server_tool_use",
        "web_search_call",
        "server_tool",
        "are not printed",
        "\"call\":0",
        "[default: object]",
        "citation",
    ] {
        assert!(help.contains(needle), "{needle:?} not in:\n{help}");
    }
    // A recorded stream with server-side web searches: a server_tool line
    // per search, no tool call, and the text.
    let (code, out, _) = sse_file(
        "anthropic",
        "sse/anthropic/pydantic-ai/web_search_tool_stream.sse",
        &[],
    );
    assert_eq!(code, Some(0));
    let events = parse(&out);
    assert!(
        events
            .iter()
            .all(|e| !e["type"].as_str().unwrap().starts_with("tool_"))
    );
    assert!(events.iter().any(|e| e["type"] == "text_delta"));
    let searches: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "server_tool")
        .map(|e| e["input"]["query"].as_str().unwrap())
        .collect();
    assert_eq!(
        searches,
        [
            "top world news today",
            "breaking news headlines August 14 2025"
        ]
    );
    assert_eq!(
        out.iter().find(|l| l.contains("server_tool")).unwrap(),
        r#"{"type":"server_tool","index":0,"id":"srvtoolu_01NcU4XNwyxWK6a9tcJZ8wGY","name":"web_search","input":{"query":"top world news today"}}"#
    );
    // --partial ignores them: the stream has no JSON channel.
    let (code, _, err) = sse_file(
        "openai-responses",
        "sse/openai-responses/pydantic-ai/web_search_tool_stream.sse",
        &["--partial"],
    );
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: no JSON in the stream"), "{err}");
}

#[test]
fn a_citation_in_prose_is_not_the_answer_by_default() {
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris [1][5] is the capital. {\\\"city\\\": \\\"Paris\\\"}\"}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let (code, out, err) = sse_stdin("openai-chat", &["--partial"], body.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.last().unwrap(), r#"{"city":"Paris"}"#);
    assert!(out.iter().all(|l| l.starts_with('{')), "{out:?}");
    // Prose with citations and no JSON: no answer, exit 1.
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris [1][5] is the capital.\"}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let (code, out, err) = sse_stdin("openai-chat", &["--partial"], body.as_bytes());
    assert_eq!(code, Some(1));
    assert!(out.is_empty(), "{out:?}");
    assert!(err.starts_with("error: no JSON in the stream"), "{err}");
    // An array answer, asked for.
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[1, 2]\"}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let (code, out, _) = sse_stdin(
        "openai-chat",
        &["--partial", "--lenient-root", "array"],
        body.as_bytes(),
    );
    assert_eq!(code, Some(0));
    assert_eq!(out.last().unwrap(), "[1,2]");
}

#[test]
fn the_parsers_nesting_limit_and_lone_surrogates_apply_to_the_channels() {
    // Tool arguments nested three deep, then a lone surrogate in a string.
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\": [[1]], \\\"s\\\": \\\"\\\\ud800\\\"}\"}}]}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n";
    let (code, out, err) = sse_stdin(
        "openai-chat",
        &["--partial", "--lone-surrogates", "replace"],
        body.as_bytes(),
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.last().unwrap(), "{\"a\":[[1]],\"s\":\"\u{FFFD}\"}");
    // Rejected by default, with the surrogate named.
    let (code, _, err) = sse_stdin("openai-chat", &["--partial"], body.as_bytes());
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: tool call 0: "), "{err}");
    assert!(err.contains("surrogate"), "{err}");
    // Three levels against a limit of two.
    let (code, _, err) = sse_stdin(
        "openai-chat",
        &[
            "--partial",
            "--lone-surrogates",
            "replace",
            "--max-depth",
            "2",
        ],
        body.as_bytes(),
    );
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: tool call 0: recursion limit exceeded"),
        "{err}"
    );
    let (code, _, _) = sse_stdin(
        "openai-chat",
        &[
            "--partial",
            "--lone-surrogates",
            "replace",
            "--max-depth",
            "3",
        ],
        body.as_bytes(),
    );
    assert_eq!(code, Some(0));
}
