//! Shared helpers of the benchmark suite; the benchmarks live in `benches/`.
//!
//! - [`fixtures`]: the documents every tokenizer benchmark runs on: the three
//!   standard JSON benchmark files from `tests/corpora/json-bench` plus
//!   generated ones ([`llm_document`], [`nested_document`]).
//! - The workloads ([`count_events`], [`build_value`]), shared by the
//!   criterion benchmarks and by the `icount` binary that
//!   `benches/callgrind.sh` runs under valgrind to count instructions.
//! - [`llm_chunks`] and the document workloads ([`stream_document`]): a
//!   document streamed in LLM-sized chunks through
//!   [`Document`].
//! - [`peers`]: the re-parse-per-chunk approach of the other libraries.
//! - [`typed`]: the typed layer end to end over a provider body.

use std::hint::black_box;
use std::path::PathBuf;

use structream_parser::document::{Document, Options};
use structream_parser::value::ValueBuilder;
use structream_parser::{Config, Error, Event, Tokenizer, Value};

pub mod envelopes;
pub mod peers;
pub mod typed;
pub mod workload;

/// One benchmark document.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Short name, used in benchmark ids and tables.
    pub name: &'static str,
    /// The document's bytes.
    pub bytes: Vec<u8>,
}

/// The standard JSON benchmark files (`twitter`, `citm_catalog`, `canada`).
pub const CORPUS_FILES: [&str; 3] = ["twitter", "citm_catalog", "canada"];

/// Size of the generated LLM-like fixture in [`fixtures`].
pub const LLM_FIXTURE_BYTES: usize = 1 << 20;

/// Nesting depth of the generated nested fixture in [`fixtures`]; below
/// serde_json's and our default limit of 128.
pub const NESTED_FIXTURE_DEPTH: usize = 100;

/// Where the test corpora live.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/corpora/json-bench"
    ))
}

/// Reads `tests/corpora/json-bench/<name>.json`.
///
/// # Panics
///
/// If the file cannot be read.
pub fn corpus_file(name: &str) -> Vec<u8> {
    let path = corpus_dir().join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every fixture: the corpus files, a 1 MiB [`llm_document`] (`llm`) and a
/// 1 MiB [`nested_document`] of depth 100 (`nested`).
pub fn fixtures() -> Vec<Fixture> {
    let mut out: Vec<Fixture> = CORPUS_FILES
        .iter()
        .map(|&name| Fixture {
            name,
            bytes: corpus_file(name),
        })
        .collect();
    out.push(Fixture {
        name: "llm",
        bytes: llm_document(LLM_FIXTURE_BYTES),
    });
    out.push(Fixture {
        name: "nested",
        bytes: nested_document(NESTED_FIXTURE_DEPTH, LLM_FIXTURE_BYTES),
    });
    out
}

/// One fixture by name (see [`fixtures`]).
pub fn fixture(name: &str) -> Option<Fixture> {
    fixtures().into_iter().find(|f| f.name == name)
}

/// Calls `f` with `input` whole (`chunk == 0`) or cut in `chunk`-byte pieces,
/// each a slice of `input` (nothing is copied).
#[inline]
fn pieces(
    input: &[u8],
    chunk: usize,
    mut f: impl FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    if chunk == 0 {
        f(input)
    } else {
        input.chunks(chunk).try_for_each(f)
    }
}

/// Runs the tokenizer over `input` (whole when `chunk == 0`, else in pieces
/// of `chunk` bytes) and counts the events.
pub fn count_events(input: &[u8], chunk: usize) -> Result<usize, Error> {
    let mut tok = Tokenizer::new();
    let mut count = 0;
    pieces(input, chunk, |piece| tok.feed_with(piece, |_| count += 1))?;
    let mut end = tok.finish();
    while end.next_event()?.is_some() {
        count += 1;
    }
    Ok(count)
}

/// Runs the tokenizer and a [`ValueBuilder`] over `input` (whole when
/// `chunk == 0`, else in pieces of `chunk` bytes).
pub fn build_value(input: &[u8], chunk: usize) -> Result<Value, Error> {
    let mut tok = Tokenizer::with_config(Config::default());
    let mut builder = ValueBuilder::new();
    let mut value = None;
    let mut push = |event: Event<'_>| {
        if let Some(v) = builder.push(event) {
            value = Some(v);
        }
    };
    pieces(input, chunk, |piece| tok.feed_with(piece, &mut push))?;
    tok.finish_with(&mut push)?;
    Ok(value.unwrap_or_default())
}

