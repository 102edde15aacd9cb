//! A loopback server (feature `replay`) that implements the providers'
//! batch endpoints as their API references describe them, for tests and
//! demos without a key or a network: OpenAI's Files upload (multipart) and
//! `/v1/batches` (validating → in_progress → finalizing → completed, an
//! output file and an error file), Anthropic's `/v1/messages/batches`
//! (in_progress → ended, results JSONL at `results_url`) and Gemini's
//! `batchGenerateContent` with the requests inline or in a file uploaded
//! through the Files API's resumable protocol (PENDING → RUNNING →
//! SUCCEEDED, a responses file). Lists are paged. Each status poll moves a batch one step on. Results files are
//! sent in randomly sized chunks and honour `Range`; faults (an error
//! status, a connection cut mid-download) can be queued.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use structream_provider::loopback::{Received as Request, read_request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the fake model answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The model's JSON answer: a tool call's arguments when the request
    /// offered tools, the text content otherwise.
    Answer(String),
    /// The provider failed the request with this message.
    Error(String),
    /// The batch expired before the request ran.
    Expired,
}

/// A fault to inject into the next request whose path contains `path`.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status, headers and body.
    Status {
        /// Part of the path the fault waits for.
        path: String,
        /// The status.
        status: u16,
        /// Extra headers (`retry-after`).
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Send this many bytes of the download, then close the connection.
    Cut {
        /// Part of the path the fault waits for.
        path: String,
        /// Bytes sent before the cut.
        after: usize,
    },
}

impl Fault {
    fn path(&self) -> &str {
        match self {
            Fault::Status { path, .. } | Fault::Cut { path, .. } => path,
        }
    }
}

type Answer = dyn Fn(&str) -> Reply + Send + Sync;

struct Stored {
    provider: &'static str,
    /// The request lines: custom id and request body.
    requests: Vec<(String, Value)>,
    step: usize,
    canceled: bool,
    object: Value,
}

struct State {
    answer: Arc<Answer>,
    files: HashMap<String, Vec<u8>>,
    /// Gemini's upload sessions: their declared lengths.
    uploads: HashMap<String, usize>,
    batches: HashMap<String, Stored>,
    order: Vec<String>,
    faults: VecDeque<Fault>,
    received: Vec<String>,
    next: u64,
    seed: u64,
    /// Largest chunk of a download.
    max_chunk: usize,
    gemini_inline: bool,
    /// Most batches on a page of a list.
    page_size: usize,
    base: String,
}

/// The fake batch server; see the module documentation.
#[derive(Clone)]
pub struct FakeBatchServer {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FakeBatchServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBatchServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeBatchServer {
    /// Starts the server on 127.0.0.1 (on the current tokio runtime);
    /// `answer` says how each custom id is answered.
    pub async fn start(answer: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("an address");
        let state = Arc::new(Mutex::new(State {
            answer: Arc::new(answer),
            files: HashMap::new(),
            uploads: HashMap::new(),
            batches: HashMap::new(),
            order: Vec::new(),
            faults: VecDeque::new(),
            received: Vec::new(),
            next: 1,
            seed: 0x9e37_79b9_7f4a_7c15,
            max_chunk: 97,
            gemini_inline: false,
            page_size: 100,
            base: format!("http://{addr}"),
        }));
        let st = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let st = Arc::clone(&st);
                tokio::spawn(async move { serve(sock, st).await });
            }
        });
        FakeBatchServer { addr, state }
    }

    /// `http://127.0.0.1:<port>`; add `/v1` (OpenAI, Anthropic) or
    /// `/v1beta` (Gemini) for a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues a fault.
    pub fn fault(&self, fault: Fault) {
        self.state
            .lock()
            .expect("not poisoned")
            .faults
            .push_back(fault);
    }

    /// Sends downloads in chunks of 1 to `max` bytes, cut at random from
    /// `seed`.
    pub fn chunking(&self, seed: u64, max: usize) {
        let mut s = self.state.lock().expect("not poisoned");
        s.seed = seed | 1;
        s.max_chunk = max.max(1);
    }

    /// Gemini results inline in the batch object instead of a file.
    pub fn gemini_inline(&self, on: bool) {
        self.state.lock().expect("not poisoned").gemini_inline = on;
    }

    /// Lists batches in pages of at most `n` (default 100).
    pub fn page_size(&self, n: usize) {
        self.state.lock().expect("not poisoned").page_size = n.max(1);
    }

    /// `METHOD /path` of every request so far.
    pub fn received(&self) -> Vec<String> {
        self.state.lock().expect("not poisoned").received.clone()
    }

    /// The request lines of every batch submitted, in order: custom id and
    /// request body.
    pub fn submitted(&self) -> Vec<Vec<(String, Value)>> {
        let s = self.state.lock().expect("not poisoned");
        s.order
            .iter()
            .map(|id| s.batches[id].requests.clone())
            .collect()
    }
}

