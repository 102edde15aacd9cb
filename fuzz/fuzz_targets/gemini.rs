//! Gemini streamGenerateContent (alt=sse) decoding: arbitrary bytes, or
//! plausible `GenerateContentResponse` frames (text, thoughts, whole and
//! streamed function calls), in arbitrary chunkings: no panic, the same
//! events for any chunking, the stream rules.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::Arbitrary;
use common::{Args, Case, Frame, Small, Text, Word};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use structream_gemini::GeminiDecoder;

#[derive(Debug, Arbitrary)]
enum PartialValue {
    Str(Word),
    Num(u8),
    Bool(bool),
    Null,
}

#[derive(Debug, Arbitrary)]
enum Part {
    Text(Text),
    Thought(Text),
    Call {
        name: Option<Word>,
        args: Option<Args>,
    },
    StreamStart {
        name: Word,
    },
    StreamArgs {
        path: Word,
        nested: bool,
        value: PartialValue,
        will_continue: bool,
    },
    StreamEnd,
}

#[derive(Debug, Arbitrary)]
enum GeminiFrame {
    Candidates {
        candidates: Vec<(Option<Small>, Vec<Part>, Option<Word>)>,
        usage: Option<(u8, u8, u8)>,
    },
    Usage(u8, u8),
    Blocked(Word),
    Error {
        message: Word,
    },
    Unknown(Text),
}

fn part(p: &Part) -> Value {
    match p {
        Part::Text(t) => json!({"text": t.string()}),
        Part::Thought(t) => json!({"text": t.string(), "thought": true}),
        Part::Call { name, args } => {
            let mut call = json!({});
            if let Some(n) = name {
                call["name"] = json!(n.text());
            }
            if let Some(a) = args {
                call["args"] = a.value();
            }
            json!({"functionCall": call})
        }
        Part::StreamStart { name } => {
            json!({"functionCall": {"name": name.text(), "willContinue": true}})
        }
        Part::StreamArgs {
            path,
            nested,
            value,
            will_continue,
        } => {
            let path = if *nested {
                format!("$.a.{}", path.text())
            } else {
                format!("$.{}", path.text())
            };
            let mut arg = json!({"jsonPath": path});
            match value {
                PartialValue::Str(w) => arg["stringValue"] = json!(w.text()),
                PartialValue::Num(n) => arg["numberValue"] = json!(n),
                PartialValue::Bool(b) => arg["boolValue"] = json!(b),
                PartialValue::Null => arg["nullValue"] = json!(null),
            }
            json!({"functionCall": {"partialArgs": [arg], "willContinue": will_continue}})
        }
        Part::StreamEnd => json!({"functionCall": {}}),
    }
}

impl Frame for GeminiFrame {
    fn json(&self) -> Value {
        match self {
            GeminiFrame::Candidates { candidates, usage } => {
                let candidates: Vec<Value> = candidates
                    .iter()
                    .map(|(index, parts, finish)| {
                        let mut c = json!({"content": {"role": "model", "parts": parts.iter().map(part).collect::<Vec<_>>()}});
                        if let Some(i) = index {
                            c["index"] = json!(i.get());
                        }
                        if let Some(f) = finish {
                            c["finishReason"] = json!(f.text());
                        }
                        c
                    })
                    .collect();
                let mut v = json!({"candidates": candidates});
                if let Some((p, c, t)) = usage {
                    v["usageMetadata"] = json!({"promptTokenCount": p, "candidatesTokenCount": c, "thoughtsTokenCount": t});
                }
                v
            }
            GeminiFrame::Usage(p, c) => {
                json!({"usageMetadata": {"promptTokenCount": p, "candidatesTokenCount": c}})
            }
            GeminiFrame::Blocked(w) => json!({"promptFeedback": {"blockReason": w.text()}}),
            GeminiFrame::Error { message } => {
                json!({"error": {"code": 429, "message": message.text(), "status": "RESOURCE_EXHAUSTED"}})
            }
            GeminiFrame::Unknown(t) => json!({"modelVersion": t.string()}),
        }
    }
}

fuzz_target!(|case: Case<GeminiFrame>| {
    common::check(&case, false, || Box::new(GeminiDecoder::default()));
});
