//! The HTTP transport through the shared conformance checks: error
//! statuses with the provider's message, retries, timeouts, cancellation,
//! and the key never in errors, for Chat Completions and the Responses API.

use structream_openai::{OpenAiChat, OpenAiConfig, OpenAiResponses, ProviderConfig};
use structream_provider::Provider;
use structream_provider::conformance;

/// Builds a provider for a base URL.
type MakeProvider<'a> = dyn Fn(&str) -> Box<dyn Provider> + 'a;

#[test]
fn the_transport_checks_pass() {
    let error_body = br#"{"error":{"message":"Incorrect API key provided: sk-pl***","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#;
    let key = "sk-planted-secret-0123456789";
    let config = |base: &str| OpenAiConfig::new().base_url(base).api_key(key);
    let chat = |base: &str| -> Box<dyn Provider> { Box::new(OpenAiChat::new(config(base))) };
    let responses =
        |base: &str| -> Box<dyn Provider> { Box::new(OpenAiResponses::new(config(base))) };
    let cases: [(&MakeProvider<'_>, &str); 2] = [
        (&chat, "openai-chat/pydantic-ai/parallel_tool_calls_2.sse"),
        (
            &responses,
            "openai-responses/pydantic-ai/responses_stream.0.function_call.sse",
        ),
    ];
    for (make, recording) in cases {
        let body = std::fs::read(conformance::corpus_dir().join(recording)).unwrap();
        conformance::check_transport(
            make,
            &conformance::tool_request("m"),
            &body,
            error_body,
            "Incorrect API key",
            key,
        );
    }
}
