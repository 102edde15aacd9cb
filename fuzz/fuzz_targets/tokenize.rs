//! Arbitrary bytes, chunking and configuration: the tokenizer never panics,
//! never loops, and its error (if any) lies within the input.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::{Config, Tokenizer};

#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    config: Config,
    chunk_sizes: Vec<u8>,
}

fuzz_target!(|input: Seeded<Params>| {
    let mut tok = Tokenizer::with_config(input.params.config);
    let mut events = 0usize;
    let result = (|| {
        for chunk in seeded::chunks(&input.bytes, &input.params.chunk_sizes) {
            tok.feed_with(chunk, |_| events += 1)?;
        }
        tok.finish_with(|_| events += 1)
    })();
    // Every event consumes at least one byte, except the empty string
    // fragment a chunk boundary can hand out.
    assert!(events <= 2 * input.bytes.len() + 1);
    if let Err(e) = result {
        assert!(e.offset() <= input.bytes.len() as u64);
        assert!(e.line() >= 1 && e.column() >= 1);
    }
});
