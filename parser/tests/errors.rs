//! Error kinds, messages and positions: pinned, and compared with serde_json.

use structream_parser::{Config, ErrorKind, Tokenizer, parse, parse_with};

/// Inputs whose error message and position equal serde_json's.
const LIKE_SERDE_JSON: &[&str] = &[
    "[1 2]",
    "[1,]",
    "{\"a\":1,}",
    "{\"a\" 1}",
    "{\"a\":1 \"b\":2}",
    "{1:2}",
    "[tru]",
    "[nulx]",
    "[\"a\\x\"]",
    "[\"a\u{1}\"]",
    "1 2",
    "{\"a\":1}x",
    "[,1]",
    "]",
    "[01]",
    "[1.]",
    "[-]",
    "[1e]",
    "{\n  \"a\": [1,\n    2 3]\n}",
];

#[test]
fn messages_and_positions_match_serde_json() {
    for input in LIKE_SERDE_JSON {
        let ours = parse(input.as_bytes()).expect_err(input);
        let theirs = serde_json::from_str::<serde_json::Value>(input).expect_err(input);
        assert_eq!(
            ours.to_string(),
            theirs.to_string(),
            "{input:?} ({:?})",
            ours.kind()
        );
    }
}

#[test]
fn end_of_input_errors_point_past_the_last_byte() {
    let cases = [
        ("", ErrorKind::EofWhileParsingValue),
        ("[", ErrorKind::EofWhileParsingList),
        ("[1", ErrorKind::EofWhileParsingList),
        ("[1,", ErrorKind::EofWhileParsingValue),
        ("{", ErrorKind::EofWhileParsingObject),
        ("{\"a\"", ErrorKind::EofWhileParsingObject),
        ("{\"a\":", ErrorKind::EofWhileParsingValue),
        ("{\"a\":1,", ErrorKind::EofWhileParsingObject),
        ("\"abc", ErrorKind::EofWhileParsingString),
        ("\"a\\", ErrorKind::EofWhileParsingString),
        ("\"\\u12", ErrorKind::EofWhileParsingString),
        ("\"\u{e9}", ErrorKind::EofWhileParsingString),
        ("tru", ErrorKind::EofWhileParsingValue),
        ("-", ErrorKind::EofWhileParsingValue),
        ("1.", ErrorKind::EofWhileParsingValue),
        ("1e+", ErrorKind::EofWhileParsingValue),
    ];
    for (input, kind) in cases {
        let err = parse(input.as_bytes()).expect_err(input);
        assert_eq!(err.kind(), kind, "{input:?}");
        assert!(err.is_eof() && !err.is_syntax() && !err.is_limit());
        assert_eq!(err.offset(), input.len() as u64, "{input:?}");
        assert_eq!(err.column(), input.len() as u64 + 1, "{input:?}");
        // serde_json agrees that this is an end-of-input error.
        assert!(
            serde_json::from_str::<serde_json::Value>(input)
                .unwrap_err()
                .is_eof(),
            "{input:?}"
        );
    }
    // A complete top-level number is complete at the end of input.
    assert_eq!(parse(b"-12.5e3").unwrap().to_json(), "-12.5e3");
}

#[test]
fn positions_count_lines_and_byte_columns() {
    let input = "{\n\t\"caf\u{e9}\": [true,\r\n  nul]\n}";
    let err = parse(input.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ExpectedSomeIdent);
    assert_eq!((err.line(), err.column()), (3, 6));
    assert_eq!(err.offset(), input.find("]").unwrap() as u64);
    assert_eq!(err.to_string(), "expected ident at line 3 column 6");
}

#[test]
fn invalid_utf8_is_reported_at_the_start_of_the_bad_sequence() {
    for (input, at) in [
        (&b"[\"ab\xFFcd\"]"[..], 4),
        (b"[\"\xC3\"]", 2),
        (b"[\"\xE2\x82x\"]", 2),
        (b"[\"\xED\xA0\x80\"]", 2), // an encoded surrogate
        (b"[\"\xC0\xAF\"]", 2),     // overlong
        (b"\xEF\xBB\xBF{}", 0),     // a byte order mark is not a value
    ] {
        let err = parse(input).unwrap_err();
        assert_eq!(err.offset(), at, "{input:?}");
        if at != 0 {
            assert_eq!(err.kind(), ErrorKind::InvalidUtf8, "{input:?}");
        }
        assert!(serde_json::from_slice::<serde_json::Value>(input).is_err());
    }
}

