//! The resumable push tokenizer.
//!
//! # Design
//!
//! The tokenizer is a state machine over bytes that never looks back: the
//! caller feeds chunks of any size, split anywhere, and between calls the
//! machine keeps only its [`State`] (which token it is in and how far), the
//! stack of open containers (one byte a level) and, for a number split
//! between chunks, that number's bytes so far (bounded by
//! [`Config::max_number_len`]). A partial UTF-8 character, escape or literal
//! lives inside the state itself. Every byte is consumed exactly once.
//!
//! A [`Feed`] walks one chunk: each [`Feed::next_event`] call runs the
//! machine until it has an event, an error, or no more input. Events borrow
//! from the chunk, or from the tokenizer for a number that crossed a chunk
//! boundary; that is why `Feed` is a lending cursor rather than an
//! `Iterator`.
//!
//! When adding a state, update together: the [`State`] enum, its arm in
//! `Feed::machine`, and `Feed::at_end` (what end of input means there).

mod number;
pub(crate) mod scan;
mod string;
pub(crate) mod text;

use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::event::{Event, Number, Str};
use number::{NumState, Scan};
use string::{StrPart, StrState, fragment};

/// Chunks of at least this many bytes have their UTF-8 checked once, at
/// their first string run, rather than run by run.
const WHOLE_CHUNK_CHECK: usize = 64;

/// Which kind of container is open at a level of the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Array,
    Object,
}

/// A literal being matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    True,
    False,
    Null,
}

impl Literal {
    fn text(self) -> &'static [u8] {
        match self {
            Literal::True => b"true",
            Literal::False => b"false",
            Literal::Null => b"null",
        }
    }

    fn event(self) -> Event<'static> {
        match self {
            Literal::True => Event::Bool(true),
            Literal::False => Event::Bool(false),
            Literal::Null => Event::Null,
        }
    }
}

/// Where the machine puts an event it can hand out and run on after: an
/// event borrowed from the input, not from the tokenizer.
trait Sink {
    /// Takes `event` and returns `true` to run on, or returns `false`
    /// without it: the machine then returns the event.
    fn emit(&mut self, event: Event<'_>) -> bool;
}

/// The sink of [`Feed::next_event`]: every event is returned.
struct Lend;

impl Sink for Lend {
    #[inline(always)]
    fn emit(&mut self, _event: Event<'_>) -> bool {
        false
    }
}

/// The sink of [`Tokenizer::feed_with`]: events go to the callback.
struct Callback<'f, F>(&'f mut F);

impl<F: FnMut(Event<'_>)> Sink for Callback<'_, F> {
    #[inline(always)]
    fn emit(&mut self, event: Event<'_>) -> bool {
        (self.0)(event);
        true
    }
}

/// Hands `$event` to `$sink` and runs on (a bare `continue`: not for use
/// inside an arm's own loop), or returns it. With `$feed`, for
/// a string fragment, which often ends a small chunk: when it did, the
/// machine stops at once rather than go round once more to find that out.
macro_rules! emit {
    ($sink:expr, $event:expr) => {{
        let event = $event;
        if $sink.emit(event) {
            continue;
        }
        return Ok(Some(event));
    }};
    ($sink:expr, $event:expr, $feed:expr) => {{
        let event = $event;
        if $sink.emit(event) {
            if $feed.pos == $feed.input.len() {
                return $feed.chunk_used_up();
            }
            continue;
        }
        return Ok(Some(event));
    }};
}

/// Where the machine stands between bytes.
///
/// `repr(u8)` gives the variant a tag byte of its own: the machine's
/// dispatch reads it directly rather than decoding it from a niche.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    /// A value is expected: the top level, or after `:`.
    Value,
    /// Just after `[`: a value or `]`.
    FirstItem,
    /// After `,` in an array: a value.
    NextItem,
    /// Just after `{`: a key or `}`.
    FirstKey,
    /// After `,` in an object: a key.
    NextKey,
    /// After a key: `:`.
    Colon,
    /// After a value inside a container: `,` or the closing bracket.
    AfterValue,
    /// After a top-level value. `needs_ws`: the value was a number or
    /// literal, so a following value must be separated by whitespace.
    End { needs_ws: bool },
    /// Inside a string or key.
    Str(StrState),
    /// Inside a number that crossed a chunk boundary (bytes in `scratch`).
    Number(NumState),
    /// Inside a literal: `matched` bytes of it read.
    Literal { literal: Literal, matched: u8 },
    /// End of input was accepted.
    Finished,
    /// An error was returned; it is returned again on every call.
    Failed(Error),
}

