//! `#[derive(Partial)]` and delta application against streamed documents.

use serde::{Deserialize, Serialize};
use structream::partial::{Json, Policies};
use structream::{Partial, PartialValue};
use structream_parser::document::{Document, Options};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Partial)]
#[serde(rename_all = "camelCase")]
struct Ticket {
    ticket_id: u32,
    #[structream(done)]
    priority: Priority,
    summary: String,
    tags: Vec<String>,
    #[serde(rename = "who")]
    assignee: Option<Person>,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Partial)]
#[structream(validate = "adult")]
struct Person {
    name: String,
    age: Option<u8>,
}

fn adult(p: &Person) -> Result<(), String> {
    match p.age {
        Some(age) if age < 18 => Err(format!("{} is {age}, not an adult", p.name)),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Partial)]
struct Step {
    #[structream(required)]
    title: String,
    detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Partial)]
#[serde(rename_all = "lowercase")]
enum Priority {
    Low,
    High,
}

const DOC: &str = r#"{"ticketId": 42, "priority": "high", "summary": "Printer \"on fire\"", "tags": ["hw", "urgent"],
 "who": {"name": "Jane", "age": 30}, "steps": [{"detail": "unplug", "title": "Safety"}, {"title": "Call", "detail": "IT"}],
 "extra": {"ignored": true}}"#;

fn options() -> Options {
    let policies = Policies::of::<Ticket>();
    let mut options = Options::default().deltas(true);
    for p in &policies.hold {
        options = options.hold(p.parse().unwrap());
    }
    for (p, k) in &policies.require {
        options = options.require(p.parse().unwrap(), k.clone());
    }
    options
}

#[test]
fn policies_come_from_the_type() {
    let policies = Policies::of::<Ticket>();
    assert_eq!(policies.hold, ["/priority"]);
    assert_eq!(
        policies.require,
        [("/steps/*".to_owned(), "title".to_owned())]
    );
}

#[test]
fn partials_follow_the_stream_and_end_equal_to_the_value() {
    for size in [1, 2, 5, 13, 1000] {
        let mut doc = Document::with_options(options());
        let mut partial: Option<TicketPartial> = None;
        let mut seen = Vec::new();
        for chunk in DOC.as_bytes().chunks(size).chain([&[][..]]) {
            let changes = if chunk.is_empty() {
                doc.finish().unwrap()
            } else {
                doc.feed(chunk).unwrap()
            };
            for delta in changes.deltas() {
                let path = delta.path();
                match (&mut partial, path.is_empty()) {
                    (p, true) => {
                        *p = Some(Json::read(delta.value(), TicketPartial::create).unwrap());
                    }
                    (Some(p), false) => {
                        // Members the type lacks (`extra`) are ignored; nothing else fails.
                        p.apply(path, delta.op(), delta.value()).unwrap();
                    }
                    (None, false) => panic!("delta before the root"),
                }
            }
            if changes.changed() {
                seen.push(serde_json::to_string(partial.as_ref().unwrap()).unwrap());
            }
        }
        let p = partial.unwrap();
        assert_eq!(p.ticket_id, Some(42));
        assert_eq!(p.priority, Some(Priority::High));
        assert_eq!(p.summary.as_deref(), Some("Printer \"on fire\""));
        assert_eq!(
            p.tags.as_ref().map(|t| t.to_vec()),
            Some(vec!["hw".to_owned(), "urgent".to_owned()])
        );
        let who = p.assignee.as_ref().unwrap();
        assert_eq!((who.name.as_deref(), who.age), (Some("Jane"), Some(30)));
        assert_eq!(p.steps.as_ref().unwrap().len(), 2);
        assert_eq!(
            p.steps.as_ref().unwrap()[0].title.as_deref(),
            Some("Safety")
        );
        // No partial ever showed a half priority or a step without a title.
        for s in &seen {
            assert!(!s.contains("\"priority\":\"h\""), "{s}");
            assert!(!s.contains(r#"{"detail":"unplug"}"#), "{s}");
        }
        // The final partial serializes to what the complete value does.
        let value: Ticket = serde_json::from_str(DOC).unwrap();
        let full = serde_json::to_value(&value).unwrap();
        assert_eq!(serde_json::to_value(&p).unwrap(), full, "chunks of {size}");
    }
}

/// Member names a JSON Pointer escapes, names that prefix others, and an
/// alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Partial)]
struct Awkward {
    #[serde(rename = "a/b")]
    slash: String,
    #[serde(rename = "~x~1")]
    tilde: Vec<u32>,
    tag: String,
    tags: Vec<String>,
    #[serde(alias = "nick")]
    name: Option<String>,
}

#[test]
fn deltas_find_members_by_their_escaped_names() {
    let json = r#"{"tags": ["p", "q"], "a/b": "sl", "~x~1": [1, 2], "tag": "t", "nick": "N"}"#;
    for size in [1, 3, 1000] {
        let mut doc = Document::with_options(Options::default().deltas(true));
        let mut partial: Option<AwkwardPartial> = None;
        for chunk in json.as_bytes().chunks(size) {
            for delta in doc.feed(chunk).unwrap().deltas() {
                if delta.path().is_empty() {
                    partial = Some(Json::read(delta.value(), AwkwardPartial::create).unwrap());
                } else if let Some(p) = &mut partial {
                    p.apply(delta.path(), delta.op(), delta.value()).unwrap();
                }
            }
        }
        let p = partial.unwrap();
        let value: Awkward = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::to_value(&value).unwrap()
        );
        assert_eq!(p.slash.as_deref(), Some("sl"), "chunks of {size}");
        assert_eq!(p.tilde.map(|t| t.to_vec()), Some(vec![1, 2]));
        assert_eq!(p.tag.as_deref(), Some("t"));
        assert_eq!(
            p.tags.map(|t| t.to_vec()),
            Some(vec!["p".into(), "q".into()])
        );
        assert_eq!(p.name.as_deref(), Some("N"));
    }
}

#[test]
fn creating_from_a_partial_object_keeps_what_fits() {
    let p = Json::read(
        r#"{"name": "Jo", "age": 300, "other": 1}"#,
        PersonPartial::create,
    )
    .unwrap();
    assert_eq!(p.name.as_deref(), Some("Jo"));
    assert_eq!(p.age, None); // 300 does not fit a u8
    let mut p = p;
    assert!(p.apply("/age", structream::DeltaOp::Add, "7").is_ok());
    assert_eq!(p.age, Some(7));
}

#[test]
fn the_validation_hook_is_called() {
    use structream::Validate;
    let kid = Person {
        name: "Tim".into(),
        age: Some(9),
    };
    assert_eq!(kid.validate(), Err("Tim is 9, not an adult".to_owned()));
    assert_eq!(
        Person {
            name: "Al".into(),
            age: None
        }
        .validate(),
        Ok(())
    );
    let step = Step {
        title: "t".into(),
        detail: "d".into(),
    };
    assert_eq!(step.validate(), Ok(()));
}
