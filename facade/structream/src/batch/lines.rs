//! The request lines of a batch: each built as a live call of the same
//! mode would be (the provider's own request builder), minus streaming,
//! grouped into batches within the provider's limits.

use std::collections::HashSet;

use serde_json::{Map, Value};
use structream_provider::request::HeaderValue;

use super::{BatchRequest, Format};
use crate::CallKind;
use crate::{Client, Error, Structured};

/// A provider's limits on one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Requests per batch.
    pub max_requests: usize,
    /// Bytes of request lines per batch (the input file, or the request
    /// body for the APIs that take the requests inline).
    pub max_bytes: usize,
    /// Gemini: bytes of requests sent inline at most; a batch over it goes
    /// as a JSONL file uploaded through the Files API (0: always a file).
    /// OpenAI always uploads a file, Anthropic always sends them inline.
    pub max_inline_bytes: usize,
}

impl Limits {
    /// The documented limits: OpenAI 50,000 requests and a 200 MB input
    /// file; Anthropic 100,000 requests and 256 MB; Gemini a 2 GB input
    /// file (no count limit documented), requests inline up to 20 MB.
    pub fn of(format: Format) -> Limits {
        match format {
            Format::OpenAiChat | Format::OpenAiResponses => Limits {
                max_requests: 50_000,
                max_bytes: 200 << 20,
                max_inline_bytes: 0,
            },
            Format::Anthropic => Limits {
                max_requests: 100_000,
                max_bytes: 256 << 20,
                max_inline_bytes: 256 << 20,
            },
            Format::Gemini => Limits {
                max_requests: usize::MAX,
                max_bytes: 2 << 30,
                max_inline_bytes: 20 << 20,
            },
        }
    }

    /// Room for the envelope around the lines (the JSON of the request
    /// body, the multipart headers).
    pub(crate) const ENVELOPE: usize = 4096;

    fn fits(&self, count: usize, bytes: usize, line: usize) -> bool {
        count < self.max_requests && bytes + line + 1 + Self::ENVELOPE <= self.max_bytes
    }
}

/// Where a client's calls go, read off the request a live call builds: the
/// base URL, the headers (the key, the API version) and the model.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// The URL the API's paths follow (`…/v1`, `…/v1beta`).
    pub(crate) base: String,
    pub(crate) headers: Vec<(String, HeaderValue)>,
    /// The model as the live call names it.
    pub(crate) model: String,
}

impl Endpoint {
    fn of(
        format: Format,
        url: &str,
        headers: &[(String, HeaderValue)],
        body: &Value,
    ) -> Result<Self, Error> {
        let cut = |suffix: &str| url.find(suffix).map(|i| url[..i].to_owned());
        let (base, model) = match format {
            Format::OpenAiChat => (cut("/chat/completions"), text(body, "model")),
            Format::OpenAiResponses => (cut("/responses"), text(body, "model")),
            Format::Anthropic => (cut("/messages"), text(body, "model")),
            Format::Gemini => {
                let model = url
                    .split_once("/models/")
                    .and_then(|(_, rest)| rest.split(':').next())
                    .map(str::to_owned);
                (cut("/models/"), model)
            }
        };
        let base = base.ok_or_else(|| {
            Error::Config(format!(
                "the {} batch API cannot be reached from {url}",
                format.name()
            ))
        })?;
        let headers = headers
            .iter()
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("content-type") && !n.eq_ignore_ascii_case("accept")
            })
            .cloned()
            .collect();
        Ok(Endpoint {
            base,
            headers,
            model: model.unwrap_or_default(),
        })
    }

    /// The endpoint of `client` for `format`.
    pub(crate) fn of_client(client: &Client, format: Format) -> Result<Self, Error> {
        let probe = Value::Object(Map::new());
        let (_, endpoint) = build_line::<Value>(
            client,
            format,
            &probe,
            "output",
            BatchRequest::new("probe", "probe"),
        )?;
        Ok(endpoint)
    }
}

fn text(body: &Value, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// Whether a custom id is one every provider takes: 1 to 64 letters,
/// digits, `_` and `-`.
fn check_id(id: &str) -> Result<(), Error> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "custom_id {id:?}: use 1 to 64 letters, digits, '_' and '-'"
        )))
    }
}

/// The request line of one request and the endpoint it goes to.
pub(crate) fn build_line<T: Structured>(
    client: &Client,
    format: Format,
    schema: &Value,
    type_name: &str,
    request: BatchRequest,
) -> Result<(Vec<u8>, Endpoint), Error> {
    check_id(&request.custom_id)?;
    let driver =
        client.driver_with_schema::<T>(request.request, CallKind::Value, schema.clone(), type_name);
    let http = client
        .inner
        .provider
        .build_request(driver.request())
        .map_err(Error::from_provider)?;
    let endpoint = Endpoint::of(format, &http.url, &http.headers, &http.body)?;
    let mut body = http.body;
    if let Value::Object(map) = &mut body {
        map.remove("stream");
        map.remove("stream_options");
    }
    let id = Value::String(request.custom_id);
    let line = match format {
        Format::OpenAiChat | Format::OpenAiResponses => {
            let url = if format == Format::OpenAiChat {
                "/v1/chat/completions"
            } else {
                "/v1/responses"
            };
            serde_json::json!({"custom_id": id, "method": "POST", "url": url, "body": body})
        }
        Format::Anthropic => serde_json::json!({"custom_id": id, "params": body}),
        Format::Gemini => serde_json::json!({"request": body, "metadata": {"key": id}}),
    };
    let bytes = serde_json::to_vec(&line).map_err(|e| Error::Config(e.to_string()))?;
    Ok((bytes, endpoint))
}

