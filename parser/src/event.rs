//! The events a [`Tokenizer`](crate::Tokenizer) hands out.

use std::fmt;

/// One step of a JSON document, borrowed from the fed chunk where it can be.
///
/// Strings and keys arrive as one or more [`Str`] fragments: a string that
/// lies inside one chunk and has no escape is a single fragment that is both
/// [first](Str::is_first) and [last](Str::is_last). Numbers and literals
/// arrive once their token is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// `{`
    ObjectStart,
    /// `}`
    ObjectEnd,
    /// `[`
    ArrayStart,
    /// `]`
    ArrayEnd,
    /// A fragment of an object key.
    Key(Str<'a>),
    /// A fragment of a string value.
    String(Str<'a>),
    /// A complete number, exactly as written.
    Number(Number<'a>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A decoded fragment of a string or key.
///
/// The text is borrowed from the input when it is a run of unescaped bytes
/// inside one chunk, and held inline (one character) when it comes from an
/// escape or from a UTF-8 sequence split between chunks.
#[derive(Clone, Copy)]
pub struct Str<'a> {
    text: Text<'a>,
    first: bool,
    last: bool,
}

#[derive(Clone, Copy)]
enum Text<'a> {
    Borrowed(&'a str),
    Char { bytes: [u8; 4], len: u8 },
}

impl<'a> Str<'a> {
    pub(crate) fn borrowed(text: &'a str, first: bool, last: bool) -> Self {
        Str {
            text: Text::Borrowed(text),
            first,
            last,
        }
    }

    pub(crate) fn char(c: char, first: bool) -> Self {
        let mut bytes = [0; 4];
        let len = c.encode_utf8(&mut bytes).len() as u8;
        Str {
            text: Text::Char { bytes, len },
            first,
            last: false,
        }
    }

    /// The decoded text of this fragment (possibly empty).
    pub fn as_str(&self) -> &str {
        match &self.text {
            Text::Borrowed(s) => s,
            // Always the UTF-8 encoding of one `char`, written by `Str::char`;
            // most are ASCII (`\n`, `\"`), which skip `from_utf8`'s call.
            Text::Char { bytes, len } => {
                crate::tokenizer::text::run(&bytes[..*len as usize]).unwrap_or("")
            }
        }
    }

    /// The text with the input's lifetime, when it is borrowed from the input.
    pub fn borrowed_str(&self) -> Option<&'a str> {
        match self.text {
            Text::Borrowed(s) => Some(s),
            Text::Char { .. } => None,
        }
    }

    /// Whether this fragment begins the string (its opening quote was read).
    pub fn is_first(&self) -> bool {
        self.first
    }

    /// Whether this fragment ends the string (its closing quote was read).
    pub fn is_last(&self) -> bool {
        self.last
    }

    /// Whether this fragment is the whole string.
    pub fn is_whole(&self) -> bool {
        self.first && self.last
    }
}

impl PartialEq for Str<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str() && self.first == other.first && self.last == other.last
    }
}

impl Eq for Str<'_> {}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())?;
        if self.first {
            f.write_str(" first")?;
        }
        if self.last {
            f.write_str(" last")?;
        }
        Ok(())
    }
}

/// A JSON number kept exactly as written; decode it on demand.
///
/// ```
/// # use structream_parser::{Tokenizer, Event};
/// let mut tok = Tokenizer::new();
/// let mut feed = tok.feed(b"[-12.5e1, 18446744073709551616]");
/// let mut numbers = Vec::new();
/// while let Some(event) = feed.next_event().unwrap() {
///     if let Event::Number(n) = event {
///         numbers.push((n.as_str().to_owned(), n.as_i64(), n.as_f64()));
///     }
/// }
/// assert_eq!(numbers[0], ("-12.5e1".to_owned(), None, -125.0));
/// assert_eq!(numbers[1].1, None); // beyond i64 and u64, still exact as text
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Number<'a> {
    /// The number's bytes, which the tokenizer has matched against the JSON
    /// number grammar, so they are ASCII. Kept as bytes so that a consumer
    /// that never reads the text does not pay for turning it into a `str`.
    text: &'a [u8],
}

impl<'a> Number<'a> {
    /// A number from bytes that match the JSON number grammar (ASCII).
    #[inline]
    pub(crate) fn from_ascii(text: &'a [u8]) -> Self {
        Number { text }
    }

    /// The number's bytes exactly as written (ASCII).
    #[inline]
    pub(crate) fn as_bytes(&self) -> &'a [u8] {
        self.text
    }

    /// The number's text exactly as written in the input.
    pub fn as_str(&self) -> &'a str {
        // ASCII by construction, so never the fallback (nor `from_utf8`).
        crate::tokenizer::text::run(self.text).unwrap_or("")
    }

    /// Whether the number has no fraction and no exponent.
    pub fn is_integer(&self) -> bool {
        !self.text.iter().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The value as an `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().parse().ok()
    }

    /// The value as a `u64`, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_str().parse().ok()
    }

    /// The nearest `f64` (infinite when out of range, as Rust's parser gives).
    pub fn as_f64(&self) -> f64 {
        self.as_str().parse().unwrap_or(f64::NAN)
    }
}

impl fmt::Debug for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.as_str())
    }
}

impl fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