/// What to send back.
enum Out {
    Json(u16, Value, Vec<(String, String)>),
    Raw(u16, String),
    File {
        bytes: Vec<u8>,
        from: usize,
        cut: Option<usize>,
    },
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) {
    let Some(req) = read_request(&mut sock).await else {
        return;
    };
    let (out, seed, max_chunk) = {
        let mut s = state.lock().expect("not poisoned");
        s.received.push(format!("{} {}", req.method(), req.path()));
        let fault = s
            .faults
            .iter()
            .position(|f| req.path().contains(f.path()))
            .and_then(|i| s.faults.remove(i));
        let out = match fault {
            Some(Fault::Status {
                status,
                headers,
                body,
                ..
            }) => Out::Raw(status, body).with_headers(headers),
            other => {
                let cut = match other {
                    Some(Fault::Cut { after, .. }) => Some(after),
                    _ => None,
                };
                route(&mut s, &req, cut)
            }
        };
        s.seed = s
            .seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (out, s.seed, s.max_chunk)
    };
    let _ = send(&mut sock, out, seed, max_chunk).await;
}

impl Out {
    fn with_headers(self, headers: Vec<(String, String)>) -> Out {
        match self {
            Out::Raw(status, body) => {
                let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
                Out::Json(status, value, headers)
            }
            other => other,
        }
    }
}

async fn send(
    sock: &mut TcpStream,
    out: Out,
    mut seed: u64,
    max_chunk: usize,
) -> std::io::Result<()> {
    match out {
        Out::Json(status, value, headers) => {
            let body = match value {
                Value::String(s) => s,
                v => v.to_string(),
            };
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body.as_bytes()).await?;
        }
        Out::Raw(status, body) => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body.as_bytes()).await?;
        }
        Out::File { bytes, from, cut } => {
            let status = if from > 0 {
                "206 Partial Content"
            } else {
                "200 OK"
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            );
            sock.write_all(head.as_bytes()).await?;
            let body = &bytes[from.min(bytes.len())..];
            let limit = cut.unwrap_or(body.len()).min(body.len());
            let mut at = 0;
            while at < limit {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let n = (1 + (seed >> 33) as usize % max_chunk).min(limit - at);
                let mut chunk = format!("{n:x}\r\n").into_bytes();
                chunk.extend_from_slice(&body[at..at + n]);
                chunk.extend_from_slice(b"\r\n");
                sock.write_all(&chunk).await?;
                at += n;
            }
            if cut.is_none() {
                sock.write_all(b"0\r\n\r\n").await?;
            }
        }
    }
    sock.flush().await?;
    // Let the client read everything before the close.
    let mut buf = [0u8; 64];
    let _ = tokio::time::timeout(std::time::Duration::from_millis(50), sock.read(&mut buf)).await;
    Ok(())
}

fn not_found(what: &str) -> Out {
    Out::Json(
        404,
        json!({"error": {"type": "not_found_error", "message": format!("{what} not found")}}),
        Vec::new(),
    )
}