/// A resumable, zero-copy push tokenizer for JSON.
///
/// Feed it chunks with [`Tokenizer::feed`] and drain each with
/// [`Feed::next_event`]; then call [`Tokenizer::finish`] and drain that too.
/// Running out of input inside a token is not an error: the token resumes
/// with the next chunk. An empty chunk changes nothing.
///
/// ```
/// use structream_parser::{Event, Tokenizer};
///
/// let mut tok = Tokenizer::new();
/// let mut text = String::new();
/// // A string split inside an escape and inside a UTF-8 character.
/// for chunk in [&b"{\"msg\": \"caf\xC3"[..], b"\xA9 \\", b"u00e9\"}"] {
///     let mut feed = tok.feed(chunk);
///     while let Some(event) = feed.next_event()? {
///         if let Event::String(fragment) = event {
///             text.push_str(fragment.as_str());
///         }
///     }
/// }
/// let mut end = tok.finish();
/// assert_eq!(end.next_event()?, None);
/// assert_eq!(text, "café é");
/// # Ok::<(), structream_parser::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tokenizer {
    config: Config,
    state: State,
    stack: Vec<Container>,
    /// `config.max_depth`, `usize::MAX` for none: one comparison per `[`
    /// or `{`.
    max_depth: usize,
    /// Bytes consumed so far (the absolute offset of the next byte).
    consumed: u64,
    /// Current line (1-based) and the offset where it starts.
    line: u64,
    line_start: u64,
    /// Bytes of the current string or key so far (for the limit).
    str_len: usize,
    /// The bytes of a number that crossed a chunk boundary.
    scratch: Vec<u8>,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer::new()
    }
}

impl Tokenizer {
    /// A tokenizer with the default [`Config`].
    pub fn new() -> Self {
        Tokenizer::with_config(Config::default())
    }

