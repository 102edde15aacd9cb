//! The envelope's lexer: strict JSON over one frame's text, one token per
//! call, for [`Reader`](super::Reader).
//!
//! A frame is whole and already checked to be UTF-8, so this lexer needs
//! none of what makes the parser's tokenizer resumable (states kept between
//! chunks, limits counted across them, fragments of strings): it reads
//! straight through a `&str`, and strings without escapes come back as
//! ranges of it. It accepts exactly what `structream_parser::Tokenizer`
//! (default [`Config`](structream_parser::Config)) accepts, and fails at
//! the same token: the tokenizer is its reference (the tests run both over
//! the recorded payloads and their mutations and compare token by token),
//! and a failure here is described by running the tokenizer over the frame
//! (see `Envelope::read`), so error messages are the tokenizer's.
//!
//! What "the same token" means, kept in step with the tokenizer: a key
//! takes a colon that follows it at once (otherwise the colon is read with
//! the value); a number ends at the first byte that cannot continue it, and
//! fails there if that byte is a letter, a digit after a leading `0`, `.`,
//! `+` or `-`, or the end of the data; containers nest at most
//! [`MAX_DEPTH`] deep; `\u` escapes of lone surrogates fail.

use structream_parser::scan::{long_string_run_end, simple_escape};

use super::{Text, Token};

/// How deep containers may nest: the tokenizer's default limit.
const MAX_DEPTH: u32 = 128;

/// The longest number: the tokenizer's default limit.
const MAX_NUMBER_LEN: usize = 4096;

/// The frame is not JSON (the tokenizer says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Invalid;

/// What the lexer expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value: the top level, or after a key's colon.
    Value,
    /// Just after `[`: a value or `]`.
    FirstItem,
    /// After `,` in an array.
    NextItem,
    /// Just after `{`: a key or `}`.
    FirstKey,
    /// After `,` in an object.
    NextKey,
    /// After a key not followed at once by `:`.
    Colon,
    /// After a value in a container: `,` or the closing bracket.
    AfterValue,
    /// After the top-level value: whitespace only.
    End,
}

/// A pull lexer over one frame's data.
#[derive(Debug)]
pub(super) struct Lexer<'s> {
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    expect: Expect,
    depth: u32,
    /// Bit `i` set when the container at depth `i` is an object.
    objects: u128,
    /// Whether the innermost container is an object (bit `depth - 1` of
    /// `objects`, kept apart: read after every value).
    in_object: bool,
    /// Where the last string's content (after its quote) or number began.
    scalar_start: usize,
}

