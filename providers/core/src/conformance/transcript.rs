//! The events of a stream folded per kind, for checks against the final
//! values a recording reports.

use std::collections::BTreeMap;

use crate::error::ProviderError;
use crate::event::{FinishReason, StreamEvent, Usage};

/// One tool call as the events told it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call's id.
    pub id: Option<String>,
    /// The tool's name.
    pub name: String,
    /// The argument deltas concatenated.
    pub arguments: String,
    /// Whether a [`StreamEvent::ToolCallEnd`] came.
    pub ended: bool,
}

/// A tool the provider ran itself, as the events told it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ServerTool {
    /// The provider's index of the block or output item.
    pub index: u32,
    /// The call's id.
    pub id: Option<String>,
    /// The tool's name.
    pub name: String,
    /// The input, parsed (`None` when the provider sent none as JSON).
    pub input: Option<serde_json::Value>,
}

/// The events of a stream folded per kind.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Transcript {
    /// Text per choice.
    pub text: BTreeMap<u32, String>,
    /// Reasoning per choice.
    pub reasoning: BTreeMap<u32, String>,
    /// Refusal text per choice.
    pub refusal: BTreeMap<u32, String>,
    /// Redacted reasoning blocks.
    pub redacted: usize,
    /// Tool calls per (choice, index), in index order.
    pub tool_calls: BTreeMap<(u32, u32), ToolCall>,
    /// Tools the provider ran itself, in order.
    pub server_tools: Vec<ServerTool>,
    /// Usage events.
    pub usage: Vec<Usage>,
    /// Finish events: choice, reason, raw reason.
    pub finish: Vec<(u32, FinishReason, String)>,
    /// Errors reported in the stream.
    pub errors: Vec<ProviderError>,
}

impl Transcript {
    /// Folds events.
    pub fn new(events: &[StreamEvent<'_>]) -> Self {
        let mut t = Transcript::default();
        for e in events {
            match e {
                StreamEvent::TextDelta { choice, text } => {
                    t.text.entry(*choice).or_default().push_str(text)
                }
                StreamEvent::ReasoningDelta { choice, text } => {
                    t.reasoning.entry(*choice).or_default().push_str(text)
                }
                StreamEvent::Refusal { choice, text } => {
                    t.refusal.entry(*choice).or_default().push_str(text)
                }
                StreamEvent::RedactedReasoning { .. } => t.redacted += 1,
                StreamEvent::ToolCallStart {
                    choice,
                    index,
                    id,
                    name,
                } => {
                    t.tool_calls.insert(
                        (*choice, *index),
                        ToolCall {
                            id: id.as_ref().map(|s| s.to_string()),
                            name: name.to_string(),
                            ..Default::default()
                        },
                    );
                }
                StreamEvent::ToolArgsDelta {
                    choice,
                    index,
                    json,
                } => {
                    if let Some(c) = t.tool_calls.get_mut(&(*choice, *index)) {
                        c.arguments.push_str(json);
                    }
                }
                StreamEvent::ToolCallEnd { choice, index } => {
                    if let Some(c) = t.tool_calls.get_mut(&(*choice, *index)) {
                        c.ended = true;
                    }
                }
                StreamEvent::ServerTool {
                    index,
                    id,
                    name,
                    input,
                    ..
                } => t.server_tools.push(ServerTool {
                    index: *index,
                    id: id.as_ref().map(|s| s.to_string()),
                    name: name.to_string(),
                    input: input.as_ref().map(|j| {
                        serde_json::from_str(j)
                            .unwrap_or_else(|e| panic!("server tool input is not JSON ({e}): {j}"))
                    }),
                }),
                StreamEvent::Usage(u) => t.usage.push(*u),
                StreamEvent::Finish {
                    choice,
                    reason,
                    raw,
                } => t.finish.push((*choice, *reason, raw.to_string())),
                StreamEvent::Error(e) => t.errors.push(e.clone()),
            }
        }
        t
    }

    /// The arguments of every ended call, parsed; panics when one is not
    /// JSON (an empty argument string counts as `{}`).
    pub fn parsed_arguments(&self, name: &str) -> BTreeMap<(u32, u32), serde_json::Value> {
        self.tool_calls
            .iter()
            .filter(|(_, c)| c.ended)
            .map(|(k, c)| {
                let text = if c.arguments.trim().is_empty() {
                    "{}"
                } else {
                    &c.arguments
                };
                let v = serde_json::from_str(text).unwrap_or_else(|e| {
                    panic!("{name}: arguments of call {k:?} are not JSON ({e}): {text}")
                });
                (*k, v)
            })
            .collect()
    }
}
