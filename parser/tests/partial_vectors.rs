//! The partial-JSON vectors of other libraries (tests/corpora/partial-json),
//! each run under the policy that matches the library's. Where our policy
//! differs by design, the case is listed with the reason.

mod common;

use common::corpora;
use common::partial::consistent;
use structream_parser::document::{Document, Options, Outcome, StringMode};
use structream_parser::{Value, parse};

/// Our result for a prefix: the snapshot after the end of input (`None` if
/// nothing showed), and whether the input was complete.
fn ours(input: &[u8], strings: StringMode, split: Option<usize>) -> (Option<Value>, bool) {
    let mut doc = Document::with_options(Options::default().strings(strings));
    let pieces: Vec<&[u8]> = match split {
        Some(k) => vec![&input[..k], &input[k..]],
        None => vec![input],
    };
    for piece in pieces {
        if doc.feed(piece).is_err() {
            // Malformed input: what showed before the error.
            return (doc.snapshot().map(|s| s.value()), false);
        }
    }
    let end = match doc.finish() {
        Ok(end) => end,
        Err(_) => return (doc.snapshot().map(|s| s.value()), false),
    };
    let complete = end.outcome() == Some(Outcome::Complete);
    (end.snapshot().map(|s| s.value()), complete)
}

fn to_value(json: &serde_json::Value) -> Value {
    parse(json.to_string().as_bytes()).unwrap()
}

