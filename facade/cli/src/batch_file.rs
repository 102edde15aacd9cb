//! `structream batch results --from-file`: a results file decoded in one
//! streaming pass, its lines shared out to one worker per core in chunks
//! of whole lines, the output kept in the file's order. Memory holds a few
//! chunks at a time, whatever the file's size.

use std::io::{self, Read, Write};

use serde_json::{Value, json};
use structream::Client;
use structream::batch::{BatchResult, Format, ResultError, ResultsDecoder};

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
    let mut carry = Vec::new();
    let mut next_line = 1u64;
    let mut eof = false;
    while !eof {
        // A chunk of whole lines per worker (the last may end without a newline).
        let mut chunks = Vec::with_capacity(workers);
        while chunks.len() < workers && !eof {
            let (chunk, ended) = read_chunk(input, &mut carry, chunk_bytes.max(1))?;
            eof = ended;
            if !chunk.is_empty() {
                let first = next_line;
                next_line += memchr::memchr_iter(b'\n', &chunk).count() as u64;
                chunks.push((first, chunk));
            }
        }
        let decoded: Vec<(Vec<u8>, Tally)> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .skip(1)
                .map(|(first, chunk)| {
                    scope.spawn(move || decode(client, format, schema, *first, chunk))
                })
                .collect();
            let mut results = Vec::with_capacity(chunks.len());
            if let Some((first, chunk)) = chunks.first() {
                results.push(decode(client, format, schema, *first, chunk));
            }
            for h in handles {
                results.push(h.join().expect("a decoding worker does not panic"));
            }
            results
        });
        for (bytes, counts) in decoded {
            out.write_all(&bytes).map_err(Stop::Io)?;
            tally.add(&counts);
        }
    }
    Ok(())
}

/// The longest line a chunk may hold.
const MAX_LINE: usize = 64 << 20;

/// Reads about `size` bytes and cuts after the last newline, keeping
/// the rest in `carry` for the next chunk; whether the input ended.
fn read_chunk(
    input: &mut dyn Read,
    carry: &mut Vec<u8>,
    size: usize,
) -> Result<(Vec<u8>, bool), Stop> {
    let mut buf = std::mem::take(carry);
    let mut eof = false;
    while buf.len() < size || memchr::memrchr(b'\n', &buf).is_none() {
        if buf.len() > size + MAX_LINE {
            let message = format!("a results line longer than {MAX_LINE} bytes");
            return Err(Stop::Io(io::Error::new(
                io::ErrorKind::InvalidData,
                message,
            )));
        }
        let start = buf.len();
        buf.resize(start + (1 << 20), 0);
        match input.read(&mut buf[start..]) {
            Ok(0) => {
                buf.truncate(start);
                eof = true;
                break;
            }
            Ok(n) => buf.truncate(start + n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(start),
            Err(e) => return Err(Stop::Io(e)),
        }
    }
    if !eof && let Some(end) = memchr::memrchr(b'\n', &buf) {
        carry.extend_from_slice(&buf[end + 1..]);
        buf.truncate(end + 1);
    }
    Ok((buf, eof))
}

/// One worker's chunk: its NDJSON output and counts.
fn decode(
    client: &Client,
    format: Format,
    schema: &Value,
    first: u64,
    chunk: &[u8],
) -> (Vec<u8>, Tally) {
    let mut decoder = ResultsDecoder::with_schema(client, format, schema.clone()).first_line(first);
    let mut out = Vec::with_capacity(chunk.len() / 2);
    let mut tally = Tally::default();
    // Writing to memory does not fail.
    for r in decoder.feed(chunk) {
        let _ = print_result(&mut out, &r, &mut tally);
    }
    for r in decoder.finish() {
        let _ = print_result(&mut out, &r, &mut tally);
    }
    (out, tally)
}

/// `{"custom_id": ..., "value": ...}` or `{"custom_id": ..., "error": {...}}`.
pub(crate) fn print_result(
    out: &mut impl Write,
    r: &BatchResult<Value>,
    tally: &mut Tally,
) -> Result<(), Stop> {
    out.write_all(b"{\"custom_id\":").map_err(Stop::Io)?;
    serde_json::to_writer(&mut *out, &r.custom_id).map_err(|e| Stop::Io(e.into()))?;
    match &r.outcome {
        Ok(value) => {
            out.write_all(b",\"value\":").map_err(Stop::Io)?;
            serde_json::to_writer(&mut *out, value).map_err(|e| Stop::Io(e.into()))?;
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
