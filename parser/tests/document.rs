//! The partial-document layer: snapshots consistent with the final value at
//! every prefix and chunking, deltas that replay to every snapshot, items
//! equal to the final array's elements, policies, lenient input.

mod common;

use common::partial::{consistent, stream};
use common::{corpora, cut_at};
use proptest::prelude::*;
use structream_parser::document::{Document, Lenient, NodeState, Options, Outcome, StringMode};
use structream_parser::{Config, Value, parse};

fn load(path: &str) -> Vec<u8> {
    std::fs::read(corpora().join(path)).unwrap()
}

/// Streams `doc` cut into `sizes`-cycling chunks and checks every snapshot
/// (and the final value) against the one-shot parse.
fn check_document(doc: &[u8], sizes: &[usize]) {
    let fin = parse(doc).unwrap();
    let mut pieces = Vec::new();
    let mut at = 0;
    for &n in sizes.iter().cycle() {
        if at >= doc.len() {
            break;
        }
        let end = (at + n).min(doc.len());
        pieces.push(&doc[at..end]);
        at = end;
    }
    let (streamed, doc) = stream(&pieces, Options::default()).unwrap();
    let mut prev: Option<Value> = None;
    for snapshot in &streamed.snapshots {
        let value = parse(snapshot.as_bytes()).unwrap();
        consistent(&value, &fin).unwrap();
        if let Some(prev) = &prev {
            consistent(prev, &value).unwrap();
        }
        prev = Some(value);
    }
    assert_eq!(streamed.snapshots.last().unwrap(), &fin.to_json());
    assert_eq!(doc.outcome(), Some(Outcome::Complete));
    assert!(doc.is_complete());
}

#[test]
fn every_prefix_of_small_documents_is_consistent() {
    for path in [
        "partial-json/jiter-benches/medium_response.json",
        "partial-json/jiter-benches/pass1.json",
        "partial-json/jiter-benches/unicode.json",
        "partial-json/jiter-benches/sentence.json",
        "json-bench/jsonchecker/pass01.json",
    ] {
        let doc = load(path);
        // One byte at a time: a snapshot at every prefix.
        check_document(&doc, &[1]);
        check_document(&doc, &[3, 1, 4, 1, 5, 9, 2, 6]);
    }
}

#[test]
fn large_documents_stream_consistently_in_llm_sized_chunks() {
    for path in [
        "json-bench/twitter.json",
        "json-bench/citm_catalog.json",
        "json-bench/canada.json",
    ] {
        let doc = load(path);
        let fin = parse(&doc).unwrap();
        // Snapshots are checked at 300 points; the whole document is fed in
        // chunks of 1 to 8 bytes.
        let mut document = Document::new();
        let step = doc.len() / 300;
        let mut at = 0;
        let mut sizes = [1usize, 2, 3, 4, 5, 6, 7, 8].iter().cycle();
        let mut next_check = step;
        while at < doc.len() {
            let end = (at + sizes.next().unwrap()).min(doc.len());
            let changes = document.feed(&doc[at..end]).unwrap();
            at = end;
            if at >= next_check {
                next_check += step;
                let snapshot = changes.snapshot().unwrap().value();
                consistent(&snapshot, &fin).unwrap_or_else(|e| panic!("{path} at {at}: {e}"));
            }
        }
        let end = document.finish().unwrap();
        assert_eq!(end.outcome(), Some(Outcome::Complete));
        assert_eq!(end.snapshot().unwrap().to_json(), fin.to_json());
    }
}

#[test]
fn snapshots_show_members_when_their_values_show() {
    let doc = br#"{"name": "Ja\u00e9ne", "age": 30, "ok": true, "tags": ["a", null], "n": -1.5e3}"#;
    let (streamed, _) = stream(
        &cut_at(doc, &(1..doc.len()).collect::<Vec<_>>()),
        Options::default(),
    )
    .unwrap();
    assert_eq!(
        streamed.snapshots,
        [
            r#"{}"#,
            r#"{"name":""}"#,
            r#"{"name":"J"}"#,
            r#"{"name":"Ja"}"#,
            r#"{"name":"Jaé"}"#, // the escape shows once complete
            r#"{"name":"Jaén"}"#,
            r#"{"name":"Jaéne"}"#,
            r#"{"name":"Jaéne","age":30}"#, // never "age":3
            r#"{"name":"Jaéne","age":30,"ok":true}"#,
            r#"{"name":"Jaéne","age":30,"ok":true,"tags":[]}"#,
            r#"{"name":"Jaéne","age":30,"ok":true,"tags":[""]}"#,
            r#"{"name":"Jaéne","age":30,"ok":true,"tags":["a"]}"#,
            r#"{"name":"Jaéne","age":30,"ok":true,"tags":["a",null]}"#,
            r#"{"name":"Jaéne","age":30,"ok":true,"tags":["a",null],"n":-1.5e3}"#,
        ]
    );
}

