//! `structream batch results --from-file`: a results file decoded in one
//! streaming pass, its lines shared out to one worker per core in chunks
//! of whole lines, the output kept in the file's order. Memory holds a few
//! chunks at a time, whatever the file's size.

use std::io::{self, Read, Write};

use serde_json::{Value, json};
use structream::Client;
use structream::batch::{BatchResult, Format, MAX_LINE, ResultError, ResultsDecoder};

use crate::extract::Stop;

/// Bytes of whole lines a worker decodes at a time, by default.
pub(crate) const CHUNK: usize = 4 << 20;

/// Counts of the printed results, for the exit code.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) provider: u64,
    pub(crate) invalid: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.provider += other.provider;
        self.invalid += other.invalid;
    }
}

/// Decodes `input` and prints one NDJSON line per result on `out`.
pub(crate) fn decode_file(
    input: &mut dyn Read,
    client: &Client,
    format: Format,
    schema: &Value,
    out: &mut impl Write,
    tally: &mut Tally,
    chunk_bytes: usize,
) -> Result<(), Stop> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut reader = Chunks {
        input,
        carry: Vec::new(),
        eof: false,
        size: chunk_bytes.max(1),
    };
    let mut next_line = 1u64;
    // Buffers of the chunks and of their output, kept from round to round.
    let mut spare_chunks: Vec<Vec<u8>> = Vec::new();
    let mut spare_outputs: Vec<Vec<u8>> = Vec::new();
    while !reader.eof {
        // A chunk of whole lines per worker (the last may end without a
        // newline), up to a line too long to hold.
        let mut chunks = Vec::with_capacity(workers);
        let mut long = false;
        while chunks.len() < workers && !reader.eof && !long {
            let chunk;
            (chunk, long) = reader.next(spare_chunks.pop().unwrap_or_default())?;
            if chunk.is_empty() {
                spare_chunks.push(chunk);
            } else {
                let first = next_line;
                next_line += memchr::memchr_iter(b'\n', &chunk).count() as u64;
                let output = spare_outputs.pop().unwrap_or_default();
                chunks.push((first, chunk, output));
            }
        }
        let decoded: Vec<(Vec<u8>, Tally)> = std::thread::scope(|scope| {
            let mut work = chunks.iter_mut();
            let mine = work.next();
            let handles: Vec<_> = work
                .map(|(first, chunk, output)| {
                    let output = std::mem::take(output);
                    scope.spawn(move || decode(client, format, schema, *first, chunk, output))
                })
                .collect();
            let mut results = Vec::with_capacity(workers);
            if let Some((first, chunk, output)) = mine {
                let output = std::mem::take(output);
                results.push(decode(client, format, schema, *first, chunk, output));
            }
            for h in handles {
                results.push(h.join().expect("a decoding worker does not panic"));
            }
            results
        });
        for (mut bytes, counts) in decoded {
            out.write_all(&bytes).map_err(Stop::Io)?;
            tally.add(&counts);
            bytes.clear();
            spare_outputs.push(bytes);
        }
        spare_chunks.extend(chunks.into_iter().map(|(_, chunk, _)| chunk));
        if long {
            let mut decoder =
                ResultsDecoder::with_schema(client, format, schema.clone()).first_line(next_line);
            reader.skip_line(&mut decoder, out, tally)?;
            next_line += 1;
        }
    }
    Ok(())
}

/// The input read in chunks of whole lines.
struct Chunks<'i> {
    input: &'i mut dyn Read,
    /// What was read past the last chunk's last newline.
    carry: Vec<u8>,
    eof: bool,
    /// Bytes of a chunk, about.
    size: usize,
}

