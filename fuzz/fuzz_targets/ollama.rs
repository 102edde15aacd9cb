//! Ollama's native `/api/chat` NDJSON decoding: arbitrary bytes, or
//! plausible lines, in arbitrary chunkings: no panic, the same events for
//! any chunking, the stream rules.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Args, Case, Frame, Text, Word};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use structream_openai::OllamaDecoder;

#[derive(Debug, Arbitrary)]
enum OllamaLine {
    Content(Text),
    Thinking(Text),
    ToolCalls(Vec<(Word, Option<Args>, Option<Word>)>),
    Generate(Text),
    Done {
        reason: Option<Word>,
        prompt: Option<u8>,
        eval: Option<u8>,
    },
    Error(Word),
    Unknown(Text),
}

impl Frame for OllamaLine {
    fn json(&self) -> Value {
        let msg = |m: Value| json!({"model": "llama3.2", "message": m, "done": false});
        match self {
            OllamaLine::Content(t) => msg(json!({"role": "assistant", "content": t.string()})),
            OllamaLine::Thinking(t) => {
                msg(json!({"role": "assistant", "content": "", "thinking": t.string()}))
            }
            OllamaLine::ToolCalls(calls) => {
                let calls: Vec<Value> = calls
                    .iter()
                    .map(|(name, args, id)| {
                        let mut f = json!({"name": name.text()});
                        if let Some(a) = args {
                            f["arguments"] = a.value();
                        }
                        let mut c = json!({"function": f});
                        if let Some(id) = id {
                            c["id"] = json!(id.text());
                        }
                        c
                    })
                    .collect();
                msg(json!({"role": "assistant", "content": "", "tool_calls": calls}))
            }
            OllamaLine::Generate(t) => {
                json!({"model": "phi3", "response": t.string(), "done": false})
            }
            OllamaLine::Done {
                reason,
                prompt,
                eval,
            } => {
                let mut v = json!({"model": "llama3.2", "message": {"role": "assistant", "content": ""}, "done": true});
                if let Some(r) = reason {
                    v["done_reason"] = json!(r.text());
                }
                if let Some(p) = prompt {
                    v["prompt_eval_count"] = json!(p);
                }
                if let Some(e) = eval {
                    v["eval_count"] = json!(e);
                }
                v
            }
            OllamaLine::Error(w) => json!({"error": w.text()}),
            OllamaLine::Unknown(t) => json!({"x": t.string()}),
        }
    }
}

fuzz_target!(|case: Case<OllamaLine>| {
    common::check(&case, true, || Box::new(OllamaDecoder::default()));
});
