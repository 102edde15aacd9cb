//! What every example shares: the real provider when a key is set, else a
//! loopback server replaying a made-up answer at a model's pace, so that
//! each example runs anywhere (`cargo run -p structream --example NAME`).
//!
//! - `STRUCTREAM_MODEL=provider/model` picks the model (its key must be set);
//! - else `OPENAI_API_KEY` set: `openai/gpt-4.1-mini`;
//! - else `ANTHROPIC_API_KEY` set: `anthropic/claude-haiku-4-5`;
//! - else: replay, one made-up answer per call, streamed as OpenAI would
//!   stream it (tool-call arguments in small pieces, one SSE frame every
//!   25 ms).

// Each example uses part of this module.
#![allow(dead_code)]

use std::time::Duration;

use serde::Serialize;
use structream::replay::{self, Plan, Server};
use structream::{Client, ClientBuilder};

/// The pause before each SSE frame of a replayed answer: about a model's
/// token rate.
const PACE: Duration = Duration::from_millis(25);

/// Bytes of JSON per replayed SSE frame (a token or two).
const PIECE: usize = 5;

/// The client of a real provider, if a key (or `STRUCTREAM_MODEL`) is set.
pub(crate) fn live() -> Option<Client> {
    let spec = if let Ok(spec) = std::env::var("STRUCTREAM_MODEL") {
        spec
    } else if std::env::var_os("OPENAI_API_KEY").is_some() {
        "openai/gpt-4.1-mini".to_owned()
    } else if std::env::var_os("ANTHROPIC_API_KEY").is_some() {
        "anthropic/claude-haiku-4-5".to_owned()
    } else {
        return None;
    };
    match Client::from_provider(&spec) {
        Ok(client) => Some(client),
        Err(e) => {
            eprintln!("cannot use {spec}: {e}");
            std::process::exit(2);
        }
    }
}

/// A client whose calls are answered, in order, by `answers` (SSE bodies,
/// see [`tool_call`]) from a loopback server; the last answer repeats.
pub(crate) async fn replay(answers: Vec<Vec<u8>>) -> Client {
    let plans = answers.into_iter().map(paced).collect();
    let server = Server::start(plans).await;
    ClientBuilder::from_provider("openai/gpt-4.1-mini")
        .expect("a known provider")
        .api_key("sk-replay-key-never-sent-anywhere")
        .base_url(server.base_url())
        .build()
        .expect("a client")
}

/// The real provider if a key is set, else a replay of `answers`; says
/// which on standard error.
pub(crate) async fn client(answers: Vec<Vec<u8>>) -> Client {
    match live() {
        Some(client) => {
            banner(true);
            client
        }
        None => {
            banner(false);
            replay(answers).await
        }
    }
}

/// One line on standard error: a real call, or a replay.
pub(crate) fn banner(live: bool) {
    if live {
        eprintln!("[calling the provider]");
    } else {
        eprintln!(
            "[no OPENAI_API_KEY or ANTHROPIC_API_KEY: replaying a made-up answer from 127.0.0.1]"
        );
    }
}

/// An OpenAI stream calling the tool `name` with the JSON `arguments`.
pub(crate) fn tool_call(name: &str, arguments: &str) -> Vec<u8> {
    replay::openai_tool_calls(&[(name, arguments)], PIECE)
}

/// An OpenAI stream of parallel tool calls, one after the other.
pub(crate) fn tool_calls(calls: &[(&str, &str)]) -> Vec<u8> {
    replay::openai_tool_calls(calls, PIECE)
}

/// A 200 event stream of `body`, one SSE frame per write, paced.
fn paced(body: Vec<u8>) -> Plan {
    let cuts = body
        .windows(2)
        .enumerate()
        .filter(|(_, w)| *w == b"\n\n")
        .map(|(i, _)| i + 2)
        .filter(|&end| end < body.len())
        .collect();
    Plan::stream(body, cuts).paced(PACE)
}

/// Compact JSON of a value or partial, for printing.
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("<{e}>"))
}

/// Shows `text` as the current state of something streaming: rewritten in
/// place on one line in a terminal (its end, where it grows), one line
/// each otherwise.
pub(crate) fn show_progress(text: &str) {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout().lock();
    if out.is_terminal() {
        let chars: Vec<char> = text.chars().collect();
        let tail: String = if chars.len() > 100 {
            std::iter::once('…')
                .chain(chars[chars.len() - 99..].iter().copied())
                .collect()
        } else {
            text.to_owned()
        };
        let _ = write!(out, "\r\x1b[2K{tail}");
    } else {
        let _ = writeln!(out, "{text}");
    }
    let _ = out.flush();
}

/// Ends the line [`show_progress`] rewrote.
pub(crate) fn end_progress() {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        println!();
    }
}
