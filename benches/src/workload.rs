//! The named workloads of the `icount` (instruction counts) and `ratios`
//! (interleaved timing) binaries: one function runs any of them, so both
//! measure exactly the same code.

use crate::{
    Consumer, build_value, count_events, count_events_chunks, llm_chunks, stream_document,
};

/// The whole-document workloads set against their peers: ours whole and in
/// 4-byte chunks, the bare 4-byte calls (`calls-4`), then serde_json's and
/// jiter's (what `ratios` times).
pub const COMPARED: [&str; 10] = [
    "tokenizer",
    "tokenizer-4",
    "value",
    "value-4",
    "calls-4",
    "serde-ignored",
    "serde-ignored-utf8",
    "serde-value",
    "jiter-skip",
    "jiter-value",
];

/// The other workloads: the lending API, the streams in LLM-sized chunks,
/// and `blank-4` (whitespace fed to the tokenizer in 4-byte chunks).
pub const OTHERS: [&str; 7] = [
    "lending",
    "stream-tokenizer",
    "stream-snapshots",
    "stream-deltas",
    "stream-items",
    "stream-repair",
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
        "calls-4" => bare_calls(input, 4),
        "serde-value" => usize::from(serde_json::from_slice::<serde_json::Value>(input).is_ok()),
        "jiter-skip" => {
            let mut jiter = jiter::Jiter::new(input);
            usize::from(jiter.next_skip().and_then(|()| jiter.finish()).is_ok())
        }
        "jiter-value" => usize::from(jiter::JsonValue::parse(input, false).is_ok()),
        "stream-tokenizer" => count_events_chunks(llm_chunks(input)).expect("valid fixture"),
        "stream-snapshots" | "stream-deltas" | "stream-items" | "stream-repair" => {
            let consumer = match workload {
                "stream-snapshots" => Consumer::Snapshots,
                "stream-deltas" => Consumer::Deltas,
                "stream-repair" => Consumer::Repair,
                _ => Consumer::Items,
            };
            stream_document(llm_chunks(input), consumer)
                .expect("valid fixture")
                .changed
        }
        _ => panic!("unknown workload {workload}"),
    }
}

/// The least a push API does per chunk: the input cut into `chunk`-byte
/// pieces, each handed to a function that cannot be inlined and that keeps
/// its state in memory between calls (here it only reads the piece's length
/// and first byte). No tokenizer can take a chunk for less, so this is the
/// floor under any `tokenizer-4` figure. Returns the number of calls.
fn bare_calls(input: &[u8], chunk: usize) -> usize {
    #[inline(never)]
    fn take(state: &mut (usize, u8), piece: &[u8]) {
        state.0 += 1;
        state.1 ^= piece.first().copied().unwrap_or(0);
    }
    let mut state = (0, 0);
    for piece in input.chunks(chunk) {
        take(
            std::hint::black_box(&mut state),
            std::hint::black_box(piece),
        );
    }
    std::hint::black_box(state.1);
    state.0
}
