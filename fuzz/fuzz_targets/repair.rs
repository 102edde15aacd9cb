//! Repair: any bytes, any set of repairs, strict or lenient, at any
//! chunking. Never a panic; the same value, outcome and repairs (or the same
//! error, kind and offset, and the same repairs before it) whole and cut; valid JSON gives what strict mode
//! gives, with no repair; the document's memory stays within a bound of the
//! input's size.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::document::{Document, Lenient, Options};
use structream_parser::repair::{Kind, NonFinite, Repairs};

#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    /// Kinds left out (bit per kind of `Kind::ALL`); 0 for all.
    without: u16,
    /// 1: lenient input.
    lenient: u8,
    /// What `NaN` and the infinities become: 1 a string, 2 an error.
    non_finite: u8,
    chunk_sizes: Vec<u8>,
}

/// The final value, complete or not, the repairs; or the error and the
/// repairs made before it.
type Run = Result<(Option<String>, bool, Vec<(Kind, u64)>), (String, u64, Vec<(Kind, u64)>)>;

fn run<'a>(options: &Options, pieces: impl Iterator<Item = &'a [u8]>, limit: usize) -> Run {
    let mut doc = Document::with_options(options.clone());
    let mut repairs = Vec::new();
    for piece in pieces {
        match doc.feed(piece) {
            Ok(changes) => repairs.extend(changes.repairs().iter().map(|r| (r.kind(), r.offset()))),
            Err(e) => {
                repairs.extend(doc.changes().repairs().iter().map(|r| (r.kind(), r.offset())));
                return Err((format!("{:?}", e.kind()), e.offset(), repairs));
            }
        }
        assert!(doc.heap_bytes() <= limit, "{} > {limit}", doc.heap_bytes());
    }
    match doc.finish() {
        Ok(end) => {
            repairs.extend(end.repairs().iter().map(|r| (r.kind(), r.offset())));
            let json = end.snapshot().map(|s| s.to_json());
            Ok((json, end.is_complete(), repairs))
        }
        Err(e) => {
            repairs.extend(doc.changes().repairs().iter().map(|r| (r.kind(), r.offset())));
            Err((format!("{:?}", e.kind()), e.offset(), repairs))
        }
    }
}

fuzz_target!(|input: Seeded<Params>| {
    let mut repairs = Repairs::ALL;
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        if input.params.without & (1 << i) != 0 {
            repairs = repairs.without(kind);
        }
    }
    let lenient = if input.params.lenient == 1 { Lenient::Any } else { Lenient::Off };
    let repairs = repairs.non_finite(match input.params.non_finite {
        1 => NonFinite::String,
        2 => NonFinite::Error,
        _ => NonFinite::Null,
    });
    let options = Options::default().lenient(lenient).repair(repairs);
    let bytes = &input.bytes;
    // The visible text is at most the input with every byte escaped or
    // quoted (six bytes for a control character), strings' spare capacity
    // doubling that, plus the open spine.
    let limit = 16 * bytes.len() + 64 * 1024;
    let whole = run(&options, std::iter::once(&bytes[..]), limit);
    let cut = run(&options, seeded::chunks(bytes, &input.params.chunk_sizes), limit);
    assert_eq!(cut, whole, "cut");
    if bytes.len() <= 2048 {
        let one = run(&options, bytes.chunks(1), limit);
        assert_eq!(one, whole, "byte by byte");
    }
    if lenient == Lenient::Off {
        let strict = run(&Options::default(), std::iter::once(&bytes[..]), limit);
        if let Ok((json, true, _)) = &strict {
            assert_eq!(whole, Ok((json.clone(), true, Vec::new())), "valid JSON");
        }
    }
});
