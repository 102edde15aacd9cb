//! The shared conformance suite (feature `conformance`), called by every
//! protocol crate's tests.
//!
//! * [`fixtures`] loads the recorded streams of a protocol from
//!   `tests/corpora/sse/<folder>`; JSONL captures of event payloads
//!   (`.chunks.txt`) are framed as SSE (`data: <line>` + blank line), the
//!   way they were sent.
//! * [`check_decoding`] decodes a body whole, at every byte split (small
//!   bodies) and in random chunkings, checks the results are identical, and
//!   checks the invariants every event sequence must keep.
//! * [`Transcript`] folds the events into per-call arguments, text, usage,
//!   finish reasons and errors, for the protocol crates' own checks against
//!   the final values the recordings report.
//! * [`TestServer`] is a loopback HTTP/1.1 server with chunked transfer that
//!   serves a body re-chunked as asked, cuts it, stalls, answers an error
//!   status or HTML, and tells whether the client closed the connection.
//!   [`check_transport`] drives it with the real reqwest client through a
//!   [`Provider`] pointed at it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{DecodeError, Error, ProviderError};
use crate::event::{FinishReason, StreamEvent, Usage};
use crate::http::{EventStream, HttpClient, TransportConfig, next};
use crate::provider::{Provider, StreamDecoder};
use crate::request::StructuredRequest;

/// The recorded streams folder, `tests/corpora/sse`.
pub fn corpus_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpora/sse"
    ))
    .to_path_buf()
}

/// How a recorded file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Raw SSE bytes as recorded (`.sse`).
    Sse,
    /// JSONL of event payloads (`.chunks.txt`), framed as SSE in `body`.
    Payloads,
    /// Newline-delimited JSON (`.ndjson`).
    Ndjson,
    /// Anything else (`.json`: an error body, a JSON-array stream).
    Other,
}

/// One recorded stream.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fixture {
    /// Path of the file.
    pub path: PathBuf,
    /// Path relative to the corpus folder, e.g. `anthropic/pydantic-ai/x.sse`.
    pub name: String,
    /// How the file is stored.
    pub format: Format,
    /// The bytes to serve: the file, or the payloads framed as SSE.
    pub body: Vec<u8>,
    /// The JSON payloads of the stream, in order (SSE data that is not JSON,
    /// like `[DONE]`, left out).
    pub payloads: Vec<serde_json::Value>,
}

impl Fixture {
    /// Loads one file.
    pub fn load(path: &Path) -> Fixture {
        let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path
            .strip_prefix(corpus_dir())
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let (format, body) = if file.ends_with(".sse") {
            (Format::Sse, raw.clone())
        } else if file.ends_with(".chunks.txt") {
            let mut body = Vec::with_capacity(raw.len() + 1024);
            for line in raw.split(|&b| b == b'\n') {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                body.extend_from_slice(b"data: ");
                body.extend_from_slice(line);
                body.extend_from_slice(b"\n\n");
            }
            (Format::Payloads, body)
        } else if file.ends_with(".ndjson") {
            (Format::Ndjson, raw.clone())
        } else {
            (Format::Other, raw.clone())
        };
        let mut payloads = Vec::new();
        match format {
            Format::Sse | Format::Payloads => {
                let mut dec = crate::sse::SseDecoder::new();
                let mut push = |e: crate::sse::SseEvent<'_>| {
                    if let Ok(v) = serde_json::from_slice(e.data()) {
                        payloads.push(v);
                    }
                };
                let _ = dec.feed(&body, &mut push);
                let _ = dec.finish(&mut push);
            }
            Format::Ndjson => {
                for line in raw.split(|&b| b == b'\n') {
                    if let Ok(v) = serde_json::from_slice(line) {
                        payloads.push(v);
                    }
                }
            }
            Format::Other => {}
        }
        Fixture {
            path: path.to_path_buf(),
            name,
            format,
            body,
            payloads,
        }
    }

    /// Whether the recording ends in the middle of a line (recorded without
    /// its final line end).
    pub fn ends_mid_line(&self) -> bool {
        !self.body.is_empty() && !self.body.ends_with(b"\n") && !self.body.ends_with(b"\r")
    }

    /// The body with the final line end the recording lost restored (a
    /// derived variant for the checks that want a complete stream).
    pub fn completed_body(&self) -> Vec<u8> {
        let mut b = self.body.clone();
        if self.ends_mid_line() {
            b.extend_from_slice(if self.format == Format::Ndjson {
                b"\n"
            } else {
                b"\n\n"
            });
        }
        b
    }
}