/// SplitMix64: a tiny deterministic generator, so documents are the same on
/// every machine and run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.below(from.len())]
    }
}

/// Words of the generated prose; a few are non-ASCII, as in real answers.
const WORDS: &[&str] = &[
    "the",
    "model",
    "returns",
    "a",
    "structured",
    "answer",
    "with",
    "several",
    "sections",
    "each",
    "of",
    "which",
    "cites",
    "its",
    "sources",
    "and",
    "explains",
    "why",
    "result",
    "matters",
    "for",
    "users",
    "stream",
    "token",
    "parser",
    "latency",
    "throughput",
    "is",
    "measured",
    "in",
    "bytes",
    "per",
    "second",
    "while",
    "data",
    "arrives",
    "from",
    "server",
    "over",
    "time",
    "café",
    "naïve",
    "résumé",
    "Zürich",
    "São",
    "Paulo",
    "über",
    "–",
    "→",
    "≈",
    "°C",
    "€",
    "東京",
    "数据",
    "😀",
    "✓",
];

const TAGS: &[&str] = &[
    "summary", "analysis", "risk", "finance", "health", "travel", "code", "science", "history",
    "légal",
];

/// Appends prose of about `words` words as the body of a JSON string:
/// sentences, sometimes a quoted phrase (`\"…\"`), sometimes a line break
/// (`\n`) or, rarely, a tab (`\t`) between sentences.
fn prose(rng: &mut Rng, words: usize, out: &mut String) {
    let mut in_sentence = 0;
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        let word = rng.pick(WORDS);
        if in_sentence == 0 {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else if rng.one_in(25) {
            out.push_str("\\\"");
            out.push_str(word);
            out.push_str("\\\"");
        } else {
            out.push_str(word);
        }
        in_sentence += 1;
        if in_sentence > 6 && rng.one_in(6) {
            out.push('.');
            in_sentence = 0;
            if rng.one_in(4) {
                out.push_str(if rng.one_in(10) { "\\t" } else { "\\n" });
            }
        }
    }
    if in_sentence > 0 {
        out.push('.');
    }
}

/// Appends a short number as a model writes one: a small integer, or a
/// decimal with two digits.
fn short_number(rng: &mut Rng, out: &mut String) {
    use std::fmt::Write;
    if rng.one_in(2) {
        let _ = write!(out, "{}", rng.below(2000));
    } else {
        let _ = write!(out, "{}.{:02}", rng.below(10), rng.below(100));
    }
}

