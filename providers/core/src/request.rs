//! What a structured call asks for, and the plain HTTP request a provider
//! builds from it.

use std::fmt;

use crate::secret::ApiKey;

/// How the model is asked for structured output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// One forced tool call whose arguments are the value.
    Tools,
    /// Several tools; the model may call several at once (one value per
    /// call).
    ParallelTools,
    /// The provider's native JSON-schema output (OpenAI strict
    /// `json_schema`, Gemini `responseSchema`, Anthropic `output_format`).
    JsonSchema,
    /// JSON mode: JSON content, the schema given in the prompt.
    Json,
    /// JSON in a markdown code block in the text, the schema in the prompt.
    MarkdownJson,
}

impl Mode {
    /// Every mode.
    pub const ALL: &'static [Mode] = &[
        Mode::Tools,
        Mode::ParallelTools,
        Mode::JsonSchema,
        Mode::Json,
        Mode::MarkdownJson,
    ];
}

/// Who says a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The user.
    User,
    /// The model (a previous answer, e.g. when a validation retry re-asks).
    Assistant,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// Who says it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl Message {
    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }

    /// A previous answer of the model.
    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// A named JSON Schema: a tool, or the response format.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SchemaSpec {
    /// Name (a tool name: letters, digits, `_` and `-`).
    pub name: String,
    /// What the value is, for the model.
    pub description: Option<String>,
    /// The JSON Schema.
    pub schema: serde_json::Value,
}

impl SchemaSpec {
    /// A schema without description.
    pub fn new(name: impl Into<String>, schema: serde_json::Value) -> Self {
        SchemaSpec {
            name: name.into(),
            description: None,
            schema,
        }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }
}

/// A structured call: the conversation, the mode, the schemas.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StructuredRequest {
    /// Model name.
    pub model: String,
    /// System prompt.
    pub system: Option<String>,
    /// The conversation, oldest first; the last one is normally the user's.
    pub messages: Vec<Message>,
    /// Output token limit.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// How structured output is asked for.
    pub mode: Mode,
    /// One schema per tool / response type; the JSON modes use the first.
    pub schemas: Vec<SchemaSpec>,
}

impl StructuredRequest {
    /// A request with no messages yet.
    pub fn new(model: impl Into<String>, mode: Mode) -> Self {
        StructuredRequest {
            model: model.into(),
            system: None,
            messages: Vec::new(),
            max_tokens: None,
            temperature: None,
            mode,
            schemas: Vec::new(),
        }
    }

    /// Sets the system prompt.
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.system = Some(text.into());
        self
    }

    /// Adds a message.
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Adds a user message.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.message(Message::user(text))
    }

    /// Adds a schema.
    pub fn schema(mut self, schema: SchemaSpec) -> Self {
        self.schemas.push(schema);
        self
    }

    /// Sets the output token limit.
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.max_tokens = Some(n);
        self
    }

    /// Sets the temperature.
    pub fn temperature(mut self, t: f32) -> Self {
        self.temperature = Some(t);
        self
    }

    /// The only schema, for the modes that take exactly one.
    pub fn single_schema(&self) -> Result<&SchemaSpec, crate::Error> {
        match self.schemas.as_slice() {
            [one] => Ok(one),
            [] => Err(crate::Error::InvalidRequest(format!(
                "the {:?} mode needs a schema",
                self.mode
            ))),
            _ => Err(crate::Error::InvalidRequest(format!(
                "the {:?} mode takes one schema, got {}",
                self.mode,
                self.schemas.len()
            ))),
        }
    }

    /// At least one schema, for the tool modes.
    pub fn some_schemas(&self) -> Result<&[SchemaSpec], crate::Error> {
        if self.schemas.is_empty() {
            return Err(crate::Error::InvalidRequest(format!(
                "the {:?} mode needs at least one schema",
                self.mode
            )));
        }
        Ok(&self.schemas)
    }
}

/// The instruction the prompted JSON modes ([`Mode::Json`],
/// [`Mode::MarkdownJson`]) add to the system prompt.
pub fn json_instruction(schema: &SchemaSpec, markdown: bool) -> String {
    let schema_text =
        serde_json::to_string_pretty(&schema.schema).unwrap_or_else(|_| schema.schema.to_string());
    let what = schema
        .description
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    if markdown {
        format!(
            "Answer with one JSON value `{}`{what} that matches this JSON Schema, in a \
             ```json markdown code block:\n{schema_text}",
            schema.name
        )
    } else {
        format!(
            "Answer with one JSON value `{}`{what} that matches this JSON Schema, and \
             nothing else:\n{schema_text}",
            schema.name
        )
    }
}

/// Joins the caller's system prompt and an extra instruction.
pub fn system_with(system: Option<&str>, extra: Option<&str>) -> Option<String> {
    match (system, extra) {
        (Some(s), Some(e)) => Some(format!("{s}\n\n{e}")),
        (Some(s), None) => Some(s.to_string()),
        (None, Some(e)) => Some(e.to_string()),
        (None, None) => None,
    }
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// POST.
    Post,
    /// GET.
    Get,
}

