//! Provider decoding of recorded streams: each protocol's `StreamDecoder`
//! over every recording of its folders in `tests/corpora/sse`, whole and in
//! 64 / 16 / 4-byte chunks.
//!
//! One criterion group `providers`, ids `<protocol>/<feeding>`, throughput
//! the recordings' bytes. Each recording gets a fresh decoder (a decoder is
//! one response); the recordings run one after the other. Events are counted
//! and the count (and the number of recordings that end in an error: some
//! record a provider's error or a cut-off stream) is checked against the
//! whole-input run, outside the timed region.
//!
//! A second group, `envelopes`, puts each protocol's decoding next to its
//! floor: serde_json deserialising every frame's `data:` payload into
//! `IgnoredAny` (merely skipping it), the payloads cut out beforehand. Ids
//! `<body>/decode` (the `StreamDecoder`, whole body, SSE framing included)
//! and `<body>/serde IgnoredAny`, over the recordings of each protocol and
//! over the body of section 4 of BENCHMARKS.md (an `llm_document` answer as
//! OpenAI tool-call deltas of 4 bytes, one SSE event per delta), fed one
//! SSE event per read as there.
//!
//! Run: `cargo bench -p structream-benches --bench providers`.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use structream_benches::envelopes::{
    PROTOCOLS, decode, decode_reads, payloads, protocol_recordings, provider, skip_payloads,
};
use structream_benches::{bench_mode, llm_document};
use structream_openai::OpenAiChat;
use structream_provider::Provider;

/// A protocol's name, its decoder's provider and its recordings.
type Protocol = (&'static str, Box<dyn Provider>, Vec<Vec<u8>>);

fn recordings(name: &str) -> Vec<Vec<u8>> {
    protocol_recordings(name).expect("a protocol of PROTOCOLS")
}

fn providers(c: &mut Criterion) {
    let protocols: Vec<Protocol> = PROTOCOLS
        .iter()
        .map(|&(name, ..)| (name, provider(name), recordings(name)))
        .collect();
    let mut group = c.benchmark_group("providers");
    for (name, provider, files) in &protocols {
        let bytes: usize = files.iter().map(Vec::len).sum();
        eprintln!("{name}: {} recordings, {bytes} bytes", files.len());
        group.throughput(Throughput::Bytes(bytes as u64));
        let expected = decode(provider.as_ref(), files, 0);
        assert!(expected.0 > files.len(), "{name}: {expected:?}");
        for (feeding, chunk) in [
            ("whole", 0),
            ("64-byte chunks", 64),
            ("16-byte chunks", 16),
            ("4-byte chunks", 4),
        ] {
            assert_eq!(
                decode(provider.as_ref(), files, chunk),
                expected,
                "{name} {feeding}"
            );
            group.bench_function(BenchmarkId::new(*name, feeding), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        let out = decode(provider.as_ref(), black_box(files), chunk);
                        total += start.elapsed();
                        assert_eq!(out, expected);
                    }
                    total
                });
            });
        }
    }
    group.finish();
}

fn timed_loop<T: PartialEq + std::fmt::Debug>(
    b: &mut criterion::Bencher<'_>,
    expected: &T,
    mut run: impl FnMut() -> T,
) {
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            let out = run();
            total += start.elapsed();
            assert_eq!(&out, expected);
        }
        total
    });
}

fn envelopes(c: &mut Criterion) {
    let mut group = c.benchmark_group("envelopes");
    // Ollama's NDJSON has no SSE `data:` payloads to set beside it.
    let protocols: Vec<Protocol> = PROTOCOLS[..4]
        .iter()
        .map(|&(name, ..)| (name, provider(name), recordings(name)))
        .collect();
    for (name, provider, files) in &protocols {
        let data = payloads(files);
        let bytes: usize = data.iter().map(Vec::len).sum();
        eprintln!("{name}: {} payloads, {bytes} bytes of JSON", data.len());
        group.throughput(Throughput::Bytes(bytes as u64));
        let expected = decode(provider.as_ref(), files, 0);
        group.bench_function(BenchmarkId::new(*name, "decode"), |b| {
            timed_loop(b, &expected, || {
                decode(provider.as_ref(), black_box(files), 0)
            });
        });
        let skipped = skip_payloads(&data);
        group.bench_function(BenchmarkId::new(*name, "serde IgnoredAny"), |b| {
            timed_loop(b, &skipped, || skip_payloads(black_box(&data)));
        });
    }
    let sizes: &[(&str, usize)] = if bench_mode() {
        &[("100KB", 100_000), ("1MB", 1_000_000)]
    } else {
        &[("10KB", 10_000)]
    };
    for &(size, answer) in sizes {
        let json = llm_document(answer);
        let text = std::str::from_utf8(&json).expect("UTF-8");
        let body = structream::replay::openai_tool_calls(&[("Answer", text)], 4);
        let reads = structream_benches::typed::events(&body);
        let data = payloads(std::slice::from_ref(&body));
        let bytes: usize = data.iter().map(Vec::len).sum();
        let name = format!("tool-call deltas {size}");
        eprintln!("{name}: {} events, {bytes} bytes of JSON", data.len());
        group.throughput(Throughput::Bytes(bytes as u64));
        let provider = OpenAiChat::default();
        let expected = decode_reads(&provider, &reads);
        group.bench_function(BenchmarkId::new(&name, "decode"), |b| {
            timed_loop(b, &expected, || decode_reads(&provider, black_box(&reads)));
        });
        let skipped = skip_payloads(&data);
        group.bench_function(BenchmarkId::new(&name, "serde IgnoredAny"), |b| {
            timed_loop(b, &skipped, || skip_payloads(black_box(&data)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = providers, envelopes
}
criterion_main!(benches);
