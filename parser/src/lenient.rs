//! Lenient input: the scanner that finds the JSON value in what a model
//! writes around it, for [`Lenient`] modes other than [`Lenient::Off`].

use crate::Tokenizer;
use crate::repair::{Kind, Repairs};

/// Reasoning blocks skipped before the value.
const THINK_TAGS: [&str; 3] = ["think", "thinking", "reasoning"];

/// Most whitespace held between a candidate `{` or `[` and the byte that
/// decides whether it starts the value.
const MAX_CARRIED: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Prose; `ticks` backticks in a row so far.
    Prose { ticks: u8 },
    /// After ```` ``` ````: the fence's info string, up to the line end.
    /// `plain` while it is no more than a language name and spaces, after
    /// which the value may start on the same line.
    FenceInfo { plain: bool },
    /// After `<`: up to 16 bytes of a tag name in `tag`.
    Tag,
    /// Inside a reasoning block; `matched` bytes of its closing tag seen.
    Think { tag: usize, matched: usize },
    /// A `{` or `[` and whitespace held in `carried`, undecided. After a
    /// `[`, `literal` is the `true`/`false`/`null` begun (`matched` bytes of
    /// it held), which decides once it is whole and a `,` or `]` follows.
    Candidate {
        literal: Option<&'static [u8]>,
        matched: u8,
    },
    /// In repair mode, after a `{`: an unquoted key begun (its bytes held
    /// in `carried`), `spaced` once whitespace followed it. It starts the
    /// value at the `:` after it.
    CandidateKey { spaced: bool },
    /// In repair mode, after `{key:`: whitespace, then the member's value
    /// begun. `word` counts the letters of a bare word held (`true`,
    /// `None`, …): the value starts only if the word is a literal, so code
    /// in prose (`Pool{jobs: make(…)}`) is not taken for JSON.
    CandidateValue { word: u8 },
    /// The value is being tokenized.
    Json,
    /// The value ended; the rest is ignored.
    Done,
}

/// What a byte does to a candidate start.
enum Decision {
    /// Held in `carried`; the scan goes on in this phase.
    Hold(Phase),
    /// The value starts with the carried bytes.
    Start,
    /// Not a value: the carried bytes are prose.
    Reject,
}

/// Lenient input: JSON embedded in what a model writes around it.
///
/// One pass, streaming: prose before the value is skipped, as are markdown
/// code fences (```` ```json ```` or bare ```` ``` ````) and reasoning blocks
/// (`<think>…</think>`, `<thinking>`, `<reasoning>`); the value's first
/// bytes go to the tokenizer as soon as they arrive (nothing waits for a
/// closing fence), and everything after the value is ignored.
///
/// A value starts at a `{` followed (after whitespace) by `"` or `}`, or at
/// a `[` followed by the start of a value or `]`, where a `t`, `f` or `n`
/// counts only as a whole `true`, `false` or `null` followed by `,` or `]`:
/// so `{name}`, `[see below]` or a markdown link `[techcrunch.com](…)` in
/// prose is not mistaken for JSON. With repairs on
/// ([`Options::repair`](crate::document::Options::repair)), what they can
/// read starts a value too: after a `{`, a single or curly quote, or an
/// unquoted key followed (after whitespace) by `:` and the start of a
/// value that is not a bare word other than a literal (`{name: "x"`,
/// `{ok: true`, not `{see below}` nor code such as `Pool{jobs: make(…)}`); after a `[`, a single or curly quote, or a whole `True`,
/// `False` or `None` followed by `,` or `]`. A citation such as `[1]` is a valid
/// array, so it is taken for the value unless the value is known to be an
/// object: with [`Lenient::Object`] only a `{` can start it, and with
/// [`Lenient::Array`] only a `[`. Braces inside strings never confuse it,
/// because once the value has started the tokenizer, not this scanner,
/// decides where it ends.
///
/// ```
/// use structream_parser::document::{Document, Lenient, Options};
///
/// let text = "As shown in [1] and [2], the answer is:\n{\"city\": \"Oslo\"}";
/// let mut any = Document::with_options(Options::default().lenient(Lenient::Any));
/// any.feed(text.as_bytes()).unwrap();
/// assert_eq!(any.finish().unwrap().snapshot().unwrap().to_json(), "[1]");
///
/// let options = Options::default().lenient(Lenient::Object);
/// let mut object = Document::with_options(options);
/// object.feed(text.as_bytes()).unwrap();
/// let end = object.finish().unwrap();
/// assert_eq!(end.snapshot().unwrap().to_json(), r#"{"city":"Oslo"}"#);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lenient {
    /// The input is the value: strict JSON, nothing around it (the default).
    #[default]
    Off,
    /// Find an object or an array.
    Any,
    /// Find only an object: a `[` in prose is prose.
    Object,
    /// Find only an array: a `{` in prose is prose.
    Array,
}

