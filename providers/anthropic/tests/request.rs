//! Requests per mode: the exact bodies, URL and headers.

use serde_json::json;
use structream_anthropic::{Anthropic, AnthropicConfig, ProviderConfig};
use structream_provider::{Error, Mode, Provider, ProviderExt, SchemaSpec, StructuredRequest};

#[test]
fn requests_per_mode() {
    let p = Anthropic::new(AnthropicConfig::new().api_key("k"));
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let base = StructuredRequest::new("claude-x", Mode::Tools)
        .system("be brief")
        .user("q")
        .message(structream_provider::Message::assistant("{\"a\": 1}"))
        .user("fix it")
        .schema(SchemaSpec::new("T", schema.clone()).description("a T"))
        .max_tokens(100)
        .temperature(0.5);
    let r = p.build_request(&base).unwrap();
    assert_eq!(r.url, "https://api.anthropic.com/v1/messages");
    assert_eq!(
        r.body,
        json!({
            "model": "claude-x", "max_tokens": 100, "system": "be brief",
            "messages": [
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": "{\"a\": 1}"},
                {"role": "user", "content": "fix it"}
            ],
            "temperature": 0.5, "stream": true,
            "tools": [{"name": "T", "description": "a T", "input_schema": schema}],
            "tool_choice": {"type": "tool", "name": "T", "disable_parallel_tool_use": true}
        })
    );
    let mut par = base.clone();
    par.mode = Mode::ParallelTools;
    par.schemas
        .push(SchemaSpec::new("U", json!({"type": "object"})));
    let r = p.build_request(&par).unwrap();
    assert_eq!(r.body["tool_choice"], json!({"type": "any"}));
    assert_eq!(r.body["tools"].as_array().unwrap().len(), 2);
    let mut js = base.clone();
    js.mode = Mode::JsonSchema;
    let r = p.build_request(&js).unwrap();
    assert_eq!(
        r.body["output_format"]["schema"]["additionalProperties"],
        json!(false)
    );
    assert!(r.header_value("anthropic-beta").is_some());
    let mut j = base.clone();
    j.mode = Mode::Json;
    let r = p.build_request(&j).unwrap();
    assert!(r.body["system"].as_str().unwrap().contains("JSON Schema"));
    assert!(r.body.get("tools").is_none());
    // Errors: no schema for a tool mode.
    let mut none = base.clone();
    none.schemas.clear();
    assert!(matches!(
        p.build_request(&none),
        Err(Error::InvalidRequest(_))
    ));
    assert!(p.supports(Mode::MarkdownJson));
}