impl<'s> Lexer<'s> {
    pub(super) fn new(text: &'s str) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            expect: Expect::Value,
            depth: 0,
            objects: 0,
            in_object: false,
            scalar_start: 0,
        }
    }

    /// A lexer at byte `pos` of `text`, for [`Lexer::string`] alone.
    pub(super) fn at(text: &'s str, pos: usize) -> Self {
        Lexer {
            pos,
            ..Lexer::new(text)
        }
    }

    /// The raw content of the last string read (between its quotes, escapes
    /// as written).
    pub(super) fn last_string(&self) -> std::ops::Range<usize> {
        self.scalar_start..self.pos.saturating_sub(1).max(self.scalar_start)
    }

    /// The last number read.
    pub(super) fn last_number(&self) -> std::ops::Range<usize> {
        self.scalar_start..self.pos.max(self.scalar_start)
    }

    /// Bytes read so far: the end of the last token (and of the colon
    /// after a key).
    #[inline]
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// Inside an object, after its `{` or one of its values: what
    /// [`Lexer::next`] would return, taking the usual way (a comma, a key
    /// and the colon glued to it) without dispatching on every state.
    /// Inlined into each object reader: it runs once a key.
    #[inline(always)]
    pub(super) fn key(&mut self, scratch: &mut String) -> Result<Token, Invalid> {
        let mut b = self.skip_ws();
        if self.expect == Expect::AfterValue && self.in_object && b == Some(b',') {
            self.pos += 1;
            self.expect = Expect::NextKey;
            b = self.skip_ws();
        }
        if b == Some(b'"') && matches!(self.expect, Expect::FirstKey | Expect::NextKey) {
            return self.key_string::<true>(scratch).map(Token::Key);
        }
        // The object's end, where it may come: not after a comma.
        if b == Some(b'}')
            && (self.expect == Expect::FirstKey
                || (self.expect == Expect::AfterValue && self.in_object))
        {
            return Ok(self.close());
        }
        self.token(scratch)
    }

    /// A key whose opening quote is at `pos`, and the colon after it when
    /// it follows at once.
    #[inline(always)]
    fn key_string<const DECODE: bool>(&mut self, scratch: &mut String) -> Result<Text, Invalid> {
        self.pos += 1;
        let text = self.string_as::<DECODE>(scratch)?;
        if self.bytes.get(self.pos) == Some(&b':') {
            self.pos += 1;
            self.expect = Expect::Value;
        } else {
            self.expect = Expect::Colon;
        }
        Ok(text)
    }

    /// [`Lexer::key_string`] out of line, for [`Lexer::next`]: keys come
    /// through [`Lexer::key`], so `next` keeps one inlined string scan, its
    /// values'.
    #[inline(never)]
    fn key_token(&mut self, scratch: &mut String) -> Result<Token, Invalid> {
        self.key_string::<true>(scratch).map(Token::Key)
    }

    /// Skips the rest of the container whose opening bracket was the last
    /// token read, with the same verdict as reading its tokens one by one
    /// with [`Lexer::next`]. Strings decoded meanwhile are dropped from
    /// `scratch`.
    pub(super) fn skip_container(&mut self, scratch: &mut String) -> Result<(), Invalid> {
        // Depth 0: no container is open, the bracket was not the last token.
        let outer = self.depth.checked_sub(1).ok_or(Invalid)?;
        while self.depth > outer {
            // `None` comes only after the top-level value.
            self.step::<false>(scratch)?;
        }
        Ok(())
    }

    /// The next token; `None` at the end of the data after the top-level
    /// value (the end anywhere else is [`Invalid`]). Strings with escapes
    /// are decoded into `scratch`.
    #[inline]
    pub(super) fn next(&mut self, scratch: &mut String) -> Result<Option<Token>, Invalid> {
        if self.expect == Expect::End {
            return match self.skip_ws() {
                None => Ok(None),
                Some(_) => Err(Invalid),
            };
        }
        self.step::<true>(scratch).map(Some)
    }

    /// [`Lexer::next`] where the data may not end (inside the value): the
    /// end is [`Invalid`]. No `Option` around the token: it is handed on
    /// as it was written.
    #[inline(always)]
    pub(super) fn token(&mut self, scratch: &mut String) -> Result<Token, Invalid> {
        self.step::<true>(scratch)
    }

    /// [`Lexer::token`]; when not `DECODE`, strings are checked but not
    /// decoded (their [`Text`] is meaningless and `scratch` is left alone):
    /// for values skipped, with the same verdict.
    #[inline(always)]
    fn step<const DECODE: bool>(&mut self, scratch: &mut String) -> Result<Token, Invalid> {
        loop {
            let b = self.skip_ws();
            match self.expect {
                Expect::Value | Expect::FirstItem | Expect::NextItem => {
                    let b = b.ok_or(Invalid)?;
                    if b == b']' && self.expect != Expect::Value {
                        if self.expect == Expect::NextItem {
                            return Err(Invalid);
                        }
                        return Ok(self.close());
                    }
                    return self.value::<DECODE>(b, scratch);
                }
                Expect::FirstKey | Expect::NextKey => match b.ok_or(Invalid)? {
                    b'"' if !DECODE => {
                        self.key_string::<false>(scratch)?;
                        return Ok(Token::Key(Text::default()));
                    }
                    b'"' => return self.key_token(scratch),
                    b'}' if self.expect == Expect::FirstKey => return Ok(self.close()),
                    _ => return Err(Invalid),
                },
                Expect::Colon => {
                    if b != Some(b':') {
                        return Err(Invalid);
                    }
                    self.pos += 1;
                    self.expect = Expect::Value;
                }
                Expect::AfterValue => {
                    let in_object = self.in_object;
                    match b.ok_or(Invalid)? {
                        b',' => {
                            self.pos += 1;
                            self.expect = if in_object {
                                Expect::NextKey
                            } else {
                                Expect::NextItem
                            };
                        }
                        b']' if !in_object => return Ok(self.close()),
                        b'}' if in_object => return Ok(self.close()),
                        _ => return Err(Invalid),
                    }
                }
                // Nothing may follow the value ([`Lexer::next`] tells the
                // end of the data).
                Expect::End => return Err(Invalid),
            }
        }
    }

    /// Skips whitespace; the next byte, if any.
    #[inline(always)]
    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// The state after a complete value.
    #[inline(always)]
    fn done(&mut self) {
        self.expect = if self.depth == 0 {
            Expect::End
        } else {
            Expect::AfterValue
        };
    }

    fn open(&mut self, object: bool) -> Result<Token, Invalid> {
        if self.depth >= MAX_DEPTH {
            return Err(Invalid);
        }
        let bit = 1u128 << self.depth;
        if object {
            self.objects |= bit;
        } else {
            self.objects &= !bit;
        }
        self.depth += 1;
        self.in_object = object;
        self.pos += 1;
        Ok(if object {
            self.expect = Expect::FirstKey;
            Token::ObjectStart
        } else {
            self.expect = Expect::FirstItem;
            Token::ArrayStart
        })
    }

    /// Closes the innermost container (its bracket at `pos`).
    fn close(&mut self) -> Token {
        let object = self.in_object;
        self.depth -= 1;
        self.in_object = self.depth > 0 && self.objects & (1 << (self.depth - 1)) != 0;
        self.pos += 1;
        self.done();
        if object {
            Token::ObjectEnd
        } else {
            Token::ArrayEnd
        }
    }

    /// The value whose first byte `b` is at `pos`.
    #[inline(always)]
    fn value<const DECODE: bool>(&mut self, b: u8, scratch: &mut String) -> Result<Token, Invalid> {
        match b {
            b'"' => {
                self.pos += 1;
                let text = self.string_as::<DECODE>(scratch)?;
                self.done();
                Ok(Token::String(text))
            }
            b'{' => self.open(true),
            b'[' => self.open(false),
            b't' => self.literal(b"true", Token::Bool(true)),
            b'f' => self.literal(b"false", Token::Bool(false)),
            b'n' => self.literal(b"null", Token::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Invalid),
        }
    }

    fn literal(&mut self, text: &[u8], token: Token) -> Result<Token, Invalid> {
        if self.bytes.get(self.pos..self.pos + text.len()) != Some(text) {
            return Err(Invalid);
        }
        self.pos += text.len();
        self.done();
        Ok(token)
    }

    /// A number starting at `pos`:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    pub(super) fn number(&mut self) -> Result<Token, Invalid> {
        let bytes = self.bytes;
        let start = self.pos;
        self.scalar_start = start;
        let mut i = start;
        if i >= bytes.len() {
            return Err(Invalid);
        }
        let negative = bytes[i] == b'-';
        if negative {
            i += 1;
        }
        // The integer part's value, while it fits: at most 19 digits do.
        let mut value = 0u64;
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                let int_start = i;
                while let Some(&b) = bytes.get(i) {
                    let digit = b.wrapping_sub(b'0');
                    if digit > 9 {
                        break;
                    }
                    value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
                    i += 1;
                }
                if i - int_start > 19 {
                    match unsigned(&bytes[int_start..i]) {
                        Some(v) => value = v,
                        // Too large for `u64`: not an unsigned integer.
                        None => return self.number_end(start, i, None),
                    }
                }
            }
            _ => return Err(Invalid),
        }
        let integer = !negative && !matches!(bytes.get(i), Some(b'.' | b'e' | b'E'));
        self.number_end(start, i, integer.then_some(value))
    }

    /// The rest of a number whose integer part ends before `i`, and what
    /// may follow it; `value` is the number when it is an unsigned integer
    /// that fits `u64` and has no fraction or exponent.
    #[inline(always)]
    fn number_end(
        &mut self,
        start: usize,
        mut i: usize,
        value: Option<u64>,
    ) -> Result<Token, Invalid> {
        let bytes = self.bytes;
        if bytes.get(i) == Some(&b'.') {
            let end = digits_end(bytes, i + 1);
            if end == i + 1 {
                return Err(Invalid);
            }
            i = end;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let end = digits_end(bytes, i);
            if end == i {
                return Err(Invalid);
            }
            i = end;
        }
        // What may follow: not the end of the data (a number there could
        // go on), nor a byte glued to it that no JSON allows (a digit after
        // a leading `0` is one).
        match bytes.get(i) {
            None => return Err(Invalid),
            Some(&b) if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-') => {
                return Err(Invalid);
            }
            Some(_) => {}
        }
        if i - start > MAX_NUMBER_LEN {
            return Err(Invalid);
        }
        self.pos = i;
        self.done();
        Ok(value.map_or(Token::OtherNumber, Token::Unsigned))
    }

    /// A string or key whose opening quote is before `pos`; leaves `pos`
    /// after its closing quote.
    #[inline(always)]
    pub(super) fn string(&mut self, scratch: &mut String) -> Result<Text, Invalid> {
        self.string_as::<true>(scratch)
    }

    /// [`Lexer::string`]; when not `DECODE`, escapes are checked but
    /// nothing is written to `scratch` (the [`Text`] is then meaningless).
    #[inline(always)]
    fn string_as<const DECODE: bool>(&mut self, scratch: &mut String) -> Result<Text, Invalid> {
        let bytes = self.bytes;
        let start = self.pos;
        self.scalar_start = start;
        // Eight bytes at a time, as the tokenizer scans, and 32 at a time
        // through long strings (web search results, signatures).
        let i = long_string_run_end(bytes, start);
        match bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                Ok(Text::data(start, i))
            }
            Some(b'\\') => self.escaped::<DECODE>(start, i, scratch),
            _ => Err(Invalid),
        }
    }

    /// The rest of a string whose plain run `start..i` ends at a backslash:
    /// decoded into `scratch` (when `DECODE`; only checked otherwise).
    #[cold]
    fn escaped<const DECODE: bool>(
        &mut self,
        start: usize,
        mut i: usize,
        scratch: &mut String,
    ) -> Result<Text, Invalid> {
        let bytes = self.bytes;
        let from = scratch.len();
        // The data is UTF-8 and runs end at ASCII bytes: every run is text.
        let all = self.text;
        let text = |a: usize, b: usize| all.get(a..b).ok_or(Invalid);
        if DECODE {
            scratch.push_str(text(start, i)?);
        }
        loop {
            // `bytes[i]` is a backslash.
            let escape = *bytes.get(i + 1).ok_or(Invalid)?;
            i += 2;
            let c = match escape {
                b'u' => {
                    let unit = hex4(bytes, i)?;
                    i += 4;
                    let code = match unit {
                        // A high surrogate: a low one must follow.
                        0xD800..=0xDBFF => {
                            if bytes.get(i..i + 2) != Some(b"\\u") {
                                return Err(Invalid);
                            }
                            let low = hex4(bytes, i + 2)?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return Err(Invalid);
                            }
                            i += 6;
                            0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                        }
                        0xDC00..=0xDFFF => return Err(Invalid),
                        _ => u32::from(unit),
                    };
                    char::from_u32(code).ok_or(Invalid)?
                }
                _ => simple_escape(escape).ok_or(Invalid)?,
            };
            let run = i;
            i = long_string_run_end(bytes, i);
            if DECODE {
                scratch.push(c);
                scratch.push_str(text(run, i)?);
            }
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Text::scratch(from, scratch.len()));
                }
                Some(b'\\') => {}
                _ => return Err(Invalid),
            }
        }
    }
}

