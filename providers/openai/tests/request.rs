//! Requests per mode and vendor: the exact bodies, URLs and headers.

use serde_json::json;
use structream_openai::{
    Ollama, OpenAiChat, OpenAiConfig, OpenAiResponses, ProviderConfig, Vendor,
};
use structream_provider::request::HeaderValue;
use structream_provider::{
    Error, Message, Mode, Provider, ProviderExt, SchemaSpec, StructuredRequest,
};

fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name"]
    })
}

fn strict_schema() -> serde_json::Value {
    json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": ["integer", "null"]}},
        "required": ["name", "age"],
        "additionalProperties": false
    })
}

fn req(mode: Mode) -> StructuredRequest {
    StructuredRequest::new("gpt-x", mode)
        .system("sys")
        .user("who?")
        .message(Message::assistant("{\"name\": 1}"))
        .user("name must be a string")
        .schema(SchemaSpec::new("Person", schema()).description("a person"))
        .max_tokens(200)
        .temperature(0.0)
}

fn openai() -> OpenAiChat {
    OpenAiChat::new(OpenAiConfig::new().api_key("sk-test"))
}

#[test]
fn chat_tools_forces_the_tool_with_a_strict_schema() {
    let r = openai().build_request(&req(Mode::Tools)).unwrap();
    assert_eq!(r.url, "https://api.openai.com/v1/chat/completions");
    assert_eq!(
        r.body,
        json!({
            "model": "gpt-x",
            "messages": [
                {"role": "system", "content": "sys"},
                {"role": "user", "content": "who?"},
                {"role": "assistant", "content": "{\"name\": 1}"},
                {"role": "user", "content": "name must be a string"}
            ],
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_completion_tokens": 200,
            "temperature": 0.0,
            "tools": [{"type": "function", "function": {
                "name": "Person", "description": "a person",
                "parameters": strict_schema(), "strict": true
            }}],
            "tool_choice": {"type": "function", "function": {"name": "Person"}},
            "parallel_tool_calls": false
        })
    );
    assert!(matches!(
        r.header_value("authorization"),
        Some(HeaderValue::Secret {
            prefix: "Bearer ",
            ..
        })
    ));
}

#[test]
fn chat_parallel_json_schema_json_and_markdown() {
    let mut p = req(Mode::ParallelTools);
    p.schemas
        .push(SchemaSpec::new("Pet", json!({"type": "object"})));
    let r = openai().build_request(&p).unwrap();
    assert_eq!(r.body["tool_choice"], json!("required"));
    assert_eq!(r.body["parallel_tool_calls"], json!(true));
    assert_eq!(r.body["tools"].as_array().unwrap().len(), 2);

    let r = openai().build_request(&req(Mode::JsonSchema)).unwrap();
    assert_eq!(
        r.body["response_format"],
        json!({"type": "json_schema", "json_schema": {
            "name": "Person", "description": "a person", "schema": strict_schema(), "strict": true
        }})
    );
    assert!(r.body.get("tools").is_none());

    let r = openai().build_request(&req(Mode::Json)).unwrap();
    assert_eq!(r.body["response_format"], json!({"type": "json_object"}));
    let system = r.body["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.starts_with("sys\n\n") && system.contains("\"age\""),
        "{system}"
    );

    let r = openai().build_request(&req(Mode::MarkdownJson)).unwrap();
    assert!(r.body.get("response_format").is_none());
    assert!(
        r.body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("```json")
    );
}

