//! A feed that fails still hands out what the valid part of its chunk
//! changed, through `Document::changes`: the items that closed and the
//! deltas, so nothing that was valid is lost, whatever the chunking.

mod common;

use common::{corpora, cut_at};
use structream_parser::Value;
use structream_parser::document::{Changes, Document, Options, apply};

/// What a consumer saw: the items' JSON, the value rebuilt from the deltas,
/// and whether the input failed.
#[derive(Debug, PartialEq)]
struct Seen {
    items: Vec<String>,
    replayed: Option<Value>,
    failed: bool,
}

fn take(changes: &Changes<'_>, seen: &mut Seen) {
    seen.items.extend(
        changes
            .items()
            .iter()
            .filter_map(|i| i.json())
            .map(str::to_owned),
    );
    for delta in changes.deltas() {
        apply(&mut seen.replayed, &delta).unwrap();
    }
}

/// Feeds `pieces`, reading the changes of a failed feed from
/// `Document::changes`; checks that the deltas replay to the snapshot.
fn run(pieces: &[&[u8]]) -> Seen {
    let options = Options::default()
        .deltas(true)
        .items("".parse().unwrap())
        .items("/*".parse().unwrap());
    let mut doc = Document::with_options(options);
    let mut seen = Seen {
        items: Vec::new(),
        replayed: None,
        failed: false,
    };
    for piece in pieces {
        if let Ok(changes) = doc.feed(piece) {
            take(&changes, &mut seen);
        } else {
            take(&doc.changes(), &mut seen);
            seen.failed = true;
            break;
        }
    }
    if !seen.failed {
        match doc.finish() {
            Ok(changes) => take(&changes, &mut seen),
            Err(_) => {
                take(&doc.changes(), &mut seen);
                seen.failed = true;
            }
        }
    }
    let snapshot = doc.snapshot().map(|s| s.value());
    assert_eq!(seen.replayed, snapshot, "deltas replay to the snapshot");
    seen
}

#[test]
fn items_before_an_error_in_the_same_chunk_are_handed_out() {
    let input = br#"[{"a": 1}, {"b": [2, 3]}, tru ]"#;
    let whole = run(&[input]);
    assert!(whole.failed);
    assert_eq!(whole.items, [r#"{"a":1}"#, r#"{"b":[2,3]}"#]);
    let mut doc = Document::with_options(Options::default().deltas(true));
    assert!(doc.feed(br#"{"a": "x", "b": nul }"#).is_err());
    let changes = doc.changes();
    assert!(changes.changed());
    let deltas: Vec<String> = changes.deltas().map(|d| d.to_string()).collect();
    assert!(!deltas.is_empty(), "the valid part's deltas are kept");
    assert_eq!(doc.snapshot().unwrap().to_json(), r#"{"a":"x"}"#);
}

/// The items of an invalid input do not depend on where it was cut.
#[test]
fn items_at_an_error_do_not_depend_on_the_chunking() {
    let dir = corpora().join("jsontestsuite");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("n_"))
        .collect();
    files.sort();
    let mut checked = 0;
    for path in files {
        let input = std::fs::read(&path).unwrap();
        if input.len() > 4096 {
            continue;
        }
        let whole = run(&[&input]);
        for at in 0..=input.len() {
            let split = run(&cut_at(&input, &[at]));
            assert_eq!(split.items, whole.items, "{} cut at {at}", path.display());
            assert_eq!(split.failed, whole.failed, "{} cut at {at}", path.display());
            checked += 1;
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(
            run(&bytes).items,
            whole.items,
            "{} byte by byte",
            path.display()
        );
    }
    assert!(checked > 1000, "only {checked} splits checked");
}
