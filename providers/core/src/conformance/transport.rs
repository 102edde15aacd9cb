//! The transport half of the suite (features `conformance` and `loopback`):
//! recorded bodies served by the [`loopback`](crate::loopback) server and
//! read back through the real reqwest client.

use std::time::Duration;

use super::corpus::{Fixture, Format};
use super::decode::{Decoded, check_decoding, decode_with_cuts, random_cuts};
use super::transcript::Transcript;
use crate::error::Error;
use crate::event::StreamEvent;
use crate::http::{EventStream, HttpClient, TransportConfig, next};
use crate::loopback::{Plan, Server};
use crate::provider::Provider;
use crate::request::StructuredRequest;

/// A client with short timeouts and quick retries, for tests.
pub fn test_client() -> HttpClient {
    HttpClient::with_config(
        TransportConfig::default()
            .connect_timeout(Duration::from_secs(5))
            .read_timeout(Duration::from_secs(10))
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_secs(2)),
    )
    .unwrap()
}

/// Collects an event stream: the events, and the error that ended it.
pub async fn collect(mut stream: EventStream) -> (Vec<StreamEvent<'static>>, Option<Error>) {
    let mut events = Vec::new();
    while let Some(item) = next(&mut stream).await {
        match item {
            Ok(e) => events.push(e),
            Err(e) => return (events, Some(e)),
        }
    }
    (events, None)
}

/// A current-thread tokio runtime for the suite.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Serves each body through the [`Server`] in random chunkings (and, for
/// bodies shorter than `every_split_below`, every two-chunk split), drives
/// it with the real reqwest client through `provider` (made for the
/// server's base URL) and checks the events equal `expected`; then cuts the
/// connection in the middle of the body and checks the events that arrived
/// are kept and followed by an error.
pub fn check_replay(
    make_provider: &dyn Fn(&str) -> Box<dyn Provider>,
    request: &StructuredRequest,
    name: &str,
    body: &[u8],
    expected: &Decoded,
    every_split_below: usize,
) {
    let rt = runtime();
    rt.block_on(async {
        let client = test_client();
        let mut chunkings: Vec<Vec<usize>> = (1..=3u64)
            .map(|seed| random_cuts(body.len(), seed + body.len() as u64, 97 * seed as usize))
            .collect();
        if body.len() < every_split_below {
            chunkings.extend((1..body.len()).map(|c| vec![c]));
        }
        let plans = chunkings
            .iter()
            .map(|cuts| Plan::stream(body.to_vec(), cuts.clone()))
            .collect();
        let server = Server::start(plans).await;
        let provider = make_provider(&server.base_url());
        for cuts in &chunkings {
            let stream = client
                .stream_events(&*provider, request)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let (events, err) = collect(stream).await;
            let got = Decoded {
                events,
                end: match err {
                    None => Ok(()),
                    Some(Error::Decode(d)) => Err(d),
                    Some(e) => panic!("{name}: transport error {e}"),
                },
            };
            assert!(got == *expected, "{name}: over HTTP with cuts {cuts:?}");
        }

        // A connection cut in the middle: what arrived is kept, then an error.
        let cut_at = body.len() / 2;
        let server = Server::start(vec![Plan::Body {
            status: 200,
            content_type: "text/event-stream".into(),
            headers: Vec::new(),
            body: body.to_vec(),
            cuts: random_cuts(body.len(), 9, 200),
            cut_after: Some(cut_at),
            pace: None,
            gate: None,
        }])
        .await;
        let provider = make_provider(&server.base_url());
        let stream = client.stream_events(&*provider, request).await.unwrap();
        let (events, err) = collect(stream).await;
        let err = err.unwrap_or_else(|| panic!("{name}: a cut connection gave no error"));
        assert!(
            matches!(err, Error::Transport(_) | Error::Decode(_)),
            "{name}: {err:?}"
        );
        // The events of the first half arrived, in order.
        let prefix = decode_with_cuts(&mut *provider.decoder(), &body[..cut_at], &[]);
        let n = prefix.events.len().saturating_sub(1).min(events.len());
        assert_eq!(
            events[..n],
            prefix.events[..n],
            "{name}: events before the cut were lost"
        );
        assert!(
            events.len() + 1 >= prefix.events.len(),
            "{name}: {} events before the cut, {} expected",
            events.len(),
            prefix.events.len()
        );
    });
}

