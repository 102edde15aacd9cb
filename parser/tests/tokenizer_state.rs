//! What a tokenizer tells between and within chunks: where it is
//! (`Tokenizer::offset`, `Feed::offset`, `Feed::consumed`) and whether a
//! value is complete (`is_between_values`, `is_finished`).

use structream_parser::{Config, Event, LoneSurrogates, Tokenizer};

/// Feeds `chunk` whole; panics on an error.
fn feed(tok: &mut Tokenizer, chunk: &[u8]) {
    tok.feed_with(chunk, |_| {}).unwrap();
}

#[test]
fn a_feed_knows_its_offset_in_the_whole_input() {
    let mut tok = Tokenizer::new();
    feed(&mut tok, b"[1,");
    let mut chunk = tok.feed(b" 22, 3]");
    assert_eq!((chunk.offset(), chunk.consumed()), (3, 0));
    assert!(matches!(chunk.next_event(), Ok(Some(Event::Number(_)))));
    assert_eq!((chunk.offset(), chunk.consumed()), (6, 3));
    drop(chunk);
    assert_eq!(tok.offset(), 6);
}

#[test]
fn between_values_only_when_a_value_is_complete() {
    let mut tok = Tokenizer::new();
    assert!(!tok.is_between_values());
    feed(&mut tok, b"[");
    assert!(!tok.is_between_values());
    feed(&mut tok, b"1]");
    assert!(tok.is_between_values());
    assert!(!tok.is_finished());
    tok.finish_with(|_| {}).unwrap();
    assert!(tok.is_between_values());
    assert!(tok.is_finished());

    // A top-level number cut by the chunk's end may go on.
    let mut tok = Tokenizer::new();
    feed(&mut tok, b" 12");
    assert!(!tok.is_between_values());
    tok.finish_with(|_| {}).unwrap();
    assert!(tok.is_between_values());

    // With several values, the start is between values.
    let mut tok = Tokenizer::with_config(Config::default().multiple_values(true));
    assert!(tok.is_between_values());
    feed(&mut tok, b"\"a");
    assert!(!tok.is_between_values());
    feed(&mut tok, b"\" ");
    assert!(tok.is_between_values());
    assert!(!tok.is_finished());
}

#[test]
fn a_tokenizer_keeps_its_config() {
    let config = Config::default().multiple_values(true).max_depth(Some(3));
    assert_eq!(Tokenizer::with_config(config.clone()).config(), &config);
    assert_eq!(Tokenizer::new().config(), &Config::default());
}

/// The events of `chunks` fed one after the other, strings as
/// `text(first, last)`; the end of input as `end` or the error's kind.
fn events(chunks: &[&[u8]]) -> Vec<String> {
    let mut tok = Tokenizer::new();
    let mut out = Vec::new();
    let mut push = |event: Event<'_>| match event {
        Event::String(s) => {
            out.push(format!(
                "{:?}({}, {})",
                s.as_str(),
                s.is_first(),
                s.is_last()
            ));
        }
        other => out.push(format!("{other:?}")),
    };
    for chunk in chunks {
        if let Err(e) = tok.feed_with(chunk, &mut push) {
            out.push(format!("{:?}", e.kind()));
            return out;
        }
    }
    match tok.finish_with(&mut push) {
        Ok(()) => out.push("end".into()),
        Err(e) => out.push(format!("{:?}", e.kind())),
    }
    out
}

/// A string shows from its opening quote: a chunk that ends inside its
/// first escape still hands out its first, empty fragment.
#[test]
fn a_string_cut_in_its_first_escape_shows_at_once() {
    let seen = events(&[b"[\"\\", b"n\"]"]);
    assert_eq!(seen[..2], ["ArrayStart", "\"\"(true, false)"]);
    assert_eq!(seen[seen.len() - 2..], ["ArrayEnd", "end"]);
    let seen = events(&[b"\"\\u00", b"e9\""]);
    assert_eq!(seen[0], "\"\"(true, false)");
    assert_eq!(seen[1], "\"\u{e9}\"(false, false)");
}

/// The text of the strings `feed` hands out until its chunk is used up.
fn drain_text(tok: &mut Tokenizer, chunk: &[u8]) -> String {
    let mut feed = tok.feed(chunk);
    let mut text = String::new();
    while let Some(event) = feed.next_event().unwrap() {
        if let Event::String(s) = event {
            text.push_str(s.as_str());
        }
    }
    text
}

/// A `\u` escape completed by a chunk's last bytes shows in that chunk,
/// not in the next one; so does the unit after a lone surrogate that is
/// replaced (two characters from one escape).
#[test]
fn an_escape_that_ends_a_chunk_shows_in_it() {
    let mut tok = Tokenizer::new();
    assert_eq!(drain_text(&mut tok, b"[\"ab\\u00e9"), "ab\u{e9}");
    assert_eq!(drain_text(&mut tok, b"\\u00"), "");
    assert_eq!(drain_text(&mut tok, b"fc"), "\u{fc}");
    assert_eq!(drain_text(&mut tok, b"\\n\\u2192"), "\n\u{2192}");

    let config = Config::default().lone_surrogates(LoneSurrogates::Replace);
    let mut tok = Tokenizer::with_config(config);
    assert_eq!(drain_text(&mut tok, b"[\"\\ud800\\u0041"), "\u{fffd}A");
    assert_eq!(drain_text(&mut tok, b"\\ud800"), "");
    assert_eq!(drain_text(&mut tok, b"\\udc00"), "\u{10000}");
    assert_eq!(drain_text(&mut tok, b"\\udbff\\u"), "");
    assert_eq!(drain_text(&mut tok, b"00e9"), "\u{fffd}\u{e9}");
}

/// After an error, every call returns it, an empty chunk's too.
#[test]
fn an_error_is_returned_again_for_an_empty_chunk() {
    let mut tok = Tokenizer::new();
    let err = tok.feed_with(b"[1 2", |_| {}).unwrap_err();
    assert_eq!(tok.feed(b"").next_event(), Err(err));
    assert_eq!(tok.feed_with(b"", |_| {}), Err(err));
}