#[test]
fn mode_errors_are_errors_not_empty_streams() {
    let deepseek = OpenAiChat::new(OpenAiConfig::for_vendor(Vendor::DeepSeek).api_key("k"));
    assert!(!deepseek.supports(Mode::JsonSchema));
    let err = deepseek.build_request(&req(Mode::JsonSchema)).unwrap_err();
    assert!(matches!(
        err,
        Error::UnsupportedMode {
            mode: Mode::JsonSchema,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "openai-chat does not support the JsonSchema mode"
    );
    let mut none = req(Mode::Tools);
    none.schemas.clear();
    assert!(matches!(
        openai().build_request(&none),
        Err(Error::InvalidRequest(_))
    ));
    let mut two = req(Mode::JsonSchema);
    two.schemas.push(SchemaSpec::new("B", json!({})));
    assert!(matches!(
        openai().build_request(&two),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn vendors() {
    // Compatible servers: max_tokens, no strict, their base URL and key.
    let groq = OpenAiChat::new(OpenAiConfig::for_vendor(Vendor::Groq).api_key("gsk"));
    let r = groq.build_request(&req(Mode::Tools)).unwrap();
    assert_eq!(r.url, "https://api.groq.com/openai/v1/chat/completions");
    assert_eq!(r.body["max_tokens"], json!(200));
    assert!(r.body.get("max_completion_tokens").is_none());
    assert_eq!(r.body["tools"][0]["function"]["parameters"], schema());
    // Mistral rejects unknown fields: no stream_options.
    let mistral = OpenAiChat::new(OpenAiConfig::for_vendor(Vendor::Mistral).api_key("m"));
    let r = mistral.build_request(&req(Mode::Json)).unwrap();
    assert!(r.body.get("stream_options").is_none());
    // Local servers need no key.
    for v in [Vendor::Ollama, Vendor::Vllm, Vendor::LlamaCpp] {
        let p = OpenAiChat::new(OpenAiConfig::for_vendor(v));
        if std::env::var(v.key_var()).is_err() {
            let r = p.build_request(&req(Mode::Tools)).unwrap();
            assert!(r.header_value("authorization").is_none());
        }
    }
    // Azure: deployment URL, api-version, api-key header.
    let azure = OpenAiChat::new(
        OpenAiConfig::azure("https://res.openai.azure.com/", "gpt4o").api_key("az"),
    );
    let r = azure.build_request(&req(Mode::JsonSchema)).unwrap();
    assert_eq!(
        r.url,
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"
    );
    assert!(matches!(
        r.header_value("api-key"),
        Some(HeaderValue::Secret { prefix: "", .. })
    ));
    assert_eq!(
        r.body["response_format"]["json_schema"]["strict"],
        json!(true)
    );
    // A key that is required and missing.
    if std::env::var("OPENROUTER_API_KEY").is_err() {
        let or = OpenAiChat::new(OpenAiConfig::for_vendor(Vendor::OpenRouter));
        assert!(matches!(
            or.build_request(&req(Mode::Tools)),
            Err(Error::MissingApiKey {
                var: "OPENROUTER_API_KEY"
            })
        ));
    }
}

#[test]
fn responses_requests() {
    let p = OpenAiResponses::new(OpenAiConfig::new().api_key("k"));
    let r = p.build_request(&req(Mode::Tools)).unwrap();
    assert_eq!(r.url, "https://api.openai.com/v1/responses");
    assert_eq!(
        r.body,
        json!({
            "model": "gpt-x",
            "instructions": "sys",
            "input": [
                {"role": "user", "content": "who?"},
                {"role": "assistant", "content": "{\"name\": 1}"},
                {"role": "user", "content": "name must be a string"}
            ],
            "stream": true,
            "max_output_tokens": 200,
            "temperature": 0.0,
            "tools": [{"type": "function", "name": "Person", "description": "a person",
                       "parameters": strict_schema(), "strict": true}],
            "tool_choice": {"type": "function", "name": "Person"},
            "parallel_tool_calls": false
        })
    );
    let r = p.build_request(&req(Mode::JsonSchema)).unwrap();
    assert_eq!(
        r.body["text"],
        json!({"format": {"type": "json_schema", "name": "Person", "description": "a person",
                          "schema": strict_schema(), "strict": true}})
    );
}

#[test]
fn ollama_native_requests() {
    let p = Ollama::default();
    let r = p.build_request(&req(Mode::JsonSchema)).unwrap();
    assert_eq!(r.url, "http://localhost:11434/api/chat");
    assert_eq!(r.body["format"], schema());
    assert_eq!(
        r.body["options"],
        json!({"num_predict": 200, "temperature": 0.0})
    );
    let r = p.build_request(&req(Mode::Json)).unwrap();
    assert_eq!(r.body["format"], json!("json"));
    let r = p.build_request(&req(Mode::Tools)).unwrap();
    assert_eq!(r.body["tools"][0]["function"]["name"], json!("Person"));
}
