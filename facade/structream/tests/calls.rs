//! Every call kind, async and blocking, against each protocol through a
//! loopback HTTP server replaying made-up and recorded streams.

use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::replay::{self, Plan, Server};
use structream::{Client, ClientBuilder, Error, Event, Mode, Partial, Request, next};

/// A person mentioned in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
#[structream(validate = "no_minors_named_bob")]
struct User {
    name: String,
    #[schemars(range(min = 0, max = 150))]
    age: u32,
}

fn no_minors_named_bob(u: &User) -> Result<(), String> {
    if u.name == "Bob" && u.age < 18 {
        Err("Bob must be an adult".into())
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct Weather {
    city: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct Search {
    query: String,
}

/// One tool per variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
enum Action {
    Weather(Weather),
    Search(Search),
}

const JASON: &str = r#"{"name": "Jason \"J\" Smith", "age": 25}"#;
const USERS: &str = r#"{"items": [{"name": "Jason", "age": 10}, {"name": "John", "age": 30}]}"#;

async fn connect(provider: &str, server: &Server) -> Client {
    ClientBuilder::from_provider(&format!("{provider}/replay-model"))
        .unwrap()
        .api_key("sk-planted-secret-0123456789")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

fn plan(body: Vec<u8>) -> Plan {
    let cuts = (7..body.len()).step_by(53).collect();
    Plan::stream(body, cuts)
}

#[tokio::test]
async fn create_returns_the_validated_value_for_every_protocol() {
    let expected = User {
        name: "Jason \"J\" Smith".into(),
        age: 25,
    };
    let bodies = [
        ("openai", replay::openai_tool_calls(&[("User", JASON)], 3)),
        (
            "anthropic",
            replay::anthropic_tool_use("User", JASON, 5, "tool_use"),
        ),
        ("gemini", replay::gemini_function_call("User", JASON)),
    ];
    for (provider, body) in bodies {
        let server = Server::start(vec![plan(body)]).await;
        let client = connect(provider, &server).await;
        let done = client
            .create_with_completion::<User>("Jason is 25")
            .await
            .unwrap();
        assert_eq!(done.value, expected, "{provider}");
        assert!(
            done.usage.input_tokens > 0,
            "{provider}: usage comes through"
        );
        assert_eq!(done.retries, 0);
        let sent = String::from_utf8(server.received()[0].body.clone()).unwrap();
        assert!(
            sent.contains("Jason is 25") && sent.contains("\"age\""),
            "{provider}: {sent}"
        );
    }
    // JSON content modes: OpenAI JSON schema, Gemini text, markdown JSON.
    let fenced = format!("Sure:\n```json\n{JASON}\n```");
    for (mode, body) in [
        (Mode::JsonSchema, replay::openai_content(JASON, 4, "stop")),
        (
            Mode::MarkdownJson,
            replay::openai_content(&fenced, 4, "stop"),
        ),
    ] {
        let server = Server::start(vec![plan(body)]).await;
        let user: User = connect("openai", &server)
            .await
            .create(Request::user("x").mode(mode))
            .await
            .unwrap();
        assert_eq!(user, expected, "{mode:?}");
    }
    let server = Server::start(vec![plan(replay::gemini_text(JASON, 6))]).await;
    let user: User = connect("gemini", &server)
        .await
        .create(Request::user("x").mode(Mode::JsonSchema))
        .await
        .unwrap();
    assert_eq!(user, expected);
}

#[tokio::test]
async fn citations_before_the_json_in_text_are_prose() {
    // A model that cites its sources ([1], [2, 3]) before the answer: the
    // schema asks for an object, so the bracketed numbers are not taken for
    // the value (which would fail validation and cost a retry).
    let text = format!("Per [1] and [2, 3], the user is:\n```json\n{JASON}\n```");
    let server = Server::start(vec![plan(replay::openai_content(&text, 4, "stop"))]).await;
    let user: User = connect("openai", &server)
        .await
        .create(Request::user("x").mode(Mode::MarkdownJson).max_retries(0))
        .await
        .unwrap();
    assert_eq!(user.name, "Jason \"J\" Smith");
    assert_eq!(server.received().len(), 1);
    // A list is asked for as an object holding it: the same holds.
    let text = format!("Found two [1]: {USERS}");
    let server = Server::start(vec![plan(replay::openai_content(&text, 4, "stop"))]).await;
    let client = connect("openai", &server).await;
    let mut stream =
        client.create_iterable::<User>(Request::user("x").mode(Mode::MarkdownJson).max_retries(0));
    let mut names = Vec::new();
    while let Some(event) = next(&mut stream).await {
        if let Event::Item(user) = event.unwrap() {
            names.push(user.name);
        }
    }
    assert_eq!(names, ["Jason", "John"]);
}

#[tokio::test]
async fn partials_grow_monotonically_without_half_numbers_and_end_with_the_value() {
    for (provider, body) in [
        ("openai", replay::openai_tool_calls(&[("User", JASON)], 1)),
        (
            "anthropic",
            replay::anthropic_tool_use("User", JASON, 2, "tool_use"),
        ),
    ] {
        // One network read per SSE frame: one partial per visible change.
        let frames: Vec<usize> = body
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w == b"\n\n")
            .map(|(i, _)| i + 2)
            .collect();
        let server = Server::start(vec![Plan::stream(body, frames)]).await;
        let client = connect(provider, &server).await;
        let mut stream = client.create_partial::<User>("Jason is 25");
        let mut seen: Vec<String> = Vec::new();
        let mut done = None;
        while let Some(event) = next(&mut stream).await {
            match event.unwrap() {
                Event::Partial(p) => {
                    // Never a half number: the age shows once complete.
                    assert!(p.age.is_none() || p.age == Some(25), "{p:?}");
                    let name = p.name.clone().unwrap_or_default();
                    assert!("Jason \"J\" Smith".starts_with(&name), "{name}");
                    seen.push(serde_json::to_string(&*p).unwrap());
                }
                Event::Done(user) => done = Some(user),
                other => panic!("{other:?}"),
            }
        }
        assert!(seen.len() > 10, "{provider}: {seen:?}");
        assert!(
            seen.windows(2).all(|w| w[0] != w[1]),
            "no duplicate partials"
        );
        assert_eq!(
            seen.last().unwrap(),
            r#"{"name":"Jason \"J\" Smith","age":25}"#
        );
        assert_eq!(done.unwrap().age, 25);
        assert!(stream.usage().output_tokens > 0);
    }
}

#[tokio::test]
async fn items_arrive_before_the_rest_of_the_body_is_sent() {
    let body = replay::openai_tool_calls(&[("UserList", USERS)], 4);
    // Hold everything after the first user's closing brace.
    let text = String::from_utf8(body.clone()).unwrap();
    let first_close = text.find("10}").expect("the first item's end") + 3;
    let gate_at = text[first_close..].find("\n\n").unwrap() + first_close + 2;
    let gate = Arc::new(tokio::sync::Notify::new());
    let server = Server::start(vec![
        Plan::stream(body, vec![]).gated(gate_at, gate.clone()),
    ])
    .await;
    let client = connect("openai", &server).await;
    let mut stream = client.create_iterable::<User>("Jason is 10 and John is 30");
    let first = tokio::time::timeout(Duration::from_secs(10), next(&mut stream))
        .await
        .expect("the first item comes while the rest is held");
    assert!(
        matches!(first, Some(Ok(Event::Item(ref u))) if u.name == "Jason"),
        "{first:?}"
    );
    gate.notify_one();
    let second = next(&mut stream).await;
    assert!(
        matches!(second, Some(Ok(Event::Item(ref u))) if u.name == "John"),
        "{second:?}"
    );
    assert!(next(&mut stream).await.is_none());
}

#[tokio::test]
async fn a_union_over_parallel_tool_calls_resolves_each_call_by_its_tool_name() {
    let body = replay::openai_tool_calls(
        &[
            ("Weather", r#"{"city": "Paris"}"#),
            ("Search", r#"{"query": "rust streaming json"}"#),
        ],
        5,
    );
    let server = Server::start(vec![plan(body)]).await;
    let client = connect("openai", &server).await;
    let mut stream = client.create_iterable::<Action>(
        Request::user("weather in Paris and search").mode(Mode::ParallelTools),
    );
    let mut got = Vec::new();
    while let Some(event) = next(&mut stream).await {
        if let Event::Item(a) = event.unwrap() {
            got.push(a);
        }
    }
    assert_eq!(
        got,
        [
            Action::Weather(Weather {
                city: "Paris".into()
            }),
            Action::Search(Search {
                query: "rust streaming json".into()
            })
        ]
    );
    let sent: serde_json::Value = serde_json::from_slice(&server.received()[0].body).unwrap();
    let tools: Vec<&str> = sent["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["Weather", "Search"]);
    // A single union value: the called tool picks the variant.
    let server = Server::start(vec![plan(replay::openai_tool_calls(
        &[("Search", r#"{"query": "q"}"#)],
        3,
    ))])
    .await;
    let action: Action = connect("openai", &server)
        .await
        .create("search q")
        .await
        .unwrap();
    assert_eq!(action, Action::Search(Search { query: "q".into() }));
}

#[tokio::test]
async fn an_invalid_answer_is_sent_back_and_the_second_answer_wins() {
    let bad = replay::openai_tool_calls(&[("User", r#"{"name": "Bob", "age": 12}"#)], 4);
    let good = replay::openai_tool_calls(&[("User", r#"{"name": "Bob", "age": 42}"#)], 4);
    let server = Server::start(vec![plan(bad.clone()), plan(good)]).await;
    let client = connect("openai", &server).await;
    let mut stream = client.create_partial::<User>(Request::user("Bob").max_retries(2));
    let mut events = Vec::new();
    while let Some(e) = next(&mut stream).await {
        events.push(e.unwrap());
    }
    let retry = events
        .iter()
        .position(|e| matches!(e, Event::Retry { .. }))
        .expect("a retry event");
    assert!(
        matches!(&events[retry], Event::Retry { attempt: 1, error } if error.contains("Bob must be an adult"))
    );
    // After the retry the partials start over, from the new answer.
    assert!(matches!(&events[retry + 1], Event::Partial(p) if p.age.is_none()));
    assert!(matches!(events.last(), Some(Event::Done(u)) if u.age == 42));
    let second: serde_json::Value = serde_json::from_slice(&server.received()[1].body).unwrap();
    let messages = second["messages"].as_array().unwrap();
    let texts: Vec<String> = messages.iter().map(|m| m["content"].to_string()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("\\\"age\\\": 12") || t.contains("age")),
        "the previous answer is sent back: {texts:?}"
    );
    assert!(
        texts.last().unwrap().contains("Bob must be an adult"),
        "{texts:?}"
    );
    // Usage is summed over both attempts.
    assert_eq!(stream.usage().input_tokens, 84);

    // Out of retries: every attempt's error.
    let server = Server::start(vec![plan(bad)]).await;
    let client = connect("openai", &server).await;
    match client
        .create::<User>(Request::user("Bob").max_retries(1))
        .await
    {
        Err(Error::RetriesExhausted { attempts, usage }) => {
            assert_eq!(attempts.len(), 2);
            assert!(
                attempts
                    .iter()
                    .all(|a| matches!(a, Error::Validation { .. }))
            );
            assert_eq!(usage.input_tokens, 84);
        }
        other => panic!("{other:?}"),
    }
    // Schema violations carry the field path.
    let server = Server::start(vec![plan(replay::openai_tool_calls(
        &[("User", r#"{"name": "Al", "age": 200}"#)],
        4,
    ))])
    .await;
    match connect("openai", &server).await.create::<User>("Al").await {
        Err(Error::Validation {
            path,
            message,
            output,
        }) => {
            assert_eq!(path, "/age");
            assert!(message.contains("maximum 150"), "{message}");
            assert!(output.contains("200"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_error_kind_surfaces() {
    // Cut off by the token limit: the partial value comes with the error.
    let cut = replay::anthropic_tool_use("User", r#"{"name": "Jas"#, 3, "max_tokens");
    let server = Server::start(vec![plan(cut)]).await;
    match connect("anthropic", &server)
        .await
        .create::<User>("x")
        .await
    {
        Err(Error::Incomplete {
            partial,
            reason,
            items: None,
            cause: None,
        }) => {
            assert_eq!(partial.as_deref(), Some(r#"{"name":"Jas"}"#));
            assert_eq!(reason, Some(structream::FinishReason::Length));
        }
        other => panic!("{other:?}"),
    }
    let server = Server::start(vec![plan(replay::openai_refusal(
        "I can't help with that.",
    ))])
    .await;
    assert!(
        matches!(connect("openai", &server).await.create::<User>("x").await, Err(Error::Refusal(t)) if t.contains("can't help"))
    );
    let server = Server::start(vec![plan(replay::openai_content(
        "{\"name\": \"",
        3,
        "content_filter",
    ))])
    .await;
    let result = connect("openai", &server)
        .await
        .create::<User>(Request::user("x").mode(Mode::Json))
        .await;
    assert!(matches!(result, Err(Error::ContentFilter)), "{result:?}");
    let body =
        br#"{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}"#;
    let server = Server::start(vec![Plan::status(401, "application/json", body)]).await;
    match connect("openai", &server).await.create::<User>("x").await {
        Err(Error::Provider(e)) => assert!(e.to_string().contains("Incorrect API key"), "{e}"),
        other => panic!("{other:?}"),
    }
    let server = Server::start(vec![plan(replay::openai_content(
        "not json at all",
        3,
        "stop",
    ))])
    .await;
    let result = connect("openai", &server)
        .await
        .create::<User>(Request::user("x").mode(Mode::Json))
        .await;
    assert!(matches!(result, Err(Error::Json { .. })), "{result:?}");
    // A connection cut in the middle: what arrived was handed out, then the
    // output is incomplete, the transport failure its cause.
    let body = replay::openai_tool_calls(&[("User", JASON)], 2);
    let half = body.len() / 2;
    let cut_plan = Plan::stream(body, vec![half / 2]).cut_after(half);
    let server = Server::start(vec![cut_plan]).await;
    let client = connect("openai", &server).await;
    let mut stream = client.create_partial::<User>("x");
    let mut partials = 0;
    let mut error = None;
    while let Some(e) = next(&mut stream).await {
        match e {
            Ok(Event::Partial(_)) => partials += 1,
            Ok(other) => panic!("{other:?}"),
            Err(e) => error = Some(e),
        }
    }
    assert!(partials > 0);
    match error {
        Some(Error::Incomplete {
            cause: Some(cause), ..
        }) => assert!(matches!(*cause, Error::Transport(_)), "{cause:?}"),
        other => panic!("{other:?}"),
    }
    // Unknown providers and bad specs are configuration errors.
    assert!(matches!(
        Client::from_provider("nope/x"),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::from_provider("openai"),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let body = replay::openai_tool_calls(&[("UserList", USERS)], 2);
    let gate = Arc::new(tokio::sync::Notify::new());
    let server = Server::start(vec![Plan::stream(body, vec![]).gated(40, gate.clone())]).await;
    let client = connect("openai", &server).await;
    let mut stream = client.create_iterable::<User>("x");
    let waited = tokio::time::timeout(Duration::from_millis(300), next(&mut stream)).await;
    assert!(waited.is_err(), "nothing to yield yet");
    drop(stream);
    gate.notify_one();
    for _ in 0..100 {
        if server.client_closed() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not see the connection close");
}

#[test]
fn blocking_calls_run_the_same_driver() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let plans = vec![
        plan(replay::openai_tool_calls(&[("User", JASON)], 3)),
        plan(replay::openai_tool_calls(&[("User", JASON)], 3)),
        plan(replay::openai_tool_calls(&[("UserList", USERS)], 3)),
    ];
    let server = runtime.block_on(Server::start(plans));
    let async_client = runtime.block_on(connect("openai", &server));
    let client = structream::blocking::Client::new(async_client).unwrap();
    let user: User = client.create("Jason is 25").unwrap();
    assert_eq!(user.age, 25);
    let partials: Vec<_> = client
        .create_partial::<User>("Jason")
        .map(Result::unwrap)
        .collect();
    assert!(matches!(partials.last(), Some(Event::Done(u)) if u.age == 25));
    assert!(
        partials
            .iter()
            .filter(|e| matches!(e, Event::Partial(_)))
            .count()
            > 3
    );
    let mut items = client.create_iterable::<User>("users");
    let names: Vec<String> = items
        .by_ref()
        .filter_map(|e| match e.unwrap() {
            Event::Item(u) => Some(u.name),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["Jason", "John"]);
    assert!(items.usage().output_tokens > 0);
}

#[tokio::test]
async fn keys_never_show_in_debug_or_errors() {
    let secret = "sk-planted-secret-0123456789";
    let server = Server::start(vec![Plan::status(500, "text/html", b"<html>oops</html>")]).await;
    let builder = ClientBuilder::from_provider("openai/m")
        .unwrap()
        .api_key(secret)
        .base_url(server.base_url());
    assert!(!format!("{builder:?}").contains(secret));
    let client = builder
        .transport(structream_provider::http::TransportConfig::default().max_retries(0))
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains(secret));
    let stream = client.create_partial::<User>("x");
    assert!(!format!("{stream:?}").contains(secret));
    let blocking = structream::blocking::Client::new(client.clone()).unwrap();
    assert!(!format!("{blocking:?}").contains(secret));
    assert!(!format!("{:?}", Request::user("x").system("y")).contains(secret));
    let err = client.create::<User>("x").await.unwrap_err();
    assert!(!format!("{err:?} {err}").contains(secret));
    // The key was sent, though.
    let headers = &server.received()[0].headers;
    assert!(headers.iter().any(|(_, v)| v.contains(secret)));
}

#[tokio::test]
async fn raw_provider_events_ride_along_when_asked() {
    let server = Server::start(vec![plan(replay::openai_tool_calls(&[("User", JASON)], 6))]).await;
    let client = connect("openai", &server).await;
    let mut stream = client.create_partial::<User>(Request::user("x").raw_events(true));
    let (mut raw_args, mut partials, mut usage_seen, mut done) = (String::new(), 0, false, false);
    while let Some(event) = next(&mut stream).await {
        match event.unwrap() {
            Event::Raw(structream_provider::StreamEvent::ToolArgsDelta { json, .. }) => {
                raw_args.push_str(&json)
            }
            Event::Raw(structream_provider::StreamEvent::Usage(_)) => usage_seen = true,
            Event::Raw(_) => {}
            Event::Partial(_) => partials += 1,
            Event::Done(_) => done = true,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(raw_args, JASON);
    assert!(usage_seen && done && partials > 1);
    // Without asking, no raw events.
    let server = Server::start(vec![plan(replay::openai_tool_calls(&[("User", JASON)], 6))]).await;
    let mut stream = connect("openai", &server).await.create_partial::<User>("x");
    while let Some(event) = next(&mut stream).await {
        assert!(!matches!(event.unwrap(), Event::Raw(_)));
    }
}
