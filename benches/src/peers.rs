//! The peers' way of streaming: re-parse the whole accumulated output after
//! every chunk.
//!
//! - [`jiter_reparse`]: `jiter::JsonValue::parse_with_config(…,
//!   PartialMode::TrailingStrings)` on the accumulated bytes, what Instructor
//!   and the OpenAI and Anthropic Python SDKs do (through `jiter.from_json`
//!   with `partial_mode="trailing-strings"`).
//! - [`close_and_reparse`]: what the JavaScript peers (Vercel AI's
//!   `parsePartialJson`/`fixJson`, the OpenAI and Anthropic Node SDKs'
//!   `partial-json`, LangChain.js) do: work out which brackets and quote are
//!   open, append their closers to the accumulated text, and hand the result
//!   to a full JSON parser (here `serde_json::from_slice::<Value>`).
//!   [`Closer`] keeps its bracket state incrementally, which is cheaper than
//!   the peers (they rescan the text on every call); the re-parse dominates
//!   anyway.

use serde_json::Value;

/// One pass of the re-parse approach over `chunks`, using jiter in
/// trailing-strings partial mode. Returns how many chunks gave a value (a
/// chunk that ends inside a UTF-8 character or before the first `{` gives
/// none, and the consumer keeps its previous value).
pub fn jiter_reparse<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> usize {
    let mut buf = Vec::new();
    let mut parsed = 0;
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        parsed += usize::from(jiter_partial(&buf).is_some());
    }
    parsed
}

/// Parses the accumulated bytes as jiter's partial mode does (the value is
/// dropped before returning, as a consumer dropping each snapshot would).
pub fn jiter_partial(buf: &[u8]) -> Option<()> {
    let value =
        jiter::JsonValue::parse_with_config(buf, false, jiter::PartialMode::TrailingStrings)
            .ok()?;
    std::hint::black_box(&value);
    Some(())
}

/// One pass of the close-and-reparse approach over `chunks`: after every
/// chunk, the accumulated text with its closers appended is parsed by
/// `serde_json`. Returns how many chunks gave a value.
pub fn close_and_reparse<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> usize {
    let mut closer = Closer::new();
    let mut parsed = 0;
    for chunk in chunks {
        closer.push(chunk);
        parsed += usize::from(closer.parse().is_some());
    }
    parsed
}

/// Where the scan is in the JSON grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value is expected (top level, after `:`, after `,` in an array).
    Value,
    /// Just after `[`: a value or `]`.
    ArrayStart,
    /// Just after `{`: a key or `}`.
    ObjectStart,
    /// After `,` in an object: a key.
    Key,
    /// Inside a key.
    InKey,
    /// After a key: `:`.
    AfterKey,
    /// Inside a string value.
    InString,
    /// Inside a number or literal.
    InScalar,
    /// After a value: `,` or a closing bracket.
    AfterValue,
    /// The top-level value is complete.
    Done,
}

/// Closes a JSON prefix so that a full parser accepts it: the last point
/// where the text can be cut and closed (after a complete value, after an
/// opening bracket, or inside a string value after a whole character), and
/// the closers of the brackets open there.
///
/// A key, a `:`, a `,`, a half-written number (`1.`, `-`), literal (`tru`),
/// escape or UTF-8 character is dropped until it is complete, as the
/// JavaScript peers do. `\u` escapes of lone surrogates are not handled (the
/// benchmark documents carry none).
#[derive(Debug, Default)]
pub struct Closer {
    text: Vec<u8>,
    /// The closers of the open containers, innermost last.
    stack: Vec<u8>,
    state: Option<State>,
    /// Length of the longest prefix that closes cleanly.
    safe: usize,
    /// Whether that prefix ends inside a string value (needs a `"`).
    safe_in_string: bool,
    /// 0: no escape; 1: after `\`; 10 + n: n hex digits of `\u` to come.
    escape: u8,
    /// UTF-8 continuation bytes still to come.
    utf8: u8,
    scalar_start: usize,
    repaired: Vec<u8>,
}

