//! `structream extract` run as a process against a loopback replay server:
//! what it prints, what it sends, and its exit code for each failure.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use structream::replay::{self, Plan, Server};

const USER: &str = r#"{"name": "Jason \"J\" Smith", "age": 25}"#;

/// Runs `structream extract` with `args` (without blocking the runtime
/// that serves the replay).
async fn extract(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let run = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_structream"))
            .arg("extract")
            .args(&args)
            .env("OPENAI_API_KEY", "sk-test-not-a-real-key")
            .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    });
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("extract finishes")
        .unwrap()
}

/// A server answering every request with `body`, one SSE frame per write.
async fn serve(body: Vec<u8>) -> Server {
    let cuts = body
        .windows(2)
        .enumerate()
        .filter(|(_, w)| *w == b"\n\n")
        .map(|(i, _)| i + 2)
        .filter(|&end| end < body.len())
        .collect();
    Server::start(vec![Plan::stream(body, cuts)]).await
}

fn stdout_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A schema file in a fresh temporary directory.
fn schema_file(name: &str, schema: &Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("structream-extract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, schema.to_string()).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_the_value_and_sends_the_schema_and_prompt() {
    let server = serve(replay::openai_tool_calls(&[("User", USER)], 4)).await;
    let url = server.base_url();
    let out = extract(&[
        "--model",
        "openai/gpt-4.1-mini",
        "--example",
        "user",
        "--prompt",
        "Jason is 25",
        "--base-url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout.clone()).unwrap(),
        "{\"name\":\"Jason \\\"J\\\" Smith\",\"age\":25}\n"
    );
    assert!(stderr(&out).is_empty(), "no spinner without a terminal");
    let sent: Value = serde_json::from_slice(&server.received()[0].body).unwrap();
    assert_eq!(sent["model"], "gpt-4.1-mini");
    let text = sent.to_string();
    assert!(text.contains("Jason is 25"), "{text}");
    assert_eq!(sent["tools"][0]["function"]["name"], "User");
    assert!(
        sent["tools"][0]["function"]["parameters"]["properties"]["age"].is_object(),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_schema_file_with_partial_prints_growing_values_then_the_final_one() {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Invoice",
        "type": "object",
        "properties": {
            "vendor": {"type": "string"},
            "total": {"type": "number", "minimum": 0},
            "lines": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["vendor", "total", "lines"],
    });
    let path = schema_file("invoice.json", &schema);
    let answer = r#"{"vendor": "ACME Tools", "total": 129.5, "lines": ["hammer", "nails x200"]}"#;
    let server = serve(replay::anthropic_tool_use("Invoice", answer, 3, "tool_use")).await;
    let url = server.base_url();
    let out = extract(&[
        "--model",
        "anthropic/claude-sonnet-4-5",
        "--schema",
        path.to_str().unwrap(),
        "--prompt",
        "ACME Tools invoice ...",
        "--partial",
        "--base-url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = stdout_lines(&out);
    assert!(lines.len() > 5, "{lines:?}");
    let last = lines.last().unwrap();
    assert_eq!(last, &serde_json::from_str::<Value>(answer).unwrap());
    for pair in lines.windows(2) {
        assert_ne!(pair[0], pair[1], "a line per visible change");
    }
    // The file's schema is what the provider got (without `$schema`).
    let sent: Value = serde_json::from_slice(&server.received()[0].body).unwrap();
    assert_eq!(sent["tools"][0]["name"], "Invoice");
    assert_eq!(
        sent["tools"][0]["input_schema"]["properties"]["lines"]["items"]["type"],
        "string"
    );
    assert!(sent["tools"][0]["input_schema"].get("$schema").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn iterable_prints_one_line_per_item() {
    let list = r#"{"items": [{"name": "Jason", "age": 10}, {"name": "John", "age": 30}]}"#;
    let server = serve(replay::openai_tool_calls(&[("UserList", list)], 5)).await;
    let url = server.base_url();
    let out = extract(&[
        "--model",
        "openai/gpt-4.1-mini",
        "--example",
        "user",
        "--iterable",
        "--prompt",
        "Jason is 10 and John is 30",
        "--base-url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout_lines(&out),
        [
            json!({"name": "Jason", "age": 10}),
            json!({"name": "John", "age": 30})
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_error_exits_3_with_the_providers_message() {
    let body = br#"{"error": {"message": "Incorrect API key provided: sk-test***", "type": "invalid_request_error", "code": "invalid_api_key"}}"#;
    let server = Server::start(vec![Plan::status(401, "application/json", body)]).await;
    let out = extract_users(&server, &[]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("Incorrect API key provided"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_answer_without_retries_exits_4() {
    let server = serve(replay::openai_tool_calls(
        &[("User", r#"{"name": "Jason", "age": 200}"#)],
        4,
    ))
    .await;
    let url = server.base_url();
    let out = extract(&[
        "--model",
        "openai/gpt-4.1-mini",
        "--example",
        "user",
        "--prompt",
        "Jason is 200",
        "--max-retries",
        "0",
        "--base-url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("/age"), "{}", stderr(&out));
    assert_eq!(server.received().len(), 1, "no retry");
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_send_the_error_back_and_the_second_answer_wins() {
    let bad = replay::openai_tool_calls(&[("User", r#"{"name": "Jason", "age": 200}"#)], 4);
    let good = replay::openai_tool_calls(&[("User", r#"{"name": "Jason", "age": 20}"#)], 4);
    let server = Server::start(vec![Plan::stream(bad, vec![]), Plan::stream(good, vec![])]).await;
    let url = server.base_url();
    let out = extract(&[
        "--model",
        "openai/gpt-4.1-mini",
        "--example",
        "user",
        "--prompt",
        "Jason is 20",
        "--max-retries",
        "1",
        "--base-url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_lines(&out), [json!({"name": "Jason", "age": 20})]);
    assert!(stderr(&out).contains("retry 1"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_cut_at_the_token_limit_exits_5_with_the_partial_on_stderr() {
    let server = serve(replay::openai_content(
        r#"{"name": "Jason", "a"#,
        3,
        "length",
    ))
    .await;
    let url = server.base_url();
    let out = extract(&[
        "--model",
        "openai/gpt-4.1-mini",
        "--example",
        "user",
        "--prompt",
        "Jason is 25",
        "--base-url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("incomplete"), "{err}");
    assert!(err.contains(r#"{"name":"Jason"}"#), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &["--model", "openai/gpt-4.1-mini", "--prompt", "x"],
        &[
            "--model",
            "openai/gpt-4.1-mini",
            "--example",
            "user",
            "--schema",
            "s.json",
            "--prompt",
            "x",
        ],
        &[
            "--model",
            "openai/gpt-4.1-mini",
            "--example",
            "user",
            "--prompt",
            "x",
            "--partial",
            "--iterable",
        ],
        &[
            "--model",
            "nope/model",
            "--example",
            "user",
            "--prompt",
            "x",
        ],
        &[
            "--model",
            "gpt-4.1-mini",
            "--example",
            "user",
            "--prompt",
            "x",
        ],
        &[
            "--model",
            "openai/gpt-4.1-mini",
            "--schema",
            "/no/such/schema.json",
            "--prompt",
            "x",
        ],
    ];
    for args in cases {
        let out = extract(args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    let not_json = schema_file("not-json.json", &json!("a string"));
    let out = extract(&[
        "--model",
        "openai/gpt-4.1-mini",
        "--schema",
        not_json.to_str().unwrap(),
        "--prompt",
        "x",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn help_has_examples_and_the_exit_codes() {
    let out = extract(&["--help"]).await;
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Examples:"), "{help}");
    assert!(
        help.contains("structream extract --model openai/gpt-4.1-mini --example user"),
        "{help}"
    );
    for code in ["2  usage", "3  provider", "4  validation", "5  incomplete"] {
        assert!(help.contains(code), "{code}: {help}");
    }
}

#[test]
fn a_missing_api_key_is_a_usage_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_structream"))
        .args([
            "extract",
            "--model",
            "openai/gpt-4.1-mini",
            "--example",
            "user",
            "--prompt",
            "x",
        ])
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("OPENAI_API_KEY"), "{stderr}");
    assert!(
        !stderr.contains("transport error: transport error"),
        "{stderr}"
    );
}

/// `extract --example user` against `server`, with `more` options.
async fn extract_users(server: &Server, more: &[&str]) -> Output {
    let url = server.base_url();
    let mut args = vec![
        "--model",
        "openai/gpt-4.1-mini",
        "--example",
        "user",
        "--prompt",
        "x",
        "--base-url",
        &url,
    ];
    args.extend_from_slice(more);
    extract(&args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn iterable_reads_one_item_or_a_bare_array_as_the_list_and_says_so() {
    let cases = [
        (r#"{"name": "Jason", "age": 10}"#, 1, "one item, not a list"),
        (
            r#"[{"name": "Jason", "age": 10}, {"name": "John", "age": 30}]"#,
            2,
            "a bare array",
        ),
    ];
    for (args, n, note) in cases {
        let server = serve(replay::openai_tool_calls(&[("UserList", args)], 4)).await;
        let out = extract_users(&server, &["--iterable"]).await;
        assert_eq!(out.status.code(), Some(0), "{args}: {}", stderr(&out));
        let expected = [
            json!({"name": "Jason", "age": 10}),
            json!({"name": "John", "age": 30}),
        ];
        assert_eq!(stdout_lines(&out), expected[..n], "{args}");
        assert!(stderr(&out).contains(note), "{args}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn iterable_with_an_answer_that_is_not_the_list_exits_4_with_the_answer() {
    let wrong = r#"{"users": [{"name": "Jason", "age": 10}]}"#;
    let server = serve(replay::openai_tool_calls(&[("UserList", wrong)], 4)).await;
    let out = extract_users(&server, &["--iterable"]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("missing field `items`"), "{err}");
    assert!(
        err.contains(r#"output: {"users":[{"name":"Jason","age":10}]}"#),
        "{err}"
    );
    // Asked again when retries allow.
    let right = r#"{"items": [{"name": "Jason", "age": 10}]}"#;
    let server = Server::start(vec![
        Plan::stream(replay::openai_tool_calls(&[("UserList", wrong)], 4), vec![]),
        Plan::stream(replay::openai_tool_calls(&[("UserList", right)], 4), vec![]),
    ])
    .await;
    let out = extract_users(&server, &["--iterable", "--max-retries", "1"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_lines(&out), [json!({"name": "Jason", "age": 10})]);
    assert!(stderr(&out).contains("retry 1"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_mid_answer_exits_5_with_what_arrived() {
    // The value: what arrived is on standard error.
    let body = replay::openai_tool_calls(&[("User", USER)], 2);
    let at = body.len() * 3 / 4;
    for more in [&[][..], &["--partial"]] {
        let server =
            Server::start(vec![Plan::stream(body.clone(), vec![at / 2]).cut_after(at)]).await;
        let out = extract_users(&server, more).await;
        assert_eq!(out.status.code(), Some(5), "{more:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("incomplete output: transport error"), "{err}");
        let partial = err
            .lines()
            .find_map(|l| l.strip_prefix("partial output: "))
            .unwrap_or_else(|| panic!("{err}"));
        let partial: Value = serde_json::from_str(partial).unwrap();
        let name = partial["name"].as_str().unwrap();
        assert!(
            "Jason \"J\" Smith".starts_with(name) && !name.is_empty(),
            "{err}"
        );
        let lines = stdout_lines(&out);
        if more.is_empty() {
            assert!(lines.is_empty());
        } else {
            assert_eq!(lines.last(), Some(&partial), "the last line printed");
        }
    }
    // A thousand users, cut after about 450: the items that closed are
    // printed, and the error says how many.
    let users: Vec<String> = (0..1000)
        .map(|i| format!(r#"{{"name": "User {i}", "age": {}}}"#, i % 90))
        .collect();
    let list = format!(r#"{{"items": [{}]}}"#, users.join(", "));
    let body = replay::openai_tool_calls(&[("UserList", &list)], 16);
    let at = body.len() * 45 / 100;
    let server = Server::start(vec![Plan::stream(body, vec![at / 2]).cut_after(at)]).await;
    let out = extract_users(&server, &["--iterable"]).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let lines = stdout_lines(&out);
    assert!((400..500).contains(&lines.len()), "{}", lines.len());
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line, &json!({"name": format!("User {i}"), "age": i % 90}));
    }
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "; {} items arrived before it stopped",
            lines.len()
        )),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_without_json_exits_4_and_shows_it() {
    // Prose instead of a tool call.
    let prose = "I could not find any person in that text.";
    let server = serve(replay::openai_content(prose, 4, "stop")).await;
    let out = extract_users(&server, &[]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("error: the answer holds no JSON value\noutput: {prose}\n")
    );
    // Cut inside the value, though the provider said it finished.
    let cut = r#"{"name": "Jason", "a"#;
    let server = serve(replay::openai_tool_calls(&[("User", cut)], 4)).await;
    let out = extract_users(&server, &[]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: the answer ended inside the JSON value at byte {}, though the provider reported it finished\noutput: {cut}\n",
            cut.len()
        )
    );
    // A long answer: its first and last 500 bytes.
    let long = format!("BEGIN {} END", "all work and no play ".repeat(200));
    let server = serve(replay::openai_content(&long, 40, "stop")).await;
    let out = extract_users(&server, &[]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("output: BEGIN all work"), "{err}");
    assert!(
        err.contains(&format!("bytes left out of {} …]", long.len())),
        "{err}"
    );
    assert!(err.ends_with(" END\n"), "{err}");
    assert!(err.len() < 1300, "{}", err.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_models_sloppy_answer_is_read_as_the_schema_asks_without_a_retry() {
    let schema = schema_file(
        "ticket.schema.json",
        &json!({
            "title": "Ticket",
            "type": "object",
            "properties": {
                "priority": {"type": "integer", "minimum": 1, "maximum": 5},
                "category": {"type": "string", "enum": ["billing", "bug", "other"]},
                "refund": {"type": "boolean"},
                "labels": {"type": "array", "items": {"type": "string"}},
                "order": {"type": ["string", "null"]},
                "assignee": {"type": ["integer", "null"]},
            },
            "required": ["priority", "category", "refund", "labels", "order", "assignee"],
            "additionalProperties": false,
        }),
    );
    let sloppy = r#"{"priority": "2", "category": " Billing", "refund": "True", "labels": "charged twice", "order": 4711, "assignee": "None"}"#;
    let expected = json!({
        "priority": 2, "category": "billing", "refund": true, "labels": ["charged twice"],
        "order": "4711", "assignee": null,
    });
    // Ollama (JSON mode) as a local server, allowed to retry: it does not.
    let server = serve(replay::openai_content(sloppy, 7, "stop")).await;
    let url = server.base_url();
    let args = [
        "--model",
        "ollama/llama3.2",
        "--schema",
        schema.to_str().unwrap(),
        "--prompt",
        "I was charged twice for order 4711",
        "--base-url",
        &url,
        "--max-retries",
        "2",
    ];
    let out = extract(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_lines(&out), [expected]);
    assert_eq!(server.received().len(), 1, "no retry");
    let notes = stderr(&out);
    for note in [
        "note: /priority: a number in a string, read as the number",
        "note: /category: an enum value spelled differently",
        "note: /refund: a boolean in a string, read as the boolean",
        "note: /labels: one value, not a list: read as a list of one",
        "note: /order: a number, read as its text",
        "note: /assignee: a null in a string, read as null",
    ] {
        assert!(notes.contains(note), "{note}: {notes}");
    }

    // --no-coerce: the answer as it is fails, and is asked again.
    let server = serve(replay::openai_content(sloppy, 7, "stop")).await;
    let url = server.base_url();
    let mut strict = args.to_vec();
    strict[7] = &url;
    strict.push("--no-coerce");
    let out = extract(&strict).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(server.received().len(), 3);
    assert!(stderr(&out).contains("/priority"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_models_almost_json_answer_is_repaired_and_read_without_a_retry() {
    let answer = "Here you go:\n```json\n{\"name\": 'Jason', // as written\n age: \"25\",}\n```";
    let server = serve(replay::openai_content(answer, 5, "stop")).await;
    let url = server.base_url();
    let args = [
        "--model",
        "ollama/llama3.2",
        "--example",
        "user",
        "--prompt",
        "Jason is 25",
        "--base-url",
        &url,
        "--max-retries",
        "2",
    ];
    let out = extract(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_lines(&out), [json!({"name": "Jason", "age": 25})]);
    assert_eq!(server.received().len(), 1, "no retry");
    assert!(
        stderr(&out).contains("note: /age: a number in a string"),
        "{}",
        stderr(&out)
    );

    // --no-repair: no JSON value in the answer, asked again, exit 4.
    let server = serve(replay::openai_content(answer, 5, "stop")).await;
    let url = server.base_url();
    let mut strict = args.to_vec();
    strict[7] = &url;
    strict.push("--no-repair");
    let out = extract(&strict).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(server.received().len(), 3);
}
