//! The HTTP transport through the shared conformance checks: error
//! statuses with the provider's message (a recorded rate-limit body),
//! retries, timeouts, cancellation, and the key never in errors.

use serde_json::Value;
use structream_anthropic::{Anthropic, AnthropicConfig, ProviderConfig};
use structream_provider::Provider;
use structream_provider::conformance;

#[test]
fn the_transport_checks_pass() {
    let dir = conformance::corpus_dir().join("anthropic");
    let error_body =
        std::fs::read(dir.join("anthropic-sdk-python/snapshot__rate_limit_error_response.json"))
            .unwrap();
    let v: Value = serde_json::from_slice(&error_body).unwrap();
    let message = v
        .pointer("/error/message")
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    let ok = std::fs::read(dir.join("pydantic-ai/native_tool_search_streaming.1.sse")).unwrap();
    let key = "sk-ant-planted-secret-42";
    let make = |base: &str| -> Box<dyn Provider> {
        Box::new(Anthropic::new(
            AnthropicConfig::new().base_url(base).api_key(key),
        ))
    };
    conformance::check_transport(
        &make,
        &conformance::tool_request("claude"),
        &ok,
        &error_body,
        &message,
        key,
    );
}
