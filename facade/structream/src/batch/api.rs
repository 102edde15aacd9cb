//! The batch APIs over HTTP: submit, watch, cancel, list, and the results
//! file downloaded as a stream (resumed with a `Range` request when the
//! connection drops). Every request goes through the client's transport,
//! with its timeouts and its retries of 429 (honouring `retry-after`), 5xx
//! and connection errors.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde_json::{Value, json};
use structream_provider::HttpRequest;
use structream_provider::http::ByteStream;
use structream_provider::request::{HeaderValue, StreamedBody};

use super::lines::{Endpoint, Prepared, Splitter, build_line};
use super::result_error::ResultError;
use super::results::{BatchResult, ResultsDecoder};
use super::{Batch, BatchRequest, Counts, Format, Limits, State};
use crate::client::short_type_name;
use crate::schema::schema_of;
use crate::{Client, Error, Structured};

/// The batch API of a [`Client`]'s provider; made by [`Client::batches`].
#[derive(Debug, Clone)]
pub struct Batches {
    client: Client,
    format: Format,
    endpoint: Endpoint,
    limits: Limits,
    poll: Duration,
    max_poll: Duration,
    resumes: u32,
}

/// What [`Batches::create`] submitted.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Submitted {
    /// The batches, in order (more than one when the requests were over
    /// the provider's limits).
    pub batches: Vec<Batch>,
    /// The custom ids of each batch.
    pub ids: Vec<Vec<String>>,
    /// Why there are several batches, if there are.
    pub note: Option<String>,
}

/// How many bytes of request lines an upload sends at a time, about.
const PIECE: usize = 64 << 10;

/// The multipart body of OpenAI's file upload (purpose `batch`, the lines
/// as `batch.jsonl`), made as it is sent: a piece holds a few whole lines
/// (about [`PIECE`] bytes, or one longer line), so no copy of the whole
/// file is ever made.
fn multipart(prepared: Arc<Prepared>) -> StreamedBody {
    const BOUNDARY: &str = "structream-batch-7d1f3a9c";
    let head = format!(
        "--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
         --{BOUNDARY}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"batch.jsonl\"\r\n\
         content-type: application/jsonl\r\n\r\n"
    );
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let length = (head.len() + prepared.bytes() + tail.len()) as u64;
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    StreamedBody::new(content_type, length, move || {
        let prepared = Arc::clone(&prepared);
        let mut next = 0;
        let lines = std::iter::from_fn(move || {
            let mut piece = Vec::new();
            while let Some(line) = prepared.lines.get(next) {
                if !piece.is_empty() && piece.len() + line.len() + 1 > PIECE {
                    break;
                }
                piece.extend_from_slice(line);
                piece.push(b'\n');
                next += 1;
            }
            (!piece.is_empty()).then_some(piece)
        });
        std::iter::once(head.clone().into_bytes())
            .chain(lines)
            .chain(std::iter::once(tail.clone().into_bytes()))
    })
}

/// Progress of [`Batches::wait`], after each poll.
pub type Progress<'p> = dyn FnMut(&Batch) + Send + 'p;

impl Client {
    /// The batch API of this client's provider (OpenAI Chat Completions or
    /// Responses, Anthropic, Gemini), with this client's model, mode, key
    /// and base URL.
    pub fn batches(&self) -> Result<Batches, Error> {
        let format = Format::of_provider(self.inner.provider.name()).ok_or_else(|| {
            Error::Config(format!(
                "{} has no batch API here (openai, openai-responses, anthropic and gemini do)",
                self.inner.provider.name()
            ))
        })?;
        let endpoint = Endpoint::of_client(self, format)?;
        Ok(Batches {
            client: self.clone(),
            format,
            endpoint,
            limits: Limits::of(format),
            poll: Duration::from_secs(10),
            max_poll: Duration::from_secs(300),
            resumes: 3,
        })
    }
}

