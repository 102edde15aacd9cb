//! Every call kind (create, create_partial, create_iterable), async and
//! blocking, against every protocol crate, through the loopback server.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::replay::{self, Plan, Server};
use structream::{Client, ClientBuilder, Event, Partial, next};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct Task {
    title: String,
    minutes: u32,
    tags: Vec<String>,
}

const ONE: &str = r#"{"title": "Write the \"parser\"", "minutes": 90, "tags": ["rust", "json"]}"#;
const LIST: &str = r#"{"items": [{"title": "a", "minutes": 1, "tags": []}, {"title": "b", "minutes": 22, "tags": ["x"]}, {"title": "c", "minutes": 333, "tags": ["y", "z"]}]}"#;

/// The body `provider` would stream for tool `name` with arguments `json`.
fn body(provider: &str, name: &str, json: &str) -> Vec<u8> {
    match provider {
        "openai" => replay::openai_tool_calls(&[(name, json)], 3),
        "openai-responses" => replay::openai_responses_function_call(name, json, 4),
        "anthropic" => replay::anthropic_tool_use(name, json, 5, "tool_use"),
        "gemini" => replay::gemini_function_call(name, json),
        other => panic!("{other}"),
    }
}

const PROVIDERS: [&str; 4] = ["openai", "openai-responses", "anthropic", "gemini"];

async fn serve(provider: &str) -> (Server, Client) {
    let plans = vec![
        Plan::stream(body(provider, "Task", ONE), vec![5, 40, 41, 300]),
        Plan::stream(body(provider, "Task", ONE), vec![9, 90]),
        Plan::stream(body(provider, "TaskList", LIST), vec![17, 18, 400]),
    ];
    let server = Server::start(plans).await;
    let client = ClientBuilder::from_provider(&format!("{provider}/m"))
        .unwrap()
        .api_key("k")
        .base_url(server.base_url())
        .build()
        .unwrap();
    (server, client)
}

fn expected() -> Task {
    Task {
        title: "Write the \"parser\"".into(),
        minutes: 90,
        tags: vec!["rust".into(), "json".into()],
    }
}

/// Checks a partial stream: partials consistent with the final value, then it.
fn check_partials(provider: &str, events: Vec<Event<Task>>) {
    let (last, partials) = events.split_last().unwrap();
    assert!(
        matches!(last, Event::Done(t) if *t == expected()),
        "{provider}: {last:?}"
    );
    assert!(!partials.is_empty(), "{provider}: no partial");
    for event in partials {
        let Event::Partial(p) = event else {
            panic!("{provider}: {event:?}")
        };
        assert!(
            p.minutes.is_none() || p.minutes == Some(90),
            "{provider}: {p:?}"
        );
        assert!(
            expected()
                .title
                .starts_with(p.title.as_deref().unwrap_or("")),
            "{provider}: {p:?}"
        );
    }
}

fn check_items(provider: &str, events: Vec<Event<Task>>) {
    let minutes: Vec<u32> = events
        .into_iter()
        .map(|e| match e {
            Event::Item(t) => t.minutes,
            other => panic!("{provider}: {other:?}"),
        })
        .collect();
    assert_eq!(minutes, [1, 22, 333], "{provider}");
}

#[tokio::test]
async fn async_calls_against_every_protocol() {
    for provider in PROVIDERS {
        let (server, client) = serve(provider).await;
        let task: Task = client.create("plan").await.unwrap();
        assert_eq!(task, expected(), "{provider}");
        let mut stream = client.create_partial::<Task>("plan");
        let mut events = Vec::new();
        while let Some(e) = next(&mut stream).await {
            events.push(e.unwrap());
        }
        check_partials(provider, events);
        let mut stream = client.create_iterable::<Task>("plan");
        let mut events = Vec::new();
        while let Some(e) = next(&mut stream).await {
            events.push(e.unwrap());
        }
        check_items(provider, events);
        assert_eq!(server.received().len(), 3);
    }
}

#[test]
fn blocking_calls_against_every_protocol() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for provider in PROVIDERS {
        let (_server, client) = runtime.block_on(serve(provider));
        let client = structream::blocking::Client::new(client).unwrap();
        let task: Task = client.create("plan").unwrap();
        assert_eq!(task, expected(), "{provider}");
        check_partials(
            provider,
            client
                .create_partial::<Task>("plan")
                .map(Result::unwrap)
                .collect(),
        );
        check_items(
            provider,
            client
                .create_iterable::<Task>("plan")
                .map(Result::unwrap)
                .collect(),
        );
    }
}
