//! Repair: a table of inputs per repair kind, each fed whole, cut in two at
//! every byte and one byte at a time, with the expected value and the
//! expected repair reports; valid JSON gives in repair mode exactly what it
//! gives in strict mode; input that cannot be repaired is still an error.

mod common;

use common::{corpora, cut_at};
use proptest::prelude::*;
use structream_parser::document::{Document, ItemEvent, Lenient, Options, Outcome, apply};
use structream_parser::repair::{Kind, NonFinite, Repairs};

/// What a document made of the input: the final JSON, the outcome, the
/// repairs (kind, offset), the closed items and the deltas, or the error.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    json: Option<String>,
    complete: bool,
    repairs: Vec<(Kind, u64)>,
    items: Vec<String>,
    /// The value the deltas rebuild.
    replayed: Option<String>,
    error: Option<(String, u64)>,
}

fn seen(options: &Options, pieces: &[&[u8]]) -> Seen {
    let mut doc = Document::with_options(options.clone().deltas(true));
    let mut out = Seen {
        json: None,
        complete: false,
        repairs: Vec::new(),
        items: Vec::new(),
        replayed: None,
        error: None,
    };
    let mut replayed = None;
    let mut collect = |changes: &structream_parser::document::Changes<'_>, out: &mut Seen| {
        out.repairs
            .extend(changes.repairs().iter().map(|r| (r.kind(), r.offset())));
        for item in changes.items() {
            if let ItemEvent::Done { json, .. } = item {
                out.items.push(json.clone());
            }
        }
        for delta in changes.deltas() {
            apply(&mut replayed, &delta).unwrap();
        }
        out.replayed = replayed.as_ref().map(|v| v.to_string());
    };
    for piece in pieces {
        match doc.feed(piece) {
            Ok(changes) => collect(&changes, &mut out),
            Err(e) => {
                collect(&doc.changes(), &mut out);
                out.error = Some((format!("{:?}", e.kind()), e.offset()));
                out.json = doc.snapshot().map(|s| s.to_json());
                return out;
            }
        }
    }
    match doc.finish() {
        Ok(changes) => {
            collect(&changes, &mut out);
            out.complete = changes.outcome() == Some(Outcome::Complete);
            out.json = changes.snapshot().map(|s| s.to_json());
        }
        Err(e) => {
            collect(&doc.changes(), &mut out);
            out.error = Some((format!("{:?}", e.kind()), e.offset()));
            out.json = doc.snapshot().map(|s| s.to_json());
        }
    }
    out
}

/// The same under every chunking: whole, in two at every byte, byte by byte.
/// After an error, the partial value is the one the chunks fed so far
/// showed (as in strict mode); the error and the repairs are the same.
fn every_split(options: &Options, input: &[u8]) -> Seen {
    let whole = seen(options, &[input]);
    let comparable = |s: Seen| match s.error {
        Some(_) => Seen {
            json: None,
            items: Vec::new(),
            replayed: None,
            ..s
        },
        None => s,
    };
    let whole = comparable(whole);
    let seen = |options: &Options, pieces: &[&[u8]]| comparable(seen(options, pieces));
    for cut in 1..input.len() {
        let got = seen(options, &cut_at(input, &[cut]));
        assert_eq!(
            got,
            whole,
            "{:?} cut at {cut}",
            String::from_utf8_lossy(input)
        );
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        seen(options, &bytes),
        whole,
        "{:?} byte by byte",
        String::from_utf8_lossy(input)
    );
    whole
}

fn repaired(options: &Options, input: &str) -> (String, Vec<(Kind, u64)>) {
    let got = every_split(options, input.as_bytes());
    assert_eq!(got.error, None, "{input}");
    (got.json.unwrap_or_default(), got.repairs)
}

use Kind::*;