impl Lenient {
    /// Whether `b` may open the value.
    fn opens(self, b: u8) -> bool {
        match self {
            Lenient::Off => false,
            Lenient::Any => matches!(b, b'{' | b'['),
            Lenient::Object => b == b'{',
            Lenient::Array => b == b'[',
        }
    }
}

/// Finds the JSON value in lenient input; see [`Lenient`].
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    phase: Phase,
    root: Lenient,
    tag: [u8; 16],
    tag_len: usize,
    carried: [u8; MAX_CARRIED],
    carried_len: usize,
    /// The repairs on: what they can read may start the value.
    repairs: Repairs,
}

/// Where the value starts, as found by [`Scanner::find`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    carried: [u8; MAX_CARRIED],
    carried_len: usize,
    /// Offset in the scanned chunk of the first byte after [`Found::carried`].
    pub(crate) at: usize,
}

impl Found {
    /// The value's first bytes (its `{` or `[` and any whitespace after it),
    /// possibly from earlier chunks: feed these, then the chunk from `at`.
    pub(crate) fn carried(&self) -> &[u8] {
        &self.carried[..self.carried_len]
    }
}

impl Scanner {
    /// A scanner at the start of the input, for a value of the kinds `root`
    /// allows.
    pub(crate) fn new(root: Lenient, repairs: Repairs) -> Self {
        Scanner {
            repairs,
            phase: Phase::Prose { ticks: 0 },
            root,
            tag: [0; 16],
            tag_len: 0,
            carried: [0; MAX_CARRIED],
            carried_len: 0,
        }
    }

    /// Whether the value has started (and not ended).
    pub(crate) fn in_value(&self) -> bool {
        self.phase == Phase::Json
    }

    /// Whether the value has ended: all further input is ignored.
    pub(crate) fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Marks the end of the value.
    pub(crate) fn end_value(&mut self) {
        self.phase = Phase::Done;
    }

