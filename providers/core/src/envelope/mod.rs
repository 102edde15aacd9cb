//! Reading a frame's JSON envelope without building it.
//!
//! A provider's SSE frame holds a small JSON object (the envelope) around
//! the few fields a decoder needs: a tool call's index, id and name, an
//! argument or text fragment, a finish reason, usage. [`Envelope::read`]
//! checks the frame's UTF-8 once, walks its data with a lexer made for
//! whole frames (strict JSON, the same verdict as structream's tokenizer,
//! which describes the errors) and lets the protocol pull the fields it
//! routes, skipping the rest; nothing is allocated per frame. A string comes back as a [`Text`]: a range of the
//! frame's data when it has no escape (the usual case for names, ids and
//! content), or of a scratch buffer the envelope reuses when escapes had to
//! be decoded (tool-call arguments: `{\"city\"`). [`Strings::get`] turns it
//! into the `&str` a [`StreamEvent`](crate::StreamEvent) borrows.
//!
//! Errors keep the words and position of serde_json's (the decoders read
//! frames with serde_json before): a frame that is not JSON gets
//! serde_json's description, a field of the wrong type says what was
//! expected and where, in serde_json's words and line / column.
//!
//! ```
//! use structream_provider::envelope::{Envelope, Text};
//!
//! let mut envelope = Envelope::new();
//! let data = br#"{"id":"x","delta":{"partial_json":"{\"a\":"}}"#;
//! let (json, strings) = envelope.read(data, 0, |r| {
//!     let mut json = None;
//!     let first = r.token()?;
//!     r.object(first, &["delta"], |r, key, value| match key {
//!         "delta" => r.object(value, &["partial_json"], |r, key, value| match key {
//!             "partial_json" => r.string(value, "a string").map(|v| json = v),
//!             _ => r.skip(value),
//!         }),
//!         _ => r.skip(value),
//!     })?;
//!     Ok(json)
//! })?;
//! assert_eq!(strings.get(json.unwrap_or_default()), r#"{"a":"#);
//! # Ok::<(), structream_provider::DecodeError>(())
//! ```

use std::borrow::Cow;
use std::ops::Range;

use serde::de::IgnoredAny;
use structream_parser::Tokenizer;

use crate::error::{DecodeError, DecodeErrorKind};

mod lex;
mod template;

use lex::{Invalid, Lexer};

/// Reads frames' JSON envelopes; keep one per decoder, so that the scratch
/// buffer for unescaped strings is reused from frame to frame.
#[derive(Debug, Default)]
pub struct Envelope {
    scratch: String,
    /// Whether skipped values may differ in frames read through a
    /// remembered one ([`Envelope::skipped_may_vary`]).
    track_skipped: bool,
    /// The strings (raw content) and numbers the last read skipped, when
    /// tracked.
    skipped: Vec<template::Hole>,
    /// The frame remembered by [`Envelope::remember`] (empty: none), where
    /// the content of its strings that may vary lies, and which of them is
    /// the one wanted.
    template: Vec<u8>,
    holes: Vec<template::Hole>,
    wanted: usize,
}

/// The longest frame an [`Envelope`] reads: a [`Text`] holds its offsets
/// in 31 bits. Longer frames are refused, whatever
/// [`SseConfig::max_event_len`](crate::sse::SseConfig::max_event_len) allows.
pub const MAX_FRAME: usize = (1 << 31) - 1;

/// A decoded string of the envelope: where its text lives. Resolve it with
/// [`Strings::get`]. The default is the empty string.
///
/// One word (start in the low 32 bits, end in the next 31, whether it lies
/// in the scratch buffer in the top bit): tokens carrying it are written
/// and read back whole, never field by field. Frames longer than this
/// allows are refused ([`MAX_FRAME`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Text(u64);

impl Text {
    const SCRATCH: u64 = 1 << 63;

    #[inline(always)]
    fn data(start: usize, end: usize) -> Self {
        Text((start as u32) as u64 | (((end as u64) << 32) & !Self::SCRATCH))
    }

    #[inline(always)]
    fn scratch(start: usize, end: usize) -> Self {
        Text(Text::data(start, end).0 | Self::SCRATCH)
    }

