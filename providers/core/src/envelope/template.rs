//! Frames that repeat the one before but for one string.
//!
//! In a long answer almost every frame is the previous one with another
//! fragment: `{"id":"chatcmpl-…","object":"chat.completion.chunk",…,
//! "arguments":"<fragment>"}]}…}`, or Anthropic's `content_block_delta`
//! with another `partial_json`. A decoder that has read such a frame in
//! full and found that the fragment is all it says can
//! [remember](Envelope::remember) it; the next frame is then checked
//! against it with two byte comparisons and one string scan
//! ([`Envelope::refill`]) instead of being lexed token by token.
//!
//! The shortcut gives what the full read would: the bytes before the
//! string are the remembered frame's, so the lexer reaches the string in
//! the same state and the decoder has routed every field before it the
//! same way; the string is read by the lexer's own string scan (escapes,
//! control characters, UTF-8 checked as always) and must end exactly where
//! the remembered bytes start again; those bytes are then the same tokens
//! in the same state, so every field after it is the same too. Whatever
//! does not match (another shape, another id, a string that ends early, an
//! error) is simply read in full.
//!
//! ```
//! use structream_provider::envelope::{Envelope, Token};
//!
//! let mut envelope = Envelope::new();
//! let first = br#"{"type":"delta","text":"Hel"}"#;
//! let (hole, _) = envelope.read(first, 0, |r| {
//!     let mut hole = 0..0;
//!     let start = r.token()?;
//!     r.object(start, &["text"], |r, key, value| {
//!         if key == "text" && matches!(value, Token::String(_)) {
//!             hole = r.last_string();
//!         }
//!         r.skip(value)
//!     })?;
//!     Ok(hole)
//! })?;
//! envelope.remember(first, hole);
//!
//! let (text, strings) = envelope.refill(br#"{"type":"delta","text":"lo \"you\""}"#).unwrap();
//! assert_eq!(strings.get(text), r#"lo "you""#);
//! // Another shape: read it in full.
//! assert!(envelope.refill(br#"{"type":"stop","text":"x"}"#).is_none());
//! # Ok::<(), structream_provider::DecodeError>(())
//! ```

use std::ops::Range;

use super::lex::Lexer;
use super::{Envelope, Strings, Text};

impl Envelope {
    /// Remembers `data`, a frame just read in full, as the template of the
    /// frames that follow: the same bytes but for the string whose raw
    /// content is `hole` ([`Reader::last_string`](super::Reader::last_string)
    /// of that read). Call it only when the frame's events are a function
    /// of that string alone, given the decoder's state.
    pub fn remember(&mut self, data: &[u8], hole: Range<usize>) {
        let fits = hole.start > 0
            && hole.start <= hole.end
            && data.get(hole.start - 1) == Some(&b'"')
            && data.get(hole.end) == Some(&b'"');
        self.template.clear();
        if fits {
            self.template.extend_from_slice(data);
            self.hole = hole;
        }
    }

    /// Forgets the remembered frame.
    pub fn forget(&mut self) {
        self.template.clear();
    }

