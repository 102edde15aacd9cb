//! Bugs found by tests outside this crate, as named regression tests.

use structream_provider::provider::{FrameHandler, Sink, SseStreamDecoder};
use structream_provider::sse::{SseConfig, SseEvent};
use structream_provider::{DecodeError, DecodeErrorKind, StreamDecoder};

/// A handler that never sees the protocol's end.
#[derive(Debug, Default)]
struct NeverEnds;

impl FrameHandler for NeverEnds {
    fn frame(&mut self, _: &SseEvent<'_>, _: &mut Sink<'_>) -> Result<(), DecodeError> {
        Ok(())
    }

    fn end(&mut self, position: u64, _: &mut Sink<'_>) -> Result<(), DecodeError> {
        Err(DecodeError::new(DecodeErrorKind::Incomplete, position))
    }
}

/// Found by `structream sse` on a stream cut before its end: the handler
/// was told the body ended at byte 0, because the SSE decoder had already
/// been reset by its own `finish` when its position was read.
#[test]
fn an_sse_stream_cut_short_is_incomplete_at_its_end_not_at_byte_0() {
    let body = b"data: {\"a\": 1}\n\n";
    for cut in [None, Some(5)] {
        let mut dec = SseStreamDecoder::new(NeverEnds, SseConfig::default());
        let mut sink = |_: structream_provider::StreamEvent<'_>| {};
        match cut {
            None => dec.feed(body, &mut sink).unwrap(),
            Some(c) => {
                dec.feed(&body[..c], &mut sink).unwrap();
                dec.feed(&body[c..], &mut sink).unwrap();
            }
        }
        let err = dec.finish(&mut sink).unwrap_err();
        assert_eq!(*err.kind(), DecodeErrorKind::Incomplete);
        assert_eq!(err.offset(), body.len() as u64);
    }
}