/// Every file under `tests/corpora/sse/<folder>` (recursively), sorted, the
/// `SOURCE.md` files left out.
pub fn fixtures(folder: &str) -> Vec<Fixture> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n != "SOURCE.md") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&corpus_dir().join(folder), &mut paths);
    paths.sort();
    paths.iter().map(|p| Fixture::load(p)).collect()
}

/// Deterministic pseudo-random cut points, chunks of 1..=`max_chunk` bytes.
pub fn random_cuts(len: usize, seed: u64, max_chunk: usize) -> Vec<usize> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut cuts = Vec::new();
    let mut at = 0;
    loop {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        at += 1 + (x as usize) % max_chunk.max(1);
        if at >= len {
            return cuts;
        }
        cuts.push(at);
    }
}

/// What a decoder made of a body: the events and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The events, in order.
    pub events: Vec<StreamEvent<'static>>,
    /// `Ok` when the body ended normally.
    pub end: Result<(), DecodeError>,
}

/// Feeds `body` cut at `cuts` (sorted offsets), then finishes.
pub fn decode_with_cuts(decoder: &mut dyn StreamDecoder, body: &[u8], cuts: &[usize]) -> Decoded {
    let mut events = Vec::new();
    let mut sink = |e: StreamEvent<'_>| events.push(e.into_owned());
    let mut prev = 0;
    for &c in cuts.iter().chain(std::iter::once(&body.len())) {
        if let Err(e) = decoder.feed(&body[prev..c], &mut sink) {
            return Decoded {
                events,
                end: Err(e),
            };
        }
        prev = c;
    }
    let end = decoder.finish(&mut sink);
    Decoded { events, end }
}

/// Decodes `body` whole, at every split when it is shorter than
/// `every_split_below` bytes, and in random chunkings; panics unless all
/// agree and the events keep the [`check_invariants`] rules. Returns the
/// whole-body result.
pub fn check_decoding(
    name: &str,
    make: &dyn Fn() -> Box<dyn StreamDecoder>,
    body: &[u8],
    every_split_below: usize,
) -> Decoded {
    let whole = decode_with_cuts(&mut *make(), body, &[]);
    check_invariants(name, &whole);
    if body.len() < every_split_below {
        for cut in 0..=body.len() {
            let split = decode_with_cuts(&mut *make(), body, &[cut]);
            assert!(split == whole, "{name}: split at byte {cut} differs");
        }
    }
    for (seed, max) in [(1, 1), (2, 3), (3, 16), (4, 64), (5, 700), (6, 4096)] {
        let cuts = random_cuts(body.len(), seed, max);
        let split = decode_with_cuts(&mut *make(), body, &cuts);
        assert!(
            split == whole,
            "{name}: chunks of 1..={max} bytes (seed {seed}) differ"
        );
    }
    whole
}

/// The rules every event sequence keeps: a tool call's arguments come
/// between its start and its end, a call starts once, there is at most one
/// usage event and it comes last (after it, only an error may follow), text
/// deltas are not empty.
pub fn check_invariants(name: &str, decoded: &Decoded) {
    #[derive(PartialEq)]
    enum State {
        Open,
        Ended,
    }
    let mut calls: BTreeMap<(u32, u32), State> = BTreeMap::new();
    let mut usage_at = None;
    for (i, e) in decoded.events.iter().enumerate() {
        if let Some(u) = usage_at
            && !matches!(e, StreamEvent::Error(_))
        {
            panic!("{name}: event {i} {e:?} after the usage event {u}");
        }
        match e {
            StreamEvent::ToolCallStart {
                choice,
                index,
                name: tool,
                ..
            } => {
                assert!(!tool.is_empty(), "{name}: tool call {index} without a name");
                let prev = calls.insert((*choice, *index), State::Open);
                assert!(prev.is_none(), "{name}: tool call {index} started twice");
            }
            StreamEvent::ToolArgsDelta {
                choice,
                index,
                json,
                ..
            } => {
                assert!(!json.is_empty(), "{name}: empty arguments delta");
                assert!(
                    calls.get(&(*choice, *index)) == Some(&State::Open),
                    "{name}: arguments of call {index} outside its start and end"
                );
            }
            StreamEvent::ToolCallEnd { choice, index } => {
                let s = calls.get_mut(&(*choice, *index));
                assert!(
                    s.as_deref() == Some(&State::Open),
                    "{name}: end of call {index} that is not open"
                );
                *s.unwrap() = State::Ended;
            }
            StreamEvent::TextDelta { text, .. }
            | StreamEvent::ReasoningDelta { text, .. }
            | StreamEvent::Refusal { text, .. } => {
                assert!(!text.is_empty(), "{name}: empty text delta");
            }
            StreamEvent::Usage(_) => usage_at = Some(i),
            _ => {}
        }
    }
}

