//! The events every protocol decoder produces.

use std::borrow::Cow;

use crate::error::ProviderError;

/// Why the model stopped, normalised across providers. The provider's own
/// string rides along in [`StreamEvent::Finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FinishReason {
    /// A natural stop or a stop sequence (OpenAI `stop`, Anthropic
    /// `end_turn` / `stop_sequence`, Gemini `STOP`).
    Stop,
    /// The token limit (`length`, `max_tokens`, `MAX_TOKENS`,
    /// `response.incomplete` for max_output_tokens).
    Length,
    /// The model called tools (`tool_calls`, `tool_use`, `function_call`).
    ToolCalls,
    /// Output withheld by a content filter (`content_filter`, `SAFETY`,
    /// `RECITATION`, `PROHIBITED_CONTENT` …).
    ContentFilter,
    /// The model refused (Anthropic `refusal`).
    Refusal,
    /// Anything else (`pause_turn`, `error`, `OTHER` …).
    Other,
}

impl FinishReason {
    /// Normalises a provider's finish reason.
    pub fn from_raw(raw: &str) -> Self {
        match raw {
            "stop" | "end_turn" | "stop_sequence" | "STOP" | "eos" | "eos_token" | "completed" => {
                FinishReason::Stop
            }
            "length"
            | "max_tokens"
            | "MAX_TOKENS"
            | "max_output_tokens"
            | "model_context_window_exceeded" => FinishReason::Length,
            "tool_calls" | "tool_use" | "function_call" | "tool_call" => FinishReason::ToolCalls,
            "content_filter" | "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT"
            | "SPII" | "IMAGE_SAFETY" | "content_filtered" => FinishReason::ContentFilter,
            "refusal" => FinishReason::Refusal,
            _ => FinishReason::Other,
        }
    }

    /// The normalised name: `stop`, `length`, `tool_calls`,
    /// `content_filter`, `refusal` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::Refusal => "refusal",
            FinishReason::Other => "other",
        }
    }
}

/// Token counts of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens (including reasoning tokens where the provider
    /// counts them in).
    pub output_tokens: u64,
    /// Reasoning / thinking tokens, where the provider reports them.
    pub reasoning_tokens: Option<u64>,
    /// Prompt tokens read from a cache, where the provider reports them.
    pub cached_tokens: Option<u64>,
}

impl Usage {
    /// Usage with input and output counts.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage {
            input_tokens,
            output_tokens,
            ..Default::default()
        }
    }
}

/// One event of a decoded response stream. Text is borrowed from the
/// decoder's input where that is cheap; [`StreamEvent::into_owned`] keeps it.
///
/// `choice` is the index of the choice (OpenAI `n > 1`); it is 0 for every
/// provider that has a single one. `index` of the tool-call events is the
/// provider's own: OpenAI `tool_calls[].index`, the Anthropic content block
/// index, the Responses `output_index`, the position of a Gemini
/// `functionCall` part in the response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamEvent<'a> {
    /// A piece of the answer's text (or of its JSON content in the JSON
    /// modes).
    TextDelta {
        /// Choice index.
        choice: u32,
        /// The text.
        text: Cow<'a, str>,
    },
    /// A tool call begins.
    ToolCallStart {
        /// Choice index.
        choice: u32,
        /// The provider's index of the call.
        index: u32,
        /// The call's id, where the provider gives one.
        id: Option<Cow<'a, str>>,
        /// The tool's name.
        name: Cow<'a, str>,
    },
    /// A piece of a tool call's arguments (JSON text, split anywhere).
    ToolArgsDelta {
        /// Choice index.
        choice: u32,
        /// The provider's index of the call.
        index: u32,
        /// The JSON fragment.
        json: Cow<'a, str>,
    },
    /// A tool call's arguments are complete.
    ToolCallEnd {
        /// Choice index.
        choice: u32,
        /// The provider's index of the call.
        index: u32,
    },
    /// A piece of reasoning / thinking text (OpenAI-compatible
    /// `reasoning_content` / `reasoning`, Anthropic thinking, Responses
    /// reasoning summaries, Gemini thoughts).
    ReasoningDelta {
        /// Choice index.
        choice: u32,
        /// The text.
        text: Cow<'a, str>,
    },
    /// Reasoning the provider returns only encrypted (Anthropic
    /// `redacted_thinking`).
    RedactedReasoning {
        /// Choice index.
        choice: u32,
        /// The opaque data.
        data: Cow<'a, str>,
    },
    /// A piece of a refusal message.
    Refusal {
        /// Choice index.
        choice: u32,
        /// The text.
        text: Cow<'a, str>,
    },
    /// A tool the provider ran itself (Anthropic `server_tool_use` and
    /// `mcp_tool_use` blocks such as web search or code execution; Responses
    /// `web_search_call`, `file_search_call`, `code_interpreter_call`,
    /// `mcp_call` … output items), reported once its input is complete. It
    /// is not a call for the caller to run: its result reaches the answer's
    /// text.
    ServerTool {
        /// Choice index.
        choice: u32,
        /// The provider's index of the block or output item.
        index: u32,
        /// The call's id, where the provider gives one.
        id: Option<Cow<'a, str>>,
        /// The tool's name (Anthropic's `name`; for the Responses API the
        /// item's type without `_call`, or an MCP tool's own name).
        name: Cow<'a, str>,
        /// The tool's input as JSON text, when the provider sends JSON.
        input: Option<Cow<'a, str>>,
    },
    /// Token usage; one event at the end of the stream with the totals.
    Usage(Usage),
    /// The model stopped.
    Finish {
        /// Choice index.
        choice: u32,
        /// The normalised reason.
        reason: FinishReason,
        /// The provider's own string.
        raw: Cow<'a, str>,
    },
    /// The provider reported an error in the stream.
    Error(ProviderError),
}

