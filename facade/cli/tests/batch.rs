//! `structream batch` run as a process against the loopback fake of each
//! provider's batch API: create → wait → results, cancel, and results
//! files decoded from disk; the NDJSON lines and the exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use structream::batch::fake::{FakeBatchServer, Reply};

fn reply(id: &str) -> Reply {
    match id {
        id if id.starts_with("bad") => Reply::Answer(r#"{"name": "Old", "age": 200}"#.into()),
        id if id.starts_with("err") => {
            Reply::Error("prompt is too long: 250000 tokens > 200000 maximum".into())
        }
        id => Reply::Answer(format!(r#"{{"name": "{id}", "age": 30}}"#)),
    }
}

async fn batch(args: Vec<String>, stdin: Option<PathBuf>) -> Output {
    let run = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_structream"))
            .arg("batch")
            .args(&args)
            .env("OPENAI_API_KEY", "sk-test-not-a-real-key")
            .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-real-key")
            .env("GEMINI_API_KEY", "gemini-test-not-a-real-key")
            .stdin(match stdin {
                Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
                None => Stdio::null(),
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    });
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("batch finishes")
        .unwrap()
}

/// `batch results --from-file FILE --provider P --example user`, and `more`.
async fn users_from_file(file: &str, provider: &str, more: &[&str]) -> Output {
    let mut list = args(&[
        "results",
        "--from-file",
        file,
        "--provider",
        provider,
        "--example",
        "user",
    ]);
    list.extend(args(more));
    batch(list, None).await
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("structream-batch-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write_input(path: &Path, ids: &[&str]) {
    let text: String = ids
        .iter()
        .map(|id| {
            if *id == "msgs" {
                r#"{"custom_id": "msgs", "system": "Extract the person.", "messages": [{"role": "user", "content": "Mary is 30"}]}"#.to_owned() + "\n"
            } else {
                format!("{{\"custom_id\": \"{id}\", \"prompt\": \"about {id}\"}}\n")
            }
        })
        .collect();
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn create_wait_results_for_each_provider_with_the_exit_codes() {
    let server = FakeBatchServer::start(reply).await;
    for (provider, base) in [("openai", "/v1"), ("anthropic", ""), ("gemini", "/v1beta")] {
        let base = format!("{}{base}", server.base_url());
        for (ids, code) in [
            (&["jo", "msgs"][..], 0),
            (&["jo", "bad1"][..], 4),
            (&["jo", "bad1", "err1"][..], 3),
        ] {
            let input = temp(&format!("{provider}-{code}.jsonl"));
            let saved = temp(&format!("{provider}-{code}.json"));
            write_input(&input, ids);
            let model = format!("{provider}/test-model");
            let out = batch(
                args(&[
                    "create",
                    "--model",
                    &model,
                    "--example",
                    "user",
                    "--input",
                    input.to_str().unwrap(),
                    "--output",
                    saved.to_str().unwrap(),
                    "--base-url",
                    &base,
                ]),
                None,
            )
            .await;
            assert!(
                out.status.success(),
                "{provider}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let created = lines(&out);
            assert_eq!(created.len(), 1);
            assert_eq!(created[0]["requests"], ids.len());
            let saved = saved.to_str().unwrap();

            let out = batch(args(&["status", saved]), None).await;
            assert!(out.status.success());
            assert_eq!(
                lines(&out)[0]["state"].as_str().map(|s| s != "ended"),
                Some(true),
                "{provider}"
            );

            let out = batch(args(&["wait", saved, "--poll", "0.001"]), None).await;
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let done = lines(&out);
            assert_eq!(done[0]["state"], "ended", "{provider}: {done:?}");
            assert_eq!(done[0]["counts"]["total"], ids.len());

            let out = batch(args(&["results", saved]), None).await;
            assert_eq!(
                out.status.code(),
                Some(code),
                "{provider} {ids:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let results = lines(&out);
            assert_eq!(results.len(), ids.len(), "{results:?}");
            for r in &results {
                let id = r["custom_id"].as_str().unwrap();
                match id {
                    "jo" => assert_eq!(r["value"], serde_json::json!({"name": "jo", "age": 30})),
                    "msgs" => assert_eq!(r["value"]["age"], 30),
                    "bad1" => {
                        assert_eq!(r["error"]["kind"], "validation", "{r}");
                        assert!(
                            r["error"]["message"].as_str().unwrap().contains("/age"),
                            "{r}"
                        );
                    }
                    _ => {
                        assert_eq!(r["error"]["kind"], "provider", "{r}");
                        assert!(
                            r["error"]["message"]
                                .as_str()
                                .unwrap()
                                .contains("prompt is too long"),
                            "{r}"
                        );
                    }
                }
            }
        }
    }
    // The requests went out as the live call's: the input's system prompt and messages.
    let sent = server.submitted();
    let msgs = sent.iter().flatten().find(|(id, _)| id == "msgs").unwrap();
    assert_eq!(msgs.1["messages"][1]["content"], "Mary is 30");
}

#[tokio::test]
async fn cancel_and_a_provider_batch_id_with_provider() {
    let server = FakeBatchServer::start(reply).await;
    let base = format!("{}/v1", server.base_url());
    let input = temp("cancel.jsonl");
    write_input(&input, &["a1", "a2"]);
    let out = batch(
        args(&[
            "create",
            "--model",
            "openai/m",
            "--example",
            "user",
            "--input",
            input.to_str().unwrap(),
            "--base-url",
            &base,
        ]),
        None,
    )
    .await;
    let id = lines(&out)[0]["id"].as_str().unwrap().to_owned();
    let out = batch(
        args(&["cancel", &id, "--provider", "openai", "--base-url", &base]),
        None,
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines(&out)[0]["status"], "cancelling");
    let out = batch(
        args(&[
            "wait",
            &id,
            "--provider",
            "openai",
            "--base-url",
            &base,
            "--poll",
            "0.001",
        ]),
        None,
    )
    .await;
    assert_eq!(lines(&out)[0]["state"], "canceled");
    let out = batch(
        args(&[
            "results",
            &id,
            "--provider",
            "openai",
            "--base-url",
            &base,
            "--example",
            "user",
        ]),
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    let results = lines(&out);
    assert_eq!(results.len(), 2);
    assert!(
        results.iter().all(|r| r["error"]["kind"] == "canceled"),
        "{results:?}"
    );
    // An id that is no file, without --provider: a usage error.
    let out = batch(args(&["status", "batch_nope"]), None).await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn results_from_a_file_decode_in_one_streaming_pass_with_the_same_exit_codes() {
    let line = |id: &str, age: u32| {
        format!(
            r#"{{"custom_id":"{id}","result":{{"type":"succeeded","message":{{"id":"msg_01","type":"message","role":"assistant","model":"claude","content":[{{"type":"tool_use","id":"toolu_01","name":"User","input":{{"name":"{id}","age":{age}}}}}],"stop_reason":"tool_use","usage":{{"input_tokens":1,"output_tokens":2}}}}}}}}"#
        )
    };
    let good = temp("good.jsonl");
    std::fs::write(&good, format!("{}\n{}\n", line("a", 1), line("b", 2))).unwrap();
    let invalid = temp("invalid.jsonl");
    std::fs::write(&invalid, format!("{}\n{}", line("a", 1), line("b", 999))).unwrap();
    let broken = temp("broken.jsonl");
    std::fs::write(
        &broken,
        format!(
            "{}\nnot json\n{{\"custom_id\":\"x\",\"result\":{{\"type\":\"expired\"}}}}\n",
            line("a", 1)
        ),
    )
    .unwrap();
    for (file, code, n) in [(&good, 0, 2), (&invalid, 4, 2), (&broken, 3, 3)] {
        let f = file.to_str().unwrap();
        let out = users_from_file(f, "anthropic", &[]).await;
        assert_eq!(
            out.status.code(),
            Some(code),
            "{f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let results = lines(&out);
        assert_eq!(results.len(), n);
        assert_eq!(
            results[0]["value"],
            serde_json::json!({"name": "a", "age": 1})
        );
        // The same from standard input.
        let piped = batch(
            args(&[
                "results",
                "--from-file",
                "-",
                "--provider",
                "anthropic",
                "--example",
                "user",
            ]),
            Some(file.clone()),
        )
        .await;
        assert_eq!(piped.stdout, out.stdout);
    }
    let out = batch(
        args(&[
            "results",
            "--from-file",
            broken.to_str().unwrap(),
            "--provider",
            "anthropic",
            "--example",
            "user",
        ]),
        None,
    )
    .await;
    let results = lines(&out);
    assert_eq!(results[1]["error"]["kind"], "line");
    assert_eq!(results[1]["error"]["line"], 2);
    assert_eq!(results[2]["error"]["kind"], "expired");
    let out = batch(
        args(&[
            "results",
            "--from-file",
            "x",
            "--provider",
            "cohere",
            "--example",
            "user",
        ]),
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn a_file_shared_out_in_small_chunks_prints_the_same_lines_in_order() {
    let mut text = String::new();
    for i in 0..300 {
        if i % 37 == 5 {
            text.push('\n'); // a blank line: line numbers still count it
        }
        let age = if i % 11 == 3 { 500 } else { i % 100 };
        text.push_str(&format!(
            r#"{{"key":"k{i}","response":{{"candidates":[{{"content":{{"parts":[{{"functionCall":{{"name":"User","args":{{"name":"n{i}","age":{age}}}}}}}]}},"finishReason":"STOP"}}]}}}}"#
        ));
        text.push('\n');
        if i % 97 == 1 {
            text.push_str("{\"broken\n");
        }
    }
    let file = temp("chunks.jsonl");
    std::fs::write(&file, &text).unwrap();
    let f = file.to_str().unwrap();
    let whole = batch(
        args(&[
            "results",
            "--from-file",
            f,
            "--provider",
            "gemini",
            "--example",
            "user",
        ]),
        None,
    )
    .await;
    assert_eq!(whole.status.code(), Some(3));
    let reference = lines(&whole);
    assert_eq!(reference.len(), 300 + 4);
    // Each result's line number is its line in the file.
    let file_lines: Vec<&str> = text.split('\n').collect();
    for r in &reference {
        let line = r["error"]["line"].as_u64();
        if let (Some(n), Some(id)) = (line, r["custom_id"].as_str()) {
            assert!(
                file_lines[n as usize - 1].contains(&format!("\"{id}\"")),
                "{r}"
            );
        }
    }
    for chunk in ["1", "100", "1000", "7777"] {
        let out = batch(
            args(&[
                "results",
                "--from-file",
                f,
                "--provider",
                "gemini",
                "--example",
                "user",
                "--chunk-bytes",
                chunk,
            ]),
            None,
        )
        .await;
        assert_eq!(out.stdout, whole.stdout, "chunks of {chunk}");
        assert_eq!(out.status.code(), Some(3));
    }
}

#[tokio::test]
async fn a_line_over_the_longest_is_a_line_error_and_decoding_goes_on() {
    let ok = |id: &str| {
        format!(
            r#"{{"custom_id":"{id}","result":{{"type":"succeeded","message":{{"content":[{{"type":"tool_use","id":"t","name":"User","input":{{"name":"{id}","age":3}}}}],"stop_reason":"tool_use"}}}}}}"#
        )
    };
    // A text block longer than the longest line, with the id first; then
    // one with the id after it (not recoverable), ending the file.
    // The first is skipped as it is read, the second is just over.
    let filler = "x".repeat(structream::batch::MAX_LINE + (3 << 20));
    let long_first = format!(
        r#"{{"custom_id":"long","result":{{"type":"succeeded","message":{{"content":[{{"type":"text","text":"{filler}"}}]}}}}}}"#
    );
    let filler = &filler[..structream::batch::MAX_LINE + 10];
    let long_last = format!(
        r#"{{"result":{{"type":"succeeded","message":{{"content":[{{"type":"text","text":"{filler}"}}]}}}},"custom_id":"hidden"}}"#
    );
    let file = temp("long.jsonl");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for line in [ok("a"), long_first, ok("b"), long_last] {
            f.write_all(line.as_bytes()).unwrap();
            f.write_all(b"\n").unwrap();
        }
        // The last line has no newline.
        f.write_all(ok("c").as_bytes()).unwrap();
    }
    let f = file.to_str().unwrap();
    for chunk in ["1000", "4194304"] {
        let out = users_from_file(f, "anthropic", &["--chunk-bytes", chunk]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        let results = lines(&out);
        let ids: Vec<&Value> = results.iter().map(|r| &r["custom_id"]).collect();
        assert_eq!(
            ids,
            [
                &Value::from("a"),
                &Value::from("long"),
                &Value::from("b"),
                &Value::Null,
                &Value::from("c"),
            ],
            "chunks of {chunk}"
        );
        for (r, line) in [(&results[1], 2), (&results[3], 4)] {
            assert_eq!(r["error"]["kind"], "line", "{r}");
            assert_eq!(r["error"]["line"], line, "{r}");
            let message = r["error"]["message"].as_str().unwrap();
            assert!(message.contains("longer than"), "{message}");
        }
        assert_eq!(results[4]["value"]["name"], "c");
    }
    std::fs::remove_file(&file).unwrap();
}