    /// Scans `chunk` for the start of the value, telling `tok` about the
    /// skipped bytes (so its positions stay those of the whole input).
    /// `None`: the chunk was all prose. Once found, the caller feeds the
    /// value to the tokenizer and calls [`Scanner::end_value`] when it ends.
    pub(crate) fn find(&mut self, chunk: &[u8], tok: &mut Tokenizer) -> Option<Found> {
        let mut i = 0;
        // Bytes of `chunk` before `skipped_to` have been reported to `tok`.
        let mut skipped_to = 0;
        while i < chunk.len() {
            let b = chunk[i];
            match self.phase {
                Phase::Prose { ticks } => {
                    match b {
                        b'`' if ticks == 2 => self.phase = Phase::FenceInfo { plain: true },
                        b'`' => self.phase = Phase::Prose { ticks: ticks + 1 },
                        b'{' | b'[' if self.root.opens(b) => {
                            tok.skip(&chunk[skipped_to..i]);
                            skipped_to = i + 1;
                            self.carried[0] = b;
                            self.carried_len = 1;
                            self.phase = Phase::Candidate {
                                literal: None,
                                matched: 0,
                            };
                        }
                        b'<' => {
                            self.tag_len = 0;
                            self.phase = Phase::Tag;
                        }
                        _ => self.phase = Phase::Prose { ticks: 0 },
                    }
                    i += 1;
                }
                Phase::FenceInfo { plain } => {
                    if plain && self.root.opens(b) {
                        // JSON on the fence's own line (```` ```json {"a": 1} ````):
                        // this byte is looked at again as prose.
                        self.phase = Phase::Prose { ticks: 0 };
                        continue;
                    }
                    if b == b'\n' {
                        self.phase = Phase::Prose { ticks: 0 };
                    } else if !(b.is_ascii_alphanumeric() || b"-_+. \t".contains(&b)) {
                        // An attribute (`title="[1]"`): the line is skipped.
                        self.phase = Phase::FenceInfo { plain: false };
                    }
                    i += 1;
                }
                Phase::Tag => {
                    if b == b'>' {
                        let name = &self.tag[..self.tag_len];
                        self.phase = match THINK_TAGS.iter().position(|t| t.as_bytes() == name) {
                            Some(tag) => Phase::Think { tag, matched: 0 },
                            None => Phase::Prose { ticks: 0 },
                        };
                        i += 1;
                    } else if b.is_ascii_alphabetic() && self.tag_len < self.tag.len() {
                        self.tag[self.tag_len] = b.to_ascii_lowercase();
                        self.tag_len += 1;
                        i += 1;
                    } else {
                        // Not a tag after all: look at this byte as prose.
                        self.phase = Phase::Prose { ticks: 0 };
                    }
                }
                Phase::Think { tag, matched } => {
                    let close = THINK_TAGS[tag].as_bytes();
                    // The closing tag is `</` + name + `>`.
                    let want = match matched {
                        0 => b'<',
                        1 => b'/',
                        m if m - 2 < close.len() => close[m - 2],
                        _ => b'>',
                    };
                    let matched = if b.to_ascii_lowercase() == want {
                        matched + 1
                    } else if b == b'<' {
                        1
                    } else {
                        0
                    };
                    self.phase = if matched == close.len() + 3 {
                        Phase::Prose { ticks: 0 }
                    } else {
                        Phase::Think { tag, matched }
                    };
                    i += 1;
                }
                Phase::Candidate { literal, matched } => {
                    let ws = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
                    let hold =
                        |literal, matched| Decision::Hold(Phase::Candidate { literal, matched });
                    let decision = match (self.carried[0], literal) {
                        (b'{', _) if ws => hold(None, 0),
                        (b'{', _) if matches!(b, b'"' | b'}') => Decision::Start,
                        (b'{', _) if self.opens_repaired_string(b) => Decision::Start,
                        (b'{', _)
                            if self.repairs.contains(Kind::UnquotedKey)
                                && (b.is_ascii_alphabetic() || b == b'_' || b == b'$') =>
                        {
                            Decision::Hold(Phase::CandidateKey { spaced: false })
                        }
                        (b'[', None) if self.opens_repaired_string(b) => Decision::Start,
                        (b'[', None) if self.repairs.contains(Kind::Literal) => match b {
                            b'T' => hold(Some(&b"True"[..]), 1),
                            b'F' => hold(Some(&b"False"[..]), 1),
                            b'N' => hold(Some(&b"None"[..]), 1),
                            _ => self.array_start(b, hold),
                        },
                        (_, None) if ws => hold(None, 0),
                        (b'[', None) => self.array_start(b, hold),
                        (_, Some(l)) if usize::from(matched) < l.len() => {
                            if b == l[usize::from(matched)] {
                                hold(literal, matched + 1)
                            } else {
                                Decision::Reject
                            }
                        }
                        (_, Some(_)) if ws => hold(literal, matched),
                        (_, Some(_)) if matches!(b, b',' | b']') => Decision::Start,
                        _ => Decision::Reject,
                    };
                    let found = self.decide(decision, chunk, &mut i, &mut skipped_to, tok);
                    if found.is_some() {
                        return found;
                    }
                }
                Phase::CandidateKey { spaced } => {
                    let decision = match b {
                        b':' => Decision::Hold(Phase::CandidateValue { word: 0 }),
                        b' ' | b'\t' | b'\n' | b'\r' => {
                            Decision::Hold(Phase::CandidateKey { spaced: true })
                        }
                        _ if !spaced && (b.is_ascii_alphanumeric() || b"_$-".contains(&b)) => {
                            Decision::Hold(Phase::CandidateKey { spaced })
                        }
                        _ => Decision::Reject,
                    };
                    let found = self.decide(decision, chunk, &mut i, &mut skipped_to, tok);
                    if found.is_some() {
                        return found;
                    }
                }
                Phase::CandidateValue { word } => {
                    let decision = self.member_value(b, word);
                    let found = self.decide(decision, chunk, &mut i, &mut skipped_to, tok);
                    if found.is_some() {
                        return found;
                    }
                }
                Phase::Json | Phase::Done => {
                    tok.skip(&chunk[skipped_to..i]);
                    return None;
                }
            }
        }
        if !matches!(
            self.phase,
            Phase::Candidate { .. } | Phase::CandidateKey { .. } | Phase::CandidateValue { .. }
        ) {
            tok.skip(&chunk[skipped_to..]);
        }
        None
    }

