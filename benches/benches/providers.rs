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
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use structream_anthropic::Anthropic;
use structream_benches::{bench_mode, llm_document};
use structream_gemini::Gemini;
use structream_openai::{Ollama, OpenAiChat, OpenAiResponses};
use structream_provider::sse::SseDecoder;
use structream_provider::{Provider, StreamEvent};

fn recordings(folders: &[&str], extension: &str) -> Vec<Vec<u8>> {
    fn walk(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("corpus folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, extension, out);
            } else if p.extension().is_some_and(|x| x == extension) {
                out.push(p);
            }
        }
    }
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpora/sse"));
    let mut files = Vec::new();
    for folder in folders {
        walk(&root.join(folder), extension, &mut files);
    }
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).expect("recording"))
        .collect()
}

/// Events decoded and recordings that ended in an error.
fn decode(provider: &dyn Provider, files: &[Vec<u8>], chunk: usize) -> (usize, usize) {
    let mut events = 0usize;
    let mut failed = 0usize;
    for file in files {
        let mut decoder = provider.decoder();
        let mut sink = |event: StreamEvent<'_>| {
            black_box(&event);
            events += 1;
        };
        let chunk = if chunk == 0 { file.len().max(1) } else { chunk };
        let result = file
            .chunks(chunk)
            .try_for_each(|c| decoder.feed(c, &mut sink))
            .and_then(|()| decoder.finish(&mut sink));
        failed += usize::from(result.is_err());
    }
    (events, failed)
}

/// A protocol's name, its decoder's provider and its recordings.
type Protocol = (&'static str, Box<dyn Provider>, Vec<Vec<u8>>);

fn providers(c: &mut Criterion) {
    let protocols: Vec<Protocol> = vec![
        (
            "openai-chat",
            Box::new(OpenAiChat::default()),
            recordings(&["openai-chat", "openai-compatible"], "sse"),
        ),
        (
            "openai-responses",
            Box::new(OpenAiResponses::default()),
            recordings(&["openai-responses"], "sse"),
        ),
        (
            "anthropic",
            Box::new(Anthropic::default()),
            recordings(&["anthropic"], "sse"),
        ),
        (
            "gemini",
            Box::new(Gemini::default()),
            recordings(&["gemini"], "sse"),
        ),
        (
            "ollama",
            Box::new(Ollama::default()),
            recordings(&["ollama"], "ndjson"),
        ),
    ];
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

/// The `data:` payloads of the SSE frames of `bodies` (not `[DONE]`).
fn payloads(bodies: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for body in bodies {
        let mut sse = SseDecoder::new();
        let mut take = |frame: structream_provider::sse::SseEvent<'_>| {
            if frame.data().trim_ascii() != b"[DONE]" && !frame.data().is_empty() {
                out.push(frame.data().to_vec());
            }
        };
        // Recordings that end in an error still give their frames.
        let _ = sse.feed(body, &mut take);
        let _ = sse.finish(&mut take);
    }
    out
}

/// serde_json skipping every payload; the number it could read as JSON.
fn skip_payloads(payloads: &[Vec<u8>]) -> usize {
    payloads
        .iter()
        .filter(|p| serde_json::from_slice::<IgnoredAny>(black_box(p)).is_ok())
        .count()
}

/// Events of the section 4 body fed one SSE event per read.
fn decode_reads(provider: &dyn Provider, reads: &[&[u8]]) -> usize {
    let mut decoder = provider.decoder();
    let mut n = 0usize;
    let mut sink = |event: StreamEvent<'_>| {
        black_box(&event);
        n += 1;
    };
    for read in reads {
        decoder.feed(read, &mut sink).expect("decodes");
    }
    decoder.finish(&mut sink).expect("decodes");
    n
}

/// Each SSE event of `body` (up to and including its blank line).
fn sse_events(body: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..body.len() {
        if body[i] == b'\n' && body[i - 1] == b'\n' {
            out.push(&body[start..=i]);
            start = i + 1;
        }
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out
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
    let protocols: Vec<Protocol> = vec![
        (
            "openai-chat",
            Box::new(OpenAiChat::default()),
            recordings(&["openai-chat", "openai-compatible"], "sse"),
        ),
        (
            "openai-responses",
            Box::new(OpenAiResponses::default()),
            recordings(&["openai-responses"], "sse"),
        ),
        (
            "anthropic",
            Box::new(Anthropic::default()),
            recordings(&["anthropic"], "sse"),
        ),
        (
            "gemini",
            Box::new(Gemini::default()),
            recordings(&["gemini"], "sse"),
        ),
    ];
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
        let reads = sse_events(&body);
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
