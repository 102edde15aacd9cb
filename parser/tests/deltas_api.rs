//! Deltas and item events through their accessors: each feed's deltas are
//! its own, appends to one string in one feed are one delta, `apply`
//! replays replaces and reports what it cannot apply, and item events say
//! where they are.

mod common;

use common::cut_at;
use common::partial::stream;
use structream_parser::document::{
    ApplyError, Delta, DeltaOp, Document, ItemEvent, Options, apply,
};
use structream_parser::{Value, parse};

/// The deltas of one feed as (op, path, value).
fn deltas(document: &mut Document, chunk: &[u8]) -> Vec<(DeltaOp, String, String)> {
    let changes = document.feed(chunk).unwrap();
    changes
        .deltas()
        .map(|d| (d.op(), d.path().to_owned(), d.value().to_owned()))
        .collect()
}

fn op(op: DeltaOp, path: &str, value: &str) -> (DeltaOp, String, String) {
    (op, path.to_owned(), value.to_owned())
}

fn with_deltas() -> Document {
    Document::with_options(Options::default().deltas(true))
}

#[test]
fn deltas_name_their_path_and_value() {
    use DeltaOp::{Add, Append};
    let mut document = with_deltas();
    assert_eq!(
        deltas(&mut document, br#"{"users": [{"name": "Ja"#),
        [
            op(Add, "", "{}"),
            op(Add, "/users", "[]"),
            op(Add, "/users/0", "{}"),
            op(Add, "/users/0/name", r#""""#),
            op(Append, "/users/0/name", "Ja"),
        ]
    );
    assert_eq!(
        deltas(
            &mut document,
            br#"ne\"\u00e9", "a/b~": [true, null, -1.5e3]"#
        ),
        [
            op(Append, "/users/0/name", "ne\"é"),
            op(Add, "/users/0/a~1b~0", "[]"),
            op(Add, "/users/0/a~1b~0/0", "true"),
            op(Add, "/users/0/a~1b~0/1", "null"),
            op(Add, "/users/0/a~1b~0/2", "-1.5e3"),
        ]
    );
    // Whitespace and half a number change nothing.
    assert_eq!(deltas(&mut document, b" , \"n\": 1"), []);
    assert_eq!(deltas(&mut document, b"2}"), [op(Add, "/users/0/n", "12")]);
    let changes = document.feed(b"]}").unwrap();
    assert_eq!(changes.deltas().count(), 0);
    let shown: Vec<String> = changes.deltas().map(|d| d.to_string()).collect();
    assert!(shown.is_empty());
}

#[test]
fn each_feed_has_only_its_own_deltas() {
    use DeltaOp::Add;
    let mut document = with_deltas();
    assert_eq!(deltas(&mut document, b"[1"), [op(Add, "", "[]")]);
    assert_eq!(deltas(&mut document, b",2"), [op(Add, "/0", "1")]);
    assert_eq!(deltas(&mut document, b"]"), [op(Add, "/1", "2")]);
    assert_eq!(deltas(&mut document, b" "), []);
    assert!(document.finish().unwrap().deltas().next().is_none());
    // A top-level number completes only at the end of input.
    let mut document = with_deltas();
    assert_eq!(deltas(&mut document, b"12"), []);
    let end = document.finish().unwrap();
    let last: Vec<String> = end.deltas().map(|d| d.to_string()).collect();
    assert_eq!(last, [r#"{"op":"add","path":"","value":12}"#]);
}

#[test]
fn appends_to_one_string_in_one_feed_are_one_delta() {
    use DeltaOp::{Add, Append};
    let mut document = with_deltas();
    deltas(&mut document, br#"{"s": ""#);
    // Plain text, an escape and a `\u` escape: three fragments, one delta.
    assert_eq!(
        deltas(&mut document, br#"abc\ndef\u0041g"#),
        [op(Append, "/s", "abc\ndefAg")]
    );
    // Another string in between ends the run.
    let mut document = with_deltas();
    assert_eq!(
        deltas(&mut document, br#"["ab", "cd"#),
        [
            op(Add, "", "[]"),
            op(Add, "/0", r#""""#),
            op(Append, "/0", "ab"),
            op(Add, "/1", r#""""#),
            op(Append, "/1", "cd"),
        ]
    );
    // Appends to strings with a common path prefix are not merged.
    let mut document = with_deltas();
    deltas(&mut document, br#"{"a": "x", "ab": ""#);
    assert_eq!(deltas(&mut document, b"y"), [op(Append, "/ab", "y")]);
    // An append after an add of the same path is its own delta.
    let mut document = with_deltas();
    assert_eq!(
        deltas(&mut document, br#""hi"#),
        [op(Add, "", r#""""#), op(Append, "", "hi")]
    );
    // Display escapes an append's text as a JSON string.
    let mut document = with_deltas();
    let changes = document.feed(b"\"a\\\"\\\\b").unwrap();
    let shown: Vec<String> = changes.deltas().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            r#"{"op":"add","path":"","value":""}"#,
            r#"{"op":"append","path":"","value":"a\"\\b"}"#
        ]
    );
}

#[test]
fn delta_ops_name_themselves() {
    assert_eq!(DeltaOp::Add.as_str(), "add");
    assert_eq!(DeltaOp::Replace.as_str(), "replace");
    assert_eq!(DeltaOp::Append.as_str(), "append");
}

#[test]
fn repeated_keys_replay_through_apply_at_every_split() {
    for doc in [
        &br#"{"a": 1, "b": {"x": 1}, "c": 3, "b": {"y": "new"}, "a": "last"}"#[..],
        br#"[{"k": [1], "k": "s"}, {"deep": {"k": 1, "k": {"z": null}}}]"#,
        br#"{"s": "x", "s": "yz", "t": "u"}"#,
    ] {
        let cuts: Vec<usize> = (1..doc.len()).collect();
        // `stream` applies every delta and compares with every snapshot.
        let (streamed, _) = stream(&cut_at(doc, &cuts), Options::default()).unwrap();
        let replayed = streamed.replayed.unwrap();
        assert_eq!(
            replayed.to_json(),
            streamed.snapshots.last().unwrap().as_str()
        );
        let theirs: serde_json::Value = serde_json::from_slice(doc).unwrap();
        let ours: serde_json::Value = serde_json::from_str(&replayed.to_json()).unwrap();
        assert_eq!(ours, theirs);
    }
}

/// The deltas of `doc` fed whole, as owned text, for applying elsewhere.
fn all_deltas(doc: &str) -> Vec<String> {
    let mut document = with_deltas();
    let changes = document.feed(doc.as_bytes()).unwrap();
    changes.deltas().map(|d| d.to_string()).collect()
}

/// Applies delta number `n` of `doc` to `root`.
fn apply_nth(doc: &str, n: usize, root: &mut Option<Value>) -> Result<(), ApplyError> {
    let mut document = with_deltas();
    let changes = document.feed(doc.as_bytes()).unwrap();
    let delta: Delta<'_> = changes.deltas().nth(n).unwrap();
    apply(root, &delta)
}

fn value(json: &str) -> Option<Value> {
    Some(parse(json.as_bytes()).unwrap())
}

fn refused(doc: &str, n: usize, root: &str) -> String {
    let mut root = if root.is_empty() { None } else { value(root) };
    let err = apply_nth(doc, n, &mut root).unwrap_err();
    let _: &dyn std::error::Error = &err;
    err.to_string()
}

#[test]
fn apply_explains_what_it_cannot_apply() {
    let doc = r#"{"a": {"b": "s"}}"#;
    assert_eq!(
        all_deltas(doc),
        [
            r#"{"op":"add","path":"","value":{}}"#,
            r#"{"op":"add","path":"/a","value":{}}"#,
            r#"{"op":"add","path":"/a/b","value":""}"#,
            r#"{"op":"append","path":"/a/b","value":"s"}"#,
        ]
    );
    let cases = [
        (1, "", "no root yet"),
        (1, "3", "not a container"),
        (2, "{}", "no such member"),
        (2, "[]", "no such item"),
        (2, r#"{"a": 1}"#, "not a container"),
        (2, r#"{"a": []}"#, "not an index"),
        (3, r#"{"a": {}}"#, "no such string member"),
        (3, r#"{"a": {"b": 1}}"#, "no such string member"),
        (3, r#"{"a": ["x"]}"#, "not an index"),
    ];
    for (n, root, why) in cases {
        let delta = &all_deltas(doc)[n];
        assert_eq!(
            refused(doc, n, root),
            format!("cannot apply {delta}: {why}"),
            "{n} {root}"
        );
    }
    // At the root: an append needs a string there.
    let text = r#""s""#;
    assert_eq!(
        refused(text, 1, ""),
        r#"cannot apply {"op":"append","path":"","value":"s"}: no such node"#
    );
    assert_eq!(
        refused(text, 1, "[]"),
        r#"cannot apply {"op":"append","path":"","value":"s"}: no such node"#
    );
    // Items: an add past the end, an append to a non-string.
    let list = r#"[[1, "x"]]"#;
    assert_eq!(
        all_deltas(list)[3..],
        [
            r#"{"op":"add","path":"/0/1","value":""}"#,
            r#"{"op":"append","path":"/0/1","value":"x"}"#
        ]
    );
    assert_eq!(
        refused(list, 3, "[[]]"),
        format!("cannot apply {}: no such item", all_deltas(list)[3])
    );
    assert_eq!(
        refused(list, 4, "[[1, 2]]"),
        format!("cannot apply {}: no such item", all_deltas(list)[4])
    );
    assert_eq!(
        refused(list, 4, "[[1]]"),
        format!("cannot apply {}: no such item", all_deltas(list)[4])
    );
    // A replace needs something to replace.
    let repeated = r#"{"0": 1, "0": 2}"#;
    assert_eq!(
        all_deltas(repeated)[2],
        r#"{"op":"replace","path":"/0","value":2}"#
    );
    assert_eq!(
        refused(repeated, 2, "[]"),
        r#"cannot apply {"op":"replace","path":"/0","value":2}: no such item"#
    );
    assert_eq!(
        refused(repeated, 2, "{}"),
        r#"cannot apply {"op":"replace","path":"/0","value":2}: no such string member"#
    );
}

#[test]
fn apply_changes_what_a_delta_names() {
    let applied = |doc: &str, n: usize, root: &str| {
        let mut root = if root.is_empty() { None } else { value(root) };
        apply_nth(doc, n, &mut root).unwrap();
        root.map(|v| v.to_json())
    };
    // Add and replace at the root.
    assert_eq!(applied("[1]", 0, "").as_deref(), Some("[]"));
    assert_eq!(applied("[1]", 0, r#"{"x": 1}"#).as_deref(), Some("[]"));
    // Append at the root and to a member found through items.
    assert_eq!(applied(r#""s""#, 1, r#""ab""#).as_deref(), Some(r#""abs""#));
    assert_eq!(
        applied(r#"{"a": {"b": "s"}}"#, 3, r#"{"a": {"c": 0, "b": "x"}}"#).as_deref(),
        Some(r#"{"a":{"c":0,"b":"xs"}}"#)
    );
    // A replace of an array item, and of the last of repeated members.
    assert_eq!(
        applied(r#"{"0": 1, "0": 2}"#, 2, "[7, 8]").as_deref(),
        Some("[2,8]")
    );
    assert_eq!(
        applied(r#"{"0": 1, "0": 2}"#, 2, r#"{"0": 5, "1": 6}"#).as_deref(),
        Some(r#"{"0":2,"1":6}"#)
    );
    // An add inserts an item at its index, or at the end.
    assert_eq!(applied("[1, 2]", 2, "[0, 9]").as_deref(), Some("[0,2,9]"));
    assert_eq!(applied("[1, 2]", 2, "[0]").as_deref(), Some("[0,2]"));
    // An append to an item.
    assert_eq!(
        applied(r#"["s"]"#, 2, r#"["a", "b"]"#).as_deref(),
        Some(r#"["as","b"]"#)
    );
    // An add of an existing member replaces it in place.
    assert_eq!(
        applied(r#"{"b": 1}"#, 1, r#"{"b": 0, "c": 2}"#).as_deref(),
        Some(r#"{"b":1,"c":2}"#)
    );
    // A path through an item and a member with `~` and `/` in its name.
    assert_eq!(
        applied(r#"[{"a/b~": [1]}]"#, 3, r#"[{"a/b~": [5]}]"#).as_deref(),
        Some(r#"[{"a/b~":[1,5]}]"#)
    );
}

#[test]
fn item_events_say_where_they_are() {
    let options = Options::default().items("/users".parse().unwrap());
    let mut document = Document::with_options(options);
    let changes = document.feed(br#"{"users":[{"a":1},2]}"#).unwrap();
    let events = changes.items();
    assert_eq!(events.len(), 4);
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.path(), "/users");
        assert_eq!(event.index(), i / 2);
        assert_eq!(event.json().is_some(), i % 2 == 1);
        assert_eq!(event.value().is_some(), i % 2 == 1);
    }
    assert!(matches!(events[0], ItemEvent::Started { index: 0, .. }));
    assert_eq!(events[1].json(), Some(r#"{"a":1}"#));
    assert_eq!(
        events[1].value().unwrap().unwrap(),
        value(r#"{"a":1}"#).unwrap()
    );
    assert_eq!(events[3].path(), "/users");
    assert_eq!(events[3].index(), 1);
    assert_eq!(events[3].value().unwrap().unwrap(), value("2").unwrap());
    // A root array's items have the empty path.
    let mut document = Document::with_options(Options::default().items("".parse().unwrap()));
    let changes = document.feed(b"[[3]]").unwrap();
    let done: Vec<(&str, usize, Option<&str>)> = changes
        .items()
        .iter()
        .map(|e| (e.path(), e.index(), e.json()))
        .collect();
    assert_eq!(done, [("", 0, None), ("", 0, Some("[3]"))]);
}