impl Chunks<'_> {
    /// Reads about `size` bytes and cuts after the last newline, keeping
    /// the rest for the next chunk. The chunk ends early, and `true` comes
    /// with it, where a line runs over [`MAX_LINE`]: the rest holds that
    /// line's start, for [`Chunks::skip_line`]. The chunk is read into
    /// `buf` (a buffer to reuse: what it holds is dropped).
    fn next(&mut self, mut buf: Vec<u8>) -> Result<(Vec<u8>, bool), Stop> {
        buf.clear();
        buf.reserve(self.size + (1 << 20));
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut line_start = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
        let mut has_newline = line_start > 0;
        while buf.len() < self.size || !has_newline {
            if buf.len() - line_start > MAX_LINE {
                self.carry.extend_from_slice(&buf[line_start..]);
                buf.truncate(line_start);
                return Ok((buf, true));
            }
            let start = buf.len();
            if self.fill(&mut buf)? == 0 {
                return Ok((buf, false));
            }
            if let Some(i) = memchr::memrchr(b'\n', &buf[start..]) {
                line_start = start + i + 1;
                has_newline = true;
            }
        }
        self.carry.extend_from_slice(&buf[line_start..]);
        buf.truncate(line_start);
        Ok((buf, false))
    }

    /// Reads up to 1 MiB more onto `buf`; how much (0 at the end).
    fn fill(&mut self, buf: &mut Vec<u8>) -> Result<usize, Stop> {
        let n = (&mut *self.input)
            .take(1 << 20)
            .read_to_end(buf)
            .map_err(Stop::Io)?;
        self.eof = n == 0;
        Ok(n)
    }

    /// Passes the line over [`MAX_LINE`] whose start is in hand through
    /// `decoder` (which keeps only its first bytes) up to its newline,
    /// and prints its result: a line error.
    fn skip_line(
        &mut self,
        decoder: &mut ResultsDecoder<Value>,
        out: &mut impl Write,
        tally: &mut Tally,
    ) -> Result<(), Stop> {
        let mut block = std::mem::take(&mut self.carry);
        loop {
            if let Some(end) = memchr::memchr(b'\n', &block) {
                self.carry.extend_from_slice(&block[end + 1..]);
                for r in decoder.feed(&block[..=end]) {
                    print_result(out, &r, tally)?;
                }
                return Ok(());
            }
            for r in decoder.feed(&block) {
                print_result(out, &r, tally)?;
            }
            block.clear();
            block.shrink_to(1 << 20);
            if self.fill(&mut block)? == 0 {
                for r in decoder.finish() {
                    print_result(out, &r, tally)?;
                }
                return Ok(());
            }
        }
    }
}

/// One worker's chunk: its NDJSON output (onto `out`) and counts.
fn decode(
    client: &Client,
    format: Format,
    schema: &Value,
    first: u64,
    chunk: &[u8],
    mut out: Vec<u8>,
) -> (Vec<u8>, Tally) {
    let mut decoder = ResultsDecoder::with_schema(client, format, schema.clone()).first_line(first);
    out.reserve(chunk.len() + chunk.len() / 4);
    let mut tally = Tally::default();
    // Writing to memory does not fail.
    for r in decoder.feed_text(chunk) {
        let _ = print_result(&mut out, &r, &mut tally);
    }
    for r in decoder.finish_text() {
        let _ = print_result(&mut out, &r, &mut tally);
    }
    (out, tally)
}

/// A value printed as compact JSON: a [`Value`], or the text a decoder
/// of texts gives ([`ResultsDecoder::feed_text`]).
pub(crate) trait Printed {
    fn print(&self, out: &mut impl Write) -> io::Result<()>;
}

impl Printed for Value {
    fn print(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer(out, self).map_err(io::Error::from)
    }
}

impl Printed for String {
    fn print(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(self.as_bytes())
    }
}

/// `{"custom_id": ..., "value": ...}` or `{"custom_id": ..., "error": {...}}`.
pub(crate) fn print_result(
    out: &mut impl Write,
    r: &BatchResult<impl Printed>,
    tally: &mut Tally,
) -> Result<(), Stop> {
    out.write_all(b"{\"custom_id\":").map_err(Stop::Io)?;
    serde_json::to_writer(&mut *out, &r.custom_id).map_err(|e| Stop::Io(e.into()))?;
    match &r.outcome {
        Ok(value) => {
            out.write_all(b",\"value\":").map_err(Stop::Io)?;
            value.print(&mut *out).map_err(Stop::Io)?;
        }
        Err(e) => {
            if e.is_provider_side() {
                tally.provider += 1;
            } else {
                tally.invalid += 1;
            }
            let mut error = json!({"kind": e.kind(), "message": e.to_string(), "line": r.line});
            if let ResultError::Call(call) = e
                && let Some(output) = call.output()
            {
                error["output"] = Value::String(output.to_owned());
            }
            out.write_all(b",\"error\":").map_err(Stop::Io)?;
            serde_json::to_writer(&mut *out, &error).map_err(|e| Stop::Io(e.into()))?;
        }
    }
    out.write_all(b"}\n").map_err(Stop::Io)
}