impl Batches {
    /// The provider's batch format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Other limits per batch than the provider's (smaller batches).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How often [`Batches::wait`] polls: first after `first`, then twice
    /// as long each time up to `max` (default 10 s to 5 min).
    #[must_use]
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.poll = first;
        self.max_poll = max.max(first);
        self
    }

    /// How often a results download cut off mid-file is resumed (default 3).
    #[must_use]
    pub fn resumes(mut self, n: u32) -> Self {
        self.resumes = n;
        self
    }

    /// Builds the request lines of `requests` for a `T` and submits them,
    /// as several batches if they exceed the provider's limits. The
    /// requests are read as they are submitted: only one batch is held.
    pub async fn create<T: Structured>(
        &self,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Result<Submitted, Error> {
        self.create_planned::<T>(schema_of::<T>(), short_type_name::<T>(), requests)
            .await
    }

    /// [`Batches::create`] for values with the JSON Schema `schema`.
    pub async fn create_with_schema(
        &self,
        mut schema: Value,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Result<Submitted, Error> {
        if let Value::Object(map) = &mut schema {
            map.remove("$schema");
        }
        self.create_planned::<Value>(schema, "output", requests)
            .await
    }

    async fn create_planned<T: Structured>(
        &self,
        schema: Value,
        type_name: &str,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Result<Submitted, Error> {
        let mut splitter = Splitter::new(self.limits);
        let mut submitted = Submitted {
            batches: Vec::new(),
            ids: Vec::new(),
            note: None,
        };
        for request in requests {
            let id = request.custom_id.clone();
            let (line, _) =
                build_line::<T>(&self.client, self.format, &schema, type_name, request)?;
            if let Some(full) = splitter.push(id, line)? {
                self.submit_into(full, &mut submitted).await?;
            }
        }
        if let Some(last) = splitter.finish() {
            self.submit_into(last, &mut submitted).await?;
        }
        if submitted.batches.is_empty() {
            return Err(Error::Config("a batch needs at least one request".into()));
        }
        if submitted.batches.len() > 1 {
            let sizes: Vec<String> = submitted.ids.iter().map(|i| i.len().to_string()).collect();
            submitted.note = Some(format!(
                "the requests exceed the provider's limits per batch ({} requests, {} bytes): \
                 submitted as {} batches of {} requests",
                self.limits.max_requests,
                self.limits.max_bytes,
                submitted.batches.len(),
                sizes.join(", ")
            ));
        }
        Ok(submitted)
    }

    async fn submit_into(&self, mut prepared: Prepared, into: &mut Submitted) -> Result<(), Error> {
        let ids = std::mem::take(&mut prepared.ids);
        let batch = self.submit_shared(Arc::new(prepared)).await?;
        into.batches.push(batch);
        into.ids.push(ids);
        Ok(())
    }

    /// Submits prepared request lines as one batch.
    pub async fn submit(&self, prepared: &Prepared) -> Result<Batch, Error> {
        self.submit_shared(Arc::new(prepared.clone())).await
    }

    /// Submits request lines as one batch; an upload reads them as it
    /// sends them, without a copy of the whole file.
    async fn submit_shared(&self, prepared: Arc<Prepared>) -> Result<Batch, Error> {
        match self.format {
            Format::OpenAiChat | Format::OpenAiResponses => {
                let upload = HttpRequest::post_streamed(self.url("/files"), multipart(prepared));
                let file = self.json(upload).await?;
                let file_id = text(&file, "id").ok_or_else(|| {
                    Error::Transport(format!("the upload answered {file} without an id"))
                })?;
                let endpoint = if self.format == Format::OpenAiChat {
                    "/v1/chat/completions"
                } else {
                    "/v1/responses"
                };
                let create = json!({
                    "input_file_id": file_id,
                    "endpoint": endpoint,
                    "completion_window": "24h",
                });
                self.batch(HttpRequest::post_json(self.url("/batches"), create))
                    .await
            }
            Format::Anthropic => {
                let mut body = b"{\"requests\":".to_vec();
                body.extend_from_slice(&prepared.json_array());
                body.push(b'}');
                let request = HttpRequest::post_bytes(
                    self.url("/messages/batches"),
                    "application/json",
                    body,
                );
                self.batch(request).await
            }
            Format::Gemini => {
                let mut body =
                    b"{\"batch\":{\"displayName\":\"structream\",\"inputConfig\":".to_vec();
                if prepared.bytes() + Limits::ENVELOPE > self.limits.max_inline_bytes {
                    let file = self.gemini_upload(prepared.gemini_jsonl()?).await?;
                    serde_json::to_writer(&mut body, &json!({"fileName": file}))
                        .map_err(|e| Error::Config(e.to_string()))?;
                } else {
                    body.extend_from_slice(b"{\"requests\":{\"requests\":");
                    body.extend_from_slice(&prepared.json_array());
                    body.extend_from_slice(b"}}");
                }
                body.extend_from_slice(b"}}");
                let path = format!("/models/{}:batchGenerateContent", self.endpoint.model);
                let request = HttpRequest::post_bytes(self.url(&path), "application/json", body);
                self.batch(request).await
            }
        }
    }

    /// Uploads a Gemini batch's JSONL through the Files API's resumable
    /// protocol (a start request that answers with the upload URL, then
    /// the bytes, uploaded and finalized at once); the file's name
    /// (`files/…`).
    async fn gemini_upload(&self, jsonl: Vec<u8>) -> Result<String, Error> {
        let uploads = self.endpoint.base.replacen("/v1beta", "/upload/v1beta", 1);
        let mut start = HttpRequest::post_bytes(
            format!("{uploads}/files"),
            "application/json",
            br#"{"file":{"display_name":"structream-batch"}}"#.to_vec(),
        );
        let length = jsonl.len().to_string();
        for (name, value) in [
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", length.as_str()),
            ("x-goog-upload-header-content-type", "application/jsonl"),
        ] {
            start
                .headers
                .push((name.into(), HeaderValue::Plain(value.into())));
        }
        let (_, url) = self.json_and_header(start, "x-goog-upload-url").await?;
        let url = url.ok_or_else(|| {
            Error::Transport("the Files API started an upload without its upload URL".into())
        })?;
        // Sent in pieces of the one copy, never copied whole again.
        let jsonl = Arc::new(jsonl);
        let length = jsonl.len() as u64;
        let body = StreamedBody::new("application/jsonl", length, move || {
            let jsonl = Arc::clone(&jsonl);
            let mut at = 0;
            std::iter::from_fn(move || {
                let piece = jsonl.get(at..(at + PIECE).min(jsonl.len()))?;
                at += piece.len();
                (!piece.is_empty()).then(|| piece.to_vec())
            })
        });
        let mut upload = HttpRequest::post_streamed(url, body);
        for (name, value) in [
            ("x-goog-upload-offset", "0"),
            ("x-goog-upload-command", "upload, finalize"),
        ] {
            upload
                .headers
                .push((name.into(), HeaderValue::Plain(value.into())));
        }
        let file = self.json(upload).await?;
        file.get("file")
            .and_then(|f| text(f, "name"))
            .ok_or_else(|| {
                Error::Transport(format!("the upload answered {file} without a file name"))
            })
    }

    /// The batch `id` as the provider reports it now.
    pub async fn status(&self, id: &str) -> Result<Batch, Error> {
        let path = match self.format {
            Format::OpenAiChat | Format::OpenAiResponses => format!("/batches/{id}"),
            Format::Anthropic => format!("/messages/batches/{id}"),
            Format::Gemini => format!("/{id}"),
        };
        self.batch(HttpRequest::get(self.url(&path))).await
    }

    /// Polls the batch `id` until it is final ([`State::is_final`]), with
    /// the poll interval doubling up to its maximum; `progress` sees the
    /// batch after every poll.
    pub async fn wait(&self, id: &str, progress: &mut Progress<'_>) -> Result<Batch, Error> {
        let mut delay = self.poll;
        loop {
            let batch = self.status(id).await?;
            progress(&batch);
            if batch.state.is_final() {
                return Ok(batch);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(self.max_poll);
        }
    }

    /// Asks the provider to cancel the batch `id`; the batch after the ask
    /// (usually canceling).
    pub async fn cancel(&self, id: &str) -> Result<Batch, Error> {
        match self.format {
            Format::OpenAiChat | Format::OpenAiResponses => {
                let url = self.url(&format!("/batches/{id}/cancel"));
                self.batch(HttpRequest::post_json(url, json!({}))).await
            }
            Format::Anthropic => {
                let url = self.url(&format!("/messages/batches/{id}/cancel"));
                self.batch(HttpRequest::post_json(url, json!({}))).await
            }
            Format::Gemini => {
                let url = self.url(&format!("/{id}:cancel"));
                self.json(HttpRequest::post_json(url, json!({}))).await?;
                self.status(id).await
            }
        }
    }

    /// Every batch of the account, newest first, following the pages.
    pub async fn list(&self) -> Result<Vec<Batch>, Error> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match (self.format, &cursor) {
                (Format::Anthropic, None) => "/messages/batches?limit=100".to_owned(),
                (Format::Anthropic, Some(c)) => format!("/messages/batches?limit=100&after_id={c}"),
                (Format::Gemini, None) => "/batches?pageSize=100".to_owned(),
                (Format::Gemini, Some(c)) => format!("/batches?pageSize=100&pageToken={c}"),
                (_, None) => "/batches?limit=100".to_owned(),
                (_, Some(c)) => format!("/batches?limit=100&after={c}"),
            };
            let page = self.json(HttpRequest::get(self.url(&path))).await?;
            let items = match self.format {
                Format::Gemini => page.get("operations").or_else(|| page.get("batches")),
                _ => page.get("data"),
            };
            for item in items.and_then(Value::as_array).into_iter().flatten() {
                out.push(self.read_batch(item.clone())?);
            }
            cursor = match self.format {
                Format::Gemini => text(&page, "nextPageToken").filter(|t| !t.is_empty()),
                _ if page.get("has_more") == Some(&Value::Bool(true)) => text(&page, "last_id"),
                _ => None,
            };
            if cursor.is_none() {
                return Ok(out);
            }
        }
    }

    /// The results of a batch (final, or canceled or expired with partial
    /// results), decoded into `T` as they download.
    pub async fn results<T: Structured>(&self, batch: &Batch) -> Result<Results<T>, Error> {
        let decoder = ResultsDecoder::<T>::new(&self.client, self.format);
        self.results_with(batch, decoder)
    }

    /// [`Batches::results`] for values with the JSON Schema `schema`.
    pub async fn results_with_schema(
        &self,
        batch: &Batch,
        schema: Value,
    ) -> Result<Results<Value>, Error> {
        let decoder = ResultsDecoder::with_schema(&self.client, self.format, schema);
        self.results_with(batch, decoder)
    }

    /// The results of `batch` through `decoder` (set up with
    /// [`ResultsDecoder::expect_ids`] to check the ids).
    pub fn results_with<T: Structured>(
        &self,
        batch: &Batch,
        decoder: ResultsDecoder<T>,
    ) -> Result<Results<T>, Error> {
        let sources = self.sources(batch)?;
        Ok(Results {
            batches: self.clone(),
            decoder,
            sources: sources.into(),
            state: Reading::Idle,
            out: VecDeque::new(),
            resumes_left: self.resumes,
        })
    }

    /// Runs `requests` as live calls, one after the other (the other way
    /// to retry what failed in a batch).
    pub async fn run_live<T: Structured>(
        &self,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Vec<BatchResult<T>> {
        let mut out = Vec::new();
        for (i, r) in requests.into_iter().enumerate() {
            let outcome = self
                .client
                .create_with_completion::<T>(r.request)
                .await
                .map_err(|e| match e {
                    Error::Provider(p) => ResultError::Provider(p),
                    e => ResultError::Call(e),
                });
            let (outcome, usage) = match outcome {
                Ok(c) => (Ok(c.value), c.usage),
                Err(e) => (Err(e), Default::default()),
            };
            out.push(BatchResult {
                custom_id: Some(r.custom_id),
                line: i as u64 + 1,
                outcome,
                usage,
            });
        }
        out
    }

    /// Where the results of `batch` are.
    fn sources(&self, batch: &Batch) -> Result<Vec<Source>, Error> {
        let raw = &batch.raw;
        let mut sources = Vec::new();
        match self.format {
            Format::OpenAiChat | Format::OpenAiResponses => {
                for field in ["output_file_id", "error_file_id"] {
                    if let Some(file) = text(raw, field) {
                        sources.push(Source::Url(self.url(&format!("/files/{file}/content"))));
                    }
                }
            }
            Format::Anthropic => {
                let url = text(raw, "results_url").unwrap_or_else(|| {
                    self.url(&format!("/messages/batches/{}/results", batch.id))
                });
                if batch.state == State::Ended {
                    sources.push(Source::Url(url));
                }
            }
            Format::Gemini => {
                let output = raw
                    .get("response")
                    .or_else(|| raw.get("metadata").and_then(|m| m.get("output")));
                if let Some(file) = output.and_then(|o| text(o, "responsesFile")) {
                    let base = self
                        .endpoint
                        .base
                        .replacen("/v1beta", "/download/v1beta", 1);
                    sources.push(Source::Url(format!("{base}/{file}:download?alt=media")));
                } else if let Some(items) = output
                    .and_then(|o| o.get("inlinedResponses"))
                    .and_then(|r| r.get("inlinedResponses"))
                    .and_then(Value::as_array)
                {
                    let mut bytes = Vec::new();
                    for item in items {
                        serde_json::to_writer(&mut bytes, item)
                            .map_err(|e| Error::Transport(e.to_string()))?;
                        bytes.push(b'\n');
                    }
                    sources.push(Source::Bytes(bytes));
                }
            }
        }
        if sources.is_empty() {
            return Err(Error::Config(format!(
                "batch {} has no results (it is {})",
                batch.id, batch.raw_status
            )));
        }
        Ok(sources)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.base)
    }

    fn with_headers(&self, mut request: HttpRequest) -> HttpRequest {
        request
            .headers
            .extend(self.endpoint.headers.iter().cloned());
        request
    }

    async fn json(&self, request: HttpRequest) -> Result<Value, Error> {
        Ok(self.json_and_header(request, "").await?.0)
    }

    /// The JSON a request answers with, and the response header `header`.
    async fn json_and_header(
        &self,
        request: HttpRequest,
        header: &str,
    ) -> Result<(Value, Option<String>), Error> {
        let request = self.with_headers(request);
        let mut body = self
            .client
            .inner
            .http
            .send(&request)
            .await
            .map_err(Error::from_provider)?;
        let header = (!header.is_empty())
            .then(|| body.header(header).map(str::to_owned))
            .flatten();
        let mut bytes = Vec::new();
        while let Some(chunk) = crate::next(&mut body).await {
            bytes.extend_from_slice(&chunk.map_err(Error::from_provider)?);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok((Value::Object(Default::default()), header));
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Transport(format!(
                "{} answered with something not JSON: {e}",
                request.url
            ))
        })?;
        Ok((value, header))
    }

    async fn batch(&self, request: HttpRequest) -> Result<Batch, Error> {
        let raw = self.json(request).await?;
        self.read_batch(raw)
    }

    /// A provider's batch object as a [`Batch`].
    fn read_batch(&self, raw: Value) -> Result<Batch, Error> {
        let n = |v: Option<&Value>| match v {
            Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
            // Gemini's int64 counts are strings.
            Some(Value::String(s)) => s.parse().unwrap_or(0),
            _ => 0,
        };
        let missing =
            |what: &str| Error::Transport(format!("a batch object without {what}: {raw}"));
        let (id, status, counts, state) = match self.format {
            Format::OpenAiChat | Format::OpenAiResponses => {
                let status = text(&raw, "status").ok_or_else(|| missing("status"))?;
                let c = raw.get("request_counts");
                let get = |f: &str| n(c.and_then(|c| c.get(f)));
                let (total, done, failed) = (get("total"), get("completed"), get("failed"));
                let state = match status.as_str() {
                    "validating" => State::Pending,
                    "in_progress" | "finalizing" => State::Running,
                    "cancelling" => State::Canceling,
                    "completed" => State::Ended,
                    "failed" => State::Failed,
                    "expired" => State::Expired,
                    "cancelled" => State::Canceled,
                    _ => State::Running,
                };
                let counts = Counts {
                    total,
                    succeeded: done,
                    errored: failed,
                    in_progress: if state.is_final() {
                        0
                    } else {
                        total.saturating_sub(done + failed)
                    },
                    ..Counts::default()
                };
                (text(&raw, "id"), status, counts, state)
            }
            Format::Anthropic => {
                let status =
                    text(&raw, "processing_status").ok_or_else(|| missing("processing_status"))?;
                let c = raw.get("request_counts");
                let get = |f: &str| n(c.and_then(|c| c.get(f)));
                let counts = Counts {
                    succeeded: get("succeeded"),
                    errored: get("errored"),
                    expired: get("expired"),
                    canceled: get("canceled"),
                    in_progress: get("processing"),
                    total: ["succeeded", "errored", "expired", "canceled", "processing"]
                        .iter()
                        .map(|f| get(f))
                        .sum(),
                };
                let state = match status.as_str() {
                    "canceling" => State::Canceling,
                    "ended" => State::Ended,
                    _ => State::Running,
                };
                (text(&raw, "id"), status, counts, state)
            }
            Format::Gemini => {
                // An operation (`metadata` holds the batch) or the batch itself.
                let batch = raw.get("metadata").unwrap_or(&raw);
                let status = text(batch, "state").ok_or_else(|| missing("state"))?;
                let c = batch.get("batchStats");
                let get = |f: &str| n(c.and_then(|c| c.get(f)));
                let counts = Counts {
                    total: get("requestCount"),
                    succeeded: get("successfulRequestCount"),
                    errored: get("failedRequestCount"),
                    in_progress: get("pendingRequestCount"),
                    ..Counts::default()
                };
                let state = match status.as_str() {
                    "BATCH_STATE_PENDING" => State::Pending,
                    "BATCH_STATE_SUCCEEDED" => State::Ended,
                    "BATCH_STATE_FAILED" => State::Failed,
                    "BATCH_STATE_CANCELLED" => State::Canceled,
                    "BATCH_STATE_EXPIRED" => State::Expired,
                    _ => State::Running,
                };
                (
                    text(&raw, "name").or_else(|| text(batch, "name")),
                    status,
                    counts,
                    state,
                )
            }
        };
        Ok(Batch {
            id: id.ok_or_else(|| missing("an id"))?,
            format: self.format,
            state,
            raw_status: status,
            counts,
            raw,
        })
    }
}

