//! The repair machine: reads almost-JSON a chunk at a time and hands the
//! tokenizer strict JSON, as the input's own bytes wherever they are valid.
//!
//! # Design
//!
//! The machine follows the input's structure (which container is open,
//! whether a key or a value comes next, whether it is inside a string)
//! byte by byte, like the tokenizer, but it produces no events: it cuts the
//! input into runs that go to the tokenizer as they are ([`Out::input`]),
//! bytes put in ([`Out::insert`]) and bytes left out ([`Out::drop`]), so
//! the tokenizer's offsets, lines and columns stay those of the input. On
//! valid JSON a chunk goes out as one run.
//!
//! A decision that needs bytes not read yet waits for them:
//! - a possible closing quote, with the bytes after it, is held until they
//!   say whether it ends the string ([`Repairer::after_quote`]: whitespace,
//!   then what may follow the string, or the next key or item with a comma
//!   or colon missing; a bounded lookahead). Once decided, the bytes held
//!   after it are read again as if they had come in the quote's chunk;
//! - the first bytes of a curly quote (three bytes of UTF-8) are held until
//!   it is whole;
//! - a bare word where a value belongs (a number, a literal, a placeholder,
//!   an unquoted string) is held until it has ended, or until it can only
//!   be a string (at most [`MAX_WORD`] bytes);
//! - a comma is kept back until a value (it stays) or a closing bracket
//!   (it goes) follows; if the chunk ends first, it is held with the
//!   whitespace after it ([`Comma::Held`], at most [`MAX_QUOTE_WS`] bytes),
//!   or past that dropped and put back if a value follows;
//! - a `/` at the end of a chunk waits for the byte that says whether a
//!   comment starts;
//! - a `}` that would close the root object, with the bytes after it, is
//!   held until they say whether more members follow
//!   ([`Repairer::members_follow`]: `,`, a key and its `:`; a bounded
//!   lookahead). Once decided, the `}` goes out or is left out, and the
//!   bytes held after it are read again as after a quote.
//!
//! Held bytes go out before anything else of the next chunk, so the
//! tokenizer sees the same bytes in the same order whatever the chunking.
//!
//! # Fast path
//!
//! Most of an answer is string content, cut by the model's tokens into
//! chunks of a few bytes, where the per-chunk cost counts more than the
//! per-byte one. Where the machine stands in a double-quoted string with
//! nothing held ([`Repairer::in_plain_string`]), a chunk with no quote,
//! backslash or control character goes from the document straight to the
//! tokenizer, read in one scan. A chunk that is valid JSON as it stands, with no decision
//! in it that waits for later bytes (a quote followed in the chunk by what
//! may follow its string, a comma by the next key or item, a word that
//! ends in the chunk as a JSON number or literal), goes to the tokenizer
//! whole after one tight loop over local state, without the byte loop
//! ([`plain`]); so does a chunk that ends where the byte loop would wait
//! (on such a quote, after a comma, inside a word), with those bytes held as
//! the byte loop holds them. On a valid answer nearly every chunk is read
//! that way. In the byte loop, a chunk of whitespace between tokens goes
//! out whole ([`Repairer::blank`]); whitespace is passed over as a run; a
//! word is read where it is held, without a copy or an allocation, and a
//! valid number or literal goes out as it is before any other reading is
//! tried; held bytes go out with the chunk's bytes after them in one call
//! ([`Repairer::hand_out`]); so on valid input the tokenizer is called about
//! once a chunk.

use super::word::{Word, classify, is_json, non_finite};
use super::{Kind, Repair, Repairs};
use crate::error::Error;
use crate::tokenizer::scan;

mod plain;

/// Most whitespace held after a possible closing quote; after more, the
/// quote is taken to close the string.
const MAX_QUOTE_WS: usize = 64;

/// Longest next key or item looked at after a possible closing quote (see
/// [`Repairer::after_quote`]).
const MAX_LOOK: usize = 64;

/// Longest bare word held before it is taken for a string (the default
/// number length limit).
const MAX_WORD: usize = 4096;

/// Most trailing spaces held at the end of an unquoted string; more are
/// kept in the string.
const MAX_TRAILING_WS: usize = 64;

/// Longest part of a chunk copied after held bytes to hand both to the
/// tokenizer in one call.
const MAX_COPIED: usize = 256;

/// Most bytes held after a `}` that may close the root object too early
/// (see [`Repairer::members_follow`]); after more, it closes the root.
const MAX_AFTER_CLOSE: usize = 64;

