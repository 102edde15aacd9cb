//! Lenient input: prose, code fences and think blocks around a JSON value.
//! Never a panic; the value found equals the strict parse of the embedded
//! JSON when the surroundings cannot be mistaken for it. With a root kind
//! set, the prose may hold brackets of the other kind (citations like `[1]`
//! before an object), which must be skipped.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::document::{Document, Lenient, Options, Outcome};
use structream_parser::parse;

/// What surrounds the JSON (the input's bytes).
#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    prose: String,
    fence: bool,
    think: Option<String>,
    after: String,
    /// 1: only an object, 2: only an array, else either.
    root: u8,
    chunk_sizes: Vec<u8>,
}

fuzz_target!(|input: Seeded<Params>| {
    let mut text = Vec::new();
    if let Some(t) = &input.params.think {
        // Without `<`, the block cannot end early.
        let t: String = t.chars().filter(|&c| c != '<').collect();
        text.extend_from_slice(format!("<think>{t}</think>").as_bytes());
    }
    let (root, excluded) = match input.params.root {
        1 => (Lenient::Object, "{`<"),
        2 => (Lenient::Array, "[`<"),
        _ => (Lenient::Any, "{[`<"),
    };
    // Prose without brackets (of the kinds that may start the value),
    // backticks or tags cannot start a value.
    let prose: String = input
        .params
        .prose
        .chars()
        .filter(|c| !excluded.contains(*c))
        .collect();
    text.extend_from_slice(prose.as_bytes());
    if input.params.fence {
        text.extend_from_slice(b"\n```json\n");
    }
    text.extend_from_slice(&input.bytes);
    text.extend_from_slice(input.params.after.as_bytes());

    let mut doc = Document::with_options(Options::default().lenient(root));
    let mut failed = false;
    for chunk in seeded::chunks(&text, &input.params.chunk_sizes) {
        if doc.feed(chunk).is_err() {
            failed = true;
            break;
        }
    }
    let result = if failed { None } else { doc.finish().ok() };
    // A valid object or array whose first bytes are `{"`/`{}` or `[` + a value
    // start is found and equals the strict parse.
    let Ok(strict) = parse(&input.bytes) else {
        return;
    };
    let lead: Vec<u8> = input
        .bytes
        .iter()
        .copied()
        .filter(|b| !b" \t\r\n".contains(b))
        .take(2)
        .collect();
    let findable = match lead.as_slice() {
        [b'{', b'"' | b'}'] => root != Lenient::Array,
        [b'[', _] => root != Lenient::Object,
        _ => false,
    } && deciding_byte(&input.bytes) <= 64;
    if !findable || input.bytes.first().is_some_and(|b| b" \t\r\n".contains(b)) {
        return;
    }
    let end = result.expect("a findable value parses");
    assert_eq!(end.outcome(), Some(Outcome::Complete));
    let found = end.snapshot().unwrap().value();
    let fin = parse(found.to_json().as_bytes()).unwrap();
    // serde_json is the judge where it can hold the value: not where a
    // number is out of its range (a snapshot keeps the last of duplicate
    // keys, so it may have dropped such a number that the input holds).
    let Some(expected) = as_serde(&strict) else {
        return;
    };
    assert_eq!(as_serde(&fin), Some(expected));
});

/// Where the scanner decides that a value starts at `json[0]` (valid JSON
/// opening with `{` or `[`): the first byte after the bracket and its
/// whitespace, or after a leading `true`/`false`/`null` and the whitespace
/// after it. The scanner holds at most 64 bytes before that byte.
fn deciding_byte(json: &[u8]) -> usize {
    let skip_ws = |from: usize| {
        from + json[from..]
            .iter()
            .take_while(|b| b" \t\r\n".contains(b))
            .count()
    };
    let first = skip_ws(1);
    match (json[0], json.get(first)) {
        (b'[', Some(b't' | b'n')) => skip_ws(first + 4),
        (b'[', Some(b'f')) => skip_ws(first + 5),
        _ => first,
    }
}

/// The value as serde_json reads it (the last of repeated keys wins, key
/// order does not count), for comparing; `None` past serde_json's limits.
fn as_serde(v: &structream_parser::Value) -> Option<serde_json::Value> {
    serde_json::from_str(&v.to_json()).ok()
}