    /// In the scratch buffer (it had escapes), not in the frame's data.
    #[inline(always)]
    fn in_scratch(self) -> bool {
        self.0 & Self::SCRATCH != 0
    }

    #[inline(always)]
    fn start(self) -> usize {
        self.0 as u32 as usize
    }

    #[inline(always)]
    fn end(self) -> usize {
        ((self.0 & !Self::SCRATCH) >> 32) as usize
    }

    /// Whether the string is empty.
    pub fn is_empty(self) -> bool {
        self.start() == self.end()
    }

    #[inline(always)]
    fn range(self) -> Range<usize> {
        self.start()..self.end()
    }
}

/// One step of the envelope, with strings as [`Text`].
///
/// Laid out as a tag byte and one word after it for every variant (`Bool`
/// too): a token copied from one result to another moves as the two pieces
/// it was written as.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, u8)]
pub enum Token {
    /// `{`
    ObjectStart,
    /// `}`
    ObjectEnd,
    /// `[`
    ArrayStart,
    /// `]`
    ArrayEnd,
    /// An object key.
    Key(Text),
    /// A string value.
    String(Text),
    /// A number that is a non-negative integer fitting `u64`.
    Unsigned(u64),
    /// Any other number.
    OtherNumber,
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// Why an envelope could not be read: bad JSON, or a field of the wrong
/// type. Turned into a [`DecodeError`] by [`Envelope::read`].
///
/// Boxed: every read of a field returns a `Result<_, ReadError>`, which
/// stays one word wide this way; an error is rare.
#[derive(Debug, Clone)]
pub struct ReadError(Box<Why>);

impl From<Why> for ReadError {
    #[cold]
    fn from(why: Why) -> Self {
        ReadError(Box::new(why))
    }
}

#[derive(Debug, Clone)]
enum Why {
    /// Not JSON (or the data ended inside the value).
    Syntax,
    Type {
        found: Option<&'static str>,
        expected: &'static str,
        at: u64,
    },
    Missing {
        field: &'static str,
        at: u64,
    },
    Duplicate {
        field: &'static str,
        at: u64,
    },
    Shape(String),
}

impl ReadError {
    /// A frame whose JSON is valid but whose shape the protocol does not
    /// allow: [`DecodeErrorKind::UnexpectedShape`] with `detail`.
    pub fn shape(detail: impl Into<String>) -> Self {
        Why::Shape(detail.into()).into()
    }
}

/// The texts of one read envelope: the frame's data and the scratch buffer.
#[derive(Debug, Clone, Copy)]
pub struct Strings<'s> {
    data: &'s str,
    scratch: &'s str,
}

impl<'s> Strings<'s> {
    /// The text of a string read from this envelope.
    pub fn get(&self, text: Text) -> &'s str {
        let from = if text.in_scratch() {
            self.scratch
        } else {
            self.data
        };
        from.get(text.range()).unwrap_or_default()
    }

    /// A range of the frame's data, from [`Reader::skip_raw`].
    pub fn slice(&self, range: Range<usize>) -> &'s str {
        self.data.get(range).unwrap_or_default()
    }

    /// The text as a borrowed [`Cow`], for a [`StreamEvent`](crate::StreamEvent).
    pub fn cow(&self, text: Text) -> Cow<'s, str> {
        Cow::Borrowed(self.get(text))
    }
}

impl Envelope {
    /// A reader with an empty scratch buffer.
    pub fn new() -> Self {
        Envelope::default()
    }

    /// Lets the strings and numbers a read [skips](Reader::skip) differ
    /// in the frames [`Envelope::refill`] reads through the remembered
    /// one (a counter, random padding): for protocols whose frames carry
    /// such values. It costs a little on every read, so it is off by
    /// default.
    pub fn skipped_may_vary(mut self) -> Self {
        self.track_skipped = true;
        self
    }

