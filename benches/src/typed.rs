//! The end-to-end typed workloads of section 4, shared by the `typed`
//! criterion bench, the `icount` binary (instruction counts under
//! callgrind) and the `typedmem` binary (memory): an [`Answer`] shaped like
//! [`llm_document`](crate::llm_document), its body as OpenAI Chat
//! Completions tool-call deltas, and the typed layer run over it.

use std::borrow::Cow;
use std::hint::black_box;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use structream::{CallKind, Client, Event, Partial, Structured};
use structream_provider::{
    DecodeError, Error as ProviderError, FinishReason, HttpRequest, Mode, Provider, Sink,
    StreamEvent, StructuredRequest,
};

/// A model's structured answer: the shape of `llm_document`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
pub struct Answer {
    /// The title.
    pub title: String,
    /// A summary.
    pub summary: String,
    /// The sections.
    pub sections: Vec<Section>,
    /// Whether the answer is complete.
    pub complete: bool,
}

/// One section of the answer.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
pub struct Section {
    /// Its number.
    pub id: u64,
    /// Its heading.
    pub heading: String,
    /// Its text.
    pub body: String,
    /// How sure the model is.
    pub confidence: f64,
    /// Whether it was checked.
    pub verified: bool,
    /// Tags.
    pub tags: Vec<String>,
    /// Sources.
    pub citations: Vec<Citation>,
    /// Notes, if any.
    pub notes: Option<String>,
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema, Partial)]
pub struct Citation {
    /// The source's name.
    pub source: String,
    /// The page.
    pub page: f64,
    /// The quoted text.
    pub quote: String,
}

/// Bytes of the answer in each SSE event (about one token).
pub const PIECE: usize = 4;

/// The bodies of one size: the answer as one tool call's arguments, and
/// its sections as the items of `{"items": [...]}`.
#[derive(Debug)]
pub struct Bodies {
    /// The answer's JSON.
    pub json: Vec<u8>,
    /// The partial call's body.
    pub body: Vec<u8>,
    /// The iterable call's body.
    pub items_body: Vec<u8>,
}

impl Bodies {
    /// The bodies for an `llm_document` of about `bytes`.
    pub fn new(bytes: usize) -> Self {
        let json = crate::llm_document(bytes);
        let text = std::str::from_utf8(&json).expect("UTF-8");
        let body = structream::replay::openai_tool_calls(&[("Answer", text)], PIECE);
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        let items_json =
            serde_json::to_string_pretty(&serde_json::json!({ "items": value["sections"] }))
                .expect("serialises");
        let items_body = structream::replay::openai_tool_calls(&[("Section", &items_json)], PIECE);
        Bodies {
            json,
            body,
            items_body,
        }
    }
}

/// The body cut after every SSE event (`\n\n`): one network read each.
pub fn events(body: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..body.len() {
        if body[i - 1] == b'\n' && body[i] == b'\n' {
            out.push(&body[start..=i]);
            start = i + 1;
        }
    }
    if start < body.len() {
        out.push(&body[start..]);
    }
    out
}

/// The answer in pieces of [`PIECE`] bytes, as reads for the
/// `typed-layer` workload.
pub fn pieces(answer: &str) -> Vec<&[u8]> {
    structream::replay::pieces(answer, PIECE)
        .into_iter()
        .map(str::as_bytes)
        .collect()
}

/// A client for the OpenAI chat protocol that never connects.
pub fn client() -> Client {
    Client::builder_from("openai/m")
        .and_then(|b| b.api_key("unused").build())
        .expect("client")
}

/// What a typed run produced.
#[derive(Debug, PartialEq)]
pub struct Typed<T> {
    /// Partials handed out.
    pub partials: usize,
    /// Items handed out.
    pub items: usize,
    /// The final value.
    pub done: Option<T>,
}

/// Feeds `reads` to a body decoder of `kind`; with `hold`, the last partial
/// is kept while the next read is decoded.
pub fn typed<T: Structured>(
    client: &Client,
    kind: CallKind,
    reads: &[&[u8]],
    hold: bool,
) -> Typed<T> {
    let mut decoder = client.body_decoder::<T>(kind);
    let mut out = Typed {
        partials: 0,
        items: 0,
        done: None,
    };
    let mut held: Option<Arc<T::Partial>> = None;
    let mut on = |event: Result<Event<T>, structream::Error>, out: &mut Typed<T>| match event
        .expect("decodes")
    {
        Event::Partial(p) => {
            out.partials += 1;
            black_box(&*p);
            if hold {
                held = Some(p);
            }
        }
        Event::Item(item) => {
            out.items += 1;
            black_box(item);
        }
        Event::Done(value) => out.done = Some(value),
        _ => {}
    };
    for read in reads {
        for event in decoder.feed(read) {
            on(event, &mut out);
        }
    }
    for event in decoder.finish() {
        on(event, &mut out);
    }
    out
}

