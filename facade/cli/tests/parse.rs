//! `structream parse` run as a process.

mod common;

use common::{corpus, structream};

#[test]
fn prints_compact_json_in_input_order_with_duplicates_and_exact_numbers() {
    let input = b"{ \"b\": [1, 2.50, -0, 1E+2],\n \"a\": \"x\\u00e9\\n\", \"b\": null }";
    for args in [
        &[][..],
        &["-"],
        &["--chunk-sizes", "1"],
        &["--chunk-sizes", "1,2,7"],
    ] {
        let out = structream(&[&["parse"], args].concat(), input);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "{\"b\":[1,2.50,-0,1E+2],\"a\":\"xé\\n\",\"b\":null}\n"
        );
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn reads_files_and_matches_serde_json() {
    let path = corpus("json-bench/twitter.json");
    let out = structream(&["parse", "--chunk-sizes", "4", &path], b"");
    assert_eq!(out.status.code(), Some(0));
    let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn invalid_input_exits_1_with_one_error_line() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"[1,\n 2 3]",
            "error: expected `,` or `]` at line 2 column 4 (byte 7)\n",
        ),
        (
            b"{\"a\":[1",
            "error: EOF while parsing a list at line 1 column 8 (byte 7)\n",
        ),
        (
            b"",
            "error: EOF while parsing a value at line 1 column 1 (byte 0)\n",
        ),
        (
            b"[\"\xff\"]",
            "error: invalid UTF-8 at line 1 column 3 (byte 2)\n",
        ),
        (
            b"{} x",
            "error: trailing characters at line 1 column 4 (byte 3)\n",
        ),
        (
            b"\x00",
            "error: expected value at line 1 column 1 (byte 0)\n",
        ),
    ];
    for (input, line) in cases {
        for sizes in ["1", "1000"] {
            let out = structream(&["parse", "--chunk-sizes", sizes], input);
            assert_eq!(out.status.code(), Some(1), "{input:?}");
            assert_eq!(String::from_utf8_lossy(&out.stderr), *line, "{input:?}");
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let path = corpus("jsontestsuite/n_structure_100000_opening_arrays.json");
    let out = structream(&["parse", &path], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: recursion limit exceeded at line 1 column 129 (byte 128)\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["parse", "--chunk-sizes", "0"][..],
        &["parse", "--chunk-sizes", "x"],
        &["parse", "--nope"],
    ] {
        let out = structream(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = structream(&["parse", "/nonexistent/file.json"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: /nonexistent/file.json: "));
}
