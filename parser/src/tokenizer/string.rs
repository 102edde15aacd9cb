//! Strings and keys: plain runs, escapes, `\uXXXX` units and surrogate
//! pairs, and UTF-8 characters cut by the end of a chunk.

use super::{Feed, State, WHOLE_CHUNK_CHECK, scan, text};
use crate::config::LoneSurrogates;
use crate::error::{Error, ErrorKind};
use crate::event::{Event, Str};

/// Inside a string or key: what comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StrPart {
    /// Plain characters.
    Run,
    /// After a backslash.
    Escape,
    /// In `\uXXXX`: `digits` hex digits read so far, giving `code`.
    Hex { digits: u8, code: u16 },
    /// A decoded UTF-16 code unit to be turned into a character.
    Unit(u16),
    /// After a high surrogate: a `\` must follow.
    LowBackslash { high: u16 },
    /// After a high surrogate and `\`: a `u` must follow.
    LowU { high: u16 },
    /// In the low surrogate's hex digits.
    LowHex { high: u16, digits: u8, code: u16 },
    /// A UTF-8 character cut by the end of a chunk: `have` of `need` bytes.
    Utf8 { bytes: [u8; 4], have: u8, need: u8 },
}

/// A string or key being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct StrState {
    pub(super) key: bool,
    /// Whether a fragment marked first has been handed out.
    pub(super) started: bool,
    pub(super) part: StrPart,
}

