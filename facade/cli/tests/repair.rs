//! `--repair` on `parse`, `partial`, `deltas`, `items` and `sse --partial`
//! / `--items`, run as processes.

mod common;

use common::{corpus, lines, stderr, structream};

const SLOPPY: &[u8] =
    b"{\"quote\": \"she said \"hi\" to me\",\n name: True, n: .5, // note\n \"t\": [1, 2,],}";
const REPAIRED: &str = r#"{"quote":"she said \"hi\" to me","name":true,"n":0.5,"t":[1,2]}"#;

#[test]
fn parse_repair_prints_the_value_and_each_repair_on_stderr() {
    for chunks in ["1", "7", "4096"] {
        let out = structream(&["parse", "--repair", "--chunk-sizes", chunks], SLOPPY);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(lines(&out), [REPAIRED]);
        assert_eq!(
            stderr(&out),
            "repaired: unescaped-quote at line 1 column 21 (byte 20)\n\
             repaired: unescaped-quote at line 1 column 24 (byte 23)\n\
             repaired: unquoted-key at line 2 column 2 (byte 34)\n\
             repaired: literal at line 2 column 8 (byte 40)\n\
             repaired: unquoted-key at line 2 column 14 (byte 46)\n\
             repaired: number at line 2 column 17 (byte 49)\n\
             repaired: comment at line 2 column 21 (byte 53)\n\
             repaired: trailing-comma at line 3 column 12 (byte 72)\n\
             repaired: trailing-comma at line 3 column 14 (byte 74)\n",
            "chunks of {chunks}"
        );
    }
}

#[test]
fn parse_repair_folds_members_after_a_premature_close() {
    let doc = b"{\"a\": {\"b\": 1}},\n \"c\": 2}";
    for chunks in ["1", "3", "4096"] {
        let out = structream(&["parse", "--repair", "--chunk-sizes", chunks], doc);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(lines(&out), [r#"{"a":{"b":1},"c":2}"#]);
        assert_eq!(
            stderr(&out),
            "repaired: premature-close at line 1 column 15 (byte 14)\n",
            "chunks of {chunks}"
        );
    }
    let out = structream(&["parse"], doc);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: trailing characters at line 1 column 16 (byte 15)\n"
    );
}

#[test]
fn without_repair_nothing_changes() {
    let out = structream(&["parse"], SLOPPY);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: expected `,` or `}` at line 1 column 22 (byte 21)\n"
    );
    // Valid input: the same output, and no note, with and without.
    let doc = br#"{"a": [1, 2.50, "x"], "b": {"c": null}}"#;
    let strict = structream(&["parse"], doc);
    let repaired = structream(&["parse", "--repair"], doc);
    assert_eq!(repaired.stdout, strict.stdout);
    assert_eq!(stderr(&repaired), "");
}

#[test]
fn what_cannot_be_repaired_is_an_error_with_its_position() {
    let out = structream(&["parse", "--repair"], b"{\"a\": 1,\n \"b\": }");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: expected value at line 2 column 7 (byte 15)\n"
    );
    let out = structream(&["parse", "--repair"], b"{\"a\": [1, 2");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: EOF while parsing"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn partial_deltas_and_items_repair_with_lenient_input_at_any_chunking() {
    let text = b"Sure:\n```json {\"items\": [{'n': 1}, {n: 2,}, {\"n\": 3} {\"n\": 4},]} ```";
    for command in ["partial", "deltas", "items"] {
        let mut args = vec![command, "--lenient", "--repair"];
        if command == "items" {
            args.extend(["--path", "/items"]);
        }
        let whole = structream(&args, text);
        assert_eq!(
            whole.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&whole)
        );
        let mut cut = args.clone();
        cut.extend(["--chunk-sizes", "1,2,5"]);
        let cut = structream(&cut, text);
        assert_eq!(cut.status.code(), Some(0), "{command}");
        assert_eq!(stderr(&cut), stderr(&whole), "{command}");
        assert!(
            stderr(&whole).contains("repaired: missing-comma"),
            "{command}"
        );
        let (whole, cut) = (lines(&whole), lines(&cut));
        match command {
            "partial" => {
                assert_eq!(
                    whole.last().unwrap(),
                    r#"{"items":[{"n":1},{"n":2},{"n":3},{"n":4}]}"#
                );
                assert_eq!(cut.last(), whole.last());
            }
            "items" => {
                assert_eq!(
                    whole,
                    [r#"{"n":1}"#, r#"{"n":2}"#, r#"{"n":3}"#, r#"{"n":4}"#]
                );
                assert_eq!(cut, whole);
            }
            _ => assert!(!whole.is_empty()),
        }
        // Without --repair the same text is an error.
        let strict_args: Vec<&str> = args.iter().copied().filter(|&a| a != "--repair").collect();
        let strict = structream(&strict_args, text);
        assert_eq!(strict.status.code(), Some(1), "{command}");
    }
}

#[test]
fn sse_partial_and_items_read_recorded_streams_the_same_with_repair() {
    for (protocol, file, view) in [
        (
            "openai-chat",
            "openai-chat/openai-python/parse_pydantic_tool.sse",
            &["--partial"][..],
        ),
        (
            "anthropic",
            "anthropic/anthropic-sdk-python/basic_response.sse",
            &["--partial"][..],
        ),
        (
            "openai-chat",
            "openai-chat/semantic-kernel/single_tool_call_argument_deltas.sse",
            &["--items", ""][..],
        ),
    ] {
        let path = corpus(&format!("sse/{file}"));
        let mut args = vec!["sse", "--protocol", protocol];
        args.extend_from_slice(view);
        args.push(&path);
        let strict = structream(&args, b"");
        args.insert(3, "--repair");
        let repaired = structream(&args, b"");
        assert_eq!(repaired.status.code(), strict.status.code(), "{file}");
        assert_eq!(lines(&repaired), lines(&strict), "{file}");
    }
}

#[test]
fn non_finite_says_what_nan_and_the_infinities_become() {
    let doc = b"{\"a\": [NaN, -Infinity]}";
    for (args, code, out_line, err) in [
        (&["parse", "--repair"][..], 0, r#"{"a":[null,null]}"#, ""),
        (
            &["parse", "--repair", "--non-finite", "string"][..],
            0,
            r#"{"a":["NaN","-Infinity"]}"#,
            "",
        ),
        (
            &["parse", "--repair", "--non-finite", "error"][..],
            1,
            "",
            "error: expected value at line 1 column 8 (byte 7)\n",
        ),
        (
            &["partial", "--repair", "--non-finite", "string"][..],
            0,
            r#"{"a":["NaN","-Infinity"]}"#,
            "",
        ),
    ] {
        let out = structream(args, doc);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert_eq!(
            lines(&out).last().map_or("", String::as_str),
            out_line,
            "{args:?}"
        );
        if !err.is_empty() {
            assert_eq!(stderr(&out), err, "{args:?}");
        }
    }
    // Only with --repair.
    let out = structream(&["parse", "--non-finite", "string"], doc);
    assert_eq!(out.status.code(), Some(2));
}