/// A deterministic JSON document shaped like a model's structured answer,
/// of at least `bytes` bytes (over by less than one section, a few hundred
/// bytes; a `bytes` of 0 still gives one section).
///
/// Pretty-printed with two-space indentation, as models write JSON:
///
/// ```text
/// {
///   "title": "…",
///   "summary": "prose with \n, \"quotes\" and non-ASCII (café, 東京, 😀)…",
///   "sections": [
///     {
///       "id": 1,
///       "heading": "…",
///       "body": "…",
///       "confidence": 0.87,
///       "verified": true,
///       "tags": ["analysis", "risk"],
///       "citations": [
///         { "source": "…", "page": 12, "quote": "…" }
///       ],
///       "notes": null
///     },
///     …
///   ],
///   "complete": true
/// }
/// ```
///
/// About a tenth of the bytes are non-ASCII; strings carry `\n`, `\t` and
/// `\"` escapes; numbers are short. The same `bytes` always gives the same
/// document, and a smaller document is not a prefix of a larger one.
pub fn llm_document(bytes: usize) -> Vec<u8> {
    let mut rng = Rng(0x5EED_0F57_2EA4 ^ bytes as u64);
    let mut out = String::with_capacity(bytes + 2048);
    out.push_str("{\n  \"title\": \"");
    prose(&mut rng, 6, &mut out);
    out.push_str("\",\n  \"summary\": \"");
    prose(&mut rng, 40, &mut out);
    out.push_str("\",\n  \"sections\": [");
    const TAIL: &str = "\n  ],\n  \"complete\": true\n}\n";
    let mut id = 0;
    while id == 0 || out.len() + TAIL.len() < bytes {
        id += 1;
        if id > 1 {
            out.push(',');
        }
        out.push_str("\n    {\n      \"id\": ");
        out.push_str(&id.to_string());
        out.push_str(",\n      \"heading\": \"");
        let words = 3 + rng.below(5);
        prose(&mut rng, words, &mut out);
        out.push_str("\",\n      \"body\": \"");
        let words = 20 + rng.below(60);
        prose(&mut rng, words, &mut out);
        out.push_str("\",\n      \"confidence\": ");
        short_number(&mut rng, &mut out);
        out.push_str(",\n      \"verified\": ");
        out.push_str(if rng.one_in(3) { "false" } else { "true" });
        out.push_str(",\n      \"tags\": [");
        for t in 0..1 + rng.below(3) {
            if t > 0 {
                out.push_str(", ");
            }
            out.push('"');
            out.push_str(rng.pick(TAGS));
            out.push('"');
        }
        out.push_str("],\n      \"citations\": [");
        let citations = rng.below(3);
        for c in 0..citations {
            if c > 0 {
                out.push(',');
            }
            out.push_str("\n        {\n          \"source\": \"");
            let words = 2 + rng.below(3);
            prose(&mut rng, words, &mut out);
            out.push_str("\",\n          \"page\": ");
            short_number(&mut rng, &mut out);
            out.push_str(",\n          \"quote\": \"");
            let words = 5 + rng.below(15);
            prose(&mut rng, words, &mut out);
            out.push_str("\"\n        }");
        }
        out.push_str(if citations > 0 { "\n      ]" } else { "]" });
        out.push_str(",\n      \"notes\": ");
        if rng.one_in(2) {
            out.push_str("null");
        } else {
            out.push('"');
            prose(&mut rng, 4, &mut out);
            out.push('"');
        }
        out.push_str("\n    }");
    }
    out.push_str(TAIL);
    out.into_bytes()
}

/// A deterministic document of at least `bytes` bytes: a top-level array of
/// small values each nested `depth - 1` levels deep in arrays and objects
/// (`[{"a":[{"a":[…1…]}]}, …]`), so the whole document is `depth` deep. It
/// measures the cost of opening and closing containers.
pub fn nested_document(depth: usize, bytes: usize) -> Vec<u8> {
    let depth = depth.max(1);
    let mut one = String::new();
    for level in 1..depth {
        one.push_str(if level % 2 == 1 { "[" } else { "{\"a\":" });
    }
    one.push('1');
    for level in (1..depth).rev() {
        one.push(if level % 2 == 1 { ']' } else { '}' });
    }
    let mut out = String::with_capacity(bytes + one.len() + 2);
    out.push('[');
    while out.len() < bytes || out.len() == 1 {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&one);
    }
    out.push(']');
    out.into_bytes()
}

/// Whether a criterion benchmark runs as a benchmark (`cargo bench`, which
/// passes `--bench`) rather than as a test (`cargo test --all-targets`,
/// which runs each benchmark once): the slow sizes run only in the former.
pub fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The document sizes of the streaming benchmarks: 10 KB, 100 KB and 1 MB
/// (10^3 bytes; `llm_document` goes over by less than 2 KB), only 10 KB
/// when run as a test.
pub fn stream_sizes() -> Vec<(&'static str, usize)> {
    let all = [("10KB", 10_000), ("100KB", 100_000), ("1MB", 1_000_000)];
    let n = if bench_mode() { all.len() } else { 1 };
    all[..n].to_vec()
}

/// The chunk sizes of an LLM stream, cycled: 1 to 8 bytes in a fixed order
/// (4.5 bytes on average, about one token).
pub const LLM_CHUNK_PATTERN: [usize; 8] = [3, 1, 6, 2, 8, 4, 7, 5];

/// `input` cut in chunks of [`LLM_CHUNK_PATTERN`] sizes (slices of
/// `input`; the last one may be shorter).
pub fn llm_chunks(input: &[u8]) -> impl Iterator<Item = &[u8]> + Clone {
    let mut at = 0;
    let mut next = 0;
    std::iter::from_fn(move || {
        if at >= input.len() {
            return None;
        }
        let end = (at + LLM_CHUNK_PATTERN[next % LLM_CHUNK_PATTERN.len()]).min(input.len());
        next += 1;
        let chunk = &input[at..end];
        at = end;
        Some(chunk)
    })
}

