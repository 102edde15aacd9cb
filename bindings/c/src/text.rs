//! Texts handed to C: UTF-8 bytes followed by a NUL, in a buffer that is
//! reused from one call to the next.

use std::ffi::c_char;

/// A text and its terminating NUL (the NUL is not part of the text; JSON
/// and the messages never contain one, so C string functions see it all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CText(Vec<u8>);

impl Default for CText {
    fn default() -> Self {
        CText(vec![0])
    }
}

impl From<&str> for CText {
    fn from(text: &str) -> Self {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        CText(bytes)
    }
}

impl CText {
    /// Empties the buffer (keeping its capacity) for a new text to be
    /// written into it; [`CText::end`] seals it.
    pub(crate) fn start(&mut self) -> &mut Vec<u8> {
        self.0.clear();
        &mut self.0
    }

    /// Appends the NUL after a text written since [`CText::start`].
    pub(crate) fn end(&mut self) -> &CText {
        self.0.push(0);
        self
    }

    /// The text's length in bytes, without the NUL.
    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }

    /// The first byte of the text, followed by [`CText::len`] more bytes
    /// and the NUL.
    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }

    /// The text (always valid UTF-8: it is only ever written from `str`s
    /// and `Display` output).
    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0[..self.len()]).expect("written from str")
    }
}
