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
//! Run: `cargo bench -p structream-benches --bench providers`.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use structream_anthropic::Anthropic;
use structream_gemini::Gemini;
use structream_openai::{Ollama, OpenAiChat, OpenAiResponses};
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

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = providers
}
criterion_main!(benches);
