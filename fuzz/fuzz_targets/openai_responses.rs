//! OpenAI Responses API decoding: arbitrary bytes, or plausible
//! `response.*` events, in arbitrary chunkings: no panic, the same events
//! for any chunking, the stream rules.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Case, Frame, Small, Text, Word};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use structream_openai::ResponsesDecoder;

#[derive(Debug, Arbitrary)]
enum ItemKind {
    FunctionCall,
    Message,
    Reasoning,
    Other,
}

impl ItemKind {
    fn name(&self) -> &'static str {
        match self {
            ItemKind::FunctionCall => "function_call",
            ItemKind::Message => "message",
            ItemKind::Reasoning => "reasoning",
            ItemKind::Other => "web_search_call",
        }
    }
}

#[derive(Debug, Arbitrary)]
enum ResponsesFrame {
    Created,
    ItemAdded {
        index: Small,
        kind: ItemKind,
        name: Option<Word>,
        call_id: Option<Word>,
        arguments: Option<Text>,
    },
    TextDelta {
        index: Small,
        text: Text,
    },
    ReasoningSummary {
        index: Small,
        text: Text,
    },
    ReasoningText {
        index: Small,
        text: Text,
    },
    RefusalDelta {
        index: Small,
        text: Text,
    },
    ArgsDelta {
        index: Small,
        delta: Text,
    },
    ArgsDone {
        index: Small,
        arguments: Option<Text>,
    },
    ItemDone {
        index: Small,
        kind: ItemKind,
        name: Option<Word>,
        arguments: Option<Text>,
    },
    Completed {
        usage: Option<(u8, u8)>,
    },
    Incomplete {
        reason: Word,
    },
    Failed {
        message: Word,
    },
    Error {
        message: Word,
    },
    Unknown(Text),
}

fn item(
    kind: &ItemKind,
    name: &Option<Word>,
    call_id: &Option<Word>,
    arguments: &Option<Text>,
) -> Value {
    let mut item = json!({"type": kind.name(), "id": "fc_1"});
    if let Some(n) = name {
        item["name"] = json!(n.text());
    }
    if let Some(c) = call_id {
        item["call_id"] = json!(c.text());
    }
    if let Some(a) = arguments {
        item["arguments"] = json!(a.string());
    }
    item
}

impl Frame for ResponsesFrame {
    fn event(&self) -> Option<&'static str> {
        Some(match self {
            ResponsesFrame::Created => "response.created",
            ResponsesFrame::ItemAdded { .. } => "response.output_item.added",
            ResponsesFrame::TextDelta { .. } => "response.output_text.delta",
            ResponsesFrame::ReasoningSummary { .. } => "response.reasoning_summary_text.delta",
            ResponsesFrame::ReasoningText { .. } => "response.reasoning_text.delta",
            ResponsesFrame::RefusalDelta { .. } => "response.refusal.delta",
            ResponsesFrame::ArgsDelta { .. } => "response.function_call_arguments.delta",
            ResponsesFrame::ArgsDone { .. } => "response.function_call_arguments.done",
            ResponsesFrame::ItemDone { .. } => "response.output_item.done",
            ResponsesFrame::Completed { .. } => "response.completed",
            ResponsesFrame::Incomplete { .. } => "response.incomplete",
            ResponsesFrame::Failed { .. } => "response.failed",
            ResponsesFrame::Error { .. } => "error",
            ResponsesFrame::Unknown(_) => "response.in_progress",
        })
    }

    fn json(&self) -> Value {
        let kind = self.event().unwrap_or_default();
        match self {
            ResponsesFrame::Created => {
                json!({"type": kind, "response": {"id": "resp_1", "status": "in_progress"}})
            }
            ResponsesFrame::ItemAdded {
                index,
                kind: k,
                name,
                call_id,
                arguments,
            } => {
                json!({"type": kind, "output_index": index.get(), "item": item(k, name, call_id, arguments)})
            }
            ResponsesFrame::TextDelta { index, text }
            | ResponsesFrame::ReasoningSummary { index, text }
            | ResponsesFrame::ReasoningText { index, text }
            | ResponsesFrame::RefusalDelta { index, text } => {
                json!({"type": kind, "output_index": index.get(), "delta": text.string()})
            }
            ResponsesFrame::ArgsDelta { index, delta } => {
                json!({"type": kind, "output_index": index.get(), "item_id": "fc_1", "delta": delta.string()})
            }
            ResponsesFrame::ArgsDone { index, arguments } => {
                let mut v = json!({"type": kind, "output_index": index.get()});
                if let Some(a) = arguments {
                    v["arguments"] = json!(a.string());
                }
                v
            }
            ResponsesFrame::ItemDone {
                index,
                kind: k,
                name,
                arguments,
            } => {
                json!({"type": kind, "output_index": index.get(), "item": item(k, name, &None, arguments)})
            }
            ResponsesFrame::Completed { usage } => {
                let mut response = json!({"id": "resp_1", "status": "completed"});
                if let Some((i, o)) = usage {
                    response["usage"] = json!({"input_tokens": i, "output_tokens": o, "output_tokens_details": {"reasoning_tokens": 1}});
                }
                json!({"type": kind, "response": response})
            }
            ResponsesFrame::Incomplete { reason } => json!({
                "type": kind,
                "response": {"status": "incomplete", "incomplete_details": {"reason": reason.text()}}
            }),
            ResponsesFrame::Failed { message } => json!({
                "type": kind,
                "response": {"status": "failed", "error": {"code": "server_error", "message": message.text()}}
            }),
            ResponsesFrame::Error { message } => {
                json!({"type": kind, "code": "x", "message": message.text()})
            }
            ResponsesFrame::Unknown(text) => json!({"type": kind, "x": text.string()}),
        }
    }
}

fuzz_target!(|case: Case<ResponsesFrame>| {
    common::check(&case, false, || Box::new(ResponsesDecoder::default()));
});