#[test]
fn depth_limit_matches_serde_json_and_is_configurable() {
    // serde_json's limit of 128 lets 127 levels through; ours lets 128.
    for depth in (120..=135).filter(|&d| d != 128) {
        let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let ours = parse(doc.as_bytes());
        assert_eq!(ours.is_ok(), depth <= 128);
        let theirs = serde_json::from_str::<serde_json::Value>(&doc);
        assert_eq!(ours.is_ok(), theirs.is_ok(), "depth {depth}");
        if let Err(e) = ours {
            assert_eq!(e.kind(), ErrorKind::RecursionLimitExceeded);
            assert!(e.is_limit());
            assert_eq!(e.offset(), 128);
        }
    }
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    assert!(parse_with(deep.as_bytes(), Config::default().max_depth(Some(1000))).is_ok());
    let err = parse_with(deep.as_bytes(), Config::default().max_depth(Some(10))).unwrap_err();
    assert_eq!(err.offset(), 10);
    // No limit at all: the tokenizer's stack is one byte a level, no recursion.
    let mut tok = Tokenizer::with_config(Config::default().max_depth(None));
    let mut depth = 0usize;
    let mut feed = tok.feed(&[b'['; 1_000_000]);
    while let Some(_event) = feed.next_event().unwrap() {
        depth += 1;
    }
    drop(feed);
    assert_eq!((depth, tok.depth()), (1_000_000, 1_000_000));
}

#[test]
fn number_limit_holds_across_chunks() {
    let config = Config::default().max_number_len(Some(8));
    assert_eq!(
        parse_with(b"[12345678]", config.clone()).unwrap().to_json(),
        "[12345678]"
    );
    for input in [&b"[123456789]"[..], b"[123456789x]", b"123456789"] {
        let whole = parse_with(input, config.clone()).unwrap_err();
        assert_eq!(
            (whole.kind(), whole.offset()),
            (
                ErrorKind::NumberTooLong,
                input.iter().position(|b| b.is_ascii_digit()).unwrap() as u64 + 8
            )
        );
        for cut in 0..input.len() {
            let mut tok = Tokenizer::with_config(config.clone());
            let err = [&input[..cut], &input[cut..]]
                .into_iter()
                .find_map(|chunk| {
                    let mut feed = tok.feed(chunk);
                    loop {
                        match feed.next_event() {
                            Ok(Some(_)) => {}
                            Ok(None) => return None,
                            Err(e) => return Some(e),
                        }
                    }
                })
                .unwrap_or_else(|| {
                    loop {
                        if let Err(e) = tok.finish().next_event() {
                            break e;
                        }
                    }
                });
            assert_eq!(err, whole, "{input:?} cut at {cut}");
        }
    }
    // The default limit is 4096 bytes.
    let long = format!("[{}]", "9".repeat(4097));
    assert_eq!(
        parse(long.as_bytes()).unwrap_err().kind(),
        ErrorKind::NumberTooLong
    );
    assert!(parse(format!("[{}]", "9".repeat(4096)).as_bytes()).is_ok());
}

/// A number of exactly the length limit is accepted, whole or cut, in the
/// forms the fast path leaves to the full scan (an exponent, a chunk's
/// end); an invalid number within the limit is invalid, not too long.
#[test]
fn a_number_of_exactly_the_limit_is_accepted_and_an_invalid_one_is_invalid() {
    let config = Config::default().max_number_len(Some(3));
    for input in [&b"[ 1e5]"[..], b"[ 1.5]", b"[ -12]"] {
        for cut in 0..input.len() {
            let mut tok = Tokenizer::with_config(config.clone());
            for chunk in [&input[..cut], &input[cut..]] {
                tok.feed_with(chunk, |_| {})
                    .unwrap_or_else(|e| panic!("{input:?} cut at {cut}: {e}"));
            }
            tok.finish_with(|_| {}).unwrap();
        }
    }
    let config = Config::default().max_number_len(Some(2));
    for input in [&b"[ 1.x]"[..], b"[ 1ex]"] {
        let err = parse_with(input, config.clone()).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (ErrorKind::InvalidNumber, 4));
    }
}

