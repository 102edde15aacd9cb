//! Inputs found by the fuzz targets (`fuzz/`), as named regression tests.

use structream_anthropic::AnthropicDecoder;
use structream_provider::provider::decode_all;
use structream_provider::{DecodeErrorKind, StreamEvent};

fn frame(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

/// `anthropic`: a content block index that had been closed (by its
/// content_block_stop, or by a message_delta with a stop reason) could be
/// started again, which started tool call 1 twice. An index is now
/// rejected if it was ever started in the message, not only while open.
#[test]
fn anthropic_content_block_index_reused_after_its_close_is_an_error() {
    let start = frame(
        "message_start",
        r#"{"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}"#,
    );
    let tool = frame(
        "content_block_start",
        r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"#,
    );
    for close in [
        frame(
            "content_block_stop",
            r#"{"type":"content_block_stop","index":1}"#,
        ),
        frame(
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":2}}"#,
        ),
    ] {
        let body = format!("{start}{tool}{close}{tool}");
        let second = body.rfind("event: content_block_start").unwrap() as u64;
        let err = decode_all(&mut AnthropicDecoder::default(), body.as_bytes()).unwrap_err();
        assert!(
            matches!(err.kind(), DecodeErrorKind::UnexpectedShape { detail } if detail.contains("started twice")),
            "{err}"
        );
        assert_eq!(err.offset(), second);
    }
    // Distinct indices after a stop are fine.
    let body = format!(
        "{start}{tool}{}{}{}",
        frame(
            "content_block_stop",
            r#"{"type":"content_block_stop","index":1}"#
        ),
        frame(
            "content_block_start",
            r#"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"g","input":{}}}"#
        ),
        frame("message_stop", r#"{"type":"message_stop"}"#),
    );
    let events = decode_all(&mut AnthropicDecoder::default(), body.as_bytes()).unwrap();
    let starts = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::ToolCallStart { .. }))
        .count();
    assert_eq!(starts, 2);
}