/// What a consumer of a [`Document`] does after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumer {
    /// Checks `changes.changed()` and, when it did, takes the snapshot and
    /// does O(1) work with it (no serialisation).
    Snapshots,
    /// Like `Snapshots`, but serialises the snapshot (`to_json`) at every
    /// change: O(document) per chunk, what a naive consumer pays.
    SnapshotJson,
    /// Deltas on: reads every delta (op, path and value).
    Deltas,
    /// Item events for `/sections`: reads every item.
    Items,
    /// `Snapshots` with every repair on ([`Repairs::ALL`]): what repair
    /// mode costs on valid input.
    ///
    /// [`Repairs::ALL`]: structream_parser::repair::Repairs::ALL
    Repair,
}

/// What a streamed document produced, to check a run against another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamSummary {
    /// Chunks fed.
    pub chunks: usize,
    /// Feeds that changed the visible value.
    pub changed: usize,
    /// Deltas, or completed items, or complete snapshots seen.
    pub events: usize,
    /// Bytes of the deltas' paths and values, of the items' JSON, or of the
    /// serialised snapshots.
    pub bytes: usize,
    /// Whether the document ended complete.
    pub complete: bool,
}

/// The [`Options`] a [`Consumer`] needs.
pub fn consumer_options(consumer: Consumer) -> Options {
    match consumer {
        Consumer::Snapshots | Consumer::SnapshotJson => Options::default(),
        Consumer::Deltas => Options::default().deltas(true),
        Consumer::Items => Options::default().items("/sections".parse().expect("valid pattern")),
        Consumer::Repair => Options::default().repair(structream_parser::repair::Repairs::ALL),
    }
}

/// Reads what one feed changed, as `consumer` does.
#[inline]
pub fn consume(
    consumer: Consumer,
    changes: &structream_parser::document::Changes<'_>,
    out: &mut StreamSummary,
) {
    match consumer {
        Consumer::Snapshots | Consumer::Repair => {
            if changes.changed() {
                out.changed += 1;
                if let Some(snapshot) = changes.snapshot() {
                    out.events += usize::from(snapshot.is_complete());
                    black_box(&snapshot);
                }
            }
        }
        Consumer::SnapshotJson => {
            if changes.changed() {
                out.changed += 1;
                if let Some(snapshot) = changes.snapshot() {
                    let json = snapshot.to_json();
                    out.bytes += json.len();
                    black_box(json);
                }
            }
        }
        Consumer::Deltas => {
            out.changed += usize::from(changes.changed());
            for delta in changes.deltas() {
                out.events += 1;
                out.bytes += delta.path().len() + delta.value().len();
                black_box(delta.op());
            }
        }
        Consumer::Items => {
            out.changed += usize::from(changes.changed());
            for item in changes.items() {
                if let Some(json) = item.json() {
                    out.events += 1;
                    out.bytes += json.len();
                }
            }
        }
    }
}

/// Streams `chunks` through a [`Document`] read by `consumer`, then
/// finishes it.
pub fn stream_document<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    consumer: Consumer,
) -> Result<StreamSummary, Error> {
    let mut doc = Document::with_options(consumer_options(consumer));
    let mut out = StreamSummary::default();
    for chunk in chunks {
        out.chunks += 1;
        let changes = doc.feed(chunk)?;
        consume(consumer, &changes, &mut out);
    }
    let changes = doc.finish()?;
    consume(consumer, &changes, &mut out);
    out.complete = changes.is_complete();
    Ok(out)
}

/// The tokenizer alone over `chunks`, counting events: what the document
/// layer adds is measured against this.
pub fn count_events_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Result<usize, Error> {
    let mut tok = Tokenizer::new();
    let mut count = 0;
    for chunk in chunks {
        let mut feed = tok.feed(chunk);
        while feed.next_event()?.is_some() {
            count += 1;
        }
    }
    let mut end = tok.finish();
    while end.next_event()?.is_some() {
        count += 1;
    }
    Ok(count)
}

