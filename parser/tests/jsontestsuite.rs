//! JSONTestSuite (`tests/corpora/jsontestsuite`) and JSON_checker: accepted,
//! rejected and implementation-defined files at every chunking and split,
//! against serde_json's values.

mod common;

use std::fs;

use common::{as_serde, corpora, run_all_chunkings};
use structream_parser::{Config, ErrorKind, LoneSurrogates};

/// Our choice for each implementation-defined (`i_`) file: accept or reject.
const IMPLEMENTATION_DEFINED: &[(&str, bool)] = &[
    // Numbers are kept exactly as written, never converted: all accepted.
    ("i_number_double_huge_neg_exp.json", true),
    ("i_number_huge_exp.json", true),
    ("i_number_neg_int_huge_exp.json", true),
    ("i_number_pos_double_huge_exp.json", true),
    ("i_number_real_neg_overflow.json", true),
    ("i_number_real_pos_overflow.json", true),
    ("i_number_real_underflow.json", true),
    ("i_number_too_big_neg_int.json", true),
    ("i_number_too_big_pos_int.json", true),
    ("i_number_very_big_negative_int.json", true),
    // Lone or reversed surrogates have no UTF-8 form: rejected by default.
    ("i_object_key_lone_2nd_surrogate.json", false),
    ("i_string_1st_surrogate_but_2nd_missing.json", false),
    ("i_string_1st_valid_surrogate_2nd_invalid.json", false),
    ("i_string_incomplete_surrogate_and_escape_valid.json", false),
    ("i_string_incomplete_surrogate_pair.json", false),
    ("i_string_incomplete_surrogates_escape_valid.json", false),
    ("i_string_invalid_lonely_surrogate.json", false),
    ("i_string_invalid_surrogate.json", false),
    ("i_string_inverted_surrogates_U+1D11E.json", false),
    ("i_string_lone_second_surrogate.json", false),
    // Input must be UTF-8; anything else is rejected.
    ("i_string_UTF-16LE_with_BOM.json", false),
    ("i_string_UTF-8_invalid_sequence.json", false),
    ("i_string_UTF8_surrogate_U+D800.json", false),
    ("i_string_invalid_utf-8.json", false),
    ("i_string_iso_latin_1.json", false),
    ("i_string_lone_utf8_continuation_byte.json", false),
    ("i_string_not_in_unicode_range.json", false),
    ("i_string_overlong_sequence_2_bytes.json", false),
    ("i_string_overlong_sequence_6_bytes.json", false),
    ("i_string_overlong_sequence_6_bytes_null.json", false),
    ("i_string_truncated-utf-8.json", false),
    ("i_string_utf16BE_no_BOM.json", false),
    ("i_string_utf16LE_no_BOM.json", false),
    // Nesting beyond the default depth limit of 128.
    ("i_structure_500_nested_arrays.json", false),
    // A byte order mark is not JSON; lenient input skips it.
    ("i_structure_UTF-8_BOM_empty_object.json", false),
];

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = fs::read_dir(corpora().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn accepted_files_give_serde_json_values_at_every_split() {
    let mut count = 0;
    for (name, bytes) in files("jsontestsuite")
        .into_iter()
        .filter(|(n, _)| n.starts_with("y_"))
    {
        let run = run_all_chunkings(&bytes, &Config::default(), &name);
        let value = run
            .result
            .unwrap_or_else(|e| panic!("{name} rejected: {e}"));
        let expected: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(as_serde(&value), expected, "{name}");
        count += 1;
    }
    assert_eq!(count, 95);
}

#[test]
fn rejected_files_fail_the_same_way_at_every_split() {
    let mut count = 0;
    for (name, bytes) in files("jsontestsuite")
        .into_iter()
        .filter(|(n, _)| n.starts_with("n_"))
    {
        let run = run_all_chunkings(&bytes, &Config::default(), &name);
        let err = run.result.expect_err(&name);
        assert!(err.offset() <= bytes.len() as u64, "{name}: {err:?}");
        count += 1;
    }
    assert_eq!(count, 188);
}

#[test]
fn implementation_defined_files_go_the_recorded_way() {
    let files = files("jsontestsuite");
    let i_files: Vec<_> = files.iter().filter(|(n, _)| n.starts_with("i_")).collect();
    assert_eq!(
        i_files.len(),
        IMPLEMENTATION_DEFINED.len(),
        "every i_ file has a recorded choice"
    );
    for (name, bytes) in i_files {
        let &(_, accept) = IMPLEMENTATION_DEFINED
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no recorded choice for {name}"));
        let run = run_all_chunkings(bytes, &Config::default(), name);
        assert_eq!(run.result.is_ok(), accept, "{name}: {:?}", run.result);
        if let Ok(value) = &run.result {
            // Accepted numbers keep their exact text.
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert_eq!(
                value.to_json(),
                text.split_whitespace().collect::<String>(),
                "{name}"
            );
        }
    }
}

/// Our pinned result for every `jsontestsuite-transform` file: the compact
/// text we give back, or the error kind, with the default configuration and
/// with lone surrogates replaced.
type Pinned = Result<&'static str, ErrorKind>;
const TRANSFORM: &[(&str, Pinned, Pinned)] = &[
    (
        "number_-9223372036854775808.json",
        Ok("[-9223372036854775808]"),
        Ok("[-9223372036854775808]"),
    ),
    (
        "number_-9223372036854775809.json",
        Ok("[-9223372036854775809]"),
        Ok("[-9223372036854775809]"),
    ),
    ("number_1.0.json", Ok("[1.0]"), Ok("[1.0]")),
    (
        "number_1.000000000000000005.json",
        Ok("[1.000000000000000005]"),
        Ok("[1.000000000000000005]"),
    ),
    (
        "number_1000000000000000.json",
        Ok("[1000000000000000]"),
        Ok("[1000000000000000]"),
    ),
    (
        "number_10000000000000000999.json",
        Ok("[10000000000000000999]"),
        Ok("[10000000000000000999]"),
    ),
    ("number_1e-999.json", Ok("[1E-999]"), Ok("[1E-999]")),
    ("number_1e6.json", Ok("[1E6]"), Ok("[1E6]")),
    (
        "number_9223372036854775807.json",
        Ok("[9223372036854775807]"),
        Ok("[9223372036854775807]"),
    ),
    (
        "number_9223372036854775808.json",
        Ok("[9223372036854775808]"),
        Ok("[9223372036854775808]"),
    ),
    // Keys are not normalised: NFC and NFD spellings are different keys.
    (
        "object_key_nfc_nfd.json",
        Ok("{\"\u{e9}\":\"NFC\",\"e\u{301}\":\"NFD\"}"),
        Ok("{\"\u{e9}\":\"NFC\",\"e\u{301}\":\"NFD\"}"),
    ),
    (
        "object_key_nfd_nfc.json",
        Ok("{\"e\u{301}\":\"NFD\",\"\u{e9}\":\"NFC\"}"),
        Ok("{\"e\u{301}\":\"NFD\",\"\u{e9}\":\"NFC\"}"),
    ),
    // Duplicate keys are kept, in order.
    (
        "object_same_key_different_values.json",
        Ok("{\"a\":1,\"a\":2}"),
        Ok("{\"a\":1,\"a\":2}"),
    ),
    (
        "object_same_key_same_value.json",
        Ok("{\"a\":1,\"a\":1}"),
        Ok("{\"a\":1,\"a\":1}"),
    ),
    (
        "object_same_key_unclear_values.json",
        Ok("{\"a\":0,\"a\":-0}"),
        Ok("{\"a\":0,\"a\":-0}"),
    ),
    (
        "string_1_escaped_invalid_codepoint.json",
        Err(ErrorKind::UnexpectedEndOfHexEscape),
        Ok("[\"\u{fffd}\"]"),
    ),
    (
        "string_1_invalid_codepoint.json",
        Err(ErrorKind::InvalidUtf8),
        Err(ErrorKind::InvalidUtf8),
    ),
    (
        "string_2_escaped_invalid_codepoints.json",
        Err(ErrorKind::LoneLeadingSurrogateInHexEscape),
        Ok("[\"\u{fffd}\u{fffd}\"]"),
    ),
    (
        "string_2_invalid_codepoints.json",
        Err(ErrorKind::InvalidUtf8),
        Err(ErrorKind::InvalidUtf8),
    ),
    (
        "string_3_escaped_invalid_codepoints.json",
        Err(ErrorKind::LoneLeadingSurrogateInHexEscape),
        Ok("[\"\u{fffd}\u{fffd}\u{fffd}\"]"),
    ),
    (
        "string_3_invalid_codepoints.json",
        Err(ErrorKind::InvalidUtf8),
        Err(ErrorKind::InvalidUtf8),
    ),
    (
        "string_with_escaped_NULL.json",
        Ok("[\"A\\u0000B\"]"),
        Ok("[\"A\\u0000B\"]"),
    ),
];

#[test]
fn transform_files_give_their_pinned_results() {
    let files = files("jsontestsuite-transform");
    assert_eq!(files.len(), TRANSFORM.len());
    for (name, bytes) in files {
        let (_, strict, replace) = TRANSFORM.iter().find(|(n, ..)| *n == name).unwrap();
        let replacing = Config::default().lone_surrogates(LoneSurrogates::Replace);
        for (config, expected) in [(Config::default(), strict), (replacing, replace)] {
            let run = run_all_chunkings(&bytes, &config, &name);
            let got = run
                .result
                .as_ref()
                .map(|v| v.to_json())
                .map_err(|e| e.kind());
            let want = expected.map(str::to_owned);
            assert_eq!(got, want, "{name} with {config:?}");
        }
    }
}

#[test]
fn json_checker_pass_and_fail_files() {
    let files = files("json-bench/jsonchecker");
    assert_eq!(files.len(), 36);
    for (name, bytes) in files {
        let run = run_all_chunkings(&bytes, &Config::default(), &name);
        if name.starts_with("pass") || name.ends_with("_EXCLUDE.json") {
            // fail01 (a top-level string) and fail18 (depth 20) are accepted by
            // modern parsers: RFC 8259 allows any value at the top level.
            let value = run.result.unwrap_or_else(|e| panic!("{name}: {e}"));
            let expected: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(as_serde(&value), expected, "{name}");
        } else {
            assert!(run.result.is_err(), "{name} accepted");
            assert!(
                serde_json::from_slice::<serde_json::Value>(&bytes).is_err(),
                "{name}"
            );
        }
    }
}
