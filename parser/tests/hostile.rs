//! Hostile input: each case gives a clear error with its position (or is
//! accepted), within a stated memory bound, and never hangs or panics.
//! Inputs are fed in 64 KiB chunks, as a network would deliver them.

mod common;

use structream_parser::document::{Document, Options};
use structream_parser::{Config, Error, ErrorKind, Tokenizer};

/// Feeds `chunks` to a tokenizer; the result and the number of events.
fn tokenize(chunks: impl Iterator<Item = Vec<u8>>, config: Config) -> (Result<(), Error>, u64) {
    let mut tok = Tokenizer::with_config(config);
    let mut events = 0u64;
    let run = || {
        for chunk in chunks {
            tok.feed_with(&chunk, |_| events += 1)?;
        }
        tok.finish_with(|_| events += 1)
    };
    let result = run();
    (result, events)
}

/// `total` bytes: `head`, then `fill` repeated, in 64 KiB chunks.
fn generated(head: &'static [u8], fill: u8, total: usize) -> impl Iterator<Item = Vec<u8>> {
    let mut sent = 0;
    std::iter::from_fn(move || {
        if sent >= total {
            return None;
        }
        let n = (total - sent).min(1 << 16);
        let mut chunk = vec![fill; n];
        if sent == 0 {
            chunk[..head.len()].copy_from_slice(head);
        }
        sent += n;
        Some(chunk)
    })
}

#[test]
fn a_million_nested_arrays_and_objects_hit_the_depth_limit() {
    for (head, fill) in [(&b"["[..], b'['), (b"{\"a\":", b'{')] {
        let (result, _) = tokenize(generated(head, fill, 1_000_000), Config::default());
        let err = result.unwrap_err();
        assert_eq!(
            err.kind(),
            if fill == b'[' {
                ErrorKind::RecursionLimitExceeded
            } else {
                ErrorKind::KeyMustBeAString
            }
        );
    }
    let objects = "{\"a\":".repeat(200_000);
    let err = structream_parser::parse(objects.as_bytes()).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::RecursionLimitExceeded, 128 * 5)
    );
    // The document stops at the same place.
    let mut doc = Document::new();
    assert_eq!(doc.feed(objects.as_bytes()).unwrap_err(), err);
}

#[test]
fn a_20_mb_number_hits_the_number_limit_at_its_4097th_byte() {
    let (result, events) = tokenize(generated(b"[1", b'7', 20 << 20), Config::default());
    let err = result.unwrap_err();
    assert_eq!(
        (err.kind(), err.offset(), events),
        (ErrorKind::NumberTooLong, 1 + 4096, 1)
    );
}

#[test]
fn a_50_mb_unterminated_string_streams_as_fragments_and_ends_in_an_eof_error() {
    // The tokenizer buffers nothing of a string: memory does not grow.
    let total = 50 << 20;
    let (result, events) = tokenize(generated(b"[\"", b'x', total), Config::default());
    let err = result.unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::EofWhileParsingString, total as u64)
    );
    assert!(
        events >= (total >> 16) as u64,
        "one fragment per chunk at least"
    );
    // With a string limit, the error comes at the limit.
    let config = Config::default().max_string_len(Some(1 << 20));
    let (result, _) = tokenize(generated(b"[\"", b'x', total), config);
    let err = result.unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::StringTooLong, 2 + (1 << 20))
    );
    // A document keeps the string it shows; the limit bounds it.
    let mut doc = Document::with_options(
        Options::default().tokenizer(Config::default().max_string_len(Some(1 << 20))),
    );
    let mut failed = None;
    for chunk in generated(b"[\"", b'x', total) {
        if let Err(e) = doc.feed(&chunk) {
            failed = Some(e);
            break;
        }
    }
    assert_eq!(failed.unwrap().kind(), ErrorKind::StringTooLong);
    assert!(doc.heap_bytes() < 4 << 20, "{}", doc.heap_bytes());
}

#[test]
fn a_million_keys_in_one_object() {
    let mut text = String::with_capacity(16 << 20);
    text.push('{');
    for i in 0..1_000_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("\"k{i}\":{i}"));
    }
    text.push_str(",\"k5\":\"again\"}");
    let value = structream_parser::parse(text.as_bytes()).unwrap();
    let structream_parser::Value::Object(members) = &value else {
        panic!()
    };
    assert_eq!(members.len(), 1_000_001);
    // The document indexes the keys, so the repeated `k5` is found without
    // a scan of a million members per key.
    let mut doc = Document::new();
    for chunk in text.as_bytes().chunks(1 << 16) {
        doc.feed(chunk).unwrap();
    }
    let end = doc.finish().unwrap();
    let shown = end.snapshot().unwrap().value();
    assert_eq!(shown.get("k5").and_then(|v| v.as_str()), Some("again"));
    assert_eq!(
        shown.get("k999999").map(|v| v.to_json()).as_deref(),
        Some("999999")
    );
    // The stated bound: the text (the input's size, at most doubled by
    // growth) plus 64 bytes a member of an open object (its offsets and key
    // index, each at most doubled by growth).
    let bound = 2 * text.len() + 64 * 1_000_001;
    assert!(
        doc.heap_bytes() < bound,
        "{} for {}",
        doc.heap_bytes(),
        text.len()
    );
}

#[test]
fn nul_bytes_are_errors_where_they_stand() {
    for (input, kind, at) in [
        (&b"\x00"[..], ErrorKind::ExpectedSomeValue, 0),
        (b"[1,\x00]", ErrorKind::ExpectedSomeValue, 3),
        (
            b"[\"a\x00b\"]",
            ErrorKind::ControlCharacterWhileParsingString,
            3,
        ),
        (
            b"{\"a\x00\":1}",
            ErrorKind::ControlCharacterWhileParsingString,
            3,
        ),
        (b"[1]\x00", ErrorKind::TrailingCharacters, 3),
        (b"[1\x00]", ErrorKind::ExpectedListCommaOrEnd, 2),
    ] {
        let err = structream_parser::parse(input).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (kind, at), "{input:?}");
    }
}

#[test]
fn invalid_utf8_at_every_position_of_a_document() {
    let doc =
        std::fs::read(common::corpora().join("partial-json/jiter-benches/medium_response.json"))
            .unwrap();
    assert!(doc.is_ascii());
    for i in 0..doc.len() {
        for bad in [0xFF, 0x80, 0xC3] {
            let mut bytes = doc.clone();
            bytes[i] = bad;
            let err = structream_parser::parse(&bytes).unwrap_err();
            // Inside a string: invalid UTF-8 at that byte; elsewhere: the
            // grammar stops there (or an EOF for a lead byte at the end).
            assert!(
                err.offset() == i as u64 || err.is_eof(),
                "byte {i} = {bad:#x}: {err}"
            );
            // And the document agrees, split there.
            let mut d = Document::new();
            let fed = d.feed(&bytes[..i]).is_ok() && d.feed(&bytes[i..]).is_ok();
            let complete = fed
                && d.finish().is_ok_and(|c| {
                    c.outcome() == Some(structream_parser::document::Outcome::Complete)
                });
            assert!(!complete, "byte {i} = {bad:#x} accepted by the document");
        }
    }
}
