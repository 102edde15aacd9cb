//! Configuration: the shared connection settings through the shared
//! conformance check.

use serde_json::json;
use structream_gemini::{Gemini, GeminiConfig, ProviderConfig};
use structream_provider::conformance::{self, check_config};
use structream_provider::{Mode, SchemaSpec, StructuredRequest};

#[test]
fn the_shared_settings_apply() {
    let body = std::fs::read(conformance::corpus_dir().join("gemini/pydantic-ai/model_stream.sse"))
        .unwrap();
    let request = StructuredRequest::new("gemini-x", Mode::Tools)
        .user("hi")
        .schema(SchemaSpec::new("f", json!({"type": "object"})));
    check_config(
        GeminiConfig::new(),
        &|c| Box::new(Gemini::new(c)),
        &request,
        &body,
    );
    let config = GeminiConfig::new();
    assert_eq!(config.connection().auth().header_name(), "x-goog-api-key");
    assert_eq!(config.connection().auth().env_var(), "GEMINI_API_KEY");
}