#[test]
fn complete_strings_mode_shows_strings_only_when_closed() {
    let doc = br#"{"a": "xyz", "b": ["p", "q"]}"#;
    let options = Options::default().strings(StringMode::Complete);
    let (streamed, _) = stream(&cut_at(doc, &(1..doc.len()).collect::<Vec<_>>()), options).unwrap();
    assert_eq!(
        streamed.snapshots,
        [
            r#"{}"#,
            r#"{"a":"xyz"}"#,
            r#"{"a":"xyz","b":[]}"#,
            r#"{"a":"xyz","b":["p"]}"#,
            r#"{"a":"xyz","b":["p","q"]}"#
        ]
    );
}

#[test]
fn held_paths_appear_whole() {
    let doc =
        br#"{"type": "weather_lookup", "args": {"city": "Paris", "days": [1, 2]}, "note": "ok"}"#;
    let options = Options::default()
        .hold("/type".parse().unwrap())
        .hold("/args/days".parse().unwrap());
    let (streamed, _) = stream(&cut_at(doc, &(1..doc.len()).collect::<Vec<_>>()), options).unwrap();
    for s in &streamed.snapshots {
        assert!(
            !s.contains("\"weather_l\"") && !s.contains("\"type\":\"\""),
            "{s}"
        );
        assert!(!s.contains("[1]") && !s.contains("\"days\":[]"), "{s}");
    }
    assert!(
        streamed
            .snapshots
            .contains(&r#"{"type":"weather_lookup"}"#.to_string())
    );
    assert!(streamed.snapshots.contains(
        &r#"{"type":"weather_lookup","args":{"city":"Paris","days":[1,2]}}"#.to_string()
    ));
    assert_eq!(
        streamed.snapshots.last().unwrap(),
        &parse(doc).unwrap().to_json()
    );
}

#[test]
fn required_keys_hide_objects_until_they_have_a_value() {
    let doc = br#"{"steps": [{"detail": "first", "title": "One", "n": 1}, {"title": null, "detail": "x"}, {"detail": "never titled"}]}"#;
    let options = Options::default().require("/steps/*".parse().unwrap(), "title");
    let (streamed, _) = stream(&cut_at(doc, &(1..doc.len()).collect::<Vec<_>>()), options).unwrap();
    let shown: Vec<&str> = streamed.snapshots.iter().map(String::as_str).collect();
    // The first step shows, with what it had, once its title begins.
    assert!(
        shown.contains(&r#"{"steps":[{"detail":"first","title":""}]}"#),
        "{shown:#?}"
    );
    assert!(
        !shown.iter().any(|s| s.contains(r#"[{"detail":"first"}"#)),
        "{shown:#?}"
    );
    // A null title is no title; the step shows only once complete.
    assert!(
        !shown.iter().any(|s| s.contains(r#"{"title":null}"#)),
        "{shown:#?}"
    );
    assert!(shown.contains(
        &r#"{"steps":[{"detail":"first","title":"One","n":1},{"title":null,"detail":"x"}]}"#
    ));
    assert_eq!(*shown.last().unwrap(), parse(doc).unwrap().to_json());
}

#[test]
fn repeated_keys_replace_in_place_with_a_replace_delta() {
    let doc = br#"{"a": 1, "b": {"x": 1}, "c": 3, "b": {"y": "new"}, "a": "last"}"#;
    let mut document = Document::with_options(Options::default().deltas(true));
    let mut ops = Vec::new();
    for chunk in cut_at(doc, &[10, 30, 45, 52]) {
        let changes = document.feed(chunk).unwrap();
        ops.extend(changes.deltas().map(|d| d.to_string()));
    }
    document.finish().unwrap();
    assert_eq!(
        document.snapshot().unwrap().to_json(),
        r#"{"a":"last","b":{"y":"new"},"c":3}"#
    );
    assert!(
        ops.contains(&r#"{"op":"replace","path":"/b","value":{"y":"new"}}"#.to_string()),
        "{ops:#?}"
    );
    assert!(
        ops.contains(&r#"{"op":"replace","path":"/a","value":"last"}"#.to_string()),
        "{ops:#?}"
    );
    // serde_json keeps the last value too.
    let theirs: serde_json::Value = serde_json::from_slice(doc).unwrap();
    let ours: serde_json::Value =
        serde_json::from_str(&document.snapshot().unwrap().to_json()).unwrap();
    assert_eq!(ours, theirs);
    // Many members: the key index switches to a map.
    let mut big = String::from("{");
    for i in 0..100 {
        big.push_str(&format!("\"k{i}\":{i},"));
    }
    big.push_str("\"k7\":\"seven\",\"k99\":true}");
    let mut document = Document::new();
    document.feed(big.as_bytes()).unwrap();
    document.finish().unwrap();
    let v = document.snapshot().unwrap().value();
    assert_eq!(v.get("k7"), Some(&Value::String("seven".into())));
    assert_eq!(v.get("k99"), Some(&Value::Bool(true)));
    assert_eq!(v, {
        let Value::Object(m) = parse(big.as_bytes()).unwrap() else {
            unreachable!()
        };
        let mut dedup: Vec<(String, Value)> = Vec::new();
        for (k, v) in m {
            match dedup.iter_mut().find(|(x, _)| *x == k) {
                Some(slot) => slot.1 = v,
                None => dedup.push((k, v)),
            }
        }
        Value::Object(dedup)
    });
}

#[test]
fn items_arrive_when_they_close() {
    let doc = br#"{"sections": [{"title": "A", "bullets": ["a1", "a2"]}, {"title": "B", "bullets": [3, {"k": []}]}], "users": [{"n": 1}]}"#;
    let options = Options::default()
        .items("/sections/*/bullets".parse().unwrap())
        .items("/users".parse().unwrap());
    for cuts in [
        vec![],
        (1..doc.len()).collect::<Vec<_>>(),
        vec![7, 19, 20, 50, 51, 99],
    ] {
        let (streamed, _) = stream(&cut_at(doc, &cuts), options.clone()).unwrap();
        let done: Vec<(&str, usize, &str)> = streamed
            .items
            .iter()
            .map(|(p, i, j)| (p.as_str(), *i, j.as_str()))
            .collect();
        assert_eq!(
            done,
            [
                ("/sections/0/bullets", 0, r#""a1""#),
                ("/sections/0/bullets", 1, r#""a2""#),
                ("/sections/1/bullets", 0, "3"),
                ("/sections/1/bullets", 1, r#"{"k":[]}"#),
                ("/users", 0, r#"{"n":1}"#),
            ]
        );
        assert_eq!(streamed.started.len(), 5);
    }
    // An item is reported the moment its closing byte is fed.
    let mut document = Document::with_options(Options::default().items("".parse().unwrap()));
    let changes = document.feed(br#"[{"a": 1}, {"b": "x"#).unwrap();
    let done: Vec<_> = changes.items().iter().filter_map(|i| i.json()).collect();
    assert_eq!(done, [r#"{"a":1}"#]);
    let changes = document.feed(br#""}"#).unwrap();
    let done: Vec<_> = changes.items().iter().filter_map(|i| i.json()).collect();
    assert_eq!(done, [r#"{"b":"x"}"#]);
}

#[test]
fn truncated_input_gives_the_best_partial_value() {
    let doc = br#"{"answer": {"steps": ["one", "tw"#;
    let mut document = Document::new();
    document.feed(doc).unwrap();
    let end = document.finish().unwrap();
    match end.outcome() {
        Some(Outcome::Incomplete(e)) => {
            assert!(e.is_eof());
            assert_eq!(e.offset(), doc.len() as u64);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        end.snapshot().unwrap().to_json(),
        r#"{"answer":{"steps":["one","tw"]}}"#
    );
    assert!(!end.is_complete());
    // Syntax errors are errors, and the snapshot so far remains.
    let mut document = Document::new();
    let err = document.feed(br#"{"a": [1, 2 3]"#).unwrap_err();
    assert_eq!(err.to_string(), "expected `,` or `]` at line 1 column 13");
    assert_eq!(document.snapshot().unwrap().to_json(), r#"{"a":[1,2]}"#);
    // Nothing at all.
    let mut document = Document::new();
    let end = document.finish().unwrap();
    assert!(matches!(end.outcome(), Some(Outcome::Incomplete(_))));
    assert!(end.snapshot().is_none());
}

#[test]
fn node_states_follow_the_spine() {
    let mut document = Document::with_options(Options::default().hold("/b/h".parse().unwrap()));
    assert_eq!(document.state_at(""), NodeState::Pending);
    document
        .feed(br#"{"a": [1, {"x": "y"}], "b": {"c": "d", "h": "partial"#)
        .unwrap();
    assert_eq!(document.state_at(""), NodeState::Incomplete);
    assert_eq!(document.state_at("/a"), NodeState::Complete);
    assert_eq!(document.state_at("/a/1/x"), NodeState::Complete);
    assert_eq!(document.state_at("/b"), NodeState::Incomplete);
    assert_eq!(document.state_at("/b/c"), NodeState::Complete);
    assert_eq!(document.state_at("/b/h"), NodeState::Pending);
}

#[test]
fn lenient_input_finds_the_value_in_what_a_model_writes() {
    let cases: &[(&str, &str)] = &[
        (
            "Sure! Here it is:\n```json\n{\"a\": [1, 2]}\n```\nAnything else?",
            r#"{"a":[1,2]}"#,
        ),
        ("```\n[{\"x\": \"}```{\"}]\n```", r#"[{"x":"}```{"}]"#),
        (
            "<think>I could answer {\"a\": 0} or [1] here.</think>\n{\"a\": 1} trailing {\"b\": 2}",
            r#"{"a":1}"#,
        ),
        (
            "Use the {name} field [see below]:\n{ \"name\": \"n\" }",
            r#"{"name":"n"}"#,
        ),
        (
            "<thinking>x</thinking><reasoning>[1]</reasoning>[\"ok\"]",
            r#"["ok"]"#,
        ),
        ("{}", "{}"),
        ("  [ ]  ", "[]"),
        // Markdown links and bracketed words that begin like a literal.
        (
            "See [techcrunch.com](https://techcrunch.com), [nullable] and [fa].\n{\"a\": 1}",
            r#"{"a":1}"#,
        ),
        ("[truth] is [true, false]", "[true,false]"),
        ("[ null ]", "[null]"),
        ("[true]", "[true]"),
        ("[fals] then [false ,1]", "[false,1]"),
        ("[t[1, 2]", "[1,2]"),
        (
            "Result: {\n\n   \"deep\": {\"k\": \"v\"}}",
            r#"{"deep":{"k":"v"}}"#,
        ),
    ];
    for (input, expected) in cases {
        for cuts in [vec![], (1..input.len()).collect::<Vec<_>>()] {
            let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
            for chunk in cut_at(input.as_bytes(), &cuts) {
                document
                    .feed(chunk)
                    .unwrap_or_else(|e| panic!("{input:?}: {e}"));
            }
            let end = document.finish().unwrap();
            assert_eq!(end.outcome(), Some(Outcome::Complete), "{input:?}");
            assert_eq!(
                end.snapshot().map(|s| s.to_json()).as_deref(),
                Some(*expected),
                "{input:?} {cuts:?}"
            );
        }
    }
    // The value streams out before the fence closes.
    let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
    let changes = document
        .feed(b"Here:\n```json\n{\"story\": \"Once upon")
        .unwrap();
    assert_eq!(
        changes.snapshot().unwrap().to_json(),
        r#"{"story":"Once upon"}"#
    );
    // Errors point into the whole input, prose included.
    let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
    let err = document
        .feed(b"line one\nline two {\"a\": tru }")
        .unwrap_err();
    assert_eq!((err.line(), err.column(), err.offset()), (2, 19, 27));
    // No value at all is an incomplete (empty) output, not a crash.
    let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
    document.feed(b"I cannot help with that.").unwrap();
    let end = document.finish().unwrap();
    assert!(matches!(end.outcome(), Some(Outcome::Incomplete(_))));
    assert!(end.snapshot().is_none());
}

#[test]
fn lenient_input_with_a_known_root_skips_the_other_kind() {
    let cases: &[(&str, Lenient, Option<&str>)] = &[
        (
            "Per [1] and [2, 3], see {\"a\": [1]}",
            Lenient::Object,
            Some(r#"{"a":[1]}"#),
        ),
        (
            "Per [1] and [2, 3], see {\"a\": [1]}",
            Lenient::Any,
            Some("[1]"),
        ),
        (
            "Per [1] and [2, 3], see {\"a\": [1]}",
            Lenient::Array,
            Some("[1]"),
        ),
        (
            "Use {\"x\": 1} like so: [{\"x\": 2}]",
            Lenient::Array,
            Some(r#"[{"x":2}]"#),
        ),
        (
            "Use {\"x\": 1} like so: [{\"x\": 2}]",
            Lenient::Object,
            Some(r#"{"x":1}"#),
        ),
        // Inside the value, brackets of either kind are the tokenizer's.
        (
            "[1] {\"a\": [{\"b\": []}]}",
            Lenient::Object,
            Some(r#"{"a":[{"b":[]}]}"#),
        ),
        // A fenced array is still skipped when an object is wanted.
        (
            "```json\n[1, 2]\n```\nno object here",
            Lenient::Object,
            None,
        ),
    ];
    for &(input, root, expected) in cases {
        for cuts in [vec![], (1..input.len()).collect::<Vec<_>>()] {
            let options = Options::default().lenient(root);
            let mut document = Document::with_options(options);
            for chunk in cut_at(input.as_bytes(), &cuts) {
                document
                    .feed(chunk)
                    .unwrap_or_else(|e| panic!("{input:?}: {e}"));
            }
            let end = document.finish().unwrap();
            assert_eq!(
                end.snapshot().map(|s| s.to_json()).as_deref(),
                expected,
                "{input:?} {root:?} {cuts:?}"
            );
        }
    }
    // Positions still count the skipped prose, citations included.
    let options = Options::default().lenient(Lenient::Object);
    let mut document = Document::with_options(options);
    let err = document.feed(b"see [1]\n[2] {\"a\": tru }").unwrap_err();
    assert_eq!((err.line(), err.column(), err.offset()), (2, 14, 21));
}

#[test]
fn deep_and_wide_input_within_limits() {
    let config = Config::default().max_depth(Some(10_000));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut document = Document::with_options(Options::default().tokenizer(config).deltas(true));
    document.feed(deep.as_bytes()).unwrap();
    document.finish().unwrap();
    assert_eq!(document.snapshot().unwrap().to_json(), deep);
}

/// A JSON value for property tests, with object keys unique (a repeated key
/// replaces, so its snapshots are not prefixes of the final value).
fn arb_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        (-1e6f64..1e6).prop_map(|f| serde_json::json!(f)),
        "[a-z \"\\\\\n\u{e9}\u{1f600}]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z/~]{0,5}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_values_stream_consistently_with_deltas_and_items(
        value in arb_value(),
        pretty in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
    ) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { serde_json::to_string(&value).unwrap() };
        let doc = text.as_bytes();
        let fin = parse(doc).unwrap();
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(doc.len() + 1)).collect();
        let options = Options::default().items("".parse().unwrap()).items("/*".parse().unwrap());
        let (streamed, _) = stream(&cut_at(doc, &cuts), options).unwrap();
        for s in &streamed.snapshots {
            consistent(&parse(s.as_bytes()).unwrap(), &fin).unwrap();
        }
        prop_assert_eq!(streamed.snapshots.last().unwrap(), &fin.to_json());
        // Items of the root array (or of arrays under the root) equal the final elements.
        let mut expected = Vec::new();
        match &fin {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Array(inner) = item {
                        for (j, x) in inner.iter().enumerate() {
                            expected.push((format!("/{i}"), j, x.to_json()));
                        }
                    }
                    expected.push((String::new(), i, item.to_json()));
                }
            }
            Value::Object(members) => {
                for (k, v) in members {
                    if let Value::Array(inner) = v {
                        let path = format!("/{}", k.replace('~', "~0").replace('/', "~1"));
                        for (j, x) in inner.iter().enumerate() {
                            expected.push((path.clone(), j, x.to_json()));
                        }
                    }
                }
            }
            _ => {}
        }
        prop_assert_eq!(&streamed.items, &expected);
        prop_assert_eq!(streamed.started.len(), expected.len());
    }
}

#[test]
fn memory_stays_within_twice_the_input() {
    for path in [
        "json-bench/twitter.json",
        "json-bench/citm_catalog.json",
        "json-bench/canada.json",
        "partial-json/jiter-benches/medium_response.json",
    ] {
        let doc = load(path);
        let mut document = Document::with_options(Options::default().items("/*".parse().unwrap()));
        for chunk in doc.chunks(4) {
            document.feed(chunk).unwrap();
        }
        document.finish().unwrap();
        let held = document.heap_bytes();
        eprintln!(
            "{path}: {} input bytes, {held} held ({:.2}x)",
            doc.len(),
            held as f64 / doc.len() as f64
        );
        assert!(
            held <= 2 * doc.len() + 4096,
            "{path}: {held} bytes held for {} bytes of input",
            doc.len()
        );
    }
}
