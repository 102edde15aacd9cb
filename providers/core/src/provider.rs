//! The provider trait and the stream decoder trait, plus the adapters that
//! turn an SSE or NDJSON frame handler into a stream decoder.

use std::fmt;

use crate::error::{DecodeError, DecodeErrorKind, Error, Failed};
use crate::event::StreamEvent;
use crate::ndjson::NdjsonDecoder;
use crate::request::{HttpRequest, Mode, StructuredRequest};
use crate::sse::{SseConfig, SseDecoder, SseEvent};

/// Where a decoder hands its events.
pub type Sink<'s> = dyn FnMut(StreamEvent<'_>) + 's;

/// Turns a response body, pushed in chunks of any size, into
/// [`StreamEvent`]s. No I/O, no async: the caller feeds bytes as they
/// arrive and calls [`StreamDecoder::finish`] at the end of the body.
///
/// Feeding the same bytes split differently gives the same events.
/// An empty feed does nothing. After an error the decoder stays failed.
pub trait StreamDecoder: Send + fmt::Debug {
    /// Decodes a chunk of the body.
    fn feed(&mut self, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), DecodeError>;

    /// Ends the body: dispatches what is pending (a last frame with no blank
    /// line after it, the usage totals) and reports a stream that ended
    /// early ([`DecodeError::is_eof`]).
    fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), DecodeError>;
}

impl<D: StreamDecoder + ?Sized> StreamDecoder for Box<D> {
    fn feed(&mut self, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        (**self).feed(bytes, sink)
    }

    fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        (**self).finish(sink)
    }
}

/// A wire protocol: builds the HTTP request of a structured call and
/// decodes the response stream.
pub trait Provider: fmt::Debug + Send + Sync {
    /// Short name (`openai-chat`, `anthropic` …), used in errors.
    fn name(&self) -> &'static str;

    /// The modes this provider supports; [`Provider::build_request`] fails
    /// with [`Error::UnsupportedMode`] for the others.
    fn modes(&self) -> &'static [Mode];

    /// The HTTP request for a structured, streamed call.
    fn build_request(&self, request: &StructuredRequest) -> Result<HttpRequest, Error>;

    /// A fresh decoder for one response body.
    fn decoder(&self) -> Box<dyn StreamDecoder>;
}

/// Conveniences over any [`Provider`].
pub trait ProviderExt: Provider {
    /// Whether `mode` is supported.
    fn supports(&self, mode: Mode) -> bool {
        self.modes().contains(&mode)
    }

    /// `Ok` when `mode` is supported, [`Error::UnsupportedMode`] otherwise.
    fn check_mode(&self, mode: Mode) -> Result<(), Error> {
        if self.supports(mode) {
            Ok(())
        } else {
            Err(Error::UnsupportedMode {
                provider: self.name(),
                mode,
            })
        }
    }

    /// Decodes a whole recorded body at once into owned events.
    fn decode_all(&self, body: &[u8]) -> Result<Vec<StreamEvent<'static>>, DecodeError> {
        decode_all(&mut *self.decoder(), body)
    }
}

impl<P: Provider + ?Sized> ProviderExt for P {}

/// Feeds `body` to `decoder` in one piece, then finishes, collecting owned
/// events. On error, returns the error (the events before it are dropped;
/// feed yourself to keep them).
pub fn decode_all(
    decoder: &mut dyn StreamDecoder,
    body: &[u8],
) -> Result<Vec<StreamEvent<'static>>, DecodeError> {
    let mut out = Vec::new();
    let mut sink = |e: StreamEvent<'_>| out.push(e.into_owned());
    decoder.feed(body, &mut sink)?;
    decoder.finish(&mut sink)?;
    Ok(out)
}

/// The protocol half of an SSE-based decoder: handles one frame at a time.
pub trait FrameHandler: Send + fmt::Debug {
    /// Handles one SSE frame.
    fn frame(&mut self, frame: &SseEvent<'_>, sink: &mut Sink<'_>) -> Result<(), DecodeError>;

    /// The body ended after `position` bytes: emit what is pending, and
    /// report [`DecodeErrorKind::Incomplete`]
    /// when the protocol's end was not seen.
    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError>;
}

/// A [`StreamDecoder`] made of the [`SseDecoder`] and a [`FrameHandler`].
#[derive(Debug)]
pub struct SseStreamDecoder<H> {
    sse: SseDecoder,
    handler: H,
    failed: Failed,
}

impl<H: FrameHandler> SseStreamDecoder<H> {
    /// Wraps a handler, with the given SSE limits.
    pub fn new(handler: H, config: SseConfig) -> Self {
        SseStreamDecoder {
            sse: SseDecoder::with_config(config),
            handler,
            failed: Failed::default(),
        }
    }

