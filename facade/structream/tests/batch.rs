//! The batch API end to end against the loopback fake of each provider's
//! batch endpoints: build → submit → poll through the status transitions
//! → results, with faults on the way.

use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use structream::batch::fake::{FakeBatchServer, Fault, Reply};
use structream::batch::{
    BatchRequest, Format, Limits, ResultError, ResultsDecoder, State, retry_requests,
};
use structream::{Client, ClientBuilder, Error, Partial, blocking};
use structream_provider::http::TransportConfig;

/// A user mentioned in the text.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
struct User {
    name: String,
    #[schemars(range(min = 0, max = 150))]
    age: u32,
}

fn reply(id: &str) -> Reply {
    match id {
        "bad" => Reply::Answer(r#"{"name": "Old", "age": 200}"#.into()),
        "err" => Reply::Error("messages: at least one message is required".into()),
        "late" => Reply::Expired,
        other => Reply::Answer(format!(r#"{{"name": "{other}", "age": 7}}"#)),
    }
}

fn requests() -> Vec<BatchRequest> {
    ["jo", "bad", "err", "late", "amy"]
        .iter()
        .map(|id| BatchRequest::new(*id, format!("text about {id}")))
        .collect()
}

fn client(server: &FakeBatchServer, provider: &str) -> Client {
    // Anthropic's base URL is the host; the others' include the version.
    let version = match provider {
        "gemini" => "/v1beta",
        "anthropic" => "",
        _ => "/v1",
    };
    ClientBuilder::from_provider(&format!("{provider}/test-model"))
        .unwrap()
        .api_key("test-key")
        .base_url(format!("{}{version}", server.base_url()))
        .transport(
            TransportConfig::default()
                .initial_backoff(Duration::from_millis(5))
                .max_retries(2),
        )
        .build()
        .unwrap()
}

fn fast(client: &Client) -> structream::batch::Batches {
    client
        .batches()
        .unwrap()
        .poll_interval(Duration::from_millis(1), Duration::from_millis(4))
}

async fn run(provider: &str, seed: u64) -> (Vec<(String, Result<User, String>)>, Vec<State>) {
    let server = FakeBatchServer::start(reply).await;
    server.chunking(seed, 1 + (seed as usize % 50));
    let client = client(&server, provider);
    let batches = fast(&client);
    let submitted = batches.create::<User>(requests()).await.unwrap();
    assert_eq!(submitted.batches.len(), 1);
    assert!(submitted.note.is_none());
    let id = submitted.batches[0].id.clone();
    let mut states = vec![submitted.batches[0].state];
    let done = batches
        .wait(&id, &mut |b| states.push(b.state))
        .await
        .unwrap();
    assert_eq!(done.state, State::Ended);
    assert_eq!(done.counts.total, 5, "{:?}", done.raw);
    (typed_results(&batches, &done).await, states)
}

/// Each result's id and value or `kind: message`, by id.
async fn typed_results(
    batches: &structream::batch::Batches,
    done: &structream::batch::Batch,
) -> Vec<(String, Result<User, String>)> {
    let mut results = batches.results::<User>(done).await.unwrap();
    let mut out = Vec::new();
    while let Some(r) = structream::next(&mut results).await {
        let r = r.unwrap();
        out.push((
            r.custom_id.clone().unwrap(),
            r.outcome.map_err(|e| format!("{}: {e}", e.kind())),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn check(provider: &str, out: &[(String, Result<User, String>)]) {
    let get = |id: &str| &out.iter().find(|(i, _)| i == id).unwrap().1;
    assert_eq!(out.len(), 5, "{provider}: {out:?}");
    assert_eq!(
        get("jo").as_ref().unwrap(),
        &User {
            name: "jo".into(),
            age: 7
        }
    );
    assert_eq!(get("amy").as_ref().unwrap().name, "amy");
    let bad = get("bad").as_ref().unwrap_err();
    assert!(
        bad.starts_with("validation:") && bad.contains("/age"),
        "{provider}: {bad}"
    );
    let err = get("err").as_ref().unwrap_err();
    assert!(
        err.starts_with("provider:") && err.contains("at least one message"),
        "{provider}: {err}"
    );
    let late = get("late").as_ref().unwrap_err();
    let want = if provider == "gemini" {
        "provider:"
    } else {
        "expired:"
    };
    assert!(late.starts_with(want), "{provider}: {late}");
}

#[tokio::test]
async fn every_provider_goes_from_build_to_typed_results_through_its_status_transitions() {
    for provider in ["openai", "openai-responses", "anthropic", "gemini"] {
        let (out, states) = run(provider, 7).await;
        check(provider, &out);
        // Submitted, then at least one poll before the end.
        assert!(states.len() >= 3, "{provider}: {states:?}");
        assert!(
            !states[0].is_final() && !states[1].is_final(),
            "{provider}: {states:?}"
        );
        assert_eq!(*states.last().unwrap(), State::Ended);
    }
}

#[tokio::test]
async fn the_request_lines_are_the_live_calls_without_streaming() {
    let server = FakeBatchServer::start(reply).await;
    for provider in ["openai", "anthropic", "gemini"] {
        let client = client(&server, provider);
        fast(&client).create::<User>(requests()).await.unwrap();
    }
    let sent = server.submitted();
    let (openai, anthropic, gemini) = (&sent[0][0].1, &sent[1][0].1, &sent[2][0].1);
    assert_eq!(sent[0][0].0, "jo");
    assert_eq!(openai["tools"][0]["function"]["name"], "User");
    assert_eq!(openai["tool_choice"]["function"]["name"], "User");
    assert_eq!(openai["model"], "test-model");
    assert!(openai.get("stream").is_none() && openai.get("stream_options").is_none());
    assert_eq!(anthropic["tools"][0]["name"], "User");
    assert!(anthropic.get("stream").is_none());
    assert_eq!(anthropic["messages"][0]["content"], "text about jo");
    assert_eq!(
        gemini["tools"][0]["functionDeclarations"][0]["name"],
        "User"
    );
    let received = server.received();
    assert!(
        received.iter().any(|r| r == "POST /v1/files"),
        "{received:?}"
    );
    assert!(
        received
            .iter()
            .any(|r| r == "POST /v1beta/models/test-model:batchGenerateContent")
    );
}

#[tokio::test]
async fn results_decode_the_same_at_any_chunking_and_gemini_inline() {
    let (reference, _) = run("anthropic", 1).await;
    for seed in [2, 3, 5, 11, 13] {
        assert_eq!(run("anthropic", seed).await.0, reference, "seed {seed}");
        check("openai", &run("openai", seed).await.0);
    }
    let server = FakeBatchServer::start(reply).await;
    server.gemini_inline(true);
    let client = client(&server, "gemini");
    let batches = fast(&client);
    let submitted = batches.create::<User>(requests()).await.unwrap();
    let done = batches
        .wait(&submitted.batches[0].id, &mut |_| {})
        .await
        .unwrap();
    assert!(done.raw["response"]["inlinedResponses"].is_object());
    let mut results = batches.results::<User>(&done).await.unwrap();
    let mut n = 0;
    while let Some(r) = structream::next(&mut results).await {
        n += usize::from(r.unwrap().outcome.is_ok());
    }
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_download_cut_off_resumes_where_it_stopped_or_ends_with_the_error() {
    for resumes in [3, 0] {
        let server = FakeBatchServer::start(reply).await;
        let client = client(&server, "anthropic");
        let batches = fast(&client).resumes(resumes);
        let submitted = batches.create::<User>(requests()).await.unwrap();
        let done = batches
            .wait(&submitted.batches[0].id, &mut |_| {})
            .await
            .unwrap();
        // Cut twice inside the file: in the second line, then in the fourth.
        server.fault(Fault::Cut {
            path: "/results".into(),
            after: 700,
        });
        server.fault(Fault::Cut {
            path: "/results".into(),
            after: 600,
        });
        let mut results = batches.results::<User>(&done).await.unwrap();
        let mut ids = Vec::new();
        let mut error = None;
        while let Some(r) = structream::next(&mut results).await {
            match r {
                Ok(r) => ids.push(r.custom_id.unwrap()),
                Err(e) => error = Some(e),
            }
        }
        if resumes > 0 {
            assert_eq!(ids, ["jo", "bad", "err", "late", "amy"]);
            assert!(error.is_none());
            let got = server.received();
            assert_eq!(
                got.iter().filter(|r| r.ends_with("/results")).count(),
                3,
                "{got:?}"
            );
        } else {
            // What arrived before the cut stays; then the error.
            assert!(!ids.is_empty() && ids.len() < 5, "{ids:?}");
            assert_eq!(ids[0], "jo");
            assert!(
                matches!(error, Some(Error::Incomplete { cause: Some(_), .. })),
                "{error:?}"
            );
        }
    }
}

#[tokio::test]
async fn polling_retries_429_and_5xx_and_stops_at_401_as_live_calls_do() {
    let server = FakeBatchServer::start(reply).await;
    let client = client(&server, "openai");
    let batches = fast(&client);
    let submitted = batches.create::<User>(requests()).await.unwrap();
    let id = submitted.batches[0].id.clone();
    let path = format!("/v1/batches/{id}");
    server.fault(Fault::Status {
        path: path.clone(),
        status: 429,
        headers: vec![("retry-after".into(), "0".into())],
        body: r#"{"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}"#.into(),
    });
    server.fault(Fault::Status {
        path: path.clone(),
        status: 503,
        headers: vec![],
        body: r#"{"error": {"message": "The server is overloaded"}}"#.into(),
    });
    let done = batches.wait(&id, &mut |_| {}).await.unwrap();
    assert_eq!(done.state, State::Ended);
    server.fault(Fault::Status {
        path: path.clone(),
        status: 401,
        headers: vec![],
        body: r#"{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}}"#.into(),
    });
    let err = batches.status(&id).await.unwrap_err();
    assert!(
        matches!(&err, Error::Provider(p) if p.status == Some(401) && p.message.contains("Incorrect API key")),
        "{err:?}"
    );
    // A 429 asking to wait longer than the back-off allows is the error.
    server.fault(Fault::Status {
        path: path.clone(),
        status: 429,
        headers: vec![("retry-after".into(), "3600".into())],
        body: r#"{"error": {"message": "Rate limit reached"}}"#.into(),
    });
    let err = batches.status(&id).await.unwrap_err();
    assert!(
        matches!(&err, Error::Provider(p) if p.status == Some(429)),
        "{err:?}"
    );
}

#[tokio::test]
async fn over_the_limits_the_requests_go_as_several_batches_and_cancel_and_list_work() {
    let server = FakeBatchServer::start(reply).await;
    let client = client(&server, "anthropic");
    let mut limits = Limits::of(Format::Anthropic);
    limits.max_requests = 2;
    let batches = fast(&client).limits(limits);
    let submitted = batches.create::<User>(requests()).await.unwrap();
    assert_eq!(submitted.batches.len(), 3);
    assert_eq!(
        submitted.ids,
        [vec!["jo", "bad"], vec!["err", "late"], vec!["amy"]]
    );
    let note = submitted.note.unwrap();
    assert!(note.contains("3 batches of 2, 2, 1 requests"), "{note}");
    let listed = batches.list().await.unwrap();
    assert_eq!(listed.len(), 3);
    let canceled = batches.cancel(&submitted.batches[2].id).await.unwrap();
    assert_eq!(canceled.state, State::Canceling);
    let done = batches.wait(&canceled.id, &mut |_| {}).await.unwrap();
    let mut results = batches.results::<User>(&done).await.unwrap();
    let r = structream::next(&mut results).await.unwrap().unwrap();
    assert!(
        matches!(r.outcome, Err(ResultError::Canceled { .. })),
        "{r:?}"
    );
}

#[tokio::test]
async fn gemini_requests_over_the_inline_limit_go_as_an_uploaded_file() {
    let server = FakeBatchServer::start(reply).await;
    let client = client(&server, "gemini");
    // Five requests are over the inline limit, one is under it.
    let mut limits = Limits::of(Format::Gemini);
    limits.max_inline_bytes = 4096 + 1500;
    let batches = fast(&client).limits(limits);
    let one = batches
        .create::<User>(requests().into_iter().take(1))
        .await
        .unwrap();
    let uploads = |server: &FakeBatchServer| {
        server
            .received()
            .iter()
            .filter(|r| r.starts_with("POST /upload/v1beta/files"))
            .count()
    };
    assert_eq!(uploads(&server), 0, "{:?}", server.received());
    let submitted = batches.create::<User>(requests()).await.unwrap();
    // The resumable protocol: a start, then the bytes, uploaded and
    // finalized at once.
    assert_eq!(uploads(&server), 2, "{:?}", server.received());
    // The file holds the same requests as the inline batch would.
    let sent = server.submitted();
    assert_eq!(sent[0][0], sent[1][0]);
    assert_eq!(sent[1].len(), 5);
    let id = submitted.batches[0].id.clone();
    let done = batches.wait(&id, &mut |_| {}).await.unwrap();
    assert_eq!(done.state, State::Ended);
    check("gemini", &typed_results(&batches, &done).await);
    assert_eq!(one.batches.len(), 1);
    // Uploading whatever the size, by option.
    let mut limits = Limits::of(Format::Gemini);
    limits.max_inline_bytes = 0;
    fast(&client)
        .limits(limits)
        .create::<User>(requests().into_iter().take(1))
        .await
        .unwrap();
    assert_eq!(uploads(&server), 4);
}

#[tokio::test]
async fn list_follows_every_page_of_each_provider() {
    for provider in ["openai", "anthropic", "gemini"] {
        let server = FakeBatchServer::start(reply).await;
        server.page_size(2);
        let client = client(&server, provider);
        let batches = fast(&client).limits({
            let mut limits = Limits::of(Format::of_provider(provider).unwrap());
            limits.max_requests = 1;
            limits
        });
        // Five batches of one request each.
        let submitted = batches.create::<User>(requests()).await.unwrap();
        assert_eq!(submitted.batches.len(), 5, "{provider}");
        let mut newest_first: Vec<String> =
            submitted.batches.iter().map(|b| b.id.clone()).collect();
        newest_first.reverse();
        let listed: Vec<String> = batches
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(listed, newest_first, "{provider}");
        // Three pages of 2, 2 and 1, each asked for after the last.
        let pages: Vec<String> = server
            .received()
            .into_iter()
            .filter(|r| r.starts_with("GET ") && r.contains("batches?"))
            .collect();
        let cursor = match provider {
            "openai" => format!("after={}", newest_first[1]),
            "anthropic" => format!("after_id={}", newest_first[1]),
            _ => "pageToken=page-2".to_owned(),
        };
        assert_eq!(pages.len(), 3, "{provider}: {pages:?}");
        assert!(pages[1].ends_with(&cursor), "{provider}: {pages:?}");
    }
}

#[test]
fn the_blocking_adapter_runs_the_same_calls_and_failed_requests_can_be_retried() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(FakeBatchServer::start(reply));
    let _guard = rt.enter();
    let client = blocking::Client::new(client(&server, "gemini")).unwrap();
    let batches = client
        .batches()
        .unwrap()
        .with(|b| b.poll_interval(Duration::from_millis(1), Duration::from_millis(2)));
    let submitted = batches.create::<User>(requests()).unwrap();
    let done = batches.wait(&submitted.batches[0].id, &mut |_| {}).unwrap();
    let results: Vec<_> = batches
        .results::<User>(&done)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(results.iter().filter(|r| r.outcome.is_ok()).count(), 2);
    let retry = retry_requests(requests(), &results);
    let ids: Vec<&str> = retry.iter().map(|r| r.custom_id.as_str()).collect();
    assert_eq!(ids, ["bad", "err", "late"]);
    let again = batches.create::<User>(retry).unwrap();
    assert_eq!(again.ids[0], ["bad", "err", "late"]);
}

#[test]
fn bad_lines_are_per_line_errors_and_the_rest_decodes() {
    let client = Client::builder_from("openai/m")
        .unwrap()
        .api_key("k")
        .build()
        .unwrap();
    let good = |id: &str| {
        format!(
            r#"{{"id":"r","custom_id":"{id}","response":{{"status_code":200,"body":{{"choices":[{{"index":0,"message":{{"role":"assistant","content":null,"tool_calls":[{{"id":"c","type":"function","function":{{"name":"User","arguments":"{{\"name\":\"{id}\",\"age\":3}}"}}}}]}},"finish_reason":"tool_calls"}}]}}}},"error":null}}"#
        )
    };
    let file = [
        good("a"),
        "not json at all".into(),
        r#"{"id":"r","response":null}"#.into(),
        good("stranger"),
        r#"{"custom_id":"b","response":{"status_code":200,"body":{"choices":[]}}}"#.into(),
        r#"{"custom_id":"c"}"#.into(),
        good("d"),
    ]
    .join("\n");
    let mut decoder = ResultsDecoder::<User>::new(&client, Format::OpenAiChat)
        .expect_ids(["a", "b", "c", "d"].map(String::from));
    for cut in [1usize, 2, 7, 64, file.len()] {
        let mut d = ResultsDecoder::<User>::new(&client, Format::OpenAiChat)
            .expect_ids(["a", "b", "c", "d"].map(String::from));
        let mut out = Vec::new();
        for chunk in file.as_bytes().chunks(cut) {
            out.extend(d.feed(chunk));
        }
        out.extend(d.finish());
        let summary: Vec<String> = out
            .iter()
            .map(|r| match &r.outcome {
                Ok(u) => format!("{} ok {}", r.line, u.name),
                Err(e) => format!("{} {} {:?}", r.line, e.kind(), r.custom_id),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "1 ok a",
                "2 line None",
                "3 line None",
                "4 line Some(\"stranger\")",
                "5 line Some(\"b\")",
                "6 line Some(\"c\")",
                "7 ok d"
            ],
            "chunks of {cut}"
        );
    }
    let _ = decoder.finish().count();
}
