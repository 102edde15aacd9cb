//! The HTTP transport (feature `http`): sends an [`HttpRequest`] with
//! reqwest (rustls) and hands back the body as a byte stream, or decoded as
//! a stream of events.
//!
//! * Connect and read (idle) timeouts: a server that sends headers and then
//!   nothing, or stalls mid-stream, gives [`Error::Timeout`], never a hang.
//! * Retries with exponential back-off on 429, 5xx and connection errors,
//!   only before the first byte of a successful response; `retry-after` and
//!   `retry-after-ms` are honoured up to [`TransportConfig::max_backoff`].
//! * An error status becomes [`Error::Provider`] with the status and the
//!   provider's own message from the body; an HTML (or plain JSON) body
//!   where a stream was asked for becomes [`Error::NotAStream`].
//! * Dropping the stream drops the response, which closes the connection.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use crate::error::{Error, ProviderError};
use crate::event::StreamEvent;
use crate::provider::{Provider, StreamDecoder};
use crate::request::{HttpRequest, Method, StructuredRequest};

/// Transport settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Limit for establishing a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes, headers or body (default 120 s:
    /// reasoning models can think silently for a while).
    pub read_timeout: Duration,
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// First back-off delay, doubled on each retry (default 500 ms).
    pub initial_backoff: Duration,
    /// Longest delay between attempts; a `retry-after` asking for more ends
    /// the retries (default 30 s).
    pub max_backoff: Duration,
    /// Longest error body read for its message (default 64 KiB).
    pub max_error_body: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_error_body: 64 << 10,
        }
    }
}

impl TransportConfig {
    /// Sets [`TransportConfig::connect_timeout`].
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Sets [`TransportConfig::read_timeout`].
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = d;
        self
    }

    /// Sets [`TransportConfig::max_retries`].
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`TransportConfig::initial_backoff`].
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets [`TransportConfig::max_backoff`].
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }
}

