//! The plain path: a chunk that is valid JSON as it stands, read without
//! the byte loop.
//!
//! On a valid answer most chunks need no decision that waits for later
//! bytes: a string's quote is followed in the chunk by what may follow the
//! string, a comma by the next key or item, a word ends in the chunk and is
//! a JSON number or literal. [`Repairer::feed_plain`] reads such a chunk in
//! one tight loop over local state, and only when the whole chunk is plain
//! does it take the state it reached and hand the chunk out in one call.
//! Anything else (a byte that may need a repair, a decision that needs a
//! lookahead, a container or the top-level value closing where a repair
//! may apply) leaves the machine untouched, and the byte loop reads the
//! chunk ([`Repairer::run`]), so the plain path never decides anything the
//! byte loop would decide otherwise.
//!
//! A chunk may also end the way the byte loop leaves it waiting: on a
//! quote that may close its string (held, [`St::QuoteEnd`]) or after a
//! comma and whitespace ([`Comma::Held`]); and it may start where such a
//! chunk ended, when its first bytes decide it plainly.

use super::Out;
use super::{
    Comma, Ctx, MAX_COPIED, MAX_QUOTE_WS, MAX_WORD, Quote, Repairer, St, ends_word, is_delimiter,
};
use crate::error::Error;
use crate::repair::Kind;
use crate::repair::word::is_json;
use crate::tokenizer::scan;

/// Most containers a plain chunk opens (beyond the machine's stack).
const MAX_OPENED: usize = 8;

/// How a plain chunk ends.
#[derive(Debug, Clone, Copy)]
enum Tail {
    /// Nothing waits: the whole chunk goes out.
    Clean,
    /// From this index on, a quote that may close its string, and
    /// whitespace after it: held.
    Quote(usize),
    /// From this index on, a comma and whitespace after it: held.
    Comma(usize),
    /// From this index on, a bare word not ended yet: held.
    Word(usize),
    /// The whole chunk goes on being held (after a quote or comma held,
    /// whitespace; or more of a bare word).
    Keep,
}

/// The containers open while a chunk is read: the first `kept` of the
/// machine's stack, then `opened`.
struct Stack<'s> {
    below: &'s [Ctx],
    kept: usize,
    opened: [Ctx; MAX_OPENED],
    n: usize,
}

impl Stack<'_> {
    fn depth(&self) -> usize {
        self.kept + self.n
    }

    fn top(&self) -> Option<Ctx> {
        if self.n > 0 {
            Some(self.opened[self.n - 1])
        } else {
            self.kept.checked_sub(1).map(|i| self.below[i])
        }
    }

    /// Opens `ctx`; `None` past [`MAX_OPENED`].
    fn push(&mut self, ctx: Ctx) -> Option<()> {
        *self.opened.get_mut(self.n)? = ctx;
        self.n += 1;
        Some(())
    }

    fn pop(&mut self) {
        if self.n > 0 {
            self.n -= 1;
        } else {
            self.kept -= 1;
        }
    }
}

/// The state a plain chunk reaches, to be taken.
struct Reached {
    st: St,
    kept: usize,
    opened: [Ctx; MAX_OPENED],
    n: usize,
    tail: Tail,
    /// A bare word held: whether it has only bytes a number may have, and
    /// whether it began where an item may come.
    word_numeric: bool,
    word_in_items: bool,
}

impl Reached {
    fn new(st: St, stack: &Stack<'_>, tail: Tail) -> Reached {
        Reached {
            st,
            kept: stack.kept,
            opened: stack.opened,
            n: stack.n,
            tail,
            word_numeric: false,
            word_in_items: false,
        }
    }
}

/// Where a bare word read the plain way stands.
enum WordEnd {
    /// It ends at this index of the bytes read, valid JSON as it is.
    At(usize),
    /// It goes on past them and may still be a number or literal.
    Open { numeric: bool },
}

