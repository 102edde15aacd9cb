//! The client: which provider, which model, which mode; and the calls.

use std::fmt;
use std::sync::Arc;

use structream_anthropic::{Anthropic, AnthropicConfig};
use structream_gemini::{Gemini, GeminiConfig};
use structream_openai::{OpenAiChat, OpenAiConfig, OpenAiResponses, Vendor};
use structream_provider::http::{HttpClient, TransportConfig};
use structream_provider::{ApiKey, Mode, Provider, ProviderConfig, SchemaSpec, StructuredRequest};

use crate::body::BodyDecoder;
use crate::call::{CallStream, next};
use crate::driver::{Driver, Shape, tool_name};
use crate::endpoint::Endpoint;
use crate::schema::{list_schema, schema_of, title_of, variants};
use crate::{CallKind, Completion, Error, Event, Request, Structured};

/// A client for one provider and model. Cheap to clone.
///
/// ```no_run
/// use schemars::JsonSchema;
/// use serde::Deserialize;
/// use structream::{Client, Partial};
///
/// #[derive(Debug, Deserialize, JsonSchema, Partial)]
/// struct User {
///     name: String,
///     age: u32,
/// }
///
/// # async fn run() -> Result<(), structream::Error> {
/// let client = Client::from_provider("openai/gpt-4.1-mini")?;
/// let user: User = client.create("Jason is 25 years old").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Endpoint>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.inner.provider)
            .field("model", &self.inner.model)
            .field("mode", &self.inner.mode)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// Where a [`ClientBuilder`] sends its calls.
enum Target {
    /// A known provider by name, with an optional key and base URL.
    Named {
        provider: String,
        key: Option<ApiKey>,
        base_url: Option<String>,
    },
    /// A provider built by the caller.
    Custom(Box<dyn Provider>),
}

/// Builds a [`Client`]; see [`Client::builder`] and [`ClientBuilder::from_provider`].
pub struct ClientBuilder {
    target: Target,
    model: String,
    mode: Option<Mode>,
    max_retries: u32,
    max_tokens: Option<u32>,
    temperature: Option<f32>,
    coerce: Option<bool>,
    repair: Option<bool>,
    transport: TransportConfig,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::Named {
                provider,
                base_url,
                key,
            } => {
                format!(
                    "{provider} (base URL {base_url:?}, key {})",
                    if key.is_some() {
                        "given"
                    } else {
                        "from the environment"
                    }
                )
            }
            Target::Custom(p) => format!("{p:?}"),
        };
        f.debug_struct("ClientBuilder")
            .field("target", &target)
            .field("model", &self.model)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// The providers [`Client::from_provider`] knows, with their default mode.
const PROVIDERS: &[(&str, Mode)] = &[
    ("openai", Mode::Tools),
    ("openai-responses", Mode::Tools),
    ("anthropic", Mode::Tools),
    ("gemini", Mode::Tools),
    ("ollama", Mode::Json),
    ("azure", Mode::Tools),
    ("groq", Mode::Tools),
    ("openrouter", Mode::Tools),
    ("together", Mode::Tools),
    ("deepseek", Mode::Tools),
    ("mistral", Mode::Tools),
    ("vllm", Mode::Tools),
    ("llamacpp", Mode::Json),
    ("openai-compatible", Mode::Tools),
];

