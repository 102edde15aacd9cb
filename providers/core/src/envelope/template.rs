//! Frames that repeat the one before but for one string.
//!
//! In a long answer almost every frame is the previous one with another
//! fragment: `{"id":"chatcmpl-…","object":"chat.completion.chunk",…,
//! "arguments":"<fragment>"}]}…}`, or Anthropic's `content_block_delta`
//! with another `partial_json`, give or take a string nobody reads
//! (OpenAI's random `obfuscation` padding). A decoder that has read such a
//! frame in full and found that the fragment is all it says can
//! [remember](Envelope::remember) it; the next frame is then checked
//! against it with byte comparisons and one string scan per hole
//! ([`Envelope::refill`]) instead of being lexed token by token.
//!
//! The shortcut gives what the full read would. The bytes before a hole
//! are the remembered frame's, so the lexer reaches the string in the same
//! state and the decoder has routed every field before it the same way;
//! the string is read by the lexer's own string scan (escapes, control
//! characters, UTF-8 checked as always) and must end exactly where the
//! remembered bytes start again, so the next bytes are the same tokens in
//! the same state. A hole is the wanted string or one the decoder skipped
//! (its content cannot change what it does). Whatever does not match
//! (another shape, a string that ends early, an error) is simply read in
//! full.
//!
//! ```
//! use structream_provider::envelope::Envelope;
//!
//! // This protocol pads its frames with a random `pad` string.
//! let mut envelope = Envelope::new().skipped_may_vary();
//! let first = br#"{"type":"delta","text":"Hel","pad":"x"}"#;
//! let (hole, _) = envelope.read(first, 0, |r| {
//!     let mut hole = 0..0;
//!     let start = r.token()?;
//!     r.object(start, &["type", "text"], |r, key, value| match key {
//!         "type" => r.string(value, "a string").map(drop),
//!         "text" => {
//!             hole = r.last_string();
//!             r.string(value, "a string").map(drop)
//!         }
//!         // What is skipped may differ from frame to frame.
//!         _ => r.skip(value),
//!     })?;
//!     Ok(hole)
//! })?;
//! envelope.remember(first, hole);
//!
//! let next = br#"{"type":"delta","text":"lo \"you\"","pad":"yz"}"#;
//! let (text, strings) = envelope.refill(next).unwrap();
//! assert_eq!(strings.get(text), r#"lo "you""#);
//! // Another shape: read it in full.
//! assert!(envelope.refill(br#"{"type":"stop","text":"x","pad":""}"#).is_none());
//! # Ok::<(), structream_provider::DecodeError>(())
//! ```

use std::ops::Range;

use super::lex::Lexer;
use super::{Envelope, Strings, Text};

/// A place where a frame like the remembered one may differ: a string's
/// raw content (between its quotes) or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hole {
    range: Range<usize>,
    number: bool,
}

impl Hole {
    pub(super) fn string(range: Range<usize>) -> Self {
        Hole {
            range,
            number: false,
        }
    }

    pub(super) fn number(range: Range<usize>) -> Self {
        Hole {
            range,
            number: true,
        }
    }

    /// Whether it is what it says in `data`.
    fn fits(&self, data: &[u8]) -> bool {
        let Range { start, end } = self.range;
        if self.number {
            start < end && end <= data.len()
        } else {
            start > 0
                && start <= end
                && data.get(start - 1) == Some(&b'"')
                && data.get(end) == Some(&b'"')
        }
    }
}

impl Envelope {
    /// Remembers `data`, a frame just read in full, as the template of the
    /// frames that follow: the same bytes but for the string whose raw
    /// content is `wanted` ([`Reader::last_string`](super::Reader::last_string)
    /// of that read) and the strings that read [skipped](super::Reader::skip).
    /// Call it right after the read, and only when the frame's events are
    /// a function of the wanted string alone, given the decoder's state.
    pub fn remember(&mut self, data: &[u8], wanted: Range<usize>) {
        let wanted = Hole::string(wanted);
        self.template.clear();
        self.holes.clear();
        if !wanted.fits(data) || !self.skipped.iter().all(|h| h.fits(data)) {
            return;
        }
        self.holes.extend(self.skipped.iter().cloned());
        self.holes.push(wanted.clone());
        self.holes.sort_unstable_by_key(|h| h.range.start);
        // Values do not overlap: one start each.
        self.holes.dedup_by_key(|h| h.range.start);
        self.wanted = self
            .holes
            .iter()
            .position(|h| *h == wanted)
            .unwrap_or_default();
        self.template.extend_from_slice(data);
    }

    /// Forgets the remembered frame.
    pub fn forget(&mut self) {
        self.template.clear();
        self.holes.clear();
    }

