//! Configuration: the shared connection settings through the shared
//! conformance check, for every provider of the crate, and what the key
//! does in errors.

use serde_json::json;
use structream_openai::{
    Ollama, OpenAiChat, OpenAiConfig, OpenAiResponses, ProviderConfig, Vendor,
};
use structream_provider::conformance::{self, check_config};
use structream_provider::{Mode, Provider, SchemaSpec, StructuredRequest};

fn req(mode: Mode) -> StructuredRequest {
    StructuredRequest::new("gpt-x", mode)
        .user("who?")
        .schema(SchemaSpec::new("Person", json!({"type": "object"})))
}

fn body(name: &str) -> Vec<u8> {
    std::fs::read(conformance::corpus_dir().join(name)).unwrap()
}

#[test]
fn every_provider_applies_the_shared_settings() {
    let chat = body("openai-chat/pydantic-ai/parallel_tool_calls_2.sse");
    for vendor in [Vendor::OpenAi, Vendor::Groq, Vendor::Ollama, Vendor::Azure] {
        check_config(
            OpenAiConfig::for_vendor(vendor),
            &|c| Box::new(OpenAiChat::new(c)),
            &req(Mode::Tools),
            &chat,
        );
    }
    check_config(
        OpenAiConfig::azure("https://res.openai.azure.com", "gpt4o"),
        &|c| Box::new(OpenAiChat::new(c)),
        &req(Mode::Tools),
        &chat,
    );
    check_config(
        OpenAiConfig::new(),
        &|c| Box::new(OpenAiResponses::new(c)),
        &req(Mode::Tools),
        &body("openai-responses/pydantic-ai/responses_stream.0.function_call.sse"),
    );
    check_config(
        Ollama::default().config().clone(),
        &|c| Box::new(Ollama::new(c)),
        &req(Mode::Tools),
        &body("ollama/semantic-kernel/api_chat_tool_call_llama3.2.ndjson"),
    );
}

#[test]
fn each_vendor_has_its_defaults() {
    let azure = OpenAiConfig::for_vendor(Vendor::Azure);
    assert_eq!(azure.vendor(), Vendor::Azure);
    assert_eq!(azure.connection().auth().header_name(), "api-key");
    let groq = OpenAiConfig::for_vendor(Vendor::Groq);
    assert_eq!(
        groq.connection().base_url(),
        "https://api.groq.com/openai/v1"
    );
    assert_eq!(groq.connection().auth().env_var(), "GROQ_API_KEY");
    assert!(groq.connection().auth().required());
    assert!(
        !OpenAiConfig::for_vendor(Vendor::Ollama)
            .connection()
            .auth()
            .required()
    );
    assert_eq!(OpenAiConfig::default().vendor(), Vendor::OpenAi);
}

#[test]
fn keys_never_show_in_debug_or_errors() {
    let key = "sk-proj-PLANTED-do-not-print";
    let chat = OpenAiChat::new(OpenAiConfig::new().api_key(key));
    let resp = OpenAiResponses::new(OpenAiConfig::new().api_key(key));
    let r1 = chat.build_request(&req(Mode::Tools)).unwrap();
    let r2 = resp.build_request(&req(Mode::Tools)).unwrap();
    let err = OpenAiChat::new(OpenAiConfig::for_vendor(Vendor::DeepSeek).api_key(key))
        .build_request(&req(Mode::JsonSchema))
        .unwrap_err();
    for text in [
        format!("{chat:?}"),
        format!("{resp:?}"),
        format!("{:?}", chat.config()),
        format!("{r1:?}"),
        format!("{r2:?}"),
        format!("{err:?} {err}"),
    ] {
        assert!(!text.contains(key), "{text}");
        assert!(!text.contains("PLANTED"), "{text}");
    }
    // The key is sent, though.
    assert_eq!(
        r1.header_value("authorization").unwrap().expose(),
        format!("Bearer {key}")
    );
}