impl Closer {
    /// An empty buffer.
    pub fn new() -> Self {
        Closer::default()
    }

    /// The text so far.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// Appends a chunk.
    pub fn push(&mut self, chunk: &[u8]) {
        let start = self.text.len();
        self.text.extend_from_slice(chunk);
        for i in start..self.text.len() {
            self.byte(i);
        }
    }

    /// The closed text, or `None` before anything can be shown.
    pub fn repaired(&mut self) -> Option<&[u8]> {
        if self.safe == 0 {
            return None;
        }
        self.repaired.clear();
        self.repaired.extend_from_slice(&self.text[..self.safe]);
        if self.safe_in_string {
            self.repaired.push(b'"');
        }
        self.repaired.extend(self.stack.iter().rev());
        Some(&self.repaired)
    }

    /// The closed text parsed by `serde_json`.
    pub fn parse(&mut self) -> Option<Value> {
        serde_json::from_slice(self.repaired()?).ok()
    }

    fn mark(&mut self, i: usize, in_string: bool) {
        self.safe = i + 1;
        self.safe_in_string = in_string;
    }

    fn after_value(&mut self, i: usize) {
        self.state = Some(if self.stack.is_empty() {
            State::Done
        } else {
            State::AfterValue
        });
        self.mark(i, false);
    }

    fn open(&mut self, i: usize, b: u8) {
        if b == b'{' {
            self.stack.push(b'}');
            self.state = Some(State::ObjectStart);
        } else {
            self.stack.push(b']');
            self.state = Some(State::ArrayStart);
        }
        self.mark(i, false);
    }

    fn close(&mut self, i: usize) {
        self.stack.pop();
        self.after_value(i);
    }

    /// Steps an escape; true when it is complete.
    fn escape_step(&mut self, b: u8) -> bool {
        match self.escape {
            1 if b == b'u' => self.escape = 14,
            1 | 11 => self.escape = 0,
            _ => self.escape -= 1,
        }
        self.escape == 0
    }

    fn byte(&mut self, i: usize) {
        let b = self.text[i];
        let state = self.state.unwrap_or(State::Value);
        let ws = matches!(b, b' ' | b'\n' | b'\r' | b'\t');
        match state {
            State::Value | State::ArrayStart => match b {
                _ if ws => {}
                b'{' | b'[' => self.open(i, b),
                b']' if state == State::ArrayStart => self.close(i),
                b'"' => {
                    self.state = Some(State::InString);
                    self.mark(i, true);
                }
                _ => {
                    self.state = Some(State::InScalar);
                    self.scalar_start = i;
                    self.scalar_byte(i);
                }
            },
            State::ObjectStart | State::Key => match b {
                b'"' => self.state = Some(State::InKey),
                b'}' if state == State::ObjectStart => self.close(i),
                _ => {}
            },
            State::InKey => {
                if self.escape > 0 {
                    self.escape_step(b);
                } else if b == b'\\' {
                    self.escape = 1;
                } else if b == b'"' {
                    self.state = Some(State::AfterKey);
                }
            }
            State::AfterKey => {
                if b == b':' {
                    self.state = Some(State::Value);
                }
            }
            State::InString => {
                if self.escape > 0 {
                    if self.escape_step(b) {
                        self.mark(i, true);
                    }
                } else if self.utf8 > 0 {
                    self.utf8 -= 1;
                    if self.utf8 == 0 {
                        self.mark(i, true);
                    }
                } else if b == b'\\' {
                    self.escape = 1;
                } else if b == b'"' {
                    self.after_value(i);
                } else if b >= 0xC0 {
                    self.utf8 = if b >= 0xF0 {
                        3
                    } else if b >= 0xE0 {
                        2
                    } else {
                        1
                    };
                } else {
                    self.mark(i, true);
                }
            }
            State::InScalar => {
                if ws || matches!(b, b',' | b']' | b'}') {
                    self.state = Some(State::AfterValue);
                    self.byte(i);
                } else {
                    self.scalar_byte(i);
                }
            }
            State::AfterValue => match b {
                b',' => {
                    self.state = Some(if self.stack.last() == Some(&b'}') {
                        State::Key
                    } else {
                        State::Value
                    });
                }
                b'}' | b']' => self.close(i),
                _ => {}
            },
            State::Done => {}
        }
    }