    /// The SSE decoder's callback: hands every frame to the handler until
    /// one fails, keeping that error in `failed`.
    #[inline(always)]
    fn on_frame<'a>(
        handler: &'a mut H,
        sink: &'a mut Sink<'_>,
        failed: &'a mut Option<DecodeError>,
    ) -> impl FnMut(SseEvent<'_>) + 'a {
        move |ev| {
            if failed.is_none()
                && let Err(e) = handler.frame(&ev, sink)
            {
                *failed = Some(e);
            }
        }
    }

    /// Ends the body: the last frame, then the handler's end.
    fn end(&mut self, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        // Read before `finish`, which resets the SSE decoder.
        let position = self.sse.position();
        let unframed = self.sse.unframed_error();
        let mut frame_err = None;
        let r = self
            .sse
            .finish(Self::on_frame(&mut self.handler, sink, &mut frame_err));
        // A frame's error comes first.
        let r = frame_err.map_or(r, Err);
        let truncated = matches!(&r, Err(e) if matches!(e.kind(), DecodeErrorKind::Truncated));
        if r.is_err() && !(truncated && unframed.is_some()) {
            return r;
        }
        let ended = self.handler.end(position, sink);
        let incomplete =
            matches!(&ended, Err(e) if matches!(e.kind(), DecodeErrorKind::Incomplete));
        let r = if truncated { r.and(ended) } else { ended };
        // A stream that ends without its protocol's end, or in a line that
        // is no field, but with an error written outside the frames ended
        // with that error.
        if (truncated || incomplete)
            && let Some(error) = unframed
        {
            sink(StreamEvent::Error(error));
            return Ok(());
        }
        r
    }
}

impl<H: FrameHandler + Default> Default for SseStreamDecoder<H> {
    /// A decoder with a default handler and the default limits.
    fn default() -> Self {
        SseStreamDecoder::new(H::default(), SseConfig::default())
    }
}

impl<H: FrameHandler> StreamDecoder for SseStreamDecoder<H> {
    fn feed(&mut self, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.failed.check()?;
        let mut frame_err = None;
        let r = self.sse.feed(
            bytes,
            Self::on_frame(&mut self.handler, sink, &mut frame_err),
        );
        if frame_err.is_none() && r.is_ok() {
            return Ok(());
        }
        // A frame's error comes first.
        self.failed.keep(frame_err.map_or(r, Err))
    }

    fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.failed.check()?;
        let r = self.end(sink);
        self.failed.keep(r)
    }
}

/// The protocol half of an NDJSON-based decoder: handles one line at a time.
pub trait LineHandler: Send + fmt::Debug {
    /// Handles one non-blank line starting at byte `offset`.
    fn line(&mut self, line: &[u8], offset: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError>;

    /// The body ended after `position` bytes; see [`FrameHandler::end`].
    fn end(&mut self, position: u64, sink: &mut Sink<'_>) -> Result<(), DecodeError>;
}

/// A [`StreamDecoder`] made of the [`NdjsonDecoder`] and a [`LineHandler`].
#[derive(Debug)]
pub struct NdjsonStreamDecoder<H> {
    lines: NdjsonDecoder,
    handler: H,
    pos: u64,
    failed: Failed,
}

impl<H: LineHandler> NdjsonStreamDecoder<H> {
    /// Wraps a handler; lines may be at most `max_line_len` bytes long.
    pub fn new(handler: H, max_line_len: usize) -> Self {
        NdjsonStreamDecoder {
            lines: NdjsonDecoder::new(max_line_len),
            handler,
            pos: 0,
            failed: Failed::default(),
        }
    }

    fn run(&mut self, bytes: &[u8], sink: &mut Sink<'_>, end: bool) -> Result<(), DecodeError> {
        self.failed.check()?;
        let handler = &mut self.handler;
        let mut line_err = None;
        let mut on_line = |line: &[u8], offset: u64| {
            if line_err.is_none()
                && let Err(e) = handler.line(line, offset, sink)
            {
                line_err = Some(e);
            }
        };
        let r = if end {
            self.lines.finish(&mut on_line)
        } else {
            self.lines.feed(bytes, &mut on_line)
        };
        self.pos += bytes.len() as u64;
        let mut r = match line_err {
            Some(e) => Err(e),
            None => r,
        };
        if end && r.is_ok() {
            r = self.handler.end(self.pos, sink);
        }
        self.failed.keep(r)
    }
}

impl<H: LineHandler + Default> Default for NdjsonStreamDecoder<H> {
    /// A decoder with a default handler and the default line limit.
    fn default() -> Self {
        NdjsonStreamDecoder::new(H::default(), SseConfig::default().max_line_len)
    }
}

impl<H: LineHandler> StreamDecoder for NdjsonStreamDecoder<H> {
    fn feed(&mut self, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.run(bytes, sink, false)
    }

    fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), DecodeError> {
        self.run(&[], sink, true)
    }
}

/// A frame after the event that ended the stream (a protocol's last
/// event or an error): ignored, unless it starts a second `what`
/// (`restarts`), which is an error of the frame at `at`.
pub fn after_end(restarts: bool, what: &str, at: u64) -> Result<(), DecodeError> {
    if restarts {
        return Err(DecodeError::shape(
            format!("a second {what} in one stream"),
            at,
        ));
    }
    Ok(())
}

/// Parses a frame's data as JSON into `T`, borrowing strings where they have
/// no escapes; an error carries the frame's offset.
pub fn parse_json<'a, T: serde::Deserialize<'a>>(
    data: &'a [u8],
    offset: u64,
) -> Result<T, DecodeError> {
    serde_json::from_slice(data).map_err(|e| DecodeError::invalid_json(&e, offset))
}
