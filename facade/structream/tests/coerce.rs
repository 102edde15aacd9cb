//! Schema-aligned coercion through the client, against a loopback server:
//! a sloppy answer read as its schema asks, reported, and not asked again;
//! on by default where models answer sloppily, off with the builder switch.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::replay::{self, Plan, Server};
use structream::{
    CallStream, ClientBuilder, Coercion, CoercionKind, Error, Event, Mode, Partial, Request, next,
};

/// An employee mentioned in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct Employee {
    name: String,
    age: u32,
    role: Role,
    tags: Vec<String>,
    manager: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
#[serde(rename_all = "snake_case")]
enum Role {
    Engineer,
    Manager,
}

/// What a small model writes: an age in a string, the enum value in
/// another case, one tag where a list is asked for, "None" for no manager.
const SLOPPY: &str =
    r#"{"name": "Jason", "age": "25", "role": "Engineer", "tags": "rust", "manager": "None"}"#;

fn jason() -> Employee {
    Employee {
        name: "Jason".into(),
        age: 25,
        role: Role::Engineer,
        tags: vec!["rust".into()],
        manager: None,
    }
}

fn at(path: &str, kind: CoercionKind) -> Coercion {
    Coercion::Value {
        path: path.into(),
        kind,
    }
}

/// The coercions of [`SLOPPY`], in order.
fn sloppy_coercions() -> Vec<Coercion> {
    vec![
        at("/age", CoercionKind::NumberFromString),
        at("/role", CoercionKind::EnumSpelling),
        at("/tags", CoercionKind::ListOfOne),
        at("/manager", CoercionKind::NullFromString),
    ]
}

/// A server answering every request with `body`, in pieces.
async fn serve(body: Vec<u8>) -> Server {
    let cuts = (1..body.len()).step_by(37).collect();
    Server::start(vec![Plan::stream(body, cuts)]).await
}

fn builder(provider: &str, server: &Server) -> ClientBuilder {
    ClientBuilder::from_provider(&format!("{provider}/replay-model"))
        .unwrap()
        .api_key("sk-test-not-a-real-key")
        .base_url(server.base_url())
        .max_retries(2)
}

#[tokio::test]
async fn a_compatible_servers_sloppy_answer_validates_with_one_request() {
    // Ollama: an OpenAI-compatible server, JSON mode by default.
    let server = serve(replay::openai_content(SLOPPY, 5, "stop")).await;
    let client = builder("ollama", &server).build().unwrap();
    let done = client
        .create_with_completion::<Employee>("Jason, 25, engineer")
        .await
        .unwrap();
    assert_eq!(done.value, jason());
    assert_eq!(done.coercions, sloppy_coercions());
    assert_eq!(done.retries, 0);
    assert_eq!(done.raw, SLOPPY);
    assert_eq!(server.received().len(), 1);

    // A compatible server in the tools mode too.
    let server = serve(replay::openai_tool_calls(&[("Employee", SLOPPY)], 5)).await;
    let client = builder("vllm", &server).build().unwrap();
    let value: Employee = client.create("Jason").await.unwrap();
    assert_eq!(value, jason());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn off_by_default_for_openai_tools_on_in_the_json_modes_and_switchable() {
    let tools = replay::openai_tool_calls(&[("Employee", SLOPPY)], 5);
    let content = replay::openai_content(SLOPPY, 5, "stop");
    let fenced = replay::openai_content(&format!("Here:\n```json\n{SLOPPY}\n```"), 5, "stop");

    // OpenAI's own tools (strict schemas): a sloppy answer is an error,
    // asked again (and again wrong here).
    let server = serve(tools.clone()).await;
    let err = builder("openai", &server)
        .build()
        .unwrap()
        .create::<Employee>("Jason")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RetriesExhausted { .. }), "{err:?}");
    assert_eq!(server.received().len(), 3);

    // Switched on.
    let server = serve(tools).await;
    let value = builder("openai", &server)
        .coerce(true)
        .build()
        .unwrap()
        .create::<Employee>("Jason")
        .await
        .unwrap();
    assert_eq!(value, jason());
    assert_eq!(server.received().len(), 1);

    // JSON and markdown JSON modes: on, also for OpenAI itself.
    for (mode, body) in [(Mode::Json, &content), (Mode::MarkdownJson, &fenced)] {
        let server = serve(body.clone()).await;
        let client = builder("openai", &server).build().unwrap();
        let value = client
            .create::<Employee>(Request::user("Jason").mode(mode))
            .await
            .unwrap();
        assert_eq!(value, jason(), "{mode:?}");
        assert_eq!(server.received().len(), 1, "{mode:?}");
    }

    // Switched off for a compatible server in JSON mode.
    let server = serve(content).await;
    let err = builder("ollama", &server)
        .coerce(false)
        .max_retries(0)
        .build()
        .unwrap()
        .create::<Employee>("Jason")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { path, .. } if path == "/age"),
        "{err:?}"
    );
}

