//! A push decoder for newline-delimited JSON (Ollama's native `/api/chat`).
//!
//! Lines end with LF (a CR before it is dropped); blank lines are skipped.
//! A line that lies inside the current chunk is handed out borrowed; one
//! that spans chunks is assembled in a buffer bounded by
//! [`SseConfig::max_line_len`](crate::sse::SseConfig::max_line_len). The
//! last line may lack its LF: [`NdjsonDecoder::finish`] hands it out (a cut
//! line then fails to parse as JSON in the protocol layer).
//! The decoder only frames lines; it does not parse them.

use crate::error::{DecodeError, DecodeErrorKind, Failed};
use crate::sse::ByteSearch;

/// A push decoder for NDJSON lines.
///
/// ```
/// use structream_provider::ndjson::NdjsonDecoder;
///
/// let mut dec = NdjsonDecoder::new(16 << 20);
/// let mut lines = Vec::new();
/// for chunk in [&b"{\"a\":1}\n{\"b\""[..], b":2}\r\n\n{\"c\":3}"] {
///     dec.feed(chunk, |line, _offset| lines.push(line.to_vec())).unwrap();
/// }
/// dec.finish(|line, _| lines.push(line.to_vec())).unwrap();
/// assert_eq!(lines, [&b"{\"a\":1}"[..], b"{\"b\":2}", b"{\"c\":3}"]);
/// ```
#[derive(Debug)]
pub struct NdjsonDecoder {
    max_line_len: usize,
    /// Unfinished line carried over from earlier chunks.
    line: Vec<u8>,
    /// Bytes consumed before the current chunk.
    pos: u64,
    failed: Failed,
    /// The search for line ends.
    newlines: ByteSearch<b'\n', b'\n'>,
}

impl NdjsonDecoder {
    /// A decoder whose lines may be at most `max_line_len` bytes long.
    pub fn new(max_line_len: usize) -> Self {
        NdjsonDecoder {
            max_line_len,
            line: Vec::new(),
            pos: 0,
            failed: Failed::default(),
            newlines: ByteSearch::new(),
        }
    }

    /// Decodes a chunk, calling `on_line` with every complete non-blank line
    /// (without its line end) and the line's byte offset.
    pub fn feed<F>(&mut self, input: &[u8], mut on_line: F) -> Result<(), DecodeError>
    where
        F: FnMut(&[u8], u64),
    {
        self.failed.check()?;
        let r = self.feed_inner(input, &mut on_line);
        self.pos += input.len() as u64;
        self.failed.keep(r)
    }

    fn feed_inner<F>(&mut self, input: &[u8], on_line: &mut F) -> Result<(), DecodeError>
    where
        F: FnMut(&[u8], u64),
    {
        let mut i = 0;
        if !self.line.is_empty() {
            let start = self.pos - self.line.len() as u64;
            let Some(len) = self.newlines.find(input) else {
                if self.line.len() + input.len() > self.max_line_len {
                    return Err(self.too_long(start));
                }
                self.line.extend_from_slice(input);
                return Ok(());
            };
            if self.line.len() + len > self.max_line_len {
                return Err(self.too_long(start));
            }
            self.line.extend_from_slice(&input[..len]);
            emit(&self.line, start, on_line);
            self.line.clear();
            i = len + 1;
        }
        // From here on every line starts inside `input`: handed out
        // borrowed.
        while i < input.len() {
            let start = self.pos + i as u64;
            let Some(len) = self.newlines.find(&input[i..]) else {
                let rest = &input[i..];
                if rest.len() > self.max_line_len {
                    return Err(self.too_long(start));
                }
                self.line.extend_from_slice(rest);
                break;
            };
            if len > self.max_line_len {
                return Err(self.too_long(start));
            }
            emit(&input[i..i + len], start, on_line);
            i += len + 1;
        }
        Ok(())
    }

    /// Ends the input: hands out a last line that had no line end. The
    /// decoder is then ready for a new stream.
    pub fn finish<F>(&mut self, mut on_line: F) -> Result<(), DecodeError>
    where
        F: FnMut(&[u8], u64),
    {
        self.failed.check()?;
        if !self.line.is_empty() {
            let start = self.pos - self.line.len() as u64;
            emit(&self.line, start, &mut on_line);
        }
        *self = NdjsonDecoder::new(self.max_line_len);
        Ok(())
    }

    #[cold]
    fn too_long(&self, at: u64) -> DecodeError {
        DecodeError::new(
            DecodeErrorKind::LineTooLong {
                limit: self.max_line_len,
            },
            at,
        )
    }
}

fn emit<F: FnMut(&[u8], u64)>(line: &[u8], start: u64, on_line: &mut F) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    on_line(line, start);
}
