//! Lenient input at its edges: backticks that are not fences, fence info
//! strings, tags that are not reasoning blocks, closing tags of the wrong
//! name, the bound on the whitespace held after a candidate bracket, and
//! error positions when prose ends a chunk. Every case is fed whole, in two
//! pieces split at every byte, and one byte at a time; all must agree.

mod common;

use common::cut_at;
use structream_parser::document::{Document, Lenient, Options, Outcome};

/// The value found in `input` (`None`: no value), the same under every
/// chunking.
fn found(input: &str, root: Lenient) -> Option<String> {
    let bytes = input.as_bytes();
    let mut chunkings: Vec<Vec<usize>> = vec![vec![], (1..bytes.len()).collect()];
    chunkings.extend((1..bytes.len()).map(|k| vec![k]));
    let mut answer = None;
    for cuts in chunkings {
        let options = Options::default().lenient(root);
        let mut document = Document::with_options(options);
        for chunk in cut_at(bytes, &cuts) {
            document
                .feed(chunk)
                .unwrap_or_else(|e| panic!("{input:?} cut at {cuts:?}: {e}"));
        }
        let end = document.finish().unwrap();
        let value = end.snapshot().map(|s| s.to_json());
        match (&value, end.outcome()) {
            (Some(_), Some(Outcome::Complete)) | (None, Some(Outcome::Incomplete(_))) => {}
            (_, outcome) => panic!("{input:?} cut at {cuts:?}: {value:?} with {outcome:?}"),
        }
        match &answer {
            None => answer = Some(value),
            Some(first) => assert_eq!(&value, first, "{input:?} cut at {cuts:?}"),
        }
    }
    answer.unwrap()
}

fn any(input: &str) -> Option<String> {
    found(input, Lenient::Any)
}

