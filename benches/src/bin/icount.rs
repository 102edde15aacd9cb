//! Runs one workload once, for counting its instructions under valgrind
//! (see `benches/callgrind.sh`): `icount <fixture> <workload>`.
//!
//! Workloads: `tokenizer` and `tokenizer-4` (events only, whole and in
//! 4-byte chunks, through `Tokenizer::feed_with`), `lending` (events only,
//! whole, through the lending `Feed::next_event`), `value` and `value-4` (tokenizer + value builder), and
//! for comparison `serde-ignored`, `serde-value` (serde_json into
//! `IgnoredAny` and `Value`), `serde-ignored-utf8` (`std::str::from_utf8`
//! then serde_json into `IgnoredAny`: serde_json skips strings without
//! checking their UTF-8, which our tokenizer must do to hand out `&str`, so
//! this is the same work), `jiter-skip` and `jiter-value`; and `blank-4`,
//! the fixture's length of whitespace inside `[]` fed in 4-byte chunks: what
//! the calls alone cost, a floor under `tokenizer-4`. The fixture is
//! loaded or generated before the measured function, which callgrind's
//! `--toggle-collect=measured_workload` isolates.
//!
//! The streaming workloads `stream-tokenizer`, `stream-snapshots`,
//! `stream-deltas` and `stream-items` feed the fixture in LLM-sized chunks
//! (`llm_chunks`) to the tokenizer alone or to a `Document` read as in the
//! `document` benchmark; with fixture `llm:<bytes>` (an `llm_document` of
//! that size) they show how the count grows with the document.
//!
//! `icount --sizes` prints the sizes of the tokenizer's types.

use std::hint::black_box;
use std::process::ExitCode;

use structream_benches::{
    Consumer, Fixture, build_value, count_events, count_events_chunks, fixture, llm_chunks,
    llm_document, stream_document,
};

/// Every workload name, in the order `callgrind.sh` runs them.
const WORKLOADS: [&str; 15] = [
    "tokenizer",
    "tokenizer-4",
    "lending",
    "value",
    "value-4",
    "serde-ignored",
    "serde-ignored-utf8",
    "serde-value",
    "jiter-skip",
    "jiter-value",
    "stream-tokenizer",
    "stream-snapshots",
    "stream-deltas",
    "stream-items",
    "blank-4",
];

#[inline(never)]
fn measured_workload(input: &[u8], workload: &str) -> usize {
    match workload {
        "tokenizer" => count_events(input, 0).expect("valid fixture"),
        "tokenizer-4" => count_events(input, 4).expect("valid fixture"),
        "lending" => {
            let mut tok = structream_parser::Tokenizer::new();
            let mut count = 0;
            let mut feed = tok.feed(input);
            while let Ok(Some(_)) = feed.next_event() {
                count += 1;
            }
            drop(feed);
            let mut end = tok.finish();
            while let Ok(Some(_)) = end.next_event() {
                count += 1;
            }
            count
        }
        "value" => usize::from(build_value(input, 0).is_ok()),
        "value-4" => usize::from(build_value(input, 4).is_ok()),
        "serde-ignored" => {
            usize::from(serde_json::from_slice::<serde::de::IgnoredAny>(input).is_ok())
        }
        "serde-ignored-utf8" => usize::from(
            std::str::from_utf8(input)
                .is_ok_and(|text| serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()),
        ),
        "blank-4" => count_events(input, 4).expect("[ and ] around whitespace"),
        "serde-value" => usize::from(serde_json::from_slice::<serde_json::Value>(input).is_ok()),
        "jiter-skip" => {
            let mut jiter = jiter::Jiter::new(input);
            usize::from(jiter.next_skip().and_then(|()| jiter.finish()).is_ok())
        }
        "jiter-value" => usize::from(jiter::JsonValue::parse(input, false).is_ok()),
        "stream-tokenizer" => count_events_chunks(llm_chunks(input)).expect("valid fixture"),
        "stream-snapshots" | "stream-deltas" | "stream-items" => {
            let consumer = match workload {
                "stream-snapshots" => Consumer::Snapshots,
                "stream-deltas" => Consumer::Deltas,
                _ => Consumer::Items,
            };
            stream_document(llm_chunks(input), consumer)
                .expect("valid fixture")
                .changed
        }
        _ => unreachable!("checked in main"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--sizes") {
        use std::mem::size_of;
        use structream_parser::{Error, Event, Feed, Tokenizer, Value};
        println!("Tokenizer {}", size_of::<Tokenizer>());
        println!("Feed {}", size_of::<Feed<'_, '_>>());
        println!("Event {}", size_of::<Event<'_>>());
        println!("Error {}", size_of::<Error>());
        println!(
            "Result<Option<Event>, Error> {}",
            size_of::<Result<Option<Event<'_>>, Error>>()
        );
        println!("Value {}", size_of::<Value>());
        return ExitCode::SUCCESS;
    }
    let (Some(name), Some(workload)) = (args.first(), args.get(1)) else {
        eprintln!("usage: icount <fixture> <{}>", WORKLOADS.join("|"));
        return ExitCode::from(2);
    };
    let generated = name
        .strip_prefix("llm:")
        .and_then(|n| n.parse().ok())
        .map(|bytes| Fixture {
            name: "llm:",
            bytes: llm_document(bytes),
        });
    let Some(fixture) = generated.or_else(|| fixture(name)) else {
        eprintln!("unknown fixture {name}");
        return ExitCode::from(2);
    };
    if !WORKLOADS.contains(&workload.as_str()) {
        eprintln!("unknown workload {workload}");
        return ExitCode::from(2);
    }
    let mut bytes = fixture.bytes;
    if workload == "blank-4" {
        let len = bytes.len().max(2);
        bytes = [&b"["[..], &vec![b' '; len - 2], b"]"].concat();
    }
    let out = measured_workload(black_box(&bytes), black_box(workload));
    println!("{name} {workload} {} bytes -> {out}", bytes.len());
    ExitCode::SUCCESS
}
