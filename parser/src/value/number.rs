//! Number text stored inline when short (almost always), boxed otherwise.

use std::fmt;

const INLINE: usize = 22;

/// The text of a JSON number, exactly as written.
///
/// Numbers of up to 22 bytes (every `i64`, `u64` and shortest `f64`) are
/// stored inline, so building a value does not allocate per number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RawNumber(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Boxed(Box<str>),
}

impl RawNumber {
    /// Wraps number text. The text is not checked against the JSON grammar.
    pub fn new(text: &str) -> Self {
        if text.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            RawNumber(Repr::Inline {
                len: text.len() as u8,
                bytes,
            })
        } else {
            RawNumber(Repr::Boxed(text.into()))
        }
    }

    /// Wraps number bytes from the tokenizer (ASCII, so a `str`): short
    /// ones are copied without a UTF-8 check, which `as_str` makes.
    #[inline]
    pub(crate) fn from_ascii(text: &[u8]) -> Self {
        if text.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..text.len()].copy_from_slice(text);
            RawNumber(Repr::Inline {
                len: text.len() as u8,
                bytes,
            })
        } else {
            RawNumber::new(std::str::from_utf8(text).unwrap_or(""))
        }
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Copied from a `&str` in `new`, so always valid UTF-8.
            Repr::Inline { len, bytes } => {
                crate::tokenizer::text::run(&bytes[..*len as usize]).unwrap_or("")
            }
            Repr::Boxed(s) => s,
        }
    }

    /// The nearest `f64`.
    pub fn as_f64(&self) -> f64 {
        self.as_str().parse().unwrap_or(f64::NAN)
    }

    /// The value as an `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().parse().ok()
    }

    /// The value as a `u64`, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_str().parse().ok()
    }
}

impl fmt::Debug for RawNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RawNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for RawNumber {
    fn from(text: &str) -> Self {
        RawNumber::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_boxed_keep_the_text() {
        for text in [
            "0",
            "-1.5e10",
            "1234567890123456789012",
            "12345678901234567890123",
        ] {
            assert_eq!(RawNumber::new(text).as_str(), text);
        }
        assert_eq!(std::mem::size_of::<RawNumber>(), 24);
    }
}