/// A header value: plain, or a secret that is redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// A value that may be shown.
    Plain(String),
    /// An API key (sent as-is, or prefixed with `Bearer `).
    Secret {
        /// Text before the key (`"Bearer "` or empty).
        prefix: &'static str,
        /// The key.
        key: ApiKey,
    },
}

impl HeaderValue {
    /// The value to send.
    pub fn expose(&self) -> String {
        match self {
            HeaderValue::Plain(v) => v.clone(),
            HeaderValue::Secret { prefix, key } => format!("{prefix}{}", key.expose()),
        }
    }
}

impl fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderValue::Plain(v) => fmt::Debug::fmt(v, f),
            HeaderValue::Secret { prefix, key } => write!(f, "\"{prefix}{key}\""),
        }
    }
}

/// A plain HTTP request, independent of any HTTP library. Its `Debug`
/// output redacts the API key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Full URL (never holds a key: keys go in headers).
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(String, HeaderValue)>,
    /// JSON body.
    pub body: serde_json::Value,
    /// A body sent as these bytes instead of `body` (a multipart file
    /// upload), with its content type.
    pub raw_body: Option<(String, Vec<u8>)>,
    /// A body sent piece by piece instead of `body` (an upload too large
    /// to copy whole).
    pub streamed_body: Option<StreamedBody>,
}

/// The pieces of the body.
type Pieces = dyn Fn() -> Box<dyn Iterator<Item = Vec<u8>> + Send> + Send + Sync;

/// A request body made piece by piece as it is sent, of a length known up
/// front (sent as its `content-length`). The pieces are made again for
/// each attempt, so a retried request sends the same bytes.
#[derive(Clone)]
pub struct StreamedBody {
    content_type: String,
    length: u64,
    pieces: std::sync::Arc<Pieces>,
}

impl StreamedBody {
    /// A body of `length` bytes of `content_type`, made by `pieces` (called
    /// once per attempt; its pieces must add up to `length` bytes).
    pub fn new<I>(
        content_type: impl Into<String>,
        length: u64,
        pieces: impl Fn() -> I + Send + Sync + 'static,
    ) -> Self
    where
        I: Iterator<Item = Vec<u8>> + Send + 'static,
    {
        StreamedBody {
            content_type: content_type.into(),
            length,
            pieces: std::sync::Arc::new(move || Box::new(pieces()) as Box<_>),
        }
    }

    /// The content type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The length in bytes.
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The pieces, from the first.
    pub fn pieces(&self) -> Box<dyn Iterator<Item = Vec<u8>> + Send> {
        (self.pieces)()
    }
}

impl fmt::Debug for StreamedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedBody")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl PartialEq for StreamedBody {
    /// The same body: made by the same pieces.
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.pieces, &other.pieces) && self.length == other.length
    }
}

impl HttpRequest {
    /// A POST of a JSON body.
    pub fn post(url: impl Into<String>, body: serde_json::Value) -> Self {
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: vec![
                (
                    "content-type".into(),
                    HeaderValue::Plain("application/json".into()),
                ),
                (
                    "accept".into(),
                    HeaderValue::Plain("text/event-stream".into()),
                ),
            ],
            body,
            raw_body: None,
            streamed_body: None,
        }
    }

    /// A GET (of a JSON object, or of a file's bytes).
    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest {
            method: Method::Get,
            url: url.into(),
            headers: Vec::new(),
            body: serde_json::Value::Null,
            raw_body: None,
            streamed_body: None,
        }
    }

    /// A POST of the bytes `body` with the content type `content_type`
    /// (a multipart upload), answered with JSON.
    pub fn post_bytes(url: impl Into<String>, content_type: &str, body: Vec<u8>) -> Self {
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: Vec::new(),
            body: serde_json::Value::Null,
            raw_body: Some((content_type.to_owned(), body)),
            streamed_body: None,
        }
    }

    /// A POST of a body made piece by piece as it is sent (an upload too
    /// large to copy whole), answered with JSON.
    pub fn post_streamed(url: impl Into<String>, body: StreamedBody) -> Self {
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: Vec::new(),
            body: serde_json::Value::Null,
            raw_body: None,
            streamed_body: Some(body),
        }
    }

    /// A POST of a JSON body, answered with JSON (not a stream).
    pub fn post_json(url: impl Into<String>, body: serde_json::Value) -> Self {
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: vec![(
                "content-type".into(),
                HeaderValue::Plain("application/json".into()),
            )],
            body,
            raw_body: None,
            streamed_body: None,
        }
    }

    /// Adds a plain header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into(), HeaderValue::Plain(value.into())));
        self
    }

    /// Adds a secret header.
    pub fn secret_header(
        mut self,
        name: impl Into<String>,
        prefix: &'static str,
        key: ApiKey,
    ) -> Self {
        self.headers
            .push((name.into(), HeaderValue::Secret { prefix, key }));
        self
    }

    /// A header's value (the first with that name, case-insensitively).
    pub fn header_value(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}
