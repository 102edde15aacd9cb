//! For valid JSON, the items reported for the root array (and the arrays in
//! it) equal the final value's elements, in order, under any chunking.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::document::{Document, ItemEvent, Options};
use structream_parser::{Value, parse};

#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    chunk_sizes: Vec<u8>,
}

fn dedup(v: &Value) -> Value {
    // Items carry the last value of a repeated key, like the document.
    match v {
        Value::Array(items) => Value::Array(items.iter().map(dedup).collect()),
        Value::Object(members) => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for (k, v) in members {
                match out.iter_mut().find(|(x, _)| x == k) {
                    Some(slot) => slot.1 = dedup(v),
                    None => out.push((k.clone(), dedup(v))),
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fuzz_target!(|input: Seeded<Params>| {
    let Ok(Value::Array(fin)) = parse(&input.bytes).map(|v| dedup(&v)) else {
        return;
    };
    let options = Options::default().items("".parse().unwrap());
    let mut doc = Document::with_options(options);
    let mut done = Vec::new();
    let mut started = 0;
    let mut pieces = seeded::chunks(&input.bytes, &input.params.chunk_sizes).peekable();
    loop {
        let changes = match pieces.next() {
            Some(chunk) => doc.feed(chunk).unwrap(),
            None => doc.finish().unwrap(),
        };
        for item in changes.items() {
            match item {
                ItemEvent::Started { index, .. } => {
                    assert_eq!(*index, started);
                    started += 1;
                }
                ItemEvent::Done { index, json, .. } => {
                    assert_eq!(*index, done.len());
                    done.push(parse(json.as_bytes()).unwrap());
                }
                other => panic!("an item event this target does not know: {other:?}"),
            }
        }
        if pieces.peek().is_none() && changes.outcome().is_some() {
            break;
        }
    }
    assert_eq!(done, fin);
});
