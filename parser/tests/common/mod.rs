//! Shared helpers of the parser's integration tests: running the tokenizer
//! under different chunkings and comparing with serde_json.
#![allow(dead_code, unreachable_pub)]

pub mod partial;

use std::path::PathBuf;

use structream_parser::{Config, Error, Event, Tokenizer, Value, value::ValueBuilder};

/// The project's test corpora.
pub fn corpora() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpora"))
}

/// An event with string fragments joined: what must not depend on chunking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    ObjectStart,
    ObjectEnd,
    ArrayStart,
    ArrayEnd,
    Key(String),
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

/// What one run of the tokenizer produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub toks: Vec<Tok>,
    pub result: Result<Value, Error>,
}

/// How input is handed to the tokenizer.
#[derive(Debug, Clone, Copy)]
pub enum Chunking {
    /// One chunk.
    Whole,
    /// Chunks of this size.
    Size(usize),
    /// Two chunks, split at this offset.
    SplitAt(usize),
    /// Chunks of this size, and the feed is dropped after every event and
    /// the unconsumed rest fed again (suspend and resume).
    Resume(usize),
}

fn pieces(input: &[u8], chunking: Chunking) -> Vec<&[u8]> {
    match chunking {
        Chunking::Whole => vec![input],
        Chunking::Size(n) | Chunking::Resume(n) => input.chunks(n.max(1)).collect(),
        Chunking::SplitAt(k) => {
            let (a, b) = input.split_at(k.min(input.len()));
            vec![a, &[][..], b]
        }
    }
}

/// Collects joined tokens while checking the fragment discipline.
#[derive(Default)]
struct Collector {
    toks: Vec<Tok>,
    open: Option<(bool, String)>,
    builder: ValueBuilder,
    values: Vec<Value>,
}

impl Collector {
    fn push(&mut self, event: Event<'_>) {
        match event {
            Event::Key(s) | Event::String(s) => {
                let key = matches!(event, Event::Key(_));
                match (&mut self.open, s.is_first()) {
                    (None, true) => self.open = Some((key, s.as_str().to_owned())),
                    (Some((k, text)), false) => {
                        assert_eq!(*k, key, "key and string fragments mixed");
                        text.push_str(s.as_str());
                    }
                    (open, first) => {
                        panic!("fragment discipline broken: open={open:?} first={first} {event:?}")
                    }
                }
                if s.is_last() {
                    let (key, text) = self.open.take().unwrap();
                    self.toks
                        .push(if key { Tok::Key(text) } else { Tok::Str(text) });
                }
            }
            other => {
                assert!(self.open.is_none(), "event {other:?} inside a string");
                self.toks.push(match other {
                    Event::ObjectStart => Tok::ObjectStart,
                    Event::ObjectEnd => Tok::ObjectEnd,
                    Event::ArrayStart => Tok::ArrayStart,
                    Event::ArrayEnd => Tok::ArrayEnd,
                    Event::Number(n) => Tok::Num(n.as_str().to_owned()),
                    Event::Bool(b) => Tok::Bool(b),
                    Event::Null => Tok::Null,
                    Event::Key(_) | Event::String(_) => unreachable!(),
                });
            }
        }
        if let Some(v) = self.builder.push(event) {
            self.values.push(v);
        }
    }
}

/// Runs the tokenizer over `input` cut as `chunking` says.
pub fn run(input: &[u8], config: &Config, chunking: Chunking) -> Run {
    let resume = matches!(chunking, Chunking::Resume(_));
    run_pieces(&pieces(input, chunking), config, resume)
}

/// Cuts `input` at the given offsets (any order, duplicates allowed).
pub fn cut_at<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut prev = 0;
    for c in cuts.into_iter().chain([input.len()]) {
        out.push(&input[prev..c]);
        prev = c;
    }
    out
}

