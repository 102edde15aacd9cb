//! A loopback HTTP/1.1 server (feature `loopback`) that answers each
//! connection with a planned answer: a body re-chunked as asked, paced like
//! a model, held until the client has shown what arrived, cut mid-stream;
//! an error status or HTML; headers and then nothing; keep-alives until the
//! client goes away. It records the requests it received and whether the
//! client closed the connection first.
//!
//! The demo and `structream::replay` serve recorded and made-up provider
//! streams from it; the conformance suite drives the real HTTP client
//! against it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the [`Server`] answers one connection.
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

/// A request the [`Server`] received.
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

impl Received {
    /// The method, e.g. `POST`.
    pub fn method(&self) -> &str {
        self.request_line.split(' ').next().unwrap_or_default()
    }

    /// The request target, e.g. `/v1/batches?limit=2`.
    pub fn path(&self) -> &str {
        self.request_line.split(' ').nth(1).unwrap_or_default()
    }
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
pub struct Server {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<ServerState>>,
}

impl Server {
    /// Starts the server on a free port of 127.0.0.1, on the current tokio
    /// runtime; it runs until the runtime shuts down.
    ///
    /// # Panics
    ///
    /// When `plans` is empty, or no loopback port can be bound.
    pub async fn start(plans: Vec<Plan>) -> Server {
        assert!(!plans.is_empty(), "a loopback server needs a plan");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a loopback port");
        let addr = listener.local_addr().expect("the bound loopback address");
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
        Server { addr, state }
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

/// Reads one HTTP/1.1 request from `sock`: the head, and a body of its
/// `content-length`. `None` when the client went away first.
pub async fn read_request(sock: &mut TcpStream) -> Option<Received> {
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