/// What a stream yields, partials left out.
async fn events(mut stream: CallStream<Employee>) -> Vec<Event<Employee>> {
    let mut out = Vec::new();
    while let Some(event) = next(&mut stream).await {
        match event.unwrap() {
            Event::Partial(_) => {}
            other => out.push(other),
        }
    }
    out
}

fn coerced(events: &[Event<Employee>]) -> Vec<Coercion> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Coerced(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn streams_report_each_coercion_before_the_value_or_item_it_concerns() {
    let server = serve(replay::openai_content(SLOPPY, 3, "stop")).await;
    let client = builder("ollama", &server).build().unwrap();
    let seen = events(client.create_partial::<Employee>("Jason")).await;
    assert_eq!(coerced(&seen), sloppy_coercions());
    assert!(matches!(seen.last(), Some(Event::Done(e)) if *e == jason()));
    assert_eq!(seen.len(), 5);

    // Items: coerced as each closes, paths within the item, reported just
    // before it.
    let fine = r#"{"name": "John", "age": 30, "role": "manager", "tags": [], "manager": null}"#;
    let list = format!(r#"{{"items": [{SLOPPY}, {fine}, {SLOPPY}]}}"#);
    let server = serve(replay::openai_content(&list, 4, "stop")).await;
    let client = builder("ollama", &server).build().unwrap();
    let seen = events(client.create_iterable::<Employee>("everyone")).await;
    let mut expected = Vec::new();
    for item in [true, false, true] {
        if item {
            expected.extend(sloppy_coercions().into_iter().map(Event::Coerced));
        }
        expected.push(Event::Item(if item {
            jason()
        } else {
            Employee {
                name: "John".into(),
                age: 30,
                role: Role::Manager,
                tags: vec![],
                manager: None,
            }
        }));
    }
    assert_eq!(format!("{seen:?}"), format!("{expected:?}"));

    // One item alone, not a list: a list of one, then the item's own
    // coercions.
    let server = serve(replay::openai_content(SLOPPY, 4, "stop")).await;
    let client = builder("ollama", &server).build().unwrap();
    let seen = events(client.create_iterable::<Employee>("everyone")).await;
    let mut expected = vec![Coercion::SingleItem];
    expected.extend(sloppy_coercions());
    assert_eq!(coerced(&seen), expected);
    assert_eq!(server.received().len(), 1);

    // One item in the wrapper, not in a list: a list of one too.
    let wrapped = format!(r#"{{"items": {SLOPPY}}}"#);
    let server = serve(replay::openai_content(&wrapped, 4, "stop")).await;
    let client = builder("ollama", &server).build().unwrap();
    let seen = events(client.create_iterable::<Employee>("everyone")).await;
    assert_eq!(coerced(&seen), expected);
    let items: Vec<&Employee> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Item(item) => Some(item),
            _ => None,
        })
        .collect();
    assert_eq!(items, [&jason()]);
    assert_eq!(server.received().len(), 1);
}

/// What a small model writes in JSON mode: almost JSON, and sloppy in its
/// types too.
const ALMOST_JSON: &str = "Sure! Here it is:\n```json\n{\"name\": 'Jason', // the name\n age: \"25\", \
     \"role\": \"Engineer\", \"tags\": ['rust',], \"manager\": None,}\n```";

#[tokio::test]
async fn almost_json_is_repaired_and_aligned_with_one_request() {
    let body = replay::openai_content(ALMOST_JSON, 4, "stop");
    let server = serve(body.clone()).await;
    let client = builder("ollama", &server).build().unwrap();
    let done = client
        .create_with_completion::<Employee>("Jason")
        .await
        .unwrap();
    assert_eq!(done.value, jason());
    assert_eq!(
        done.coercions,
        [
            at("/age", CoercionKind::NumberFromString),
            at("/role", CoercionKind::EnumSpelling),
        ]
    );
    assert_eq!(done.retries, 0);
    assert_eq!(server.received().len(), 1);

    // Repair off: the answer holds no JSON that can be read, and is asked
    // again (and again wrong here).
    let server = serve(body).await;
    let err = builder("ollama", &server)
        .repair(false)
        .max_retries(1)
        .build()
        .unwrap()
        .create::<Employee>("Jason")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RetriesExhausted { .. }), "{err:?}");
    assert_eq!(server.received().len(), 2);
}