impl Repairer {
    /// Whether the machine stands in a double-quoted string with nothing
    /// held, where a chunk with no quote, backslash or control character in
    /// it needs no reading: it can go to the tokenizer whole (and is then
    /// counted as read with [`Repairer::passed`]).
    #[inline(always)]
    pub(crate) fn in_plain_string(&self) -> bool {
        matches!(
            self.st,
            St::Str {
                quote: Quote::Double,
                escape: false,
                ..
            }
        ) && !self.failed
            && !self.after_placeholder
            && self.held.is_empty()
    }

    /// Counts `n` bytes as read, gone to the tokenizer whole.
    #[inline(always)]
    pub(crate) fn passed(&mut self, n: usize) {
        self.base += n as u64;
    }

    /// Reads `chunk` the plain way (see the module docs) and returns the
    /// bytes used, or `None`, the machine untouched, when the chunk is not
    /// plain.
    #[inline]
    pub(super) fn feed_plain(
        &mut self,
        chunk: &[u8],
        out: &mut impl Out,
    ) -> Option<Result<usize, Error>> {
        if self.failed || self.after_placeholder || chunk.is_empty() {
            return None;
        }
        let reached = self.read_plain(chunk)?;
        Some(self.take_plain(chunk, reached, out))
    }

    /// The state the machine reaches at the end of `chunk` if the chunk is
    /// plain.
    fn read_plain(&self, chunk: &[u8]) -> Option<Reached> {
        let len = chunk.len();
        let mut st = self.st;
        let mut stack = Stack {
            below: &self.stack,
            kept: self.stack.len(),
            opened: [Ctx::Object; MAX_OPENED],
            n: 0,
        };
        let mut i = 0;
        // A comma held at the end of the last chunk, still to be followed
        // by a key or item.
        let mut comma_held = false;
        match (st, self.comma) {
            (_, None) if self.held.is_empty() => {}
            (
                St::QuoteEnd {
                    quote: Quote::Double,
                    key,
                },
                None,
            ) => {
                // The quote held, and whitespace after it: the first byte
                // after the whitespace decides.
                let ws = self.held.len() - 1;
                if self.held[0] != b'"' || !self.held[1..].iter().all(|&b| scan::is_ws(b)) {
                    return None;
                }
                let Some(k) = chunk.iter().position(|&b| !scan::is_ws(b)) else {
                    return (ws + len <= MAX_QUOTE_WS)
                        .then(|| Reached::new(st, &stack, Tail::Keep));
                };
                if ws + k > MAX_QUOTE_WS || !closes(chunk[k], key) {
                    return None;
                }
                st = if key { St::Colon } else { after_value(&stack)? };
                i = k;
            }
            (St::Word, None) => match plain_word(&self.held, chunk)? {
                WordEnd::At(end) => {
                    st = after_value(&stack)?;
                    i = end;
                }
                WordEnd::Open { numeric } => {
                    let mut reached = Reached::new(st, &stack, Tail::Keep);
                    reached.word_numeric = numeric;
                    return Some(reached);
                }
            },
            (St::Key { first: false } | St::Item { first: false }, Some(Comma::Held(_))) => {
                comma_held = true;
            }
            _ => return None,
        }
        let unescaped = self.on(Kind::UnescapedQuote);
        let tracking = self.on(Kind::TrailingComma) || self.on(Kind::Placeholder);
        let premature = self.on(Kind::PrematureClose);
        // The comma read in this chunk that no key or item has followed yet.
        let mut comma: Option<usize> = None;
        while i < len {
            let b = chunk[i];
            if scan::is_ws(b)
                && matches!(
                    st,
                    St::Value | St::Item { .. } | St::Key { .. } | St::Colon | St::After
                )
            {
                i += 1;
                continue;
            }
            match st {
                St::Str {
                    quote: Quote::Double,
                    key,
                    escape,
                } => {
                    if escape {
                        st = St::Str {
                            quote: Quote::Double,
                            key,
                            escape: false,
                        };
                        i += 1;
                        continue;
                    }
                    let end = scan::string_run_end(chunk, i);
                    if end == len {
                        break;
                    }
                    match chunk[end] {
                        b'\\' if end + 1 < len => i = end + 2,
                        b'\\' => {
                            st = St::Str {
                                quote: Quote::Double,
                                key,
                                escape: true,
                            };
                            break;
                        }
                        b'"' => {
                            i = end + 1;
                            // As `Repairer::quote` decides it: the quote
                            // closes where the byte after it, after any
                            // whitespace, says so; undecided at the chunk's
                            // end.
                            let after = &chunk[i..];
                            let closed = !unescaped
                                || stack.depth() == 0
                                || match after.iter().position(|&b| !scan::is_ws(b)) {
                                    Some(ws) => ws <= MAX_QUOTE_WS && closes(after[ws], key),
                                    None if after.len() <= MAX_QUOTE_WS => {
                                        let st = St::QuoteEnd {
                                            quote: Quote::Double,
                                            key,
                                        };
                                        return Some(Reached::new(st, &stack, Tail::Quote(end)));
                                    }
                                    None => false,
                                };
                            if !closed {
                                return None;
                            }
                            st = if key { St::Colon } else { after_value(&stack)? };
                        }
                        // A control character.
                        _ => return None,
                    }
                }
                St::Value | St::Item { .. } => {
                    let in_items = matches!(st, St::Item { .. });
                    match b {
                        b'"' => {
                            st = St::Str {
                                quote: Quote::Double,
                                key: false,
                                escape: false,
                            };
                            i += 1;
                        }
                        b'{' | b'[' => {
                            if stack.depth() >= self.max_depth {
                                return None;
                            }
                            let object = b == b'{';
                            stack.push(if object { Ctx::Object } else { Ctx::Array })?;
                            st = if object {
                                St::Key { first: true }
                            } else {
                                St::Item { first: true }
                            };
                            i += 1;
                        }
                        b']' if st == (St::Item { first: true }) => {
                            st = close(&mut stack, b, premature)?;
                            i += 1;
                        }
                        b'-' | b'0'..=b'9' | b't' | b'f' | b'n' if self.words => {
                            match plain_word(&[], &chunk[i..])? {
                                WordEnd::At(end) => {
                                    st = after_value(&stack)?;
                                    i += end;
                                }
                                // Held from here, as `Repairer::word` holds
                                // it; a comma kept back before it goes out
                                // another way.
                                WordEnd::Open { .. } if comma.is_some() || comma_held => {
                                    return None;
                                }
                                WordEnd::Open { numeric } => {
                                    let mut reached = Reached::new(St::Word, &stack, Tail::Word(i));
                                    reached.word_numeric = numeric;
                                    reached.word_in_items = in_items;
                                    return Some(reached);
                                }
                            }
                        }
                        _ => return None,
                    }
                    comma = None;
                    comma_held = false;
                }
                St::Key { first } => {
                    match b {
                        b'"' => {
                            st = St::Str {
                                quote: Quote::Double,
                                key: true,
                                escape: false,
                            };
                            i += 1;
                        }
                        b'}' if first => {
                            st = close(&mut stack, b, premature)?;
                            i += 1;
                        }
                        _ => return None,
                    }
                    comma = None;
                    comma_held = false;
                }
                St::Colon if b == b':' => {
                    st = St::Value;
                    i += 1;
                }
                St::After => match b {
                    b',' => {
                        if tracking {
                            comma = Some(i);
                        }
                        st = match stack.top() {
                            Some(Ctx::Object) => St::Key { first: false },
                            Some(Ctx::Array) => St::Item { first: false },
                            _ => return None,
                        };
                        i += 1;
                    }
                    b'}' | b']' => {
                        st = close(&mut stack, b, premature)?;
                        i += 1;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        let tail = match comma {
            // Whitespace only after the comma held: held with it, as
            // `Repairer::blank` holds it.
            _ if comma_held => {
                if self.held.len() + len > MAX_QUOTE_WS {
                    return None;
                }
                Tail::Keep
            }
            // Held with the whitespace after it, as the byte loop holds it.
            Some(at) if len - at <= MAX_QUOTE_WS => Tail::Comma(at),
            Some(_) => return None,
            None => Tail::Clean,
        };
        Some(Reached::new(st, &stack, tail))
    }

    /// Takes the state a plain `chunk` reached and hands the chunk out.
    fn take_plain(
        &mut self,
        chunk: &[u8],
        reached: Reached,
        out: &mut impl Out,
    ) -> Result<usize, Error> {
        let Reached {
            st,
            kept,
            opened,
            n,
            tail,
            word_numeric,
            word_in_items,
        } = reached;
        self.st = st;
        if kept != self.stack.len() || n > 0 {
            self.stack.truncate(kept);
            self.stack.extend_from_slice(&opened[..n]);
        }
        let run = match tail {
            Tail::Clean => chunk,
            Tail::Keep => &[],
            Tail::Quote(at) | Tail::Comma(at) | Tail::Word(at) => &chunk[..at],
        };
        if !matches!(tail, Tail::Keep)
            && let Err(e) = self.hand_out_run(run, out)
        {
            self.failed = true;
            return Err(e);
        }
        match tail {
            Tail::Clean => self.comma = None,
            Tail::Keep => {
                self.held.extend_from_slice(chunk);
                if st == St::Word {
                    self.word_numeric = word_numeric;
                }
            }
            Tail::Quote(at) => {
                self.comma = None;
                self.word_at = self.at(at);
                self.held.extend_from_slice(&chunk[at..]);
            }
            Tail::Word(at) => {
                self.comma = None;
                self.word_at = self.at(at);
                self.word_in_items = word_in_items;
                self.word_numeric = word_numeric;
                self.held.extend_from_slice(&chunk[at..]);
            }
            Tail::Comma(at) => {
                self.comma = Some(Comma::Held(self.at(at)));
                self.held.extend_from_slice(&chunk[at..]);
            }
        }
        self.base += chunk.len() as u64;
        Ok(chunk.len())
    }

    /// Hands out what is held and then `run`, in one call where `run` is
    /// short (as [`Repairer::hand_out`] does).
    #[inline(always)]
    fn hand_out_run(&mut self, run: &[u8], out: &mut impl Out) -> Result<(), Error> {
        if self.held.is_empty() {
            return out.input(run);
        }
        if run.len() <= MAX_COPIED {
            self.held.extend_from_slice(run);
            out.input(&self.held)?;
            self.held.clear();
            return Ok(());
        }
        out.input(&self.held)?;
        self.held.clear();
        out.input(run)
    }
}

/// Reads the bare word that `held` begins (empty for a word that begins
/// `rest`) on in `rest`, as [`Repairer::word`] would: `None` unless it can
/// only be a number or a literal so far, and, where it ends in `rest`, is
/// valid JSON as it is.
fn plain_word(held: &[u8], rest: &[u8]) -> Option<WordEnd> {
    /// The longest word read the plain way.
    const LONGEST: usize = 32;
    let end = rest.iter().position(|&b| is_delimiter(b));
    let part = &rest[..end.unwrap_or(rest.len())];
    let n = held.len() + part.len();
    if n >= LONGEST.min(MAX_WORD) {
        return None;
    }
    let mut buf = [0u8; LONGEST];
    buf[..held.len()].copy_from_slice(held);
    buf[held.len()..n].copy_from_slice(part);
    let word = &buf[..n];
    let numeric = word
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'+' | b'-' | b'.' | b'_' | b'e' | b'E'));
    let literal = || {
        [&b"true"[..], b"false", b"null"]
            .iter()
            .any(|l| l.starts_with(word))
    };
    if !numeric && !literal() {
        return None;
    }
    let Some(end) = end else {
        return Some(WordEnd::Open { numeric });
    };
    let t = rest[end];
    ((scan::is_ws(t) || ends_word(t)) && is_json(word)).then_some(WordEnd::At(end))
}

/// Whether `b` right after a string's quote closes the string plainly: `:`
/// after a key; `,`, `}` or `]` after a value.
fn closes(b: u8, key: bool) -> bool {
    if key {
        b == b':'
    } else {
        matches!(b, b',' | b'}' | b']')
    }
}

/// The state after a value in `stack`: `None` at the top level, where the
/// byte loop decides what follows the value.
fn after_value(stack: &Stack<'_>) -> Option<St> {
    (stack.depth() > 0).then_some(St::After)
}

/// Closes the container on top of `stack` with `b` if it matches, the
/// state after it; `None` for a mismatch or a `}` that would close the root
/// object where a premature close may be repaired.
fn close(stack: &mut Stack<'_>, b: u8, premature: bool) -> Option<St> {
    let want = if b == b'}' { Ctx::Object } else { Ctx::Array };
    if stack.top() != Some(want) || b == b'}' && premature && stack.depth() == 1 {
        return None;
    }
    stack.pop();
    after_value(stack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::{Repair, Repairs};

    /// What the tokenizer would be given: the bytes handed out and put in,
    /// in order (a comma left out and put back later shows as a space in
    /// its place and the comma after it), and the repairs reported.
    #[derive(Default)]
    struct Record {
        bytes: Vec<u8>,
        repairs: Vec<Repair>,
    }

    impl Out for Record {
        fn input(&mut self, bytes: &[u8]) -> Result<(), Error> {
            self.bytes.extend_from_slice(bytes);
            Ok(())
        }
        fn insert(&mut self, bytes: &[u8]) -> Result<(), Error> {
            self.bytes.extend_from_slice(bytes);
            Ok(())
        }
        fn drop(&mut self, _bytes: &[u8]) {}
        fn report(&mut self, repair: Repair) {
            self.repairs.push(repair);
        }
    }

    /// The machine's state, as the chunks after it see it.
    fn state(r: &Repairer) -> String {
        format!(
            "{:?} {:?} held={:?} {:?} base={} word={} {} {} {} {}",
            r.st,
            r.stack,
            r.held,
            r.comma,
            r.base,
            r.word_at,
            r.word_in_items,
            r.word_numeric,
            r.after_placeholder,
            r.failed
        )
    }

    /// A small deterministic generator of valid JSON with the shapes an
    /// answer has: nested objects and arrays, strings with escapes, quotes
    /// and multibyte text, numbers, literals, whitespace of every kind; with
    /// its flag, almost-JSON too.
    struct Gen(u64, bool);

    impl Gen {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn ws(&mut self, out: &mut String) {
            const WS: [&str; 6] = ["", "", " ", "\n  ", "\t", "\r\n    "];
            out.push_str(WS[self.below(WS.len() as u64) as usize]);
            if self.1 && self.below(20) == 0 {
                out.push_str(&" ".repeat(70));
            }
        }

        /// With `self.1`, now and then something a repair is for.
        fn sloppy(&mut self, out: &mut String) -> bool {
            const SLOPPY: [&str; 12] = [
                "'single'",
                "True",
                "NaN",
                ".5",
                "[1, 2,]",
                "{a: 1}",
                "\"she said \"hi\" to me\"",
                "// note\n1",
                "unquoted words",
                "(1, 2)",
                "[1 2]",
                "{\"a\" \"b\"}",
            ];
            if !self.1 || self.below(6) != 0 {
                return false;
            }
            out.push_str(SLOPPY[self.below(SLOPPY.len() as u64) as usize]);
            true
        }

        fn string(&mut self, out: &mut String) {
            const PIECES: [&str; 9] = [
                "word", " ", "\\\"", "\\n", "\\u00e9", "é", "“x”", "a, b", "{[:]}",
            ];
            out.push('"');
            for _ in 0..self.below(6) {
                out.push_str(PIECES[self.below(PIECES.len() as u64) as usize]);
            }
            out.push('"');
        }

        fn value(&mut self, depth: u32, out: &mut String) {
            if self.sloppy(out) {
                return;
            }
            const SCALARS: [&str; 8] = ["0", "-12", "3.25", "1e5", "true", "false", "null", "42"];
            match self.below(if depth > 3 { 2 } else { 4 }) {
                0 => out.push_str(SCALARS[self.below(SCALARS.len() as u64) as usize]),
                1 => self.string(out),
                2 => {
                    out.push('[');
                    for i in 0..self.below(4) {
                        if i > 0 {
                            out.push(',');
                        }
                        self.ws(out);
                        self.value(depth + 1, out);
                        self.ws(out);
                    }
                    out.push(']');
                }
                _ => {
                    out.push('{');
                    for i in 0..self.below(4) {
                        if i > 0 {
                            out.push(',');
                        }
                        self.ws(out);
                        self.string(out);
                        self.ws(out);
                        out.push(':');
                        self.ws(out);
                        self.value(depth + 1, out);
                        self.ws(out);
                    }
                    out.push('}');
                }
            }
        }
    }

    /// On valid JSON cut in many ways, the plain path leaves the machine in
    /// the state the byte loop leaves it in after every chunk, and has
    /// handed the tokenizer the same bytes, with no repairs.
    #[test]
    fn the_plain_path_reaches_the_byte_loops_state() {
        let (taken, chunks) = plain_and_byte_loop(false);
        // Nearly every chunk is read the plain way.
        assert!(taken * 10 > chunks * 9, "{taken} of {chunks}");
    }

    /// The same with something to repair now and then: the plain path
    /// leaves such chunks to the byte loop.
    #[test]
    fn the_plain_path_reaches_the_byte_loops_state_on_sloppy_input() {
        let (taken, chunks) = plain_and_byte_loop(true);
        assert!(taken > 0 && taken < chunks, "{taken} of {chunks}");
    }

    /// Reads many documents both ways; the chunks read the plain way and
    /// all chunks.
    fn plain_and_byte_loop(sloppy: bool) -> (usize, usize) {
        let mut taken = 0usize;
        let mut chunks = 0usize;
        for seed in 1..400u64 {
            let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), sloppy);
            let mut doc = String::from("{\"answer\": ");
            g.value(0, &mut doc);
            doc.push_str(", \"done\": true}");
            let doc = doc.as_bytes();
            for pattern in [[1, 2, 3, 4], [3, 1, 6, 2], [8, 4, 7, 5], [2, 9, 1, 13]] {
                let mut plain = Repairer::new(Repairs::ALL, None, false);
                let mut bytes = Repairer::new(Repairs::ALL, None, false);
                let (mut a, mut b) = (Record::default(), Record::default());
                let mut at = 0;
                for (k, size) in pattern.iter().cycle().enumerate() {
                    if at >= doc.len() {
                        break;
                    }
                    let chunk = &doc[at..(at + size).min(doc.len())];
                    at += chunk.len();
                    let before = state(&plain);
                    if plain.feed_plain(chunk, &mut a).is_some() {
                        taken += 1;
                    } else {
                        plain.feed_run(chunk, &mut a, false).unwrap();
                    }
                    bytes.feed_run(chunk, &mut b, false).unwrap();
                    chunks += 1;
                    assert_eq!(
                        (state(&plain), String::from_utf8_lossy(&a.bytes)),
                        (state(&bytes), String::from_utf8_lossy(&b.bytes)),
                        "{:?}, chunk {k} {:?} from {before}",
                        String::from_utf8_lossy(doc),
                        String::from_utf8_lossy(chunk),
                    );
                }
                plain.finish(&mut a).unwrap();
                bytes.finish(&mut b).unwrap();
                assert_eq!(a.bytes, b.bytes, "{:?}", String::from_utf8_lossy(doc));
                assert_eq!(a.repairs, b.repairs);
                assert!(sloppy || a.repairs.is_empty());
            }
        }
        (taken, chunks)
    }
}
