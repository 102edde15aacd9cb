//! `structream partial`, `deltas` and `items` run as processes.

mod common;

use common::{lines, structream};

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const DOC: &[u8] = br#"{"name": "Jane", "age": 30, "tags": ["a", "b"], "nested": {"ok": true}}"#;

#[test]
fn partial_prints_each_visible_change_and_ends_with_the_final_value() {
    let out = structream(&["partial", "--chunk-sizes", "1"], DOC);
    assert_eq!(out.status.code(), Some(0));
    let shown = lines(&out);
    assert_eq!(shown.first().unwrap(), "{}");
    assert_eq!(
        shown.last().unwrap(),
        r#"{"name":"Jane","age":30,"tags":["a","b"],"nested":{"ok":true}}"#
    );
    assert!(shown.contains(&r#"{"name":"Ja"}"#.to_string()));
    assert!(
        !shown.iter().any(|l| l.contains("\"age\":3}")),
        "a half number showed"
    );
    // Printed only when changed: no two equal lines in a row.
    assert!(shown.windows(2).all(|w| w[0] != w[1]));
    let complete = structream(
        &["partial", "--chunk-sizes", "1", "--strings", "complete"],
        DOC,
    );
    assert!(lines(&complete).iter().all(|l| !l.contains("\"Ja\"")));
    assert_eq!(lines(&complete).last(), shown.last());
}

#[test]
fn lenient_root_object_skips_citations() {
    let input = b"As [1] and [2, 3] say:\n{\"a\": [1]}";
    let out = structream(&["partial", "--lenient"], input);
    assert_eq!(lines(&out), ["[1]"]);
    for root in ["object", "any"] {
        let out = structream(
            &[
                "partial",
                "--lenient",
                "--lenient-root",
                root,
                "--chunk-sizes",
                "3",
            ],
            input,
        );
        assert_eq!(out.status.code(), Some(0), "{root}");
        let expected = if root == "object" {
            r#"{"a":[1]}"#
        } else {
            "[1]"
        };
        assert_eq!(lines(&out).last().unwrap(), expected, "{root}");
    }
    // The kind means nothing without --lenient: a usage error.
    let out = structream(&["partial", "--lenient-root", "object"], input);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn partial_reads_lenient_input_and_reports_truncation() {
    let input = b"Here you go:\n```json\n{\"a\": [1, 2]}\n```\nDone.";
    let out = structream(&["partial", "--lenient"], input);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out), [r#"{"a":[1,2]}"#]);
    let out = structream(&["partial"], input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: expected value at line 1 column 1 (byte 0)\n"
    );
    let out = structream(
        &["partial", "--chunk-sizes", "5"],
        br#"{"a": "xyz", "b": [1, 2"#,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).last().unwrap(), r#"{"a":"xyz","b":[1]}"#);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: EOF while parsing a list at line 1 column 24 (byte 23)\n"
    );
}

#[test]
fn deltas_replay_to_the_final_value() {
    for sizes in ["1", "2,7", "1000"] {
        let out = structream(&["deltas", "--chunk-sizes", sizes], DOC);
        assert_eq!(out.status.code(), Some(0));
        let printed = lines(&out);
        assert_eq!(printed[0], r#"{"op":"add","path":"","value":{}}"#);
        let mut value = serde_json::Value::Null;
        for line in &printed {
            apply_line(&mut value, &serde_json::from_str(line).unwrap());
        }
        assert_eq!(
            value,
            serde_json::from_slice::<serde_json::Value>(DOC).unwrap()
        );
    }
}

/// An independent replayer of printed deltas on a serde_json value.
fn apply_line(value: &mut serde_json::Value, delta: &serde_json::Value) {
    let pointer = delta["path"].as_str().unwrap();
    let new = delta["value"].clone();
    match delta["op"].as_str().unwrap() {
        "append" => {
            let s = value.pointer_mut(pointer).unwrap();
            *s = serde_json::Value::String(format!(
                "{}{}",
                s.as_str().unwrap(),
                new.as_str().unwrap()
            ));
        }
        "add" | "replace" if pointer.is_empty() => *value = new,
        "add" | "replace" => {
            let (parent, last) = pointer.rsplit_once('/').unwrap();
            let last = last.replace("~1", "/").replace("~0", "~");
            match value.pointer_mut(parent).unwrap() {
                serde_json::Value::Object(m) => {
                    m.insert(last, new);
                }
                serde_json::Value::Array(a) => a.insert(last.parse().unwrap(), new),
                other => panic!("not a container: {other}"),
            }
        }
        op => panic!("unknown op {op}"),
    }
}

#[test]
fn items_prints_each_item_before_the_rest_arrives() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_structream"))
        .args(["items", "--path", "/users"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin
        .write_all(br#"{"users": [{"name": "Jason", "age": 10}, {"na"#)
        .unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "{\"name\":\"Jason\",\"age\":10}\n");
    stdin.write_all(br#"me": "John", "age": 30}]}"#).unwrap();
    drop(stdin);
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "{\"name\":\"John\",\"age\":30}\n");
    assert!(child.wait().unwrap().success());
}

#[test]
fn items_with_wildcards_and_usage_errors() {
    let doc = br#"{"sections": [{"bullets": ["a", "b"]}, {"bullets": [1]}]}"#;
    let out = structream(
        &[
            "items",
            "--path",
            "/sections/*/bullets",
            "--chunk-sizes",
            "3",
        ],
        doc,
    );
    assert_eq!(lines(&out), [r#""a""#, r#""b""#, "1"]);
    let out = structream(&["items", "--path", "", "--path", "/*"], b"[[1, 2], 3]");
    assert_eq!(lines(&out), ["1", "2", "[1,2]", "3"]);
    assert_eq!(structream(&["items"], b"[]").status.code(), Some(2));
    assert_eq!(
        structream(&["items", "--path", "no-slash"], b"[]")
            .status
            .code(),
        Some(2)
    );
    let out = structream(
        &[
            "items",
            "--path",
            "/statuses",
            &format!(
                "{}/../../tests/corpora/json-bench/twitter.json",
                env!("CARGO_MANIFEST_DIR")
            ),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out).len(), 100);
}