impl ClientBuilder {
    /// A builder for `"provider/model"`: `openai`, `openai-responses`,
    /// `anthropic`, `gemini`, `ollama` (OpenAI-compatible at
    /// `localhost:11434/v1`), `groq`, `openrouter`, `together`, `deepseek`,
    /// `mistral`, `vllm`, `llamacpp`, or `openai-compatible` (with
    /// [`ClientBuilder::base_url`]). Keys come from the usual environment
    /// variables (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`, …)
    /// unless given with [`ClientBuilder::api_key`].
    pub fn from_provider(spec: &str) -> Result<Self, Error> {
        let (provider, model) = spec
            .split_once('/')
            .filter(|(p, m)| !p.is_empty() && !m.is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "expected PROVIDER/MODEL, such as openai/gpt-4.1-mini, not {spec:?}"
                ))
            })?;
        let provider = provider.to_ascii_lowercase();
        if !PROVIDERS.iter().any(|(p, _)| *p == provider) {
            let known: Vec<&str> = PROVIDERS.iter().map(|(p, _)| *p).collect();
            return Err(Error::Config(format!(
                "unknown provider {provider:?}; known: {}",
                known.join(", ")
            )));
        }
        Ok(ClientBuilder {
            target: Target::Named {
                provider,
                key: None,
                base_url: None,
            },
            model: model.to_owned(),
            mode: None,
            max_retries: 0,
            max_tokens: None,
            temperature: None,
            coerce: None,
            repair: None,
            transport: TransportConfig::default(),
        })
    }

    /// The API key (instead of the environment variable).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        if let Target::Named { key: k, .. } = &mut self.target {
            *k = Some(ApiKey::new(key));
        }
        self
    }

    /// The base URL (a proxy, a compatible server, a local replay).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        if let Target::Named { base_url, .. } = &mut self.target {
            *base_url = Some(url.into());
        }
        self
    }

    /// How structured output is asked for (default: per provider, tools for
    /// most, JSON for Ollama and llama.cpp).
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Validation retries for every call (default 0; a call's
    /// [`Request::max_retries`] overrides it).
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Output token limit for every call.
    #[must_use]
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.max_tokens = Some(n);
        self
    }

    /// Sampling temperature for every call.
    #[must_use]
    pub fn temperature(mut self, t: f32) -> Self {
        self.temperature = Some(t);
        self
    }

    /// Whether a final value or item that does not fit its schema is
    /// aligned with it before it fails: `"25"` read as `25` where a number
    /// is asked for, `"Active"` as the enum value `"active"`, one object as
    /// a list of one, … (see [`crate::coerce`]). Each coercion is reported
    /// ([`Event::Coerced`], [`Completion::coercions`]); an answer that
    /// validates once aligned is not asked again.
    ///
    /// Default: on in [`Mode::Json`] and [`Mode::MarkdownJson`], where the
    /// schema is only in the prompt, and for the OpenAI-compatible servers
    /// (`ollama`, `vllm`, `llamacpp`, `groq`, `openrouter`, `together`,
    /// `deepseek`, `mistral`, `openai-compatible`), whose models are often
    /// small; off otherwise.
    #[must_use]
    pub fn coerce(mut self, on: bool) -> Self {
        self.coerce = Some(on);
        self
    }

    /// Whether the answer's JSON is repaired as it streams, where it is
    /// almost JSON: unescaped quotes inside strings, single quotes, keys
    /// and words without quotes, comments, Python literals, trailing or
    /// missing commas, brackets of the wrong kind … (every kind of
    /// [`structream_parser::repair::Kind`]), in the same single pass. On
    /// valid JSON nothing changes; an answer that parses and validates once
    /// repaired is not asked again.
    ///
    /// Default: as [`ClientBuilder::coerce`], on in [`Mode::Json`] and
    /// [`Mode::MarkdownJson`] and for the OpenAI-compatible servers, off
    /// otherwise.
    #[must_use]
    pub fn repair(mut self, on: bool) -> Self {
        self.repair = Some(on);
        self
    }

    /// Timeouts and transport retries (429, 5xx and connection errors
    /// before the first byte; separate from validation retries).
    #[must_use]
    pub fn transport(mut self, config: TransportConfig) -> Self {
        self.transport = config;
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let compatible =
            matches!(&self.target, Target::Named { provider, .. } if compatible(provider));
        let (provider, default_mode): (Box<dyn Provider>, Mode) = match self.target {
            Target::Custom(p) => (p, Mode::Tools),
            Target::Named {
                provider,
                key,
                base_url,
            } => {
                let mode = PROVIDERS
                    .iter()
                    .find(|(p, _)| *p == provider)
                    .map_or(Mode::Tools, |(_, m)| *m);
                (named_provider(&provider, key, base_url)?, mode)
            }
        };
        let http = HttpClient::with_config(self.transport).map_err(Error::from_provider)?;
        Ok(Client {
            inner: Arc::new(Endpoint {
                provider,
                http,
                model: self.model,
                mode: self.mode.unwrap_or(default_mode),
                max_retries: self.max_retries,
                max_tokens: self.max_tokens,
                temperature: self.temperature,
                coerce: self.coerce,
                repair: self.repair,
                compatible,
            }),
        })
    }
}

/// Whether the named provider is an OpenAI-compatible server other than
/// OpenAI's own.
fn compatible(name: &str) -> bool {
    !matches!(
        name,
        "openai" | "openai-responses" | "azure" | "anthropic" | "gemini"
    )
}

/// `config` with the key and base URL given to the builder, if any.
fn connect<C: ProviderConfig>(mut config: C, key: Option<ApiKey>, base_url: Option<String>) -> C {
    if let Some(k) = key {
        config = config.api_key(k);
    }
    if let Some(u) = base_url {
        config = config.base_url(u);
    }
    config
}

