//! The recorded streams of `tests/corpora/sse`, loaded for the checks.

use std::path::{Path, PathBuf};

/// The recorded streams folder, `tests/corpora/sse`.
pub fn corpus_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpora/sse"
    ))
    .to_path_buf()
}

/// How a recorded file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Raw SSE bytes as recorded (`.sse`).
    Sse,
    /// JSONL of event payloads (`.chunks.txt`), framed as SSE in `body`.
    Payloads,
    /// Newline-delimited JSON (`.ndjson`).
    Ndjson,
    /// Anything else (`.json`: an error body, a JSON-array stream).
    Other,
}

/// One recorded stream.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fixture {
    /// Path of the file.
    pub path: PathBuf,
    /// Path relative to the corpus folder, e.g. `anthropic/pydantic-ai/x.sse`.
    pub name: String,
    /// How the file is stored.
    pub format: Format,
    /// The bytes to serve: the file, or the payloads framed as SSE.
    pub body: Vec<u8>,
    /// The JSON payloads of the stream, in order (SSE data that is not JSON,
    /// like `[DONE]`, left out).
    pub payloads: Vec<serde_json::Value>,
}

impl Fixture {
    /// Loads one file.
    pub fn load(path: &Path) -> Fixture {
        let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path
            .strip_prefix(corpus_dir())
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let (format, body) = if file.ends_with(".sse") {
            (Format::Sse, raw.clone())
        } else if file.ends_with(".chunks.txt") {
            let mut body = Vec::with_capacity(raw.len() + 1024);
            for line in raw.split(|&b| b == b'\n') {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                body.extend_from_slice(b"data: ");
                body.extend_from_slice(line);
                body.extend_from_slice(b"\n\n");
            }
            (Format::Payloads, body)
        } else if file.ends_with(".ndjson") {
            (Format::Ndjson, raw.clone())
        } else {
            (Format::Other, raw.clone())
        };
        let mut payloads = Vec::new();
        match format {
            Format::Sse | Format::Payloads => {
                let mut dec = crate::sse::SseDecoder::new();
                let mut push = |e: crate::sse::SseEvent<'_>| {
                    if let Ok(v) = serde_json::from_slice(e.data()) {
                        payloads.push(v);
                    }
                };
                let _ = dec.feed(&body, &mut push);
                let _ = dec.finish(&mut push);
            }
            Format::Ndjson => {
                for line in raw.split(|&b| b == b'\n') {
                    if let Ok(v) = serde_json::from_slice(line) {
                        payloads.push(v);
                    }
                }
            }
            Format::Other => {}
        }
        Fixture {
            path: path.to_path_buf(),
            name,
            format,
            body,
            payloads,
        }
    }

    /// Whether the recording ends in the middle of a line (recorded without
    /// its final line end).
    pub fn ends_mid_line(&self) -> bool {
        !self.body.is_empty() && !self.body.ends_with(b"\n") && !self.body.ends_with(b"\r")
    }

    /// The body with the final line end the recording lost restored (a
    /// derived variant for the checks that want a complete stream).
    pub fn completed_body(&self) -> Vec<u8> {
        let mut b = self.body.clone();
        if self.ends_mid_line() {
            b.extend_from_slice(if self.format == Format::Ndjson {
                b"\n"
            } else {
                b"\n\n"
            });
        }
        b
    }
}

/// Every file under `tests/corpora/sse/<folder>` (recursively), sorted, the
/// `SOURCE.md` files left out.
pub fn fixtures(folder: &str) -> Vec<Fixture> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n != "SOURCE.md") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&corpus_dir().join(folder), &mut paths);
    paths.sort();
    paths.iter().map(|p| Fixture::load(p)).collect()
}
