//! Configuration: endpoint, key, and the per-vendor differences of the
//! OpenAI-compatible servers.

use structream_provider::Mode;
use structream_provider::connection::{Connection, KeyAuth, ProviderConfig};

/// A server speaking the OpenAI wire protocol. Each vendor has a default
/// base URL, an API key variable and a few request differences; the stream
/// decoder is the same for all (vendor quirks are decoded by everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// OpenAI (`OPENAI_API_KEY`).
    OpenAi,
    /// Azure OpenAI (`AZURE_OPENAI_API_KEY`, sent as `api-key`); see
    /// [`OpenAiConfig::azure`].
    Azure,
    /// Ollama's OpenAI-compatible `/v1` (no key needed).
    Ollama,
    /// vLLM's OpenAI-compatible server (`VLLM_API_KEY`, optional).
    Vllm,
    /// llama.cpp's `llama-server` (`LLAMA_API_KEY`, optional).
    LlamaCpp,
    /// Groq (`GROQ_API_KEY`).
    Groq,
    /// OpenRouter (`OPENROUTER_API_KEY`).
    OpenRouter,
    /// Together AI (`TOGETHER_API_KEY`).
    Together,
    /// DeepSeek (`DEEPSEEK_API_KEY`).
    DeepSeek,
    /// Mistral (`MISTRAL_API_KEY`).
    Mistral,
    /// Any other OpenAI-compatible server (`OPENAI_API_KEY`, optional).
    Custom,
}

impl Vendor {
    /// Default base URL (the part before `/chat/completions`).
    pub fn default_base_url(self) -> &'static str {
        match self {
            Vendor::OpenAi | Vendor::Custom | Vendor::Azure => "https://api.openai.com/v1",
            Vendor::Ollama => "http://localhost:11434/v1",
            Vendor::Vllm => "http://localhost:8000/v1",
            Vendor::LlamaCpp => "http://localhost:8080/v1",
            Vendor::Groq => "https://api.groq.com/openai/v1",
            Vendor::OpenRouter => "https://openrouter.ai/api/v1",
            Vendor::Together => "https://api.together.xyz/v1",
            Vendor::DeepSeek => "https://api.deepseek.com/v1",
            Vendor::Mistral => "https://api.mistral.ai/v1",
        }
    }

    /// The environment variable the API key is read from.
    pub fn key_var(self) -> &'static str {
        match self {
            Vendor::OpenAi | Vendor::Custom => "OPENAI_API_KEY",
            Vendor::Azure => "AZURE_OPENAI_API_KEY",
            Vendor::Ollama => "OLLAMA_API_KEY",
            Vendor::Vllm => "VLLM_API_KEY",
            Vendor::LlamaCpp => "LLAMA_API_KEY",
            Vendor::Groq => "GROQ_API_KEY",
            Vendor::OpenRouter => "OPENROUTER_API_KEY",
            Vendor::Together => "TOGETHER_API_KEY",
            Vendor::DeepSeek => "DEEPSEEK_API_KEY",
            Vendor::Mistral => "MISTRAL_API_KEY",
        }
    }

    /// Whether a request without a key is an error (local servers run
    /// without one).
    pub fn key_required(self) -> bool {
        !matches!(
            self,
            Vendor::Ollama | Vendor::Vllm | Vendor::LlamaCpp | Vendor::Custom
        )
    }

    /// The structured-output modes of this vendor's chat completions.
    pub fn chat_modes(self) -> &'static [Mode] {
        match self {
            // DeepSeek has no json_schema response format.
            Vendor::DeepSeek => &[
                Mode::Tools,
                Mode::ParallelTools,
                Mode::Json,
                Mode::MarkdownJson,
            ],
            _ => Mode::ALL,
        }
    }

    /// Whether tools and `json_schema` are sent with `strict: true` (and the
    /// schema transformed with [`openai_strict`](structream_provider::schema::openai_strict)).
    pub fn strict(self) -> bool {
        matches!(self, Vendor::OpenAi | Vendor::Azure)
    }

    /// Whether the server accepts `stream_options: {include_usage: true}`
    /// (Mistral rejects unknown fields and sends usage anyway).
    pub fn stream_options(self) -> bool {
        !matches!(self, Vendor::Mistral)
    }

    /// Whether the output limit is `max_completion_tokens` (OpenAI's
    /// current name; reasoning models reject `max_tokens`) rather than
    /// `max_tokens`.
    pub fn max_completion_tokens(self) -> bool {
        matches!(self, Vendor::OpenAi | Vendor::Azure)
    }

    /// Whether the server knows `parallel_tool_calls`.
    pub fn parallel_tool_calls(self) -> bool {
        matches!(
            self,
            Vendor::OpenAi | Vendor::Azure | Vendor::Groq | Vendor::OpenRouter | Vendor::Together
        )
    }
}

/// Configuration of the OpenAI-protocol providers: a [`Connection`] (base
/// URL, key, headers, stream limits, set through [`ProviderConfig`]) plus
/// the vendor and Azure's `api-version`. The key is read at request time:
/// the explicit one, else the vendor's environment variable.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    vendor: Vendor,
    connection: Connection,
    api_version: Option<String>,
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl OpenAiConfig {
    /// OpenAI itself.
    pub fn new() -> Self {
        Self::for_vendor(Vendor::OpenAi)
    }

    /// A vendor's defaults: its base URL, key variable and key header.
    pub fn for_vendor(vendor: Vendor) -> Self {
        let auth = match vendor {
            Vendor::Azure => KeyAuth::header("api-key", vendor.key_var()),
            _ => KeyAuth::bearer(vendor.key_var()),
        };
        let auth = if vendor.key_required() {
            auth
        } else {
            auth.optional()
        };
        OpenAiConfig {
            vendor,
            connection: Connection::new(vendor.default_base_url(), auth),
            api_version: None,
        }
    }

    /// Azure OpenAI: `endpoint` is `https://<resource>.openai.azure.com`,
    /// `deployment` the deployment name; `api-version` 2024-10-21.
    pub fn azure(endpoint: &str, deployment: &str) -> Self {
        Self::for_vendor(Vendor::Azure)
            .base_url(format!(
                "{}/openai/deployments/{deployment}",
                endpoint.trim_end_matches('/')
            ))
            .api_version("2024-10-21")
    }

    /// Sets the `api-version` query parameter (Azure).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The vendor.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }
}

impl ProviderConfig for OpenAiConfig {
    fn connection(&self) -> &Connection {
        &self.connection
    }

    fn connection_mut(&mut self) -> &mut Connection {
        &mut self.connection
    }

    /// The full URL of an endpoint path such as `/chat/completions`, with
    /// the `api-version` query when one is set.
    fn url(&self, path: &str) -> String {
        let url = self.connection.url(path);
        match &self.api_version {
            Some(v) => format!("{url}?api-version={v}"),
            None => url,
        }
    }
}
