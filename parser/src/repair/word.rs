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
    if word == b"true" || word == b"false" || word == b"null" {
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

/// The JSON text of a number as a reader would mean it (`.5` → `0.5`,
/// `5.` → `5.0`, `+5` → `5`, `1_000` → `1000`, `007` → `7`), or `None`
/// for a word that is not a number.
fn number(word: &[u8]) -> Option<String> {
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
    let int = digits(int)?;
    let frac = match frac {
        Some(f) => Some(digits(f)?),
        None => None,
    };
    if int.is_empty() && frac.as_deref().is_none_or(str::is_empty) {
        return None;
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push_str(sign);
    let int = int.trim_start_matches('0');
    out.push_str(if int.is_empty() { "0" } else { int });
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(if frac.is_empty() { "0" } else { &frac });
    }
    if let Some((e, exp)) = exponent {
        let (exp_sign, exp_digits) = match exp.first() {
            Some(&s @ (b'+' | b'-')) => (Some(s), &exp[1..]),
            _ => (None, exp),
        };
        let exp_digits = digits(exp_digits)?;
        if exp_digits.is_empty() {
            return None;
        }
        out.push(char::from(e));
        if let Some(s) = exp_sign {
            out.push(char::from(s));
        }
        out.push_str(&exp_digits);
    }
    Some(out)
}

/// The ASCII digits of `text` with `_` between digits left out; `None` if
/// anything else is there (or `_` is not between digits).
fn digits(text: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'0'..=b'9' => out.push(char::from(b)),
            b'_' if i > 0
                && text[i - 1].is_ascii_digit()
                && text.get(i + 1).is_some_and(u8::is_ascii_digit) => {}
            _ => return None,
        }
    }
    Some(out)
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
}