fn route(s: &mut State, req: &Request, cut: Option<usize>) -> Out {
    let path = req.path().split('?').next().unwrap_or_default().to_owned();
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let ok = |v: Value| Out::Json(200, v, Vec::new());
    let range_from = req
        .headers
        .iter()
        .find(|(k, _)| k == "range")
        .and_then(|(_, v)| v.strip_prefix("bytes="))
        .and_then(|v| v.trim_end_matches('-').parse().ok())
        .unwrap_or(0);
    let file = |s: &State, id: &str| match s.files.get(id) {
        Some(bytes) => Out::File {
            bytes: bytes.clone(),
            from: range_from,
            cut,
        },
        None => not_found(id),
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        // ---- OpenAI ----
        ("POST", ["v1", "files"]) => {
            let Some(content) = multipart_file(req) else {
                return Out::Json(
                    400,
                    json!({"error": {"message": "no file part", "type": "invalid_request_error"}}),
                    Vec::new(),
                );
            };
            let id = format!("file-{}", s.next);
            s.next += 1;
            let len = content.len();
            s.files.insert(id.clone(), content);
            ok(
                json!({"id": id, "object": "file", "bytes": len, "created_at": 1_721_000_000, "filename": "batch.jsonl", "purpose": "batch"}),
            )
        }
        ("POST", ["v1", "batches"]) => {
            let Some(input) = body["input_file_id"].as_str().and_then(|f| s.files.get(f)) else {
                return not_found("input file");
            };
            let mut requests = Vec::new();
            for line in input.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let v: Value = serde_json::from_slice(line).unwrap_or(Value::Null);
                requests.push((
                    v["custom_id"].as_str().unwrap_or_default().to_owned(),
                    v["body"].clone(),
                ));
            }
            let id = format!("batch_{}", s.next);
            s.next += 1;
            let object = json!({
                "id": id, "object": "batch", "endpoint": body["endpoint"],
                "errors": null, "input_file_id": body["input_file_id"],
                "completion_window": "24h", "status": "validating",
                "output_file_id": null, "error_file_id": null, "created_at": 1_721_000_000,
                "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": null,
            });
            insert(s, id, "openai", requests, object)
        }
        ("GET", ["v1", "batches"]) => ok(page(s, req, "openai")),
        ("GET", ["v1", "batches", id]) => advance(s, id).map_or_else(|| not_found(id), ok),
        ("POST", ["v1", "batches", id, "cancel"]) => {
            cancel(s, id).map_or_else(|| not_found(id), ok)
        }
        ("GET", ["v1", "files", id, "content"]) => file(s, id),
        // ---- Anthropic ----
        ("POST", ["v1", "messages", "batches"]) => {
            let requests = body["requests"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        r["custom_id"].as_str().unwrap_or_default().to_owned(),
                        r["params"].clone(),
                    )
                })
                .collect();
            let id = format!("msgbatch_{:024}", s.next);
            s.next += 1;
            let object = json!({
                "id": id, "type": "message_batch", "processing_status": "in_progress",
                "request_counts": {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0},
                "ended_at": null, "created_at": "2024-09-24T18:37:24.100435Z",
                "expires_at": "2024-09-25T18:37:24.100435Z", "archived_at": null,
                "cancel_initiated_at": null, "results_url": null,
            });
            insert(s, id, "anthropic", requests, object)
        }
        ("GET", ["v1", "messages", "batches"]) => ok(page(s, req, "anthropic")),
        ("GET", ["v1", "messages", "batches", id]) => {
            advance(s, id).map_or_else(|| not_found(id), ok)
        }
        ("POST", ["v1", "messages", "batches", id, "cancel"]) => {
            cancel(s, id).map_or_else(|| not_found(id), ok)
        }
        ("GET", ["v1", "messages", "batches", id, "results"]) => file(s, &format!("{id}-results")),
        // ---- Gemini ----
        ("POST", ["v1beta", "models", model]) if model.ends_with(":batchGenerateContent") => {
            let input = &body["batch"]["inputConfig"];
            let requests = match input["fileName"].as_str() {
                // A file of `{"key", "request"}` lines.
                Some(file) => {
                    let Some(bytes) = s.files.get(file) else {
                        return not_found(file);
                    };
                    bytes
                        .split(|&b| b == b'\n')
                        .filter(|l| !l.is_empty())
                        .map(|l| {
                            let v: Value = serde_json::from_slice(l).unwrap_or(Value::Null);
                            (
                                v["key"].as_str().unwrap_or_default().to_owned(),
                                v["request"].clone(),
                            )
                        })
                        .collect()
                }
                None => input["requests"]["requests"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| {
                        (
                            r["metadata"]["key"].as_str().unwrap_or_default().to_owned(),
                            r["request"].clone(),
                        )
                    })
                    .collect(),
            };
            let id = format!("batches/{}", s.next);
            s.next += 1;
            let model = model.trim_end_matches(":batchGenerateContent");
            let object = json!({
                "name": id,
                "metadata": {
                    "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
                    "model": format!("models/{model}"), "displayName": body["batch"]["displayName"],
                    "createTime": "2025-07-07T17:51:51.256917Z", "state": "BATCH_STATE_PENDING",
                    "name": id,
                },
            });
            insert(s, id, "gemini", requests, object)
        }
        ("GET", ["v1beta", "batches"]) => ok(page(s, req, "gemini")),
        ("GET", ["v1beta", "batches", n]) => {
            advance(s, &format!("batches/{n}")).map_or_else(|| not_found(n), ok)
        }
        ("POST", ["v1beta", "batches", n]) if n.ends_with(":cancel") => {
            let id = format!("batches/{}", n.trim_end_matches(":cancel"));
            cancel(s, &id).map_or_else(|| not_found(&id), |_| ok(json!({})))
        }
        ("POST", ["upload", "v1beta", "files"]) => upload(s, req),
        ("GET", ["download", "v1beta", "files", f]) => {
            let f = f.trim_end_matches(":download");
            file(s, &format!("files/{f}"))
        }
        _ => not_found(&path),
    }
}

