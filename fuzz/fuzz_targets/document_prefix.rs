//! Any input, any chunking, any string mode: the document never panics, and
//! when the input is valid JSON (without repeated keys), every snapshot can
//! grow into the final value.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::document::{Document, Options, StringMode};
use structream_parser::{Value, parse};

#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    complete_strings: bool,
    chunk_sizes: Vec<u8>,
}

fn consistent(partial: &Value, fin: &Value) -> bool {
    match (partial, fin) {
        (Value::String(a), Value::String(b)) => b.starts_with(a.as_str()),
        (Value::Array(a), Value::Array(b)) => {
            a.len() <= b.len()
                && a.iter().zip(b).enumerate().all(|(i, (x, y))| {
                    if i + 1 < a.len() {
                        x == y
                    } else {
                        consistent(x, y)
                    }
                })
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() <= b.len()
                && a.iter().zip(b).enumerate().all(|(i, ((ka, x), (kb, y)))| {
                    ka == kb
                        && if i + 1 < a.len() {
                            x == y
                        } else {
                            consistent(x, y)
                        }
                })
        }
        (x, y) => x == y,
    }
}

fn has_repeated_keys(v: &Value) -> bool {
    match v {
        Value::Array(items) => items.iter().any(has_repeated_keys),
        Value::Object(members) => {
            let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1])
                || members.iter().any(|(_, v)| has_repeated_keys(v))
        }
        _ => false,
    }
}

fuzz_target!(|input: Seeded<Params>| {
    let strings = if input.params.complete_strings {
        StringMode::Complete
    } else {
        StringMode::Trailing
    };
    let fin = parse(&input.bytes).ok().filter(|v| !has_repeated_keys(v));
    let mut doc = Document::with_options(Options::default().strings(strings));
    for chunk in seeded::chunks(&input.bytes, &input.params.chunk_sizes) {
        let Ok(changes) = doc.feed(chunk) else {
            assert!(fin.is_none());
            return;
        };
        if let (Some(fin), Some(snapshot)) = (&fin, changes.snapshot()) {
            let value = parse(snapshot.to_json().as_bytes()).expect("snapshots are valid JSON");
            assert!(consistent(&value, fin), "{value} does not lead to {fin}");
        }
    }
    if let Ok(end) = doc.finish() {
        if let (Some(fin), Some(snapshot)) = (&fin, end.snapshot()) {
            assert_eq!(&snapshot.value(), fin);
        }
    }
});
