//! A push decoder for newline-delimited JSON (Ollama's native `/api/chat`).
//!
//! Lines end with LF (a CR before it is dropped); blank lines are skipped.
//! A line that lies inside the current chunk is handed out borrowed; one
//! that spans chunks is assembled in a buffer bounded by
//! [`SseConfig::max_line_len`](crate::sse::SseConfig::max_line_len). The
//! last line may lack its LF: [`NdjsonDecoder::finish`] hands it out (a cut
//! line then fails to parse as JSON in the protocol layer).
//! The decoder only frames lines; it does not parse them.

use crate::error::{DecodeError, DecodeErrorKind};

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
    line: Vec<u8>,
    pos: u64,
    failed: Option<DecodeError>,
}

impl NdjsonDecoder {
    /// A decoder whose lines may be at most `max_line_len` bytes long.
    pub fn new(max_line_len: usize) -> Self {
        NdjsonDecoder {
            max_line_len,
            line: Vec::new(),
            pos: 0,
            failed: None,
        }
    }

    /// Decodes a chunk, calling `on_line` with every complete non-blank line
    /// (without its line end) and the line's byte offset.
    pub fn feed<F>(&mut self, input: &[u8], mut on_line: F) -> Result<(), DecodeError>
    where
        F: FnMut(&[u8], u64),
    {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut i = 0;
        while i < input.len() {
            let Some(off) = memchr::memchr(b'\n', &input[i..]) else {
                let rest = &input[i..];
                if self.line.len() + rest.len() > self.max_line_len {
                    return Err(self.fail(self.pos + i as u64 - self.line.len() as u64));
                }
                self.line.extend_from_slice(rest);
                break;
            };
            let end = i + off;
            let start = self.pos + i as u64 - self.line.len() as u64;
            if self.line.len() + off > self.max_line_len {
                return Err(self.fail(start));
            }
            if self.line.is_empty() {
                emit(&input[i..end], start, &mut on_line);
            } else {
                self.line.extend_from_slice(&input[i..end]);
                emit(&self.line, start, &mut on_line);
                self.line.clear();
            }
            i = end + 1;
        }
        self.pos += input.len() as u64;
        Ok(())
    }

    /// Ends the input: hands out a last line that had no line end. The
    /// decoder is then ready for a new stream.
    pub fn finish<F>(&mut self, mut on_line: F) -> Result<(), DecodeError>
    where
        F: FnMut(&[u8], u64),
    {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if !self.line.is_empty() {
            let start = self.pos - self.line.len() as u64;
            emit(&self.line, start, &mut on_line);
        }
        *self = NdjsonDecoder::new(self.max_line_len);
        Ok(())
    }

    #[cold]
    fn fail(&mut self, at: u64) -> DecodeError {
        let e = DecodeError::new(
            DecodeErrorKind::LineTooLong {
                limit: self.max_line_len,
            },
            at,
        );
        self.failed = Some(e.clone());
        e
    }
}

fn emit<F: FnMut(&[u8], u64)>(line: &[u8], start: u64, on_line: &mut F) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    on_line(line, start);
}