/// A case's input: `input` text, or `input_hex` bytes.
fn input_of(case: &serde_json::Value) -> Vec<u8> {
    if let Some(text) = case["input"].as_str() {
        return text.as_bytes().to_vec();
    }
    let hex = case["input_hex"].as_str().expect("input or input_hex");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn cases(file: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(corpora().join("partial-json").join(file))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `input` whole and split at every byte; all runs must agree (on the
/// value too, unless the input is malformed: what shows before an error
/// depends on where the chunks ended).
fn ours_everywhere(input: &[u8], strings: StringMode) -> (Option<Value>, bool) {
    let whole = ours(input, strings, None);
    let malformed = {
        let mut doc = Document::with_options(Options::default().strings(strings));
        doc.feed(input).is_err() || doc.finish().is_err()
    };
    for k in 0..=input.len() {
        let split = ours(input, strings, Some(k));
        let context = format!("{:?} split at {k}", String::from_utf8_lossy(input));
        if malformed {
            assert_eq!(split.1, whole.1, "{context}");
        } else {
            assert_eq!(split, whole, "{context}");
        }
    }
    whole
}

/// Whether the input ends inside a number or literal (or just after a
/// number, which the end of input may have cut short).
fn ends_in_scalar(input: &str) -> bool {
    input
        .trim_end()
        .bytes()
        .last()
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
}

/// Compares our value with a library's; returns the mismatches.
fn compare(
    file: &str,
    strings: impl Fn(&serde_json::Value) -> Option<StringMode>,
    known: &[(&str, &str)],
) {
    let mut mismatches = Vec::new();
    let mut unexplained = Vec::new();
    let mut by_design = 0;
    let mut checked = 0;
    for case in cases(file) {
        let Some(strings) = strings(&case) else {
            continue;
        };
        let bytes = input_of(&case);
        let input = String::from_utf8_lossy(&bytes).into_owned();
        let input = input.as_str();
        let (value, _) = ours_everywhere(&bytes, strings);
        let expected = if let Some(e) = case.get("expected") {
            Some(to_value(e))
        } else if let Some(text) = case.get("expected_output").and_then(|t| t.as_str()) {
            (!text.is_empty()).then(|| parse(text.as_bytes()).unwrap())
        } else {
            continue;
        };
        checked += 1;
        let as_serde = |v: &Option<Value>| {
            v.as_ref()
                .map(|v| serde_json::from_str::<serde_json::Value>(&v.to_json()).unwrap())
        };
        if as_serde(&value) == as_serde(&expected) {
            continue;
        }
        // By design, half numbers and literals never show, nor does a number
        // the end of input may have cut short: we show less, never other.
        let shows_less = match (&value, &expected) {
            (None, _) => true,
            (Some(v), Some(e)) => consistent(v, e).is_ok(),
            (Some(_), None) => false,
        };
        if ends_in_scalar(input) && shows_less {
            by_design += 1;
            continue;
        }
        {
            mismatches.push(input.to_owned());
            if !known.iter().any(|(i, _)| *i == input) {
                unexplained.push(format!(
                    "{input:?}: ours {:?}, theirs {:?}",
                    value.map(|v| v.to_json()),
                    expected.map(|v| v.to_json())
                ));
            }
        }
    }
    assert!(unexplained.is_empty(), "{file}: {unexplained:#?}");
    // Every listed divergence still diverges (the list is not stale).
    for (input, _) in known {
        assert!(
            mismatches.iter().any(|m| m == input),
            "{file}: {input:?} no longer differs"
        );
    }
    assert!(checked > 0);
    eprintln!("{file}: {checked} cases, {by_design} differ by design (half numbers and literals)");
}

#[test]
fn anthropic_sdk_partial_parse_drops_partial_strings() {
    compare(
        "anthropic-sdk-typescript-partialParse.jsonl",
        |_| Some(StringMode::Complete),
        &[
            // Malformed input: what showed before the error stays.
            (
                "{\"foo\": \"bar\", \"baz\": truee",
                "the literal was complete before the error",
            ),
        ],
    );
}

#[test]
fn openai_node_partial_parse_keeps_partial_strings() {
    compare(
        "openai-node-partialParse.jsonl",
        |_| Some(StringMode::Trailing),
        &[],
    );
}

#[test]
fn jiter_partial_modes() {
    let strings = |case: &serde_json::Value| match case["partial_mode"].as_str() {
        Some("on") => Some(StringMode::Complete),
        Some("trailing-strings") => Some(StringMode::Trailing),
        _ => None,
    };
    compare("jiter-partial.jsonl", strings, &[]);
    // Mode "off": an incomplete input is an error; a complete one parses.
    for case in cases("jiter-partial.jsonl") {
        if case["partial_mode"] != "off" {
            continue;
        }
        let input = input_of(&case);
        let (_, complete) = ours_everywhere(&input, StringMode::Trailing);
        assert_eq!(complete, case.get("expected").is_some(), "{input:?}");
    }
    // Every prefix of jiter's two documents is an array / an object.
    for (file, want_array) in [("pass1.json", true), ("medium_response.json", false)] {
        let doc = std::fs::read(corpora().join("partial-json/jiter-benches").join(file)).unwrap();
        let start = doc.iter().position(|b| !b.is_ascii_whitespace()).unwrap();
        for i in start + 1..=doc.len() {
            let (value, _) = ours(&doc[..i], StringMode::Trailing, None);
            let ok = matches!(
                (&value, want_array),
                (Some(Value::Array(_)), true) | (Some(Value::Object(_)), false)
            );
            assert!(ok, "{file} prefix {i}: {value:?}");
        }
    }
}

#[test]
fn vercel_fix_json() {
    compare(
        "vercel-ai-fixjson.jsonl",
        |_| Some(StringMode::Trailing),
        &[],
    );
}

/// promplate's `Allow` flags, as far as our policies have them: partial
/// strings shown or not. Cases that forbid partial arrays or objects (we
/// always show a container from its opening bracket) or allow NaN and
/// Infinity (not JSON) are not ours to compare.
fn promplate_mode(case: &serde_json::Value) -> Option<StringMode> {
    let allow = case["allow"].as_str().unwrap_or("ALL");
    let has = |flag: &str| {
        if allow == "ALL" {
            return true;
        }
        if let Some(rest) = allow.strip_prefix('~') {
            return !rest.split('|').any(|f| f == flag);
        }
        allow
            .split('|')
            .any(|f| f == flag || (flag.ends_with("INFINITY") && f == "INF"))
    };
    let input = case["input"].as_str().unwrap_or("");
    if !has("ARR") && input.contains('[') || !has("OBJ") && input.contains('{') {
        return None;
    }
    if ["NaN", "Infinity"].iter().any(|w| input.contains(w))
        || case.get("expected_special").is_some()
    {
        return None;
    }
    Some(if has("STR") {
        StringMode::Trailing
    } else {
        StringMode::Complete
    })
}

#[test]
fn promplate_partial_json_parser() {
    compare("promplate-partial-json-parser.jsonl", promplate_mode, &[]);
    compare(
        "promplate-partial-json-parser-js.jsonl",
        promplate_mode,
        &[],
    );
}