impl<'a> StreamEvent<'a> {
    /// The [`StreamEvent::ServerTool`] of a server-side tool's finished
    /// block or item (choice 0), with its `input` kept only when it is JSON
    /// text.
    pub fn server_tool(
        index: u32,
        id: Option<Cow<'a, str>>,
        name: Cow<'a, str>,
        input: Option<Cow<'a, str>>,
    ) -> Self {
        StreamEvent::ServerTool {
            choice: 0,
            index,
            id,
            name,
            input: input.filter(|i| serde_json::from_str::<serde_json::Value>(i).is_ok()),
        }
    }
}

impl StreamEvent<'_> {
    /// An owned copy.
    pub fn into_owned(self) -> StreamEvent<'static> {
        fn own(c: Cow<'_, str>) -> Cow<'static, str> {
            Cow::Owned(c.into_owned())
        }
        match self {
            StreamEvent::TextDelta { choice, text } => StreamEvent::TextDelta {
                choice,
                text: own(text),
            },
            StreamEvent::ToolCallStart {
                choice,
                index,
                id,
                name,
            } => StreamEvent::ToolCallStart {
                choice,
                index,
                id: id.map(own),
                name: own(name),
            },
            StreamEvent::ToolArgsDelta {
                choice,
                index,
                json,
            } => StreamEvent::ToolArgsDelta {
                choice,
                index,
                json: own(json),
            },
            StreamEvent::ToolCallEnd { choice, index } => {
                StreamEvent::ToolCallEnd { choice, index }
            }
            StreamEvent::ReasoningDelta { choice, text } => StreamEvent::ReasoningDelta {
                choice,
                text: own(text),
            },
            StreamEvent::RedactedReasoning { choice, data } => StreamEvent::RedactedReasoning {
                choice,
                data: own(data),
            },
            StreamEvent::Refusal { choice, text } => StreamEvent::Refusal {
                choice,
                text: own(text),
            },
            StreamEvent::ServerTool {
                choice,
                index,
                id,
                name,
                input,
            } => StreamEvent::ServerTool {
                choice,
                index,
                id: id.map(own),
                name: own(name),
                input: input.map(own),
            },
            StreamEvent::Usage(u) => StreamEvent::Usage(u),
            StreamEvent::Finish {
                choice,
                reason,
                raw,
            } => StreamEvent::Finish {
                choice,
                reason,
                raw: own(raw),
            },
            StreamEvent::Error(e) => StreamEvent::Error(e),
        }
    }

    /// The choice the event belongs to (0 for usage and errors).
    pub fn choice(&self) -> u32 {
        match self {
            StreamEvent::TextDelta { choice, .. }
            | StreamEvent::ToolCallStart { choice, .. }
            | StreamEvent::ToolArgsDelta { choice, .. }
            | StreamEvent::ToolCallEnd { choice, .. }
            | StreamEvent::ReasoningDelta { choice, .. }
            | StreamEvent::RedactedReasoning { choice, .. }
            | StreamEvent::Refusal { choice, .. }
            | StreamEvent::ServerTool { choice, .. }
            | StreamEvent::Finish { choice, .. } => *choice,
            StreamEvent::Usage(_) | StreamEvent::Error(_) => 0,
        }
    }
}
