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
//!   while the next feed runs, so every update copies it (O(answer) per
//!   chunk; 10 KB and 100 KB only, 10 samples);
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
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use schemars::JsonSchema;
use serde::Deserialize;
use structream::{CallKind, Client, Event, Partial};
use structream_benches::{
    Consumer, count_events_chunks, llm_document, stream_document, stream_sizes, timed,
};
use structream_provider::Provider;

/// A model's structured answer: the shape of `llm_document`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
struct Answer {
    title: String,
    summary: String,
    sections: Vec<Section>,
    complete: bool,
}

/// One section of the answer.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
struct Section {
    id: u64,
    heading: String,
    body: String,
    confidence: f64,
    verified: bool,
    tags: Vec<String>,
    citations: Vec<Citation>,
    notes: Option<String>,
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
struct Citation {
    source: String,
    page: f64,
    quote: String,
}

/// Bytes of the answer in each SSE event (about one token).
const PIECE: usize = 4;

/// The body cut after every SSE event (`\n\n`): one network read each.
fn events(body: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..body.len() {
        if body[i - 1] == b'\n' && body[i] == b'\n' {
            out.push(&body[start..=i]);
            start = i + 1;
        }
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out
}

fn client() -> Client {
    Client::builder_from("openai/m")
        .and_then(|b| b.api_key("unused").build())
        .expect("client")
}

/// What a typed run produced.
#[derive(Debug, PartialEq)]
struct Typed<T> {
    partials: usize,
    items: usize,
    done: Option<T>,
}

/// Feeds `reads` to a body decoder of `kind`; with `hold`, the last partial
/// is kept while the next read is decoded.
fn typed<T: structream::Structured>(
    client: &Client,
    kind: CallKind,
    reads: &[&[u8]],
    hold: bool,
) -> Typed<T> {
    let mut decoder = client.body_decoder::<T>(kind);
    let mut out = Typed {
        partials: 0,
        items: 0,
        done: None,
    };
    let mut held: Option<Arc<T::Partial>> = None;
    let mut on = |event: Result<Event<T>, structream::Error>, out: &mut Typed<T>| match event
        .expect("decodes")
    {
        Event::Partial(p) => {
            out.partials += 1;
            black_box(&*p);
            if hold {
                held = Some(p);
            }
        }
        Event::Item(item) => {
            out.items += 1;
            black_box(item);
        }
        Event::Done(value) => out.done = Some(value),
        _ => {}
    };
    for read in reads {
        for event in decoder.feed(read) {
            on(event, &mut out);
        }
    }
    for event in decoder.finish() {
        on(event, &mut out);
    }
    out
}

/// Events the provider decoder alone gives for the body.
fn provider_decode(reads: &[&[u8]]) -> usize {
    let mut decoder = structream_openai::OpenAiChat::default().decoder();
    let mut n = 0usize;
    let mut sink = |event: structream_provider::StreamEvent<'_>| {
        black_box(&event);
        n += 1;
    };
    for read in reads {
        decoder.feed(read, &mut sink).expect("decodes");
    }
    decoder.finish(&mut sink).expect("decodes");
    n
}

fn bench_size(c: &mut Criterion, name: &str, bytes: usize) {
    let json = llm_document(bytes);
    let text = std::str::from_utf8(&json).expect("UTF-8");
    let answer: Answer = serde_json::from_slice(&json).expect("fits the type");
    let body = structream::replay::openai_tool_calls(&[("Answer", text)], PIECE);
    let reads = events(&body);
    let pieces: Vec<&[u8]> = structream::replay::pieces(text, PIECE)
        .into_iter()
        .map(str::as_bytes)
        .collect();

    let items_json = {
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        serde_json::to_string_pretty(&serde_json::json!({ "items": value["sections"] }))
            .expect("serialises")
    };
    let items_body = structream::replay::openai_tool_calls(&[("Section", &items_json)], PIECE);
    let item_reads = events(&items_body);

    let client = client();
    let big = json.len() > 500_000;

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

    if !big {
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
    }
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
