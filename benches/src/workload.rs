//! The named workloads of the `icount` (instruction counts) and `ratios`
//! (interleaved timing) binaries: one function runs any of them, so both
//! measure exactly the same code.

use crate::{
    Consumer, build_value, count_events, count_events_chunks, llm_chunks, stream_document,
};

/// The whole-document workloads set against their peers: ours whole and in
/// 4-byte chunks, then serde_json's and jiter's (what `ratios` times).
pub const COMPARED: [&str; 9] = [
    "tokenizer",
    "tokenizer-4",
    "value",
    "value-4",
    "serde-ignored",
    "serde-ignored-utf8",
    "serde-value",
    "jiter-skip",
    "jiter-value",
];

/// The other workloads: the lending API, the streams in LLM-sized chunks,
/// and the 4-byte call floor.
pub const OTHERS: [&str; 6] = [
    "lending",
    "stream-tokenizer",
    "stream-snapshots",
    "stream-deltas",
    "stream-items",
    "blank-4",
];

/// Every workload name.
pub fn names() -> impl Iterator<Item = &'static str> {
    COMPARED.into_iter().chain(OTHERS)
}

/// Runs `workload` once over `input`; returns its check value (an event
/// count, a count of changes, or 1 for a successful parse).
///
/// # Panics
///
/// On an unknown workload name or an input the workload rejects.
pub fn run(input: &[u8], workload: &str) -> usize {
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
        _ => panic!("unknown workload {workload}"),
    }
}
