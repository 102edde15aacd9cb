//! End to end, with no network: an OpenAI Chat Completions response body in
//! memory (made by `structream::replay::openai_tool_calls`, the answer cut
//! in 4-byte pieces, one SSE event each) fed one event at a time to
//! `Client::body_decoder`, into typed partials and items.
//!
//! The answer is an `llm_document` of 10 KB, 100 KB or 1 MB, deserialised
//! into [`Answer`] (which mirrors its shape). For each size, one criterion
//! group `typed-<size>` (throughput: the answer's JSON bytes) with:
//!
//! - `tokenizer on the JSON`: the tokenizer alone over the answer's bytes in
//!   the same 4-byte pieces (what the typed layer is compared with);
//! - `document on the JSON`: `Document` with snapshot checks, same pieces;
//! - `provider decode`: the body through the OpenAI chat `StreamDecoder`
//!   alone (SSE framing and each event's JSON envelope), events counted;
//! - `typed partials, each dropped`: `CallKind::Partial`, each
//!   `Event::Partial` dropped before the next feed (the partial is updated in
//!   place, never copied);
//! - `typed partials, previous held`: the consumer keeps the last partial
//!   while the next feed runs, so every update copies what it shares on
//!   the open path (O(depth) per chunk: done items and list chunks are
//!   shared; 10 samples);
//! - `typed items`: `CallKind::Iterable` over `{"items": [sections…]}` (same
//!   sections, same pieces), every `Event::Item` counted.
//!
//! Every iteration checks its result (partial and item counts, the final
//! value) outside the timed region.
//!
//! Run: `cargo bench -p structream-benches --bench typed`.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use structream::CallKind;
use structream_benches::typed::{
    Answer, Bodies, PIECE, Section, client, events, provider_decode, typed,
};
use structream_benches::{Consumer, count_events_chunks, stream_document, stream_sizes, timed};

fn bench_size(c: &mut Criterion, name: &str, bytes: usize) {
    let Bodies {
        json,
        body,
        items_body,
    } = Bodies::new(bytes);
    let text = std::str::from_utf8(&json).expect("UTF-8");
    let answer: Answer = serde_json::from_slice(&json).expect("fits the type");
    let reads = events(&body);
    let pieces: Vec<&[u8]> = structream::replay::pieces(text, PIECE)
        .into_iter()
        .map(str::as_bytes)
        .collect();
    let item_reads = events(&items_body);

    let client = client();

    let mut group = c.benchmark_group(format!("typed-{name}"));
    group.throughput(Throughput::Bytes(json.len() as u64));
    // Per-read cost is what matters here: say how many reads there are.
    eprintln!(
        "typed-{name}: answer {} B in {} pieces; body {} B in {} SSE events; items body {} events",
        json.len(),
        pieces.len(),
        body.len(),
        reads.len(),
        item_reads.len()
    );

    let events_expected = count_events_chunks(pieces.iter().copied()).expect("tokenizes");
    timed(
        &mut group,
        "tokenizer on the JSON",
        name,
        || count_events_chunks(black_box(&pieces).iter().copied()),
        |n| assert_eq!(n.as_ref().ok(), Some(&events_expected)),
    );
    let doc_expected =
        stream_document(pieces.iter().copied(), Consumer::Snapshots).expect("streams");
    timed(
        &mut group,
        "document on the JSON",
        name,
        || stream_document(black_box(&pieces).iter().copied(), Consumer::Snapshots),
        |s| assert_eq!(s.as_ref().ok(), Some(&doc_expected)),
    );
    let decoded = provider_decode(&reads);
    timed(
        &mut group,
        "provider decode",
        name,
        || provider_decode(black_box(&reads)),
        |n| assert_eq!(*n, decoded),
    );

    let expected = typed::<Answer>(&client, CallKind::Partial, &reads, false);
    assert_eq!(expected.done.as_ref(), Some(&answer));
    assert!(
        expected.partials * 2 > pieces.len(),
        "{}",
        expected.partials
    );
    timed(
        &mut group,
        "typed partials, each dropped",
        name,
        || typed::<Answer>(&client, CallKind::Partial, black_box(&reads), false),
        |t| assert_eq!(t, &expected),
    );

    let sections = answer.sections.len();
    let items = typed::<Section>(&client, CallKind::Iterable, &item_reads, false);
    assert_eq!(items.items, sections);
    timed(
        &mut group,
        "typed items",
        name,
        || typed::<Section>(&client, CallKind::Iterable, black_box(&item_reads), false),
        |t| assert_eq!(t.items, sections),
    );

    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    timed(
        &mut group,
        "typed partials, previous held",
        name,
        || typed::<Answer>(&client, CallKind::Partial, black_box(&reads), true),
        |t| assert_eq!(t, &expected),
    );
    group.finish();
}

fn bench(c: &mut Criterion) {
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
    targets = bench
}
criterion_main!(benches);