    /// Reads the JSON in `data` (a frame's data, starting at byte `offset`
    /// of the stream) with `read`, which pulls its tokens from a
    /// [`Reader`]; then checks that nothing but whitespace follows the
    /// value. Returns what `read` returned and the [`Strings`] its
    /// [`Text`]s point into.
    pub fn read<'s, R>(
        &'s mut self,
        data: &'s [u8],
        offset: u64,
        read: impl FnOnce(&mut Reader<'_, 's>) -> Result<R, ReadError>,
    ) -> Result<(R, Strings<'s>), DecodeError> {
        self.scratch.clear();
        self.skipped.clear();
        if data.len() > MAX_FRAME {
            // Past what a [`Text`] can point into.
            return Err(DecodeError::new(
                DecodeErrorKind::EventTooLong { limit: MAX_FRAME },
                offset,
            ));
        }
        // SIMD where the CPU has it: frames are a few hundred bytes.
        let Ok(text) = simdutf8::basic::from_utf8(data) else {
            return Err(invalid_utf8(data, offset));
        };
        let result = {
            let mut reader = Reader {
                lex: Lexer::new(text),
                token_start: 0,
                text,
                scratch: &mut self.scratch,
                skipped: &mut self.skipped,
                track_skipped: self.track_skipped,
            };
            read(&mut reader).and_then(|r| reader.rest().map(|()| r))
        };
        match result {
            Ok(r) => Ok((
                r,
                Strings {
                    data: text,
                    scratch: &self.scratch,
                },
            )),
            Err(ReadError(why)) => Err(match *why {
                Why::Syntax => serde_error(data, offset, || describe(text)),
                Why::Type {
                    found,
                    expected,
                    at,
                } => {
                    let (line, column) = line_column(data, at);
                    let found = found.map(|f| format!("{f}, ")).unwrap_or_default();
                    DecodeError::new(
                        DecodeErrorKind::InvalidJson {
                            detail: format!(
                                "invalid type: {found}expected {expected} at line {line} column {column}"
                            ),
                        },
                        offset,
                    )
                }
                Why::Missing { field, at } => {
                    let (line, column) = line_column(data, at);
                    DecodeError::new(
                        DecodeErrorKind::InvalidJson {
                            detail: format!(
                                "missing field `{field}` at line {line} column {column}"
                            ),
                        },
                        offset,
                    )
                }
                Why::Duplicate { field, at } => {
                    let (line, column) = line_column(data, at);
                    DecodeError::new(
                        DecodeErrorKind::InvalidJson {
                            detail: format!(
                                "duplicate field `{field}` at line {line} column {column}"
                            ),
                        },
                        offset,
                    )
                }
                Why::Shape(detail) => DecodeError::shape(detail, offset),
            }),
        }
    }
}

/// The error of data that is not JSON.
#[cold]
fn syntax() -> ReadError {
    Why::Syntax.into()
}