/// Gemini's Files API upload, resumable protocol: a `start` request
/// declares the length and is answered with the upload URL (a header);
/// the bytes go there with `upload, finalize` at offset 0, answered with
/// the file.
fn upload(s: &mut State, req: &Request) -> Out {
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let bad = |message: &str| {
        Out::Json(
            400,
            json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}),
            Vec::new(),
        )
    };
    let session = req
        .path()
        .split_once("upload_id=")
        .map(|(_, id)| id.to_owned());
    match (header("x-goog-upload-command"), session) {
        (Some("start"), None) => {
            if header("x-goog-upload-protocol") != Some("resumable") {
                return bad("only the resumable protocol is served here");
            }
            let Some(length) =
                header("x-goog-upload-header-content-length").and_then(|n| n.parse::<usize>().ok())
            else {
                return bad("X-Goog-Upload-Header-Content-Length is missing");
            };
            let session = format!("session-{}", s.next);
            s.next += 1;
            s.uploads.insert(session.clone(), length);
            let url = format!(
                "{}/upload/v1beta/files?upload_id={session}&upload_protocol=resumable",
                s.base
            );
            let headers = vec![
                ("x-goog-upload-url".to_owned(), url),
                ("x-goog-upload-status".to_owned(), "active".to_owned()),
            ];
            Out::Json(200, Value::String(String::new()), headers)
        }
        (Some("upload, finalize"), Some(session)) => {
            let session = session.split('&').next().unwrap_or_default();
            let Some(length) = s.uploads.remove(session) else {
                return not_found(session);
            };
            if header("x-goog-upload-offset") != Some("0") || req.body.len() != length {
                return bad("the upload does not match the length declared at its start");
            }
            let name = format!("files/input-{}", s.next);
            s.next += 1;
            s.files.insert(name.clone(), req.body.clone());
            Out::Json(
                200,
                json!({"file": {
                    "name": name, "displayName": "structream-batch", "mimeType": "application/jsonl",
                    "sizeBytes": length.to_string(), "createTime": "2025-07-07T17:50:02.163394Z",
                    "updateTime": "2025-07-07T17:50:02.163394Z", "expirationTime": "2025-07-09T17:50:02.163394Z",
                    "sha256Hash": "", "uri": format!("{}/v1beta/{name}", s.base),
                    "state": "ACTIVE", "source": "UPLOADED",
                }}),
                vec![("x-goog-upload-status".to_owned(), "final".to_owned())],
            )
        }
        _ => bad("an upload command this server does not know"),
    }
}