fn text(v: &Value, field: &str) -> Option<String> {
    v.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// A part of the results: a file to download, or lines the batch object
/// held inline.
#[derive(Debug)]
enum Source {
    Url(String),
    Bytes(Vec<u8>),
}

type Sending = Pin<Box<dyn Future<Output = Result<ByteStream, structream_provider::Error>> + Send>>;

enum Reading {
    Idle,
    Sending {
        url: String,
        /// Bytes of this file already decoded (a resumed download).
        from: u64,
        future: Sending,
    },
    Body {
        url: String,
        body: ByteStream,
        /// Bytes of this file received.
        at: u64,
        /// Bytes still to drop (a server that ignored the range).
        skip: u64,
    },
    Done,
}

/// The results of a batch as they download: each [`BatchResult`] as its
/// line arrives. A download cut off mid-file is resumed from the byte it
/// stopped at (a `Range` request; a server that ignores it has its repeat
/// skipped), up to [`Batches::resumes`] times; then the stream ends with
/// the error, after every result decoded before it.
pub struct Results<T: Structured> {
    batches: Batches,
    decoder: ResultsDecoder<T>,
    sources: VecDeque<Source>,
    state: Reading,
    out: VecDeque<Result<BatchResult<T>, Error>>,
    resumes_left: u32,
}

impl<T: Structured> std::fmt::Debug for Results<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Results")
            .field("decoder", &self.decoder)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

// Nothing in it is pinned in place (the futures it polls are boxed).
impl<T: Structured> Unpin for Results<T> {}

impl<T: Structured> Results<T> {
    fn send(&self, url: String, from: u64) -> Reading {
        let mut request = self.batches.with_headers(HttpRequest::get(url.clone()));
        if from > 0 {
            request = request.header("range", format!("bytes={from}-"));
        }
        let client = self.batches.client.clone();
        Reading::Sending {
            url,
            from,
            future: Box::pin(async move { client.inner.http.send(&request).await }),
        }
    }
}

impl<T: Structured> Stream for Results<T> {
    type Item = Result<BatchResult<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.out.pop_front() {
                return Poll::Ready(Some(item));
            }
            match &mut this.state {
                Reading::Done => return Poll::Ready(None),
                Reading::Idle => match this.sources.pop_front() {
                    None => this.state = Reading::Done,
                    Some(Source::Bytes(bytes)) => {
                        this.out.extend(this.decoder.feed(&bytes).map(Ok));
                        this.out.extend(this.decoder.finish().map(Ok));
                    }
                    Some(Source::Url(url)) => this.state = this.send(url, 0),
                },
                Reading::Sending { url, from, future } => match future.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(body)) => {
                        let skip = if body.status() == 206 { 0 } else { *from };
                        this.state = Reading::Body {
                            url: std::mem::take(url),
                            body,
                            at: *from,
                            skip,
                        };
                    }
                    Poll::Ready(Err(e)) => {
                        this.out.push_back(Err(Error::from_provider(e)));
                        this.state = Reading::Done;
                    }
                },
                Reading::Body {
                    url,
                    body,
                    at,
                    skip,
                } => match Pin::new(&mut *body).poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(chunk))) => {
                        let drop = (*skip).min(chunk.len() as u64) as usize;
                        *skip -= drop as u64;
                        let fresh = &chunk[drop..];
                        *at += fresh.len() as u64;
                        this.out.extend(this.decoder.feed(fresh).map(Ok));
                    }
                    Poll::Ready(Some(Err(e))) => {
                        if this.resumes_left > 0 {
                            this.resumes_left -= 1;
                            let (url, at) = (std::mem::take(url), *at);
                            this.state = this.send(url, at);
                        } else {
                            let cause = Error::from_provider(e);
                            this.out.push_back(Err(Error::Incomplete {
                                partial: None,
                                reason: None,
                                items: None,
                                cause: Some(Box::new(cause)),
                            }));
                            this.state = Reading::Done;
                        }
                    }
                    Poll::Ready(None) => {
                        this.out.extend(this.decoder.finish().map(Ok));
                        this.state = Reading::Idle;
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_is_made_in_pieces_of_whole_lines_that_add_up_to_the_multipart_body() {
        let mut splitter = Splitter::new(Limits::of(Format::OpenAiChat));
        for i in 0..2000 {
            let line = format!(r#"{{"custom_id":"r{i}","pad":"{}"}}"#, "x".repeat(i % 300));
            assert!(
                splitter
                    .push(format!("r{i}"), line.into_bytes())
                    .unwrap()
                    .is_none()
            );
        }
        let prepared = splitter.finish().unwrap();
        let body = multipart(Arc::new(prepared.clone()));
        let pieces: Vec<Vec<u8>> = body.pieces().collect();
        // Never the whole file at once: pieces of whole lines, bounded.
        assert!(pieces.len() > 4, "{}", pieces.len());
        assert!(pieces.iter().all(|p| p.len() <= PIECE));
        let sent = pieces.concat();
        assert_eq!(sent.len() as u64, body.len());
        // The file part is the JSONL, byte for byte, between the parts'
        // headers and the closing boundary.
        let jsonl = prepared.jsonl();
        let head = b"filename=\"batch.jsonl\"\r\ncontent-type: application/jsonl\r\n\r\n";
        let start = sent.windows(head.len()).position(|w| w == head).unwrap() + head.len();
        assert_eq!(&sent[start..start + jsonl.len()], &jsonl[..]);
        assert_eq!(
            &sent[start + jsonl.len()..],
            b"\r\n--structream-batch-7d1f3a9c--\r\n"
        );
        // A retry makes the same bytes again.
        assert_eq!(body.pieces().collect::<Vec<_>>().concat(), sent);
    }
}
