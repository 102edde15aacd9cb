//! The same input split two ways gives the same joined events and the same
//! verdict (error kind and offset included); and the split input drained
//! through `Feed::next_event` gives `feed_with`'s events one for one.
#![no_main]

mod seeded;

use libfuzzer_sys::fuzz_target;
use seeded::Seeded;
use structream_parser::{Config, Event, Tokenizer};

#[derive(Debug, Default, arbitrary::Arbitrary)]
struct Params {
    config: Config,
    cuts: Vec<u16>,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Open(bool),
    Close(bool),
    Text(bool, String),
    Scalar(String),
}

fn run(
    config: &Config,
    bytes: &[u8],
    cuts: &[usize],
) -> (Vec<Tok>, Result<(), structream_parser::Error>) {
    let mut tok = Tokenizer::with_config(config.clone());
    let mut out = Vec::new();
    let mut text: Option<String> = None;
    let mut on_event = |event: Event<'_>| match event {
        Event::ObjectStart => out.push(Tok::Open(true)),
        Event::ArrayStart => out.push(Tok::Open(false)),
        Event::ObjectEnd => out.push(Tok::Close(true)),
        Event::ArrayEnd => out.push(Tok::Close(false)),
        Event::Key(s) | Event::String(s) => {
            let key = matches!(event, Event::Key(_));
            assert_eq!(s.is_first(), text.is_none());
            text.get_or_insert_with(String::new).push_str(s.as_str());
            if s.is_last() {
                out.push(Tok::Text(key, text.take().unwrap()));
            }
        }
        Event::Number(n) => out.push(Tok::Scalar(n.as_str().to_owned())),
        Event::Bool(b) => out.push(Tok::Scalar(b.to_string())),
        Event::Null => out.push(Tok::Scalar("null".into())),
    };
    let mut prev = 0;
    let result = (|| {
        for &cut in cuts.iter().chain([&bytes.len()]) {
            tok.feed_with(&bytes[prev..cut], &mut on_event)?;
            prev = cut;
        }
        tok.finish_with(&mut on_event)
    })();
    (out, result)
}

/// Every event as it came, fragments not joined, then the verdict: through
/// `feed_with` (`callback`) or `Feed::next_event`.
fn raw(
    config: &Config,
    bytes: &[u8],
    cuts: &[usize],
    callback: bool,
) -> (Vec<String>, Result<(), structream_parser::Error>) {
    let mut tok = Tokenizer::with_config(config.clone());
    let mut events = Vec::new();
    let mut prev = 0;
    let result = (|| {
        for &cut in cuts.iter().chain([&bytes.len()]) {
            let piece = &bytes[prev..cut];
            prev = cut;
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

fuzz_target!(|input: Seeded<Params>| {
    let len = input.bytes.len();
    let mut cuts: Vec<usize> = input
        .params
        .cuts
        .iter()
        .map(|&c| usize::from(c) % (len + 1))
        .collect();
    cuts.sort_unstable();
    assert_eq!(
        raw(&input.params.config, &input.bytes, &cuts, true),
        raw(&input.params.config, &input.bytes, &cuts, false),
        "feed_with and next_event differ"
    );
    let whole = run(&input.params.config, &input.bytes, &[]);
    let split = run(&input.params.config, &input.bytes, &cuts);
    if input.params.config.max_string_len.is_some() && whole.1.is_err() {
        // With a string limit, an input both over the limit and invalid UTF-8
        // near it may report either error depending on the split (the first
        // chunk cannot see the invalid byte yet); the verdict is the same.
        assert_eq!(whole.1.is_err(), split.1.is_err());
        return;
    }
    assert_eq!(whole, split);
});