impl<'a> Feed<'_, 'a> {
    /// Steps inside a string or key. Returns an event, or `None` when the
    /// state changed without one (the caller loops) or the chunk ran out.
    #[inline(always)]
    pub(super) fn string(&mut self, s: StrState) -> Result<Option<Event<'a>>, Error> {
        match s.part {
            StrPart::Run => self.string_run(s),
            _ => self.string_special(s),
        }
    }

    /// [`Feed::string`] after a backslash or inside a cut UTF-8 character:
    /// out of line, so that the machine's common paths need fewer registers
    /// (every call of `step` pays for what its inlined paths need).
    #[inline(never)]
    fn string_special(&mut self, mut s: StrState) -> Result<Option<Event<'a>>, Error> {
        let input = self.input;
        match s.part {
            StrPart::Run => self.string_run(s),
            StrPart::Escape => {
                let Some(&b) = input.get(self.pos) else {
                    return Ok(None);
                };
                // The backslash (possibly at the end of the last chunk) and this byte.
                let backslash = (self.pos as u64).wrapping_sub(1);
                self.count_string_bytes(2, backslash)?;
                let c = match b {
                    b'u' => {
                        self.pos += 1;
                        s.part = StrPart::Hex { digits: 0, code: 0 };
                        self.tok.state = State::Str(s);
                        return Ok(None);
                    }
                    _ => match scan::simple_escape(b) {
                        Some(c) => c,
                        None => return Err(self.error(ErrorKind::InvalidEscape, self.pos)),
                    },
                };
                self.pos += 1;
                Ok(Some(self.emit_char(s, c)))
            }
            StrPart::Hex { digits, code } | StrPart::LowHex { digits, code, .. } => {
                let (digits, code) = self.hex_digits(digits, code)?;
                s.part = match (s.part, digits) {
                    (StrPart::Hex { .. }, 4) => StrPart::Unit(code),
                    (StrPart::Hex { .. }, _) => StrPart::Hex { digits, code },
                    (StrPart::LowHex { high, .. }, 4) => {
                        if (0xDC00..=0xDFFF).contains(&code) {
                            let c = 0x10000
                                + ((u32::from(high) - 0xD800) << 10)
                                + (u32::from(code) - 0xDC00);
                            let c = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
                            return Ok(Some(self.emit_char(s, c)));
                        }
                        if self.tok.config.lone_surrogates == LoneSurrogates::Reject {
                            let kind = ErrorKind::LoneLeadingSurrogateInHexEscape;
                            return Err(self.surrogate_error(kind, self.pos - 1, high));
                        }
                        // The high surrogate was lone; the new unit comes next.
                        s.part = StrPart::Unit(code);
                        return Ok(Some(self.emit_replacement(s)));
                    }
                    (StrPart::LowHex { high, .. }, _) => StrPart::LowHex { high, digits, code },
                    _ => s.part,
                };
                self.tok.state = State::Str(s);
                Ok(None)
            }
            StrPart::Unit(code) => match code {
                0xD800..=0xDBFF => {
                    s.part = StrPart::LowBackslash { high: code };
                    self.tok.state = State::Str(s);
                    Ok(None)
                }
                0xDC00..=0xDFFF => {
                    if self.tok.config.lone_surrogates == LoneSurrogates::Reject {
                        let kind = ErrorKind::LoneLeadingSurrogateInHexEscape;
                        return Err(self.surrogate_error(kind, self.pos, code));
                    }
                    Ok(Some(self.emit_char(s, char::REPLACEMENT_CHARACTER)))
                }
                _ => {
                    let c = char::from_u32(u32::from(code)).unwrap_or(char::REPLACEMENT_CHARACTER);
                    Ok(Some(self.emit_char(s, c)))
                }
            },
            StrPart::LowBackslash { high } | StrPart::LowU { high } => {
                let Some(&b) = input.get(self.pos) else {
                    return Ok(None);
                };
                let want = if matches!(s.part, StrPart::LowBackslash { .. }) {
                    b'\\'
                } else {
                    b'u'
                };
                if b == want {
                    self.count_string_bytes(1, self.pos as u64)?;
                    self.pos += 1;
                    s.part = if want == b'\\' {
                        StrPart::LowU { high }
                    } else {
                        StrPart::LowHex {
                            high,
                            digits: 0,
                            code: 0,
                        }
                    };
                    self.tok.state = State::Str(s);
                    return Ok(None);
                }
                if self.tok.config.lone_surrogates == LoneSurrogates::Reject {
                    let kind = ErrorKind::UnexpectedEndOfHexEscape;
                    return Err(self.surrogate_error(kind, self.pos, high));
                }
                // Lone high surrogate: replace it and read on from this byte,
                // which follows a backslash in the `LowU` case.
                s.part = if want == b'\\' {
                    StrPart::Run
                } else {
                    StrPart::Escape
                };
                Ok(Some(self.emit_replacement(s)))
            }
            StrPart::Utf8 {
                mut bytes,
                mut have,
                need,
            } => {
                while have < need {
                    let Some(&b) = input.get(self.pos) else {
                        s.part = StrPart::Utf8 { bytes, have, need };
                        self.tok.state = State::Str(s);
                        return Ok(None);
                    };
                    if b & 0xC0 != 0x80 {
                        let lead = self.base + self.pos as u64 - u64::from(have);
                        self.pos += 1;
                        return Err(self.error_at(ErrorKind::InvalidUtf8, lead));
                    }
                    self.count_string_bytes(1, self.pos as u64)?;
                    bytes[have as usize] = b;
                    have += 1;
                    self.pos += 1;
                    // The byte may be a continuation byte and still start
                    // no character after this lead (`F0 87`, `E0 80`, `ED
                    // A0`): the same verdict as on the whole input.
                    if let Err(e) = std::str::from_utf8(&bytes[..have as usize])
                        && e.error_len().is_some()
                    {
                        let lead = self.base + self.pos as u64 - u64::from(have);
                        return Err(self.error_at(ErrorKind::InvalidUtf8, lead));
                    }
                }
                match std::str::from_utf8(&bytes[..need as usize]) {
                    Ok(text) => {
                        let c = text.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                        Ok(Some(self.emit_char(s, c)))
                    }
                    Err(_) => {
                        let lead = self.base + self.pos as u64 - u64::from(need);
                        Err(self.error_at(ErrorKind::InvalidUtf8, lead))
                    }
                }
            }
        }
    }

    /// Reads a run of plain characters of a string or key from `self.pos`
    /// up to its closing quote, a backslash or the end of the chunk.
    #[inline(always)]
    pub(super) fn string_run(&mut self, s: StrState) -> Result<Option<Event<'a>>, Error> {
        let end = scan::string_run_end(self.input, self.pos);
        self.string_run_to(s, end)
    }

    /// [`Feed::string_run`] with the run's end, `end`, known: the first
    /// byte from `self.pos` on that is a quote, a backslash or a control
    /// character, or the end of the chunk.
    #[inline(always)]
    fn string_run_to(&mut self, mut s: StrState, end: usize) -> Result<Option<Event<'a>>, Error> {
        let input = self.input;
        let start = self.pos;
        self.count_string_bytes(end - start, start as u64)?;
        let run = &input[start..end];
        // An empty run is common in small chunks (a string resumed at the
        // end of one); it needs no UTF-8 check. Others are slices of the
        // chunk's valid text, checked once for the whole chunk.
        // Small chunks (a token or so) hold one run or two: each is checked
        // on its own, as checking the whole chunk would check no less.
        let whole = if run.is_empty() || input.len() < WHOLE_CHUNK_CHECK {
            None
        } else {
            let (valid, cut) = match self.text {
                Some(text) => text,
                None => *self.text.insert(text::chunk(input)),
            };
            match valid.get(start..end) {
                Some(text) => Some((text, &[][..])),
                // The run goes past the valid text into a character that
                // the end of the chunk cuts: keep its bytes.
                None => match valid.get(start..) {
                    Some(text) if cut && end == input.len() && !self.eof => {
                        Some((text, &input[valid.len()..end]))
                    }
                    _ => None,
                },
            }
        };
        let (text, tail) = match whole {
            Some(found) => found,
            None if run.is_empty() => ("", &[][..]),
            None => match text::run(run) {
                Ok(text) => (text, &[][..]),
                Err(e) if e.error_len().is_none() && end == input.len() && !self.eof => {
                    let valid = e.valid_up_to();
                    (text::prefix(run, valid), &run[valid..])
                }
                Err(e) => {
                    return Err(self.error(ErrorKind::InvalidUtf8, start + e.valid_up_to()));
                }
            },
        };
        let Some(&stop) = input.get(end) else {
            // The chunk ends inside the string.
            self.pos = end;
            if !tail.is_empty() {
                let mut bytes = [0; 4];
                bytes[..tail.len()].copy_from_slice(tail);
                s.part = StrPart::Utf8 {
                    bytes,
                    have: tail.len() as u8,
                    need: utf8_len(tail[0]),
                };
            }
            let emit = !text.is_empty() || !s.started;
            let first = !s.started;
            s.started = true;
            self.tok.state = State::Str(s);
            return Ok(emit.then(|| fragment(s.key, Str::borrowed(text, first, false))));
        };
        match stop {
            b'"' => {
                self.pos = end + 1;
                if s.key {
                    // `"key":` is the common case: take the colon at once.
                    if input.get(end + 1) == Some(&b':') {
                        self.pos = end + 2;
                        self.tok.state = State::Value;
                    } else {
                        self.tok.state = State::Colon;
                    }
                } else {
                    self.value_done(false);
                }
                Ok(Some(fragment(s.key, Str::borrowed(text, !s.started, true))))
            }
            b'\\' => {
                self.pos = end + 1;
                let first = !s.started;
                s.part = StrPart::Escape;
                if text.is_empty() {
                    self.tok.state = State::Str(s);
                    return Ok(None);
                }
                s.started = true;
                self.tok.state = State::Str(s);
                Ok(Some(fragment(s.key, Str::borrowed(text, first, false))))
            }
            _ => Err(self.error(ErrorKind::ControlCharacterWhileParsingString, end)),
        }
    }

    /// The chunk, known to be more of a string with no quote, backslash or
    /// control character in it (its run ends at the chunk's end), in the
    /// string's plain characters: its fragment, if any.
    #[inline(always)]
    pub(super) fn string_chunk(&mut self, s: StrState) -> Result<Option<Event<'a>>, Error> {
        self.string_run_to(s, self.input.len())
    }

    /// Reads hex digits of a `\u` escape up to four in all.
    fn hex_digits(&mut self, mut digits: u8, mut code: u16) -> Result<(u8, u16), Error> {
        while digits < 4 {
            let Some(&b) = self.input.get(self.pos) else {
                break;
            };
            let Some(d) = (b as char).to_digit(16) else {
                return Err(self.error(ErrorKind::InvalidEscape, self.pos));
            };
            self.count_string_bytes(1, self.pos as u64)?;
            code = (code << 4) | d as u16;
            digits += 1;
            self.pos += 1;
        }
        Ok((digits, code))
    }

    fn emit_char(&mut self, mut s: StrState, c: char) -> Event<'a> {
        let first = !s.started;
        s.started = true;
        s.part = StrPart::Run;
        self.tok.state = State::Str(s);
        fragment(s.key, Str::char(c, first))
    }

    /// Emits U+FFFD for a lone surrogate, keeping `s.part` as set by the caller.
    fn emit_replacement(&mut self, mut s: StrState) -> Event<'a> {
        let first = !s.started;
        s.started = true;
        self.tok.state = State::Str(s);
        fragment(s.key, Str::char(char::REPLACEMENT_CHARACTER, first))
    }

    /// Adds `n` raw bytes, the first at `at` (relative to this chunk; the
    /// escape's backslash may lie before it), to the current string's length
    /// and checks the limit.
    #[inline(always)]
    fn count_string_bytes(&mut self, n: usize, at: u64) -> Result<(), Error> {
        if let Some(max) = self.tok.config.max_string_len {
            let len = self.tok.str_len + n;
            if len > max {
                let over = self.base.wrapping_add(at) + (max - self.tok.str_len.min(max)) as u64;
                let err = self.error_at(ErrorKind::StringTooLong, over);
                return Err(err);
            }
            self.tok.str_len = len;
        }
        Ok(())
    }
}

pub(super) fn fragment(key: bool, s: Str<'_>) -> Event<'_> {
    if key { Event::Key(s) } else { Event::String(s) }
}

/// The number of bytes of the UTF-8 sequence led by `lead`.
fn utf8_len(lead: u8) -> u8 {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}