/// An HTTP client for provider calls. Cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: TransportConfig,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client with the default [`TransportConfig`].
    pub fn new() -> Result<Self, Error> {
        Self::with_config(TransportConfig::default())
    }

    /// A client with the given settings.
    pub fn with_config(config: TransportConfig) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(concat!("structream/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Transport(error_chain(&e)))?;
        Ok(HttpClient { client, config })
    }

    /// The settings.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Sends the request, retrying as configured, and returns the body of
    /// the successful response as a stream of byte chunks.
    pub async fn send(&self, request: &HttpRequest) -> Result<ByteStream, Error> {
        let mut attempt = 0u32;
        loop {
            let retry_in = match self.send_once(request).await {
                Ok(stream) => return Ok(stream),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retryable(e, retry_after)) => {
                    if attempt >= self.config.max_retries {
                        return Err(e);
                    }
                    match retry_after {
                        Some(d) if d > self.config.max_backoff => return Err(e),
                        Some(d) => d,
                        None => self.backoff(attempt),
                    }
                }
            };
            attempt += 1;
            tokio::time::sleep(retry_in).await;
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .initial_backoff
            .saturating_mul(1u32 << attempt.min(16));
        // Up to 25 % jitter so that clients that failed together do not
        // retry together.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = base.mul_f64(f64::from(nanos % 1000) / 4000.0);
        (base + jitter).min(self.config.max_backoff)
    }

    async fn send_once(&self, request: &HttpRequest) -> Result<ByteStream, Failure> {
        let method = match request.method {
            Method::Post => reqwest::Method::POST,
            Method::Get => reqwest::Method::GET,
        };
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            let mut v = reqwest::header::HeaderValue::from_str(&value.expose()).map_err(|_| {
                Failure::Final(Error::InvalidRequest(format!(
                    "header {name} has a value that cannot be sent"
                )))
            })?;
            if matches!(value, crate::request::HeaderValue::Secret { .. }) {
                v.set_sensitive(true);
            }
            builder = builder.header(name.as_str(), v);
        }
        if let Some(streamed) = &request.streamed_body {
            builder = builder
                .header("content-type", streamed.content_type())
                .header("content-length", streamed.len())
                .body(reqwest::Body::wrap_stream(Pieces(streamed.pieces())));
        } else if let Some((content_type, bytes)) = &request.raw_body {
            builder = builder
                .header("content-type", content_type.as_str())
                .body(bytes.clone());
        } else if request.method == Method::Post {
            let body = serde_json::to_vec(&request.body)
                .map_err(|e| Failure::Final(Error::InvalidRequest(e.to_string())))?;
            builder = builder.body(body);
        }
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => {
                let err = map_reqwest(&e, "the response headers", self.config.read_timeout);
                // Connection failures happen before any byte was sent back:
                // safe to retry. A timeout waiting for headers is not retried
                // (the server may be working on the request).
                return Err(if e.is_connect() {
                    Failure::Retryable(err, None)
                } else {
                    Failure::Final(err)
                });
            }
        };
        let status = response.status();
        if !status.is_success() {
            let retry_after = retry_after(response.headers());
            let body = self.read_error_body(response).await;
            let err = Error::Provider(ProviderError::from_http_body(status.as_u16(), &body));
            return Err(if status.as_u16() == 429 || status.is_server_error() {
                Failure::Retryable(err, retry_after)
            } else {
                Failure::Final(err)
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let wants_sse = request
            .header_value("accept")
            .is_some_and(|v| v.expose().contains("text/event-stream"));
        if content_type.starts_with("text/html")
            || (wants_sse && content_type.starts_with("application/json"))
        {
            let body = self.read_error_body(response).await;
            let text = String::from_utf8_lossy(&body);
            let snippet: String = text.trim().chars().take(300).collect();
            return Err(Failure::Final(Error::NotAStream {
                content_type,
                snippet,
            }));
        }
        Ok(ByteStream {
            status: status.as_u16(),
            headers: response.headers().clone(),
            inner: Box::pin(response.bytes_stream()),
            read_timeout: self.config.read_timeout,
            done: false,
        })
    }

    /// Reads an error body, bounded in size; a failure to read it gives an
    /// empty body (the status still tells what happened).
    async fn read_error_body(&self, mut response: reqwest::Response) -> Vec<u8> {
        let mut body = Vec::new();
        while body.len() < self.config.max_error_body {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        body.truncate(self.config.max_error_body);
        body
    }

    /// Builds the request of a structured call with `provider`, sends it and
    /// decodes the body: the whole round trip.
    pub async fn stream_events(
        &self,
        provider: &dyn Provider,
        request: &StructuredRequest,
    ) -> Result<EventStream, Error> {
        let http = provider.build_request(request)?;
        let bytes = self.send(&http).await?;
        Ok(EventStream::new(bytes, provider.decoder()))
    }
}

enum Failure {
    Retryable(Error, Option<Duration>),
    Final(Error),
}

/// `retry-after-ms` (OpenAI), or `retry-after` in seconds or as an HTTP
/// date (a date in the past means now).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    retry_after_at(headers, std::time::SystemTime::now())
}

/// [`retry_after`] at the time `now`.
fn retry_after_at(
    headers: &reqwest::header::HeaderMap,
    now: std::time::SystemTime,
) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = get("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && (0.0..1e7).contains(&seconds))
            .then(|| Duration::from_secs_f64(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

fn map_reqwest(e: &reqwest::Error, waiting_for: &'static str, read_timeout: Duration) -> Error {
    if e.is_timeout() {
        return Error::Timeout {
            phase: waiting_for,
            after: read_timeout,
        };
    }
    Error::Transport(error_chain(e))
}

/// An error and its sources, `: `-separated. reqwest errors show the URL,
/// which never carries a key (keys travel in headers).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

/// A [`StreamedBody`](crate::request::StreamedBody)'s pieces as the
/// stream reqwest sends, one piece at a time.
struct Pieces(Box<dyn Iterator<Item = Vec<u8>> + Send>);

impl Stream for Pieces {
    type Item = Result<Vec<u8>, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.next().map(Ok))
    }
}

type BoxedBody = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// The body of a response, chunk by chunk. Dropping it closes the
/// connection.
pub struct ByteStream {
    status: u16,
    headers: reqwest::header::HeaderMap,
    inner: BoxedBody,
    read_timeout: Duration,
    done: bool,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The response's status (200, or 206 for a range).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response header `name` (any case), if it is there as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(b))) => Poll::Ready(Some(Ok(b))),
            Poll::Ready(Some(Err(e))) => {
                self.done = true;
                let timeout = self.read_timeout;
                Poll::Ready(Some(Err(map_reqwest(
                    &e,
                    "the next bytes of the body",
                    timeout,
                ))))
            }
        }
    }
}

