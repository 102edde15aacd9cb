//! What the provider targets share: the input (raw bytes, or plausible
//! frames built from a small structured description, plus cut points), the
//! decoding at two chunkings, and the checks.
#![allow(dead_code)]

use arbitrary::{Arbitrary, Unstructured};
use serde_json::{Value, json};
use structream_provider::StreamDecoder;
use structream_provider::conformance::{
    check_invariants, decode_with_cuts, same_but_quoted_text, without_repeats,
};

/// A fuzz case: a body and where to cut it.
///
/// Read by hand rather than derived so that a raw body is the rest of the
/// input verbatim (a derived `Vec<u8>` is not): a first byte of 0, an empty
/// cut list (one 0 byte), then the body. `run.sh` seeds the corpora that
/// way with the recorded streams.
#[derive(Debug)]
pub struct Case<F> {
    pub cuts: Vec<u16>,
    pub body: Body<F>,
}

/// The body: arbitrary bytes, or frames of the protocol.
#[derive(Debug)]
pub enum Body<F> {
    Raw(Vec<u8>),
    Frames(Framing, Vec<F>),
}

impl<'a, F: Arbitrary<'a>> Arbitrary<'a> for Case<F> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let raw = u8::arbitrary(u)? == 0;
        let cuts = Vec::arbitrary(u)?;
        let body = if raw {
            Body::Raw(Vec::arbitrary(u)?)
        } else {
            Body::Frames(Framing::arbitrary(u)?, Vec::arbitrary(u)?)
        };
        Ok(Case { cuts, body })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        let raw = u8::arbitrary(&mut u)? == 0;
        let cuts = Vec::arbitrary(&mut u)?;
        let body = if raw {
            Body::Raw(u.take_rest().to_vec())
        } else {
            Body::Frames(Framing::arbitrary(&mut u)?, Vec::arbitrary_take_rest(u)?)
        };
        Ok(Case { cuts, body })
    }
}

/// How SSE frames are written out.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Framing {
    Lf,
    CrLf,
    Cr,
    /// `data:` without the space, and a comment line before each frame.
    Tight,
}

/// A frame of a protocol: its JSON, and its `event:` name if it has one.
pub trait Frame {
    fn json(&self) -> Value;
    /// The frame's data line (its JSON, unless the frame is not JSON).
    fn data(&self) -> String {
        self.json().to_string()
    }
    fn event(&self) -> Option<&'static str> {
        None
    }
}

/// A small vocabulary of strings, tricky ones included.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Word {
    Empty,
    A,
    Hello,
    Space,
    Quote,
    Backslash,
    Newline,
    Accent,
    Emoji,
    Done,
    ObjectOpen,
    Key,
    Colon,
    Number,
    ObjectClose,
    ArrayOpen,
    ArrayClose,
    Brace,
    Fence,
    Nul,
}

impl Word {
    pub fn text(self) -> &'static str {
        match self {
            Word::Empty => "",
            Word::A => "a",
            Word::Hello => "Hello",
            Word::Space => " ",
            Word::Quote => "\"",
            Word::Backslash => "\\",
            Word::Newline => "\n",
            Word::Accent => "é",
            Word::Emoji => "\u{1F600}",
            Word::Done => "[DONE]",
            Word::ObjectOpen => "{\"",
            Word::Key => "city",
            Word::Colon => "\":",
            Word::Number => "12",
            Word::ObjectClose => "}",
            Word::ArrayOpen => "[",
            Word::ArrayClose => "]",
            Word::Brace => "{",
            Word::Fence => "```json\n",
            Word::Nul => "\0",
        }
    }
}

/// Text made of words.
#[derive(Debug, Clone, Arbitrary)]
pub struct Text(pub Vec<Word>);

impl Text {
    pub fn string(&self) -> String {
        self.0.iter().map(|w| w.text()).collect()
    }
}

/// A small index (0..4), so that frames of one case refer to the same
/// choices, calls and blocks.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct Small(u8);

