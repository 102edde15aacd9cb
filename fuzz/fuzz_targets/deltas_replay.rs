//! Replaying every delta from nothing reproduces every snapshot, for any
//! input (invalid input included, up to its error), chunking and policy.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::document::{Document, Options, StringMode, apply};

#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    complete_strings: bool,
    hold: Option<String>,
    require: Option<(String, String)>,
    chunk_sizes: Vec<u8>,
}

fuzz_target!(|input: Seeded<Params>| {
    let strings = if input.params.complete_strings {
        StringMode::Complete
    } else {
        StringMode::Trailing
    };
    let mut options = Options::default().strings(strings).deltas(true);
    if let Some(p) = input.params.hold.as_deref().and_then(|p| p.parse().ok()) {
        options = options.hold(p);
    }
    if let Some((p, key)) = input
        .params
        .require
        .as_ref()
        .and_then(|(p, k)| Some((p.parse().ok()?, k.clone())))
    {
        options = options.require(p, key);
    }
    let mut doc = Document::with_options(options);
    let mut replayed = None;
    let mut pieces = seeded::chunks(&input.bytes, &input.params.chunk_sizes);
    loop {
        let changes = match pieces.next() {
            Some(chunk) => doc.feed(chunk),
            None => doc.finish(),
        };
        let Ok(changes) = changes else { return };
        for delta in changes.deltas() {
            apply(&mut replayed, &delta).expect("every delta applies");
        }
        let snapshot = changes.snapshot().map(|s| s.to_json());
        assert_eq!(replayed.as_ref().map(|v| v.to_json()), snapshot);
        if changes.outcome().is_some() {
            return;
        }
    }
});