/// A response body decoded into owned [`StreamEvent`]s.
///
/// Yields the events in order; a provider's in-stream error is an
/// `Ok(StreamEvent::Error)` like the other events. A transport failure or a
/// decoding error comes after every event decoded before it, as the last
/// item. A body that ends before the protocol's end of stream yields a
/// [`DecodeError`](crate::DecodeError) whose `is_eof()` is true.
pub struct EventStream {
    body: ByteStream,
    decoder: Box<dyn StreamDecoder>,
    queue: VecDeque<Result<StreamEvent<'static>, Error>>,
    done: bool,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("decoder", &self.decoder)
            .field("queued", &self.queue.len())
            .field("done", &self.done)
            .finish()
    }
}

impl EventStream {
    /// Decodes `body` with `decoder`.
    pub fn new(body: ByteStream, decoder: Box<dyn StreamDecoder>) -> Self {
        EventStream {
            body,
            decoder,
            queue: VecDeque::new(),
            done: false,
        }
    }
}

impl Stream for EventStream {
    type Item = Result<StreamEvent<'static>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.queue.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let queue = &mut this.queue;
            let mut sink = |e: StreamEvent<'_>| queue.push_back(Ok(e.into_owned()));
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(bytes))) => {
                    if let Err(e) = this.decoder.feed(&bytes, &mut sink) {
                        this.queue.push_back(Err(Error::Decode(e)));
                        this.done = true;
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.queue.push_back(Err(e));
                    this.done = true;
                }
                Poll::Ready(None) => {
                    if let Err(e) = this.decoder.finish(&mut sink) {
                        this.queue.push_back(Err(Error::Decode(e)));
                    }
                    this.done = true;
                }
            }
        }
    }
}

/// Waits for the next item of a stream (a small helper so that callers need
/// no futures utility crate).
pub async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use std::time::{SystemTime, UNIX_EPOCH};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for &(name, value) in pairs {
            map.insert(name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_reads_milliseconds_seconds_and_http_dates() {
        // 1994-11-06 08:49:37 UTC, the date of RFC 9110's examples.
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let at = |pairs: &[(&'static str, &str)]| retry_after_at(&headers(pairs), now);
        assert_eq!(
            at(&[("retry-after-ms", "250")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            at(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            at(&[("retry-after", " 2.5 ")]),
            Some(Duration::from_millis(2500))
        );
        // The three date formats of RFC 9110, 2 s after `now`.
        for date in [
            "Sun, 06 Nov 1994 08:49:39 GMT",
            "Sunday, 06-Nov-94 08:49:39 GMT",
            "Sun Nov  6 08:49:39 1994",
        ] {
            assert_eq!(
                at(&[("retry-after", date)]),
                Some(Duration::from_secs(2)),
                "{date}"
            );
        }
        // A date already past: retry now.
        assert_eq!(
            at(&[("retry-after", "Sun, 06 Nov 1994 08:49:30 GMT")]),
            Some(Duration::ZERO)
        );
        for bad in ["soon", "-1", "NaN", "1e9", ""] {
            assert_eq!(at(&[("retry-after", bad)]), None, "{bad}");
        }
        assert_eq!(at(&[]), None);
        assert!(retry_after_at(&headers(&[("retry-after", "1")]), SystemTime::now()).is_some());
    }
}
