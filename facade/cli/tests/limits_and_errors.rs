//! The tokenizer options on the command line (`--max-depth`,
//! `--lone-surrogates`), the error that names a lone surrogate, and what a
//! chunk holding an error prints of its valid part.

mod common;

use common::{lines, stderr, structream};

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn a_lone_surrogate_is_named_and_replace_accepts_it() {
    for command in ["parse", "partial", "deltas"] {
        let out = structream(&[command], br#"["\ud800"]"#);
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert_eq!(
            stderr(&out),
            "error: lone surrogate \\ud800 (lone surrogates: replace reads it as U+FFFD) \
             at line 1 column 9 (byte 8)\n",
            "{command}"
        );
    }
    let out = structream(
        &["parse", "--lone-surrogates", "replace"],
        br#"["\ud800", "\udc00x"]"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out), ["[\"\u{fffd}\",\"\u{fffd}x\"]"]);
    let out = structream(
        &[
            "partial",
            "--lone-surrogates",
            "replace",
            "--chunk-sizes",
            "1",
        ],
        br#"{"a": "\ud800"}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out).last().unwrap(), "{\"a\":\"\u{fffd}\"}");
    let out = structream(&["parse", "--lone-surrogates", "reject"], br#"["\ud800"]"#);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn max_depth_is_the_nesting_limit_and_its_default_is_documented() {
    // The default: 128 levels.
    let out = structream(&["parse"], nested(128).as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = structream(&["parse"], nested(129).as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: recursion limit exceeded at line 1 column 129 (byte 128)\n"
    );
    // Raised and lowered, in every command that parses.
    for command in ["parse", "partial", "deltas"] {
        let out = structream(&[command, "--max-depth", "200"], nested(200).as_bytes());
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        let out = structream(&[command, "--max-depth", "2"], b"[[[1]]]");
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert!(
            stderr(&out).contains("recursion limit exceeded"),
            "{command}"
        );
    }
    let out = structream(
        &[
            "items",
            "--path",
            "",
            "--max-depth",
            "2",
            "--chunk-sizes",
            "6",
        ],
        b"[[1], [[2]]]",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out), ["[1]"]);
    // Values out of range are usage errors.
    for bad in ["0", "10001", "x"] {
        let out = structream(&["parse", "--max-depth", bad], b"[]");
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    // The most it allows is still built and dropped safely.
    let out = structream(
        &["parse", "--max-depth", "10000"],
        nested(10_000).as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Documented where a user looks.
    for args in [
        &["--help"][..],
        &["parse", "--help"],
        &["partial", "--help"],
    ] {
        let out = structream(args, b"");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("128"), "{args:?}: {help}");
        assert!(help.contains("--max-depth"), "{args:?}");
    }
}

#[test]
fn a_chunk_with_an_error_prints_the_value_before_it_whatever_the_chunking() {
    let input = br#"Here: {"a": True}"#;
    for size in 0..=input.len() {
        let sizes = size.to_string();
        let args: Vec<&str> = if size == 0 {
            vec!["partial", "--lenient"]
        } else {
            vec!["partial", "--lenient", "--chunk-sizes", &sizes]
        };
        let out = structream(&args, input);
        assert_eq!(out.status.code(), Some(1), "chunks of {size}");
        assert_eq!(lines(&out), ["{}"], "chunks of {size}");
        assert_eq!(
            stderr(&out),
            "error: expected value at line 1 column 13 (byte 12)\n",
            "chunks of {size}"
        );
    }
    // Strict input too: the last line is the value before the error.
    let input = br#"{"a": [1, 2], "b": "xy", "c": nope}"#;
    let finest = structream(&["partial", "--chunk-sizes", "1"], input);
    let expected = lines(&finest).last().unwrap().clone();
    assert_eq!(expected, r#"{"a":[1,2],"b":"xy"}"#);
    let whole = structream(&["partial"], input);
    assert_eq!(lines(&whole), std::slice::from_ref(&expected));
    // In a tool call's arguments too (`sse --partial`).
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\": [1, 2], \\\"b\\\": \\\"xy\\\", \\\"c\\\": nope}\"}}]}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n";
    let out = structream(
        &["sse", "--protocol", "openai-chat", "--partial"],
        body.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out), [expected]);
    assert!(
        stderr(&out).starts_with("error: tool call 0: expected ident"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_chunk_with_an_error_prints_its_items_and_deltas_whatever_the_chunking() {
    let input = br#"{"users": [{"a": 1}, {"b": 2}, tru ]}"#;
    let items = |extra: &[&str]| {
        let mut args = vec!["items", "--path", "/users"];
        args.extend_from_slice(extra);
        let out = structream(&args, input);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        lines(&out)
    };
    let whole = items(&[]);
    assert_eq!(whole, [r#"{"a":1}"#, r#"{"b":2}"#]);
    for size in ["1", "2", "5", "13"] {
        assert_eq!(items(&["--chunk-sizes", size]), whole, "chunks of {size}");
    }
    let deltas = |extra: &[&str]| {
        let mut args = vec!["deltas"];
        args.extend_from_slice(extra);
        lines(&structream(&args, input))
    };
    let whole = deltas(&[]);
    assert_eq!(
        whole.last().unwrap(),
        r#"{"op":"add","path":"/users/1/b","value":2}"#
    );
    assert_eq!(deltas(&["--chunk-sizes", "1"]), whole);
}
