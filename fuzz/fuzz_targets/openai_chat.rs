//! OpenAI Chat Completions (and compatible servers) decoding: arbitrary
//! bytes, or plausible `chat.completion.chunk` frames, in arbitrary
//! chunkings: no panic, the same events for any chunking, the stream rules.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Args, Case, Frame, Small, Text, Word};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use structream_openai::ChatDecoder;

#[derive(Debug, Arbitrary)]
enum ChatFrame {
    Content {
        choice: Small,
        text: Text,
    },
    Parts {
        choice: Small,
        thinking: Text,
        text: Text,
    },
    Reasoning {
        choice: Small,
        text: Text,
        groq: bool,
    },
    Refusal {
        choice: Small,
        text: Text,
    },
    ToolCall {
        choice: Small,
        index: Option<Small>,
        id: Option<Word>,
        name: Option<Word>,
        args: Option<Text>,
        whole: Option<Args>,
    },
    Finish {
        choice: Small,
        reason: Word,
        usage: Option<(u8, u8)>,
    },
    Usage {
        prompt: u8,
        completion: u8,
        groq: bool,
    },
    NoChoices,
    InChunkError {
        message: Word,
    },
    ErrorEvent {
        message: Word,
    },
    Done,
    Other(Text),
}

impl Frame for ChatFrame {
    fn event(&self) -> Option<&'static str> {
        matches!(self, ChatFrame::ErrorEvent { .. }).then_some("error")
    }

    fn data(&self) -> String {
        match self {
            ChatFrame::Done => "[DONE]".to_string(),
            other => other.json().to_string(),
        }
    }

    fn json(&self) -> Value {
        let chunk = |choices: Value| json!({"object": "chat.completion.chunk", "choices": choices});
        match self {
            ChatFrame::Content { choice, text } => {
                chunk(json!([{"index": choice.get(), "delta": {"content": text.string()}}]))
            }
            ChatFrame::Parts {
                choice,
                thinking,
                text,
            } => chunk(json!([{
                "index": choice.get(),
                "delta": {"content": [
                    {"type": "thinking", "thinking": [{"type": "text", "text": thinking.string()}]},
                    {"type": "text", "text": text.string()}
                ]}
            }])),
            ChatFrame::Reasoning { choice, text, groq } => {
                let field = if *groq {
                    "reasoning"
                } else {
                    "reasoning_content"
                };
                chunk(json!([{"index": choice.get(), "delta": {field: text.string()}}]))
            }
            ChatFrame::Refusal { choice, text } => {
                chunk(json!([{"index": choice.get(), "delta": {"refusal": text.string()}}]))
            }
            ChatFrame::ToolCall {
                choice,
                index,
                id,
                name,
                args,
                whole,
            } => {
                let mut call = json!({"type": "function", "function": {}});
                if let Some(i) = index {
                    call["index"] = json!(i.get());
                }
                if let Some(id) = id {
                    call["id"] = json!(id.text());
                }
                if let Some(name) = name {
                    call["function"]["name"] = json!(name.text());
                }
                if let Some(args) = args {
                    call["function"]["arguments"] = json!(args.string());
                } else if let Some(w) = whole {
                    call["function"]["arguments"] = w.value();
                }
                chunk(json!([{"index": choice.get(), "delta": {"tool_calls": [call]}}]))
            }
            ChatFrame::Finish {
                choice,
                reason,
                usage,
            } => {
                let mut c = chunk(
                    json!([{"index": choice.get(), "delta": {}, "finish_reason": reason.text()}]),
                );
                if let Some((p, o)) = usage {
                    c["usage"] = json!({"prompt_tokens": p, "completion_tokens": o});
                }
                c
            }
            ChatFrame::Usage {
                prompt,
                completion,
                groq,
            } => {
                let usage = json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": 0});
                if *groq {
                    json!({"choices": [], "x_groq": {"usage": usage}})
                } else {
                    json!({"choices": [], "usage": usage})
                }
            }
            ChatFrame::NoChoices => json!({"choices": []}),
            ChatFrame::InChunkError { message } => {
                json!({"error": {"message": message.text(), "code": 400}, "choices": []})
            }
            ChatFrame::ErrorEvent { message } => {
                json!({"error": {"message": message.text(), "type": "invalid_request_error"}})
            }
            ChatFrame::Done => json!("[DONE]"),
            ChatFrame::Other(text) => json!({"x": text.string()}),
        }
    }
}

fuzz_target!(|case: Case<ChatFrame>| {
    common::check(&case, false, || Box::new(ChatDecoder::default()));
});