    fn scalar_byte(&mut self, i: usize) {
        let b = self.text[i];
        let word = &self.text[self.scalar_start..=i];
        if b.is_ascii_digit() || matches!(word, b"true" | b"false" | b"null") {
            if self.stack.is_empty() {
                // A top-level scalar may still grow: nothing to show yet.
                return;
            }
            self.mark(i, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{llm_chunks, llm_document};

    /// Every prefix of a document closes into JSON that parses, and the
    /// whole document closes into itself.
    #[test]
    fn every_prefix_closes_and_parses() {
        let doc = llm_document(3_000);
        let full: Value = serde_json::from_slice(&doc).unwrap();
        let mut shown = 0;
        for end in 0..=doc.len() {
            let mut closer = Closer::new();
            closer.push(&doc[..end]);
            let Some(text) = closer.repaired() else {
                assert!(!doc[..end].contains(&b'{'), "{end}");
                continue;
            };
            let text = text.to_vec();
            let value: Value = serde_json::from_slice(&text).unwrap_or_else(|e| {
                panic!("prefix {end}: {e}: {}", String::from_utf8_lossy(&text))
            });
            assert!(value.is_object());
            shown += 1;
        }
        assert!(shown + 10 > doc.len());
        let mut closer = Closer::new();
        closer.push(&doc);
        assert_eq!(closer.parse().unwrap(), full);
    }

    #[test]
    fn half_written_scalars_escapes_and_keys_are_dropped() {
        for (input, closed) in [
            (r#"{"a": 1"#, r#"{"a": 1}"#),
            (r#"{"a": 1."#, r#"{"a": 1}"#),
            (r#"{"a": -"#, r#"{}"#),
            (r#"{"a": [tr"#, r#"{"a": []}"#),
            (r#"{"a": [true"#, r#"{"a": [true]}"#),
            (r#"{"a": "x\"#, r#"{"a": "x"}"#),
            (r#"{"a": "x\u00"#, r#"{"a": "x"}"#),
            (r#"{"a": "x\u00e9"#, r#"{"a": "x\u00e9"}"#),
            (r#"{"a": 1, "b"#, r#"{"a": 1}"#),
            (r#"{"a": 1, "b":"#, r#"{"a": 1}"#),
            (r#"{"a": {"#, r#"{"a": {}}"#),
            (r#"[1, 2,"#, r#"[1, 2]"#),
        ] {
            let mut closer = Closer::new();
            closer.push(input.as_bytes());
            assert_eq!(
                std::str::from_utf8(closer.repaired().unwrap()).unwrap(),
                closed,
                "{input}"
            );
        }
        // A character cut in two is not shown until it is whole.
        let mut closer = Closer::new();
        closer.push("{\"a\": \"é".as_bytes().split_last().unwrap().1);
        assert_eq!(closer.repaired().unwrap(), br#"{"a": ""}"#);
    }

    /// Both peers give a value at (nearly) every chunk of a streamed
    /// document, and the last one is the document.
    #[test]
    fn peers_parse_the_streamed_prefixes() {
        let doc = llm_document(5_000);
        let chunks = llm_chunks(&doc).count();
        let by_closer = close_and_reparse(llm_chunks(&doc));
        assert!(by_closer + 4 >= chunks, "{by_closer} of {chunks}");
        let by_jiter = jiter_reparse(llm_chunks(&doc));
        // jiter refuses a buffer that ends inside a UTF-8 character.
        assert!(by_jiter * 10 >= chunks * 9, "{by_jiter} of {chunks}");
        let full = jiter::JsonValue::parse(&doc, false).unwrap();
        let last =
            jiter::JsonValue::parse_with_config(&doc, false, jiter::PartialMode::TrailingStrings)
                .unwrap();
        assert_eq!(full, last);
    }
}
