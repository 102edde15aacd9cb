//! Memory of the typed layer (section 4): live heap bytes, counted by a
//! wrapping global allocator, against the answer's JSON bytes.
//!
//! For each size (100 KB and 1 MB, or the sizes given as arguments):
//!
//! - `partial + document`: a `Document` (deltas on, as the typed client
//!   sets it) fed the answer in 4-byte pieces, each delta applied to an
//!   `Arc<AnswerPartial>` through the public `PartialValue` API as the
//!   driver applies them (in place, or with `PartialValue::changed` while
//!   the previous partial is held), the previous partial held after every
//!   piece: what is live at the end;
//! - `document`: the same document alone (`Document::heap_bytes` too);
//! - `body decoder`: `Client::body_decoder::<Answer>(CallKind::Partial)`
//!   fed the whole OpenAI body (not finished), the last partial held: the
//!   driver's whole state (its copy of the raw arguments included).
//!
//! Run: `cargo run --release -p structream-benches --bin typedmem`.

use std::alloc::System;
use std::sync::Arc;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use structream::partial::{Json, PartialValue};
use structream::{CallKind, Event};
use structream_benches::typed::{self, Answer, AnswerPartial, Bodies, PIECE};
use structream_parser::document::{Document, Options};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Live bytes allocated since `region` began (a reallocation's growth or
/// shrinking is already in the allocated and deallocated counts).
fn live(region: &Region<'_, System>) -> i64 {
    let c = region.change();
    c.bytes_allocated as i64 - c.bytes_deallocated as i64
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    println!(
        "answer bytes | partial + document | document (heap_bytes) | body decoder, partial held"
    );
    for bytes in sizes {
        let bodies = Bodies::new(bytes);
        let text = std::str::from_utf8(&bodies.json).expect("UTF-8");
        let pieces = structream::replay::pieces(text, PIECE);
        let json = bodies.json.len() as f64;

        let region = Region::new(GLOBAL);
        let mut doc = Document::with_options(Options::default().deltas(true));
        let mut partial: Option<Arc<AnswerPartial>> = None;
        let mut held = None;
        for piece in &pieces {
            let changes = doc.feed(piece.as_bytes()).expect("valid");
            for delta in changes.deltas() {
                if delta.path().is_empty() {
                    let made = Json::read(delta.value(), AnswerPartial::create).expect("fits");
                    partial = Some(Arc::new(made));
                } else if let Some(p) = &mut partial {
                    // As the driver does: in place, or (the previous partial
                    // held) a copy made with the change.
                    let (path, op, value) = (delta.path(), delta.op(), delta.value());
                    match Arc::get_mut(p) {
                        Some(p) => {
                            let _ = p.apply(path, op, value);
                        }
                        None => {
                            if let Ok(changed) = p.changed(path, op, value) {
                                *p = Arc::new(changed);
                            }
                        }
                    }
                }
            }
            held = partial.clone();
        }
        let both = live(&region);
        if std::env::var_os("TYPEDMEM_DEBUG").is_some() {
            let p = partial.as_ref().expect("a partial");
            let sections = p.sections.as_ref().map_or(0, |s| s.len());
            let text: usize = p.sections.as_ref().map_or(0, |s| {
                s.iter()
                    .map(|s| s.body.as_ref().map_or(0, String::capacity))
                    .sum()
            });
            eprintln!(
                "sections {sections}, body capacity {text}, doc {}",
                doc.heap_bytes()
            );
        }
        drop((held, partial, doc));

        let region = Region::new(GLOBAL);
        let mut doc = Document::with_options(Options::default().deltas(true));
        for piece in &pieces {
            doc.feed(piece.as_bytes()).expect("valid");
        }
        let document = live(&region);
        let heap_bytes = doc.heap_bytes();
        drop(doc);

        let client = typed::client();
        let reads = typed::events(&bodies.body);
        let region = Region::new(GLOBAL);
        let mut decoder = client.body_decoder::<Answer>(CallKind::Partial);
        let mut last = None;
        for read in &reads {
            for event in decoder.feed(read) {
                if let Ok(Event::Partial(p)) = event {
                    last = Some(p);
                }
            }
        }
        let whole = live(&region);
        assert!(last.is_some());
        drop((last, decoder));

        println!(
            "{} | {} ({:.2}×) | {} ({:.2}×; {}) | {} ({:.2}×)",
            bodies.json.len(),
            both,
            both as f64 / json,
            document,
            document as f64 / json,
            heap_bytes,
            whole,
            whole as f64 / json,
        );
    }
}