/// Runs the tokenizer over the given chunks, dropping and re-feeding the
/// rest after every event if `resume`.
pub fn run_pieces(pieces: &[&[u8]], config: &Config, resume: bool) -> Run {
    let mut tok = Tokenizer::with_config(config.clone());
    let mut c = Collector::default();
    let result = (|| {
        for &piece in pieces {
            let mut rest = piece;
            loop {
                let mut feed = tok.feed(rest);
                let mut got = false;
                while let Some(event) = feed.next_event()? {
                    c.push(event);
                    got = true;
                    if resume {
                        break;
                    }
                }
                let consumed = feed.consumed();
                drop(feed);
                rest = &rest[consumed..];
                if !resume || !got {
                    assert!(
                        rest.is_empty() || !resume,
                        "unconsumed bytes without an event"
                    );
                    break;
                }
            }
        }
        let mut feed = tok.finish();
        while let Some(event) = feed.next_event()? {
            c.push(event);
        }
        Ok(())
    })();
    let result = result.map(|()| {
        if config.multiple_values {
            Value::Array(std::mem::take(&mut c.values))
        } else {
            c.values.pop().expect("accepted input without a value")
        }
    });
    if result.is_ok() {
        assert!(c.open.is_none());
        assert!(tok.is_finished());
    }
    Run {
        toks: c.toks,
        result,
    }
}

/// The chunkings every conformance file is run under, besides every split.
pub const CHUNKINGS: [Chunking; 7] = [
    Chunking::Whole,
    Chunking::Size(1),
    Chunking::Size(2),
    Chunking::Size(3),
    Chunking::Size(7),
    Chunking::Resume(1),
    Chunking::Resume(5),
];

/// Every event as it came (fragments not joined), then the verdict.
type RawRun = (Vec<String>, Result<(), Error>);

/// The raw events of the given chunks through [`Feed::next_event`]
/// (`callback == false`) or [`Tokenizer::feed_with`] (`true`), which runs
/// the machine its own way: the two must agree event for event.
///
/// [`Feed::next_event`]: structream_parser::Feed::next_event
pub fn raw_events(pieces: &[&[u8]], config: &Config, callback: bool) -> RawRun {
    let mut tok = Tokenizer::with_config(config.clone());
    let mut events = Vec::new();
    let result = (|| {
        for &piece in pieces {
            if callback {
                tok.feed_with(piece, |event| events.push(format!("{event:?}")))?;
            } else {
                let mut feed = tok.feed(piece);
                while let Some(event) = feed.next_event()? {
                    events.push(format!("{event:?}"));
                }
            }
        }
        tok.finish_with(|event| events.push(format!("{event:?}")))
    })();
    (events, result)
}

/// Asserts that both ways of draining the tokenizer give the same events.
pub fn assert_apis_agree(pieces: &[&[u8]], config: &Config, name: &str) {
    let lent = raw_events(pieces, config, false);
    let called = raw_events(pieces, config, true);
    assert_eq!(called, lent, "{name}: feed_with and next_event differ");
}

/// Runs every chunking and every two-chunk split; asserts all runs equal the
/// whole-input run (tokens, value, error kind and offset) and returns it.
/// Every chunking is also drained both ways ([`assert_apis_agree`]).
pub fn run_all_chunkings(input: &[u8], config: &Config, name: &str) -> Run {
    let whole = run(input, config, Chunking::Whole);
    for chunking in CHUNKINGS {
        let other = run(input, config, chunking);
        assert_eq!(
            other, whole,
            "{name}: {chunking:?} differs from the whole input"
        );
        assert_apis_agree(&pieces(input, chunking), config, name);
    }
    for k in 0..=input.len() {
        let other = run(input, config, Chunking::SplitAt(k));
        if other != whole {
            panic!("{name}: split at {k} differs: {other:?} vs {whole:?}");
        }
        assert_apis_agree(&pieces(input, Chunking::SplitAt(k)), config, name);
    }
    whole
}

/// Our value, as serde_json sees it (last duplicate wins, numbers as f64/i64/u64).
pub fn as_serde(value: &Value) -> serde_json::Value {
    serde_json::from_str(&value.to_json()).expect("our output is valid JSON")
}
