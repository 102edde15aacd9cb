//! Errors a server writes outside the event stream's frames: a
//! non-standard `error:` field line, an unframed (pretty-printed) JSON error
//! object after the frames, or a plain JSON error body in place of the
//! stream. Each is reported as the provider's error with its whole message,
//! whatever the chunking.
//!
//! The streams are a recorded one (`plain_text_stream.sse`) cut before its
//! end, with the error shapes written after it; the error bodies are the
//! documented OpenAI error object (no recording holds these shapes).

use structream_openai::{ChatDecoder, ResponsesDecoder};
use structream_provider::conformance::{self, Decoded, Transcript};
use structream_provider::{DecodeErrorKind, StreamDecoder};

const MESSAGE: &str = "This model's maximum context length is 128000 tokens. However, your \
                       messages resulted in 130412 tokens. Please reduce the length of the messages.";

fn chat() -> Box<dyn StreamDecoder> {
    Box::new(ChatDecoder::default())
}

/// The recorded stream up to (not including) its last two frames: text
/// deltas, no finish, no `[DONE]`.
fn cut_stream() -> Vec<u8> {
    let path = conformance::corpus_dir().join("openai-chat/pydantic-ai/plain_text_stream.sse");
    let body = std::fs::read(path).unwrap();
    let frames: Vec<&[u8]> = body
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"data: {"))
        .collect();
    assert!(frames.len() > 4);
    let mut out = Vec::new();
    for f in &frames[..frames.len() - 2] {
        out.extend_from_slice(f);
        out.extend_from_slice(b"\n");
    }
    out
}

fn pretty_error() -> String {
    format!(
        "{{\n  \"error\": {{\n    \"message\": \"{MESSAGE}\",\n    \"type\": \
         \"invalid_request_error\",\n    \"param\": \"messages\",\n    \"code\": \
         \"context_length_exceeded\"\n  }}\n}}"
    )
}

fn decode(name: &str, body: &[u8]) -> Decoded {
    conformance::check_decoding(name, &chat, body, 3_000)
}

fn assert_context_error(name: &str, d: &Decoded) {
    assert!(d.end.is_ok(), "{name}: {:?}", d.end);
    let t = Transcript::new(&d.events);
    assert_eq!(t.errors.len(), 1, "{name}: {:?}", t.errors);
    let e = &t.errors[0];
    assert_eq!(e.message, MESSAGE, "{name}");
    assert_eq!(e.kind.as_deref(), Some("invalid_request_error"), "{name}");
    assert_eq!(e.code.as_deref(), Some("context_length_exceeded"), "{name}");
}

#[test]
fn an_error_field_line_after_the_frames() {
    let mut body = cut_stream();
    let line = format!(
        "error: {{\"message\": \"{MESSAGE}\", \"type\": \"invalid_request_error\", \
         \"code\": \"context_length_exceeded\"}}\n\n"
    );
    body.extend_from_slice(line.as_bytes());
    let d = decode("error line", &body);
    assert_context_error("error line", &d);
    // The text before it came through.
    assert!(!Transcript::new(&d.events).text[&0].is_empty());
}

#[test]
fn a_pretty_printed_error_object_after_the_frames() {
    for ending in ["\n", "", "\r\n\r\n"] {
        let mut body = cut_stream();
        body.extend_from_slice(pretty_error().as_bytes());
        body.extend_from_slice(ending.as_bytes());
        let d = decode("pretty error", &body);
        assert_context_error(&format!("pretty error ending {ending:?}"), &d);
    }
}

#[test]
fn a_plain_json_error_body_instead_of_a_stream() {
    for body in [
        pretty_error(),
        pretty_error().replace('\n', ""),
        format!("{}\n", pretty_error().replace('\n', "")),
    ] {
        let d = decode("error body", body.as_bytes());
        assert!(
            d.events.len() == 1,
            "{body}: only the error: {:?}",
            d.events
        );
        assert_context_error("error body", &d);
        // The Responses decoder reads it the same way.
        let d = conformance::check_decoding(
            "responses error body",
            &|| Box::new(ResponsesDecoder::default()),
            body.as_bytes(),
            0,
        );
        assert_context_error("responses error body", &d);
    }
}

#[test]
fn what_is_no_error_still_ends_incomplete_or_truncated() {
    // Unframed JSON that is no error.
    let mut body = cut_stream();
    body.extend_from_slice(b"{\"id\": \"x\", \"note\": \"not an error\"}\n");
    let d = decode("no error", &body);
    assert_eq!(d.end.unwrap_err().kind(), &DecodeErrorKind::Incomplete);
    // An error object followed by more frames was not the end of the stream.
    let mut body = pretty_error().into_bytes();
    body.extend_from_slice(b"\n\n");
    body.extend_from_slice(&cut_stream());
    let d = decode("error then frames", &body);
    assert_eq!(d.end.unwrap_err().kind(), &DecodeErrorKind::Incomplete);
    assert!(Transcript::new(&d.events).errors.is_empty());
    // A body cut in the middle of the error object.
    let mut body = cut_stream();
    let pretty = pretty_error();
    body.extend_from_slice(&pretty.as_bytes()[..pretty.len() / 2]);
    let d = decode("cut error", &body);
    assert!(d.end.unwrap_err().is_eof());
    // A recorded stream that ends normally is unchanged.
    let path = conformance::corpus_dir().join("openai-chat/pydantic-ai/plain_text_stream.sse");
    let d = decode("whole", &std::fs::read(path).unwrap());
    d.end.unwrap();
    assert!(Transcript::new(&d.events).errors.is_empty());
}
