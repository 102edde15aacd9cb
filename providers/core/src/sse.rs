//! A push decoder for `text/event-stream` bodies.
//!
//! # Design
//!
//! The decoder follows the WHATWG "interpret an event stream" rules. Bytes
//! arrive in chunks of any size, split anywhere; the decoder scans each chunk
//! once with `memchr` for the next CR or LF and interprets every complete
//! line as it goes:
//!
//! * a line that starts with `:` is a comment (keep-alive) and is ignored;
//! * `field:value` (one optional space after the colon is dropped) sets
//!   `event`, appends to `data` (lines joined with `\n`), sets `id` (unless
//!   it contains NUL) or `retry` (digits only); other fields are ignored;
//! * an empty line dispatches the frame, if it has data.
//!
//! State carried between chunks is the tail of an unfinished line
//! (`line`), the frame being assembled (`frame`), whether the previous chunk
//! ended in CR (so an LF that starts the next chunk is the same line end),
//! and how much of a leading byte-order mark has been seen.
//!
//! The data of a frame made of one `data:` line that lies inside the current
//! chunk is handed out borrowed from the chunk; it is copied into the frame
//! buffer only when the chunk ends before the frame does, or when a second
//! data line arrives. So a caller that feeds whole bodies pays no copy.
//!
//! Limits bound memory: an unfinished line longer than
//! [`SseConfig::max_line_len`] or frame data longer than
//! [`SseConfig::max_event_len`] is an error, never unbounded growth.
//!
//! Lines that are no field the decoder uses (a non-standard `error:` line,
//! the lines of a JSON error object written after the last frame) are kept
//! since the last data frame, up to a limit, so that a stream that ends
//! with one can report the provider's error ([`SseDecoder::unframed_error`],
//! see [`crate::unframed`]).
//!
//! After an error the decoder stays failed: every later call returns the
//! same error.

use std::borrow::Cow;
use std::ops::Range;

use crate::error::{DecodeError, DecodeErrorKind, ProviderError};
use crate::unframed::Unframed;

/// Limits of a [`SseDecoder`] (and of the NDJSON decoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseConfig {
    /// Longest line, in bytes, without its line end (default 16 MiB).
    pub max_line_len: usize,
    /// Longest event data, in bytes, all `data:` lines of one frame together
    /// (default 32 MiB).
    pub max_event_len: usize,
}

impl Default for SseConfig {
    fn default() -> Self {
        SseConfig {
            max_line_len: 16 << 20,
            max_event_len: 32 << 20,
        }
    }
}

impl SseConfig {
    /// Sets [`SseConfig::max_line_len`].
    pub fn max_line_len(mut self, bytes: usize) -> Self {
        self.max_line_len = bytes;
        self
    }

    /// Sets [`SseConfig::max_event_len`].
    pub fn max_event_len(mut self, bytes: usize) -> Self {
        self.max_event_len = bytes;
        self
    }
}

/// One dispatched server-sent event, borrowed from the input chunk or from
/// the decoder's buffers. Call [`SseEvent::into_owned`] to keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEvent<'a> {
    event: Option<&'a [u8]>,
    data: &'a [u8],
    id: Option<&'a [u8]>,
    retry: Option<u64>,
    offset: u64,
}

impl<'a> SseEvent<'a> {
    /// The `event:` field of the frame, or `None` when it had none (an
    /// EventSource calls that type `message`). Invalid UTF-8 is replaced.
    pub fn event(&self) -> Option<Cow<'a, str>> {
        self.event.map(String::from_utf8_lossy)
    }

    /// The raw bytes of the `event:` field.
    pub fn event_bytes(&self) -> Option<&'a [u8]> {
        self.event
    }

    /// The data: every `data:` line of the frame joined with `\n`.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The data as text (invalid UTF-8 replaced by U+FFFD).
    pub fn data_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.data)
    }

    /// The last event ID set by an `id:` field in this frame or an earlier
    /// one (IDs persist across frames, as in an EventSource).
    pub fn id(&self) -> Option<Cow<'a, str>> {
        self.id.map(String::from_utf8_lossy)
    }

    /// The `retry:` value of this frame, in milliseconds.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Byte offset in the stream of the first line of this frame.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// An owned copy (the same name as [`StreamEvent::into_owned`](crate::StreamEvent::into_owned)).
    pub fn into_owned(self) -> OwnedSseEvent {
        OwnedSseEvent {
            event: self.event().map(Cow::into_owned),
            data: self.data.to_vec(),
            id: self.id().map(Cow::into_owned),
            retry: self.retry,
            offset: self.offset,
        }
    }
}