#[test]
fn string_and_input_limits() {
    let config = Config::default().max_string_len(Some(5));
    assert!(parse_with(br#"{"abcde":"vwxyz"}"#, config.clone()).is_ok());
    let err = parse_with(br#"["abcdef"]"#, config.clone()).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::StringTooLong, 7));
    let err = parse_with(br#"{"abcdef":1}"#, config.clone()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StringTooLong);
    // Escapes count with their raw length.
    assert!(parse_with(br#"["\n\t\r"]"#, config.clone()).is_err());
    assert!(parse_with(br#"["\n\t"]"#, config.clone()).is_ok());
    assert!(parse_with(br#"["\nab"]"#, config.clone()).is_ok());
    let err = parse_with(br#"["abcd\n"]"#, config.clone()).unwrap_err();
    assert_eq!(err.offset(), 7);
    assert!(parse(br#"["\uZZZZ"]"#).unwrap_err().offset() == 4); // the first bad hex digit
    assert!(parse_with(br#"["\u0041"]"#, config.clone()).is_err());

    let config = Config::default().max_input_len(Some(10));
    assert!(parse_with(b"[1,2,3,45]", config.clone()).is_ok());
    let err = parse_with(b"[1,2,3,4,5]", config.clone()).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::InputTooLong, 10));
    let mut tok = Tokenizer::with_config(config);
    let mut n = 0;
    for chunk in [&b"[1,2,"[..], b"3,4", b",5]"] {
        let mut feed = tok.feed(chunk);
        loop {
            match feed.next_event() {
                Ok(Some(_)) => n += 1,
                Ok(None) => break,
                Err(e) => {
                    assert_eq!((e.kind(), e.offset()), (ErrorKind::InputTooLong, 10));
                    assert_eq!(n, 5);
                    return;
                }
            }
        }
    }
    panic!("limit not hit");
}

/// A chunk cut by the input limit right after an event: the next call
/// reports the limit rather than the chunk's end.
#[test]
fn the_input_limit_is_reported_after_an_event_that_ends_at_it() {
    for chunk in [&b"[1]"[..], b"{\"a\":1}", b"[\"x\"]"] {
        let mut tok = Tokenizer::with_config(Config::default().max_input_len(Some(1)));
        let mut feed = tok.feed(chunk);
        assert!(feed.next_event().unwrap().is_some());
        let err = feed.next_event().unwrap_err();
        assert_eq!((err.kind(), err.offset()), (ErrorKind::InputTooLong, 1));
    }
}

#[test]
fn errors_are_sticky_and_feeding_after_finish_is_an_error() {
    let mut tok = Tokenizer::new();
    let mut feed = tok.feed(b"[1 2]");
    let err = loop {
        if let Err(e) = feed.next_event() {
            break e;
        }
    };
    drop(feed);
    assert_eq!(tok.error(), Some(err));
    assert_eq!(tok.feed(b"]").next_event().unwrap_err(), err);
    assert_eq!(tok.finish().next_event().unwrap_err(), err);

    let mut tok = Tokenizer::new();
    let mut feed = tok.feed(b"{}");
    while feed.next_event().unwrap().is_some() {}
    drop(feed);
    assert_eq!(tok.finish().next_event().unwrap(), None);
    assert!(tok.is_finished());
    let err = tok.feed(b" ").next_event().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TrailingCharacters);
}

#[test]
fn multiple_values_need_separation_only_where_they_would_run_together() {
    let config = Config::default().multiple_values(true);
    let ok = [
        ("", "[]"),
        ("  \n", "[]"),
        ("1 2\n3", "[1,2,3]"),
        ("{}{}[]", "[{},{},[]]"),
        ("\"a\"\"b\"", "[\"a\",\"b\"]"),
        ("true\nnull {\"a\":1}\n", "[true,null,{\"a\":1}]"),
        ("[1]2", "[[1],2]"),
    ];
    for (input, expected) in ok {
        assert_eq!(
            parse_with(input.as_bytes(), config.clone())
                .unwrap()
                .to_json(),
            expected,
            "{input:?}"
        );
    }
    for bad in ["1true", "true1", "null\"a\"", "1[2]", "01", "{} ]", "[1,"] {
        assert!(
            parse_with(bad.as_bytes(), config.clone()).is_err(),
            "{bad:?}"
        );
    }
    // Without the option, a second value is trailing characters.
    assert_eq!(
        parse(b"1 2").unwrap_err().kind(),
        ErrorKind::TrailingCharacters
    );
}

#[test]
fn lone_surrogates_can_be_replaced() {
    use structream_parser::LoneSurrogates::Replace;
    let config = Config::default().lone_surrogates(Replace);
    let cases = [
        (r#""\ud800""#, "\u{fffd}"),
        (r#""\udc00x""#, "\u{fffd}x"),
        (r#""\ud800x""#, "\u{fffd}x"),
        (r#""\ud800\n""#, "\u{fffd}\n"),
        (r#""\ud800\u0041""#, "\u{fffd}A"),
        (r#""\ud800\ud800\udc00""#, "\u{fffd}\u{10000}"),
        (r#""\ud83d\ude00""#, "\u{1f600}"),
    ];
    for (input, expected) in cases {
        let value = parse_with(input.as_bytes(), config.clone()).unwrap();
        assert_eq!(value.as_str(), Some(expected), "{input}");
        // Split at every byte too.
        for cut in 0..=input.len() {
            let mut tok = Tokenizer::with_config(config.clone());
            let mut text = String::new();
            for chunk in [&input.as_bytes()[..cut], &input.as_bytes()[cut..]] {
                let mut feed = tok.feed(chunk);
                while let Some(ev) = feed.next_event().unwrap() {
                    if let structream_parser::Event::String(s) = ev {
                        text.push_str(s.as_str());
                    }
                }
            }
            assert_eq!(tok.finish().next_event().unwrap(), None);
            assert_eq!(text, expected, "{input} cut at {cut}");
        }
    }
}

#[test]
fn a_lone_surrogate_is_named_with_the_option_that_accepts_it() {
    let cases = [
        // A high surrogate before the closing quote, before another
        // character, before an escape that is no low surrogate.
        (
            r#"["\ud800"]"#,
            0xD800,
            ErrorKind::UnexpectedEndOfHexEscape,
            9,
        ),
        (
            r#"["\uDBFFx"]"#,
            0xDBFF,
            ErrorKind::UnexpectedEndOfHexEscape,
            9,
        ),
        (
            r#"["\ud800\u0041"]"#,
            0xD800,
            ErrorKind::LoneLeadingSurrogateInHexEscape,
            14,
        ),
        // A low surrogate alone.
        (
            r#"["\udc00"]"#,
            0xDC00,
            ErrorKind::LoneLeadingSurrogateInHexEscape,
            9,
        ),
    ];
    for (input, unit, kind, column) in cases {
        let whole = parse(input.as_bytes()).unwrap_err();
        assert_eq!(whole.kind(), kind, "{input}");
        assert_eq!(whole.lone_surrogate(), Some(unit), "{input}");
        assert_eq!(
            whole.to_string(),
            format!(
                "lone surrogate \\u{unit:04x} (lone surrogates: replace reads it as U+FFFD) \
                 at line 1 column {column}"
            ),
            "{input}"
        );
        // The same error at every split.
        for cut in 0..=input.len() {
            let mut tok = Tokenizer::new();
            let mut err = None;
            for chunk in [&input.as_bytes()[..cut], &input.as_bytes()[cut..]] {
                let mut feed = tok.feed(chunk);
                loop {
                    match feed.next_event() {
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            err = Some(e);
                            break;
                        }
                    }
                }
                if err.is_some() {
                    break;
                }
            }
            assert_eq!(err, Some(whole), "{input} cut at {cut}");
        }
    }
    // Other errors name no surrogate and keep serde_json's wording.
    let e = parse(br#"["\u12x4"]"#).unwrap_err();
    assert_eq!(e.lone_surrogate(), None);
    assert!(e.to_string().starts_with("invalid escape"), "{e}");
    // Its kind keeps serde_json's message.
    assert_eq!(
        ErrorKind::UnexpectedEndOfHexEscape.to_string(),
        "unexpected end of hex escape"
    );
}