/// One tool call as the events told it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call's id.
    pub id: Option<String>,
    /// The tool's name.
    pub name: String,
    /// The argument deltas concatenated.
    pub arguments: String,
    /// Whether a [`StreamEvent::ToolCallEnd`] came.
    pub ended: bool,
}

/// The events of a stream folded per kind.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Transcript {
    /// Text per choice.
    pub text: BTreeMap<u32, String>,
    /// Reasoning per choice.
    pub reasoning: BTreeMap<u32, String>,
    /// Refusal text per choice.
    pub refusal: BTreeMap<u32, String>,
    /// Redacted reasoning blocks.
    pub redacted: usize,
    /// Tool calls per (choice, index), in index order.
    pub tool_calls: BTreeMap<(u32, u32), ToolCall>,
    /// Usage events.
    pub usage: Vec<Usage>,
    /// Finish events: choice, reason, raw reason.
    pub finish: Vec<(u32, FinishReason, String)>,
    /// Errors reported in the stream.
    pub errors: Vec<ProviderError>,
}

impl Transcript {
    /// Folds events.
    pub fn new(events: &[StreamEvent<'_>]) -> Self {
        let mut t = Transcript::default();
        for e in events {
            match e {
                StreamEvent::TextDelta { choice, text } => {
                    t.text.entry(*choice).or_default().push_str(text)
                }
                StreamEvent::ReasoningDelta { choice, text } => {
                    t.reasoning.entry(*choice).or_default().push_str(text)
                }
                StreamEvent::Refusal { choice, text } => {
                    t.refusal.entry(*choice).or_default().push_str(text)
                }
                StreamEvent::RedactedReasoning { .. } => t.redacted += 1,
                StreamEvent::ToolCallStart {
                    choice,
                    index,
                    id,
                    name,
                } => {
                    t.tool_calls.insert(
                        (*choice, *index),
                        ToolCall {
                            id: id.as_ref().map(|s| s.to_string()),
                            name: name.to_string(),
                            ..Default::default()
                        },
                    );
                }
                StreamEvent::ToolArgsDelta {
                    choice,
                    index,
                    json,
                } => {
                    if let Some(c) = t.tool_calls.get_mut(&(*choice, *index)) {
                        c.arguments.push_str(json);
                    }
                }
                StreamEvent::ToolCallEnd { choice, index } => {
                    if let Some(c) = t.tool_calls.get_mut(&(*choice, *index)) {
                        c.ended = true;
                    }
                }
                StreamEvent::Usage(u) => t.usage.push(*u),
                StreamEvent::Finish {
                    choice,
                    reason,
                    raw,
                } => t.finish.push((*choice, *reason, raw.to_string())),
                StreamEvent::Error(e) => t.errors.push(e.clone()),
            }
        }
        t
    }

    /// The arguments of every ended call, parsed; panics when one is not
    /// JSON (an empty argument string counts as `{}`).
    pub fn parsed_arguments(&self, name: &str) -> BTreeMap<(u32, u32), serde_json::Value> {
        self.tool_calls
            .iter()
            .filter(|(_, c)| c.ended)
            .map(|(k, c)| {
                let text = if c.arguments.trim().is_empty() {
                    "{}"
                } else {
                    &c.arguments
                };
                let v = serde_json::from_str(text).unwrap_or_else(|e| {
                    panic!("{name}: arguments of call {k:?} are not JSON ({e}): {text}")
                });
                (*k, v)
            })
            .collect()
    }
}

/// How the [`TestServer`] answers one connection.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Plan {
    /// An answer with a body, sent with chunked transfer encoding.
    Body {
        /// Status code.
        status: u16,
        /// Content type.
        content_type: String,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
        /// Where to cut the body into HTTP chunks (sorted offsets).
        cuts: Vec<usize>,
        /// Close the connection after this many body bytes, without the
        /// final chunk (a connection cut mid-stream).
        cut_after: Option<usize>,
        /// Wait this long before each chunk (a model's token pace).
        pace: Option<Duration>,
        /// Stop after this many body bytes until the notification comes
        /// (the client has shown what arrived before going on).
        gate: Option<(usize, Arc<tokio::sync::Notify>)>,
    },
    /// Send the headers of a 200 event stream, then nothing; wait until the
    /// client goes away.
    Stall,
    /// Send a body slowly forever (one event per `every`) until the client
    /// goes away: for the cancellation check.
    Endless {
        /// Delay between events.
        every: Duration,
    },
}

