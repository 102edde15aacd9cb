//! Requests per mode: the exact bodies and URL (the key never in it).

use serde_json::json;
use structream_gemini::{Gemini, GeminiConfig, ProviderConfig};
use structream_provider::{Error, Mode, Provider, SchemaSpec, StructuredRequest};

#[test]
fn requests_per_mode() {
    let p = Gemini::new(GeminiConfig::new().api_key("k"));
    let schema = json!({
        "$defs": {"P": {"type": "object", "properties": {"n": {"type": "string"}}}},
        "type": "object",
        "properties": {"p": {"$ref": "#/$defs/P"}, "o": {"type": ["integer", "null"]}},
        "additionalProperties": false
    });
    let base = StructuredRequest::new("gemini-2.5-flash", Mode::Tools)
        .system("sys")
        .user("q")
        .message(structream_provider::Message::assistant("prev"))
        .user("again")
        .schema(SchemaSpec::new("T", schema))
        .max_tokens(50);
    let r = p.build_request(&base).unwrap();
    assert_eq!(
        r.url,
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    let subset = json!({
        "type": "object",
        "properties": {
            "p": {"type": "object", "properties": {"n": {"type": "string"}}},
            "o": {"type": "integer", "nullable": true}
        }
    });
    assert_eq!(
        r.body,
        json!({
            "contents": [
                {"role": "user", "parts": [{"text": "q"}]},
                {"role": "model", "parts": [{"text": "prev"}]},
                {"role": "user", "parts": [{"text": "again"}]}
            ],
            "systemInstruction": {"parts": [{"text": "sys"}]},
            "generationConfig": {"maxOutputTokens": 50},
            "tools": [{"functionDeclarations": [{"name": "T", "parameters": subset}]}],
            "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["T"]}}
        })
    );
    assert!(!r.url.contains("key="));
    let mut js = base.clone();
    js.mode = Mode::JsonSchema;
    let r = p.build_request(&js).unwrap();
    assert_eq!(r.body["generationConfig"]["responseSchema"], subset);
    assert_eq!(
        r.body["generationConfig"]["responseMimeType"],
        json!("application/json")
    );
    let mut rec = base.clone();
    rec.schemas[0].schema =
        json!({"$defs": {"N": {"properties": {"n": {"$ref": "#/$defs/N"}}}}, "$ref": "#/$defs/N"});
    assert!(
        matches!(p.build_request(&rec), Err(Error::InvalidRequest(m)) if m.contains("recursive"))
    );
}
