//! Documents streamed in LLM-sized chunks, side by side with the peers'
//! re-parse of the accumulated output after every chunk.
//!
//! For each size (10 KB, 100 KB, 1 MB of `llm_document`), one criterion
//! group `document-<size>` with the ids `<implementation>/<feeding>`, where
//! the feeding is `whole` (one slice) or `llm chunks` (1 to 8 bytes,
//! `LLM_CHUNK_PATTERN`, about one token each):
//!
//! - `structream tokenizer`: the tokenizer alone, events counted (the floor);
//! - `structream snapshots`: `Document::feed`, then `changes.changed()` and,
//!   when it changed, `changes.snapshot()` with O(1) work done on it;
//! - `structream deltas`: deltas on, every delta read;
//! - `structream items`: item events for `/sections`, every item read;
//! - `structream snapshot to_json`: the snapshot serialised at every change,
//!   what a naive consumer pays (O(document) per chunk; not run at 1 MB);
//! - `jiter partial re-parse`: the accumulated bytes parsed by
//!   `jiter::JsonValue::parse_with_config(…, PartialMode::TrailingStrings)`
//!   after every chunk (Instructor, the OpenAI and Anthropic Python SDKs);
//! - `serde_json close-and-reparse`: the accumulated text with its open
//!   brackets closed, parsed by `serde_json` after every chunk (the
//!   JavaScript peers). The two re-parse peers are O(n²) over a stream: they
//!   run at 10 KB and 100 KB only, with 10 samples of one iteration; at 1 MB
//!   they are estimated by `chunkcost` (see BENCHMARKS.md).
//!
//! Every iteration checks its result (chunk, change, delta and item counts)
//! against the value computed before the measurement, outside the timed
//! region.
//!
//! Run: `cargo bench -p structream-benches --bench document`; filter with a
//! regex on the id, e.g. `-- 'document-100KB/structream'` or `-- 're-?parse'`.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use structream_benches::peers::{close_and_reparse, jiter_reparse};
use structream_benches::{
    Consumer, count_events_chunks, llm_chunks, llm_document, stream_document, stream_sizes, timed,
};

fn bench_size(c: &mut Criterion, name: &str, bytes: usize) {
    let doc = llm_document(bytes);
    let input = doc.as_slice();
    let big = input.len() > 500_000;

    let mut group = c.benchmark_group(format!("document-{name}"));
    group.throughput(Throughput::Bytes(input.len() as u64));

    let events = count_events_chunks(llm_chunks(input)).expect("tokenizes");
    timed(
        &mut group,
        "structream tokenizer",
        "llm chunks",
        || count_events_chunks(llm_chunks(black_box(input))),
        |n| assert_eq!(n.as_ref().ok(), Some(&events)),
    );

    let mut consumers = vec![
        ("structream snapshots", Consumer::Snapshots),
        ("structream deltas", Consumer::Deltas),
        ("structream items", Consumer::Items),
        ("structream repair", Consumer::Repair),
    ];
    if !big {
        consumers.push(("structream snapshot to_json", Consumer::SnapshotJson));
    }
    for (implementation, consumer) in consumers {
        let whole = stream_document([input], consumer).expect("streams");
        let chunked = stream_document(llm_chunks(input), consumer).expect("streams");
        assert!(whole.complete && chunked.complete);
        if consumer != Consumer::SnapshotJson {
            timed(
                &mut group,
                implementation,
                "whole",
                || stream_document([black_box(input)], consumer),
                |s| assert_eq!(s.as_ref().ok(), Some(&whole)),
            );
        }
        timed(
            &mut group,
            implementation,
            "llm chunks",
            || stream_document(llm_chunks(black_box(input)), consumer),
            |s| assert_eq!(s.as_ref().ok(), Some(&chunked)),
        );
    }

    if !big {
        // One pass takes 0.03 s at 10 KB and seconds at 100 KB: ten samples
        // of one pass each.
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.warm_up_time(Duration::from_millis(1));
        group.measurement_time(Duration::from_secs(1));
        let parsed = jiter_reparse(llm_chunks(input));
        timed(
            &mut group,
            "jiter partial re-parse",
            "llm chunks",
            || jiter_reparse(llm_chunks(black_box(input))),
            |n| assert_eq!(*n, parsed),
        );
        let parsed = close_and_reparse(llm_chunks(input));
        timed(
            &mut group,
            "serde_json close-and-reparse",
            "llm chunks",
            || close_and_reparse(llm_chunks(black_box(input))),
            |n| assert_eq!(*n, parsed),
        );
    }
    group.finish();
}

fn document(c: &mut Criterion) {
    for (name, bytes) in stream_sizes() {
        bench_size(c, name, bytes);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = document
}
criterion_main!(benches);