/// Where the repaired JSON goes.
pub(crate) trait Out {
    /// Bytes of the input, as they are.
    fn input(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// Bytes put in at the current offset.
    fn insert(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// Bytes of the input left out.
    fn drop(&mut self, bytes: &[u8]);
    /// A repair made.
    fn report(&mut self, repair: Repair);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Object,
    Array,
    Tuple,
}

impl Ctx {
    fn closer(self) -> u8 {
        match self {
            Ctx::Object => b'}',
            Ctx::Array | Ctx::Tuple => b']',
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Double,
    Single,
    /// `“ ”`: either closes the string.
    CurlyDouble,
    /// `‘ ’`: either closes the string.
    CurlySingle,
}

/// The UTF-8 of the curly quotes: `“`, `”`, `‘`, `’`.
const CURLY: [[u8; 3]; 4] = [
    [0xE2, 0x80, 0x9C],
    [0xE2, 0x80, 0x9D],
    [0xE2, 0x80, 0x98],
    [0xE2, 0x80, 0x99],
];

impl Quote {
    /// The bytes of its closing quote.
    fn len(self) -> usize {
        match self {
            Quote::Double | Quote::Single => 1,
            Quote::CurlyDouble | Quote::CurlySingle => 3,
        }
    }

    /// Whether `b` stops the run of plain string content.
    fn stops(self, b: u8) -> bool {
        let own = match self {
            Quote::Double => b'"',
            Quote::Single => b'\'',
            Quote::CurlyDouble | Quote::CurlySingle => 0xE2,
        };
        b == own || b == b'"' || b == b'\\' || b < 0x20
    }

    /// The curly quote whose first bytes `bytes` are (all of them when it
    /// is whole): `Some(None)` while incomplete.
    fn curly(bytes: &[u8]) -> Option<Option<Quote>> {
        let at = CURLY.iter().position(|q| q.starts_with(bytes))?;
        if bytes.len() < 3 {
            return Some(None);
        }
        Some(Some(if at < 2 {
            Quote::CurlyDouble
        } else {
            Quote::CurlySingle
        }))
    }

    /// Whether `bytes` begin a quote that closes a string in this quote.
    fn closer_prefix(self, bytes: &[u8]) -> bool {
        match Quote::curly(bytes) {
            Some(Some(q)) => q == self,
            Some(None) => true,
            None => false,
        }
    }
}

/// Where the machine stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    /// A value: at the top level or after a colon.
    Value,
    /// An item or the closing bracket; `first` just after the opening one.
    Item { first: bool },
    /// A key or `}`; `first` just after `{`.
    Key { first: bool },
    /// After a key: the colon.
    Colon,
    /// After a value in a container: `,` or the closing bracket.
    After,
    /// After the top-level value.
    End,
    /// Inside a string; `escape` after a backslash.
    Str {
        quote: Quote,
        key: bool,
        escape: bool,
    },
    /// After a quote that may close the string (held with the bytes after
    /// it that do not yet decide it).
    QuoteEnd { quote: Quote, key: bool },
    /// Inside a curly-quoted string, the first bytes of a possible closing
    /// quote (held).
    StrLead { quote: Quote, key: bool },
    /// Where a key or value starts, the first bytes of a possible opening
    /// curly quote (held); `resume` is the state it began in.
    Curly,
    /// Inside an unquoted key.
    BareKey,
    /// Inside a bare word where a value belongs, undecided (held).
    Word,
    /// Inside an unquoted string value; trailing spaces held.
    BareStr,
    /// Inside a number or literal passed through as it is (no word repair
    /// on).
    Token,
    /// After a `/` outside strings (held).
    Slash,
    /// Inside a `//` or `#` comment.
    LineComment,
    /// Inside a `/* */` comment; `star` after a `*`.
    BlockComment { star: bool },
    /// After a `}` that would close the root object, held with the bytes
    /// after it that do not yet say whether more members follow.
    RootClose,
}

/// The comma kept back after a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comma {
    /// At this index of the chunk, not handed out yet.
    Here(usize, u64),
    /// Dropped at the end of an earlier chunk, at this offset.
    Dropped(u64),
    /// Held at the start of `held` with the whitespace after it (the end of
    /// an earlier chunk), at this offset: it goes out with what follows if
    /// a value follows, and as [`Comma::Dropped`] one would otherwise.
    Held(u64),
}

/// The repair machine; see the module docs.
#[derive(Debug, Clone)]
pub(crate) struct Repairer {
    repairs: Repairs,
    st: St,
    /// Where a comment returns to.
    resume: St,
    stack: Vec<Ctx>,
    max_depth: usize,
    /// Input bytes not handed out yet, before the current chunk.
    held: Vec<u8>,
    /// An empty buffer, taking turns with `held` when held bytes are read
    /// again (so that neither allocates again).
    spare: Vec<u8>,
    /// The absolute offset of the current chunk's first byte.
    base: u64,
    /// Where the bare word, unquoted string or held quote began (absolute
    /// offset).
    word_at: u64,
    /// The bare word began where an item may come.
    word_in_items: bool,
    /// The bare word so far has only bytes a number may have.
    word_numeric: bool,
    comma: Option<Comma>,
    /// A placeholder was just dropped: a comma after it goes too.
    after_placeholder: bool,
    /// The offset of a `0xE2` known not to open a curly quote (read again).
    not_curly: u64,
    /// The input is lenient: what follows the value is prose.
    lenient: bool,
    /// A repair of bare words is on (numbers, literals, placeholders,
    /// unquoted strings): a bare word where a value belongs is read by the
    /// machine, not passed to the tokenizer as it is.
    words: bool,
    failed: bool,
}

/// One chunk being read: the bytes up to `pending` have been handed out.
struct Cursor<'c> {
    chunk: &'c [u8],
    pending: usize,
    /// Held bytes read again: what is left at their end stays held, to go
    /// out with the chunk that follows them.
    again: bool,
}

impl Repairer {
    /// A machine for `repairs`; `lenient` when the value is found in prose
    /// (which then follows it).
    pub(crate) fn new(repairs: Repairs, max_depth: Option<usize>, lenient: bool) -> Repairer {
        Repairer {
            repairs,
            st: St::Value,
            resume: St::Value,
            stack: Vec::new(),
            max_depth: max_depth.unwrap_or(usize::MAX),
            held: Vec::new(),
            spare: Vec::new(),
            base: 0,
            word_at: 0,
            word_in_items: false,
            word_numeric: false,
            comma: None,
            after_placeholder: false,
            not_curly: u64::MAX,
            lenient,
            words: [
                Kind::Number,
                Kind::UnquotedString,
                Kind::Literal,
                Kind::Placeholder,
            ]
            .into_iter()
            .any(|k| repairs.contains(k)),
            failed: false,
        }
    }

    /// Sets the absolute offset of the next byte, before the first chunk
    /// (lenient input starts the value after prose).
    pub(crate) fn start_at(&mut self, offset: u64) {
        self.base = offset;
    }

    /// Whether the top-level value has ended.
    pub(crate) fn value_ended(&self) -> bool {
        self.st == St::End
    }

    fn on(&self, kind: Kind) -> bool {
        self.repairs.contains(kind)
    }

    /// Reads `chunk`; with `stop_at_end`, stops after the top-level value
    /// and returns how many bytes it read.
    /// Kept out of the document's own feed, whose strict path it would
    /// otherwise slow down.
    #[inline(never)]
    pub(crate) fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut impl Out,
        stop_at_end: bool,
    ) -> Result<usize, Error> {
        if let Some(done) = self.feed_plain(chunk, out) {
            return done;
        }
        self.feed_run(chunk, out, stop_at_end)
    }

    /// The whole chunk goes out as it is.
    #[inline]
    fn pass_out(&mut self, chunk: &[u8], out: &mut impl Out) -> Result<usize, Error> {
        if let Err(e) = out.input(chunk) {
            self.failed = true;
            return Err(e);
        }
        self.base += chunk.len() as u64;
        Ok(chunk.len())
    }

    /// A chunk of whitespace between tokens (where a key, a value, a colon
    /// or a comma comes): `Some(true)` when it goes out whole, `Some(false)`
    /// when it is held whole after a comma held (up to [`MAX_QUOTE_WS`]
    /// bytes in all), as [`Repairer::run`] would do, without the byte loop;
    /// `None` for any other chunk.
    fn blank(&self, chunk: &[u8]) -> Option<bool> {
        let between = matches!(
            self.st,
            St::Value | St::Item { .. } | St::Key { .. } | St::Colon | St::After
        );
        if !between || !chunk.iter().all(|&b| scan::is_ws(b)) {
            return None;
        }
        match self.comma {
            None if self.held.is_empty() => Some(true),
            Some(Comma::Held(_)) if self.held.len() + chunk.len() <= MAX_QUOTE_WS => Some(false),
            _ => None,
        }
    }

    /// [`Repairer::feed`] through the byte loop.
    #[inline(never)]
    fn feed_run(
        &mut self,
        chunk: &[u8],
        out: &mut impl Out,
        stop_at_end: bool,
    ) -> Result<usize, Error> {
        if self.failed {
            out.input(&self.held)?;
            out.input(chunk)?;
            return Ok(chunk.len());
        }
        match self.blank(chunk) {
            Some(true) => return self.pass_out(chunk, out),
            Some(false) => {
                self.held.extend_from_slice(chunk);
                self.base += chunk.len() as u64;
                return Ok(chunk.len());
            }
            None => {}
        }
        let mut c = Cursor {
            chunk,
            pending: 0,
            again: false,
        };
        let result = self.run(&mut c, out, stop_at_end);
        let used = match result {
            Ok(used) => used,
            Err(e) => {
                self.failed = true;
                return Err(e);
            }
        };
        self.base += used as u64;
        Ok(used)
    }

