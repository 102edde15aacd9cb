//! The HTTP transport through the shared conformance checks: error
//! statuses with the provider's message, retries, timeouts, cancellation,
//! and the key never in errors.

use structream_gemini::{Gemini, GeminiConfig, ProviderConfig};
use structream_provider::Provider;
use structream_provider::conformance;

#[test]
fn the_transport_checks_pass() {
    let dir = conformance::corpus_dir().join("gemini/pydantic-ai");
    let ok = std::fs::read(dir.join("model_stream.sse")).unwrap();
    let error_body = br#"[{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}}]"#;
    let key = "AIza-planted-secret-77";
    let make = |base: &str| -> Box<dyn Provider> {
        Box::new(Gemini::new(GeminiConfig::new().base_url(base).api_key(key)))
    };
    conformance::check_transport(
        &make,
        &conformance::tool_request("gemini-x"),
        &ok,
        error_body,
        "API key not valid",
        key,
    );
}
