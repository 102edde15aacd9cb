//! Property tests: generated documents, rendered with random whitespace and
//! random escaping, must give the generator's own token sequence and
//! serde_json's value under any chunking; mutated documents must get
//! serde_json's verdict.

mod common;

use common::{Chunking, Run, Tok, as_serde, cut_at, run, run_pieces};
use proptest::prelude::*;
use structream_parser::Config;

/// `default` cases a property, or `PROPTEST_CASES` when it is set: fewer
/// for a quick run (each mutant of `scripts/mutants.sh tokenizer`), more
/// for a long one.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A generated JSON value, with the rendering choices baked in.
#[derive(Debug, Clone)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(Vec<(char, Esc)>),
    Arr(Vec<(String, J)>, String),
    Obj(Vec<Member>, String),
}

/// An object member: whitespace, key, whitespace, whitespace, value.
type Member = (String, Vec<(char, Esc)>, String, String, J);

/// How a character is written.
#[derive(Debug, Clone, Copy)]
enum Esc {
    Raw,
    Short,
    Unicode { upper: bool },
}

fn ws() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![" ", "\n", "\t", "\r\n", "  "]),
        0..3,
    )
    .prop_map(|v| v.concat())
}

fn number() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop_oneof![Just("0".to_string()), "[1-9][0-9]{0,24}"],
        prop::option::of("[0-9]{1,20}"),
        prop::option::of(("[eE]", "[+-]?", "[0-9]{1,2}")),
    )
        .prop_map(|(neg, int, frac, exp)| {
            let mut s = String::new();
            if neg {
                s.push('-');
            }
            s.push_str(&int);
            if let Some(f) = frac {
                s.push('.');
                s.push_str(&f);
            }
            if let Some((e, sign, digits)) = exp {
                s.push_str(&e);
                s.push_str(&sign);
                s.push_str(&digits);
            }
            s
        })
}

fn chars() -> impl Strategy<Value = Vec<(char, Esc)>> {
    let ch = prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec!['"', '\\', '/', '\n', '\t', '\u{0}', '\u{1f}', '\u{7f}', ' ']),
        1 => prop::char::range('\u{80}', '\u{7ff}'),
        1 => prop::char::range('\u{800}', '\u{ffff}'),
        1 => prop::char::range('\u{10000}', '\u{10ffff}'),
    ];
    let esc = prop_oneof![
        3 => Just(Esc::Raw),
        1 => Just(Esc::Short),
        1 => any::<bool>().prop_map(|upper| Esc::Unicode { upper }),
    ];
    prop::collection::vec((ch, esc), 0..12)
}

fn json() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        number().prop_map(J::Num),
        chars().prop_map(J::Str),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            (prop::collection::vec((ws(), inner.clone()), 0..6), ws())
                .prop_map(|(v, w)| J::Arr(v, w)),
            (
                prop::collection::vec((ws(), chars(), ws(), ws(), inner), 0..6),
                ws()
            )
                .prop_map(|(v, w)| J::Obj(v, w)),
        ]
    })
}

