//! The calls' failure paths against a loopback server: a list answer in
//! another shape, a connection cut after the answer began, an answer that
//! holds no JSON value or ends inside it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use structream::replay::{self, Plan, Server};
use structream::{
    CallStream, Client, ClientBuilder, Coercion, Error, Event, JsonError, Mode, Partial, Request,
    next,
};
use structream_openai::{OpenAiChat, OpenAiConfig, Vendor};
use structream_parser::document::{Document, ItemEvent, Options};
use structream_provider::{Provider, StreamEvent};

/// A person mentioned in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Partial)]
struct User {
    name: String,
    #[schemars(range(min = 0, max = 150))]
    age: u32,
}

fn user(name: &str, age: u32) -> User {
    User {
        name: name.into(),
        age,
    }
}

const JASON: &str = r#"{"name": "Jason \"J\" Smith", "age": 25}"#;

async fn connect(provider: &str, server: &Server) -> Client {
    ClientBuilder::from_provider(&format!("{provider}/replay-model"))
        .unwrap()
        .api_key("sk-test-not-a-real-key")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// A server answering its requests with `bodies`, one after the other.
async fn in_turn(bodies: Vec<Vec<u8>>) -> Server {
    Server::start(
        bodies
            .into_iter()
            .map(|b| Plan::stream(b, vec![]))
            .collect(),
    )
    .await
}

/// The events of a stream up to its end, and the error it ended with.
async fn drain(mut stream: CallStream<User>) -> (Vec<Event<User>>, Option<Error>) {
    let mut events = Vec::new();
    while let Some(event) = next(&mut stream).await {
        match event {
            Ok(e) => events.push(e),
            Err(e) => {
                assert!(next(&mut stream).await.is_none(), "nothing after the error");
                return (events, Some(e));
            }
        }
    }
    (events, None)
}

/// What `create_iterable` made of one answer: coercions and items in
/// order, and the error it ended with.
#[derive(Debug, PartialEq)]
enum Seen {
    Coerced(Coercion),
    Item(User),
}

async fn iterable(provider: &str, body: Vec<u8>, mode: Option<Mode>) -> (Vec<Seen>, Option<Error>) {
    let server = Server::start(vec![Plan::stream(body, vec![])]).await;
    let mut request = Request::user("x").max_retries(0);
    if let Some(mode) = mode {
        request = request.mode(mode);
    }
    let (events, error) = drain(connect(provider, &server).await.create_iterable(request)).await;
    let seen = events
        .into_iter()
        .map(|e| match e {
            Event::Coerced(c) => Seen::Coerced(c),
            Event::Item(u) => Seen::Item(u),
            other => panic!("{other:?}"),
        })
        .collect();
    (seen, error)
}

#[tokio::test]
async fn a_list_answer_in_another_shape_is_read_as_the_list_only_when_it_is_unambiguous() {
    let jason = || Seen::Item(user("Jason", 10));
    let john = || Seen::Item(user("John", 30));
    let both = r#"[{"name": "Jason", "age": 10}, {"name": "John", "age": 30}]"#;
    let one = r#"{"name": "Jason", "age": 10}"#;
    // A tool call whose arguments are one item, or the bare array.
    let accepted = [
        (
            "openai",
            replay::openai_tool_calls(&[("UserList", one)], 4),
            vec![Seen::Coerced(Coercion::SingleItem), jason()],
        ),
        (
            "anthropic",
            replay::anthropic_tool_use("UserList", one, 3, "tool_use"),
            vec![Seen::Coerced(Coercion::SingleItem), jason()],
        ),
        (
            "openai",
            replay::openai_tool_calls(&[("UserList", both)], 4),
            vec![Seen::Coerced(Coercion::BareList), jason(), john()],
        ),
    ];
    for (provider, body, expected) in accepted {
        let (seen, error) = iterable(provider, body, None).await;
        assert!(error.is_none(), "{provider}: {error:?}");
        assert_eq!(seen, expected, "{provider}");
    }
    // The same in text: a bare array around prose, one object.
    let texts = [
        (format!("Here they are:\n{both}\nAnything else?"), 2),
        (format!("```json\n{both}\n```"), 2),
        (one.to_owned(), 1),
        (format!("The user: {one}, as asked."), 1),
    ];
    for (text, n) in texts {
        let body = replay::openai_content(&text, 5, "stop");
        let (seen, error) = iterable("openai", body, Some(Mode::Json)).await;
        assert!(error.is_none(), "{text}: {error:?}");
        let coercion = if n == 1 {
            Coercion::SingleItem
        } else {
            Coercion::BareList
        };
        let mut expected = vec![Seen::Coerced(coercion), jason()];
        if n == 2 {
            expected.push(john());
        }
        assert_eq!(seen, expected, "{text}");
    }
    // Anything else fails validation, with the answer.
    let rejected = [
        (
            r#"{"users": [{"name": "Jason", "age": 10}]}"#,
            &[
                "missing field `items`",
                "/users: unknown field",
                "nor one item",
            ][..],
        ),
        (
            r#"{"name": "Jason"}"#,
            &["missing field `items`", "nor one item: missing field `age`"],
        ),
        (r#""Jason, 10""#, &["expected object"]),
        (
            r#"{"items": [{"name": "Jason", "age": 10}], "total": 1}"#,
            &["/total: unknown field"],
        ),
    ];
    for (args, says) in rejected {
        let body = replay::openai_tool_calls(&[("UserList", args)], 4);
        let (seen, error) = iterable("openai", body, None).await;
        match &error {
            Some(Error::Validation {
                message, output, ..
            }) => {
                for s in says {
                    assert!(message.contains(s), "{args}: {s:?} in {message}");
                }
                assert_eq!(
                    serde_json::from_str::<serde_json::Value>(output).unwrap(),
                    serde_json::from_str::<serde_json::Value>(args).unwrap()
                );
            }
            other => panic!("{args}: {other:?}"),
        }
        // The wrapper's items stream out before the wrapper is judged.
        let items = seen.iter().filter(|s| matches!(s, Seen::Item(_))).count();
        assert_eq!(items, usize::from(args.contains("total")), "{args}");
    }
    // A bare array in text that breaks off after its first item is not
    // taken for that one item.
    let text = r#"[{"name": "Jason", "age": 10}, {"name": "Jo"#;
    let body = replay::openai_content(text, 5, "stop");
    let (seen, error) = iterable("openai", body, Some(Mode::Json)).await;
    assert!(seen.is_empty(), "{seen:?}");
    match error {
        Some(Error::Validation {
            message, output, ..
        }) => {
            assert!(message.contains("bare list"), "{message}");
            assert_eq!(output, text);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_list_answer_that_is_not_a_list_is_asked_for_again() {
    let wrong = replay::openai_tool_calls(&[("UserList", r#"{"users": []}"#)], 4);
    let right = replay::openai_tool_calls(
        &[("UserList", r#"{"items": [{"name": "John", "age": 30}]}"#)],
        4,
    );
    let server = in_turn(vec![wrong, right]).await;
    let stream = connect("openai", &server)
        .await
        .create_iterable(Request::user("x").max_retries(1));
    let (events, error) = drain(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert!(
        matches!(&events[..], [Event::Retry { attempt: 1, error }, Event::Item(u)] if error.contains("missing field `items`") && u.name == "John"),
        "{events:?}"
    );
    let received = server.received();
    assert_eq!(received.len(), 2);
    let again = String::from_utf8_lossy(&received[1].body);
    assert!(
        again.contains("users") && again.contains("did not validate"),
        "{again}"
    );
}

/// The events an OpenAI decoder makes of `body` up to a connection cut
/// (fed, not finished: the client never sees the body end).
fn decoded_before_cut(body: &[u8]) -> Vec<StreamEvent<'static>> {
    let mut decoder = OpenAiChat::new(OpenAiConfig::for_vendor(Vendor::OpenAi)).decoder();
    let mut events = Vec::new();
    decoder
        .feed(body, &mut |e| events.push(e.into_owned()))
        .unwrap();
    events
}

/// The tool arguments among `events`, and whether a finish reason came.
fn arguments(events: &[StreamEvent<'_>]) -> (String, bool) {
    let mut args = String::new();
    let mut finished = false;
    for e in events {
        match e {
            StreamEvent::ToolArgsDelta { json, .. } => args.push_str(json),
            StreamEvent::Finish { .. } => finished = true,
            _ => {}
        }
    }
    (args, finished)
}

fn is_transport(e: &Error) -> bool {
    matches!(e, Error::Transport(_))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_anywhere_keeps_what_arrived_of_the_value() {
    // Cut after every byte of the body: against the parser fed the
    // arguments that came before the cut.
    let body = replay::openai_tool_calls(&[("User", JASON)], 4);
    let mut kinds = [0usize; 3];
    for cut in 0..body.len() {
        let server = Server::start(vec![Plan::stream(body.clone(), vec![]).cut_after(cut)]).await;
        let result = connect("openai", &server).await.create::<User>("x").await;
        let (args, finished) = arguments(&decoded_before_cut(&body[..cut]));
        if args.is_empty() {
            assert!(
                matches!(&result, Err(e) if is_transport(e)),
                "cut {cut}: {result:?}"
            );
            kinds[0] += 1;
        } else if finished {
            // Only the trailer (usage, the end marker) was lost.
            assert_eq!(result.unwrap(), user("Jason \"J\" Smith", 25), "cut {cut}");
            kinds[1] += 1;
        } else {
            let mut doc = Document::with_options(Options::default());
            doc.feed(args.as_bytes()).unwrap();
            let expected = doc.snapshot().map(|s| s.to_json());
            match result {
                Err(Error::Incomplete {
                    partial,
                    reason: None,
                    items: None,
                    cause: Some(cause),
                }) => {
                    assert!(is_transport(&cause), "cut {cut}: {cause:?}");
                    assert_eq!(partial, expected, "cut {cut}");
                }
                other => panic!("cut {cut}: {other:?}"),
            }
            kinds[2] += 1;
        }
    }
    assert!(kinds.iter().all(|&k| k > 0), "{kinds:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_keeps_what_arrived_for_every_protocol() {
    let cases = [
        (
            "anthropic",
            replay::anthropic_tool_use("User", JASON, 4, "tool_use"),
            Mode::Tools,
        ),
        (
            "openai-responses",
            replay::openai_responses_function_call("User", JASON, 4),
            Mode::Tools,
        ),
        ("gemini", replay::gemini_text(JASON, 4), Mode::JsonSchema),
        (
            "openai",
            replay::openai_content(JASON, 4, "stop"),
            Mode::Json,
        ),
    ];
    for (provider, body, mode) in cases {
        // Halfway: inside the value (a frame cut in two is not decoded).
        let at = body.len() / 2;
        let server = Server::start(vec![Plan::stream(body, vec![]).cut_after(at)]).await;
        let result = connect(provider, &server)
            .await
            .create::<User>(Request::user("x").mode(mode))
            .await;
        match result {
            Err(Error::Incomplete {
                partial: Some(partial),
                cause: Some(cause),
                ..
            }) => {
                assert!(is_transport(&cause), "{provider}: {cause:?}");
                let partial: serde_json::Value = serde_json::from_str(&partial).unwrap();
                let name = partial["name"].as_str().unwrap_or_default();
                assert!(
                    "Jason \"J\" Smith".starts_with(name),
                    "{provider}: {partial}"
                );
            }
            other => panic!("{provider}: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_ends_the_partials_with_the_last_one_as_the_error() {
    let body = replay::openai_tool_calls(&[("User", JASON)], 2);
    let at = body.len() / 2;
    let server = Server::start(vec![Plan::stream(body.clone(), vec![at / 2]).cut_after(at)]).await;
    let stream = connect("openai", &server).await.create_partial("x");
    let (events, error) = drain(stream).await;
    let last = match events.last() {
        Some(Event::Partial(p)) => serde_json::to_string(&**p).unwrap(),
        other => panic!("{other:?}"),
    };
    let (args, _) = arguments(&decoded_before_cut(&body[..at]));
    assert!(JASON.starts_with(&args) && args.len() > 10, "{args}");
    match error {
        Some(Error::Incomplete {
            partial: Some(partial),
            cause: Some(cause),
            ..
        }) => {
            assert!(is_transport(&cause));
            assert_eq!(partial, last);
            let e = Error::Incomplete {
                partial: None,
                reason: None,
                items: None,
                cause: Some(cause),
            };
            let source = std::error::Error::source(&e).expect("the cause is the source");
            assert!(
                source.to_string().starts_with("transport error"),
                "{source}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// An OpenAI tool call streaming `{"items": [...]}` with `n` users
/// (`User 0` is 0, `User 1` is 1, …), `piece` bytes a delta.
fn users_body(n: usize, piece: usize) -> Vec<u8> {
    let users: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"name": "User {i}", "age": {}}}"#, i % 90))
        .collect();
    let list = format!(r#"{{"items": [{}]}}"#, users.join(", "));
    replay::openai_tool_calls(&[("UserList", &list)], piece)
}

/// `create_iterable` over `body` (of `n` users) cut after `cut` bytes,
/// against the parser fed the arguments that came before the cut: the
/// items that closed were handed out, and the error holds the one still
/// open and says how many closed.
async fn check_items_cut(body: &[u8], n: usize, cut: usize) {
    let server = Server::start(vec![Plan::stream(body.to_vec(), vec![]).cut_after(cut)]).await;
    let stream = connect("openai", &server)
        .await
        .create_iterable(Request::user("x"));
    let (events, error) = drain(stream).await;
    let items: Vec<User> = events
        .into_iter()
        .map(|e| match e {
            Event::Item(u) => u,
            other => panic!("{other:?}"),
        })
        .collect();
    let (args, finished) = arguments(&decoded_before_cut(&body[..cut]));
    let mut doc = Document::with_options(Options::default().items("/items".parse().unwrap()));
    let closed = doc
        .feed(args.as_bytes())
        .unwrap()
        .items()
        .iter()
        .filter(|i| matches!(i, ItemEvent::Done { .. }))
        .count();
    assert_eq!(items.len(), closed, "cut {cut}");
    for (i, u) in items.iter().enumerate() {
        assert_eq!(u, &user(&format!("User {i}"), i as u32 % 90));
    }
    if args.is_empty() {
        assert!(
            matches!(&error, Some(e) if is_transport(e)),
            "cut {cut}: {error:?}"
        );
        return;
    }
    if finished {
        assert!(error.is_none() && closed == n, "cut {cut}: {error:?}");
        return;
    }
    let snapshot: Option<serde_json::Value> = doc
        .snapshot()
        .map(|s| serde_json::from_str(&s.to_json()).unwrap());
    // The open item; before the list shows, the object so far (it may be
    // one item) once it has a member.
    let open = match &snapshot {
        Some(serde_json::Value::Object(map)) if !map.contains_key("items") => {
            (!map.is_empty()).then(|| snapshot.as_ref().unwrap().to_string())
        }
        Some(s) => s["items"].get(closed).map(|v| v.to_string()),
        None => None,
    };
    match error {
        Some(Error::Incomplete {
            partial,
            items: Some(count),
            cause: Some(cause),
            ..
        }) => {
            assert!(is_transport(&cause));
            assert_eq!(count, closed, "cut {cut}");
            assert_eq!(partial, open, "cut {cut}: {args:?} {snapshot:?}");
            let e = Error::Incomplete {
                partial: None,
                reason: None,
                items: Some(count),
                cause: Some(cause),
            };
            let says = match count {
                1 => "1 item arrived".to_owned(),
                n => format!("{n} items arrived"),
            };
            assert!(e.to_string().contains(&says), "{e}");
        }
        other => panic!("cut {cut}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_keeps_the_items_and_says_how_many() {
    // A thousand users, the connection cut after about 45% of the body,
    // inside the first item, a little after it, and just before the end.
    let body = users_body(1000, 16);
    let first_item = body.windows(6).position(|w| w == b"User 0").unwrap();
    for cut in [
        body.len() * 45 / 100,
        first_item,
        first_item + 300,
        body.len() - 40,
    ] {
        check_items_cut(&body, 1000, cut).await;
    }
    // Two users, cut after every byte.
    let body = users_body(2, 8);
    for cut in 0..body.len() {
        check_items_cut(&body, 2, cut).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_before_the_answer_is_a_transport_error() {
    let body = replay::openai_tool_calls(&[("User", JASON)], 4);
    for provider_body in [body, replay::openai_content(JASON, 4, "stop")] {
        let server = Server::start(vec![Plan::stream(provider_body, vec![]).cut_after(0)]).await;
        let result = connect("openai", &server)
            .await
            .create::<User>(Request::user("x").mode(Mode::Json))
            .await;
        assert!(matches!(&result, Err(e) if is_transport(e)), "{result:?}");
    }
}

#[tokio::test]
async fn a_frame_that_cannot_be_decoded_ends_the_call_as_a_cut_connection_does() {
    let body = String::from_utf8(replay::openai_tool_calls(&[("User", JASON)], 4)).unwrap();
    let frames: Vec<&str> = body.split_inclusive("\n\n").collect();
    for (at, began) in [(0, false), (6, true)] {
        let mut broken = frames.clone();
        broken.insert(at, "data: {\"choices\": [oops\n\n");
        let result = create_json(broken.concat().into_bytes()).await;
        match (result, began) {
            (Err(Error::Decode(_)), false) => {}
            (
                Err(Error::Incomplete {
                    partial: Some(partial),
                    cause: Some(cause),
                    ..
                }),
                true,
            ) => {
                assert!(matches!(*cause, Error::Decode(_)), "{cause:?}");
                assert!(partial.starts_with(r#"{"name":"Jason"#), "{partial}");
            }
            (other, _) => panic!("frame {at}: {other:?}"),
        }
    }
}

/// `body` without its finish reason: a stream that ends cleanly, the
/// provider never saying the answer was finished.
fn without_finish(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    text.split_inclusive("\n\n")
        .filter(|frame| !frame.contains(r#""finish_reason":"stop""#))
        .collect::<String>()
        .into_bytes()
}

/// `create::<User>` in JSON mode, without retries, over one body.
async fn create_json(body: Vec<u8>) -> Result<User, Error> {
    let server = in_turn(vec![body]).await;
    let request = Request::user("x").mode(Mode::Json).max_retries(0);
    connect("openai", &server).await.create(request).await
}

#[tokio::test]
async fn an_answer_without_json_or_cut_inside_it_says_which() {
    // Prose only.
    let prose = "I could not find any user in that text.";
    match create_json(replay::openai_content(prose, 4, "stop")).await {
        Err(
            e @ Error::Json {
                error: JsonError::NoValue,
                ..
            },
        ) => {
            assert_eq!(e.to_string(), "the answer holds no JSON value");
            assert_eq!(e.output(), Some(prose));
        }
        other => panic!("{other:?}"),
    }
    // Cut inside the value, though the provider says it finished: in a tool
    // call, and in text after prose (the byte counts from the answer's
    // start, prose included).
    let cut = r#"{"name": "Jason", "a"#;
    let in_text = format!("Sure! {cut}");
    let cases = [
        (replay::openai_tool_calls(&[("User", cut)], 4), cut),
        (replay::openai_content(&in_text, 4, "stop"), &in_text),
    ];
    for (body, answer) in cases {
        let e = create_json(body).await.unwrap_err();
        let end = answer.len() as u64;
        assert!(
            matches!(&e, Error::Json { error: JsonError::EndedInside { offset }, output } if *offset == end && output == answer),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "the answer ended inside the JSON value at byte {end}, though the provider reported it finished"
            )
        );
    }
    // The same stream without a finish reason was cut off on the way.
    match create_json(without_finish(&replay::openai_content(&in_text, 4, "stop"))).await {
        Err(Error::Incomplete {
            partial,
            reason: None,
            cause: None,
            ..
        }) => assert_eq!(partial.as_deref(), Some(r#"{"name":"Jason"}"#)),
        other => panic!("{other:?}"),
    }
    // No answer at all, and malformed JSON (with where).
    let result = create_json(replay::openai_tool_calls(&[], 4)).await;
    assert!(
        matches!(&result, Err(Error::Json { error: JsonError::Empty, output }) if output.is_empty()),
        "{result:?}"
    );
    let bad = r#"{"name": "Jason",, "age": 1}"#;
    match create_json(replay::openai_tool_calls(&[("User", bad)], 4)).await {
        Err(Error::Json {
            error: JsonError::Syntax(e),
            output,
        }) => {
            assert_eq!(e.offset(), 17);
            assert_eq!(output, bad);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_answer_without_json_is_asked_for_again() {
    let prose = replay::openai_content("Jason is a person.", 4, "stop");
    let json = replay::openai_content(JASON, 4, "stop");
    let server = in_turn(vec![prose, json]).await;
    let done = connect("openai", &server)
        .await
        .create_with_completion::<User>(Request::user("x").mode(Mode::Json).max_retries(1))
        .await
        .unwrap();
    assert_eq!(done.retries, 1);
    let again = String::from_utf8_lossy(&server.received()[1].body).into_owned();
    assert!(again.contains("holds no JSON value"), "{again}");
}

/// The last event a body decoder gives for `body`.
fn decode_body(body: &[u8]) -> Result<Event<User>, Error> {
    let client = Client::builder_from("openai/m")
        .and_then(|b| b.api_key("unused").build())
        .unwrap();
    let mut decoder = client.body_decoder::<User>(structream::CallKind::Value);
    let mut last = None;
    for chunk in body.chunks(7) {
        last = decoder.feed(chunk).last().or(last);
    }
    decoder.finish().last().or(last).unwrap()
}

/// The parser's error and the provider's decode error travel inside
/// `structream::Error` as themselves: a caller matches on them, and
/// `source()` leads to them.
#[test]
fn errors_carry_the_parser_and_decoder_errors_as_their_sources() {
    use std::error::Error as _;
    let bad = r#"{"name": "Jason",, "age": 1}"#;
    let error = decode_body(&replay::openai_tool_calls(&[("User", bad)], 4)).unwrap_err();
    let Error::Json {
        error: JsonError::Syntax(parsed),
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(parsed.offset(), 17);
    let source = error.source().expect("a source");
    let from_source = source.downcast_ref::<structream_parser::Error>();
    assert_eq!(from_source, Some(parsed));

    let body = String::from_utf8(replay::openai_tool_calls(&[("User", JASON)], 4)).unwrap();
    let mut frames: Vec<&str> = body.split_inclusive("\n\n").collect();
    frames.insert(6, "data: {\"choices\": [oops\n\n");
    let error = decode_body(frames.concat().as_bytes()).unwrap_err();
    let Error::Incomplete {
        cause: Some(cause), ..
    } = &error
    else {
        panic!("{error:?}")
    };
    let Error::Decode(decode) = &**cause else {
        panic!("{cause:?}")
    };
    let chain = error.source().and_then(|cause| cause.source());
    let from_chain = chain.and_then(|e| e.downcast_ref::<structream_provider::DecodeError>());
    assert_eq!(
        from_chain.map(ToString::to_string),
        Some(decode.to_string())
    );
}
