//! Configuration: the shared connection settings through the shared
//! conformance check, and the settings of the Messages API's own (its
//! version header, the default `max_tokens`).

use serde_json::json;
use structream_anthropic::{Anthropic, AnthropicConfig, ProviderConfig};
use structream_provider::Provider;
use structream_provider::conformance::{self, check_config};

#[test]
fn the_shared_settings_apply() {
    let body = std::fs::read(
        conformance::corpus_dir().join("anthropic/pydantic-ai/simple_text_stream.sse"),
    )
    .unwrap();
    check_config(
        AnthropicConfig::new(),
        &|c| Box::new(Anthropic::new(c)),
        &conformance::tool_request("claude"),
        &body,
    );
}

#[test]
fn the_version_header_and_the_default_max_tokens() {
    let p = Anthropic::new(AnthropicConfig::new().api_key("k"));
    let r = p
        .build_request(&conformance::tool_request("claude"))
        .unwrap();
    assert_eq!(
        r.header_value("anthropic-version").unwrap().expose(),
        "2023-06-01"
    );
    assert_eq!(r.body["max_tokens"], json!(4096));
    let p = Anthropic::new(
        AnthropicConfig::new()
            .api_key("k")
            .api_version("2099-01-01")
            .default_max_tokens(7),
    );
    let r = p
        .build_request(&conformance::tool_request("claude"))
        .unwrap();
    assert_eq!(
        r.header_value("anthropic-version").unwrap().expose(),
        "2099-01-01"
    );
    assert_eq!(r.body["max_tokens"], json!(7));
    assert_eq!(
        p.config().connection().auth().env_var(),
        "ANTHROPIC_API_KEY"
    );
}