/// Line and column (1-based, in bytes, as serde_json counts them) of byte
/// `at` of `data`.
#[cold]
fn line_column(data: &[u8], at: u64) -> (usize, usize) {
    let before = &data[..(at as usize).min(data.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.len()
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
    (line, column)
}

/// The error of a frame that is not UTF-8.
#[cold]
fn invalid_utf8(data: &[u8], offset: u64) -> DecodeError {
    let valid = std::str::from_utf8(data).map_or_else(|e| e.valid_up_to(), |_| data.len());
    let (line, column) = line_column(data, valid as u64);
    serde_error(data, offset, || {
        format!("invalid UTF-8 at line {line} column {column}")
    })
}

/// What the tokenizer says is wrong with `text`, which the envelope's
/// lexer found not to be JSON; the lexer accepts what the tokenizer
/// accepts, but a top-level number or literal that ends the data is, to the
/// envelope, a value the data may have cut.
#[cold]
fn describe(text: &str) -> String {
    let mut tokenizer = Tokenizer::new();
    match tokenizer
        .feed_with(text.as_bytes(), |_| {})
        .and_then(|()| tokenizer.finish_with(|_| {}))
    {
        Err(e) => e.to_string(),
        Ok(()) => "the data ended inside the value".into(),
    }
}

/// The error of a frame that is not JSON: serde_json's words, as when the
/// decoders read frames with it, or `detail` where serde_json accepts what
/// it skips (it checks neither UTF-8 nor lone surrogates in strings it
/// does not read; the envelope must be valid JSON text throughout).
#[cold]
fn serde_error(data: &[u8], offset: u64, detail: impl FnOnce() -> String) -> DecodeError {
    match serde_json::from_slice::<IgnoredAny>(data) {
        Err(e) => DecodeError::invalid_json(&e, offset),
        Ok(_) => DecodeError::new(DecodeErrorKind::InvalidJson { detail: detail() }, offset),
    }
}

/// A pull cursor over one envelope; see [`Envelope::read`].
#[derive(Debug)]
pub struct Reader<'t, 's> {
    lex: Lexer<'s>,
    /// Where the last token read began, or the separator before it.
    token_start: usize,
    text: &'s str,
    scratch: &'t mut String,
    skipped: &'t mut Vec<template::Hole>,
    track_skipped: bool,
}

impl<'s> Reader<'_, 's> {
    /// The next token. The end of the data in the middle of the value is a
    /// syntax error.
    #[inline(always)]
    pub fn token(&mut self) -> Result<Token, ReadError> {
        self.token_start = self.lex.pos();
        // The end of the data here is as bad as any other byte.
        self.lex.token(self.scratch).map_err(|Invalid| syntax())
    }

    /// The text of a string read so far.
    pub fn get(&self, text: Text) -> &str {
        let from = if text.in_scratch() {
            self.scratch.as_str()
        } else {
            self.text
        };
        from.get(text.range()).unwrap_or_default()
    }

    /// Skips the value that begins with `first` (the last token read) and
    /// returns where it lies in the data, for [`Strings::slice`].
    pub fn skip_raw(&mut self, first: Token) -> Result<Range<usize>, ReadError> {
        let before = self.text.get(self.token_start..).unwrap_or_default();
        let start = self.token_start + before.len()
            - before
                .trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ':' || c == ',')
                .len();
        self.skip_value(first)?;
        Ok(start..self.lex.pos())
    }

    /// A range of the data, from [`Reader::skip_raw`].
    pub fn slice(&self, range: Range<usize>) -> &'s str {
        self.text.get(range).unwrap_or_default()
    }

    /// Where the raw content (between the quotes, escapes as written) of
    /// the string just read lies in the data: the hole to give
    /// [`Envelope::remember`]. Meaningful right after a
    /// [`Token::String`] was read.
    pub fn last_string(&self) -> Range<usize> {
        self.lex.last_string()
    }

    /// Where the next token starts, as a byte of the data.
    pub fn position(&self) -> u64 {
        self.lex.pos() as u64
    }

    /// Skips the value that begins with `first`, the last token read: the
    /// decoder does not care what it is. A skipped string or number may
    /// differ in the frames that [`Envelope::refill`] reads through this
    /// one.
    #[inline]
    pub fn skip(&mut self, first: Token) -> Result<(), ReadError> {
        // Its content cannot matter: a frame like this one with another
        // string (or number) here reads the same.
        if self.track_skipped {
            match first {
                Token::String(_) => {
                    self.skipped
                        .push(template::Hole::string(self.lex.last_string()));
                }
                Token::Unsigned(_) | Token::OtherNumber => {
                    self.skipped
                        .push(template::Hole::number(self.lex.last_number()));
                }
                _ => {}
            }
        }
        self.skip_value(first)
    }

    /// [`Reader::skip`], for a value whose content is used.
    fn skip_value(&mut self, first: Token) -> Result<(), ReadError> {
        match first {
            Token::ObjectStart | Token::ArrayStart => self.skip_container(),
            _ => Ok(()),
        }
    }

    /// Skips the rest of the container just opened: the lexer checks the
    /// syntax; no token needs to come out.
    fn skip_container(&mut self) -> Result<(), ReadError> {
        self.lex
            .skip_container(self.scratch)
            .map_err(|Invalid| syntax())
    }

    /// Reads the object that begins with `first`, calling `field` with each
    /// key and the first token of its value; `field` must read or
    /// [skip](Reader::skip) the value. Anything but an object, `null`
    /// included, is a type error: a caller that allows `null` checks first.
    /// A key of `fields` (the ones the caller reads; at most 64) that comes
    /// twice is an error, as serde_json's derived readers have it.
    pub fn object(
        &mut self,
        first: Token,
        fields: &'static [&'static str],
        mut field: impl FnMut(&mut Self, &str, Token) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        if first != Token::ObjectStart {
            return Err(self.mismatch(first, "an object"));
        }
        let mut seen = 0u64;
        loop {
            let key = match self.lex.key(self.scratch) {
                Ok(Token::ObjectEnd) => return Ok(()),
                Ok(Token::Key(k)) => k,
                Ok(_) => return Err(self.expected("a key")),
                Err(Invalid) => return Err(syntax()),
            };
            if key.in_scratch() {
                // A key with escapes: rare enough to copy.
                let name = self.get(key).to_owned();
                self.check_field(fields, &name, &mut seen)?;
                let value = self.token()?;
                field(self, &name, value)?;
            } else {
                let text = self.text;
                let name = text.get(key.range()).unwrap_or_default();
                self.check_field(fields, name, &mut seen)?;
                let value = self.token()?;
                field(self, name, value)?;
            }
        }
    }

    /// Marks key `name` seen if it is one of `fields`; an error if it was
    /// seen before.
    #[inline]
    fn check_field(
        &self,
        fields: &'static [&'static str],
        name: &str,
        seen: &mut u64,
    ) -> Result<(), ReadError> {
        // Keys differ in length or first byte far more often than not.
        let first = name.as_bytes().first();
        let Some(i) = fields
            .iter()
            .position(|f| f.len() == name.len() && f.as_bytes().first() == first && *f == name)
        else {
            return Ok(());
        };
        let bit = 1u64 << (i % 64);
        if *seen & bit != 0 {
            return Err(self.duplicate(fields[i]));
        }
        *seen |= bit;
        Ok(())
    }

    /// Reads the array that begins with `first`, calling `item` with each
    /// element's position and first token; `item` must read or skip it.
    pub fn array(
        &mut self,
        first: Token,
        mut item: impl FnMut(&mut Self, usize, Token) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        if first != Token::ArrayStart {
            return Err(self.mismatch(first, "an array"));
        }
        let mut position = 0;
        loop {
            match self.token()? {
                Token::ArrayEnd => return Ok(()),
                value => item(self, position, value)?,
            }
            position += 1;
        }
    }

    /// A string value, `None` for `null`; anything else is a type error
    /// naming `expected`.
    pub fn string(
        &mut self,
        value: Token,
        expected: &'static str,
    ) -> Result<Option<Text>, ReadError> {
        match value {
            Token::String(t) => Ok(Some(t)),
            Token::Null => Ok(None),
            other => Err(self.mismatch(other, expected)),
        }
    }

    /// `true` or `false`, `None` for `null`.
    pub fn boolean(&mut self, value: Token) -> Result<Option<bool>, ReadError> {
        match value {
            Token::Bool(b) => Ok(Some(b)),
            Token::Null => Ok(None),
            other => Err(self.mismatch(other, "a boolean")),
        }
    }

    /// An unsigned integer at most `max`, `None` for `null`.
    pub fn unsigned(&mut self, value: Token, max: u64) -> Result<Option<u64>, ReadError> {
        match value {
            Token::Unsigned(u) if u <= max => Ok(Some(u)),
            Token::Null => Ok(None),
            other => Err(self.mismatch(other, "an unsigned integer")),
        }
    }

    /// A type error for `value`, a token already read: skips the rest of it
    /// so that the error's position is its end.
    pub fn mismatch(&mut self, value: Token, expected: &'static str) -> ReadError {
        if let Err(e) = self.skip_value(value) {
            return e;
        }
        let found = match value {
            Token::ObjectStart => "map",
            Token::ArrayStart => "sequence",
            Token::String(_) => "string",
            Token::Unsigned(_) | Token::OtherNumber => "number",
            Token::Bool(_) => "boolean",
            Token::Null => "null",
            Token::ObjectEnd | Token::ArrayEnd | Token::Key(_) => "end of value",
        };
        Why::Type {
            found: Some(found),
            expected,
            at: self.position(),
        }
        .into()
    }

    /// A type error at the current position.
    pub fn expected(&self, expected: &'static str) -> ReadError {
        Why::Type {
            found: None,
            expected,
            at: self.position(),
        }
        .into()
    }

    /// The error of an object without a field it must have (call it at the
    /// object's end).
    pub fn missing(&self, field: &'static str) -> ReadError {
        Why::Missing {
            field,
            at: self.position(),
        }
        .into()
    }

    /// The error of a key of `field` that came twice: where serde_json
    /// says it, after the key's closing quote (the lexer has read the
    /// colon too).
    #[cold]
    fn duplicate(&self, field: &'static str) -> ReadError {
        let read = self.text.get(..self.lex.pos()).unwrap_or_default();
        Why::Duplicate {
            field,
            at: read.rfind('"').map_or(0, |q| q + 1) as u64,
        }
        .into()
    }

    /// Checks what follows the value: whitespace only.
    fn rest(&mut self) -> Result<(), ReadError> {
        match self.lex.next(self.scratch) {
            Err(Invalid) => Err(syntax()),
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err(self.expected("the end of the data")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_hold_offsets_up_to_the_longest_frame() {
        let data = Text::data(MAX_FRAME - 5, MAX_FRAME);
        assert_eq!(data.range(), MAX_FRAME - 5..MAX_FRAME);
        assert!(!data.in_scratch());
        let scratch = Text::scratch(0, MAX_FRAME);
        assert_eq!(scratch.range(), 0..MAX_FRAME);
        assert!(scratch.in_scratch());
        assert!(Text::default().is_empty() && !Text::default().in_scratch());
    }

    #[test]
    fn tokens_and_their_results_are_two_words() {
        assert_eq!(size_of::<Token>(), 16);
        assert_eq!(size_of::<Result<Option<Token>, lex::Invalid>>(), 16);
        assert_eq!(size_of::<Result<Token, ReadError>>(), 16);
    }

    /// Reads `{"a": …, "b": …}` (either may be missing) as strings.
    fn ab(data: &str) -> Result<(Option<String>, Option<String>, bool), DecodeError> {
        let mut envelope = Envelope::new();
        let ((a, b), strings) = envelope.read(data.as_bytes(), 7, |r| {
            let (mut a, mut b) = (None, None);
            let first = r.token()?;
            r.object(first, &["a", "b"], |r, key, value| match key {
                "a" => r.string(value, "a string").map(|v| a = v),
                "b" => r.string(value, "a string").map(|v| b = v),
                _ => r.skip(value),
            })?;
            Ok((a, b))
        })?;
        let borrowed = a.is_none_or(|t: Text| !t.in_scratch());
        Ok((
            a.map(|t| strings.get(t).to_owned()),
            b.map(|t| strings.get(t).to_owned()),
            borrowed,
        ))
    }

    fn detail(e: DecodeError) -> String {
        assert_eq!(e.offset(), 7);
        match e.kind() {
            DecodeErrorKind::InvalidJson { detail } => detail.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn strings_are_borrowed_unless_they_had_escapes() {
        let (a, b, borrowed) =
            ab(r#"{"x":[1,{"y":"\n"}],"a":"plain","b":"é\"\u00e9\ud83d\ude00"}"#).unwrap();
        assert_eq!(a.as_deref(), Some("plain"));
        assert!(borrowed);
        assert_eq!(b.as_deref(), Some("é\"é😀"));
        let (a, _, borrowed) = ab(r#"{"a":"{\"k\":"}"#).unwrap();
        assert_eq!(a.as_deref(), Some(r#"{"k":"#));
        assert!(!borrowed);
        assert_eq!(ab(r#"{"a":null}"#).unwrap().0, None);
    }

    #[test]
    fn bad_json_gets_serde_jsons_words_and_position() {
        let e = ab(r#"{"a":"x",}"#).unwrap_err();
        assert_eq!(detail(e), "key must be a string at line 1 column 10");
        let e = ab(r#"{"a":"x"} x"#).unwrap_err();
        assert_eq!(detail(e), "trailing characters at line 1 column 11");
        let e = ab(r#"{"a":"x""#).unwrap_err();
        assert_eq!(detail(e), "EOF while parsing an object at line 1 column 8");
    }

    #[test]
    fn wrong_types_duplicates_and_bad_text_have_positions() {
        let e = ab("{\n\"a\": [1, 2]}").unwrap_err();
        assert_eq!(
            detail(e),
            "invalid type: sequence, expected a string at line 2 column 11"
        );
        let e = ab(r#"{"a":"x","b":"y","a":"z"}"#).unwrap_err();
        assert_eq!(detail(e), "duplicate field `a` at line 1 column 20");
        // Duplicates of fields the caller does not read are not its concern.
        assert!(ab(r#"{"c":1,"c":2}"#).is_ok());
        // serde_json skips strings without checking them; the envelope is
        // read as JSON text throughout.
        let e = ab("{\"c\":\"\u{0}\"}".replace('\u{0}', "\\ud800").as_str()).unwrap_err();
        assert!(detail(e).starts_with("lone surrogate \\ud800"));
        let mut envelope = Envelope::new();
        let e = envelope
            .read(b"{\"c\":\"\xff\"}", 7, |r| {
                let first = r.token()?;
                r.skip(first)
            })
            .unwrap_err();
        assert_eq!(detail(e), "invalid UTF-8 at line 1 column 6");
    }

    /// Reads a value through the reader: objects key by key and arrays
    /// item by item down to `depth` 2, deeper containers skipped whole.
    fn walk(r: &mut Reader<'_, '_>, first: Token, depth: u32) -> Result<(), ReadError> {
        match first {
            Token::ObjectStart if depth < 2 => {
                r.object(first, &[], |r, _, v| walk(r, v, depth + 1))
            }
            Token::ArrayStart if depth < 2 => r.array(first, |r, _, v| walk(r, v, depth + 1)),
            other => r.skip(other),
        }
    }

    /// The reader's keys and skips accept what the lexer accepts token by
    /// token.
    fn reads_as_the_lexer(text: &str) {
        let mut lex = Lexer::new(text);
        let mut scratch = String::new();
        let lexer = loop {
            match lex.next(&mut scratch) {
                Ok(Some(_)) => {}
                Ok(None) => break true,
                Err(Invalid) => break false,
            }
        };
        let reader = Envelope::new()
            .read(text.as_bytes(), 0, |r| {
                let first = r.token()?;
                walk(r, first, 0)
            })
            .is_ok();
        assert_eq!(reader, lexer, "{text:?}");
    }

    #[test]
    fn keys_and_skips_read_as_the_lexer_does() {
        let texts = [
            r#"{"a":{"b":[1,{"c":"\"x\u00e9"}],"d":{}},"e":[[],[{"f":null}]],"g":"h"}"#,
            r#" { "a" : { "b" : [ -1.5e3 , true ] } , "c" : [ "\ud83d\ude00" ] } "#,
        ];
        for text in texts {
            reads_as_the_lexer(text);
            for (i, c) in text.char_indices() {
                let (before, after) = (&text[..i], &text[i + c.len_utf8()..]);
                reads_as_the_lexer(before);
                reads_as_the_lexer(&format!("{before}{after}"));
                for s in [
                    "\"", "\\", "{", "}", "[", "]", ",", ":", "1", " ", "\\ud800",
                ] {
                    reads_as_the_lexer(&format!("{before}{s}{after}"));
                    reads_as_the_lexer(&format!("{before}{s}{c}{after}"));
                }
            }
        }
        let deep = |n: usize| format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n));
        for n in [126, 127, 128] {
            reads_as_the_lexer(&deep(n));
        }
    }

    #[test]
    fn missing_fields_and_raw_values() {
        let mut envelope = Envelope::new();
        let e = envelope
            .read(br#"{"x": 1}"#, 7, |r| {
                let first = r.token()?;
                r.object(first, &[], |r, _, value| r.skip(value))?;
                Err::<(), _>(r.missing("type"))
            })
            .unwrap_err();
        assert_eq!(detail(e), "missing field `type` at line 1 column 8");
        let (raw, strings) = envelope
            .read(br#"{"x" :  {"y": [1, "]"]} , "z": 2}"#, 0, |r| {
                let mut raw = 0..0;
                let first = r.token()?;
                r.object(first, &[], |r, key, value| {
                    if key == "x" {
                        raw = r.skip_raw(value)?;
                        Ok(())
                    } else {
                        r.skip(value)
                    }
                })?;
                Ok(raw)
            })
            .unwrap();
        assert_eq!(strings.slice(raw), r#"{"y": [1, "]"]}"#);
    }
}