fn named_provider(
    name: &str,
    key: Option<ApiKey>,
    base_url: Option<String>,
) -> Result<Box<dyn Provider>, Error> {
    let openai = |vendor: Vendor| {
        connect(
            OpenAiConfig::for_vendor(vendor),
            key.clone(),
            base_url.clone(),
        )
    };
    Ok(match name {
        "openai" => Box::new(OpenAiChat::new(openai(Vendor::OpenAi))),
        "openai-responses" => Box::new(OpenAiResponses::new(openai(Vendor::OpenAi))),
        "azure" => Box::new(OpenAiChat::new(openai(Vendor::Azure))),
        "ollama" => Box::new(OpenAiChat::new(openai(Vendor::Ollama))),
        "groq" => Box::new(OpenAiChat::new(openai(Vendor::Groq))),
        "openrouter" => Box::new(OpenAiChat::new(openai(Vendor::OpenRouter))),
        "together" => Box::new(OpenAiChat::new(openai(Vendor::Together))),
        "deepseek" => Box::new(OpenAiChat::new(openai(Vendor::DeepSeek))),
        "mistral" => Box::new(OpenAiChat::new(openai(Vendor::Mistral))),
        "vllm" => Box::new(OpenAiChat::new(openai(Vendor::Vllm))),
        "llamacpp" => Box::new(OpenAiChat::new(openai(Vendor::LlamaCpp))),
        "openai-compatible" => {
            if base_url.is_none() {
                return Err(Error::Config("openai-compatible needs a base URL".into()));
            }
            Box::new(OpenAiChat::new(openai(Vendor::Custom)))
        }
        "anthropic" => Box::new(Anthropic::new(connect(
            AnthropicConfig::new(),
            key,
            base_url,
        ))),
        "gemini" => Box::new(Gemini::new(connect(GeminiConfig::new(), key, base_url))),
        other => return Err(Error::Config(format!("unknown provider {other:?}"))),
    })
}

impl Client {
    /// A client for `"provider/model"` with the defaults; see
    /// [`ClientBuilder::from_provider`] for the providers and options.
    pub fn from_provider(spec: &str) -> Result<Self, Error> {
        ClientBuilder::from_provider(spec)?.build()
    }

