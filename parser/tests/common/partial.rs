//! Helpers for the partial-document tests.

use structream_parser::Value;
use structream_parser::document::{Document, ItemEvent, Options, apply};

/// Checks that `partial` could grow into `fin`: strings are prefixes, scalars
/// equal, arrays and key lists prefixes whose members are equal but the last,
/// which is itself consistent.
pub fn consistent(partial: &Value, fin: &Value) -> Result<(), String> {
    let fail = || Err(format!("{partial} does not lead to {fin}"));
    match (partial, fin) {
        (Value::String(a), Value::String(b)) => {
            if b.starts_with(a.as_str()) {
                Ok(())
            } else {
                fail()
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() > b.len() {
                return fail();
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if i + 1 < a.len() {
                    if x != y {
                        return fail();
                    }
                } else {
                    consistent(x, y)?;
                }
            }
            Ok(())
        }
        (Value::Object(a), Value::Object(b)) => {
            if a.len() > b.len() {
                return fail();
            }
            for (i, ((ka, x), (kb, y))) in a.iter().zip(b).enumerate() {
                if ka != kb {
                    return fail();
                }
                if i + 1 < a.len() {
                    if x != y {
                        return fail();
                    }
                } else {
                    consistent(x, y)?;
                }
            }
            Ok(())
        }
        (x, y) => {
            if x == y {
                Ok(())
            } else {
                fail()
            }
        }
    }
}

/// What streaming a document produced.
pub struct Streamed {
    /// Every snapshot that changed, in order.
    pub snapshots: Vec<String>,
    /// The value rebuilt from the deltas alone.
    pub replayed: Option<Value>,
    /// Items (path, index, json) as they closed.
    pub items: Vec<(String, usize, String)>,
    /// Item starts (path, index), in order.
    pub started: Vec<(String, usize)>,
}

/// Streams `pieces` through a document with `options` (deltas on), checking
/// after every feed that the replayed deltas equal the snapshot and that
/// `changed()` is true exactly when the snapshot text changed.
pub fn stream(
    pieces: &[&[u8]],
    options: Options,
) -> Result<(Streamed, Document), structream_parser::Error> {
    let mut doc = Document::with_options(options.deltas(true));
    let mut out = Streamed {
        snapshots: Vec::new(),
        replayed: None,
        items: Vec::new(),
        started: Vec::new(),
    };
    let mut last = String::new();
    for (i, piece) in pieces.iter().chain([&&[][..]]).enumerate() {
        let changes = if i == pieces.len() {
            doc.finish()?
        } else {
            doc.feed(piece)?
        };
        for delta in changes.deltas() {
            apply(&mut out.replayed, &delta).unwrap_or_else(|e| panic!("{e}"));
        }
        for item in changes.items() {
            match item {
                ItemEvent::Started { path, index } => out.started.push((path.clone(), *index)),
                ItemEvent::Done { path, index, json } => {
                    out.items.push((path.clone(), *index, json.clone()))
                }
                other => panic!("an item event this test does not know: {other:?}"),
            }
        }
        let now = changes.snapshot().map(|s| s.to_json()).unwrap_or_default();
        assert_eq!(
            changes.changed(),
            now != last,
            "changed() is wrong after piece {i}: {last} -> {now}"
        );
        let replayed = out
            .replayed
            .as_ref()
            .map(|v| v.to_json())
            .unwrap_or_default();
        assert_eq!(
            replayed, now,
            "deltas replayed differ from the snapshot after piece {i}"
        );
        if changes.changed() {
            out.snapshots.push(now.clone());
        }
        last = now;
    }
    Ok((out, doc))
}