    /// When `data` is the remembered frame with another string in its
    /// hole: that string, read as [`Envelope::read`] would read it, and
    /// the [`Strings`] it points into. `None` when there is no template or
    /// `data` differs anywhere else (or the string is not valid JSON text):
    /// read `data` in full then.
    pub fn refill<'s>(&'s mut self, data: &'s [u8]) -> Option<(Text, Strings<'s>)> {
        if self.template.is_empty() {
            return None;
        }
        let (prefix, suffix) = (
            &self.template[..self.hole.start],
            &self.template[self.hole.end..],
        );
        let end = data.len().checked_sub(suffix.len())?;
        if end < prefix.len() || !data.starts_with(prefix) || &data[end..] != suffix {
            return None;
        }
        // The string's content and its closing quote: both ends are ASCII
        // quotes of UTF-8 text, so this checks the whole frame's UTF-8.
        let tail = simdutf8::basic::from_utf8(&data[prefix.len()..=end]).ok()?;
        self.scratch.clear();
        let mut lex = Lexer::new(tail);
        let text = lex.string(&mut self.scratch).ok()?;
        if lex.pos() != tail.len() {
            // The string ended before the remembered bytes resume.
            return None;
        }
        Some((
            text,
            Strings {
                data: tail,
                scratch: &self.scratch,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Token;

    /// Reads `{"k": "<text>", …}` in full; the hole is `text`'s.
    fn full(envelope: &mut Envelope, data: &[u8]) -> Option<(String, Range<usize>)> {
        let ((text, hole), strings) = envelope
            .read(data, 0, |r| {
                let (mut text, mut hole) = (None, 0..0);
                let first = r.token()?;
                r.object(first, &["text"], |r, key, value| {
                    if key == "text"
                        && let Token::String(t) = value
                    {
                        text = Some(t);
                        hole = r.last_string();
                    }
                    r.skip(value)
                })?;
                Ok((text, hole))
            })
            .ok()?;
        Some((strings.get(text?).to_owned(), hole))
    }

    fn refilled(template: &str, data: &str) -> Option<String> {
        let mut envelope = Envelope::new();
        let (_, hole) = full(&mut envelope, template.as_bytes())?;
        envelope.remember(template.as_bytes(), hole);
        let (text, strings) = envelope.refill(data.as_bytes())?;
        Some(strings.get(text).to_owned())
    }

    #[test]
    fn a_frame_that_differs_only_in_the_string_is_read_from_it() {
        let t = r#"{"a":1,"text":"ab","z":[true]}"#;
        for data in [
            r#"{"a":1,"text":"","z":[true]}"#,
            r#"{"a":1,"text":"x","z":[true]}"#,
            r#"{"a":1,"text":"\"q\" \\ \n \u00e9 \ud83d\ude00","z":[true]}"#,
            r#"{"a":1,"text":"é日本","z":[true]}"#,
            r#"{"a":1,"text":"\"}","z":[true]}"#,
        ] {
            let mut envelope = Envelope::new();
            let (want, _) = full(&mut envelope, data.as_bytes()).expect("valid");
            assert_eq!(refilled(t, data), Some(want), "{data}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_full_read() {
        let t = r#"{"a":1,"text":"ab","z":[true]}"#;
        for data in [
            // Other bytes before or after the string.
            r#"{"a":2,"text":"ab","z":[true]}"#,
            r#"{"a":1,"text":"ab","z":[false]}"#,
            r#"{"a":1,"text":"ab","z":[true]} "#,
            // The string ends early: the rest is not the template's.
            r#"{"a":1,"text":"a","z":"","z":[true]}"#,
            // Not JSON text inside the string.
            "{\"a\":1,\"text\":\"a\u{1}b\",\"z\":[true]}",
            r#"{"a":1,"text":"\x","z":[true]}"#,
            r#"{"a":1,"text":"\ud800","z":[true]}"#,
            r#"{"a":1,"text":"ab\","z":[true]}"#,
            // Shorter than the template's fixed bytes.
            r#"{"a":1,"text":""#,
            "",
        ] {
            assert_eq!(refilled(t, data), None, "{data}");
        }
        // Invalid UTF-8 in the hole.
        let mut envelope = Envelope::new();
        let (_, hole) = full(&mut envelope, t.as_bytes()).expect("valid");
        envelope.remember(t.as_bytes(), hole);
        assert!(
            envelope
                .refill(b"{\"a\":1,\"text\":\"\xff\",\"z\":[true]}")
                .is_none()
        );
    }

    #[test]
    fn no_template_until_one_is_remembered_and_none_after_forget() {
        let t = br#"{"text":"ab"}"#;
        let mut envelope = Envelope::new();
        assert!(envelope.refill(t).is_none());
        let (_, hole) = full(&mut envelope, t).expect("valid");
        envelope.remember(t, hole.clone());
        assert!(envelope.refill(t).is_some());
        envelope.forget();
        assert!(envelope.refill(t).is_none());
        // A hole that is not a string's content is not remembered.
        envelope.remember(t, 0..2);
        assert!(envelope.refill(t).is_none());
    }
}
