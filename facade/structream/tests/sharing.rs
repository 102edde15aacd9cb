//! Partials held by the consumer while the stream goes on: each stays as it
//! was handed out, and what was complete in it is shared with the later
//! partials (maps, lists and JSON values alike), not copied.

use std::collections::HashMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::partial::JsonValue;
use structream::{CallKind, Client, Event, Partial};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct Report {
    title: String,
    scores: HashMap<String, Score>,
    extra: serde_json::Value,
    shape: Shape,
    notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct Score {
    value: f64,
    comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
enum Shape {
    Circle { r: f64 },
    Square { side: f64 },
}

const REPORT: &str = r#"{"title": "Q3", "scores": {"a": {"value": 1.5, "comment": "fine"},
 "b": {"value": 2.5, "comment": "better"}, "c": {"value": 3.5, "comment": "best"}},
 "extra": {"x": {"deep": [1, 2, {"k": "v"}]}, "y": "z", "list": [[1], [2], [3]]},
 "shape": {"Circle": {"r": 2.5}}, "notes": ["one", "two", "three"]}"#;

/// Runs the report's stream in `piece`-byte deltas, each event to `on`.
fn decode(piece: usize, mut on: impl FnMut(Event<Report>)) {
    let body = structream::replay::openai_tool_calls(&[("Report", REPORT)], piece);
    let client = Client::builder_from("openai/m")
        .and_then(|b| b.api_key("unused").build())
        .unwrap();
    let mut decoder = client.body_decoder::<Report>(CallKind::Partial);
    for read in body.chunks(7) {
        decoder.feed(read).for_each(|e| on(e.unwrap()));
    }
    decoder.finish().for_each(|e| on(e.unwrap()));
}

/// Every partial of the stream, each kept to the end, with its JSON at the
/// time it was handed out; and the final value.
fn stream(piece: usize) -> (Vec<(Arc<ReportPartial>, String)>, Report) {
    let mut held = Vec::new();
    let mut done = None;
    decode(piece, |event| match event {
        Event::Partial(p) => {
            let json = serde_json::to_string(&*p).unwrap();
            held.push((p, json));
        }
        Event::Done(value) => done = Some(value),
        _ => {}
    });
    (held, done.unwrap())
}

#[test]
fn held_partials_stay_as_they_were_handed_out() {
    for piece in [1, 3, 16] {
        let (held, done) = stream(piece);
        assert!(held.len() > 10, "{}", held.len());
        for (p, json) in &held {
            assert_eq!(&serde_json::to_string(&**p).unwrap(), json);
        }
        let last = &held.last().unwrap().0;
        let expected: serde_json::Value = serde_json::from_str(REPORT).unwrap();
        assert_eq!(serde_json::to_value(&**last).unwrap(), expected);
        assert_eq!(done, serde_json::from_value(expected).unwrap());
    }
}

/// Partials made while the previous ones are held (copied with each
/// change) are the partials made in place when each is dropped at once.
#[test]
fn held_and_dropped_partials_are_the_same() {
    for piece in [1, 3, 16] {
        let mut dropped = Vec::new();
        decode(piece, |event| {
            if let Event::Partial(p) = event {
                dropped.push(serde_json::to_string(&*p).unwrap());
            }
        });
        let held: Vec<String> = stream(piece).0.into_iter().map(|(_, json)| json).collect();
        assert_eq!(held, dropped, "pieces of {piece}");
    }
}

/// The first held partial for which `ready` holds.
fn first(
    held: &[(Arc<ReportPartial>, String)],
    ready: impl Fn(&ReportPartial) -> bool,
) -> &ReportPartial {
    &held.iter().find(|(p, _)| ready(p)).expect("a partial").0
}

fn score(p: &ReportPartial) -> Option<&ScorePartial> {
    p.scores.as_ref().and_then(|s| s.get("a"))
}

fn member<'a>(p: &'a ReportPartial, key: &str) -> Option<&'a JsonValue> {
    p.extra.as_ref().and_then(|e| e.get(key))
}

/// The first item of `extra.list`, once the second began.
fn item(p: &ReportPartial) -> Option<&JsonValue> {
    match member(p, "list") {
        Some(JsonValue::Array(items)) if items.len() > 1 => items.first(),
        _ => None,
    }
}

/// The first note, once the second began.
fn note(p: &ReportPartial) -> Option<&String> {
    p.notes
        .as_ref()
        .filter(|n| n.len() > 1)
        .and_then(|n| n.first())
}

#[test]
fn what_was_complete_is_shared_with_later_partials() {
    let (held, _) = stream(2);
    let last = &held.last().unwrap().0;

    // A map's member, once the next began.
    let mid = first(&held, |p| {
        p.scores.as_ref().is_some_and(|s| s.contains_key("b"))
    });
    let (then, now) = (score(mid).unwrap(), score(last).unwrap());
    assert_eq!(then.comment.as_deref(), Some("fine"));
    assert!(std::ptr::eq(then, now));

    // A JSON value's member and an array item inside it.
    let mid = first(&held, |p| member(p, "y").is_some());
    let (then, now) = (member(mid, "x").unwrap(), member(last, "x").unwrap());
    assert!(std::ptr::eq(then, now));
    let mid = first(&held, |p| item(p).is_some());
    assert!(std::ptr::eq(item(mid).unwrap(), item(last).unwrap()));

    // A list's item.
    let mid = first(&held, |p| note(p).is_some());
    assert!(std::ptr::eq(note(mid).unwrap(), note(last).unwrap()));

    // An enum with data streams as a JSON value.
    let shape = last.shape.as_ref().unwrap();
    assert_eq!(shape.to_value(), serde_json::json!({"Circle": {"r": 2.5}}));
}
