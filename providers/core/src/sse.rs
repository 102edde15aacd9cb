//! A push decoder for `text/event-stream` bodies.
//!
//! # Design
//!
//! The decoder follows the WHATWG "interpret an event stream" rules. Bytes
//! arrive in chunks of any size, split anywhere; the decoder scans each chunk
//! once for the next CR or LF and interprets every complete line as it goes:
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
//! The common frame, `data: {...}` and a blank line, often one network read
//! each, takes one search and a few dozen instructions besides: the search
//! for the line end is built once per decoder (`ByteSearch`: `memchr`'s
//! vector code without its per-call setup; a run of under 16 bytes is read
//! byte by byte), a blank line is seen from its first byte without a search,
//! and a `data:` line is known from its first five bytes. The data of a
//! frame made of one `data:` line inside the current chunk, and its `event:`
//! name, are handed out borrowed from the chunk; they are copied into the
//! frame's buffers only when the chunk ends before the frame does, or when
//! a second data line arrives. So a caller that feeds whole frames or whole
//! bodies pays no copy. Only a line cut by the end of a chunk is assembled
//! in `line`.
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

use crate::error::{DecodeError, DecodeErrorKind, Failed, ProviderError};
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
    data_in: Option<Range<usize>>,
    /// Whether the frame has any `data:` line.
    has_data: bool,
    /// The `event:` value, copied.
    event: Vec<u8>,
    /// The `event:` value, still inside the current chunk (it wins over
    /// `event` while set).
    event_in: Option<Range<usize>>,
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