    /// A tokenizer with the given limits and options.
    pub fn with_config(config: Config) -> Self {
        let max_depth = config.max_depth.unwrap_or(usize::MAX);
        let state = if config.multiple_values {
            State::End { needs_ws: false }
        } else {
            State::Value
        };
        Tokenizer {
            config,
            state,
            stack: Vec::new(),
            max_depth,
            consumed: 0,
            line: 1,
            line_start: 0,
            str_len: 0,
            scratch: Vec::new(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Starts walking `chunk`. Drain the returned [`Feed`] to get its events;
    /// a `Feed` dropped early leaves the tokenizer after the last byte it
    /// consumed (see [`Feed::consumed`]), so the rest can be fed again later.
    pub fn feed<'t, 'a>(&'t mut self, chunk: &'a [u8]) -> Feed<'t, 'a> {
        Feed::new(self, chunk, false)
    }

    /// Signals the end of input. Drain the returned [`Feed`]: it hands out a
    /// number that the end completes, then `Ok(None)`, or an error if the
    /// input ended inside a value.
    pub fn finish(&mut self) -> Feed<'_, 'static> {
        Feed::new(self, &[], true)
    }

    /// Feeds a whole chunk, calling `on_event` with each of its events.
    ///
    /// ```
    /// # use structream_parser::{Event, Tokenizer};
    /// let mut tok = Tokenizer::new();
    /// let mut count = 0;
    /// tok.feed_with(b"[1, [true], \"x\"", |_event| count += 1)?;
    /// tok.feed_with(b"]", |_event| count += 1)?;
    /// tok.finish_with(|_event| count += 1)?;
    /// assert_eq!(count, 7);
    /// # Ok::<(), structream_parser::Error>(())
    /// ```
    pub fn feed_with(
        &mut self,
        chunk: &[u8],
        mut on_event: impl FnMut(Event<'_>),
    ) -> Result<(), Error> {
        let mut feed = self.feed(chunk);
        while let Some(event) = feed.run(&mut on_event)? {
            on_event(event);
        }
        Ok(())
    }

    /// Feeds `chunk` if it is more of a string in plain characters (no
    /// quote, backslash or control character in it) and the tokenizer is in
    /// a string's plain characters, calling `on_event` with the string's
    /// fragment: the chunk read in one scan, where a caller that first
    /// checks the chunk and then feeds it would scan it twice. Returns
    /// `None`, having read nothing, for any other chunk or state.
    #[inline]
    pub(crate) fn feed_string_chunk(
        &mut self,
        chunk: &[u8],
        mut on_event: impl FnMut(Event<'_>),
    ) -> Option<Result<(), Error>> {
        let State::Str(s) = self.state else {
            return None;
        };
        if s.part != StrPart::Run
            || chunk.is_empty()
            || scan::string_run_end(chunk, 0) != chunk.len()
        {
            return None;
        }
        let mut feed = Feed::new(self, chunk, false);
        if feed.over_limit {
            return None;
        }
        Some(feed.string_chunk(s).map(|event| {
            if let Some(event) = event {
                on_event(event);
            }
        }))
    }

    /// Signals the end of input, calling `on_event` with the events it
    /// completes (a top-level number); an error if the input ended inside a
    /// value.
    pub fn finish_with(&mut self, mut on_event: impl FnMut(Event<'_>)) -> Result<(), Error> {
        let mut feed = self.finish();
        while let Some(event) = feed.next_event()? {
            on_event(event);
        }
        Ok(())
    }

    /// Bytes consumed so far: the absolute offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.consumed
    }

    /// How many arrays and objects are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Whether the machine is between top-level values: the last value is
    /// complete (or none has begun yet in [`Config::multiple_values`] mode)
    /// and no token has begun since.
    pub fn is_between_values(&self) -> bool {
        matches!(self.state, State::End { .. } | State::Finished)
    }

    /// Whether [`Tokenizer::finish`] has accepted the end of input.
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished)
    }

    /// Accounts for bytes the caller consumed outside the tokenizer, such as
    /// prose around embedded JSON, so that offsets, lines and columns stay
    /// those of the whole input. Only meaningful between tokens.
    pub(crate) fn skip(&mut self, bytes: &[u8]) {
        if let Some(last) = bytes.iter().rposition(|&b| b == b'\n') {
            self.line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            self.line_start = self.consumed + last as u64 + 1;
        }
        self.consumed += bytes.len() as u64;
    }

    /// Takes back `n` bytes of the offset: bytes that were fed but are not
    /// in the input (put in by a repair, never a line end), so that
    /// offsets stay those of the input.
    pub(crate) fn rewind(&mut self, n: usize) {
        self.consumed -= n as u64;
    }

    /// The error this tokenizer stopped at, if any.
    pub fn error(&self) -> Option<Error> {
        match self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// A cursor over one chunk fed to a [`Tokenizer`]; see [`Feed::next_event`].
#[derive(Debug)]
pub struct Feed<'t, 'a> {
    tok: &'t mut Tokenizer,
    input: &'a [u8],
    pos: usize,
    /// Absolute offset of `input[0]`.
    base: u64,
    /// This is the end of input.
    eof: bool,
    /// `input` was cut short by [`Config::max_input_len`].
    over_limit: bool,
    /// For a chunk of at least [`WHOLE_CHUNK_CHECK`] bytes, its longest
    /// valid UTF-8 prefix and whether what follows it is a character cut by
    /// the end of `input` (rather than invalid bytes): one check covers
    /// every string run of the chunk. Computed at the first string run that
    /// needs it.
    text: Option<(&'a str, bool)>,
}

impl Drop for Feed<'_, '_> {
    fn drop(&mut self) {
        self.tok.consumed = self.base + self.pos as u64;
    }
}

impl<'t, 'a> Feed<'t, 'a> {
    fn new(tok: &'t mut Tokenizer, chunk: &'a [u8], eof: bool) -> Self {
        let base = tok.consumed;
        let mut input = chunk;
        let mut over_limit = false;
        if let Some(max) = tok.config.max_input_len {
            let room = max.saturating_sub(base);
            if (chunk.len() as u64) > room {
                input = &chunk[..room as usize];
                over_limit = true;
            }
        }
        if !eof && !chunk.is_empty() && matches!(tok.state, State::Finished) {
            tok.state = State::Failed(Error::new(
                ErrorKind::TrailingCharacters,
                base,
                tok.line,
                tok.line_start,
            ));
        }
        Feed {
            tok,
            input,
            pos: 0,
            base,
            eof,
            over_limit,
            text: None,
        }
    }

    /// Bytes of this chunk consumed so far.
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// The absolute offset of the next byte (everything consumed so far).
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The next event of this chunk: `Ok(None)` when the chunk is used up
    /// (or, after [`Tokenizer::finish`], when the input is complete).
    /// After an error every call returns the same error.
    #[inline]
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        if self.pos == self.input.len() {
            return self.chunk_used_up();
        }
        self.step()
    }

    /// `next_event` with the chunk used up: once per chunk. Answered here,
    /// without entering the machine, unless the state can still emit with
    /// no input (a string's first, empty fragment; a decoded `\u` unit) or
    /// must report the end of input, a limit or an error.
    #[inline(never)]
    fn chunk_used_up(&mut self) -> Result<Option<Event<'_>>, Error> {
        let idle = !self.eof
            && !self.over_limit
            && match self.tok.state {
                State::Str(s) => s.started && !matches!(s.part, StrPart::Unit(_)),
                State::Failed(_) => false,
                _ => true,
            };
        if idle { Ok(None) } else { self.step() }
    }

    fn error(&mut self, kind: ErrorKind, at: usize) -> Error {
        self.pos = at;
        self.error_at(kind, self.base + at as u64)
    }

    /// The error of a lone surrogate escape, naming its code unit.
    #[cold]
    fn surrogate_error(&mut self, kind: ErrorKind, at: usize, unit: u16) -> Error {
        let err = self.error(kind, at).with_surrogate(unit);
        self.tok.state = State::Failed(err);
        err
    }

    /// An error at an absolute offset, possibly in an earlier chunk.
    fn error_at(&mut self, kind: ErrorKind, offset: u64) -> Error {
        let err = Error::new(kind, offset, self.tok.line, self.tok.line_start);
        self.tok.state = State::Failed(err);
        err
    }

    /// The error for a byte that cannot continue a number, at `i`; a number
    /// already over the length limit there reports the limit, where a split
    /// input would have found it first.
    fn number_error(&mut self, i: usize, len: usize, start: u64) -> Error {
        match self.tok.config.max_number_len {
            Some(max) if len > max => self.error_at(ErrorKind::NumberTooLong, start + max as u64),
            _ => self.error(ErrorKind::InvalidNumber, i),
        }
    }

    /// Skips whitespace; the next byte, if any, without consuming it.
    #[inline(always)]
    fn skip_ws(&mut self) -> Option<u8> {
        let input = self.input;
        let mut i = self.pos;
        while let Some(&b) = input.get(i) {
            // Every whitespace byte is at most b' ': one comparison leaves
            // on the common case.
            if b > b' ' {
                self.pos = i;
                return Some(b);
            }
            match b {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\n' => {
                    i += 1;
                    self.tok.line += 1;
                    self.tok.line_start = self.base + i as u64;
                    i = scan::skip_spaces(input, i);
                }
                _ => {
                    self.pos = i;
                    return Some(b);
                }
            }
        }
        self.pos = i;
        None
    }

    /// The state after a complete value.
    #[inline(always)]
    fn value_done(&mut self, needs_ws: bool) {
        self.tok.state = if self.tok.stack.is_empty() {
            State::End { needs_ws }
        } else {
            State::AfterValue
        };
    }

    /// The chunk is used up in the current state.
    #[cold]
    fn at_end(&mut self) -> Result<Option<Event<'static>>, Error> {
        let at = self.input.len();
        if self.over_limit {
            return Err(self.error(ErrorKind::InputTooLong, at));
        }
        if !self.eof {
            return Ok(None);
        }
        let in_container = |stack: &[Container]| match stack.last() {
            Some(Container::Object) => ErrorKind::EofWhileParsingObject,
            Some(Container::Array) => ErrorKind::EofWhileParsingList,
            None => ErrorKind::EofWhileParsingValue,
        };
        let kind = match self.tok.state {
            State::End { .. } | State::Finished => {
                self.tok.state = State::Finished;
                return Ok(None);
            }
            State::Failed(e) => return Err(e),
            State::Value | State::NextItem | State::Literal { .. } | State::Number(_) => {
                ErrorKind::EofWhileParsingValue
            }
            State::FirstItem
            | State::FirstKey
            | State::NextKey
            | State::Colon
            | State::AfterValue => in_container(&self.tok.stack),
            State::Str(_) => ErrorKind::EofWhileParsingString,
        };
        Err(self.error(kind, at))
    }

    fn open(&mut self, container: Container) -> Result<Option<Event<'a>>, Error> {
        if self.tok.stack.len() >= self.tok.max_depth {
            return Err(self.error(ErrorKind::RecursionLimitExceeded, self.pos));
        }
        self.tok.stack.push(container);
        self.pos += 1;
        Ok(Some(match container {
            Container::Array => {
                self.tok.state = State::FirstItem;
                Event::ArrayStart
            }
            Container::Object => {
                self.tok.state = State::FirstKey;
                Event::ObjectStart
            }
        }))
    }

    fn close(&mut self, container: Container) -> Event<'a> {
        self.tok.stack.pop();
        self.pos += 1;
        self.value_done(false);
        match container {
            Container::Array => Event::ArrayEnd,
            Container::Object => Event::ObjectEnd,
        }
    }