#[test]
fn inline_code_is_prose_not_a_fence() {
    // One backtick, or two, do not open a fence: the line goes on as prose.
    assert_eq!(
        any("Use `x` here: {\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        any("Use ``x`` here: {\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    // Backticks apart are not three in a row.
    assert_eq!(any("` `` {\"a\": 1}").as_deref(), Some(r#"{"a":1}"#));
    assert_eq!(any("`` ` {\"a\": 1}").as_deref(), Some(r#"{"a":1}"#));
    // Three do, and the rest of their line is the info string, where the
    // value may start after the language name.
    assert_eq!(any("``` {\"a\": 1}\n[2]").as_deref(), Some(r#"{"a":1}"#));
    assert_eq!(any("a``` {\"a\": 1}").as_deref(), Some(r#"{"a":1}"#));
}

#[test]
fn a_fence_info_string_is_skipped_to_the_line_end_unless_the_value_starts_there() {
    // The value on the fence's own line, after the language name or none.
    assert_eq!(
        any("```json {\"x\": 0}\n{\"a\": 1}\n```").as_deref(),
        Some(r#"{"x":0}"#)
    );
    assert_eq!(any("```json {\"x\": 0}").as_deref(), Some(r#"{"x":0}"#));
    assert_eq!(any("```{\"x\": 0}```").as_deref(), Some(r#"{"x":0}"#));
    assert_eq!(any("```json5 [1]```").as_deref(), Some("[1]"));
    // An attribute in the info string is not the value.
    assert_eq!(
        any("```json title=\"[1]\"\r\n[\"ok\"]\n```").as_deref(),
        Some(r#"["ok"]"#)
    );
    assert_eq!(any("```json {.x} \n[2]").as_deref(), Some("[2]"));
}

#[test]
fn a_lone_angle_bracket_is_prose_and_the_next_byte_is_read_again() {
    assert_eq!(any("a <{\"k\": 1}").as_deref(), Some(r#"{"k":1}"#));
    assert_eq!(any("a <[1]").as_deref(), Some("[1]"));
    assert_eq!(any("x<y {\"k\": 1}").as_deref(), Some(r#"{"k":1}"#));
    // `<` then `<think>`: the second `<` starts the tag.
    assert_eq!(
        any("<<think>{\"a\": 0}</think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    // A tag that is not a reasoning block is prose, and so is its content.
    assert_eq!(any("<b>{\"a\": 0}</b>").as_deref(), Some(r#"{"a":0}"#));
}

#[test]
fn tag_names_longer_than_sixteen_letters_are_prose() {
    // Sixteen letters fit; the seventeenth ends the tag as prose.
    assert_eq!(
        any("<abcdefghijklmnopq> {\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        any("<abcdefghijklmnop> {\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    // A reasoning tag's name followed by more letters is another tag.
    assert_eq!(
        any("<thinkingabcdefghijkl>{\"a\": 0}</thinking>{\"a\": 1}").as_deref(),
        Some(r#"{"a":0}"#)
    );
    // Tag names are case-insensitive.
    assert_eq!(
        any("<THINK>{\"a\": 0}</Think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
}

#[test]
fn only_the_matching_closing_tag_ends_a_reasoning_block() {
    assert_eq!(
        any("<think>a</b> {\"a\": 0}</think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    // Another reasoning block's closing tag does not end this one.
    assert_eq!(
        any("<thinking>a</think> {\"a\": 0}</thinking>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        any("<think>a</thinking> [0]</think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    // A `<` inside a closing tag restarts the match; `<` and `/` apart do not match.
    assert_eq!(
        any("<think><</think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        any("<think></<think>[0]</think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        any("<think>< /think>[0]</think>{\"a\": 1}").as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(any("<reasoning>x</reasoninG>[2]").as_deref(), Some("[2]"));
    // The whole closing tag is needed: `</think` without `>` is not it.
    assert_eq!(any("<think></think [0]</think>[3]").as_deref(), Some("[3]"));
    // A reasoning block that never ends hides everything.
    assert_eq!(any("<think>{\"a\": 1}").as_deref(), None);
}

#[test]
fn whitespace_held_after_a_bracket_is_bounded() {
    // The `[`, then whitespace, are held until a byte decides; at most 64
    // bytes are held, so the 64th whitespace byte makes it prose.
    let near = format!("[{}1] {{\"a\": 1}}", " ".repeat(63));
    assert_eq!(any(&near).as_deref(), Some("[1]"));
    let far = format!("[{}1] {{\"a\": 1}}", " ".repeat(64));
    assert_eq!(any(&far).as_deref(), Some(r#"{"a":1}"#));
    let far_object = format!("{{{}\"a\": 1}} [2]", "\n".repeat(64));
    assert_eq!(any(&far_object).as_deref(), Some("[2]"));
    let near_object = format!("{{{}\"a\": 1}} [2]", "\t".repeat(63));
    assert_eq!(any(&near_object).as_deref(), Some(r#"{"a":1}"#));
    // The letters of a literal, and whitespace after it, count too.
    let literal = format!("[true{}] [2]", " ".repeat(59));
    assert_eq!(any(&literal).as_deref(), Some("[true]"));
    let literal = format!("[true{}] [2]", " ".repeat(60));
    assert_eq!(any(&literal).as_deref(), Some("[2]"));
}

#[test]
fn candidates_decide_on_the_byte_after_the_bracket() {
    let cases: &[(&str, Option<&str>)] = &[
        // After `{`: only a key or `}` starts an object.
        ("{x} {}", Some("{}")),
        ("{ } [1]", Some("{}")),
        ("{1} [1]", Some("[1]")),
        ("{[1]}", Some("[1]")),
        // After `[`: a value's first byte, or `]`.
        ("[] {}", Some("[]")),
        ("[-1]", Some("[-1]")),
        ("[0, 9]", Some("[0,9]")),
        ("[\"s\"]", Some(r#"["s"]"#)),
        ("[[1]]", Some("[[1]]")),
        ("[{\"a\": 1}]", Some(r#"[{"a":1}]"#)),
        ("[+1] [2]", Some("[2]")),
        ("[a] [2]", Some("[2]")),
        // Literals count when whole and followed by `,` or `]`.
        ("[null] [2]", Some("[null]")),
        ("[false] [2]", Some("[false]")),
        ("[true , 1]", Some("[true,1]")),
        ("[nul] [2]", Some("[2]")),
        ("[truex] [2]", Some("[2]")),
        ("[true x] [2]", Some("[2]")),
        ("[null}] [2]", Some("[2]")),
        ("[tru", None),
        ("[  ", None),
        // A bracket that rejects the held one is looked at again as prose.
        ("{{\"a\": 1}", Some(r#"{"a":1}"#)),
        ("{[1] {}", Some("[1]")),
    ];
    for &(input, expected) in cases {
        assert_eq!(any(input).as_deref(), expected, "{input:?}");
    }
}

#[test]
fn a_known_root_skips_the_other_bracket_even_inside_fences() {
    assert_eq!(
        found("[1] {\"a\": 1}", Lenient::Object).as_deref(),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(
        found("{\"a\": 1} [1]", Lenient::Array).as_deref(),
        Some("[1]")
    );
    assert_eq!(found("{\"a\": 1}", Lenient::Array).as_deref(), None);
    assert_eq!(found("[1]", Lenient::Object).as_deref(), None);
    assert_eq!(found("[1]", Lenient::Any).as_deref(), Some("[1]"));
    assert_eq!(found("{}", Lenient::Any).as_deref(), Some("{}"));
}

#[test]
fn errors_count_prose_that_ended_an_earlier_chunk() {
    let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
    document.feed(b"line one\n").unwrap();
    let err = document.feed(b"line two {\"a\": tru }").unwrap_err();
    assert_eq!((err.line(), err.column(), err.offset()), (2, 19, 27));
    // Prose in several chunks, a fence and a reasoning block before the value.
    let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
    for chunk in [
        &b"a\nb"[..],
        b"\n```json\n",
        b"<think>\n</think>",
        b"\n[1,",
        b" x]",
    ] {
        match document.feed(chunk) {
            Ok(_) => {}
            Err(err) => {
                assert_eq!((err.line(), err.column(), err.offset()), (6, 5, 33));
                return;
            }
        }
    }
    panic!("no error");
}

#[test]
fn the_offset_counts_prose_and_candidates_given_up() {
    let input = b"see [x] and [1 , 2] then more";
    for cuts in [vec![], (1..input.len()).collect::<Vec<_>>()] {
        let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
        let mut offsets = Vec::new();
        for chunk in cut_at(input, &cuts) {
            document.feed(chunk).unwrap();
            offsets.push(document.offset());
        }
        // The value ends at byte 19; the rest is ignored, never consumed.
        assert_eq!(document.offset(), 19, "{cuts:?}");
        assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
        let end = document.finish().unwrap();
        assert_eq!(end.snapshot().unwrap().to_json(), "[1,2]");
    }
    // Prose only: every byte is accounted for.
    let mut document = Document::with_options(Options::default().lenient(Lenient::Any));
    document.feed(b"no value [here").unwrap();
    assert_eq!(document.offset(), 14);
    document.feed(b" at all").unwrap();
    assert_eq!(document.offset(), 21);
    match document.finish().unwrap().outcome() {
        Some(Outcome::Incomplete(e)) => assert_eq!(e.offset(), 21),
        other => panic!("{other:?}"),
    }
}