fn render_str(chars: &[(char, Esc)], out: &mut String) {
    out.push('"');
    for &(c, esc) in chars {
        let must = c == '"' || c == '\\' || c < ' ';
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            '\r' => Some("\\r"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            _ => None,
        };
        match (esc, short) {
            (Esc::Raw, _) if !must => out.push(c),
            (Esc::Short | Esc::Raw, Some(s)) => out.push_str(s),
            _ => {
                let upper = matches!(esc, Esc::Unicode { upper: true });
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if upper {
                        out.push_str(&format!("\\u{unit:04X}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
    }
    out.push('"');
}

/// Renders `j` and records the tokens it must give.
fn render(j: &J, out: &mut String, toks: &mut Vec<Tok>) {
    let text = |chars: &[(char, Esc)]| chars.iter().map(|&(c, _)| c).collect::<String>();
    match j {
        J::Null => {
            out.push_str("null");
            toks.push(Tok::Null);
        }
        J::Bool(b) => {
            out.push_str(if *b { "true" } else { "false" });
            toks.push(Tok::Bool(*b));
        }
        J::Num(n) => {
            out.push_str(n);
            toks.push(Tok::Num(n.clone()));
        }
        J::Str(chars) => {
            render_str(chars, out);
            toks.push(Tok::Str(text(chars)));
        }
        J::Arr(items, end_ws) => {
            out.push('[');
            toks.push(Tok::ArrayStart);
            for (i, (w, item)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(w);
                render(item, out, toks);
            }
            out.push_str(end_ws);
            out.push(']');
            toks.push(Tok::ArrayEnd);
        }
        J::Obj(members, end_ws) => {
            out.push('{');
            toks.push(Tok::ObjectStart);
            for (i, (w1, key, w2, w3, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(w1);
                render_str(key, out);
                toks.push(Tok::Key(text(key)));
                out.push_str(w2);
                out.push(':');
                out.push_str(w3);
                render(item, out, toks);
            }
            out.push_str(end_ws);
            out.push('}');
            toks.push(Tok::ObjectEnd);
        }
    }
}

fn document() -> impl Strategy<Value = (String, Vec<Tok>)> {
    (ws(), json(), ws()).prop_map(|(w1, j, w2)| {
        let mut out = w1;
        let mut toks = Vec::new();
        render(&j, &mut out, &mut toks);
        out.push_str(&w2);
        (out, toks)
    })
}

fn check_whole(doc: &str, toks: &[Tok]) -> Run {
    let whole = run(doc.as_bytes(), &Config::default(), Chunking::Whole);
    assert_eq!(whole.toks, toks, "{doc}");
    let value = whole
        .result
        .as_ref()
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    let expected: serde_json::Value = serde_json::from_str(doc).unwrap();
    assert_eq!(as_serde(value), expected, "{doc}");
    whole
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_tokenize_the_same_under_any_split(
        (doc, toks) in document(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        resume in any::<bool>(),
    ) {
        let whole = check_whole(&doc, &toks);
        let cuts: Vec<usize> = cuts.iter().map(|i| i.index(doc.len() + 1)).collect();
        let split = run_pieces(&cut_at(doc.as_bytes(), &cuts), &Config::default(), resume);
        prop_assert_eq!(split, whole);
    }

    #[test]
    fn generated_documents_tokenize_the_same_one_byte_at_a_time((doc, toks) in document()) {
        let whole = check_whole(&doc, &toks);
        prop_assert_eq!(run(doc.as_bytes(), &Config::default(), Chunking::Size(1)), whole);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(4096), ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_get_serde_jsons_verdict(
        (doc, _) in document(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>(), prop::sample::select(b"{}[]\",:\\0123456789-+.eEtrufalsn \n\x00\x7f\xc3\xa9\xff".to_vec())), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = doc.into_bytes();
        for (at, op, any_byte, interesting) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = interesting,
                1 => bytes.insert(i, interesting),
                2 if i < bytes.len() => { bytes.remove(i); }
                3 if i < bytes.len() => bytes[i] = any_byte,
                _ => bytes.truncate(i),
            }
        }
        let ours = run(&bytes, &Config::default(), Chunking::Whole);
        let theirs = serde_json::from_slice::<serde_json::Value>(&bytes);
        // Deliberate divergence: numbers are kept as written, never converted,
        // so we accept numbers beyond f64's range that serde_json rejects.
        let out_of_range = matches!(&theirs, Err(e) if e.to_string().starts_with("number out of range"));
        if !out_of_range {
            prop_assert_eq!(ours.result.is_ok(), theirs.is_ok(), "{:?}: {:?} vs {:?}", String::from_utf8_lossy(&bytes), ours.result, theirs);
        }
        if let (Ok(ours), Ok(theirs)) = (&ours.result, &theirs) {
            prop_assert_eq!(&as_serde(ours), theirs);
        }
        // And the verdict, tokens and error do not depend on where it is split.
        let split = run_pieces(&cut_at(&bytes, &[cut.index(bytes.len() + 1)]), &Config::default(), false);
        prop_assert_eq!(split, ours);
    }
}