impl Plan {
    /// A 200 `text/event-stream` body in the given chunks.
    pub fn stream(body: Vec<u8>, cuts: Vec<usize>) -> Plan {
        Plan::Body {
            status: 200,
            content_type: "text/event-stream".into(),
            headers: Vec::new(),
            body,
            cuts,
            cut_after: None,
            pace: None,
            gate: None,
        }
    }

    /// This plan, with a pause before each chunk of the body.
    pub fn paced(mut self, every: Duration) -> Plan {
        if let Plan::Body { pace, .. } = &mut self {
            *pace = Some(every);
        }
        self
    }

    /// This plan, holding the body after `at` bytes until `gate` is
    /// notified (`at` also becomes a chunk boundary).
    pub fn gated(mut self, at: usize, gate: Arc<tokio::sync::Notify>) -> Plan {
        if let Plan::Body { gate: g, cuts, .. } = &mut self {
            if let Err(i) = cuts.binary_search(&at) {
                cuts.insert(i, at);
            }
            *g = Some((at, gate));
        }
        self
    }

    /// This plan, with the connection closed after `at` bytes of the body,
    /// without the final chunk: a connection cut mid-stream (the client's
    /// read fails with an unexpected end of the body).
    pub fn cut_after(mut self, at: usize) -> Plan {
        if let Plan::Body { cut_after, .. } = &mut self {
            *cut_after = Some(at);
        }
        self
    }

    /// An answer with a status and a body.
    pub fn status(status: u16, content_type: &str, body: &[u8]) -> Plan {
        Plan::Body {
            status,
            content_type: content_type.into(),
            headers: Vec::new(),
            body: body.to_vec(),
            cuts: Vec::new(),
            cut_after: None,
            pace: None,
            gate: None,
        }
    }
}

/// A request the [`TestServer`] received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Received {
    /// Request line, e.g. `POST /v1/chat/completions HTTP/1.1`.
    pub request_line: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

#[derive(Debug, Default)]
struct ServerState {
    plans: Vec<Plan>,
    received: Vec<Received>,
    /// Connections whose client closed the connection before the server was
    /// done with it.
    client_closed: usize,
}

/// A loopback HTTP/1.1 server answering connections with the planned
/// answers in order (the last plan repeats).
#[derive(Debug, Clone)]
pub struct TestServer {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<ServerState>>,
}