/// Times `run` (and the drop of its output) as benchmark
/// `implementation/parameter` of `group`, checking each output with `check`
/// outside the timed region, so a broken build cannot report a fast number.
pub fn timed<T>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    implementation: &str,
    parameter: &str,
    mut run: impl FnMut() -> T,
    check: impl Fn(&T),
) {
    group.bench_function(
        criterion::BenchmarkId::new(implementation, parameter),
        |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let start = std::time::Instant::now();
                    let out = black_box(run());
                    total += start.elapsed();
                    check(&out);
                    let start = std::time::Instant::now();
                    drop(out);
                    total += start.elapsed();
                }
                total
            });
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_document_is_valid_deterministic_and_sized() {
        for bytes in [0, 1 << 10, 10 << 10, 100 << 10] {
            let doc = llm_document(bytes);
            assert_eq!(doc, llm_document(bytes));
            assert!(
                doc.len() >= bytes && doc.len() < bytes + 2048,
                "{bytes}: {}",
                doc.len()
            );
            let value: serde_json::Value = serde_json::from_slice(&doc).expect("valid JSON");
            assert_eq!(value["complete"], serde_json::Value::Bool(true));
            assert_eq!(build_value(&doc, 0).unwrap(), build_value(&doc, 4).unwrap());
        }
        let doc = String::from_utf8(llm_document(100 << 10)).unwrap();
        for needle in [
            "\\n",
            "\\\"",
            "\\t",
            "é",
            "😀",
            "null",
            "false",
            "\n      \"",
        ] {
            assert!(doc.contains(needle), "{needle}");
        }
        let non_ascii = doc.bytes().filter(|b| !b.is_ascii()).count();
        assert!(
            non_ascii * 30 > doc.len() && non_ascii * 5 < doc.len(),
            "{non_ascii}"
        );
    }

    #[test]
    fn llm_chunks_cover_the_input_in_small_pieces() {
        let doc = llm_document(1_000);
        let chunks: Vec<&[u8]> = llm_chunks(&doc).collect();
        assert_eq!(chunks.concat(), doc);
        assert!(chunks.iter().all(|c| (1..=8).contains(&c.len())));
        assert_eq!(chunks[..8].iter().map(|c| c.len()).sum::<usize>(), 36);
    }

    #[test]
    fn document_consumers_see_the_whole_document() {
        let doc = llm_document(20_000);
        let full: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        let sections = full["sections"].as_array().unwrap().len();
        for consumer in [
            Consumer::Snapshots,
            Consumer::SnapshotJson,
            Consumer::Deltas,
            Consumer::Items,
        ] {
            let whole = stream_document([doc.as_slice()], consumer).unwrap();
            let chunked = stream_document(llm_chunks(&doc), consumer).unwrap();
            assert!(whole.complete && chunked.complete);
            assert!(chunked.changed > doc.len() / 10, "{consumer:?}");
            if consumer == Consumer::Items {
                assert_eq!(whole.events, sections);
                assert_eq!(chunked.events, sections);
                assert_eq!(whole.bytes, chunked.bytes);
            }
        }
        assert_eq!(
            count_events_chunks([doc.as_slice()]).unwrap(),
            count_events(&doc, 0).unwrap()
        );
        assert!(count_events_chunks(llm_chunks(&doc)).unwrap() > count_events(&doc, 0).unwrap());
    }

    #[test]
    fn nested_document_has_the_depth() {
        let doc = nested_document(5, 100);
        assert!(doc.starts_with(b"[[{\"a\":[{\"a\":1}]}],"));
        assert!(doc.len() >= 100);
        serde_json::from_slice::<serde_json::Value>(&nested_document(100, 10_000)).unwrap();
    }

    #[test]
    fn workloads_agree_whole_and_chunked() {
        let doc = llm_document(20_000);
        let whole = build_value(&doc, 0).unwrap();
        assert_eq!(whole, build_value(&doc, 4).unwrap());
        assert_eq!(whole, build_value(&doc, 7).unwrap());
        let ours: serde_json::Value = serde_json::from_str(&whole.to_json()).unwrap();
        assert_eq!(
            ours,
            serde_json::from_slice::<serde_json::Value>(&doc).unwrap()
        );
    }
}
