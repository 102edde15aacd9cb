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
//! the fixture's length of whitespace inside `[]` fed in 4-byte chunks: our
//! tokenizer's calls with nothing but whitespace to skip; and `calls-4`, the
//! fixture cut into 4-byte pieces each handed to a function that does almost
//! nothing: the floor under any push API's 4-byte figure. The fixture is
//! loaded or generated before the measured function, which callgrind's
//! `--toggle-collect=measured_workload` isolates.
//!
//! The streaming workloads `stream-tokenizer`, `stream-snapshots`,
//! `stream-deltas`, `stream-items` and `stream-repair` (snapshots with every
//! repair on) feed the fixture in LLM-sized chunks
//! (`llm_chunks`) to the tokenizer alone or to a `Document` read as in the
//! `document` benchmark; with fixture `llm:<bytes>` (an `llm_document` of
//! that size) they show how the count grows with the document.
//!
//! The typed workloads `provider-decode`, `typed-partials`, `typed-held`
//! and `typed-items` (section 4) take an `llm:<bytes>` fixture, make its
//! OpenAI tool-call body before the measured function, and run the
//! provider decoder alone or the typed layer over it, one read per SSE
//! event. `typed-layer` feeds the answer's 4-byte pieces themselves as one
//! tool call's arguments (no envelope to decode): the typed layer's own
//! cost.
//!
//! `payload-skip` over an `llm:<bytes>` fixture is serde_json skipping
//! (`IgnoredAny`) the same body's `data:` payloads: the floor that
//! `provider-decode` is measured against. The fixtures `corpus:<protocol>`
//! (`openai-chat`, `openai-responses`, `anthropic`, `gemini`: the recordings
//! of `tests/corpora/sse`) take the same two workloads: each recording
//! decoded whole with a fresh decoder, and serde_json skipping its payloads.
//!
//! `icount --sizes` prints the sizes of the tokenizer's types.

use std::hint::black_box;
use std::process::ExitCode;

use structream_benches::{Fixture, fixture, llm_document};
use structream_benches::{envelopes, typed, workload};

#[inline(never)]
fn measured_workload(input: &[u8], workload: &str) -> usize {
    workload::run(input, workload)
}

/// A protocol's recordings decoded, or their payloads skipped by serde_json
/// (`payload-skip`).
#[inline(never)]
fn measured_workload_corpus(
    protocol: &str,
    files: &[Vec<u8>],
    payloads: &[Vec<u8>],
    workload: &str,
) -> usize {
    if workload == "payload-skip" {
        return envelopes::skip_payloads(payloads);
    }
    let (events, failed) = envelopes::decode(envelopes::provider(protocol).as_ref(), files, 0);
    events + failed
}

/// serde_json skipping a body's payloads.
#[inline(never)]
fn measured_workload_payloads(payloads: &[Vec<u8>]) -> usize {
    envelopes::skip_payloads(payloads)
}

/// A typed workload over a body's reads (built before, not counted).
#[inline(never)]
fn measured_workload_typed(client: &structream::Client, reads: &[&[u8]], workload: &str) -> usize {
    typed::run(client, reads, workload)
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
        let names: Vec<&str> = workload::names().collect();
        eprintln!("usage: icount <fixture> <{}>", names.join("|"));
        return ExitCode::from(2);
    };
    if let Some(protocol) = name.strip_prefix("corpus:") {
        let Some(files) = envelopes::protocol_recordings(protocol) else {
            eprintln!("unknown protocol {protocol}");
            return ExitCode::from(2);
        };
        if !matches!(workload.as_str(), "provider-decode" | "payload-skip") {
            eprintln!("usage: icount corpus:<protocol> <provider-decode|payload-skip>");
            return ExitCode::from(2);
        }
        let payloads = envelopes::payloads(&files);
        let out = measured_workload_corpus(
            protocol,
            black_box(&files),
            black_box(&payloads),
            black_box(workload),
        );
        println!("{name} {workload} {} recordings -> {out}", files.len());
        return ExitCode::SUCCESS;
    }
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
    if typed::WORKLOADS.contains(&workload.as_str()) || workload == "payload-skip" {
        // The answer as OpenAI tool-call deltas (items: its sections in
        // `{"items": [...]}`), one read per SSE event.
        let text = std::str::from_utf8(&fixture.bytes).expect("UTF-8");
        let body = if workload == "typed-items" {
            let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
            let items = serde_json::json!({ "items": value["sections"] }).to_string();
            structream::replay::openai_tool_calls(&[("Section", &items)], typed::PIECE)
        } else {
            structream::replay::openai_tool_calls(&[("Answer", text)], typed::PIECE)
        };
        if workload == "payload-skip" {
            let payloads = envelopes::payloads(std::slice::from_ref(&body));
            let out = measured_workload_payloads(black_box(&payloads));
            println!("{name} {workload} {} body bytes -> {out}", body.len());
            return ExitCode::SUCCESS;
        }
        let (reads, client) = if workload == "typed-layer" {
            (typed::pieces(text), typed::arguments_client(text))
        } else {
            (typed::events(&body), typed::client())
        };
        let out = measured_workload_typed(&client, black_box(&reads), black_box(workload));
        println!("{name} {workload} {} body bytes -> {out}", body.len());
        return ExitCode::SUCCESS;
    }
    if !workload::names().any(|name| name == workload) {
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
