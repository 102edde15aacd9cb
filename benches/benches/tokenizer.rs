//! The tokenizer layer side by side with one-shot parsers.
//!
//! For each fixture (see `structream_benches::fixtures`), one criterion group
//! `<fixture>` with the ids `<implementation>/<feeding>`:
//!
//! - `structream tokenizer`: events only (counted);
//! - `structream tokenizer + value`: events built into a `Value`;
//! - `serde_json IgnoredAny`: tokenizes and checks the grammar, builds
//!   nothing; it skips strings without checking their UTF-8;
//! - `serde_json IgnoredAny + UTF-8`: `std::str::from_utf8` first, then the
//!   same: the work our tokenizer does (it hands out strings as `&str`, so
//!   it must check them);
//! - `serde_json Value`: builds a `serde_json::Value`;
//! - `jiter skip`: `Jiter::next_skip` over the document (validates, builds
//!   nothing);
//! - `jiter JsonValue`: builds a `jiter::JsonValue`;
//!
//! fed `whole`, and for structream also in `4-byte chunks` (slices of one
//! buffer). The one-shot parsers cannot take chunks.
//!
//! Every iteration checks its result against an expectation computed before
//! the measurement (event count, or equality with the expected value), so a
//! broken build cannot report a fast number. The check is not timed; the
//! parse and the drop of what it built are.
//!
//! Run: `cargo bench -p structream-benches --bench tokenizer`; filter with a
//! regex on the id, e.g. `-- 'twitter/'` or `-- 'chunks'`.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use structream_benches::{Fixture, build_value, count_events, fixtures, timed};

/// Chunk size of the chunked runs.
const CHUNK: usize = 4;

fn bench_fixture(c: &mut Criterion, fixture: &Fixture) {
    let input = fixture.bytes.as_slice();

    // Expectations, cross-checked between implementations once.
    // Strings cut by chunk boundaries come in more fragments: more events.
    let events = count_events(input, 0).expect("fixture tokenizes");
    let chunked_events = count_events(input, CHUNK).expect("chunked");
    assert!(chunked_events >= events);
    let value = build_value(input, 0).expect("fixture parses");
    assert_eq!(build_value(input, CHUNK).expect("chunked"), value);
    let serde_value: serde_json::Value = serde_json::from_slice(input).expect("serde_json parses");
    let ours_as_serde: serde_json::Value =
        serde_json::from_str(&value.to_json()).expect("our output is JSON");
    assert_eq!(
        ours_as_serde, serde_value,
        "structream and serde_json disagree"
    );
    let jiter_value = jiter::JsonValue::parse(input, false).expect("jiter parses");

    let mut group = c.benchmark_group(fixture.name);
    group.throughput(Throughput::Bytes(input.len() as u64));

    for (feeding, chunk, events) in [
        ("whole", 0, events),
        ("4-byte chunks", CHUNK, chunked_events),
    ] {
        timed(
            &mut group,
            "structream tokenizer",
            feeding,
            || count_events(black_box(input), chunk),
            |n| assert_eq!(n.as_ref().ok(), Some(&events)),
        );
        timed(
            &mut group,
            "structream tokenizer + value",
            feeding,
            || build_value(black_box(input), chunk),
            |v| assert_eq!(v.as_ref().ok(), Some(&value)),
        );
    }
    timed(
        &mut group,
        "serde_json IgnoredAny",
        "whole",
        || serde_json::from_slice::<serde::de::IgnoredAny>(black_box(input)),
        |r| assert!(r.is_ok()),
    );
    timed(
        &mut group,
        "serde_json IgnoredAny + UTF-8",
        "whole",
        || {
            std::str::from_utf8(black_box(input))
                .is_ok_and(|text| serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok())
        },
        |ok| assert!(ok),
    );
    timed(
        &mut group,
        "serde_json Value",
        "whole",
        || serde_json::from_slice::<serde_json::Value>(black_box(input)),
        |v| assert_eq!(v.as_ref().ok(), Some(&serde_value)),
    );
    timed(
        &mut group,
        "jiter skip",
        "whole",
        || {
            let mut jiter = jiter::Jiter::new(black_box(input));
            jiter.next_skip().and_then(|()| jiter.finish())
        },
        |r| assert!(r.is_ok()),
    );
    timed(
        &mut group,
        "jiter JsonValue",
        "whole",
        || jiter::JsonValue::parse(black_box(input), false),
        |v| assert_eq!(v.as_ref().ok(), Some(&jiter_value)),
    );
    group.finish();
}

fn tokenizer(c: &mut Criterion) {
    for fixture in fixtures() {
        bench_fixture(c, &fixture);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = tokenizer
}
criterion_main!(benches);