/// Transport behaviour every provider shares, driven through `provider`:
/// an error status carries the provider's message from a recorded error
/// body (`error_body`); 429 with `retry-after` is retried; an HTML body, a
/// stall after the headers, and a refused connection are clear errors;
/// dropping the stream closes the connection; the API key reaches the
/// server and no `Debug` / `Display` output.
pub fn check_transport(
    make_provider: &dyn Fn(&str) -> Box<dyn Provider>,
    request: &StructuredRequest,
    ok_body: &[u8],
    error_body: &[u8],
    error_message: &str,
    api_key: &str,
) {
    let rt = runtime();
    rt.block_on(async {
        let client = test_client();
        let expected = decode_with_cuts(&mut *make_provider("http://x").decoder(), ok_body, &[]);
        assert!(expected.end.is_ok());

        // An error status with the provider's body.
        let server = Server::start(vec![Plan::status(400, "application/json", error_body)]).await;
        let provider = make_provider(&server.base_url());
        let err = client.stream_events(&*provider, request).await.unwrap_err();
        let pe = err.provider_error().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(pe.status, Some(400));
        assert!(pe.message.contains(error_message), "{pe:?}");
        assert!(!format!("{err} {err:?}").contains(api_key));
        // The key went out in a header.
        let rec = &server.received()[0];
        assert!(
            rec.headers.iter().any(|(_, v)| v.contains(api_key)),
            "the API key was not sent"
        );
        assert!(rec.request_line.starts_with("POST "));
        let sent: serde_json::Value = serde_json::from_slice(&rec.body).unwrap();
        assert_eq!(sent, provider.build_request(request).unwrap().body);

        // 429 then 503 (retry-after honoured), then the stream.
        let mut limited = Plan::status(429, "application/json", error_body);
        if let Plan::Body { headers, .. } = &mut limited {
            headers.push(("retry-after".into(), "0.2".into()));
        }
        let server = Server::start(vec![
            limited,
            Plan::status(503, "text/plain", b"overloaded"),
            Plan::stream(ok_body.to_vec(), vec![]),
        ])
        .await;
        let provider = make_provider(&server.base_url());
        let t0 = std::time::Instant::now();
        let stream = client.stream_events(&*provider, request).await.unwrap();
        assert!(
            t0.elapsed() >= Duration::from_millis(200),
            "retry-after ignored"
        );
        let (events, err) = collect(stream).await;
        assert!(err.is_none(), "{err:?}");
        assert_eq!(events, expected.events);
        assert_eq!(server.received().len(), 3);

        // Retries exhausted: the last error status comes back.
        let server = Server::start(vec![Plan::status(500, "text/plain", b"boom")]).await;
        let provider = make_provider(&server.base_url());
        let err = client.stream_events(&*provider, request).await.unwrap_err();
        assert_eq!(err.status(), Some(500));
        assert_eq!(server.received().len(), 3);

        // HTML instead of a stream.
        let server = Server::start(vec![Plan::status(
            200,
            "text/html; charset=utf-8",
            b"<html><body>Gateway login</body></html>",
        )])
        .await;
        let provider = make_provider(&server.base_url());
        let err = client.stream_events(&*provider, request).await.unwrap_err();
        assert!(
            matches!(&err, Error::NotAStream { snippet, .. } if snippet.contains("Gateway login")),
            "{err:?}"
        );

        // Headers, then nothing: the idle timeout.
        let quick = HttpClient::with_config(
            TransportConfig::default().read_timeout(Duration::from_millis(300)),
        )
        .unwrap();
        let server = Server::start(vec![Plan::Stall]).await;
        let provider = make_provider(&server.base_url());
        let t0 = std::time::Instant::now();
        let stream = quick.stream_events(&*provider, request).await.unwrap();
        let (events, err) = collect(stream).await;
        assert!(events.is_empty());
        assert!(matches!(err, Some(Error::Timeout { .. })), "{err:?}");
        assert!(t0.elapsed() < Duration::from_secs(5));

        // Nobody listening: a connection error after the retries.
        let dead = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let provider = make_provider(&format!("http://{dead}"));
        let err = client.stream_events(&*provider, request).await.unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");

        // Dropping the stream closes the connection.
        let server = Server::start(vec![Plan::Endless {
            every: Duration::from_millis(20),
        }])
        .await;
        let provider = make_provider(&server.base_url());
        let mut stream = client.stream_events(&*provider, request).await.unwrap();
        let poll = tokio::time::timeout(Duration::from_millis(150), next(&mut stream)).await;
        assert!(poll.is_err(), "keep-alives must not produce events");
        drop(stream);
        let t0 = std::time::Instant::now();
        while server.client_closed() == 0 {
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "the server did not see the connection close"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        // No key in any Debug output.
        let provider = make_provider("http://127.0.0.1:9");
        let http = provider.build_request(request).unwrap();
        for text in [
            format!("{provider:?}"),
            format!("{http:?}"),
            format!("{client:?}"),
            format!("{request:?}"),
        ] {
            assert!(!text.contains(api_key), "key leaked: {text}");
        }
    });
}

/// What [`run_fixture`] found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FixtureRun {
    /// The decoding of the body as recorded.
    pub recorded: Decoded,
    /// The decoding of the complete body ([`Fixture::completed_body`]):
    /// the same as `recorded` unless the recording lost its last line end.
    pub decoded: Decoded,
    /// `decoded` folded.
    pub transcript: Transcript,
}

/// The common part of every recorded-stream test: decodes the body whole,
/// at every split below `every_split_below` bytes and in random chunkings
/// ([`check_decoding`]); a recording that lost its final line end must
/// report [`DecodeErrorKind::Truncated`](crate::DecodeErrorKind::Truncated)
/// and is then checked with the line end restored; replays the complete
/// body over HTTP ([`check_replay`], every two-chunk split below
/// `http_every_split_below` bytes).
pub fn run_fixture(
    make_provider: &dyn Fn(&str) -> Box<dyn Provider>,
    request: &StructuredRequest,
    fixture: &Fixture,
    every_split_below: usize,
    http_every_split_below: usize,
) -> FixtureRun {
    let name = fixture.name.as_str();
    let provider = make_provider("http://127.0.0.1:9");
    let make = || provider.decoder();
    let recorded = check_decoding(name, &make, &fixture.body, every_split_below);
    let decoded = if fixture.ends_mid_line() {
        assert!(
            matches!(
                recorded.end.as_ref().map_err(|e| e.kind()),
                Err(crate::DecodeErrorKind::Truncated)
            ) || fixture.format == Format::Ndjson,
            "{name}: a recording cut mid-line must be reported as truncated: {:?}",
            recorded.end
        );
        let body = fixture.completed_body();
        check_decoding(name, &make, &body, every_split_below)
    } else {
        recorded.clone()
    };
    check_replay(
        make_provider,
        request,
        name,
        &fixture.completed_body(),
        &decoded,
        http_every_split_below,
    );
    let transcript = Transcript::new(&decoded.events);
    FixtureRun {
        recorded,
        decoded,
        transcript,
    }
}