/// The request lines of one batch, within the provider's limits.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// One JSON request line each, in the provider's batch format.
    pub lines: Vec<Vec<u8>>,
    /// Their custom ids, in order.
    pub ids: Vec<String>,
    bytes: usize,
}

impl Prepared {
    /// Bytes of the lines, newlines included.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The lines as a JSONL file.
    pub fn jsonl(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes);
        for line in &self.lines {
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        out
    }

    /// Gemini's lines as an input file: `{"key": …, "request": …}` each
    /// (inline they are `{"request": …, "metadata": {"key": …}}`).
    pub(crate) fn gemini_jsonl(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(self.bytes);
        for line in &self.lines {
            let mut inline: Map<String, Value> =
                serde_json::from_slice(line).map_err(|e| Error::Config(e.to_string()))?;
            let key = inline
                .remove("metadata")
                .and_then(|mut m| m.get_mut("key").map(Value::take))
                .unwrap_or_default();
            let request = inline.remove("request").unwrap_or_default();
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({"key": key, "request": request}),
            )
            .map_err(|e| Error::Config(e.to_string()))?;
            out.push(b'\n');
        }
        Ok(out)
    }

    /// The lines as the items of a JSON array.
    pub(crate) fn json_array(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes + 2);
        out.push(b'[');
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(line);
        }
        out.push(b']');
        out
    }
}

/// Groups request lines into batches as they are built: a batch is handed
/// on (to be submitted) when the next line would break a limit, so that
/// only one batch is ever held.
pub(crate) struct Splitter {
    limits: Limits,
    current: Prepared,
    seen: HashSet<String>,
}

impl Splitter {
    pub(crate) fn new(limits: Limits) -> Self {
        Splitter {
            limits,
            current: Prepared::default(),
            seen: HashSet::new(),
        }
    }

    /// Adds a line; the full batch it closes, if it closes one.
    pub(crate) fn push(&mut self, id: String, line: Vec<u8>) -> Result<Option<Prepared>, Error> {
        if line.len() + 1 + Limits::ENVELOPE > self.limits.max_bytes {
            return Err(Error::Config(format!(
                "request {id:?} alone is {} bytes, over the provider's {} bytes per batch",
                line.len(),
                self.limits.max_bytes
            )));
        }
        if !self.seen.insert(id.clone()) {
            return Err(Error::Config(format!("custom_id {id:?} is used twice")));
        }
        let full = (!self
            .limits
            .fits(self.current.lines.len(), self.current.bytes, line.len()))
        .then(|| std::mem::take(&mut self.current));
        self.current.bytes += line.len() + 1;
        self.current.lines.push(line);
        self.current.ids.push(id);
        Ok(full)
    }

    /// The last batch, if any line is left.
    pub(crate) fn finish(&mut self) -> Option<Prepared> {
        (!self.current.lines.is_empty()).then(|| std::mem::take(&mut self.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_at_the_count_and_byte_limits_and_ids_are_checked() {
        let limits = Limits {
            max_requests: 3,
            max_bytes: Limits::ENVELOPE + 40,
            max_inline_bytes: 0,
        };
        let mut s = Splitter::new(limits);
        let mut batches = Vec::new();
        for i in 0..7 {
            if let Some(b) = s.push(format!("r{i}"), vec![b'x'; 9]).unwrap() {
                batches.push(b);
            }
        }
        batches.extend(s.finish());
        let sizes: Vec<usize> = batches.iter().map(|b| b.lines.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        assert!(batches.iter().all(|b| b.bytes() <= 40));
        // Bytes bind before the count: 10-byte lines, 40 bytes → 4 > 3.
        let mut s = Splitter::new(Limits {
            max_requests: 100,
            max_bytes: Limits::ENVELOPE + 25,
            max_inline_bytes: 0,
        });
        let closed: Vec<bool> = (0..5)
            .map(|i| s.push(format!("b{i}"), vec![b'y'; 9]).unwrap().is_some())
            .collect();
        assert_eq!(closed, [false, false, true, false, true]);
        assert!(s.push("b0".into(), vec![]).is_err(), "a repeated id");
        assert!(
            s.push("big".into(), vec![b'z'; 30]).is_err(),
            "a line over the limit"
        );
        for bad in ["", "a b", "é", &"x".repeat(65)] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        check_id("doc-17_a").unwrap();
    }
}
