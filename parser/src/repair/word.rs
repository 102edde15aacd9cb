//! Bare words where a value belongs: valid numbers and literals, numbers
//! and literals JSON does not allow, placeholders, and everything else
//! (an unquoted string).

use super::{Kind, NonFinite};

/// What a bare word is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Word {
    /// Valid JSON as written (a number, `true`, `false`, `null`).
    Json,
    /// To be written as this JSON text instead.
    Replace(String, Kind),
    /// `NaN` or an infinity, read as the caller asks ([`NonFinite`]).
    NonFinite,
    /// A placeholder, dropped.
    Placeholder,
    /// Not yet known: more bytes may make it a number or literal.
    Prefix,
    /// An unquoted string.
    Str,
}

/// Literals of other languages and what they read as.
const LITERALS: [(&str, &str); 4] = [
    ("True", "true"),
    ("False", "false"),
    ("None", "null"),
    ("undefined", "null"),
];

/// Numbers JSON cannot write: `NaN` and the infinities.
const NON_FINITE: [&str; 4] = ["NaN", "Infinity", "-Infinity", "+Infinity"];

/// The JSON text of the non-finite number `word` as `how` reads it, or
/// `None` when it is to stay an error.
pub(super) fn non_finite(word: &[u8], how: NonFinite) -> Option<String> {
    match how {
        NonFinite::Null => Some("null".to_owned()),
        NonFinite::String => {
            let name = String::from_utf8_lossy(word);
            Some(format!("\"{}\"", name.trim_start_matches('+')))
        }
        NonFinite::Error => None,
    }
}

/// Placeholders dropped where an item belongs.
const PLACEHOLDERS: [&[u8]; 2] = [b"...", "…".as_bytes()];

/// Classifies `word`; `complete` when it has ended (otherwise a word that
/// may still become a number or literal is a [`Word::Prefix`]).
pub(super) fn classify(word: &[u8], complete: bool) -> Word {
    if is_json(word) {
        return Word::Json;
    }
    if let Some((_, json)) = LITERALS.iter().find(|(l, _)| l.as_bytes() == word) {
        return Word::Replace((*json).to_owned(), Kind::Literal);
    }
    if NON_FINITE.iter().any(|n| n.as_bytes() == word) {
        return Word::NonFinite;
    }
    if PLACEHOLDERS.contains(&word) {
        return Word::Placeholder;
    }
    if let Some(number) = number(word) {
        return if number.as_bytes() == word {
            Word::Json
        } else {
            Word::Replace(number, Kind::Number)
        };
    }
    let prefix_of = |whole: &[u8]| whole.len() > word.len() && whole.starts_with(word);
    let may_grow = !complete
        && (word.iter().all(|b| b"+-0123456789._eE".contains(b))
            || [&b"true"[..], b"false", b"null"].into_iter().any(prefix_of)
            || LITERALS.iter().any(|(l, _)| prefix_of(l.as_bytes()))
            || NON_FINITE.iter().any(|n| prefix_of(n.as_bytes()))
            || PLACEHOLDERS.into_iter().any(prefix_of));
    if may_grow { Word::Prefix } else { Word::Str }
}

/// Whether a bare word is valid JSON as it is: a number or a literal.
pub(super) fn is_json(word: &[u8]) -> bool {
    match word {
        b"true" | b"false" | b"null" => true,
        _ => {
            let digits = |from: usize| {
                word[from..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(word.len(), |p| from + p)
            };
            let mut i = usize::from(word.first() == Some(&b'-'));
            match word.get(i) {
                Some(b'0') => i += 1,
                Some(b'1'..=b'9') => i = digits(i + 1),
                _ => return false,
            }
            if word.get(i) == Some(&b'.') {
                let end = digits(i + 1);
                if end == i + 1 {
                    return false;
                }
                i = end;
            }
            if matches!(word.get(i), Some(b'e' | b'E')) {
                i += 1;
                if matches!(word.get(i), Some(b'+' | b'-')) {
                    i += 1;
                }
                let end = digits(i);
                if end == i {
                    return false;
                }
                i = end;
            }
            i == word.len()
        }
    }
}

/// The parts of a number as written, in the forms [`number`] reads.
struct Parts<'w> {
    sign: &'static str,
    int: &'w [u8],
    frac: Option<&'w [u8]>,
    /// The `e` or `E`, the exponent's sign and its digits.
    exponent: Option<(u8, Option<u8>, &'w [u8])>,
}

impl<'w> Parts<'w> {
    /// The parts of `word`, or `None` for a word that is not a number
    /// (checked without allocating: most words are not repaired).
    fn of(word: &'w [u8]) -> Option<Parts<'w>> {
        let (sign, rest) = match word.first()? {
            b'-' => ("-", &word[1..]),
            b'+' => ("", &word[1..]),
            _ => ("", word),
        };
        let (mantissa, exponent) = match rest.iter().position(|&b| b == b'e' || b == b'E') {
            Some(e) => (&rest[..e], Some((rest[e], &rest[e + 1..]))),
            None => (rest, None),
        };
        let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
            Some(dot) => (&mantissa[..dot], Some(&mantissa[dot + 1..])),
            None => (mantissa, None),
        };
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            return None;
        }
        if int.is_empty() && frac.is_none_or(<[u8]>::is_empty) {
            return None;
        }
        let exponent = match exponent {
            Some((e, exp)) => {
                let (exp_sign, exp_digits) = match exp.first() {
                    Some(&s @ (b'+' | b'-')) => (Some(s), &exp[1..]),
                    _ => (None, exp),
                };
                if exp_digits.is_empty() || !digits(exp_digits) {
                    return None;
                }
                Some((e, exp_sign, exp_digits))
            }
            None => None,
        };
        Some(Parts {
            sign,
            int,
            frac,
            exponent,
        })
    }
}