impl Frame {
    /// The chunk `input` goes away: the values still borrowed from it are
    /// copied.
    #[inline(always)]
    fn release(&mut self, input: &[u8]) {
        if let Some(r) = self.data_in.take() {
            self.data.extend_from_slice(&input[r]);
        }
        if let Some(r) = self.event_in.take() {
            self.event.clear();
            self.event.extend_from_slice(&input[r]);
        }
    }
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
    failed: Failed,
    /// The search for line ends.
    ends: LineEnds,
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
            failed: Failed::default(),
            ends: LineEnds::new(),
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
        self.failed.check()?;
        let result = self.feed_inner(input, &mut on_event);
        self.pos += input.len() as u64;
        self.failed.keep(result)
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
        if !self.line.is_empty() {
            match self.carried_line(input, i, on_event)? {
                Some(next) => i = next,
                None => return Ok(()),
            }
        }
        self.lines(input, i, on_event)?;
        // The chunk goes away: what is still borrowed from it is copied.
        self.frame.release(input);
        Ok(())
    }

    /// Interprets the lines that start in `input` at or after `i` (no line
    /// is carried over), keeping an unfinished last one.
    #[inline(always)]
    fn lines<F>(&mut self, input: &[u8], mut i: usize, on_event: &mut F) -> Result<(), DecodeError>
    where
        F: FnMut(SseEvent<'_>),
    {
        while let Some(&first) = input.get(i) {
            // A blank line, the end of most frames: no search needed.
            if first == b'\n' || first == b'\r' {
                dispatch(&mut self.frame, input, on_event);
                i = self.after_line_end(input, i);
                continue;
            }
            let line_start = self.pos + i as u64;
            let Some(len) = self.ends.find(&input[i..]) else {
                let rest = &input[i..];
                if rest.len() > self.config.max_line_len {
                    return Err(self.line_too_long(line_start));
                }
                self.line.reserve(rest.len().max(64));
                self.line.extend_from_slice(rest);
                return Ok(());
            };
            if len > self.config.max_line_len {
                return Err(self.line_too_long(line_start));
            }
            let end = i + len;
            process_line(
                &mut self.frame,
                &self.config,
                &input[i..end],
                Some(i),
                input,
                line_start,
                on_event,
            )?;
            i = self.after_line_end(input, end);
        }
        Ok(())
    }

    /// Completes the line carried over from earlier chunks with the bytes
    /// of `input` from `i`: where the next line starts, or `None` when the
    /// line goes on past the chunk.
    fn carried_line<F>(
        &mut self,
        input: &[u8],
        i: usize,
        on_event: &mut F,
    ) -> Result<Option<usize>, DecodeError>
    where
        F: FnMut(SseEvent<'_>),
    {
        let rest = &input[i..];
        let line_start = self.pos + i as u64 - self.line.len() as u64;
        let Some(len) = self.ends.find(rest) else {
            if self.line.len() + rest.len() > self.config.max_line_len {
                return Err(self.line_too_long(line_start));
            }
            self.line.extend_from_slice(rest);
            return Ok(None);
        };
        if self.line.len() + len > self.config.max_line_len {
            return Err(self.line_too_long(line_start));
        }
        self.line.extend_from_slice(&rest[..len]);
        let line = std::mem::take(&mut self.line);
        let r = process_line(
            &mut self.frame,
            &self.config,
            &line,
            None,
            input,
            line_start,
            on_event,
        );
        self.line = line;
        self.line.clear();
        r?;
        Ok(Some(self.after_line_end(input, i + len)))
    }

    /// Where the line after the line end at `input[end]` starts: past an
    /// LF that follows a CR, or, when the chunk ends in a CR, with the LF
    /// that may start the next chunk to skip.
    #[inline(always)]
    fn after_line_end(&mut self, input: &[u8], end: usize) -> usize {
        let next = end + 1;
        if input[end] == b'\r' {
            match input.get(next) {
                Some(b'\n') => return next + 1,
                Some(_) => {}
                None => self.after_cr = true,
            }
        }
        next
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
        self.failed.check()?;
        if self.bom != BOM_DONE && self.bom > 0 {
            self.line.extend_from_slice(&BOM[..self.bom as usize]);
        }
        if !self.line.is_empty() {
            let at = self.pos - self.line.len() as u64;
            let err = DecodeError::new(DecodeErrorKind::Truncated, at);
            return self.failed.keep(Err(err));
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

/// A search for the first `A` or `B` byte (CR or LF for the SSE line ends),
/// built once per decoder: `memchr::memchr2` checks the CPU and broadcasts
/// its needles into vectors at every call, a few dozen instructions a line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ByteSearch<const A: u8, const B: u8> {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Two>,
}

impl<const A: u8, const B: u8> ByteSearch<A, B> {
    /// The search, with the fastest code the CPU runs.
    pub(crate) fn new() -> Self {
        ByteSearch {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Two::new(A, B),
        }
    }

    /// Where the first `A` or `B` is in `bytes`. A short run of bytes (a
    /// small network read, the rest of a cut line) is read byte by byte,
    /// cheaper than setting up a vector search.
    #[inline(always)]
    pub(crate) fn find(&self, bytes: &[u8]) -> Option<usize> {
        if bytes.len() < 16 {
            return bytes.iter().position(|&c| c == A || c == B);
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = &self.avx2 {
            return avx2.find(bytes);
        }
        memchr::memchr2(A, B, bytes)
    }
}

/// The search for SSE line ends.
type LineEnds = ByteSearch<b'\n', b'\r'>;

/// The fields the decoder uses, and all others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Data,
    Event,
    Id,
    Retry,
    Other,
}

/// The field of a line that is no comment, and where its value starts: the
/// name runs to the first colon (or the whole line), one space after the
/// colon is dropped.
#[inline(always)]
fn field(line: &[u8]) -> (Field, usize) {
    // Most lines of a stream.
    if line.starts_with(b"data:") {
        return (Field::Data, 5 + usize::from(line.get(5) == Some(&b' ')));
    }
    // A name the decoder uses has at most five bytes: the colon, if any,
    // is past them in every other line.
    let head = &line[..line.len().min(6)];
    let (name, value_at) = match head.iter().position(|&b| b == b':') {
        Some(c) => (
            &line[..c],
            c + 1 + usize::from(line.get(c + 1) == Some(&b' ')),
        ),
        None => (head, line.len()),
    };
    let field = match name {
        b"data" => Field::Data,
        b"event" => Field::Event,
        b"id" => Field::Id,
        b"retry" => Field::Retry,
        _ => Field::Other,
    };
    (field, value_at)
}

/// Interprets one complete line: `line` is `input[base..]` when it lies
/// inside the current chunk (`base` is `Some`), else the carried-over
/// buffer.
#[inline(always)]
fn process_line<F>(
    frame: &mut Frame,
    config: &SseConfig,
    line: &[u8],
    base: Option<usize>,
    input: &[u8],
    line_start: u64,
    on_event: &mut F,
) -> Result<(), DecodeError>
where
    F: FnMut(SseEvent<'_>),
{
    let Some(&first) = line.first() else {
        dispatch(frame, input, on_event);
        return Ok(());
    };
    if first == b':' {
        return Ok(());
    }
    frame.start.get_or_insert(line_start);
    let (field, value_at) = field(line);
    let value = &line[value_at..];
    let value_in = base.map(|b| b + value_at..b + line.len());
    match field {
        Field::Data => data_line(frame, config, value, value_in, input, line_start),
        _ => {
            other_line(frame, field, line, value, value_in);
            Ok(())
        }
    }
}

/// A `data:` line with `value`, which is `input[range]` when `value_in`
/// is `Some`.
#[inline(always)]
fn data_line(
    frame: &mut Frame,
    config: &SseConfig,
    value: &[u8],
    value_in: Option<Range<usize>>,
    input: &[u8],
    line_start: u64,
) -> Result<(), DecodeError> {
    if !frame.has_data {
        // The frame's first data line: nothing is held yet.
        if value.len() > config.max_event_len {
            return Err(event_too_long(config, line_start));
        }
        frame.has_data = true;
        match value_in {
            Some(r) => frame.data_in = Some(r),
            None => frame.data.extend_from_slice(value),
        }
        return Ok(());
    }
    let held = frame.data.len() + frame.data_in.as_ref().map_or(0, Range::len);
    if held + 1 + value.len() > config.max_event_len {
        return Err(event_too_long(config, line_start));
    }
    if let Some(r) = frame.data_in.take() {
        frame.data.extend_from_slice(&input[r]);
    }
    frame.data.push(b'\n');
    frame.data.extend_from_slice(value);
    Ok(())
}

#[cold]
fn event_too_long(config: &SseConfig, at: u64) -> DecodeError {
    DecodeError::new(
        DecodeErrorKind::EventTooLong {
            limit: config.max_event_len,
        },
        at,
    )
}

/// A line of any field but `data`.
#[inline(never)]
fn other_line(
    frame: &mut Frame,
    field: Field,
    line: &[u8],
    value: &[u8],
    value_in: Option<Range<usize>>,
) {
    match field {
        Field::Event => {
            frame.event_in = value_in;
            if frame.event_in.is_none() {
                frame.event.clear();
                frame.event.extend_from_slice(value);
            }
            frame.has_event = true;
        }
        // An id with a NUL is ignored.
        Field::Id if memchr::memchr(0, value).is_none() => {
            frame.id.clear();
            frame.id.extend_from_slice(value);
            frame.has_id = true;
        }
        // A retry that is not all digits is ignored.
        Field::Retry if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
            // Saturate absurdly long digit runs instead of failing.
            let ms = value.iter().fold(0u64, |acc, d| {
                acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            });
            frame.retry = Some(ms);
        }
        _ => frame.unframed.push(line),
    }
}

/// Whether `line` is a comment or a field the decoder uses.
fn is_field(line: &[u8]) -> bool {
    line.first() == Some(&b':') || field(line).0 != Field::Other
}

#[inline(always)]
fn dispatch<F>(frame: &mut Frame, input: &[u8], on_event: &mut F)
where
    F: FnMut(SseEvent<'_>),
{
    if frame.has_data {
        frame.unframed.clear();
        let data = match &frame.data_in {
            Some(r) => &input[r.clone()],
            None => &frame.data[..],
        };
        let event = match &frame.event_in {
            Some(r) => &input[r.clone()],
            None => &frame.event[..],
        };
        on_event(SseEvent {
            event: frame.has_event.then_some(event),
            data,
            id: frame.has_id.then_some(&frame.id[..]),
            retry: frame.retry,
            offset: frame.start.unwrap_or(0),
        });
    }
    frame.data.clear();
    frame.data_in = None;
    frame.has_data = false;
    frame.event.clear();
    frame.event_in = None;
    frame.has_event = false;
    frame.retry = None;
    frame.start = None;
}