    /// Starts the value whose first byte is `b` (not consumed yet).
    /// `Ok(None)` means "keep stepping" (a string, number or literal began).
    #[inline(always)]
    fn begin_value(&mut self, b: u8) -> Result<Option<Event<'a>>, Error> {
        match b {
            b'"' => {
                self.pos += 1;
                self.tok.str_len = 0;
                // Straight into the run: most strings end in it.
                self.string_run(StrState {
                    key: false,
                    started: false,
                    part: StrPart::Run,
                })
            }
            b'{' => self.open(Container::Object),
            b'[' => self.open(Container::Array),
            b't' | b'f' | b'n' => {
                let literal = match b {
                    b't' => Literal::True,
                    b'f' => Literal::False,
                    _ => Literal::Null,
                };
                let text = literal.text();
                if self.input.get(self.pos..self.pos + text.len()) == Some(text) {
                    self.pos += text.len();
                    self.value_done(true);
                    return Ok(Some(literal.event()));
                }
                self.pos += 1;
                self.tok.state = State::Literal {
                    literal,
                    matched: 1,
                };
                Ok(None)
            }
            _ => match NumState::start(b) {
                Some(_) => Ok(None),
                None => Err(self.error(ErrorKind::ExpectedSomeValue, self.pos)),
            },
        }
    }

    /// Starts the key whose opening quote is at `self.pos`.
    #[inline(always)]
    fn begin_key(&mut self) -> Result<Option<Event<'a>>, Error> {
        self.pos += 1;
        self.tok.str_len = 0;
        self.string_run(StrState {
            key: true,
            started: false,
            part: StrPart::Run,
        })
    }

    /// The machine, out of line, returning every event: what
    /// [`Feed::next_event`] runs.
    #[inline(never)]
    fn step(&mut self) -> Result<Option<Event<'_>>, Error> {
        self.machine(&mut Lend)
    }

    /// The machine inlined, handing the events it can to `on_event` and
    /// running on: the loop of [`Tokenizer::feed_with`]. Returns an event
    /// only where the machine would otherwise stop (one borrowed from the
    /// tokenizer's buffer, or at the end of the chunk), `Ok(None)` when the
    /// chunk is used up.
    #[inline(always)]
    fn run<F: FnMut(Event<'_>)>(&mut self, on_event: &mut F) -> Result<Option<Event<'_>>, Error> {
        if self.pos == self.input.len() {
            return self.chunk_used_up();
        }
        self.machine(&mut Callback(on_event))
    }

    /// The machine. Each arm returns, hands an event to `sink` and loops
    /// (or returns it, as `sink` says), or changes state and loops.
    #[inline(always)]
    fn machine<S: Sink>(&mut self, sink: &mut S) -> Result<Option<Event<'_>>, Error> {
        loop {
            match self.tok.state {
                State::Value | State::FirstItem | State::NextItem => {
                    let Some(b) = self.skip_ws() else {
                        return self.at_end();
                    };
                    if b == b']' && !matches!(self.tok.state, State::Value) {
                        if matches!(self.tok.state, State::NextItem) {
                            return Err(self.error(ErrorKind::TrailingComma, self.pos));
                        }
                        emit!(sink, self.close(Container::Array));
                    }
                    if let Some(ev) = self.begin_value(b)? {
                        emit!(sink, ev);
                    }
                    if NumState::start(b).is_some() {
                        match self.number()? {
                            Some(ev) => emit!(sink, ev),
                            // The chunk ends inside the number.
                            None => return Ok(None),
                        }
                    }
                }
                State::FirstKey | State::NextKey => {
                    let Some(b) = self.skip_ws() else {
                        return self.at_end();
                    };
                    match b {
                        b'"' => {
                            if let Some(ev) = self.begin_key()? {
                                emit!(sink, ev);
                            }
                        }
                        b'}' if matches!(self.tok.state, State::FirstKey) => {
                            emit!(sink, self.close(Container::Object));
                        }
                        b'}' => return Err(self.error(ErrorKind::TrailingComma, self.pos)),
                        _ => return Err(self.error(ErrorKind::KeyMustBeAString, self.pos)),
                    }
                }
                State::Colon => {
                    let Some(b) = self.skip_ws() else {
                        return self.at_end();
                    };
                    if b != b':' {
                        return Err(self.error(ErrorKind::ExpectedColon, self.pos));
                    }
                    self.pos += 1;
                    self.tok.state = State::Value;
                }
                // Closing brackets often come in runs (`]}]}`): after one,
                // the state is `AfterValue` again unless the document ended,
                // so this arm loops on itself rather than through the
                // dispatch.
                State::AfterValue => loop {
                    let Some(b) = self.skip_ws() else {
                        return self.at_end();
                    };
                    let top = self.tok.stack.last().copied();
                    let container = match (b, top) {
                        (b',', Some(Container::Array)) => {
                            self.pos += 1;
                            self.tok.state = State::NextItem;
                            break;
                        }
                        (b',', _) => {
                            self.pos += 1;
                            self.tok.state = State::NextKey;
                            break;
                        }
                        (b']', Some(Container::Array)) => Container::Array,
                        (b'}', Some(Container::Object)) => Container::Object,
                        (_, Some(Container::Array)) => {
                            return Err(self.error(ErrorKind::ExpectedListCommaOrEnd, self.pos));
                        }
                        _ => {
                            return Err(self.error(ErrorKind::ExpectedObjectCommaOrEnd, self.pos));
                        }
                    };
                    let event = self.close(container);
                    if !sink.emit(event) {
                        return Ok(Some(event));
                    }
                    if self.tok.stack.is_empty() {
                        break;
                    }
                },
                State::End { needs_ws } => {
                    if needs_ws {
                        match self.input.get(self.pos) {
                            None => return self.at_end(),
                            Some(&b) if scan::is_ws(b) => {
                                self.tok.state = State::End { needs_ws: false };
                            }
                            Some(_) => {
                                return Err(self.error(ErrorKind::TrailingCharacters, self.pos));
                            }
                        }
                    }
                    let Some(_) = self.skip_ws() else {
                        return self.at_end();
                    };
                    if !self.tok.config.multiple_values {
                        return Err(self.error(ErrorKind::TrailingCharacters, self.pos));
                    }
                    self.tok.state = State::Value;
                }
                State::Str(s) => {
                    if let Some(ev) = self.string(s)? {
                        emit!(sink, ev, self);
                    }
                    // Out of input, unless a decoded unit waits to be emitted.
                    if let State::Str(mut s) = self.tok.state {
                        if self.pos == self.input.len() && !matches!(s.part, StrPart::Unit(_)) {
                            if !s.started && !self.eof {
                                // The string shows from its opening quote, even
                                // when the chunk ends inside its first escape.
                                s.started = true;
                                self.tok.state = State::Str(s);
                                return Ok(Some(fragment(s.key, Str::borrowed("", true, false))));
                            }
                            return self.at_end();
                        }
                    }
                }
                State::Number(n) => return self.resume_number(n),
                State::Literal { literal, matched } => {
                    let text = literal.text();
                    let mut matched = matched as usize;
                    while matched < text.len() {
                        let Some(&b) = self.input.get(self.pos) else {
                            self.tok.state = State::Literal {
                                literal,
                                matched: matched as u8,
                            };
                            return self.at_end();
                        };
                        if b != text[matched] {
                            return Err(self.error(ErrorKind::ExpectedSomeIdent, self.pos));
                        }
                        matched += 1;
                        self.pos += 1;
                    }
                    self.value_done(true);
                    emit!(sink, literal.event());
                }
                State::Finished => return self.at_end(),
                State::Failed(e) => return Err(e),
            }
        }
    }

    /// A number starting at `self.pos` (its first byte a `-` or a digit).
    #[inline(always)]
    fn number(&mut self) -> Result<Option<Event<'a>>, Error> {
        let start = self.pos;
        let input = self.input;
        let (scan, i) = match number::fast(input, start) {
            Ok(end) => match self.tok.config.max_number_len {
                Some(max) if end - start > max => {
                    return Err(self.error(ErrorKind::NumberTooLong, start + max));
                }
                _ => {
                    self.pos = end;
                    self.value_done(true);
                    return Ok(Some(Event::Number(Number::from_ascii(&input[start..end]))));
                }
            },
            Err((state, i)) => state.scan(input, i),
        };
        let state = match scan {
            Scan::More(s) | Scan::End(s) => s,
            Scan::Invalid => {
                return Err(self.number_error(i, i - start, self.base + start as u64));
            }
        };
        if let Some(max) = self.tok.config.max_number_len {
            if i - start > max {
                return Err(self.error(ErrorKind::NumberTooLong, start + max));
            }
        }
        if i == input.len() && !self.eof {
            // The chunk ends inside the number: keep its bytes for later.
            self.tok.scratch.clear();
            self.tok.scratch.extend_from_slice(&input[start..]);
            self.pos = i;
            self.tok.state = State::Number(state);
            return self.at_end().map(|_| None);
        }
        if !state.is_terminal() || (i == input.len() && !self.tok.stack.is_empty()) {
            return Err(self.number_end_error(state, i));
        }
        self.pos = i;
        self.value_done(true);
        Ok(Some(Event::Number(Number::from_ascii(&input[start..i]))))
    }

    /// The error of a number that cannot end at `i`: the end of input inside
    /// a container (a number cut there may have been cut short, so it does
    /// not count as complete; only a top-level number ends at the end of
    /// input), or a byte that cannot follow an unfinished number.
    #[cold]
    fn number_end_error(&mut self, state: NumState, i: usize) -> Error {
        let at_end = i == self.input.len();
        let kind = match (at_end, state.is_terminal(), self.tok.stack.last()) {
            (false, _, _) => ErrorKind::InvalidNumber,
            (true, true, Some(Container::Array)) => ErrorKind::EofWhileParsingList,
            (true, true, Some(Container::Object)) => ErrorKind::EofWhileParsingObject,
            (true, _, _) => ErrorKind::EofWhileParsingValue,
        };
        self.error(kind, i)
    }

    /// Continues a number whose first bytes are in `scratch`. Out of line,
    /// like [`Feed::string_special`]: a number cut by a chunk boundary pays
    /// a call, and every other path a smaller `step`.
    #[inline(never)]
    fn resume_number(&mut self, mut state: NumState) -> Result<Option<Event<'_>>, Error> {
        let input = self.input;
        let start = self.pos;
        let (scan, i) = state.scan(input, start);
        match scan {
            Scan::More(s) | Scan::End(s) => state = s,
            Scan::Invalid => {
                let len = self.tok.scratch.len() + (i - start);
                let number_start = self.base + start as u64 - self.tok.scratch.len() as u64;
                return Err(self.number_error(i, len, number_start));
            }
        }
        if let Some(max) = self.tok.config.max_number_len {
            let len = self.tok.scratch.len() + (i - start);
            if len > max {
                let at = (max - self.tok.scratch.len().min(max)) + start;
                return Err(self.error(ErrorKind::NumberTooLong, at));
            }
        }
        self.tok.scratch.extend_from_slice(&input[start..i]);
        self.pos = i;
        if i == input.len() && !self.eof {
            self.tok.state = State::Number(state);
            return self.at_end().map(|_| None);
        }
        if !state.is_terminal() || (i == input.len() && !self.tok.stack.is_empty()) {
            return Err(self.number_end_error(state, i));
        }
        self.value_done(true);
        Ok(Some(Event::Number(Number::from_ascii(&self.tok.scratch))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events as text, and the error, of `input` fed in `chunk`-byte
    /// pieces.
    fn run(input: &[u8], chunk: usize) -> (String, Option<(ErrorKind, u64)>) {
        let mut tok = Tokenizer::new();
        let mut out = String::new();
        let mut push = |event: Event<'_>| match event {
            Event::String(s) | Event::Key(s) => {
                out.push_str(s.as_str());
                if s.is_last() {
                    out.push('|');
                }
            }
            other => out.push_str(&format!("{other:?}|")),
        };
        for piece in input.chunks(chunk) {
            if let Err(e) = tok.feed_with(piece, &mut push) {
                return (out, Some((e.kind(), e.offset())));
            }
        }
        let end = tok.finish_with(&mut push).err();
        (out, end.map(|e| (e.kind(), e.offset())))
    }

    /// The events as text, and the error, of `input` fed in pieces cut at
    /// `cuts`, each piece first offered to [`Tokenizer::feed_string_chunk`]
    /// when `fast`.
    fn run_cut(input: &[u8], cuts: &[usize], config: &Config, fast: bool) -> String {
        let mut tok = Tokenizer::with_config(config.clone());
        let mut out = String::new();
        let mut push = |event: Event<'_>| match event {
            Event::String(s) | Event::Key(s) => {
                out.push_str(&format!("{:?}{}{}|", s.as_str(), s.is_first(), s.is_last()));
            }
            other => out.push_str(&format!("{other:?}|")),
        };
        let mut at = 0;
        for &cut in cuts.iter().chain([input.len()].iter()) {
            let piece = &input[at..cut];
            at = cut;
            let done = match fast
                .then(|| tok.feed_string_chunk(piece, &mut push))
                .flatten()
            {
                Some(done) => done,
                None => tok.feed_with(piece, &mut push),
            };
            if let Err(e) = done {
                return format!("{out} error {:?} at {} on {cut}", e.kind(), e.offset());
            }
        }
        match tok.finish_with(&mut push) {
            Ok(()) => out,
            Err(e) => format!("{out} end {:?} at {}", e.kind(), e.offset()),
        }
    }

    /// A chunk read in one scan as more of a string gives the events, the
    /// errors and the offsets the machine gives, cut anywhere: characters
    /// cut by a chunk, escapes, keys, long chunks, and the string and input
    /// length limits.
    #[test]
    fn a_string_chunk_read_in_one_scan_gives_what_the_machine_gives() {
        let pad = "y".repeat(70);
        let inputs: Vec<Vec<u8>> = vec![
            format!("{{\"k{pad}é\": \"東京😀{pad}\\n→\", \"z\": [\"ü\", \"\\u00e9x\"]}}")
                .into_bytes(),
            [b"[\"", pad.as_bytes(), b"\xff", pad.as_bytes(), b"\"]"].concat(),
            [b"[\"", pad.as_bytes(), b"\xe6\x9d", b"\"]"].concat(),
            b"[\"ab\x01cd\"]".to_vec(),
            format!("\"{pad}{pad}\"").into_bytes(),
            b"[\"abc".to_vec(),
        ];
        let configs = [
            Config::default(),
            Config::default().max_string_len(Some(9)),
            Config::default().max_input_len(Some(30)),
        ];
        for input in &inputs {
            for config in &configs {
                // Every single cut, and cuts every `step` bytes.
                let mut cuttings: Vec<Vec<usize>> = (1..input.len()).map(|c| vec![c]).collect();
                for step in [1, 2, 3, 5, 8, 64, 71] {
                    cuttings.push((1..input.len()).step_by(step).collect());
                }
                for cuts in &cuttings {
                    assert_eq!(
                        run_cut(input, cuts, config, true),
                        run_cut(input, cuts, config, false),
                        "{cuts:?} {config:?}: {}",
                        String::from_utf8_lossy(input)
                    );
                }
            }
        }
    }

    /// Chunks checked for UTF-8 as a whole (long ones) and run by run
    /// (short ones) give the same text and the same errors at the same
    /// offsets, with characters cut at every place.
    #[test]
    fn whole_chunk_utf8_check_agrees_with_the_run_check() {
        let pad = "x".repeat(70);
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for bad in [
            &b"\xff"[..],
            b"\xc3",
            b"\xc3(",
            b"\xe6\x9d",
            b"\xed\xa0\x80",
            b"\xf0\x9f\x98",
            b"\x80",
        ] {
            for at in [0, 3, 66] {
                let mut s = format!("[\"{}", &pad[..at]).into_bytes();
                s.extend_from_slice(bad);
                s.extend_from_slice(format!("{}\", \"é\"]", &pad[at..]).as_bytes());
                inputs.push(s);
            }
        }
        inputs.push(format!("{{\"k{pad}é\": \"東京😀{pad}\\n→\", \"z\": [\"ü\"]}}").into_bytes());
        for input in &inputs {
            let reference = run(input, 8);
            for chunk in [64, 65, 66, 67, 69, 70, 71, 72, 73, 100, input.len()] {
                let got = run(input, chunk);
                // Before an error, how much of the run showed depends on the
                // cuts; the error and its offset do not.
                assert_eq!(got.1, reference.1, "{chunk}: {input:?}");
                if reference.1.is_none() {
                    assert_eq!(got.0, reference.0, "{chunk}: {input:?}");
                }
            }
        }
    }

    /// Bytes skipped outside the tokenizer (prose around embedded JSON)
    /// count for the offset, the line and the column of what follows.
    #[test]
    fn skipped_bytes_count_for_offsets_lines_and_columns() {
        let mut tok = Tokenizer::new();
        tok.skip(b"prose");
        assert_eq!(tok.offset(), 5);
        // Line ends at 1, 4 and 5 of these 8 bytes: line 4 starts at 5 + 6.
        tok.skip(b"a\nbc\n\nd ");
        assert_eq!(tok.offset(), 13);
        let err = tok.feed_with(b"  x", |_| {}).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ExpectedSomeValue);
        assert_eq!((err.offset(), err.line(), err.column()), (15, 4, 5));
    }

    /// Bytes fed but not in the input (a repair's insertions) are taken
    /// back from the offset, and later errors are placed in the input.
    #[test]
    fn rewound_bytes_leave_the_offsets_of_the_input() {
        let mut tok = Tokenizer::new();
        tok.feed_with(b"[1, 2", |_| {}).unwrap();
        assert_eq!(tok.offset(), 5);
        tok.rewind(2);
        assert_eq!(tok.offset(), 3);
        let err = tok.feed_with(b" x", |_| {}).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ExpectedListCommaOrEnd);
        assert_eq!((err.offset(), err.column()), (4, 5));
    }
}