    /// Ends the input: what is held goes out as the end decides.
    pub(crate) fn finish(&mut self, out: &mut impl Out) -> Result<(), Error> {
        if self.failed {
            return out.input(&self.held);
        }
        if let Some(Comma::Held(offset)) = self.comma {
            self.release_comma(out, offset)?;
        }
        let mut c = Cursor {
            chunk: &[],
            pending: 0,
            again: false,
        };
        match self.st {
            St::Curly => self.not_curly_after_all(out)?,
            St::StrLead { .. } => {
                out.input(&self.held)?;
                self.held.clear();
            }
            _ => {}
        }
        // At the end of input a `}` held undecided closes the root.
        if self.st == St::RootClose {
            self.resolve_root_close(out, false, self.lenient)?;
        }
        // At the end of input a quote held undecided closes its string.
        while let St::QuoteEnd { quote, key } = self.st {
            self.resolve_held_quote(out, quote, key, true, self.lenient)?;
        }
        match self.st {
            St::Word => {
                let at = 0;
                self.end_word(&mut c, out, at)?;
            }
            St::BareStr => self.end_bare_string(&mut c, out, 0)?,
            _ => {}
        }
        out.input(&self.held)?;
        self.held.clear();
        Ok(())
    }

    fn at(&self, i: usize) -> u64 {
        self.base + i as u64
    }

    /// Hands out held bytes and the chunk up to `upto`.
    #[inline]
    fn flush(&mut self, c: &mut Cursor<'_>, out: &mut impl Out, upto: usize) -> Result<(), Error> {
        if self.comma.is_none() && self.held.is_empty() {
            // Most often: the chunk's bytes alone.
            if upto > c.pending {
                out.input(&c.chunk[c.pending..upto])?;
                c.pending = upto;
            }
            return Ok(());
        }
        self.flush_all(c, out, upto)
    }

    /// [`Repairer::flush`] with a comma kept back or bytes held.
    fn flush_all(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        upto: usize,
    ) -> Result<(), Error> {
        if let Some(Comma::Held(offset)) = self.comma {
            self.release_comma(out, offset)?;
        }
        if let Some(Comma::Here(at, offset)) = self.comma {
            if upto > at {
                // What follows the comma goes out before the comma is
                // decided: it goes now, and comes back if a value follows.
                self.hand_out(c, out, at)?;
                self.comma_out(out, &c.chunk[at..=at])?;
                c.pending = at + 1;
                self.comma = Some(Comma::Dropped(offset));
            }
        }
        self.hand_out(c, out, upto)
    }

    /// Hands out held bytes and the chunk from `pending` up to `upto`, in
    /// one call where the chunk's part is short (copied after the held
    /// bytes): each call to the tokenizer costs more than the copy.
    fn hand_out(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        upto: usize,
    ) -> Result<(), Error> {
        let run = &c.chunk[c.pending.min(upto)..upto];
        if !self.held.is_empty() {
            if run.len() <= MAX_COPIED {
                self.held.extend_from_slice(run);
                c.pending = c.pending.max(upto);
            }
            out.input(&self.held)?;
            self.held.clear();
        }
        if upto > c.pending {
            out.input(&c.chunk[c.pending..upto])?;
            c.pending = upto;
        }
        Ok(())
    }

    /// Leaves out a comma kept back. A space stands in its place, so that
    /// the tokenizer ends a bare token before it at the comma's offset
    /// whether or not the comma comes back later: `[-,` fails at the comma
    /// at every chunking.
    fn comma_out(&mut self, out: &mut impl Out, comma: &[u8]) -> Result<(), Error> {
        out.insert(b" ")?;
        out.drop(comma);
        Ok(())
    }

    /// The comma held (see [`Comma::Held`]) goes out as one left out at the
    /// end of its chunk would have: a space in its place, then the
    /// whitespace after it.
    fn release_comma(&mut self, out: &mut impl Out, offset: u64) -> Result<(), Error> {
        out.insert(b" ")?;
        out.drop(&self.held[..1]);
        out.input(&self.held[1..])?;
        self.held.clear();
        self.comma = Some(Comma::Dropped(offset));
        Ok(())
    }

    /// Replaces the chunk's bytes `from..to` with `with`.
    fn replace(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        from: usize,
        to: usize,
        with: &[u8],
    ) -> Result<(), Error> {
        self.flush(c, out, from)?;
        if !with.is_empty() {
            out.insert(with)?;
        }
        out.drop(&c.chunk[from..to]);
        c.pending = to;
        Ok(())
    }

    fn report(&self, out: &mut impl Out, kind: Kind, offset: u64) {
        out.report(Repair::new(kind, offset));
    }

    /// The state after a complete value.
    fn value_done(&mut self) {
        self.st = if self.stack.is_empty() {
            St::End
        } else {
            St::After
        };
    }

    /// The comma kept back stays: a value or key follows at `i`.
    #[inline]
    fn keep_comma(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
    ) -> Result<(), Error> {
        if self.comma.is_none() {
            self.after_placeholder = false;
            return Ok(());
        }
        if let Some(Comma::Dropped(_)) = self.comma {
            self.flush(c, out, i)?;
        }
        self.restore_comma(out)
    }

    /// [`Repairer::keep_comma`] with everything before the value handed out.
    fn restore_comma(&mut self, out: &mut impl Out) -> Result<(), Error> {
        self.after_placeholder = false;
        if let Some(Comma::Dropped(_)) = self.comma.take() {
            out.insert(b",")?;
        }
        Ok(())
    }

    /// The comma kept back goes: a closing bracket follows.
    fn drop_comma(&mut self, c: &mut Cursor<'_>, out: &mut impl Out) -> Result<(), Error> {
        let placeholder = std::mem::take(&mut self.after_placeholder);
        if !(self.on(Kind::TrailingComma) || placeholder && self.on(Kind::Placeholder)) {
            // Kept back for a placeholder that did not come: the comma
            // stays, and the tokenizer judges it.
            return self.restore_comma(out);
        }
        match self.comma.take() {
            Some(Comma::Here(at, offset)) => {
                self.flush(c, out, at)?;
                self.comma_out(out, &c.chunk[at..=at])?;
                c.pending = at + 1;
                self.report(out, Kind::TrailingComma, offset);
            }
            Some(Comma::Dropped(offset)) => self.report(out, Kind::TrailingComma, offset),
            Some(Comma::Held(offset)) => {
                self.release_comma(out, offset)?;
                self.comma = None;
                self.report(out, Kind::TrailingComma, offset);
            }
            None => {}
        }
        Ok(())
    }