/// An owned [`SseEvent`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OwnedSseEvent {
    /// The `event:` field, if any.
    pub event: Option<String>,
    /// The data lines joined with `\n`.
    pub data: Vec<u8>,
    /// The last event ID.
    pub id: Option<String>,
    /// The `retry:` value of this frame.
    pub retry: Option<u64>,
    /// Byte offset of the frame's first line.
    pub offset: u64,
}

/// The frame being assembled.
#[derive(Debug, Default)]
struct Frame {
    /// Data copied so far (lines joined with `\n`).
    data: Vec<u8>,
    /// Data of the frame's only data line, still inside the current chunk.
    borrowed: Option<Range<usize>>,
    /// Whether the frame has any `data:` line.
    has_data: bool,
    event: Vec<u8>,
    has_event: bool,
    /// Last event ID (persists across frames).
    id: Vec<u8>,
    has_id: bool,
    retry: Option<u64>,
    /// Offset of the frame's first line, if a line of it has been seen.
    start: Option<u64>,
    /// Lines that are no field, since the last data frame.
    unframed: Unframed,
}

/// A push decoder for server-sent events; see the module documentation.
///
/// ```
/// use structream_provider::sse::SseDecoder;
///
/// let mut dec = SseDecoder::new();
/// let mut seen = Vec::new();
/// for chunk in [&b"event: ping\nda"[..], b"ta: {}\n\ndata:a\r\ndata:b\r\n\r\n"] {
///     dec.feed(chunk, |ev| seen.push((ev.event().map(|e| e.into_owned()), ev.data_str().into_owned())))
///         .unwrap();
/// }
/// dec.finish(|_| unreachable!()).unwrap();
/// assert_eq!(seen, [(Some("ping".into()), "{}".into()), (None, "a\nb".into())]);
/// ```
#[derive(Debug)]
pub struct SseDecoder {
    config: SseConfig,
    /// Unfinished line carried over from earlier chunks.
    line: Vec<u8>,
    frame: Frame,
    /// The previous chunk ended with CR: an LF starting this one belongs to it.
    after_cr: bool,
    /// Bytes of a leading BOM matched so far; `BOM_DONE` once decided.
    bom: u8,
    /// Bytes consumed before the current chunk.
    pos: u64,
    failed: Option<DecodeError>,
}

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";
const BOM_DONE: u8 = 0xFF;

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl SseDecoder {
    /// A decoder with the default [`SseConfig`].
    pub fn new() -> Self {
        Self::with_config(SseConfig::default())
    }

    /// A decoder with the given limits.
    pub fn with_config(config: SseConfig) -> Self {
        SseDecoder {
            config,
            line: Vec::new(),
            frame: Frame {
                unframed: Unframed::new(config.max_line_len),
                ..Frame::default()
            },
            after_cr: false,
            bom: 0,
            pos: 0,
            failed: None,
        }
    }

    /// Bytes fed so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Decodes a chunk, calling `on_event` for every frame it completes.
    /// An empty chunk does nothing.
    pub fn feed<F>(&mut self, input: &[u8], mut on_event: F) -> Result<(), DecodeError>
    where
        F: FnMut(SseEvent<'_>),
    {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let result = self.feed_inner(input, &mut on_event);
        self.pos += input.len() as u64;
        if let Err(err) = &result {
            self.failed = Some(err.clone());
        }
        result
    }

    fn feed_inner<F>(&mut self, input: &[u8], on_event: &mut F) -> Result<(), DecodeError>
    where
        F: FnMut(SseEvent<'_>),
    {
        let mut i = 0;
        if self.bom != BOM_DONE {
            i = self.skip_bom(input);
            if self.bom != BOM_DONE {
                return Ok(());
            }
        }
        if self.after_cr && i < input.len() {
            self.after_cr = false;
            if input[i] == b'\n' {
                i += 1;
            }
        }
        while i < input.len() {
            let Some(off) = memchr::memchr2(b'\n', b'\r', &input[i..]) else {
                let rest = &input[i..];
                if self.line.len() + rest.len() > self.config.max_line_len {
                    let start = self.pos + i as u64 - self.line.len() as u64;
                    return Err(self.line_too_long(start));
                }
                if self.line.is_empty() {
                    self.line.reserve(rest.len().max(64));
                }
                self.line.extend_from_slice(rest);
                break;
            };
            let end = i + off;
            let line_start = self.pos + i as u64 - self.line.len() as u64;
            if self.line.is_empty() {
                if off > self.config.max_line_len {
                    return Err(self.line_too_long(line_start));
                }
                process_line(
                    &mut self.frame,
                    &self.config,
                    LineRef::Input(i..end),
                    input,
                    line_start,
                    on_event,
                )?;
            } else {
                if self.line.len() + off > self.config.max_line_len {
                    return Err(self.line_too_long(line_start));
                }
                self.line.extend_from_slice(&input[i..end]);
                let line = std::mem::take(&mut self.line);
                let r = process_line(
                    &mut self.frame,
                    &self.config,
                    LineRef::Owned(&line),
                    input,
                    line_start,
                    on_event,
                );
                self.line = line;
                self.line.clear();
                r?;
            }
            i = end + 1;
            if input[end] == b'\r' {
                if i < input.len() {
                    if input[i] == b'\n' {
                        i += 1;
                    }
                } else {
                    self.after_cr = true;
                }
            }
        }
        // The chunk goes away: data still borrowed from it must be copied.
        if let Some(r) = self.frame.borrowed.take() {
            self.frame.data.extend_from_slice(&input[r]);
        }
        Ok(())
    }

    /// Consumes the bytes of a leading BOM; returns where the stream's own
    /// bytes start in `input`.
    fn skip_bom(&mut self, input: &[u8]) -> usize {
        let mut i = 0;
        while self.bom < 3 {
            let Some(&b) = input.get(i) else { return i };
            if b == BOM[self.bom as usize] {
                self.bom += 1;
                i += 1;
            } else {
                // Not a BOM: the bytes matched so far are line content.
                self.line.extend_from_slice(&BOM[..self.bom as usize]);
                self.bom = BOM_DONE;
                return i;
            }
        }
        self.bom = BOM_DONE;
        i
    }

    #[cold]
    fn line_too_long(&self, at: u64) -> DecodeError {
        DecodeError::new(
            DecodeErrorKind::LineTooLong {
                limit: self.config.max_line_len,
            },
            at,
        )
    }

    /// Ends the input. A frame whose last line was complete but that had no
    /// blank line after it is dispatched; an unfinished line is an error of
    /// kind [`DecodeErrorKind::Truncated`]. The decoder is then reset.
    pub fn finish<F>(&mut self, mut on_event: F) -> Result<(), DecodeError>
    where
        F: FnMut(SseEvent<'_>),
    {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        if self.bom != BOM_DONE && self.bom > 0 {
            self.line.extend_from_slice(&BOM[..self.bom as usize]);
        }
        if !self.line.is_empty() {
            let at = self.pos - self.line.len() as u64;
            let err = DecodeError::new(DecodeErrorKind::Truncated, at);
            self.failed = Some(err.clone());
            return Err(err);
        }
        dispatch(&mut self.frame, &[], &mut on_event);
        self.reset();
        Ok(())
    }

    /// The provider error written outside the frames since the last data
    /// frame (see [`crate::unframed`]), counting an unfinished last line:
    /// what a stream that ends without its protocol's end may still say.
    pub fn unframed_error(&self) -> Option<ProviderError> {
        let tail = (!is_field(&self.line)).then_some(&self.line[..]);
        self.frame.unframed.error(tail)
    }

    /// Forgets all state, ready for a new stream with the same limits.
    pub fn reset(&mut self) {
        *self = Self::with_config(self.config);
    }
}

enum LineRef<'l> {
    /// The line is `input[range]`.
    Input(Range<usize>),
    /// The line was assembled from several chunks.
    Owned(&'l [u8]),
}

#[inline]
fn process_line<F>(
    frame: &mut Frame,
    config: &SseConfig,
    line_ref: LineRef<'_>,
    input: &[u8],
    line_start: u64,
    on_event: &mut F,
) -> Result<(), DecodeError>
where
    F: FnMut(SseEvent<'_>),
{
    let (line, base) = match &line_ref {
        LineRef::Input(r) => (&input[r.clone()], Some(r.start)),
        LineRef::Owned(l) => (*l, None),
    };
    if line.is_empty() {
        dispatch(frame, input, on_event);
        return Ok(());
    }
    if line[0] == b':' {
        return Ok(());
    }
    if frame.start.is_none() {
        frame.start = Some(line_start);
    }
    let (name, value_at) = match memchr::memchr(b':', line) {
        Some(c) => {
            let v = if line.get(c + 1) == Some(&b' ') {
                c + 2
            } else {
                c + 1
            };
            (&line[..c], v)
        }
        None => (line, line.len()),
    };
    let value = &line[value_at..];
    match name {
        b"data" => {
            let new_len = data_len(frame) + usize::from(frame.has_data) + value.len();
            if new_len > config.max_event_len {
                return Err(DecodeError::new(
                    DecodeErrorKind::EventTooLong {
                        limit: config.max_event_len,
                    },
                    line_start,
                ));
            }
            if !frame.has_data {
                frame.has_data = true;
                match base {
                    Some(b) => frame.borrowed = Some(b + value_at..b + line.len()),
                    None => frame.data.extend_from_slice(value),
                }
            } else {
                if let Some(r) = frame.borrowed.take() {
                    frame.data.extend_from_slice(&input[r]);
                }
                frame.data.push(b'\n');
                frame.data.extend_from_slice(value);
            }
        }
        b"event" => {
            frame.event.clear();
            frame.event.extend_from_slice(value);
            frame.has_event = true;
        }
        // An id with a NUL is ignored.
        b"id" if memchr::memchr(0, value).is_none() => {
            frame.id.clear();
            frame.id.extend_from_slice(value);
            frame.has_id = true;
        }
        // A retry that is not all digits is ignored.
        b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
            // Saturate absurdly long digit runs instead of failing.
            let ms = value.iter().fold(0u64, |acc, d| {
                acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            });
            frame.retry = Some(ms);
        }
        _ => frame.unframed.push(line),
    }
    Ok(())
}

/// Whether `line` is a comment or a field the decoder uses.
fn is_field(line: &[u8]) -> bool {
    let name = match memchr::memchr(b':', line) {
        Some(c) => &line[..c],
        None => line,
    };
    line.first() == Some(&b':') || matches!(name, b"data" | b"event" | b"id" | b"retry")
}

fn data_len(frame: &Frame) -> usize {
    frame.data.len() + frame.borrowed.as_ref().map_or(0, Range::len)
}

fn dispatch<F>(frame: &mut Frame, input: &[u8], on_event: &mut F)
where
    F: FnMut(SseEvent<'_>),
{
    if frame.has_data {
        frame.unframed.clear();
        let data = match &frame.borrowed {
            Some(r) => &input[r.clone()],
            None => &frame.data[..],
        };
        on_event(SseEvent {
            event: frame.has_event.then_some(&frame.event[..]),
            data,
            id: frame.has_id.then_some(&frame.id[..]),
            retry: frame.retry,
            offset: frame.start.unwrap_or(0),
        });
    }
    frame.data.clear();
    frame.borrowed = None;
    frame.has_data = false;
    frame.event.clear();
    frame.has_event = false;
    frame.retry = None;
    frame.start = None;
}