/// One page of the `provider`'s batches, newest first, as the provider
/// pages its list: `limit` and `after` with `has_more` and `last_id`
/// (OpenAI), `limit` and `after_id` (Anthropic), `pageSize` and
/// `pageToken` with `nextPageToken` (Gemini). Pages hold at most
/// [`FakeBatchServer::page_size`] batches, whatever the client asks.
fn page(s: &State, req: &Request, provider: &str) -> Value {
    let query = |name: &str| {
        let query = req.path().split_once('?').map_or("", |(_, q)| q);
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    };
    let (size, cursor) = match provider {
        "openai" => ("limit", "after"),
        "anthropic" => ("limit", "after_id"),
        _ => ("pageSize", "pageToken"),
    };
    let ids: Vec<&String> = s
        .order
        .iter()
        .rev()
        .filter(|id| s.batches[*id].provider == provider)
        .collect();
    let size = query(size)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20)
        .clamp(1, s.page_size);
    let start = match query(cursor) {
        None => 0,
        // Gemini's token is opaque: here, where the next page starts.
        Some(token) if provider == "gemini" => token
            .strip_prefix("page-")
            .and_then(|n| n.parse().ok())
            .unwrap_or(ids.len()),
        Some(after) => ids
            .iter()
            .position(|id| **id == after)
            .map_or(ids.len(), |i| i + 1),
    };
    let end = (start + size).min(ids.len());
    let shown = &ids[start.min(end)..end];
    let objects: Vec<Value> = shown
        .iter()
        .map(|id| s.batches[*id].object.clone())
        .collect();
    let more = end < ids.len();
    match provider {
        "gemini" => {
            let mut page = json!({"operations": objects});
            if more {
                page["nextPageToken"] = json!(format!("page-{end}"));
            }
            page
        }
        _ => {
            let mut page = json!({
                "data": objects, "has_more": more,
                "first_id": shown.first(), "last_id": shown.last(),
            });
            if provider == "openai" {
                page["object"] = json!("list");
            }
            page
        }
    }
}

