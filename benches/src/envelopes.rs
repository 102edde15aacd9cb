//! Provider decoding of recorded streams next to its floor, serde_json
//! skipping the same `data:` payloads: shared by the `providers` criterion
//! bench (groups `providers` and `envelopes`) and the `icount` binary
//! (instruction counts of fixtures `corpus:<protocol>`).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use structream_anthropic::Anthropic;
use structream_gemini::Gemini;
use structream_openai::{Ollama, OpenAiChat, OpenAiResponses};
use structream_provider::sse::SseDecoder;
use structream_provider::{Provider, StreamEvent};

/// The protocols with recordings in `tests/corpora/sse`: name, the folders
/// of its recordings and their file extension.
pub const PROTOCOLS: [(&str, &[&str], &str); 5] = [
    ("openai-chat", &["openai-chat", "openai-compatible"], "sse"),
    ("openai-responses", &["openai-responses"], "sse"),
    ("anthropic", &["anthropic"], "sse"),
    ("gemini", &["gemini"], "sse"),
    ("ollama", &["ollama"], "ndjson"),
];

/// The provider whose decoder reads protocol `name` (see [`PROTOCOLS`]).
///
/// # Panics
///
/// On an unknown name.
pub fn provider(name: &str) -> Box<dyn Provider> {
    match name {
        "openai-chat" => Box::new(OpenAiChat::default()),
        "openai-responses" => Box::new(OpenAiResponses::default()),
        "anthropic" => Box::new(Anthropic::default()),
        "gemini" => Box::new(Gemini::default()),
        "ollama" => Box::new(Ollama::default()),
        other => panic!("unknown protocol {other}"),
    }
}

/// Every recording of protocol `name` (see [`PROTOCOLS`]), sorted by path;
/// `None` for an unknown name.
pub fn protocol_recordings(name: &str) -> Option<Vec<Vec<u8>>> {
    let (_, folders, extension) = PROTOCOLS.iter().find(|p| p.0 == name)?;
    Some(recordings(folders, extension))
}

/// Every file ending in `.extension` under `folders` of
/// `tests/corpora/sse`, sorted by path.
///
/// # Panics
///
/// When a folder or file cannot be read.
pub fn recordings(folders: &[&str], extension: &str) -> Vec<Vec<u8>> {
    fn walk(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("corpus folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, extension, out);
            } else if p.extension().is_some_and(|x| x == extension) {
                out.push(p);
            }
        }
    }
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpora/sse"));
    let mut files = Vec::new();
    for folder in folders {
        walk(&root.join(folder), extension, &mut files);
    }
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).expect("recording"))
        .collect()
}

/// Decodes each of `files` with a fresh decoder of `provider`, fed in
/// `chunk`-byte reads (0: whole): events decoded and recordings that ended
/// in an error.
pub fn decode(provider: &dyn Provider, files: &[Vec<u8>], chunk: usize) -> (usize, usize) {
    let mut events = 0usize;
    let mut failed = 0usize;
    for file in files {
        let mut decoder = provider.decoder();
        let mut sink = |event: StreamEvent<'_>| {
            black_box(&event);
            events += 1;
        };
        let chunk = if chunk == 0 { file.len().max(1) } else { chunk };
        let result = file
            .chunks(chunk)
            .try_for_each(|c| decoder.feed(c, &mut sink))
            .and_then(|()| decoder.finish(&mut sink));
        failed += usize::from(result.is_err());
    }
    (events, failed)
}

/// The `data:` payloads of the SSE frames of `bodies` (not `[DONE]`).
pub fn payloads(bodies: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for body in bodies {
        let mut sse = SseDecoder::new();
        let mut take = |frame: structream_provider::sse::SseEvent<'_>| {
            if frame.data().trim_ascii() != b"[DONE]" && !frame.data().is_empty() {
                out.push(frame.data().to_vec());
            }
        };
        // Recordings that end in an error still give their frames.
        let _ = sse.feed(body, &mut take);
        let _ = sse.finish(&mut take);
    }
    out
}

/// serde_json skipping every payload; the number it could read as JSON.
pub fn skip_payloads(payloads: &[Vec<u8>]) -> usize {
    payloads
        .iter()
        .filter(|p| serde_json::from_slice::<IgnoredAny>(black_box(p)).is_ok())
        .count()
}

/// Events of a body fed one read per item of `reads` to `provider`'s
/// decoder.
///
/// # Panics
///
/// When the body does not decode.
pub fn decode_reads(provider: &dyn Provider, reads: &[&[u8]]) -> usize {
    let mut decoder = provider.decoder();
    let mut n = 0usize;
    let mut sink = |event: StreamEvent<'_>| {
        black_box(&event);
        n += 1;
    };
    for read in reads {
        decoder.feed(read, &mut sink).expect("decodes");
    }
    decoder.finish(&mut sink).expect("decodes");
    n
}