impl Small {
    pub fn get(self) -> u32 {
        u32::from(self.0 % 4)
    }
}

/// A JSON value for `args` / `input` / `arguments` objects.
#[derive(Debug, Clone, Arbitrary)]
pub enum Args {
    Empty,
    City(Word),
    Nested(Word, u8),
    List(Vec<Word>),
    NotAnObject(Word),
}

impl Args {
    pub fn value(&self) -> Value {
        match self {
            Args::Empty => json!({}),
            Args::City(w) => json!({ "city": w.text() }),
            Args::Nested(w, n) => json!({ "a": { "b": [w.text(), n] } }),
            Args::List(ws) => json!({ "items": ws.iter().map(|w| w.text()).collect::<Vec<_>>() }),
            Args::NotAnObject(w) => json!(w.text()),
        }
    }
}

/// Writes SSE frames.
pub fn sse_body<F: Frame>(framing: Framing, frames: &[F]) -> Vec<u8> {
    let end = match framing {
        Framing::Lf | Framing::Tight => "\n",
        Framing::CrLf => "\r\n",
        Framing::Cr => "\r",
    };
    let mut out = String::new();
    for f in frames {
        if let Framing::Tight = framing {
            out.push_str(": keep-alive");
            out.push_str(end);
        }
        if let Some(name) = f.event() {
            out.push_str("event: ");
            out.push_str(name);
            out.push_str(end);
        }
        out.push_str(if let Framing::Tight = framing {
            "data:"
        } else {
            "data: "
        });
        out.push_str(&f.data());
        out.push_str(end);
        out.push_str(end);
    }
    out.into_bytes()
}

/// Writes NDJSON lines.
pub fn ndjson_body<F: Frame>(framing: Framing, frames: &[F]) -> Vec<u8> {
    let end = match framing {
        Framing::CrLf => "\r\n",
        _ => "\n",
    };
    let mut out = String::new();
    for f in frames {
        out.push_str(&f.data());
        out.push_str(end);
    }
    out.into_bytes()
}

/// Sorted cut points within `len` from the fuzzer's numbers.
pub fn cuts(raw: &[u16], len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = raw.iter().map(|&c| usize::from(c) % (len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

/// The body of a case.
pub fn body<F: Frame>(body: &Body<F>, ndjson: bool) -> Vec<u8> {
    match body {
        Body::Raw(bytes) => bytes.clone(),
        Body::Frames(framing, frames) if ndjson => ndjson_body(*framing, frames),
        Body::Frames(framing, frames) => sse_body(*framing, frames),
    }
}

/// Decodes the case whole, at its cuts, byte by byte (small bodies) and
/// with no frame repeating the one before ([`without_repeats`]): never a
/// panic, the same events and end every time, and the events keep
/// the stream rules (the conformance suite's, shared with the protocol
/// crates' tests).
pub fn check<F: Frame>(case: &Case<F>, ndjson: bool, make: fn() -> Box<dyn StreamDecoder>) {
    let body = body(&case.body, ndjson);
    let whole = decode_with_cuts(&mut *make(), &body, &[]);
    check_invariants("fuzz case", &whole, body.len());
    let split = decode_with_cuts(&mut *make(), &body, &cuts(&case.cuts, body.len()));
    assert_eq!(whole, split, "cut at {:?}", cuts(&case.cuts, body.len()));
    // No frame repeating the one before: no shortcut through it, the same
    // events.
    let varied = decode_with_cuts(&mut *make(), &without_repeats(&body), &[]);
    assert!(
        same_but_quoted_text(&whole, &varied),
        "without repeated frames: {whole:?} {varied:?}"
    );
    if body.len() <= 2048 {
        let every: Vec<usize> = (1..body.len()).collect();
        let bytes = decode_with_cuts(&mut *make(), &body, &every);
        assert_eq!(whole, bytes, "byte by byte");
    }
}