impl TestServer {
    /// Starts the server on 127.0.0.1 (on the current tokio runtime).
    pub async fn start(plans: Vec<Plan>) -> TestServer {
        assert!(!plans.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(ServerState {
            plans,
            ..Default::default()
        }));
        let st = state.clone();
        tokio::spawn(async move {
            let mut n = 0usize;
            while let Ok((sock, _)) = listener.accept().await {
                let plan = {
                    let s = st.lock().unwrap();
                    s.plans[n.min(s.plans.len() - 1)].clone()
                };
                n += 1;
                let st = st.clone();
                tokio::spawn(async move {
                    serve_one(sock, plan, st).await;
                });
            }
        });
        TestServer { addr, state }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// How many connections the client closed before the server was done.
    pub fn client_closed(&self) -> usize {
        self.state.lock().unwrap().client_closed
    }
}

async fn serve_one(mut sock: TcpStream, plan: Plan, state: Arc<Mutex<ServerState>>) {
    let Some(received) = read_request(&mut sock).await else {
        return;
    };
    state.lock().unwrap().received.push(received);
    let closed = match plan {
        Plan::Body {
            status,
            content_type,
            headers,
            body,
            cuts,
            cut_after,
            pace,
            gate,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n"
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            if sock.write_all(head.as_bytes()).await.is_err() {
                true
            } else {
                let limit = cut_after.unwrap_or(body.len()).min(body.len());
                let mut prev = 0;
                let mut failed = false;
                for &c in cuts.iter().chain(std::iter::once(&body.len())) {
                    let end = c.min(limit);
                    if let Some((at, notify)) = &gate {
                        if prev == *at && end > prev {
                            let _ = sock.flush().await;
                            notify.notified().await;
                        }
                    }
                    if let Some(pace) = pace {
                        tokio::time::sleep(pace).await;
                    }
                    if end > prev {
                        let mut chunk = format!("{:x}\r\n", end - prev).into_bytes();
                        chunk.extend_from_slice(&body[prev..end]);
                        chunk.extend_from_slice(b"\r\n");
                        if sock.write_all(&chunk).await.is_err() {
                            failed = true;
                            break;
                        }
                        prev = end;
                    }
                    if end == limit {
                        break;
                    }
                }
                if !failed && cut_after.is_none() {
                    failed = sock.write_all(b"0\r\n\r\n").await.is_err();
                }
                let _ = sock.flush().await;
                if cut_after.is_none() && !failed {
                    // Let the client read the end before closing.
                    let mut buf = [0u8; 64];
                    let _ =
                        tokio::time::timeout(Duration::from_millis(50), sock.read(&mut buf)).await;
                }
                failed
            }
        }
        Plan::Stall => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            let _ = sock.write_all(head.as_bytes()).await;
            let mut buf = [0u8; 64];
            // Returns when the client closes (read gives 0 or fails).
            let _ = tokio::time::timeout(Duration::from_secs(30), sock.read(&mut buf)).await;
            true
        }
        Plan::Endless { every } => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            let mut closed = sock.write_all(head.as_bytes()).await.is_err();
            let frame = b": keep-alive\n\n";
            for _ in 0..2000 {
                if closed {
                    break;
                }
                let mut chunk = format!("{:x}\r\n", frame.len()).into_bytes();
                chunk.extend_from_slice(frame);
                chunk.extend_from_slice(b"\r\n");
                closed = sock.write_all(&chunk).await.is_err();
                let mut buf = [0u8; 64];
                if let Ok(r) = tokio::time::timeout(every, sock.read(&mut buf)).await {
                    // A read that returns means the peer closed (or sent
                    // something it should not).
                    closed |= matches!(r, Ok(0) | Err(_));
                }
            }
            closed
        }
    };
    if closed {
        state.lock().unwrap().client_closed += 1;
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Some(Received {
        request_line,
        headers,
        body,
    })
}

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

/// Serves each body through the [`TestServer`] in random chunkings (and, for
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
        let server = TestServer::start(plans).await;
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
        let server = TestServer::start(vec![Plan::Body {
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
        let server =
            TestServer::start(vec![Plan::status(400, "application/json", error_body)]).await;
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
        let server = TestServer::start(vec![
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
        let server = TestServer::start(vec![Plan::status(500, "text/plain", b"boom")]).await;
        let provider = make_provider(&server.base_url());
        let err = client.stream_events(&*provider, request).await.unwrap_err();
        assert_eq!(err.status(), Some(500));
        assert_eq!(server.received().len(), 3);

        // HTML instead of a stream.
        let server = TestServer::start(vec![Plan::status(
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
        let server = TestServer::start(vec![Plan::Stall]).await;
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
        let server = TestServer::start(vec![Plan::Endless {
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