/// Each kind: input, the repaired value, the repairs (kind, offset).
#[allow(clippy::type_complexity)]
const CASES: &[(Kind, &str, &str, &[(Kind, u64)])] = &[
    (
        UnescapedQuote,
        r#"{"quote": "she said "hi" to me"}"#,
        r#"{"quote":"she said \"hi\" to me"}"#,
        &[(UnescapedQuote, 20), (UnescapedQuote, 23)],
    ),
    (
        UnescapedQuote,
        r#"["a "b" c", "d"]"#,
        r#"["a \"b\" c","d"]"#,
        &[(UnescapedQuote, 4), (UnescapedQuote, 6)],
    ),
    (
        UnescapedQuote,
        r#"{"k": "x"  ,  "y": "5" }"#,
        r#"{"k":"x","y":"5"}"#,
        &[],
    ),
    (UnescapedQuote, "{\"a\": \"1\"\n}", r#"{"a":"1"}"#, &[]),
    (
        ControlCharacter,
        "{\"a\": \"line\none\ttab\"}",
        r#"{"a":"line\none\ttab"}"#,
        &[(ControlCharacter, 11), (ControlCharacter, 15)],
    ),
    (
        ControlCharacter,
        "[\"\x01\"]",
        r#"["\u0001"]"#,
        &[(ControlCharacter, 2)],
    ),
    (
        Number,
        "[.5, 5., +5, 1_000, 007, -.25e2]",
        "[0.5,5.0,5,1000,7,-0.25e2]",
        &[
            (Number, 1),
            (Number, 5),
            (Number, 9),
            (Number, 13),
            (Number, 20),
            (Number, 25),
        ],
    ),
    (Number, "{\"n\": 1.5}", "{\"n\":1.5}", &[]),
    (
        UnquotedString,
        "{\"id\": 3f2a-11, \"r\": 1/3}",
        r#"{"id":"3f2a-11","r":"1/3"}"#,
        &[(UnquotedString, 7), (UnquotedString, 21)],
    ),
    (
        UnquotedString,
        "{\"status\": in progress  \n}",
        r#"{"status":"in progress"}"#,
        &[(UnquotedString, 11)],
    ),
    (
        UnquotedString,
        "[say \"hi\", ok]",
        r#"["say \"hi\"","ok"]"#,
        &[(UnquotedString, 1), (UnquotedString, 11)],
    ),
    (
        SingleQuotes,
        "{'a': 'it's', 'b': \"x\"}",
        r#"{"a":"it's","b":"x"}"#,
        &[
            (SingleQuotes, 1),
            (SingleQuotes, 6),
            (UnescapedQuote, 9),
            (SingleQuotes, 14),
        ],
    ),
    (
        SingleQuotes,
        r#"['say "x"', 'a\'b']"#,
        r#"["say \"x\"","a'b"]"#,
        &[(SingleQuotes, 1), (SingleQuotes, 12)],
    ),
    (
        CurlyQuotes,
        "{“name”: “Ann “Jo” Lee”, ‘it’s’: ‘x’}",
        r#"{"name":"Ann “Jo” Lee","it’s":"x"}"#,
        &[
            (CurlyQuotes, 1),
            (CurlyQuotes, 13),
            (UnescapedQuote, 20),
            (UnescapedQuote, 25),
            (CurlyQuotes, 37),
            (UnescapedQuote, 42),
            (CurlyQuotes, 51),
        ],
    ),
    (
        CurlyQuotes,
        "[“a \"b\" — c”, “”]",
        r#"["a \"b\" — c",""]"#,
        &[(CurlyQuotes, 1), (CurlyQuotes, 20)],
    ),
    (
        UnquotedKey,
        "{name: \"x\", $id_2: 1}",
        r#"{"name":"x","$id_2":1}"#,
        &[(UnquotedKey, 1), (UnquotedKey, 12)],
    ),
    (
        Comment,
        "{\"a\": 1, // note\n \"b\": /* two */ 2 # three\n}",
        r#"{"a":1,"b":2}"#,
        &[(Comment, 9), (Comment, 23), (Comment, 35)],
    ),
    (Comment, "[1 /* , 2 */, 3]", "[1,3]", &[(Comment, 3)]),
    (
        Literal,
        "[True, False, None, undefined, NaN, Infinity, -Infinity]",
        "[true,false,null,null,null,null,null]",
        &[
            (Literal, 1),
            (Literal, 7),
            (Literal, 14),
            (Literal, 20),
            (Literal, 31),
            (Literal, 36),
            (Literal, 46),
        ],
    ),
    (Literal, "{\"ok\": True}", r#"{"ok":true}"#, &[(Literal, 7)]),
    (
        Tuple,
        "{\"p\": (1, (2, 3))}",
        r#"{"p":[1,[2,3]]}"#,
        &[(Tuple, 6), (Tuple, 10)],
    ),
    (
        TrailingComma,
        "{\"a\": [1, 2,], \"b\": 3,}",
        r#"{"a":[1,2],"b":3}"#,
        &[(TrailingComma, 11), (TrailingComma, 21)],
    ),
    (TrailingComma, "[1,\n\n  ]", "[1]", &[(TrailingComma, 2)]),
    (
        MissingComma,
        "{\"a\": 1 \"b\": [1 2\n3] \"c\": {}}",
        r#"{"a":1,"b":[1,2,3],"c":{}}"#,
        &[
            (MissingComma, 8),
            (MissingComma, 16),
            (MissingComma, 18),
            (MissingComma, 21),
        ],
    ),
    (
        MissingComma,
        r#"{"a": "x" "b": 2, "c": 'y'  'd': 3}"#,
        r#"{"a":"x","b":2,"c":"y","d":3}"#,
        &[
            (MissingComma, 10),
            (SingleQuotes, 23),
            (MissingComma, 28),
            (SingleQuotes, 28),
        ],
    ),
    (
        MissingComma,
        "{\"a\": \"x\"\n  b: 2}",
        r#"{"a":"x","b":2}"#,
        &[(MissingComma, 12), (UnquotedKey, 12)],
    ),
    (
        MissingComma,
        r#"["x" "y", "z"   ]"#,
        r#"["x","y","z"]"#,
        &[(MissingComma, 5)],
    ),
    // What does not look like the next key or item stays content.
    (
        UnescapedQuote,
        r#"{"q": "a "b" c: d", "r": "say "x" "y" now"}"#,
        r#"{"q":"a \"b\" c: d","r":"say \"x\" \"y\" now"}"#,
        &[
            (UnescapedQuote, 9),
            (UnescapedQuote, 11),
            (UnescapedQuote, 30),
            (UnescapedQuote, 32),
            (UnescapedQuote, 34),
            (UnescapedQuote, 36),
        ],
    ),
    (
        MissingColon,
        r#"{"a" 1, "b"  {"c" [2]}, "d" "e"}"#,
        r#"{"a":1,"b":{"c":[2]},"d":"e"}"#,
        &[
            (MissingColon, 5),
            (MissingColon, 13),
            (MissingColon, 18),
            (MissingColon, 28),
        ],
    ),
    (
        MissingColon,
        "{a 1, b: 2}",
        r#"{"a":1,"b":2}"#,
        &[(UnquotedKey, 1), (MissingColon, 3), (UnquotedKey, 6)],
    ),
    (
        Placeholder,
        "[1, 2, ...]",
        "[1,2]",
        &[(Placeholder, 7), (TrailingComma, 5)],
    ),
    (
        Placeholder,
        "[..., 1, …]",
        "[1]",
        &[(Placeholder, 1), (Placeholder, 9), (TrailingComma, 7)],
    ),
    (
        Bracket,
        "{\"a\": [1, 2}",
        r#"{"a":[1,2]}"#,
        &[(Bracket, 11)],
    ),
    (Bracket, "[{\"a\": 1]", r#"[{"a":1}]"#, &[(Bracket, 8)]),
    (Bracket, "[1, 2}", "[1,2]", &[(Bracket, 5)]),
    (
        PrematureClose,
        r#"{"a": {"b": 1}}, "c": 2}"#,
        r#"{"a":{"b":1},"c":2}"#,
        &[(PrematureClose, 14)],
    ),
    (
        PrematureClose,
        "{\"a\": 1}  ,\n  \"b\": [2]} ,'c' : 3, d: “e” }",
        r#"{"a":1,"b":[2],"c":3,"d":"e"}"#,
        &[
            (PrematureClose, 7),
            (PrematureClose, 22),
            (SingleQuotes, 25),
            (UnquotedKey, 34),
            (CurlyQuotes, 37),
        ],
    ),
    (
        PrematureClose,
        "{\"a\": 1,}, “b”: 2}",
        r#"{"a":1,"b":2}"#,
        &[(TrailingComma, 7), (PrematureClose, 8), (CurlyQuotes, 11)],
    ),
];

#[test]
fn each_repair_kind_at_every_split() {
    let mut wrong = Vec::new();
    for &(kind, input, json, repairs) in CASES {
        let options = Options::default().repair(Repairs::ALL);
        let (got, made) = repaired(&options, input);
        if (got.as_str(), made.as_slice()) != (json, repairs) {
            wrong.push(format!(
                "{kind}: {input}\n  got {got} {made:?}\n want {json} {repairs:?}"
            ));
            continue;
        }
        // The kind alone (with what its case needs besides) repairs it too;
        // without it, the input is not what it gives.
        let needs: Repairs = repairs.iter().map(|r| r.0).collect();
        let alone = Options::default().repair(needs.with(kind));
        assert_eq!(repaired(&alone, input).0, json, "{kind} alone: {input}");
        if !repairs.is_empty() {
            let without = Options::default().repair(Repairs::ALL.without(kind));
            let got = seen(&without, &[input.as_bytes()]);
            assert!(
                got.json.as_deref() != Some(json) || got.error.is_some() || !got.complete,
                "{kind} off: {input}: {got:?}"
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn repair_works_in_lenient_input_and_stops_after_the_value() {
    let options = Options::default()
        .repair(Repairs::ALL)
        .lenient(Lenient::Object);
    let input =
        "Sure! [1] Here:\n```json\n{\"name\": 'Ann', tags: [a, b,],} trailing {\"x\": 1}\n```";
    let (json, repairs) = repaired(&options, input);
    assert_eq!(json, r#"{"name":"Ann","tags":["a","b"]}"#);
    let kinds: Vec<Kind> = repairs.iter().map(|r| r.0).collect();
    assert_eq!(
        kinds,
        [
            SingleQuotes,
            UnquotedKey,
            UnquotedString,
            UnquotedString,
            TrailingComma,
            TrailingComma
        ]
    );
    // Offsets are those of the whole input, prose included.
    assert_eq!(repairs[0].1, input.find("'Ann").unwrap() as u64);
}

#[test]
fn markdown_fences_with_json_on_their_own_line() {
    for input in [
        "```json {\"a\": 1} ```",
        "```{\"a\": 1}```",
        "Result:\n```json {\"a\": 1}\n```",
    ] {
        for repair in [Repairs::NONE, Repairs::ALL] {
            let options = Options::default().lenient(Lenient::Any).repair(repair);
            let got = every_split(&options, input.as_bytes());
            assert_eq!(got.json.as_deref(), Some(r#"{"a":1}"#), "{input}");
            assert!(got.complete, "{input}");
        }
    }
}

#[test]
fn what_cannot_be_repaired_stays_an_error_with_its_position() {
    let options = Options::default().repair(Repairs::ALL);
    for (input, kind, offset) in [
        ("{\"a\": }", "ExpectedSomeValue", 6),
        ("{\"a\": 1}}", "TrailingCharacters", 8),
        ("[1, 2]]", "TrailingCharacters", 6),
        // Found by the fuzz target: a second comma is an error at its own
        // byte, whatever the chunking.
        ("{\"a\":\"b\",,\"c\":\"d\"}", "KeyMustBeAString", 9),
        ("{\"a\" x}", "EofWhileParsingString", 7),
    ] {
        let got = every_split(&options, input.as_bytes());
        match &got.error {
            Some((k, at)) => assert_eq!((k.as_str(), *at), (kind, offset), "{input}"),
            None if !got.complete => {
                assert_eq!(kind, "EofWhileParsingString", "{input}: {got:?}");
            }
            None => panic!("{input}: {got:?}"),
        }
    }
}

#[test]
fn hostile_input_still_hits_the_limits() {
    let options = Options::default().repair(Repairs::ALL);
    let deep = "[".repeat(200) + &"(".repeat(200);
    let got = seen(&options, &[deep.as_bytes()]);
    assert_eq!(
        got.error.as_ref().map(|e| e.0.as_str()),
        Some("RecursionLimitExceeded")
    );
    // A bare word longer than any number is a string, streamed, not held.
    let long = format!("[{}]", "9".repeat(10_000) + "x");
    let mut doc = Document::with_options(options.clone());
    for chunk in long.as_bytes().chunks(100) {
        doc.feed(chunk).unwrap();
        assert!(doc.heap_bytes() < 64 * 1024);
    }
}

/// Valid JSON: the corpora's documents give the same value, items, deltas
/// and no repair in repair mode as in strict mode, cut in pieces.
#[test]
fn valid_json_reads_as_in_strict_mode() {
    let mut files = Vec::new();
    for dir in ["json-bench", "jsontestsuite", "partial-json"] {
        for entry in std::fs::read_dir(corpora().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 20);
    for path in files {
        let input = std::fs::read(&path).unwrap();
        if input.len() > 200_000 {
            continue;
        }
        let strict = Options::default().items("".parse().unwrap());
        let repair = strict.clone().repair(Repairs::ALL);
        for size in [7, 64, 4096] {
            let pieces: Vec<&[u8]> = input.chunks(size).collect();
            let a = seen(&strict, &pieces);
            if a.error.is_some() || !a.complete {
                continue;
            }
            let b = seen(&repair, &pieces);
            assert_eq!(b, a, "{}", path.display());
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-z \"\\\\'/\n\t,:\\]\\}é]{0,8}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z\" ]{0,4}", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Generated valid JSON, compact or pretty, cut anywhere: repair mode
    /// gives what strict mode gives, and reports nothing.
    #[test]
    fn generated_valid_json_reads_as_in_strict_mode(
        value in json_value(),
        pretty in any::<bool>(),
        cuts in prop::collection::vec(0usize..400, 0..4),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let bytes = text.as_bytes();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let pieces = cut_at(bytes, &cuts);
        let strict = Options::default().items("".parse().unwrap());
        let a = seen(&strict, &pieces);
        let b = seen(&strict.repair(Repairs::ALL), &pieces);
        prop_assert_eq!(b, a);
    }
}

/// Found by the fuzz target: a line end after a quote that turns out to be
/// content is a control character in the string, at every chunking.
#[test]
fn whitespace_after_a_quote_that_is_content_is_string_content() {
    let options = Options::default().repair(Repairs::ALL);
    let (json, repairs) = repaired(&options, "[\"a\"\nb\"]");
    assert_eq!(json, r#"["a\"\nb"]"#);
    assert_eq!(repairs, [(UnescapedQuote, 3), (ControlCharacter, 4)]);
}

/// `NaN` and the infinities: `null` by default, or a string, or an error
/// at the word, as asked, at every chunking.
#[test]
fn non_finite_numbers_read_as_asked() {
    let input = "{\"a\": [NaN, Infinity, -Infinity, +Infinity]}";
    let reports = [(Literal, 7), (Literal, 12), (Literal, 22), (Literal, 33)];
    for (how, json) in [
        (NonFinite::Null, r#"{"a":[null,null,null,null]}"#),
        (
            NonFinite::String,
            r#"{"a":["NaN","Infinity","-Infinity","Infinity"]}"#,
        ),
    ] {
        let options = Options::default().repair(Repairs::ALL.non_finite(how));
        assert_eq!(
            repaired(&options, input),
            (json.to_owned(), reports.to_vec())
        );
    }
    let options = Options::default().repair(Repairs::ALL.non_finite(NonFinite::Error));
    let got = every_split(&options, input.as_bytes());
    assert_eq!(got.error, Some(("ExpectedSomeValue".to_owned(), 7)));
    let whole = seen(&options, &[input.as_bytes()]);
    assert_eq!(whole.json.as_deref(), Some(r#"{"a":[]}"#));
    assert_eq!(
        Repairs::ALL.non_finite(NonFinite::String).non_finite_as(),
        NonFinite::String
    );
    assert!(!Repairs::NONE.non_finite(NonFinite::Error).contains(Literal));
}

/// Pieces of what models write, well formed or not.
const PIECES: &[&str] = &[
    "{", "}", "[", "]", "(", ")", "\"a\"", "\"", "'b'", "'", ":", ",", " ", "\n", "1", ".5", "007",
    "tru", "True", "NaN", "x y", "//c\n", "/*", "*/", "#", "\\", "...", "“", "”", "’", "\"k\": ",
    "null", "-", "\t", "\u{1}", ",]", "}}", "::", "{\"", "\"x\" ", "e5", "a:", "}, ",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    /// Almost-JSON and broken JSON made of model-like pieces: the value,
    /// the repairs and the error (kind and offset), or the partial value
    /// and the repairs made before the error, are the same at every
    /// chunking, strict and lenient.
    #[test]
    fn sloppy_input_reads_the_same_at_every_chunking(
        pieces in prop::collection::vec(prop::sample::select(PIECES), 1..14),
        lenient in any::<bool>(),
        some_left_out in any::<bool>(),
        without in any::<u16>(),
    ) {
        let input = pieces.concat();
        let lenient = if lenient { Lenient::Any } else { Lenient::Off };
        // Some kinds left out at times, as the fuzz target does: those
        // whose bit of `without` is set (each of the 16 kinds has its own).
        let repairs = Kind::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !some_left_out || without & (1 << i) == 0)
            .map(|(_, k)| k)
            .collect();
        every_split(&Options::default().repair(repairs).lenient(lenient), input.as_bytes());
    }
}

/// Found by the property test above: a comma kept back at a chunk's end,
/// after a bare token the tokenizer judges, ends that token at the comma's
/// offset, so the error is at the same byte at every chunking.
#[test]
fn a_token_before_a_comma_kept_back_fails_at_the_comma() {
    let words = [
        Kind::Number,
        Kind::UnquotedString,
        Kind::Literal,
        Kind::Placeholder,
    ];
    let options = Options::default().repair(words.into_iter().fold(Repairs::ALL, Repairs::without));
    let got = every_split(&options, b"[-,1");
    assert_eq!(got.error, Some(("InvalidNumber".to_owned(), 2)));
}

/// Lenient input in repair mode: a value repair can read is found where it
/// starts, and prose in braces (or code: an unquoted key whose value is a
/// bare word that is no literal) is still prose.
#[test]
fn lenient_repair_finds_what_repair_can_read() {
    for (input, json) in [
        ("Here: {name: 'Ann', age: 3}", r#"{"name":"Ann","age":3}"#),
        (
            "See {see below} and {the answer}, then { 'a' : 1}",
            r#"{"a":1}"#,
        ),
        ("Result: [True, None] ok", "[true,null]"),
        ("Sure {“a”: ‘b’}.", r#"{"a":"b"}"#),
        ("{x} {y:z} [Nonesuch] ['q']", r#"["q"]"#),
        // Code in prose: a member whose value is a bare word other than a
        // literal is not taken for JSON.
        (
            "p := &Pool{\n    jobs:    make(chan Job, n), // queue\n}\nThen {ok: true}",
            r#"{"ok":true}"#,
        ),
    ] {
        let options = Options::default()
            .lenient(Lenient::Any)
            .repair(Repairs::ALL);
        let got = every_split(&options, input.as_bytes());
        assert_eq!(got.json.as_deref(), Some(json), "{input}");
        assert!(got.complete, "{input}");
        // Without repairs, none of them starts a value.
        let strict = seen(
            &Options::default().lenient(Lenient::Any),
            &[input.as_bytes()],
        );
        assert_ne!(strict.json.as_deref(), Some(json), "{input}");
    }
}

/// Found by the fuzz target: a backslash ending a chunk in a single-quoted
/// string is held, not left out and put back, so an error next to it is at
/// the same byte at every chunking.
#[test]
fn a_backslash_cut_off_in_single_quotes_keeps_its_offset() {
    let options = Options::default().repair(Repairs::ALL);
    let got = every_split(&options, b"['\"]\xed\\;;u");
    assert_eq!(got.error, Some(("InvalidUtf8".to_owned(), 4)));
    let (json, _) = repaired(&options, r"['a\'b\n', 'c\\']");
    assert_eq!(json, r#"["a'b\n","c\\"]"#);
}

/// A `}` that closes the root object is left out only when `,`, a key and
/// its `:` follow within the lookahead; otherwise (no colon, prose, a
/// nested object, too far, the end of input) everything reads as it does
/// without the repair, at every chunking.
#[test]
fn a_premature_close_folds_only_when_members_follow() {
    let far = format!("{{\"a\": 1}},{}\"b\": 2}}", " ".repeat(70));
    let long_key = format!("{{\"a\": 1}}, \"{}\": 2}}", "k".repeat(70));
    for input in [
        r#"{"a": 1}, "x"}"#,
        r#"{"a": 1}, "x" }"#,
        r#"{"a": 1} and then, "b": 2}"#,
        r#"{"a": 1}}, "b": 2}"#,
        r#"[{"a": 1}, "b": 2]"#,
        r#"{"a": 1}, "b"#,
        r#"{"a": 1}, "b\"c": 2}"#,
        "{\"a\": 1}, b c: 2}",
        "{\"a\": 1},",
        "{\"a\": 1}   ",
        &far,
        &long_key,
    ] {
        let with = Options::default().repair(Repairs::ALL);
        let without = Options::default().repair(Repairs::ALL.without(PrematureClose));
        let got = every_split(&with, input.as_bytes());
        assert!(
            got.repairs.iter().all(|r| r.0 != PrematureClose),
            "{input}: {got:?}"
        );
        assert_eq!(got, every_split(&without, input.as_bytes()), "{input}");
    }
    // The root's `}` with nothing after it: complete at every chunking.
    let options = Options::default().repair(Repairs::ALL);
    let got = every_split(&options, br#"{"a": {"b": 1}}"#);
    assert!(got.complete && got.repairs.is_empty(), "{got:?}");
}

/// Lenient input: what follows the value is prose, so only `,` and a key
/// in double quotes with its `:` fold a premature `}`; otherwise the `}`
/// ends the value and the prose after it is ignored, at every chunking.
#[test]
fn a_premature_close_in_lenient_input() {
    let options = Options::default()
        .lenient(Lenient::Any)
        .repair(Repairs::ALL);
    for (input, json, folds) in [
        (
            "Result: {\"a\": 1}, \"b\": 2} done, \"c\": 3}",
            r#"{"a":1,"b":2}"#,
            true,
        ),
        ("Here: {\"a\": 1}, then: more}", r#"{"a":1}"#, false),
        ("Here: {\"a\": 1}, 'b': 2}", r#"{"a":1}"#, false),
        ("Here: {\"a\": 1}, “b”: 2}", r#"{"a":1}"#, false),
        ("Here: {\"a\": 1}, \"b\" is next", r#"{"a":1}"#, false),
        ("Here: {\"a\": 1}, \"b", r#"{"a":1}"#, false),
    ] {
        let got = every_split(&options, input.as_bytes());
        assert_eq!(got.json.as_deref(), Some(json), "{input}: {got:?}");
        assert!(got.complete && got.error.is_none(), "{input}: {got:?}");
        let folded = got.repairs.iter().any(|r| r.0 == PrematureClose);
        assert_eq!(folded, folds, "{input}: {got:?}");
    }
}

/// Found by the fuzz target: in lenient input, a quote held until the
/// bytes after it say it is content, where the value then ends within
/// those bytes, ends the value there at every chunking: the prose after it
/// is not read as JSON.
#[test]
fn a_held_quote_read_again_stops_at_the_end_of_the_value() {
    let options = Options::default()
        .lenient(Lenient::Any)
        .repair(Repairs::ALL);
    let input = "Here: [\"\\\"d\"\"]i./<>?\"\n: \"A key\" more";
    let got = every_split(&options, input.as_bytes());
    assert_eq!(got.json.as_deref(), Some(r#"["\"d\""]"#), "{got:?}");
    assert!(got.complete && got.error.is_none(), "{got:?}");
}
