//! Finish reasons: one per candidate, at the end of the stream, with the
//! last reason seen (a reason other than STOP is not replaced by STOP), and
//! `tool_calls` for a candidate that stopped to call functions.
//!
//! The streams are written in the shape of the recorded ones
//! (`tests/corpora/sse/gemini/pydantic-ai/model_stream.sse`), with the
//! finish reasons of older Vertex streams, which put `STOP` on every chunk
//! and the real reason on the last one: no such stream is recorded.

use structream_gemini::GeminiDecoder;
use structream_provider::conformance::{self, Transcript};
use structream_provider::{FinishReason, StreamDecoder};

fn decoder() -> Box<dyn StreamDecoder> {
    Box::new(GeminiDecoder::default())
}

/// A frame of one candidate with `parts` (JSON) and a finish reason.
fn frame(index: u32, parts: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or(String::new(), |f| format!(",\"finishReason\": \"{f}\""));
    format!(
        "data: {{\"candidates\": [{{\"content\": {{\"parts\": {parts},\"role\": \"model\"}},\
         \"index\": {index}{finish}}}],\"modelVersion\": \"gemini-1.5-pro-002\"}}\r\n\r\n"
    )
}

fn text(t: &str) -> String {
    format!("[{{\"text\": \"{t}\"}}]")
}

fn decode(name: &str, body: &str) -> Transcript {
    let d = conformance::check_decoding(name, &decoder, body.as_bytes(), 2_000);
    d.end.unwrap();
    Transcript::new(&d.events)
}

fn finishes(t: &Transcript) -> Vec<(u32, &str, &str)> {
    t.finish
        .iter()
        .map(|(c, r, raw)| (*c, r.as_str(), raw.as_str()))
        .collect()
}

#[test]
fn the_real_reason_on_the_last_chunk_wins_over_stop_on_every_chunk() {
    for (last, reason) in [
        ("RECITATION", "content_filter"),
        ("SAFETY", "content_filter"),
        ("MAX_TOKENS", "length"),
        ("SOMETHING_NEW", "other"),
    ] {
        let body = [
            frame(0, &text("The"), Some("STOP")),
            frame(0, &text(" capital"), Some("STOP")),
            frame(0, &text(" is"), Some(last)),
        ]
        .concat();
        let t = decode(last, &body);
        assert_eq!(finishes(&t), [(0, reason, last)], "{last}");
        assert_eq!(t.text[&0], "The capital is");
    }
}

#[test]
fn stop_after_another_reason_does_not_replace_it() {
    let body = [
        frame(0, &text("a"), Some("SAFETY")),
        frame(0, &text("b"), Some("STOP")),
    ]
    .concat();
    let t = decode("safety then stop", &body);
    assert_eq!(finishes(&t), [(0, "content_filter", "SAFETY")]);
}

#[test]
fn text_after_stop_comes_before_the_finish() {
    let body = [
        frame(0, &text("Hello"), Some("STOP")),
        frame(0, &text(" world"), None),
    ]
    .concat();
    let d = conformance::check_decoding("late text", &decoder, body.as_bytes(), 2_000);
    d.end.unwrap();
    let last_text = d
        .events
        .iter()
        .rposition(|e| matches!(e, structream_provider::StreamEvent::TextDelta { .. }))
        .unwrap();
    let finish = d
        .events
        .iter()
        .position(|e| matches!(e, structream_provider::StreamEvent::Finish { .. }))
        .unwrap();
    assert!(last_text < finish, "{:?}", d.events);
    let t = Transcript::new(&d.events);
    assert_eq!(t.text[&0], "Hello world");
    assert_eq!(finishes(&t), [(0, "stop", "STOP")]);
}

#[test]
fn each_candidate_finishes_once() {
    let body = [
        frame(0, &text("a"), Some("STOP")),
        frame(1, &text("b"), Some("STOP")),
        frame(0, &text("c"), Some("STOP")),
        frame(1, &text("d"), Some("MAX_TOKENS")),
    ]
    .concat();
    let t = decode("two candidates", &body);
    assert_eq!(
        finishes(&t),
        [(0, "stop", "STOP"), (1, "length", "MAX_TOKENS")]
    );
}

#[test]
fn a_candidate_that_called_functions_finishes_with_tool_calls() {
    let call = r#"[{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]"#;
    let body = [
        frame(0, &text("Let me check."), None),
        frame(0, call, Some("STOP")),
    ]
    .concat();
    let t = decode("tool call", &body);
    assert_eq!(finishes(&t), [(0, "tool_calls", "STOP")]);
    assert_eq!(t.finish[0].1, FinishReason::ToolCalls);
    // Another reason stays what it is.
    let body = [frame(0, call, Some("MAX_TOKENS"))].concat();
    let t = decode("tool call cut", &body);
    assert_eq!(finishes(&t), [(0, "length", "MAX_TOKENS")]);
    // A candidate without calls stops as before, beside one with calls.
    let body = [
        frame(0, call, Some("STOP")),
        frame(1, &text("x"), Some("STOP")),
    ]
    .concat();
    let t = decode("two candidates", &body);
    assert_eq!(
        finishes(&t),
        [(0, "tool_calls", "STOP"), (1, "stop", "STOP")]
    );
}