/// The JSON text of a number as a reader would mean it (`.5` → `0.5`,
/// `5.` → `5.0`, `+5` → `5`, `1_000` → `1000`, `007` → `7`), or `None`
/// for a word that is not a number.
fn number(word: &[u8]) -> Option<String> {
    let parts = Parts::of(word)?;
    let mut out = String::with_capacity(word.len() + 2);
    out.push_str(parts.sign);
    let first = parts.int.iter().position(|&b| b != b'0' && b != b'_');
    match first {
        Some(at) => push_digits(&mut out, &parts.int[at..]),
        None => out.push('0'),
    }
    if let Some(frac) = parts.frac {
        out.push('.');
        if frac.is_empty() {
            out.push('0');
        }
        push_digits(&mut out, frac);
    }
    if let Some((e, exp_sign, exp_digits)) = parts.exponent {
        out.push(char::from(e));
        if let Some(s) = exp_sign {
            out.push(char::from(s));
        }
        push_digits(&mut out, exp_digits);
    }
    Some(out)
}

/// Whether `text` is ASCII digits with `_` only between digits.
fn digits(text: &[u8]) -> bool {
    text.iter().enumerate().all(|(i, &b)| match b {
        b'0'..=b'9' => true,
        b'_' => {
            i > 0 && text[i - 1].is_ascii_digit() && text.get(i + 1).is_some_and(u8::is_ascii_digit)
        }
        _ => false,
    })
}

/// Pushes the digits of `text` (checked by [`digits`]), `_` left out.
fn push_digits(out: &mut String, text: &[u8]) {
    out.extend(text.iter().filter(|&&b| b != b'_').map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_a_reader_would_mean_them() {
        let replaced = |w: &str| match classify(w.as_bytes(), true) {
            Word::Replace(json, _) => json,
            other => panic!("{w}: {other:?}"),
        };
        for (word, json) in [
            (".5", "0.5"),
            ("-.5", "-0.5"),
            ("5.", "5.0"),
            ("+5", "5"),
            ("1_000", "1000"),
            ("007", "7"),
            ("-007.50", "-7.50"),
            ("1.5E+3_0", "1.5E+30"),
            ("None", "null"),
            ("True", "true"),
        ] {
            assert_eq!(replaced(word), json, "{word}");
        }
        for word in ["0", "-1.5e-3", "12", "true", "null", "1E5"] {
            assert_eq!(classify(word.as_bytes(), true), Word::Json, "{word}");
        }
        for word in [
            "1/3", "abc", "1__0", "_1", "1e", "-", ".", "+", "1.2.3", "Nonesuch",
        ] {
            assert_eq!(classify(word.as_bytes(), true), Word::Str, "{word}");
        }
        for word in ["Non", "..", "-Inf", "1e", "tr", "1_", "Na"] {
            assert_eq!(classify(word.as_bytes(), false), Word::Prefix, "{word}");
        }
        for word in ["NaN", "Infinity", "-Infinity", "+Infinity"] {
            assert_eq!(classify(word.as_bytes(), true), Word::NonFinite, "{word}");
            let got = |how| non_finite(word.as_bytes(), how);
            assert_eq!(got(NonFinite::Null).as_deref(), Some("null"));
            let name = word.trim_start_matches('+');
            assert_eq!(got(NonFinite::String), Some(format!("\"{name}\"")));
            assert_eq!(got(NonFinite::Error), None);
        }
        assert_eq!(classify(b"...", true), Word::Placeholder);
        assert_eq!(classify("…".as_bytes(), true), Word::Placeholder);
    }

    /// A word is valid JSON exactly when it reads as itself, so that the
    /// check for valid JSON, which comes first, decides nothing the
    /// reading of numbers would decide otherwise. Every word of up to four
    /// bytes of what numbers are made of.
    #[test]
    fn valid_json_words_read_as_themselves() {
        const BYTES: &[u8] = b"0123456789-+.eE_x";
        let mut valid = 0;
        for len in 1..=4u32 {
            for n in 0..BYTES.len().pow(len) {
                let word: Vec<u8> = (0..len)
                    .map(|k| BYTES[n / BYTES.len().pow(k) % BYTES.len()])
                    .collect();
                let json = is_json(&word);
                let reads_as_itself = number(&word).is_some_and(|n| n.as_bytes() == word);
                assert_eq!(json, reads_as_itself, "{word:?}");
                valid += usize::from(json);
            }
        }
        assert!(valid > 1000, "{valid}");
        for word in ["true", "false", "null"] {
            assert!(is_json(word.as_bytes()));
        }
        for word in ["True", "nul", "-", "01", "1.", ".1", "1e", "+1", "1_0"] {
            assert!(!is_json(word.as_bytes()), "{word}");
        }
    }
}