    fn run(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        stop_at_end: bool,
    ) -> Result<usize, Error> {
        let len = c.chunk.len();
        let mut i = 0;
        while i < len {
            let b = c.chunk[i];
            match self.st {
                St::Str { quote, key, escape } => {
                    i = self.string(c, out, i, quote, key, escape)?;
                }
                St::QuoteEnd {
                    quote: Quote::Double,
                    key,
                } if self.held.len() == 1 && self.closes(b, key) => {
                    // The byte right after the quote held says it closes
                    // its string: the quote stays held, to go out with what
                    // follows, as `resolve_held_quote` would leave it.
                    if key {
                        self.st = St::Colon;
                    } else {
                        self.value_done();
                    }
                }
                St::QuoteEnd { .. } | St::RootClose => {
                    // Held undecided: does this byte decide?
                    self.held.push(b);
                    let verdict = match self.st {
                        St::QuoteEnd { quote, key } => {
                            self.after_quote(key, &self.held[quote.len()..])
                        }
                        _ => self.members_follow(&self.held[1..]),
                    };
                    self.held.pop();
                    match (verdict, self.st) {
                        (None, _) => {
                            self.held.push(b);
                            c.pending = i + 1;
                            i += 1;
                        }
                        (Some(closes), St::QuoteEnd { quote, key }) => {
                            self.resolve_held_quote(out, quote, key, closes, stop_at_end)?;
                        }
                        (Some(fold), _) => self.resolve_root_close(out, fold, stop_at_end)?,
                    }
                }
                St::StrLead { quote, key } => {
                    self.held.push(b);
                    if !quote.closer_prefix(&self.held) {
                        // Not a closing quote: content, and this byte is
                        // read again in the string.
                        self.held.pop();
                        out.input(&self.held)?;
                        self.held.clear();
                        self.st = St::Str {
                            quote,
                            key,
                            escape: false,
                        };
                        continue;
                    }
                    c.pending = i + 1;
                    i += 1;
                    if self.held.len() == quote.len() {
                        if self.on(Kind::UnescapedQuote) && !self.stack.is_empty() {
                            self.st = St::QuoteEnd { quote, key };
                        } else {
                            self.resolve_held_quote(out, quote, key, true, stop_at_end)?;
                        }
                    }
                }
                St::Curly => {
                    self.held.push(b);
                    match Quote::curly(&self.held) {
                        Some(None) => {
                            c.pending = i + 1;
                            i += 1;
                        }
                        Some(Some(quote)) => {
                            c.pending = i + 1;
                            i += 1;
                            self.restore_comma(out)?;
                            out.insert(b"\"")?;
                            out.drop(&self.held);
                            self.held.clear();
                            self.open_curly_string(out, quote);
                        }
                        None => {
                            self.held.pop();
                            self.not_curly_after_all(out)?;
                        }
                    }
                }
                St::BareKey => {
                    if is_key_byte(b) {
                        i += 1;
                        continue;
                    }
                    self.flush(c, out, i)?;
                    out.insert(b"\"")?;
                    self.st = St::Colon;
                }
                St::Word => i = self.word(c, out, i)?,
                St::BareStr => i = self.bare_string(c, out, i)?,
                St::Token => {
                    if is_delimiter(b) {
                        self.value_done();
                    } else {
                        i += 1;
                    }
                }
                St::Slash => {
                    let slash_at = self.at(i) - 1;
                    match b {
                        b'/' | b'*' => {
                            out.drop(&self.held);
                            self.held.clear();
                            out.drop(&c.chunk[c.pending..=i]);
                            c.pending = i + 1;
                            self.report(out, Kind::Comment, slash_at);
                            self.st = if b == b'/' {
                                St::LineComment
                            } else {
                                St::BlockComment { star: false }
                            };
                            i += 1;
                        }
                        _ => {
                            // Not a comment: the tokenizer judges the `/`.
                            self.flush(c, out, i)?;
                            self.st = self.resume;
                        }
                    }
                }
                St::LineComment => {
                    let end = c.chunk[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(len, |p| i + p);
                    out.drop(&c.chunk[i..end]);
                    c.pending = end;
                    i = end;
                    if end < len {
                        self.st = self.resume;
                    }
                }
                St::BlockComment { mut star } => {
                    let mut j = i;
                    let mut closed = false;
                    while j < len {
                        let b = c.chunk[j];
                        j += 1;
                        if star && b == b'/' {
                            closed = true;
                            break;
                        }
                        star = b == b'*';
                    }
                    out.drop(&c.chunk[i..j]);
                    c.pending = j;
                    i = j;
                    self.st = if closed {
                        self.resume
                    } else {
                        St::BlockComment { star }
                    };
                }
                St::End if stop_at_end => break,
                _ => i = self.structure(c, out, i)?,
            }
        }
        // The end of the chunk.
        match self.st {
            St::QuoteEnd { .. }
            | St::RootClose
            | St::StrLead { .. }
            | St::Curly
            | St::Word
            | St::Slash
            | St::Str {
                quote: Quote::Single,
                escape: true,
                ..
            } => {
                // Held: everything from `pending` on.
                self.held.extend_from_slice(&c.chunk[c.pending..i]);
                c.pending = i;
            }
            St::BareStr => {
                // Trailing spaces are held; the rest went out.
                self.held.extend_from_slice(&c.chunk[c.pending..i]);
                c.pending = i;
            }
            _ => {
                if let Some(Comma::Here(at, offset)) = self.comma {
                    if !c.again && i - at <= MAX_QUOTE_WS {
                        // Held with the whitespace after it, to go out
                        // with what follows in one call if a value does
                        // (what was held before it goes out first).
                        self.flush(c, out, at)?;
                        debug_assert!(self.held.is_empty());
                        self.held.extend_from_slice(&c.chunk[at..i]);
                        c.pending = i;
                        self.comma = Some(Comma::Held(offset));
                        return Ok(i);
                    }
                    self.flush(c, out, at)?;
                    self.comma_out(out, &c.chunk[at..=at])?;
                    c.pending = at + 1;
                    self.comma = Some(Comma::Dropped(offset));
                }
                let keep = c.again
                    || matches!(self.comma, Some(Comma::Held(_)))
                        && self.held.len() + (i - c.pending) <= MAX_QUOTE_WS;
                if keep {
                    self.held.extend_from_slice(&c.chunk[c.pending..i]);
                    c.pending = i;
                } else {
                    self.flush(c, out, i)?;
                }
            }
        }
        Ok(i)
    }

    /// A byte outside strings and words, at `i`: returns where to go on.
    fn structure(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
    ) -> Result<usize, Error> {
        let b = c.chunk[i];
        if scan::is_ws(b) {
            // Whitespace changes nothing: the run of it is passed over.
            let end = c.chunk[i + 1..]
                .iter()
                .position(|&b| !scan::is_ws(b))
                .map_or(c.chunk.len(), |p| i + 1 + p);
            return Ok(end);
        }
        if (b == b'/' || b == b'#') && self.on(Kind::Comment) {
            self.resume = self.st;
            if b == b'#' {
                self.flush(c, out, i)?;
                self.report(out, Kind::Comment, self.at(i));
                self.st = St::LineComment;
                return Ok(i);
            }
            self.flush(c, out, i)?;
            self.st = St::Slash;
            return Ok(i + 1);
        }
        if b == 0xE2
            && self.on(Kind::CurlyQuotes)
            && self.at(i) != self.not_curly
            && matches!(self.st, St::Value | St::Item { .. } | St::Key { .. })
        {
            let lead = &c.chunk[i..c.chunk.len().min(i + 3)];
            match Quote::curly(lead) {
                Some(None) => {
                    // Held until the quote is whole (or is not one).
                    self.flush(c, out, i)?;
                    self.word_at = self.at(i);
                    self.resume = self.st;
                    self.st = St::Curly;
                    return Ok(c.chunk.len());
                }
                Some(Some(quote)) => {
                    self.resume = self.st;
                    self.keep_comma(c, out, i)?;
                    self.replace(c, out, i, i + 3, b"\"")?;
                    self.word_at = self.at(i);
                    self.open_curly_string(out, quote);
                    return Ok(i + 3);
                }
                None => {}
            }
        }
        match self.st {
            St::Value | St::Item { .. } => self.value_start(c, out, i),
            St::Key { first } => match b {
                b'"' => {
                    self.keep_comma(c, out, i)?;
                    self.st = St::Str {
                        quote: Quote::Double,
                        key: true,
                        escape: false,
                    };
                    Ok(i + 1)
                }
                b'\'' if self.on(Kind::SingleQuotes) => {
                    self.keep_comma(c, out, i)?;
                    self.open_single(c, out, i, true)
                }
                b'}' => {
                    if !first {
                        self.drop_comma(c, out)?;
                    }
                    self.close(c, out, i)
                }
                b']' | b')' => {
                    self.keep_comma(c, out, i)?;
                    self.close(c, out, i)
                }
                _ if is_key_byte(b) && self.on(Kind::UnquotedKey) => {
                    self.keep_comma(c, out, i)?;
                    self.flush(c, out, i)?;
                    out.insert(b"\"")?;
                    self.report(out, Kind::UnquotedKey, self.at(i));
                    self.st = St::BareKey;
                    Ok(i)
                }
                _ => {
                    // Not a key: the comma kept back goes out before it,
                    // and the tokenizer judges both where they are.
                    self.keep_comma(c, out, i)?;
                    Ok(i + 1)
                }
            },
            St::Colon => {
                if b != b':' && self.on(Kind::MissingColon) && starts_value(b) {
                    self.flush(c, out, i)?;
                    out.insert(b":")?;
                    self.report(out, Kind::MissingColon, self.at(i));
                    self.st = St::Value;
                    return Ok(i);
                }
                if b == b':' {
                    self.st = St::Value;
                }
                Ok(i + 1)
            }
            St::After => {
                let top = self.stack.last().copied();
                match b {
                    b',' => {
                        let tracking = self.on(Kind::TrailingComma) || self.on(Kind::Placeholder);
                        if tracking {
                            self.comma = Some(Comma::Here(i, self.at(i)));
                        }
                        self.st = match top {
                            Some(Ctx::Object) => St::Key { first: false },
                            _ => St::Item { first: false },
                        };
                        Ok(i + 1)
                    }
                    b'}' | b']' | b')' => self.close(c, out, i),
                    _ if self.on(Kind::MissingComma) && top.is_some() && {
                        match top {
                            Some(Ctx::Object) => matches!(b, b'"' | b'\'') || is_key_byte(b),
                            _ => starts_value(b),
                        }
                    } =>
                    {
                        self.flush(c, out, i)?;
                        out.insert(b",")?;
                        self.report(out, Kind::MissingComma, self.at(i));
                        self.st = match top {
                            Some(Ctx::Object) => St::Key { first: false },
                            _ => St::Item { first: false },
                        };
                        Ok(i)
                    }
                    _ => Ok(i + 1),
                }
            }
            // After the top-level value: the tokenizer judges the rest.
            _ => {
                self.st = St::Value;
                Ok(i)
            }
        }
    }

    /// The first byte of a value (or a closing bracket), at `i`.
    fn value_start(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
    ) -> Result<usize, Error> {
        let b = c.chunk[i];
        let in_items = matches!(self.st, St::Item { .. });
        match b {
            b']' | b'}' | b')' if in_items => {
                if matches!(self.st, St::Item { first: false }) {
                    self.drop_comma(c, out)?;
                }
                return self.close(c, out, i);
            }
            b',' if in_items && self.after_placeholder => {
                self.replace(c, out, i, i + 1, b"")?;
                self.after_placeholder = false;
                return Ok(i + 1);
            }
            _ => {}
        }
        let word = self.words && !is_delimiter(b) && !matches!(b, b'\'' | b'(');
        if !word {
            self.keep_comma(c, out, i)?;
        }
        match b {
            b'"' => {
                self.st = St::Str {
                    quote: Quote::Double,
                    key: false,
                    escape: false,
                };
                Ok(i + 1)
            }
            b'\'' if self.on(Kind::SingleQuotes) => self.open_single(c, out, i, false),
            b'{' | b'[' => self.open(
                c,
                out,
                i,
                if b == b'{' { Ctx::Object } else { Ctx::Array },
                None,
            ),
            b'(' if self.on(Kind::Tuple) => self.open(c, out, i, Ctx::Tuple, Some(b"[")),
            _ if self.words && !is_delimiter(b) => {
                // A number, literal or bare word: most are valid and whole in
                // the chunk, and pass as they are.
                let end = c.chunk[i..]
                    .iter()
                    .position(|&b| is_delimiter(b))
                    .map_or(c.chunk.len(), |p| i + p);
                let ends = c
                    .chunk
                    .get(end)
                    .is_some_and(|&b| scan::is_ws(b) || ends_word(b));
                if ends && is_json(&c.chunk[i..end]) {
                    self.keep_comma(c, out, i)?;
                    self.value_done();
                    return Ok(end);
                }
                self.flush(c, out, i)?;
                self.word_at = self.at(i);
                self.word_in_items = matches!(self.st, St::Item { .. });
                self.word_numeric = true;
                self.st = St::Word;
                Ok(i)
            }
            _ if !is_delimiter(b) => {
                self.st = St::Token;
                Ok(i + 1)
            }
            // Not a value: the tokenizer reports it.
            _ => Ok(i + 1),
        }
    }

    fn open(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
        ctx: Ctx,
        replace: Option<&[u8]>,
    ) -> Result<usize, Error> {
        if self.stack.len() >= self.max_depth {
            // The tokenizer reports the limit at this byte.
            self.flush(c, out, i + 1)?;
            return Ok(i + 1);
        }
        if let Some(with) = replace {
            self.replace(c, out, i, i + 1, with)?;
            self.report(out, Kind::Tuple, self.at(i));
        }
        self.stack.push(ctx);
        self.st = match ctx {
            Ctx::Object => St::Key { first: true },
            _ => St::Item { first: true },
        };
        Ok(i + 1)
    }

    /// A closing bracket at `i`.
    fn close(&mut self, c: &mut Cursor<'_>, out: &mut impl Out, i: usize) -> Result<usize, Error> {
        let b = c.chunk[i];
        let Some(&top) = self.stack.last() else {
            return Ok(i + 1);
        };
        let matches = |ctx: Ctx| match b {
            b'}' => ctx == Ctx::Object,
            b']' => ctx == Ctx::Array,
            _ => ctx == Ctx::Tuple,
        };
        if matches(top) {
            if top == Ctx::Tuple {
                self.replace(c, out, i, i + 1, b"]")?;
            }
            if b == b'}' && self.stack.len() == 1 && self.on(Kind::PrematureClose) {
                return self.root_close(c, out, i);
            }
            self.stack.pop();
            self.value_done();
            return Ok(i + 1);
        }
        if b == b')' && self.on(Kind::Tuple) || b != b')' && self.on(Kind::Bracket) {
            let offset = self.at(i);
            if let Some(depth) = self.stack.iter().rposition(|&ctx| matches(ctx)) {
                // Close what is open above the container it matches.
                self.flush(c, out, i)?;
                let closers: Vec<u8> = self.stack[depth + 1..]
                    .iter()
                    .rev()
                    .map(|c| c.closer())
                    .collect();
                out.insert(&closers)?;
                self.stack.truncate(depth + 1);
                self.report(out, Kind::Bracket, offset);
                return self.close(c, out, i);
            }
            // Read as the bracket that closes the innermost container.
            self.replace(c, out, i, i + 1, &[top.closer()])?;
            self.report(out, Kind::Bracket, offset);
            self.stack.pop();
            self.value_done();
            return Ok(i + 1);
        }
        // The tokenizer reports the mismatch.
        Ok(i + 1)
    }

    /// A `}` at `i` that would close the root object: it does, or more
    /// members follow and it is left out, or it waits for the bytes that
    /// decide.
    fn root_close(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
    ) -> Result<usize, Error> {
        match self.members_follow(&c.chunk[i + 1..]) {
            None => {
                // Undecided: held until the bytes that decide it come.
                self.flush(c, out, i)?;
                self.word_at = self.at(i);
                self.st = St::RootClose;
                Ok(c.chunk.len())
            }
            Some(true) => {
                self.replace(c, out, i, i + 1, b"")?;
                self.report(out, Kind::PrematureClose, self.at(i));
                self.st = St::After;
                Ok(i + 1)
            }
            Some(false) => {
                self.stack.pop();
                self.value_done();
                Ok(i + 1)
            }
        }
    }

    /// Decides a `}` that would close the root object from the bytes after
    /// it: `Some(true)` if more members of the root follow, `Some(false)` if
    /// it closes the root, `None` if the bytes so far do not say. The
    /// answer never changes as bytes are added, so it is the same at every
    /// chunking.
    ///
    /// Members follow when, after whitespace, a `,` comes, then whitespace,
    /// a key and, after whitespace, its `:`. The key is in double quotes
    /// (no escape in it); outside lenient input, also in single or curly
    /// quotes or unquoted when those repairs are on. Anything else, or no
    /// decision within [`MAX_AFTER_CLOSE`] bytes, closes the root.
    fn members_follow(&self, after: &[u8]) -> Option<bool> {
        let look = &after[..after.len().min(MAX_AFTER_CLOSE)];
        let verdict = self.members_follow_in(look);
        if verdict.is_none() && after.len() >= MAX_AFTER_CLOSE {
            return Some(false);
        }
        verdict
    }

    /// [`Repairer::members_follow`] within `look`.
    fn members_follow_in(&self, look: &[u8]) -> Option<bool> {
        let ws = |from: usize| {
            look[from..]
                .iter()
                .position(|&b| !scan::is_ws(b))
                .map(|p| from + p)
        };
        let comma = ws(0)?;
        if look[comma] != b',' {
            return Some(false);
        }
        let key = ws(comma + 1)?;
        let rest = &look[key..];
        let b = rest[0];
        let lenient = self.lenient;
        let end = if b == b'"' || b == b'\'' && !lenient && self.on(Kind::SingleQuotes) {
            let stop = |&x: &u8| x == b || x == b'\\' || x < 0x20;
            match rest[1..].iter().position(stop) {
                Some(p) if rest[1 + p] == b => 1 + p + 1,
                Some(_) => return Some(false),
                None => return None,
            }
        } else if b == 0xE2 && !lenient && self.on(Kind::CurlyQuotes) {
            let open = match Quote::curly(&rest[..rest.len().min(3)]) {
                None => return Some(false),
                Some(None) => return None,
                Some(Some(quote)) => quote,
            };
            let mut p = 3;
            loop {
                let x = *rest.get(p)?;
                if x == b'\\' || x < 0x20 {
                    return Some(false);
                }
                if x == 0xE2 {
                    match Quote::curly(&rest[p..rest.len().min(p + 3)]) {
                        Some(None) => return None,
                        Some(Some(q)) if q == open => break p + 3,
                        _ => {}
                    }
                }
                p += 1;
            }
        } else if is_key_byte(b) && b < 0x80 && !lenient && self.on(Kind::UnquotedKey) {
            rest.iter().position(|&x| !is_key_byte(x))?
        } else {
            return Some(false);
        };
        let colon = ws(key + end)?;
        Some(look[colon] == b':')
    }

    /// The `}` held (with the bytes after it) is decided: it is left out,
    /// more members following (`fold`), or it closes the root. The bytes
    /// held after it are then read again, as they would have been read had
    /// they come in its chunk; after the root, with `stop_at_end`, they are
    /// not read (what follows the value is not the machine's).
    fn resolve_root_close(
        &mut self,
        out: &mut impl Out,
        fold: bool,
        stop_at_end: bool,
    ) -> Result<(), Error> {
        let held = std::mem::take(&mut self.held);
        if fold {
            out.drop(&held[..1]);
            self.report(out, Kind::PrematureClose, self.word_at);
            self.st = St::After;
        } else {
            out.input(&held[..1])?;
            self.stack.pop();
            self.value_done();
            if stop_at_end {
                return Ok(());
            }
        }
        let base = std::mem::replace(&mut self.base, self.word_at + 1);
        let mut again = Cursor {
            chunk: &held[1..],
            pending: 0,
            again: false,
        };
        let result = self.run(&mut again, out, stop_at_end);
        self.base = base;
        result.map(|_| ())
    }

    /// A curly quote opened a string where [`Repairer::resume`] stood; its
    /// `"` is out.
    fn open_curly_string(&mut self, out: &mut impl Out, quote: Quote) {
        self.report(out, Kind::CurlyQuotes, self.word_at);
        self.st = St::Str {
            quote,
            key: matches!(self.resume, St::Key { .. }),
            escape: false,
        };
    }

    /// The bytes held for a curly quote are not one: they are read again
    /// where they began.
    fn not_curly_after_all(&mut self, out: &mut impl Out) -> Result<(), Error> {
        let held = std::mem::take(&mut self.held);
        self.st = self.resume;
        self.not_curly = self.word_at;
        let base = std::mem::replace(&mut self.base, self.word_at);
        let mut again = Cursor {
            chunk: &held,
            pending: 0,
            again: false,
        };
        let result = self.run(&mut again, out, false);
        self.base = base;
        result.map(|_| ())
    }

    fn open_single(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
        key: bool,
    ) -> Result<usize, Error> {
        self.replace(c, out, i, i + 1, b"\"")?;
        self.report(out, Kind::SingleQuotes, self.at(i));
        self.st = St::Str {
            quote: Quote::Single,
            key,
            escape: false,
        };
        Ok(i + 1)
    }

    /// Inside a string from `i`: returns where to go on.
    fn string(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
        quote: Quote,
        key: bool,
        escape: bool,
    ) -> Result<usize, Error> {
        let len = c.chunk.len();
        if escape {
            // The backslash ended the last chunk; in a single-quoted string
            // it is held, for `\'` is not JSON: the quote alone.
            let b = c.chunk[i];
            if quote == Quote::Single {
                if b == b'\'' {
                    out.drop(&self.held);
                } else {
                    out.input(&self.held)?;
                }
                self.held.clear();
            }
            self.st = St::Str {
                quote,
                key,
                escape: false,
            };
            return Ok(i + 1);
        }
        let end = match quote {
            Quote::Double => scan::string_run_end(c.chunk, i),
            _ => c.chunk[i..]
                .iter()
                .position(|&b| quote.stops(b))
                .map_or(len, |p| i + p),
        };
        if end == len {
            return Ok(len);
        }
        let b = c.chunk[end];
        match b {
            b'\\' => {
                if end + 1 < len {
                    // The escape is whole in the chunk: the tokenizer judges it.
                    if quote == Quote::Single && c.chunk[end + 1] == b'\'' {
                        self.replace(c, out, end, end + 1, b"")?;
                    }
                    return Ok(end + 2);
                }
                if quote == Quote::Single {
                    // Held: it goes unless a quote follows.
                    self.flush(c, out, end)?;
                }
                self.st = St::Str {
                    quote,
                    key,
                    escape: true,
                };
                Ok(end + 1)
            }
            b'"' if quote != Quote::Double => {
                self.flush(c, out, end)?;
                out.insert(b"\\")?;
                Ok(end + 1)
            }
            0xE2 => {
                let lead = &c.chunk[end..len.min(end + 3)];
                if !quote.closer_prefix(lead) {
                    return Ok(end + 1);
                }
                if lead.len() < 3 {
                    // Held until the quote is whole (or is not one).
                    self.flush(c, out, end)?;
                    self.word_at = self.at(end);
                    self.st = St::StrLead { quote, key };
                    return Ok(len);
                }
                self.quote(c, out, end, quote, key)
            }
            _ if b == b'"' || b == b'\'' => self.quote(c, out, end, quote, key),
            _ => {
                // A control character.
                if !self.on(Kind::ControlCharacter) {
                    return Ok(end + 1);
                }
                let escaped = match b {
                    b'\n' => "\\n".to_owned(),
                    b'\r' => "\\r".to_owned(),
                    b'\t' => "\\t".to_owned(),
                    other => format!("\\u{other:04x}"),
                };
                self.replace(c, out, end, end + 1, escaped.as_bytes())?;
                self.report(out, Kind::ControlCharacter, self.at(end));
                Ok(end + 1)
            }
        }
    }

    /// The string's own quote at `end`: it closes the string, or is
    /// content, or waits for the bytes that decide.
    fn quote(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        end: usize,
        quote: Quote,
        key: bool,
    ) -> Result<usize, Error> {
        let len = c.chunk.len();
        if !self.on(Kind::UnescapedQuote) || self.stack.is_empty() {
            self.close_quote(c, out, end, quote, key)?;
            return Ok(end + quote.len());
        }
        let after = &c.chunk[end + quote.len()..];
        // Most often the byte right after the quote decides.
        let verdict = match after.first() {
            Some(&b) if self.closes(b, key) => Some(true),
            _ => self.after_quote(key, after),
        };
        match verdict {
            None => {
                // Undecided: held until the bytes that decide it come.
                self.flush(c, out, end)?;
                self.word_at = self.at(end);
                self.st = St::QuoteEnd { quote, key };
                Ok(len)
            }
            Some(true) => {
                self.close_quote(c, out, end, quote, key)?;
                Ok(end + quote.len())
            }
            Some(false) => {
                self.flush(c, out, end)?;
                self.report(out, Kind::UnescapedQuote, self.at(end));
                if quote == Quote::Double {
                    out.insert(b"\\")?;
                }
                Ok(end + quote.len())
            }
        }
    }

    /// Whether `b` after a quote (and whitespace) means the quote closes
    /// the string.
    fn closes(&self, b: u8, key: bool) -> bool {
        if key {
            b == b':'
        } else {
            matches!(b, b',' | b'}' | b']') || b == b')' && self.stack.last() == Some(&Ctx::Tuple)
        }
    }

    /// The quote at `at` closes the string.
    fn close_quote(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        at: usize,
        quote: Quote,
        key: bool,
    ) -> Result<(), Error> {
        if quote != Quote::Double {
            self.replace(c, out, at, at + quote.len(), b"\"")?;
        }
        if key {
            self.st = St::Colon;
        } else {
            self.value_done();
        }
        Ok(())
    }

    /// Decides a quote that may close its string from the bytes after it:
    /// `Some(true)` if it closes the string, `Some(false)` if it is content,
    /// `None` if the bytes so far do not say. The answer never changes as
    /// bytes are added, so it is the same at every chunking.
    ///
    /// The quote closes the string when what follows, after whitespace, is
    /// what may follow the string (`:` after a key; `,`, `}` or `]` after a
    /// value), or, when the repair for what is missing is on:
    /// - after a key, whitespace and the start of a value that is not a
    ///   word (`"`, `{`, `[`, `-` or a digit): `{"a" 1}`, a missing colon;
    /// - after a value, the next key and its colon in an object
    ///   (`{"a": "x" "b": 2}`, or an unquoted key on the next line) or the next
    ///   quoted item and its `,` or `]` in an array (`["x" "y"]`): a
    ///   missing comma.
    ///
    /// Anything else after it, a lookahead past [`MAX_LOOK`] bytes of the
    /// next key or item, or an escape in it, makes the quote content.
    fn after_quote(&self, key: bool, after: &[u8]) -> Option<bool> {
        let Some(ws) = skip_ws(after) else {
            return (after.len() > MAX_QUOTE_WS).then_some(true);
        };
        let b = after[ws];
        if self.closes(b, key) {
            return Some(true);
        }
        if key {
            let value = matches!(b, b'"' | b'{' | b'[' | b'-' | b'0'..=b'9');
            return Some(ws > 0 && value && self.on(Kind::MissingColon));
        }
        let top = self.stack.last().copied();
        let object = top == Some(Ctx::Object);
        if !self.on(Kind::MissingComma) {
            return Some(false);
        }
        // The next key or item, written out.
        let rest = &after[ws..];
        let quoted = b == b'"' || b == b'\'' && self.on(Kind::SingleQuotes);
        let end = if quoted {
            let body = &rest[1..];
            let stop = |&x: &u8| x == b || x == b'\\' || x < 0x20;
            match body.iter().take(MAX_LOOK + 1).position(stop) {
                Some(p) if body[p] == b => 1 + p + 1,
                Some(_) => return Some(false),
                None if body.len() > MAX_LOOK => return Some(false),
                None => return None,
            }
        } else if object
            && after[..ws].contains(&b'\n')
            && self.on(Kind::UnquotedKey)
            && is_key_byte(b)
        {
            match rest
                .iter()
                .take(MAX_LOOK + 1)
                .position(|&x| !is_key_byte(x))
            {
                Some(p) => p,
                None if rest.len() > MAX_LOOK => return Some(false),
                None => return None,
            }
        } else {
            return Some(false);
        };
        let tail = &rest[end..];
        let Some(ws) = skip_ws(tail) else {
            return (tail.len() > MAX_QUOTE_WS).then_some(false);
        };
        let next = tail[ws];
        Some(match top {
            Some(Ctx::Object) => next == b':',
            Some(Ctx::Tuple) => matches!(next, b',' | b')'),
            _ => matches!(next, b',' | b']'),
        })
    }

    /// The quote held (with the bytes after it) is decided: it closes its
    /// string or is content. The bytes held after it are then read again,
    /// as they would have been read had they come in the quote's chunk
    /// (with `stop_at_end`, up to the end of the top-level value: what
    /// follows it is not the machine's).
    fn resolve_held_quote(
        &mut self,
        out: &mut impl Out,
        quote: Quote,
        key: bool,
        closes: bool,
        stop_at_end: bool,
    ) -> Result<(), Error> {
        let mut held = std::mem::take(&mut self.held);
        // The other buffer (empty) holds what goes on being held.
        std::mem::swap(&mut self.held, &mut self.spare);
        let len = quote.len();
        if closes {
            if quote == Quote::Double {
                // Out with what follows it, in one call.
                self.held.push(b'"');
            } else {
                out.insert(b"\"")?;
                out.drop(&held[..len]);
            }
            if key {
                self.st = St::Colon;
            } else {
                self.value_done();
            }
        } else {
            self.report(out, Kind::UnescapedQuote, self.word_at);
            if quote == Quote::Double {
                out.insert(b"\\")?;
            }
            out.input(&held[..len])?;
            self.st = St::Str {
                quote,
                key,
                escape: false,
            };
        }
        let base = std::mem::replace(&mut self.base, self.word_at + len as u64);
        let mut again = Cursor {
            chunk: &held[len..],
            pending: 0,
            again: true,
        };
        let result = self.run(&mut again, out, stop_at_end);
        self.base = base;
        held.clear();
        self.spare = held;
        result.map(|_| ())
    }

    /// Inside a bare word at `i`: returns where to go on. The word so far
    /// is all held (`pending` is `i`), so it is read where it is, without
    /// a copy.
    fn word(&mut self, c: &mut Cursor<'_>, out: &mut impl Out, i: usize) -> Result<usize, Error> {
        debug_assert_eq!(c.pending, i);
        let b = c.chunk[i];
        let word_len = self.held.len();
        let ends = ends_word(b);
        if ends || scan::is_ws(b) && !matches!(classify(&self.held, true), Word::Str) {
            self.end_word(c, out, i)?;
            return Ok(i);
        }
        self.word_numeric &= matches!(b, b'0'..=b'9' | b'+' | b'-' | b'.' | b'_' | b'e' | b'E');
        self.held.push(b);
        let class = if word_len >= MAX_WORD {
            Word::Str
        } else if self.word_numeric {
            Word::Prefix
        } else if word_len < 10 {
            classify(&self.held, false)
        } else {
            Word::Str
        };
        if class != Word::Str {
            c.pending = i + 1;
            return Ok(i + 1);
        }
        self.held.pop();
        if !self.on(Kind::UnquotedString) {
            // Not a repair that is on: the tokenizer judges the word.
            self.restore_comma(out)?;
            self.flush(c, out, i)?;
            self.st = St::Token;
            return Ok(i);
        }
        // A string: out it goes, quoted, and on it streams.
        self.restore_comma(out)?;
        out.insert(b"\"")?;
        self.report(out, Kind::UnquotedString, self.word_at);
        escape_out(&self.held, out)?;
        self.held.clear();
        self.st = St::BareStr;
        Ok(i)
    }

    /// The word (all held: `pending` is `i`) has ended.
    fn end_word(&mut self, c: &mut Cursor<'_>, out: &mut impl Out, i: usize) -> Result<(), Error> {
        debug_assert_eq!(c.pending, i);
        let at = self.word_at;
        let class = classify(&self.held, true);
        let placeholder =
            class == Word::Placeholder && self.on(Kind::Placeholder) && self.word_in_items;
        if !placeholder {
            self.restore_comma(out)?;
        }
        let word = &self.held;
        match class {
            Word::Json => {
                out.input(word)?;
                self.value_done();
            }
            Word::Replace(json, kind) if self.on(kind) => {
                out.insert(json.as_bytes())?;
                out.drop(word);
                self.report(out, kind, at);
                self.value_done();
            }
            Word::NonFinite if self.on(Kind::Literal) => {
                match non_finite(word, self.repairs.non_finite_as()) {
                    Some(json) => {
                        out.insert(json.as_bytes())?;
                        out.drop(word);
                        self.report(out, Kind::Literal, at);
                    }
                    // Left as it is: the tokenizer reports it.
                    None => out.input(word)?,
                }
                self.value_done();
            }
            Word::Placeholder if placeholder => {
                out.drop(word);
                self.report(out, Kind::Placeholder, at);
                self.after_placeholder = true;
                // Back to where an item may come.
                self.st = St::Item { first: false };
            }
            Word::Str | Word::Prefix | Word::Placeholder
                if self.on(Kind::UnquotedString) && !word.is_empty() =>
            {
                out.insert(b"\"")?;
                escape_out(word, out)?;
                out.insert(b"\"")?;
                self.report(out, Kind::UnquotedString, at);
                self.value_done();
            }
            _ => {
                // Not a repair that is on: the tokenizer judges the word.
                out.input(word)?;
                self.value_done();
            }
        }
        self.held.clear();
        Ok(())
    }

    /// Inside an unquoted string at `i`: returns where to go on. Trailing
    /// spaces are held (from `pending`) until something else follows.
    fn bare_string(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
    ) -> Result<usize, Error> {
        let b = c.chunk[i];
        if ends_word(b) {
            self.end_bare_string(c, out, i)?;
            return Ok(i);
        }
        if b == b' ' || b == b'\t' {
            let held = self.held.len() + (i - c.pending);
            if held < MAX_TRAILING_WS {
                return Ok(i + 1);
            }
        }
        // Content: held spaces first.
        escape_out(&self.held, out)?;
        self.held.clear();
        escape_out(&c.chunk[c.pending..=i], out)?;
        c.pending = i + 1;
        Ok(i + 1)
    }

    /// The unquoted string ends before `i`: its closing quote, then the
    /// spaces held.
    fn end_bare_string(
        &mut self,
        c: &mut Cursor<'_>,
        out: &mut impl Out,
        i: usize,
    ) -> Result<(), Error> {
        out.insert(b"\"")?;
        self.flush(c, out, i)?;
        self.value_done();
        Ok(())
    }
}

/// Hands out `bytes` of an unquoted string, escaping `"`, `\` and control
/// characters.
fn escape_out(bytes: &[u8], out: &mut impl Out) -> Result<(), Error> {
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            0..0x20 => b"\\u0000",
            _ => continue,
        };
        out.input(&bytes[from..i])?;
        if b >= 0x20 || b == b'\t' {
            out.insert(escape)?;
        } else {
            out.insert(format!("\\u{b:04x}").as_bytes())?;
        }
        out.drop(&bytes[i..=i]);
        from = i + 1;
    }
    out.input(&bytes[from..])
}

/// Bytes that end a bare token: whitespace and JSON's punctuation.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']' | b')' | b'{' | b'[' | b':' | b'"'
    )
}

/// Bytes that end a bare word or an unquoted string where a value belongs.
fn ends_word(b: u8) -> bool {
    matches!(b, b',' | b'}' | b']' | b')' | b'\n' | b'\r')
}

/// The number of whitespace bytes `bytes` starts with, if something else
/// follows them within [`MAX_QUOTE_WS`] + 1 bytes.
fn skip_ws(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .take(MAX_QUOTE_WS + 1)
        .position(|&b| !scan::is_ws(b))
}

/// Bytes of an unquoted key.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'-') || b >= 0x80
}

/// Bytes that may start a value.
fn starts_value(b: u8) -> bool {
    !is_delimiter(b) || matches!(b, b'"' | b'{' | b'[')
}
