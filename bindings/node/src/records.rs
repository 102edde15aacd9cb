//! The text that carries one call's results to JavaScript.
//!
//! A feed's changes cross into JavaScript as one string, so a chunk costs
//! one string creation whatever it changed. The string is a run of records,
//! each a one-letter tag followed by its fields; a field is its length in
//! UTF-16 code units (what a JavaScript string's `length` counts), a comma,
//! and its text. Lengths rather than separators let a field hold any
//! character, NUL and commas included.
//!
//! | tag | fields | meaning |
//! | --- | --- | --- |
//! | `a` / `r` / `s` | path, value | add / replace (value is compact JSON) / append (value is raw text) |
//! | `A` / `R` / `S` | value | the same, at the path of the record before |
//! | `i` | path, index, json | item `index` of the array at `path` closed |
//! | `f` | kind, byte | a repair of almost-JSON was made at `byte` |
//! | `e` | kind, byte, line, column, message | the input is invalid |
//! | `c` | | the input held one whole value (from `finish`) |
//! | `x` | kind, byte, line, column, message | the input ended early (from `finish`) |
//!
//! The reader is `lib/tree.js`; the two change together.

use std::fmt::Write;

use structream_parser::Error;
use structream_parser::document::{Changes, DeltaOp, ItemEvent};

/// The length of `text` in UTF-16 code units.
fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    // Every character is one unit except those of four UTF-8 bytes (two);
    // continuation bytes start no character.
    text.bytes()
        .map(|b| match b {
            0x80..=0xBF => 0,
            0xF0..=0xFF => 2,
            _ => 1,
        })
        .sum()
}

/// Writes one field: its UTF-16 length, a comma, its text.
fn field(out: &mut String, text: &str) {
    let _ = write!(out, "{},", utf16_len(text));
    out.push_str(text);
}

/// Writes one numeric field.
fn number_field(out: &mut String, n: u64) {
    let mut digits = String::new();
    let _ = write!(digits, "{n}");
    field(out, &digits);
}

/// Builds the records of one call; remembers the path of the last change
/// across calls, so that a string growing chunk after chunk sends its path
/// once.
#[derive(Debug, Default)]
pub(crate) struct Records {
    last_path: Option<String>,
}

impl Records {
    /// The records of a feed's or finish's deltas and closed items.
    pub(crate) fn changes(&mut self, changes: &Changes<'_>, out: &mut String) {
        for delta in changes.deltas() {
            let tag = match delta.op() {
                DeltaOp::Add => 'a',
                DeltaOp::Replace => 'r',
                DeltaOp::Append => 's',
                // An operation added later: the value replaces what is there.
                _ => 'r',
            };
            if self.last_path.as_deref() == Some(delta.path()) {
                out.push(tag.to_ascii_uppercase());
            } else {
                out.push(tag);
                field(out, delta.path());
                let last = self.last_path.get_or_insert_with(String::new);
                last.clear();
                last.push_str(delta.path());
            }
            field(out, delta.value());
        }
        for item in changes.items() {
            if let ItemEvent::Done { path, index, json } = item {
                out.push('i');
                field(out, path);
                number_field(out, *index as u64);
                field(out, json);
            }
        }
        for repair in changes.repairs() {
            out.push('f');
            field(out, repair.kind().name());
            number_field(out, repair.offset());
        }
    }

    /// An error record (`e`), or the end of an incomplete input (`x`).
    pub(crate) fn error(&mut self, tag: char, error: &Error, out: &mut String) {
        out.push(tag);
        field(out, kind_name(error));
        number_field(out, error.offset());
        number_field(out, error.line());
        number_field(out, error.column());
        // Worded as the command line words it.
        field(out, &format!("{error} (byte {})", error.offset()));
    }
}

/// `"eof"`, `"syntax"` or `"limit"`: the error's category.
fn kind_name(error: &Error) -> &'static str {
    let kind = error.kind();
    if kind.is_eof() {
        "eof"
    } else if kind.is_limit() {
        "limit"
    } else {
        "syntax"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use structream_parser::document::{Document, Options};

    #[test]
    fn utf16_lengths_count_surrogate_pairs_twice() {
        assert_eq!(utf16_len(""), 0);
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("café"), 4);
        assert_eq!(utf16_len("東京"), 2);
        assert_eq!(utf16_len("😀"), 2);
        assert_eq!(utf16_len("a😀é東"), 5);
    }

    #[test]
    fn a_growing_string_sends_its_path_once() {
        let mut doc = Document::with_options(Options::default().deltas(true));
        let mut records = Records::default();
        let mut out = String::new();
        for chunk in [&b"{\"k,\": \"ab"[..], b"c\xC3\xA9", b"\"}"] {
            let changes = doc.feed(chunk).unwrap();
            records.changes(&changes, &mut out);
        }
        assert_eq!(out, "a0,2,{}a3,/k,2,\"\"S2,abS2,cé");
    }

    #[test]
    fn repairs_have_their_kind_and_byte() {
        use structream_parser::repair::Repairs;
        let mut doc = Document::with_options(Options::default().repair(Repairs::ALL));
        let mut records = Records::default();
        let mut out = String::new();
        let changes = doc.feed(b"[1,]").unwrap();
        records.changes(&changes, &mut out);
        assert_eq!(out, "f14,trailing-comma1,2");
    }

    #[test]
    fn items_and_errors_have_their_fields() {
        let options = Options::default().items("/u".parse().unwrap());
        let mut doc = Document::with_options(options);
        let mut records = Records::default();
        let mut out = String::new();
        let changes = doc.feed(b"{\"u\": [1, 2").unwrap();
        records.changes(&changes, &mut out);
        assert_eq!(out, "i2,/u1,01,1");
        out.clear();
        let error = doc.feed(b" x").unwrap_err();
        records.error('e', &error, &mut out);
        assert_eq!(
            out,
            "e6,syntax2,121,12,1349,expected `,` or `]` at line 1 column 13 (byte 12)"
        );
    }
}
