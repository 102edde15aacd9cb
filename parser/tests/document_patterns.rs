//! Held, required and item paths beyond `*`: index patterns, required keys
//! in complete-strings mode or repeated, required objects that are also
//! reported items, and `changed()` / `generation()` on every replace and
//! reveal. Documents are split at every byte, with the deltas replayed and
//! `changed()` checked after every feed (see `common::partial::stream`).

mod common;

use common::cut_at;
use common::partial::stream;
use structream_parser::document::{Document, Options, StringMode};

fn every_byte(doc: &[u8]) -> Vec<&[u8]> {
    cut_at(doc, &(1..doc.len()).collect::<Vec<_>>())
}

/// The changed snapshots of `doc` streamed a byte at a time, and the items
/// (path, index, json) that closed.
fn snapshots(doc: &str, options: Options) -> (Vec<String>, Vec<(String, usize, String)>) {
    let (streamed, _) = stream(&every_byte(doc.as_bytes()), options).unwrap();
    (streamed.snapshots, streamed.items)
}

#[test]
fn an_index_pattern_holds_only_that_item() {
    let options = Options::default().hold("/list/1".parse().unwrap());
    let (shown, _) = snapshots(r#"{"list": ["a", "bc", "d"]}"#, options);
    assert_eq!(
        shown,
        [
            r#"{}"#,
            r#"{"list":[]}"#,
            r#"{"list":[""]}"#,
            r#"{"list":["a"]}"#,
            r#"{"list":["a","bc"]}"#,
            r#"{"list":["a","bc",""]}"#,
            r#"{"list":["a","bc","d"]}"#,
        ]
    );
    // An index pattern also names an object member of that name.
    let options = Options::default().hold("/1".parse().unwrap());
    let (shown, _) = snapshots(r#"{"1": "xy", "2": "z"}"#, options);
    assert_eq!(
        shown,
        [
            r#"{}"#,
            r#"{"1":"xy"}"#,
            r#"{"1":"xy","2":""}"#,
            r#"{"1":"xy","2":"z"}"#
        ]
    );
}

#[test]
fn an_index_pattern_reports_the_items_of_that_array_only() {
    let options = Options::default().items("/0".parse().unwrap());
    let (_, items) = snapshots("[[1, 2], [3], {\"0\": [4]}]", options);
    assert_eq!(
        items,
        [
            ("/0".to_owned(), 0, "1".to_owned()),
            ("/0".to_owned(), 1, "2".to_owned())
        ]
    );
    let options = Options::default().items("/list/1".parse().unwrap());
    let (_, items) = snapshots(r#"{"list": [["a"], ["b", "c"], ["d"]]}"#, options);
    assert_eq!(
        items,
        [
            ("/list/1".to_owned(), 0, r#""b""#.to_owned()),
            ("/list/1".to_owned(), 1, r#""c""#.to_owned()),
        ]
    );
}

#[test]
fn an_index_pattern_requires_a_key_of_that_item_only() {
    let options = Options::default().require("/steps/1".parse().unwrap(), "title");
    let (shown, _) = snapshots(r#"{"steps": [{"a": 1}, {"a": 2, "title": "T"}]}"#, options);
    assert_eq!(
        shown,
        [
            r#"{}"#,
            r#"{"steps":[]}"#,
            r#"{"steps":[{}]}"#,
            r#"{"steps":[{"a":1}]}"#,
            r#"{"steps":[{"a":1},{"a":2,"title":""}]}"#,
            r#"{"steps":[{"a":1},{"a":2,"title":"T"}]}"#,
        ]
    );
}

#[test]
fn a_required_key_in_complete_strings_mode_shows_once_its_string_closes() {
    let options = Options::default()
        .strings(StringMode::Complete)
        .require("/steps/*".parse().unwrap(), "title");
    let (shown, _) = snapshots(
        r#"{"steps": [{"n": 1, "title": "Alpha", "k": "v"}]}"#,
        options,
    );
    assert_eq!(
        shown,
        [
            r#"{}"#,
            r#"{"steps":[]}"#,
            r#"{"steps":[{"n":1,"title":"Alpha"}]}"#,
            r#"{"steps":[{"n":1,"title":"Alpha","k":"v"}]}"#,
        ]
    );
}

#[test]
fn a_required_key_repeated_after_null_reveals_its_object() {
    let options = Options::default().require("/steps/*".parse().unwrap(), "title");
    let (shown, _) = snapshots(
        r#"{"steps": [{"title": null, "title": "A", "n": 1}, {"title": null, "x": 2, "title": {"t": 1}}]}"#,
        options,
    );
    assert_eq!(
        shown,
        [
            r#"{}"#,
            r#"{"steps":[]}"#,
            // The repeated key's new value is whole before it replaces.
            r#"{"steps":[{"title":"A"}]}"#,
            r#"{"steps":[{"title":"A","n":1}]}"#,
            r#"{"steps":[{"title":"A","n":1},{"title":{"t":1},"x":2}]}"#,
        ]
    );
    // Null again after a value: the object stays shown, with the null.
    let options = Options::default().require("/steps/*".parse().unwrap(), "title");
    let (shown, _) = snapshots(r#"{"steps": [{"title": 7, "title": null}]}"#, options);
    assert_eq!(
        shown,
        [
            r#"{}"#,
            r#"{"steps":[]}"#,
            r#"{"steps":[{"title":7}]}"#,
            r#"{"steps":[{"title":null}]}"#,
        ]
    );
}

#[test]
fn required_objects_nested_in_required_objects_reveal_outward() {
    let options = Options::default()
        .require("".parse().unwrap(), "id")
        .require("/child".parse().unwrap(), "id");
    let (shown, _) = snapshots(r#"{"child": {"x": 1, "id": 2}, "id": 3}"#, options);
    assert_eq!(
        shown,
        [r#"{"child":{"x":1,"id":2},"id":3}"#],
        "the root shows only with its id, the child only with its own"
    );
    let options = Options::default()
        .require("".parse().unwrap(), "child")
        .require("/child".parse().unwrap(), "id");
    let (shown, _) = snapshots(r#"{"child": {"x": 1, "id": 2, "y": [3]}}"#, options);
    assert_eq!(
        shown,
        [
            // The child's id reveals the child, which reveals the root.
            r#"{"child":{"x":1,"id":2}}"#,
            r#"{"child":{"x":1,"id":2,"y":[]}}"#,
            r#"{"child":{"x":1,"id":2,"y":[3]}}"#,
        ]
    );
}

#[test]
fn required_items_are_still_reported_as_items() {
    let options = Options::default()
        .require("/steps/*".parse().unwrap(), "title")
        .items("/steps".parse().unwrap());
    let doc = r#"{"steps": [{"detail": "d", "title": "T"}, {"detail": "never titled"}, 5]}"#;
    let (streamed, _) = stream(&every_byte(doc.as_bytes()), options.clone()).unwrap();
    assert_eq!(
        streamed.items,
        [
            (
                "/steps".to_owned(),
                0,
                r#"{"detail":"d","title":"T"}"#.to_owned()
            ),
            (
                "/steps".to_owned(),
                1,
                r#"{"detail":"never titled"}"#.to_owned()
            ),
            ("/steps".to_owned(), 2, "5".to_owned()),
        ]
    );
    assert_eq!(
        streamed.started,
        [
            ("/steps".to_owned(), 0),
            ("/steps".to_owned(), 1),
            ("/steps".to_owned(), 2)
        ]
    );
    // The untitled step shows only once complete, and never in part.
    assert!(
        streamed
            .snapshots
            .iter()
            .all(|s| !s.contains("never") || s.contains(r#"{"detail":"never titled"}"#)),
        "{:#?}",
        streamed.snapshots
    );
    assert!(streamed.snapshots.contains(
        &r#"{"steps":[{"detail":"d","title":"T"},{"detail":"never titled"}]}"#.to_owned()
    ));
    // Whole input in one feed: each item starts and closes in it.
    let mut document = Document::with_options(options);
    let changes = document.feed(doc.as_bytes()).unwrap();
    let events: Vec<(bool, usize)> = changes
        .items()
        .iter()
        .map(|i| (i.json().is_some(), i.index()))
        .collect();
    assert_eq!(
        events,
        [
            (false, 0),
            (true, 0),
            (false, 1),
            (true, 1),
            (false, 2),
            (true, 2)
        ]
    );
}

#[test]
fn every_replace_and_reveal_is_a_change() {
    // `stream` checks after every feed that `changed()` is true exactly
    // when the snapshot text changed, and that the deltas replay to it.
    for doc in [
        r#"{"a": 1, "b": {"x": 1}, "c": 3, "b": {"y": "new"}, "a": "last"}"#,
        r#"{"a": [1], "a": [1, 2], "a": {"k": null}, "z": 0}"#,
        r#"[{"k": "v", "k": "w"}, {"k": 1, "j": 2, "k": 3}]"#,
    ] {
        let (streamed, document) = stream(&every_byte(doc.as_bytes()), Options::default()).unwrap();
        assert_eq!(
            streamed.replayed.map(|v| v.to_json()),
            document.snapshot().map(|s| s.to_json()),
            "{doc}"
        );
    }
    let options = Options::default().require("/*".parse().unwrap(), "t");
    let doc = r#"[{"a": 1, "t": 2}, {"t": null, "t": 3}]"#;
    stream(&every_byte(doc.as_bytes()), options).unwrap();
    // The generation counts the changes one by one.
    let mut document = Document::new();
    let mut seen = Vec::new();
    for chunk in [
        &br#"{"a": 1,"#[..],
        br#" "a": 2,"#,
        br#" "a": 3"#,
        b" ",
        b"}",
    ] {
        let changed = document.feed(chunk).unwrap().changed();
        seen.push((changed, document.generation()));
    }
    // `{}` then `1`; the replace by 2; nothing (3 may become 30); the
    // replace by 3; the close (not a visible change: the snapshot already
    // closed the object).
    assert_eq!(
        seen,
        [(true, 2), (true, 3), (false, 3), (true, 4), (false, 4)]
    );
    // A repeated key with the value it had changes nothing.
    let mut document = Document::new();
    document
        .feed(br#"{"a": [1, "x"], "b": 2, "a": [1, "#)
        .unwrap();
    let generation = document.generation();
    let changes = document.feed(br#""x"], "b": 2}"#).unwrap();
    assert!(!changes.changed());
    assert_eq!(
        changes.snapshot().unwrap().to_json(),
        r#"{"a":[1,"x"],"b":2}"#
    );
    assert_eq!(document.generation(), generation);
}

#[test]
fn a_reveal_counts_once_in_the_generation() {
    let options = Options::default().require("".parse().unwrap(), "t");
    let mut document = Document::with_options(options);
    assert!(!document.feed(br#"{"a": 1, "#).unwrap().changed());
    assert_eq!(document.generation(), 0);
    assert!(document.snapshot().is_none());
    let changes = document.feed(br#""t": tr"#).unwrap();
    assert!(!changes.changed());
    let changes = document.feed(b"ue").unwrap();
    assert!(changes.changed());
    assert_eq!(changes.snapshot().unwrap().to_json(), r#"{"a":1,"t":true}"#);
    assert_eq!(document.generation(), 1);
}