    /// A builder around a provider you configured yourself (any
    /// [`Provider`], such as an `OpenAiChat` for a compatible server).
    pub fn builder(provider: impl Provider + 'static, model: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            target: Target::Custom(Box::new(provider)),
            model: model.into(),
            mode: None,
            max_retries: 0,
            max_tokens: None,
            temperature: None,
            coerce: None,
            repair: None,
            transport: TransportConfig::default(),
        }
    }

    /// A builder for any OpenAI-compatible server at `base_url`.
    pub fn openai_compatible(base_url: impl Into<String>, model: &str) -> ClientBuilder {
        ClientBuilder::from_provider(&format!("openai-compatible/{model}"))
            .expect("a known provider")
            .base_url(base_url)
    }

    /// The mode calls use unless a [`Request`] says otherwise.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// The value, complete and validated.
    pub async fn create<T: Structured>(&self, request: impl Into<Request>) -> Result<T, Error> {
        Ok(self.create_with_completion(request).await?.value)
    }

    /// The value with the raw completion, finish reason and usage.
    pub async fn create_with_completion<T: Structured>(
        &self,
        request: impl Into<Request>,
    ) -> Result<Completion<T>, Error> {
        let mut stream = self.stream::<T>(request.into(), CallKind::Value);
        let mut retries = 0;
        let mut coercions = Vec::new();
        while let Some(event) = next(&mut stream).await {
            match event? {
                Event::Done(value) => {
                    return Ok(Completion {
                        value,
                        raw: stream.raw_output().to_owned(),
                        finish_reason: stream.finish_reason(),
                        usage: stream.usage(),
                        retries,
                        coercions,
                    });
                }
                Event::Coerced(c) => coercions.push(c),
                Event::Retry { .. } => {
                    retries += 1;
                    coercions.clear();
                }
                _ => {}
            }
        }
        Err(Error::Incomplete {
            partial: None,
            reason: stream.finish_reason(),
            items: None,
            cause: None,
        })
    }

    /// A stream of the value as it fills in ([`Event::Partial`], one per
    /// visible change, coalesced per network read), ending with the
    /// complete, validated value ([`Event::Done`]).
    pub fn create_partial<T: Structured>(&self, request: impl Into<Request>) -> CallStream<T> {
        self.stream(request.into(), CallKind::Partial)
    }

    /// A stream of the items of a list, each the moment its closing byte
    /// arrives, validated ([`Event::Item`]). In the tools modes the list is
    /// one tool call; in [`Mode::ParallelTools`] each item is its own call
    /// (and an enum `T` gets one tool per variant, picked by tool name).
    ///
    /// The list is asked for as `{"items": [...]}`, and the answer is
    /// checked against that: a bare array of items is read as the list,
    /// and one object that validates as an item as a list of one (each
    /// reported with [`Event::Coerced`]); any other answer is an
    /// [`Error::Validation`], asked again if retries allow. If the stream
    /// breaks off, the items handed out stay handed out and the
    /// [`Error::Incomplete`] says how many.
    pub fn create_iterable<T: Structured>(&self, request: impl Into<Request>) -> CallStream<T> {
        self.stream(request.into(), CallKind::Iterable)
    }

    /// A decoder that runs this client's typed driver over a response body
    /// you already have (recorded, or read by your own HTTP stack), with no
    /// I/O. Validation retries need a new request, so they become errors.
    pub fn body_decoder<T: Structured>(&self, kind: CallKind) -> BodyDecoder<T> {
        let driver = self.driver::<T>(Request::default().max_retries(0), kind);
        BodyDecoder::new(driver, self.inner.provider.decoder())
    }

    /// A [`ClientBuilder`] for `"provider/model"` (see
    /// [`ClientBuilder::from_provider`]).
    pub fn builder_from(spec: &str) -> Result<ClientBuilder, Error> {
        ClientBuilder::from_provider(spec)
    }

    fn stream<T: Structured>(&self, request: Request, kind: CallKind) -> CallStream<T> {
        self.stream_with_schema(request, kind, schema_of::<T>(), short_type_name::<T>())
    }

    /// A call whose output has the JSON Schema `schema` (the schema of `T`,
    /// or one given at run time for a dynamic `T`); `type_name` names the
    /// tool if the schema has no `title`.
    pub(crate) fn stream_with_schema<T: Structured>(
        &self,
        request: Request,
        kind: CallKind,
        schema: serde_json::Value,
        type_name: &str,
    ) -> CallStream<T> {
        let driver = self.driver_with_schema::<T>(request, kind, schema, type_name);
        if let Err(e) = self.inner.provider.build_request(driver.request()) {
            return CallStream::failed(driver, Arc::clone(&self.inner), Error::from_provider(e));
        }
        CallStream::new(driver, Arc::clone(&self.inner))
    }

    fn driver<T: Structured>(&self, request: Request, kind: CallKind) -> Driver<T> {
        self.driver_with_schema(request, kind, schema_of::<T>(), short_type_name::<T>())
    }

    /// Plans a call: where the value sits in the output, its schemas, the
    /// request; the driver that runs it.
    pub(crate) fn driver_with_schema<T: Structured>(
        &self,
        request: Request,
        kind: CallKind,
        schema: serde_json::Value,
        type_name: &str,
    ) -> Driver<T> {
        let mut mode = request.mode.unwrap_or(self.inner.mode);
        let title = title_of(&schema, type_name);
        let per_variant = variants(&schema)
            .map(|vs| vs.into_iter().map(|(n, s)| spec(&n, s)).collect::<Vec<_>>());
        let tools = matches!(mode, Mode::Tools | Mode::ParallelTools);
        let (shape, validation, schemas) = match (kind, per_variant) {
            (CallKind::Iterable, variants) if mode == Mode::ParallelTools => {
                let shape = Shape::Calls {
                    variants: variants.is_some(),
                };
                let specs = variants.unwrap_or_else(|| vec![spec(&title, schema.clone())]);
                (shape, schema, specs)
            }
            (CallKind::Iterable, _) => {
                let list = list_schema(schema.clone());
                let specs = vec![spec(&format!("{title}List"), list.clone())];
                (Shape::List, list, specs)
            }
            (_, Some(variants)) if tools => {
                // One tool per variant; the model picks one.
                mode = Mode::ParallelTools;
                (Shape::Variant, schema, variants)
            }
            (_, _) => {
                let specs = vec![spec(&title, schema.clone())];
                (Shape::Single, schema, specs)
            }
        };
        let mut structured = StructuredRequest::new(self.inner.model.clone(), mode);
        structured.system = request.system;
        structured.messages = request.messages;
        structured.max_tokens = request.max_tokens.or(self.inner.max_tokens);
        structured.temperature = request.temperature.or(self.inner.temperature);
        structured.schemas = schemas;
        let max_retries = request.max_retries.unwrap_or(self.inner.max_retries);
        // Where models write almost-JSON: the schema only in the prompt, or
        // a server of small open models.
        let sloppy = matches!(mode, Mode::Json | Mode::MarkdownJson) || self.inner.compatible;
        Driver::new(
            kind,
            shape,
            validation,
            structured,
            max_retries,
            request.raw_events,
        )
        .coerce(self.inner.coerce.unwrap_or(sloppy))
        .repair(self.inner.repair.unwrap_or(sloppy))
    }
}

/// `T`'s name without its module path.
pub(crate) fn short_type_name<T>() -> &'static str {
    std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("output")
}

/// A tool / response schema named after its title.
fn spec(title: &str, schema: serde_json::Value) -> SchemaSpec {
    let description = schema
        .get("description")
        .and_then(|d| d.as_str())
        .map(str::to_owned);
    let mut spec = SchemaSpec::new(tool_name(title), schema);
    if let Some(d) = description {
        spec = spec.description(d);
    }
    spec
}
