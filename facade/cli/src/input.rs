//! Reading the input of a subcommand: a file or standard input, handed on in
//! chunks either as they arrive or re-cut to sizes cycling through a list.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

/// Where the bytes come from: a path, or `-` / nothing for standard input.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub(crate) fn from_arg(arg: Option<&PathBuf>) -> Self {
        match arg {
            None => Source::Stdin,
            Some(p) if p.as_os_str() == "-" => Source::Stdin,
            Some(p) => Source::File(p.clone()),
        }
    }

    fn open(&self) -> io::Result<Box<dyn Read>> {
        Ok(match self {
            Source::Stdin => Box::new(io::stdin().lock()),
            Source::File(p) => Box::new(
                File::open(p)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?,
            ),
        })
    }
}

/// The sizes of `--chunk-sizes`, a clap value of its own (a plain `Vec`
/// would be taken by clap as a repeated argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChunkSizes(pub(crate) Vec<usize>);

impl ChunkSizes {
    /// The clap value parser for `--chunk-sizes`.
    pub(crate) fn parse(text: &str) -> Result<ChunkSizes, String> {
        parse_chunk_sizes(text).map(ChunkSizes)
    }
}

/// Parses `--chunk-sizes 1,2,7`: positive integers separated by commas.
fn parse_chunk_sizes(text: &str) -> Result<Vec<usize>, String> {
    let sizes: Result<Vec<usize>, String> = text
        .split(',')
        .map(|s| match s.trim().parse::<usize>() {
            Ok(0) => Err("chunk sizes must be at least 1".to_string()),
            Ok(n) => Ok(n),
            Err(_) => Err(format!("'{s}' is not a chunk size")),
        })
        .collect();
    sizes
}

/// Calls `sink` with every chunk of the input, in order. Without `sizes`
/// each read of the file or pipe is one chunk (so a pipe's pace is kept);
/// with them, the input is re-cut into chunks whose sizes cycle through the
/// list, a chunk being handed on as soon as its bytes have arrived.
pub(crate) fn for_each_chunk<E>(
    source: &Source,
    sizes: Option<&ChunkSizes>,
    mut sink: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), ChunkError<E>> {
    let mut reader = source.open().map_err(ChunkError::Io)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut cycle = sizes
        .filter(|s| !s.0.is_empty())
        .map(|s| s.0.iter().copied().cycle());
    // Bytes read but not yet handed on (only when re-cutting).
    let mut pending: Vec<u8> = Vec::new();
    let mut want = cycle.as_mut().and_then(Iterator::next);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ChunkError::Io(e)),
        };
        let Some(cycle) = cycle.as_mut() else {
            sink(&buf[..n]).map_err(ChunkError::Sink)?;
            continue;
        };
        pending.extend_from_slice(&buf[..n]);
        let mut start = 0;
        while let Some(size) = want {
            if pending.len() - start < size {
                break;
            }
            sink(&pending[start..start + size]).map_err(ChunkError::Sink)?;
            start += size;
            want = cycle.next();
        }
        pending.drain(..start);
    }
    if !pending.is_empty() {
        sink(&pending).map_err(ChunkError::Sink)?;
    }
    Ok(())
}

/// Why [`for_each_chunk`] stopped early.
#[derive(Debug)]
pub(crate) enum ChunkError<E> {
    /// Reading the input failed.
    Io(io::Error),
    /// The sink returned an error.
    Sink(E),
}