fn multipart_file(req: &Request) -> Option<Vec<u8>> {
    let ct = &req.headers.iter().find(|(k, _)| k == "content-type")?.1;
    let boundary = ct.split("boundary=").nth(1)?.trim_matches('"');
    let marker = format!("--{boundary}");
    let text = &req.body;
    let mut parts = Vec::new();
    let mut at = 0;
    while let Some(p) = find(&text[at..], marker.as_bytes()) {
        parts.push(at + p);
        at += p + marker.len();
    }
    for w in parts.windows(2) {
        let part = &text[w[0] + marker.len()..w[1]];
        let head_end = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        if head.contains("name=\"file\"") {
            let content = &part[head_end + 4..];
            return Some(content.strip_suffix(b"\r\n").unwrap_or(content).to_vec());
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn insert(
    s: &mut State,
    id: String,
    provider: &'static str,
    requests: Vec<(String, Value)>,
    mut object: Value,
) -> Out {
    let n = requests.len();
    match provider {
        "openai" => object["request_counts"]["total"] = json!(n),
        "anthropic" => object["request_counts"]["processing"] = json!(n),
        _ => {
            object["metadata"]["batchStats"] =
                json!({"requestCount": n.to_string(), "pendingRequestCount": n.to_string()})
        }
    }
    s.order.push(id.clone());
    s.batches.insert(
        id,
        Stored {
            provider,
            requests,
            step: 0,
            canceled: false,
            object: object.clone(),
        },
    );
    Out::Json(200, object, Vec::new())
}

fn cancel(s: &mut State, id: &str) -> Option<Value> {
    let b = s.batches.get_mut(id)?;
    b.canceled = true;
    match b.provider {
        "openai" => b.object["status"] = json!("cancelling"),
        "anthropic" => {
            b.object["processing_status"] = json!("canceling");
            b.object["cancel_initiated_at"] = json!("2024-09-24T18:40:00Z");
        }
        _ => {}
    }
    Some(b.object.clone())
}

/// Moves the batch one step on and answers with it.
fn advance(s: &mut State, id: &str) -> Option<Value> {
    let answer = Arc::clone(&s.answer);
    let base = s.base.clone();
    let gemini_inline = s.gemini_inline;
    let b = s.batches.get_mut(id)?;
    b.step += 1;
    let last = match b.provider {
        "openai" => 3,
        "anthropic" => 2,
        _ => 2,
    };
    let done = b.step >= last || (b.canceled && b.step >= 1);
    let mut files = Vec::new();
    if done
        && b.object.get("done").is_none()
        && !matches!(b.object["status"].as_str(), Some("completed" | "cancelled"))
        && b.object["processing_status"] != "ended"
    {
        let (ok, failed, lines) = results(b, &*answer);
        match b.provider {
            "openai" => {
                let out_id = format!("file-out-{}", id);
                let err_id = format!("file-err-{}", id);
                b.object["status"] = json!(if b.canceled { "cancelled" } else { "completed" });
                b.object["request_counts"] = json!({"total": b.requests.len(), "completed": ok.len(), "failed": failed.len()});
                if !ok.is_empty() {
                    b.object["output_file_id"] = json!(out_id);
                    files.push((out_id, ok.concat()));
                }
                if !failed.is_empty() {
                    b.object["error_file_id"] = json!(err_id);
                    files.push((err_id, failed.concat()));
                }
            }
            "anthropic" => {
                let counts = count_anthropic(&lines);
                b.object["processing_status"] = json!("ended");
                b.object["request_counts"] = counts;
                b.object["ended_at"] = json!("2024-09-24T19:37:24.100435Z");
                b.object["results_url"] = json!(format!("{base}/v1/messages/batches/{id}/results"));
                files.push((format!("{id}-results"), lines.concat()));
            }
            _ => {
                let meta = &mut b.object["metadata"];
                meta["state"] = json!(if b.canceled {
                    "BATCH_STATE_CANCELLED"
                } else {
                    "BATCH_STATE_SUCCEEDED"
                });
                meta["batchStats"] = json!({
                    "requestCount": b.requests.len().to_string(),
                    "successfulRequestCount": ok.len().to_string(),
                    "failedRequestCount": failed.len().to_string(),
                });
                b.object["done"] = json!(true);
                let output = if gemini_inline {
                    let items: Vec<Value> = lines
                        .iter()
                        .map(|l| {
                            let v: Value = serde_json::from_slice(l).unwrap_or(Value::Null);
                            let mut item = json!({"metadata": {"key": v["key"]}});
                            for f in ["response", "error"] {
                                if let Some(x) = v.get(f) {
                                    item[f] = x.clone();
                                }
                            }
                            item
                        })
                        .collect();
                    json!({"@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput", "inlinedResponses": {"inlinedResponses": items}})
                } else {
                    let file = format!("files/batch-{}", id.trim_start_matches("batches/"));
                    files.push((file.clone(), lines.concat()));
                    json!({"@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput", "responsesFile": file})
                };
                b.object["response"] = output.clone();
                b.object["metadata"]["output"] = output;
            }
        }
    } else if !done {
        match b.provider {
            "openai" if !b.canceled => {
                b.object["status"] = json!(if b.step == 1 {
                    "in_progress"
                } else {
                    "finalizing"
                })
            }
            "gemini" => b.object["metadata"]["state"] = json!("BATCH_STATE_RUNNING"),
            _ => {}
        }
    }
    let object = b.object.clone();
    for (k, v) in files {
        s.files.insert(k, v);
    }
    Some(object)
}

fn count_anthropic(lines: &[Vec<u8>]) -> Value {
    let mut c: HashMap<&str, usize> = HashMap::new();
    for l in lines {
        let v: Value = serde_json::from_slice(l).unwrap_or(Value::Null);
        let kind = match v["result"]["type"].as_str() {
            Some("succeeded") => "succeeded",
            Some("errored") => "errored",
            Some("expired") => "expired",
            _ => "canceled",
        };
        *c.entry(kind).or_default() += 1;
    }
    let get = |k| c.get(k).copied().unwrap_or(0);
    json!({"processing": 0, "succeeded": get("succeeded"), "errored": get("errored"), "canceled": get("canceled"), "expired": get("expired")})
}

/// Results lines, each with its newline.
type Lines = Vec<Vec<u8>>;

/// The results lines of a batch: (OpenAI output lines, OpenAI error
/// lines, every line in the provider's format).
fn results(b: &Stored, answer: &Answer) -> (Lines, Lines, Lines) {
    let (mut ok, mut failed, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (id, body)) in b.requests.iter().enumerate() {
        let reply = if b.canceled {
            Reply::Expired
        } else {
            answer(id)
        };
        let (line, good) = line(b.provider, i, id, body, &reply, b.canceled);
        let mut bytes = serde_json::to_vec(&line).expect("JSON");
        bytes.push(b'\n');
        if good {
            ok.push(bytes.clone())
        } else {
            failed.push(bytes.clone())
        }
        all.push(bytes);
    }
    (ok, failed, all)
}

/// One result line, shaped as the provider's; whether it succeeded.
fn line(
    provider: &str,
    i: usize,
    id: &str,
    body: &Value,
    reply: &Reply,
    canceled: bool,
) -> (Value, bool) {
    match (provider, reply) {
        ("openai", Reply::Answer(args)) => {
            let responses = body.get("input").is_some();
            let tool = if responses {
                body["tools"][0]["name"].as_str()
            } else {
                body["tools"][0]["function"]["name"].as_str()
            };
            let response_body = if responses {
                let item = match tool {
                    Some(name) => {
                        json!({"type": "function_call", "id": format!("fc_{i}"), "call_id": format!("call_{i}"), "name": name, "arguments": args, "status": "completed"})
                    }
                    None => {
                        json!({"type": "message", "id": format!("msg_{i}"), "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": args, "annotations": []}]})
                    }
                };
                json!({"id": format!("resp_{i}"), "object": "response", "status": "completed", "model": body["model"], "output": [item], "usage": {"input_tokens": 20, "output_tokens": 10, "total_tokens": 30}})
            } else {
                let message = match tool {
                    Some(name) => {
                        json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": [{"id": format!("call_{i}"), "type": "function", "function": {"name": name, "arguments": args}}]})
                    }
                    None => json!({"role": "assistant", "content": args, "refusal": null}),
                };
                let finish = if tool.is_some() { "tool_calls" } else { "stop" };
                json!({"id": format!("chatcmpl-{i}"), "object": "chat.completion", "created": 1_711_652_795, "model": body["model"],
                       "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
                       "usage": {"prompt_tokens": 22, "completion_tokens": 2, "total_tokens": 24}, "system_fingerprint": "fp_3ba"})
            };
            (
                json!({"id": format!("batch_req_{i}"), "custom_id": id, "response": {"status_code": 200, "request_id": format!("req_{i}"), "body": response_body}, "error": null}),
                true,
            )
        }
        ("openai", Reply::Error(m)) => (
            json!({"id": format!("batch_req_{i}"), "custom_id": id, "response": {"status_code": 400, "request_id": format!("req_{i}"), "body": {"error": {"message": m, "type": "invalid_request_error", "param": null, "code": null}}}, "error": null}),
            false,
        ),
        ("openai", Reply::Expired) => {
            let (code, message) = if canceled {
                (
                    "batch_cancelled",
                    "This request was cancelled before it could be executed.",
                )
            } else {
                (
                    "batch_expired",
                    "This request could not be executed before the completion window expired.",
                )
            };
            (
                json!({"id": format!("batch_req_{i}"), "custom_id": id, "response": null, "error": {"code": code, "message": message}}),
                false,
            )
        }
        ("anthropic", Reply::Answer(args)) => {
            let content = match (
                body["tools"][0]["name"].as_str(),
                serde_json::from_str::<Value>(args),
            ) {
                (Some(name), Ok(input)) => {
                    json!([{"type": "tool_use", "id": format!("toolu_{i:02}"), "name": name, "input": input}])
                }
                _ => json!([{"type": "text", "text": args}]),
            };
            let stop = if content[0]["type"] == "tool_use" {
                "tool_use"
            } else {
                "end_turn"
            };
            (
                json!({"custom_id": id, "result": {"type": "succeeded", "message": {"id": format!("msg_{i:02}"), "type": "message", "role": "assistant", "model": body["model"], "content": content, "stop_reason": stop, "stop_sequence": null, "usage": {"input_tokens": 11, "output_tokens": 36}}}}),
                true,
            )
        }
        ("anthropic", Reply::Error(m)) => (
            json!({"custom_id": id, "result": {"type": "errored", "error": {"type": "error", "error": {"type": "invalid_request_error", "message": m}}}}),
            false,
        ),
        ("anthropic", Reply::Expired) => (
            json!({"custom_id": id, "result": {"type": if canceled { "canceled" } else { "expired" }}}),
            false,
        ),
        (_, Reply::Answer(args)) => {
            let part = match (
                body["tools"][0]["functionDeclarations"][0]["name"].as_str(),
                serde_json::from_str::<Value>(args),
            ) {
                (Some(name), Ok(a)) => json!({"functionCall": {"name": name, "args": a}}),
                _ => json!({"text": args}),
            };
            (
                json!({"key": id, "response": {"candidates": [{"content": {"parts": [part], "role": "model"}, "finishReason": "STOP", "index": 0}], "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 12, "totalTokenCount": 20}, "modelVersion": "gemini-2.5-flash"}}),
                true,
            )
        }
        (_, Reply::Error(m)) => (
            json!({"key": id, "error": {"code": 400, "message": m, "status": "INVALID_ARGUMENT"}}),
            false,
        ),
        (_, Reply::Expired) => (
            json!({"key": id, "error": {"code": 4, "message": "The batch expired before this request ran.", "status": "DEADLINE_EXCEEDED"}}),
            false,
        ),
    }
}
