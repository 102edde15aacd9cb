//! Anthropic Messages decoding: arbitrary bytes, or plausible message and
//! content-block events, in arbitrary chunkings: no panic, the same events
//! for any chunking, the stream rules.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Args, Case, Frame, Small, Text, Word};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use structream_anthropic::AnthropicDecoder;

#[derive(Debug, Arbitrary)]
enum Block {
    Text(Text),
    ToolUse {
        name: Option<Word>,
        input: Option<Args>,
    },
    Thinking(Text),
    Redacted(Word),
    ServerTool,
}

#[derive(Debug, Arbitrary)]
enum Delta {
    Text(Text),
    InputJson(Text),
    Thinking(Text),
    Signature,
    Citations,
}

#[derive(Debug, Arbitrary)]
enum AnthropicFrame {
    MessageStart {
        input: u8,
    },
    BlockStart {
        index: Small,
        block: Block,
    },
    BlockDelta {
        index: Small,
        delta: Delta,
    },
    BlockStop {
        index: Small,
    },
    MessageDelta {
        stop_reason: Option<Word>,
        output: u8,
    },
    MessageStop,
    Ping,
    Error {
        message: Word,
    },
    Unknown(Text),
}

impl Frame for AnthropicFrame {
    fn event(&self) -> Option<&'static str> {
        Some(match self {
            AnthropicFrame::MessageStart { .. } => "message_start",
            AnthropicFrame::BlockStart { .. } => "content_block_start",
            AnthropicFrame::BlockDelta { .. } => "content_block_delta",
            AnthropicFrame::BlockStop { .. } => "content_block_stop",
            AnthropicFrame::MessageDelta { .. } => "message_delta",
            AnthropicFrame::MessageStop => "message_stop",
            AnthropicFrame::Ping => "ping",
            AnthropicFrame::Error { .. } => "error",
            AnthropicFrame::Unknown(_) => "future_event",
        })
    }

    fn json(&self) -> Value {
        let kind = self.event().unwrap_or_default();
        match self {
            AnthropicFrame::MessageStart { input } => json!({
                "type": kind,
                "message": {"id": "msg_1", "role": "assistant", "content": [],
                            "usage": {"input_tokens": input, "output_tokens": 1, "cache_read_input_tokens": 0}}
            }),
            AnthropicFrame::BlockStart { index, block } => {
                let block = match block {
                    Block::Text(t) => json!({"type": "text", "text": t.string()}),
                    Block::ToolUse { name, input } => {
                        let mut b = json!({"type": "tool_use", "id": "toolu_1"});
                        if let Some(n) = name {
                            b["name"] = json!(n.text());
                        }
                        b["input"] = input.as_ref().map_or(json!({}), Args::value);
                        b
                    }
                    Block::Thinking(t) => {
                        json!({"type": "thinking", "thinking": t.string(), "signature": ""})
                    }
                    Block::Redacted(w) => json!({"type": "redacted_thinking", "data": w.text()}),
                    Block::ServerTool => {
                        json!({"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}})
                    }
                };
                json!({"type": kind, "index": index.get(), "content_block": block})
            }
            AnthropicFrame::BlockDelta { index, delta } => {
                let delta = match delta {
                    Delta::Text(t) => json!({"type": "text_delta", "text": t.string()}),
                    Delta::InputJson(t) => {
                        json!({"type": "input_json_delta", "partial_json": t.string()})
                    }
                    Delta::Thinking(t) => json!({"type": "thinking_delta", "thinking": t.string()}),
                    Delta::Signature => json!({"type": "signature_delta", "signature": "abc"}),
                    Delta::Citations => json!({"type": "citations_delta", "citation": {}}),
                };
                json!({"type": kind, "index": index.get(), "delta": delta})
            }
            AnthropicFrame::BlockStop { index } => json!({"type": kind, "index": index.get()}),
            AnthropicFrame::MessageDelta {
                stop_reason,
                output,
            } => {
                let mut delta = json!({});
                if let Some(r) = stop_reason {
                    delta["stop_reason"] = json!(r.text());
                }
                json!({"type": kind, "delta": delta, "usage": {"output_tokens": output}})
            }
            AnthropicFrame::MessageStop | AnthropicFrame::Ping => json!({"type": kind}),
            AnthropicFrame::Error { message } => {
                json!({"type": kind, "error": {"type": "overloaded_error", "message": message.text()}})
            }
            AnthropicFrame::Unknown(t) => json!({"type": kind, "x": t.string()}),
        }
    }
}

fuzz_target!(|case: Case<AnthropicFrame>| {
    common::check(&case, false, || Box::new(AnthropicDecoder::default()));
});
