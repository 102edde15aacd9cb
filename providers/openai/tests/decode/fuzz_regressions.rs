//! Inputs found by the fuzz targets (`fuzz/`), as named regression tests.

use structream_openai::OllamaDecoder;
use structream_provider::provider::decode_all;
use structream_provider::{DecodeErrorKind, StreamEvent};

/// `ollama`: lines after the final `done: true` line were decoded, so text,
/// a second finish and a second usage event came after the usage event
/// that must end the stream. They are ignored now, as the chat decoder
/// ignores frames after `[DONE]`.
#[test]
fn ollama_lines_after_the_done_line_are_ignored() {
    let body = b"{\"message\":{\"content\":\"a\"},\"done\":false}\n\
        {\"message\":{\"content\":\"\"},\"done\":true,\"prompt_eval_count\":3,\"eval_count\":4}\n\
        {\"message\":{\"content\":\"[[[[[\"},\"done\":false}\n\
        {\"message\":{\"content\":\"\"},\"done\":true,\"eval_count\":9}\n";
    let events = decode_all(&mut OllamaDecoder::default(), body).unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(matches!(&events[0], StreamEvent::TextDelta { text, .. } if text == "a"));
    assert!(matches!(events[1], StreamEvent::Finish { .. }));
    assert!(matches!(&events[2], StreamEvent::Usage(u) if u.output_tokens == 4));
}

/// `ollama`: a tool call with an empty name was started with that empty
/// name, which the event contract rules out (Anthropic's decoder rejects
/// the same).
#[test]
fn ollama_tool_call_without_a_name_is_an_error() {
    let body = b"{\"message\":{\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"\",\"arguments\":{}}}]},\"done\":false}\n";
    let err = decode_all(&mut OllamaDecoder::default(), body).unwrap_err();
    assert!(
        matches!(err.kind(), DecodeErrorKind::UnexpectedShape { .. }),
        "{err}"
    );
    assert_eq!(err.offset(), 0);
}
