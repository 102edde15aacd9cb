//! Lenient input: JSON embedded in what a model writes around it.
//!
//! One pass, streaming: prose before the value is skipped, as are markdown
//! code fences (```` ```json ```` or bare ```` ``` ````) and reasoning blocks
//! (`<think>…</think>`, `<thinking>`, `<reasoning>`); the value's first
//! bytes go to the tokenizer as soon as they arrive (nothing waits for a
//! closing fence), and everything after the value is ignored.
//!
//! A value starts at a `{` followed (after whitespace) by `"` or `}`, or at
//! a `[` followed by the start of a value or `]`, where a `t`, `f` or `n`
//! counts only as a whole `true`, `false` or `null` followed by `,` or `]`:
//! so `{name}`, `[see below]` or a markdown link `[techcrunch.com](…)` in
//! prose is not mistaken for JSON. A citation such as `[1]` is a valid
//! array, so it is taken for the value unless the value is known to be an
//! object: with [`Root::Object`] (see [`Lenient::with_root`]) only a `{`
//! can start it, and with [`Root::Array`] only a `[`. Braces inside strings
//! never confuse it, because once the value has started the tokenizer, not
//! this scanner, decides where it ends.
//!
//! ```
//! use structream_parser::document::{Document, Options};
//! use structream_parser::lenient::Root;
//!
//! let text = "As shown in [1] and [2], the answer is:\n{\"city\": \"Oslo\"}";
//! let mut any = Document::with_options(Options::default().lenient(true));
//! any.feed(text.as_bytes()).unwrap();
//! assert_eq!(any.finish().unwrap().snapshot().unwrap().to_json(), "[1]");
//!
//! let options = Options::default().lenient(true).lenient_root(Root::Object);
//! let mut object = Document::with_options(options);
//! object.feed(text.as_bytes()).unwrap();
//! let end = object.finish().unwrap();
//! assert_eq!(end.snapshot().unwrap().to_json(), r#"{"city":"Oslo"}"#);
//! ```

use crate::Tokenizer;

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
    FenceInfo,
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

/// The kinds of value that lenient input is searched for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Root {
    /// An object or an array (the default).
    #[default]
    Any,
    /// Only an object: a `[` in prose is prose.
    Object,
    /// Only an array: a `{` in prose is prose.
    Array,
}

impl Root {
    /// Whether `b` may open the value.
    fn opens(self, b: u8) -> bool {
        match self {
            Root::Any => matches!(b, b'{' | b'['),
            Root::Object => b == b'{',
            Root::Array => b == b'[',
        }
    }
}

/// Finds the JSON value in lenient input; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Lenient {
    phase: Phase,
    root: Root,
    tag: [u8; 16],
    tag_len: usize,
    carried: [u8; MAX_CARRIED],
    carried_len: usize,
}

impl Default for Lenient {
    fn default() -> Self {
        Lenient::new()
    }
}

/// Where the value starts, as found by [`Lenient::find`].
#[derive(Debug, Clone, Copy)]
pub struct Found {
    carried: [u8; MAX_CARRIED],
    carried_len: usize,
    /// Offset in the scanned chunk of the first byte after [`Found::carried`].
    pub at: usize,
}

impl Found {
    /// The value's first bytes (its `{` or `[` and any whitespace after it),
    /// possibly from earlier chunks: feed these, then the chunk from `at`.
    pub fn carried(&self) -> &[u8] {
        &self.carried[..self.carried_len]
    }
}

impl Lenient {
    /// A scanner at the start of the input, for an object or an array.
    pub fn new() -> Self {
        Lenient::with_root(Root::Any)
    }

    /// A scanner at the start of the input, for a value of the kinds `root`
    /// allows.
    pub fn with_root(root: Root) -> Self {
        Lenient {
            phase: Phase::Prose { ticks: 0 },
            root,
            tag: [0; 16],
            tag_len: 0,
            carried: [0; MAX_CARRIED],
            carried_len: 0,
        }
    }

    /// Whether the value has started (and not ended).
    pub fn in_value(&self) -> bool {
        self.phase == Phase::Json
    }

    /// Whether the value has ended: all further input is ignored.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Marks the end of the value.
    pub fn end_value(&mut self) {
        self.phase = Phase::Done;
    }

    /// Scans `chunk` for the start of the value, telling `tok` about the
    /// skipped bytes (so its positions stay those of the whole input).
    /// `None`: the chunk was all prose. Once found, the caller feeds the
    /// value to the tokenizer and calls [`Lenient::end_value`] when it ends.
    pub fn find(&mut self, chunk: &[u8], tok: &mut Tokenizer) -> Option<Found> {
        let mut i = 0;
        // Bytes of `chunk` before `skipped_to` have been reported to `tok`.
        let mut skipped_to = 0;
        while i < chunk.len() {
            let b = chunk[i];
            match self.phase {
                Phase::Prose { ticks } => {
                    match b {
                        b'`' if ticks == 2 => self.phase = Phase::FenceInfo,
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
                Phase::FenceInfo => {
                    if b == b'\n' {
                        self.phase = Phase::Prose { ticks: 0 };
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
                        (_, None) if ws => hold(None, 0),
                        (b'[', None) => match b {
                            b't' => hold(Some(&b"true"[..]), 1),
                            b'f' => hold(Some(&b"false"[..]), 1),
                            b'n' => hold(Some(&b"null"[..]), 1),
                            b'{' | b'[' | b'"' | b']' | b'-' | b'0'..=b'9' => Decision::Start,
                            _ => Decision::Reject,
                        },
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
                    match decision {
                        Decision::Start => {
                            self.phase = Phase::Json;
                            return Some(Found {
                                carried: self.carried,
                                carried_len: self.carried_len,
                                at: i,
                            });
                        }
                        Decision::Hold(next) if self.carried_len < MAX_CARRIED => {
                            self.phase = next;
                            self.carried[self.carried_len] = b;
                            self.carried_len += 1;
                            i += 1;
                            skipped_to = i;
                        }
                        // Prose after all (or too far apart to be one value);
                        // this byte is looked at again as prose.
                        Decision::Hold(_) | Decision::Reject => {
                            self.reject_candidate(tok);
                            skipped_to = i;
                        }
                    }
                }
                Phase::Json | Phase::Done => {
                    tok.skip(&chunk[skipped_to..i]);
                    return None;
                }
            }
        }
        if !matches!(self.phase, Phase::Candidate { .. }) {
            tok.skip(&chunk[skipped_to..]);
        }
        None
    }

    fn reject_candidate(&mut self, tok: &mut Tokenizer) {
        tok.skip(&self.carried[..self.carried_len]);
        self.carried_len = 0;
        self.phase = Phase::Prose { ticks: 0 };
    }
}