    /// When `data` is the remembered frame with other strings in its
    /// holes: the wanted one, read as [`Envelope::read`] would read it, and
    /// the [`Strings`] it points into. `None` when there is no template or
    /// `data` differs anywhere else (or a string is not valid JSON text):
    /// read `data` in full then.
    pub fn refill<'s>(&'s mut self, data: &'s [u8]) -> Option<(Text, Strings<'s>)> {
        if data.len() > super::MAX_FRAME {
            return None;
        }
        let wanted = self.holes.get(self.wanted)?.range.clone();
        let template = self.template.as_slice();
        // Most often nothing but the wanted string differs: two
        // comparisons, and the string's own bytes checked.
        let (prefix, suffix) = (&template[..wanted.start], &template[wanted.end..]);
        if let Some(end) = data.len().checked_sub(suffix.len())
            && end >= prefix.len()
            && data.starts_with(prefix)
            && data.ends_with(suffix)
        {
            // Its content and closing quote: both ends are ASCII quotes of
            // UTF-8 text, so this checks the whole frame's UTF-8.
            let tail = simdutf8::basic::from_utf8(&data[prefix.len()..=end]).ok()?;
            self.scratch.clear();
            let mut lex = Lexer::at(tail, 0);
            let text = lex.string(&mut self.scratch).ok()?;
            // It must end where the remembered bytes resume.
            return (lex.pos() == tail.len()).then_some((
                text,
                Strings {
                    data: tail,
                    scratch: &self.scratch,
                },
            ));
        }
        self.refill_holes(data)
    }

    /// [`Envelope::refill`] when a skipped value differs too: hole by
    /// hole.
    fn refill_holes<'s>(&'s mut self, data: &'s [u8]) -> Option<(Text, Strings<'s>)> {
        let template = self.template.as_slice();
        // Frames are a few hundred bytes: checking them whole is cheaper
        // than checking pieces.
        let text = simdutf8::basic::from_utf8(data).ok()?;
        self.scratch.clear();
        let (mut at, mut from) = (0, 0);
        let mut wanted = None;
        for (i, hole) in self.holes.iter().enumerate() {
            // The bytes up to the hole, a string's opening quote included.
            let same = &template[from..hole.range.start];
            if data.get(at..at + same.len())? != same {
                return None;
            }
            at += same.len();
            let mut lex = Lexer::at(text, at);
            if hole.number {
                if !matches!(data.get(at), Some(b'-' | b'0'..=b'9')) {
                    return None;
                }
                lex.number().ok()?;
                at = lex.pos();
            } else {
                let mark = self.scratch.len();
                let string = lex.string(&mut self.scratch).ok()?;
                if i == self.wanted {
                    wanted = Some(string);
                } else {
                    self.scratch.truncate(mark);
                }
                // At its closing quote, which the template's next bytes
                // begin with.
                at = lex.pos() - 1;
            }
            from = hole.range.end;
        }
        if data.get(at..)? != &template[from..] {
            return None;
        }
        Some((
            wanted?,
            Strings {
                data: text,
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
        let mut envelope = Envelope::new().skipped_may_vary();
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
            let mut envelope = Envelope::new().skipped_may_vary();
            let (want, _) = full(&mut envelope, data.as_bytes()).expect("valid");
            assert_eq!(refilled(t, data), Some(want), "{data}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_full_read() {
        let t = r#"{"a":1,"text":"ab","z":[true]}"#;
        for data in [
            // Other bytes before or after the string.
            r#"{"b":1,"text":"ab","z":[true]}"#,
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
        let mut envelope = Envelope::new().skipped_may_vary();
        let (_, hole) = full(&mut envelope, t.as_bytes()).expect("valid");
        envelope.remember(t.as_bytes(), hole);
        assert!(
            envelope
                .refill(b"{\"a\":1,\"text\":\"\xff\",\"z\":[true]}")
                .is_none()
        );
    }

    #[test]
    fn skipped_strings_may_differ_too() {
        let t = r#"{"id":"c1","text":"ab","obfuscation":"Xy\"z"}"#;
        for (data, want) in [
            (r#"{"id":"c1","text":"cd","obfuscation":"Q"}"#, Some("cd")),
            (r#"{"id":"c9","text":"\u0041","obfuscation":""}"#, Some("A")),
            (r#"{"id":"c1","text":"cd","obfuscation":"Q"} "#, None),
            (r#"{"id":"c1","text":"cd","obfuscation":"\q"}"#, None),
            (r#"{"id":"c1","text":"cd","obfuscation":1}"#, None),
            (r#"{"id":"c1","text":"cd","obfuscation":"Q","x":1}"#, None),
        ] {
            assert_eq!(refilled(t, data).as_deref(), want, "{data}");
        }
    }

    #[test]
    fn skipped_numbers_may_differ_too() {
        let t = r#"{"n":7,"text":"ab","m":-1.5e3}"#;
        for (data, want) in [
            (r#"{"n":8,"text":"cd","m":0}"#, Some("cd")),
            (
                r#"{"n":123456789012345678901234,"text":"","m":-0.25}"#,
                Some(""),
            ),
            (r#"{"n":"8","text":"cd","m":0}"#, None),
            (r#"{"n":08,"text":"cd","m":0}"#, None),
            (r#"{"n":8,"text":"cd","m":1.}"#, None),
            (r#"{"n":8x,"text":"cd","m":0}"#, None),
            (r#"{"n":-,"text":"cd","m":0}"#, None),
            (r#"{"n":8,"text":"cd","m":0"#, None),
        ] {
            assert_eq!(refilled(t, data).as_deref(), want, "{data}");
        }
    }

    #[test]
    fn skipped_values_are_fixed_unless_they_may_vary() {
        let t = br#"{"n":1,"text":"ab"}"#;
        let mut envelope = Envelope::new();
        let (_, hole) = full(&mut envelope, t).expect("valid");
        envelope.remember(t, hole);
        assert!(envelope.refill(br#"{"n":1,"text":"cd"}"#).is_some());
        assert!(envelope.refill(br#"{"n":2,"text":"cd"}"#).is_none());
    }

    #[test]
    fn no_template_until_one_is_remembered_and_none_after_forget() {
        let t = br#"{"text":"ab"}"#;
        let mut envelope = Envelope::new().skipped_may_vary();
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