    /// After a `[`: whether `b` starts the value, or may (held).
    fn array_start(&self, b: u8, hold: impl Fn(Option<&'static [u8]>, u8) -> Decision) -> Decision {
        match b {
            b't' => hold(Some(&b"true"[..]), 1),
            b'f' => hold(Some(&b"false"[..]), 1),
            b'n' => hold(Some(&b"null"[..]), 1),
            b'{' | b'[' | b'"' | b']' | b'-' | b'0'..=b'9' => Decision::Start,
            _ => Decision::Reject,
        }
    }

    /// Whether `b` after a `{` or `[` opens a string repair mode reads: a
    /// single quote, or the first byte of a curly one (whose other bytes
    /// the repair machine checks: `{“…` is taken for a value).
    fn opens_repaired_string(&self, b: u8) -> bool {
        b == b'\'' && self.repairs.contains(Kind::SingleQuotes)
            || b == 0xE2 && self.repairs.contains(Kind::CurlyQuotes)
    }

    /// After `{key:` and `word` letters of a bare word: whether `b` starts
    /// the value. A string, number, array or object value starts it; a bare
    /// word only when it is a literal JSON, Python or JavaScript has.
    fn member_value(&self, b: u8, word: u8) -> Decision {
        const LITERALS: [&[u8]; 9] = [
            b"true",
            b"false",
            b"null",
            b"True",
            b"False",
            b"None",
            b"undefined",
            b"NaN",
            b"Infinity",
        ];
        if b.is_ascii_alphabetic() {
            return Decision::Hold(Phase::CandidateValue { word: word + 1 });
        }
        if word > 0 {
            let held = &self.carried[self.carried_len - usize::from(word)..self.carried_len];
            return if LITERALS.contains(&held) {
                Decision::Start
            } else {
                Decision::Reject
            };
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => Decision::Hold(Phase::CandidateValue { word: 0 }),
            b'"' | b'{' | b'[' | b'-' | b'+' | b'.' | b'0'..=b'9' => Decision::Start,
            _ if self.opens_repaired_string(b) => Decision::Start,
            _ => Decision::Reject,
        }
    }

    /// Applies a candidate's `decision` on the byte at `*i`: where the
    /// value starts, if it does.
    fn decide(
        &mut self,
        decision: Decision,
        chunk: &[u8],
        i: &mut usize,
        skipped_to: &mut usize,
        tok: &mut Tokenizer,
    ) -> Option<Found> {
        match decision {
            Decision::Start => {
                self.phase = Phase::Json;
                return Some(Found {
                    carried: self.carried,
                    carried_len: self.carried_len,
                    at: *i,
                });
            }
            Decision::Hold(next) if self.carried_len < MAX_CARRIED => {
                self.phase = next;
                self.carried[self.carried_len] = chunk[*i];
                self.carried_len += 1;
                *i += 1;
                *skipped_to = *i;
            }
            // Prose after all (or too far apart to be one value); this
            // byte is looked at again as prose.
            Decision::Hold(_) | Decision::Reject => {
                self.reject_candidate(tok);
                *skipped_to = *i;
            }
        }
        None
    }

    fn reject_candidate(&mut self, tok: &mut Tokenizer) {
        tok.skip(&self.carried[..self.carried_len]);
        self.carried_len = 0;
        self.phase = Phase::Prose { ticks: 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_reports_where_the_value_starts() {
        let mut tok = Tokenizer::new();
        let mut lenient = Scanner::new(Lenient::Any, Repairs::NONE);
        assert!(!lenient.in_value() && !lenient.is_done());
        assert!(lenient.find(b"prose [", &mut tok).is_none());
        assert_eq!(tok.offset(), 6);
        assert!(lenient.find(b" \n", &mut tok).is_none());
        assert!(!lenient.in_value());
        let start = lenient.find(b" 1]", &mut tok).unwrap();
        assert_eq!(start.carried(), b"[ \n ");
        assert_eq!(start.at, 1);
        assert!(lenient.in_value() && !lenient.is_done());
        // Bytes before the value were skipped; the carried ones are fed next.
        assert_eq!(tok.offset(), 6);
        lenient.end_value();
        assert!(lenient.is_done() && !lenient.in_value());
        assert!(lenient.find(b"{\"a\": 1}", &mut tok).is_none());
        // A scanner for an object: the `[` is prose, the `{` starts the value
        // in the middle of the chunk, with nothing carried from before.
        let mut tok = Tokenizer::new();
        let mut lenient = Scanner::new(Lenient::Object, Repairs::NONE);
        let start = lenient.find(b"[1] {}", &mut tok).unwrap();
        assert_eq!((start.carried(), start.at), (&b"{"[..], 5));
        assert_eq!(tok.offset(), 4);
        // The default scanner takes either kind.
        let mut tok = Tokenizer::new();
        let start = Scanner::new(Lenient::Any, Repairs::NONE)
            .find(b"x[1]", &mut tok)
            .unwrap();
        assert_eq!((start.carried(), start.at), (&b"["[..], 2));
    }
}
