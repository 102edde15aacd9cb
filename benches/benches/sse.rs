//! The SSE decoder over every recorded `.sse` stream concatenated, whole,
//! one read per frame (cut after every blank line, as a server that flushes
//! each event is read) and in 64 / 16 / 4 / 1-byte chunks, side by side with
//! the `eventsource-stream` crate over the same reads. Each benchmark checks
//! its event count.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use eventsource_stream::Eventsource;
use futures_core::Stream;
use structream_benches::typed;
use structream_provider::sse::SseDecoder;

fn corpus() -> Vec<u8> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "sse") {
                out.push(p);
            }
        }
    }
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpora/sse"));
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut all = Vec::new();
    for f in files {
        all.extend_from_slice(&std::fs::read(f).unwrap());
        // Files recorded without their last line end must not run into the
        // next one.
        all.extend_from_slice(b"\n\n");
    }
    all
}

fn ours(reads: &[&[u8]]) -> usize {
    let mut dec = SseDecoder::new();
    let mut n = 0usize;
    for c in reads {
        dec.feed(c, |e| {
            black_box(e.data());
            n += 1;
        })
        .unwrap();
    }
    dec.finish(|_| n += 1).unwrap();
    n
}

/// A stream over a list of reads, ready at every poll.
struct Reads<'a>(std::slice::Iter<'a, &'a [u8]>);

impl<'a> Stream for Reads<'a> {
    type Item = Result<&'a [u8], std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.next().map(|r| Ok(*r)))
    }
}

fn reference(reads: &[&[u8]]) -> usize {
    let mut stream = Reads(reads.iter()).eventsource();
    let mut cx = Context::from_waker(Waker::noop());
    let mut n = 0usize;
    loop {
        match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Ready(Some(Ok(e))) => {
                black_box(&e.data);
                n += 1;
            }
            Poll::Ready(Some(Err(e))) => panic!("{e}"),
            Poll::Ready(None) => return n,
            Poll::Pending => unreachable!("the input stream is always ready"),
        }
    }
}

fn bench(c: &mut Criterion) {
    let input = corpus();
    let expected = ours(&[&input]);
    assert!(expected > 4000, "{expected} events");
    // Both decoders see the same events in the recordings.
    assert_eq!(reference(&[&input]), expected);
    let mut g = c.benchmark_group("sse");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(10);
    let mut cases = vec![
        ("whole", vec![&input[..]]),
        ("frames", typed::events(&input)),
    ];
    for (label, chunk) in [("64", 64), ("16", 16), ("4", 4), ("1", 1)] {
        cases.push((label, input.chunks(chunk).collect()));
    }
    for (label, reads) in &cases {
        g.bench_with_input(BenchmarkId::new("structream", label), reads, |b, reads| {
            b.iter(|| assert_eq!(ours(reads), expected))
        });
        g.bench_with_input(
            BenchmarkId::new("eventsource-stream", label),
            reads,
            |b, reads| b.iter(|| assert_eq!(reference(reads), expected)),
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
