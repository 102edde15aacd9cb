//! What the C ABI costs over the Rust document it wraps: the same stream fed
//! through `Document` and through the exported functions, side by side in
//! one run. Ignored by default (a timing, not a check):
//!
//! ```sh
//! cargo test --release -p structream-c overhead -- --ignored --nocapture
//! ```

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use structream_parser::document::Document;

use crate::ffi::{
    structream_document_feed, structream_document_finish, structream_document_free,
    structream_document_new, structream_document_snapshot,
};

/// Chunk sizes cycled through: LLM-sized deltas.
const SIZES: [usize; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

/// The chunks of `input`, cut at sizes cycling through [`SIZES`].
fn chunks(input: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0;
    for size in SIZES.iter().cycle() {
        if at >= input.len() {
            break;
        }
        let end = (at + size).min(input.len());
        out.push(&input[at..end]);
        at = end;
    }
    out
}

/// The stream through `Document`, reading the snapshot text after each
/// chunk that changed it when `read` is set.
fn rust(chunks: &[&[u8]], read: bool) -> Duration {
    let start = Instant::now();
    let mut doc = Document::new();
    let mut text = String::new();
    for chunk in chunks {
        let changes = doc.feed(chunk).expect("valid input");
        if read && changes.changed() {
            if let Some(snapshot) = changes.snapshot() {
                text.clear();
                std::fmt::Write::write_fmt(&mut text, format_args!("{snapshot}")).unwrap();
                black_box(text.len());
            }
        }
    }
    assert!(doc.finish().expect("valid input").is_complete());
    start.elapsed()
}

/// The same stream through the exported functions.
fn c_abi(chunks: &[&[u8]], read: bool) -> Duration {
    let start = Instant::now();
    let doc = structream_document_new();
    for chunk in chunks {
        // SAFETY: `doc` is live; the chunk's bytes are readable.
        let rc = unsafe { structream_document_feed(doc, chunk.as_ptr(), chunk.len()) };
        assert!(rc >= 0);
        if read && rc == 1 {
            let mut len = 0;
            // SAFETY: `doc` is live; `len` is writable.
            let text = unsafe { structream_document_snapshot(doc, &mut len) };
            black_box((text, len));
        }
    }
    // SAFETY: `doc` is live, and freed once.
    unsafe {
        assert_eq!(structream_document_finish(doc), 1);
        structream_document_free(doc);
    }
    start.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
#[ignore = "a timing: run with --release --ignored --nocapture"]
fn overhead() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpora");
    // A snapshot writes out the whole visible value, so reading one after
    // every change of a 617 KB document is quadratic: only the small one.
    for (name, file, reads) in [
        (
            "twitter.json (617 KB)",
            "json-bench/twitter.json",
            &[false][..],
        ),
        (
            "medium_response.json (2.3 KB)",
            "partial-json/jiter-benches/medium_response.json",
            &[false, true][..],
        ),
    ] {
        let input = std::fs::read(root.join(file)).expect("corpus file");
        let chunks = chunks(&input);
        let rounds = if input.len() > 100_000 { 21 } else { 2001 };
        for &read in reads {
            let (mut r, mut c) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                // Interleaved, so both see the same machine.
                r.push(rust(&chunks, read));
                c.push(c_abi(&chunks, read));
            }
            let (r, c) = (median(r), median(c));
            println!(
                "{name}, {} chunks of 1-8 bytes, {}: Document {:?}, C ABI {:?}, ratio {:.3}",
                chunks.len(),
                if read {
                    "snapshot after each change"
                } else {
                    "feed only"
                },
                r,
                c,
                c.as_secs_f64() / r.as_secs_f64()
            );
        }
    }
}