/// The code unit of the four hex digits at `bytes[at..]`.
fn hex4(bytes: &[u8], at: usize) -> Result<u16, Invalid> {
    let digits = bytes.get(at..at + 4).ok_or(Invalid)?;
    digits.iter().try_fold(0u16, |code, &b| {
        let d = (b as char).to_digit(16).ok_or(Invalid)?;
        Ok((code << 4) | d as u16)
    })
}

/// Index of the first byte at or after `from` that is not an ASCII digit.
#[inline(always)]
fn digits_end(bytes: &[u8], mut from: usize) -> usize {
    while bytes.get(from).is_some_and(u8::is_ascii_digit) {
        from += 1;
    }
    from
}

/// Integer digits as a `u64`, `None` if they do not fit.
#[cold]
fn unsigned(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |n, &b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use structream_parser::{Event, Tokenizer};

    /// One step of a lexer, owned, for comparison.
    #[derive(Debug, Clone, PartialEq)]
    enum Step {
        /// A token (strings with their text and whether they were
        /// decoded), and the bytes read after it.
        Token(String, usize),
        /// The end of the data after the value.
        End,
        Invalid,
    }

    fn show(token: Token, text: &str, scratch: &str) -> String {
        let get = |t: Text| {
            let from = if t.in_scratch() { scratch } else { text };
            // Where an empty string lives makes no difference.
            let decoded = t.in_scratch() && !t.is_empty();
            format!("{:?} {decoded}", &from[t.range()])
        };
        match token {
            Token::Key(t) => format!("key {}", get(t)),
            Token::String(t) => format!("string {}", get(t)),
            other => format!("{other:?}"),
        }
    }

    /// The steps of the lexer over `text`.
    fn lexer(text: &str) -> Vec<Step> {
        let mut lex = Lexer::new(text);
        let mut scratch = String::new();
        let mut out = Vec::new();
        loop {
            match lex.next(&mut scratch) {
                Ok(Some(token)) => out.push(Step::Token(show(token, text, &scratch), lex.pos())),
                Ok(None) => {
                    out.push(Step::End);
                    return out;
                }
                Err(Invalid) => {
                    out.push(Step::Invalid);
                    return out;
                }
            }
        }
    }

    /// The steps of the tokenizer over `text`, read as the envelope read
    /// it before it had a lexer: events pulled one by one, a string's
    /// fragments joined (borrowed when whole), numbers as `u64` when they
    /// are integers that fit.
    fn reference(text: &str) -> Vec<Step> {
        let mut tok = Tokenizer::new();
        let mut scratch = String::new();
        let mut out = Vec::new();
        let mut feed = tok.feed(text.as_bytes());
        let base = text.as_ptr() as usize;
        loop {
            let token = match feed.next_event() {
                Err(_) => {
                    out.push(Step::Invalid);
                    return out;
                }
                Ok(None) => break,
                Ok(Some(event)) => match event {
                    Event::ObjectStart => Token::ObjectStart,
                    Event::ObjectEnd => Token::ObjectEnd,
                    Event::ArrayStart => Token::ArrayStart,
                    Event::ArrayEnd => Token::ArrayEnd,
                    Event::Bool(b) => Token::Bool(b),
                    Event::Null => Token::Null,
                    Event::Number(n) => match n.as_u64() {
                        Some(u) if n.is_integer() => Token::Unsigned(u),
                        _ => Token::OtherNumber,
                    },
                    Event::Key(s) | Event::String(s) => {
                        let key = matches!(event, Event::Key(_));
                        let start = (s.as_str().as_ptr() as usize).wrapping_sub(base);
                        let inside = start
                            .checked_add(s.as_str().len())
                            .is_some_and(|end| end <= text.len());
                        let text = if s.is_whole() && s.borrowed_str().is_some() && inside {
                            Text::data(start, start + s.as_str().len())
                        } else {
                            let from = scratch.len();
                            scratch.push_str(s.as_str());
                            let mut last = s.is_last();
                            while !last {
                                match feed.next_event() {
                                    Ok(Some(Event::Key(s) | Event::String(s))) => {
                                        scratch.push_str(s.as_str());
                                        last = s.is_last();
                                    }
                                    _ => {
                                        out.push(Step::Invalid);
                                        return out;
                                    }
                                }
                            }
                            Text::scratch(from, scratch.len())
                        };
                        if key {
                            Token::Key(text)
                        } else {
                            Token::String(text)
                        }
                    }
                },
            };
            out.push(Step::Token(show(token, text, &scratch), feed.consumed()));
        }
        drop(feed);
        out.push(if tok.is_between_values() {
            Step::End
        } else {
            Step::Invalid
        });
        out
    }

    fn same(text: &str) {
        assert_eq!(lexer(text), reference(text), "{text:?}");
    }

    /// Bytes that change what JSON means, for the mutations.
    const SPECIAL: &[&str] = &[
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "0",
        "1",
        "-",
        ".",
        "e",
        "E",
        "+",
        "t",
        "n",
        "u",
        "x",
        " ",
        "\n",
        "\u{1}",
        "é",
        "\\u",
        "\\ud800",
        "\\udc00",
        "\\ud83d\\ude00",
    ];

    fn mutations(text: &str) {
        same(text);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for &(i, c) in &chars {
            let (before, after) = (&text[..i], &text[i + c.len_utf8()..]);
            same(before);
            same(&format!("{before}{after}"));
            for s in SPECIAL {
                same(&format!("{before}{s}{after}"));
                same(&format!("{before}{s}{c}{after}"));
            }
        }
    }

    #[test]
    fn the_lexer_reads_as_the_tokenizer_does() {
        for text in [
            r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Par"}}]},"logprobs":null,"finish_reason":null}]}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"é\u00e9\ud83d\ude00\n"}}"#,
            r#" { "a" : [ -0.5e+10 , 1E-2 , 0 , 18446744073709551616 , 18446744073709551615, -1, true , false , null , "" , {} , [ ] ] } "#,
            "{\"k\\\"ey\":\"v\\/\\b\\f\\r\\t\"}",
        ] {
            mutations(text);
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [127, 128, 129] {
            same(&deep(n));
        }
        let digits = |n: usize| format!("[{}]", "1".repeat(n));
        for n in [4095, 4096, 4097] {
            same(&digits(n));
            same(&format!("[-{}]", "1".repeat(n - 1)));
        }
        for text in [
            "5",
            "5 ",
            "\"x\"",
            "tru",
            "true",
            "-",
            "[1",
            "{\"a\":1}x",
            "{\"a\"\n:1}",
        ] {
            same(text);
        }
    }

    /// Every `data:` payload of the recorded streams.
    #[test]
    fn the_lexer_reads_every_recorded_payload_as_the_tokenizer_does() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("corpus folder") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpora/sse");
        let mut files = Vec::new();
        walk(std::path::Path::new(root), &mut files);
        let mut payloads = 0;
        for file in files {
            let Ok(body) = std::fs::read_to_string(&file) else {
                continue;
            };
            for line in body.lines() {
                let data = line.strip_prefix("data:").unwrap_or(line);
                same(data.strip_prefix(' ').unwrap_or(data));
                payloads += 1;
            }
        }
        assert!(payloads > 1000, "{payloads}");
    }
}