/// A provider whose decoder reads each chunk as the next piece of one tool
/// call's arguments, `answer`: the typed layer with next to no decoding,
/// for the `typed-layer` workload.
#[derive(Debug)]
struct ArgumentsProvider {
    answer: Arc<str>,
}

/// [`ArgumentsProvider`]'s decoder: the chunk's bytes are the answer's
/// next bytes, taken from the answer (not read again).
#[derive(Debug)]
struct ArgumentsDecoder {
    answer: Arc<str>,
    at: usize,
}

impl structream_provider::StreamDecoder for ArgumentsDecoder {
    fn feed(&mut self, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if self.at == 0 {
            sink(StreamEvent::ToolCallStart {
                choice: 0,
                index: 0,
                id: None,
                name: Cow::Borrowed("Answer"),
            });
        }
        let end = self.at + bytes.len();
        let json = &self.answer[self.at..end];
        debug_assert_eq!(json.as_bytes(), bytes);
        self.at = end;
        sink(StreamEvent::ToolArgsDelta {
            choice: 0,
            index: 0,
            json: Cow::Borrowed(json),
        });
        Ok(())
    }

    fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        sink(StreamEvent::ToolCallEnd {
            choice: 0,
            index: 0,
        });
        sink(StreamEvent::Finish {
            choice: 0,
            reason: FinishReason::ToolCalls,
            raw: Cow::Borrowed("tool_calls"),
        });
        Ok(())
    }
}

impl Provider for ArgumentsProvider {
    fn name(&self) -> &'static str {
        "arguments"
    }

    fn modes(&self) -> &'static [Mode] {
        &[Mode::Tools]
    }

    fn build_request(&self, _: &StructuredRequest) -> Result<HttpRequest, ProviderError> {
        Err(ProviderError::UnsupportedMode {
            provider: "arguments",
            mode: Mode::Tools,
        })
    }

    fn decoder(&self) -> Box<dyn structream_provider::StreamDecoder> {
        Box::new(ArgumentsDecoder {
            answer: Arc::clone(&self.answer),
            at: 0,
        })
    }
}

/// A client whose decoder reads the body as `answer`'s bytes, fed as the
/// arguments of one tool call (the `typed-layer` workload's reads are
/// [`pieces`] of it).
pub fn arguments_client(answer: &str) -> Client {
    let provider = ArgumentsProvider {
        answer: answer.into(),
    };
    Client::builder(provider, "m").build().expect("client")
}

/// Events the provider decoder alone gives for the body.
pub fn provider_decode(reads: &[&[u8]]) -> usize {
    let mut decoder = structream_openai::OpenAiChat::default().decoder();
    let mut n = 0usize;
    let mut sink = |event: StreamEvent<'_>| {
        black_box(&event);
        n += 1;
    };
    for read in reads {
        decoder.feed(read, &mut sink).expect("decodes");
    }
    decoder.finish(&mut sink).expect("decodes");
    n
}

/// The typed workloads by name, for `icount`: `provider-decode`,
/// `typed-partials`, `typed-held`, `typed-items`, and `typed-layer` (the
/// typed partials over the answer's pieces themselves, through
/// [`arguments_client`]: the typed layer's own cost, without the envelope
/// decoding).
pub const WORKLOADS: [&str; 5] = [
    "provider-decode",
    "typed-partials",
    "typed-held",
    "typed-items",
    "typed-layer",
];

/// Runs typed workload `name` over `reads` (the partial body's reads, the
/// items body's for `typed-items`, the answer's pieces for `typed-layer`,
/// with a client from [`arguments_client`]); its check value.
///
/// # Panics
///
/// On an unknown workload name.
pub fn run(client: &Client, reads: &[&[u8]], name: &str) -> usize {
    match name {
        "provider-decode" => provider_decode(reads),
        "typed-partials" => typed::<Answer>(client, CallKind::Partial, reads, false).partials,
        "typed-held" => typed::<Answer>(client, CallKind::Partial, reads, true).partials,
        "typed-items" => typed::<Section>(client, CallKind::Iterable, reads, false).items,
        "typed-layer" => typed::<Answer>(client, CallKind::Partial, reads, false).partials,
        other => panic!("unknown typed workload {other}"),
    }
}
