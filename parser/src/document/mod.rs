//! Partial documents: the value as it streams in, with snapshots, deltas
//! and item events, at O(chunk) per chunk.
//!
//! A [`Document`] owns a [`Tokenizer`] and applies its events to the
//! visible value in place. After each [`Document::feed`], the returned
//! [`Changes`] tell whether the visible value changed, which [`Delta`]s
//! reproduce the change, and which items of selected arrays started or
//! closed. Nothing is ever re-parsed.
//!
//! ```
//! use structream_parser::document::{Document, Options};
//!
//! let options = Options::default().deltas(true).items("/users".parse()?);
//! let mut doc = Document::with_options(options);
//! let mut lines = Vec::new();
//! for chunk in [&br#"{"users": [{"name": "Ja"#[..], br#"ne", "age": 3"#, br#"0}, {"#] {
//!     let changes = doc.feed(chunk)?;
//!     if changes.changed() {
//!         lines.push(changes.snapshot().unwrap().to_json());
//!     }
//!     for item in changes.items() {
//!         if let Some(json) = item.json() {
//!             lines.push(format!("item {json}"));
//!         }
//!     }
//! }
//! assert_eq!(lines, [
//!     r#"{"users":[{"name":"Ja"}]}"#,
//!     r#"{"users":[{"name":"Jane"}]}"#, // `"age": 3` is not shown: 3 may become 30
//!     r#"{"users":[{"name":"Jane","age":30},{}]}"#,
//!     r#"item {"name":"Jane","age":30}"#,
//! ]);
//! let end = doc.finish()?;
//! assert!(!end.is_complete()); // the input stopped inside the value
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod core;
mod delta;
mod items;
mod pointer;

pub use delta::{ApplyError, Delta, DeltaOp, apply};
pub use items::ItemEvent;
pub use pointer::{Pattern, PatternError, push_segment, split_first_segment, unescape_segment};

use std::fmt;

pub use crate::lenient::Lenient;

use crate::lenient::Scanner;
use crate::repair::{Out, Repair, Repairer, Repairs};
use crate::{Config, Error, Event, Tokenizer, Value};
use core::{Core, Role};

/// When a string value shows in snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StringMode {
    /// From its opening quote, growing as it streams (the default).
    #[default]
    Trailing,
    /// Only once its closing quote has been read.
    Complete,
}

/// The completion state of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeState {
    /// Begun in the input but not shown yet (held back or hidden).
    Pending,
    /// Shown, and still growing.
    Incomplete,
    /// Shown and complete.
    Complete,
}

/// How a [`Document`] reads its input and what it reports.
///
/// ```
/// use structream_parser::document::{Lenient, Options, StringMode};
///
/// let options = Options::default()
///     .strings(StringMode::Trailing)
///     .hold("/type".parse()?)                   // an enum-like tag: whole or nothing
///     .require("/steps/*".parse()?, "title")    // no step without its title
///     .items("/steps".parse()?)
///     .lenient(Lenient::Any)
///     .deltas(true);
/// # Ok::<(), structream_parser::document::PatternError>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// The tokenizer's limits and options.
    pub tokenizer: Config,
    /// When strings show.
    pub strings: StringMode,
    /// Produce [`Delta`]s (off by default: they cost a little per event).
    pub deltas: bool,
    /// Whether to find the value in prose, code fences and reasoning blocks
    /// (and ignore text after it), and which kinds of value to look for: a
    /// value known to be an object skips `[1]`-style citations in the prose
    /// before it. See [`Lenient`].
    pub lenient: Lenient,
    /// The repairs made to almost-JSON input (none by default); see
    /// [`crate::repair`]. Each repair made is reported in
    /// [`Changes::repairs`].
    pub repair: Repairs,
    /// Values held back until complete.
    pub hold: Vec<Pattern>,
    /// Objects hidden until the named member has a (non-null) value.
    pub require: Vec<(Pattern, String)>,
    /// Arrays whose items are reported as [`ItemEvent`]s.
    pub items: Vec<Pattern>,
}

impl Options {
    /// Sets [`Options::tokenizer`].
    #[must_use]
    pub fn tokenizer(mut self, config: Config) -> Self {
        self.tokenizer = config;
        self
    }

    /// Sets [`Options::strings`].
    #[must_use]
    pub fn strings(mut self, mode: StringMode) -> Self {
        self.strings = mode;
        self
    }

    /// Sets [`Options::deltas`].
    #[must_use]
    pub fn deltas(mut self, on: bool) -> Self {
        self.deltas = on;
        self
    }

    /// Sets [`Options::lenient`].
    #[must_use]
    pub fn lenient(mut self, mode: Lenient) -> Self {
        self.lenient = mode;
        self
    }

    /// Sets [`Options::repair`].
    #[must_use]
    pub fn repair(mut self, repairs: Repairs) -> Self {
        self.repair = repairs;
        self
    }

    /// Adds a path whose values are held back until complete.
    #[must_use]
    pub fn hold(mut self, pattern: Pattern) -> Self {
        self.hold.push(pattern);
        self
    }

    /// Adds a path whose objects are hidden until member `key` has a value.
    #[must_use]
    pub fn require(mut self, pattern: Pattern, key: impl Into<String>) -> Self {
        self.require.push((pattern, key.into()));
        self
    }

    /// Adds a path whose arrays' items are reported.
    #[must_use]
    pub fn items(mut self, pattern: Pattern) -> Self {
        self.items.push(pattern);
        self
    }
}

/// How the input ended, once [`Document::finish`] was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The value is complete.
    Complete,
    /// The input ended inside the value (or before it): the snapshot is the
    /// best partial value, as a `max_tokens` cut-off leaves it. The error
    /// says where.
    Incomplete(Error),
}

/// A value that streams in: see the [module docs](self).
#[derive(Debug)]
pub struct Document {
    tok: Tokenizer,
    lenient: Option<Scanner>,
    repair: Option<Repairer>,
    /// The repairs of the last feed or finish.
    repairs: Vec<Repair>,
    core: Core,
    outcome: Option<Outcome>,
    /// The generation at the last feed, to tell whether a feed changed it.
    seen_generation: u64,
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

impl Document {
    /// A document with the default [`Options`].
    pub fn new() -> Self {
        Document::with_options(Options::default())
    }

    /// A document with the given options.
    pub fn with_options(options: Options) -> Self {
        let mut patterns: Vec<(Pattern, Role)> = Vec::new();
        patterns.extend(options.hold.into_iter().map(|p| (p, Role::Hold)));
        patterns.extend(
            options
                .require
                .into_iter()
                .map(|(p, k)| (p, Role::Require(k))),
        );
        patterns.extend(options.items.into_iter().map(|p| (p, Role::Items)));
        let repair = (!options.repair.is_empty()).then(|| {
            Repairer::new(
                options.repair,
                options.tokenizer.max_depth,
                options.lenient != Lenient::Off,
            )
        });
        Document {
            repair,
            repairs: Vec::new(),
            tok: Tokenizer::with_config(options.tokenizer),
            lenient: (options.lenient != Lenient::Off)
                .then(|| Scanner::new(options.lenient, options.repair)),
            core: Core::new(options.strings, options.deltas, patterns),
            outcome: None,
            seen_generation: 0,
        }
    }

    /// Applies a chunk of input. On an error the document keeps what it had
    /// (its snapshot is still the best partial value) and refuses more input.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Changes<'_>, Error> {
        self.core.deltas.clear();
        self.core.items.clear();
        self.repairs.clear();
        if self.lenient.is_some() {
            self.feed_lenient(chunk)?;
            return Ok(self.changes());
        }
        let Document {
            tok,
            repair,
            repairs,
            core,
            ..
        } = self;
        // Most chunks of an answer are more of a string: read in one scan,
        // also with repairs on where the machine has nothing to decide.
        let in_string = repair.as_ref().is_none_or(|r| r.in_plain_string());
        if in_string && let Some(done) = tok.feed_string_chunk(chunk, |e| apply_event(core, e)) {
            done?;
            if let Some(r) = repair {
                r.passed(chunk.len());
            }
        } else if let Some(r) = repair {
            r.feed(chunk, &mut Fed { tok, core, repairs }, false)?;
        } else {
            tok.feed_with(chunk, |event| apply_event(core, event))?;
        }
        Ok(self.changes())
    }

    /// [`Document::feed`] of lenient input. Out of line: the strict path's
    /// feed stays as small.
    #[inline(never)]
    fn feed_lenient(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let Document {
            tok,
            lenient,
            repair,
            repairs,
            core,
            ..
        } = self;
        let Some(l) = lenient else {
            return Ok(());
        };
        let mut rest = chunk;
        while !rest.is_empty() {
            match (&mut *l, repair.as_mut()) {
                (l, _) if l.is_done() => break,
                (l, None) if l.in_value() => {
                    let used = feed_one_value(tok, core, rest)?;
                    rest = &rest[used..];
                    if core.root_done {
                        l.end_value();
                    }
                }
                (l, Some(r)) if l.in_value() => {
                    let used = r.feed(rest, &mut Fed { tok, core, repairs }, true)?;
                    rest = &rest[used..];
                    if r.value_ended() {
                        l.end_value();
                    }
                }
                (l, r) => match l.find(rest, tok) {
                    None => break,
                    Some(found) => {
                        match r {
                            None => {
                                feed_one_value(tok, core, found.carried())?;
                            }
                            Some(r) => {
                                r.start_at(tok.offset());
                                r.feed(found.carried(), &mut Fed { tok, core, repairs }, true)?;
                            }
                        }
                        rest = &rest[found.at..];
                    }
                },
            }
        }
        Ok(())
    }

    /// Signals the end of input. An input that ends inside the value (or
    /// before one) is not an error: [`Changes::outcome`] says it is
    /// [`Outcome::Incomplete`] and the snapshot keeps the partial value.
    pub fn finish(&mut self) -> Result<Changes<'_>, Error> {
        self.core.deltas.clear();
        self.core.items.clear();
        self.repairs.clear();
        let Document {
            tok,
            lenient,
            repair,
            repairs,
            core,
            ..
        } = self;
        // Lenient input that never reached a value ends like an empty one:
        // the tokenizer, told of the prose, reports the end of input there.
        let result = match (lenient, repair) {
            (Some(l), _) if l.is_done() => Ok(()),
            (_, Some(r)) => r
                .finish(&mut Fed { tok, core, repairs })
                .and_then(|()| tok.finish_with(|event| apply_event(core, event))),
            _ => tok.finish_with(|event| apply_event(core, event)),
        };
        self.outcome = Some(match result {
            Ok(()) => Outcome::Complete,
            Err(e) if e.is_eof() => Outcome::Incomplete(e),
            Err(e) => return Err(e),
        });
        Ok(self.changes())
    }

    /// What the last [`Document::feed`] or [`Document::finish`] changed,
    /// whether it succeeded or failed.
    ///
    /// A feed that fails still applies the valid part of its chunk before
    /// the error: this is how a caller gets that part's deltas and closed
    /// items, which the `Err` could not carry. [`Changes::changed`] tells
    /// whether the snapshot changed since changes were last handed out.
    ///
    /// ```
    /// use structream_parser::document::{Document, Options};
    ///
    /// let mut doc = Document::with_options(Options::default().items("".parse()?));
    /// assert!(doc.feed(b"[1, 2, tru ]").is_err());
    /// let changes = doc.changes();
    /// assert!(changes.changed());
    /// let items: Vec<_> = changes.items().iter().filter_map(|i| i.json()).collect();
    /// assert_eq!(items, ["1", "2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn changes(&mut self) -> Changes<'_> {
        let changed = self.core.generation != self.seen_generation;
        self.seen_generation = self.core.generation;
        Changes { doc: self, changed }
    }

    /// The visible value now, or `None` before any of it shows.
    pub fn snapshot(&self) -> Option<Snapshot<'_>> {
        if self.core.text().is_empty() {
            return None;
        }
        Some(Snapshot {
            text: self.core.text(),
            core: &self.core,
        })
    }

    /// A counter bumped at every visible change: compare it with the value
    /// you saw at your last snapshot to know whether to take another.
    pub fn generation(&self) -> u64 {
        self.core.generation
    }

    /// Whether the whole value has been read.
    pub fn is_complete(&self) -> bool {
        self.core.root_done
    }

    /// How the input ended, after [`Document::finish`].
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// The completion state of the node at JSON Pointer `pointer` (for a
    /// node present in the input; a path not on the open spine is complete).
    pub fn state_at(&self, pointer: &str) -> NodeState {
        self.core.state_at(pointer)
    }

    /// Heap bytes the document holds (its text, staging buffers, open-node
    /// stack and this feed's deltas and items), for measuring memory.
    ///
    /// The visible text is the compact JSON of what showed, so for a complete
    /// document this is at most about twice the input (a string's capacity
    /// may be up to double its length), plus O(depth).
    pub fn heap_bytes(&self) -> usize {
        self.core.heap_bytes()
    }

    /// Bytes consumed so far, prose of lenient input included.
    pub fn offset(&self) -> u64 {
        self.tok.offset()
    }
}

/// The repair machine's output: into the tokenizer, and on into the core.
struct Fed<'a> {
    tok: &'a mut Tokenizer,
    core: &'a mut Core,
    repairs: &'a mut Vec<Repair>,
}

impl Out for Fed<'_> {
    fn input(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.is_empty() {
            return Ok(());
        }
        let core = &mut *self.core;
        self.tok.feed_with(bytes, |event| apply_event(core, event))
    }

    fn insert(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.input(bytes)?;
        self.tok.rewind(bytes.len());
        Ok(())
    }

    fn drop(&mut self, bytes: &[u8]) {
        self.tok.skip(bytes);
    }

    fn report(&mut self, repair: Repair) {
        self.repairs.push(repair);
    }
}

/// Feeds `bytes` until the top-level value ends; returns the bytes used.
fn feed_one_value(tok: &mut Tokenizer, core: &mut Core, bytes: &[u8]) -> Result<usize, Error> {
    let mut feed = tok.feed(bytes);
    while let Some(event) = feed.next_event()? {
        apply_event(core, event);
        if core.root_done {
            break;
        }
    }
    Ok(feed.consumed())
}

fn apply_event(core: &mut Core, event: Event<'_>) {
    match event {
        Event::ObjectStart => core.open_object(),
        Event::ArrayStart => core.open_array(),
        Event::ObjectEnd | Event::ArrayEnd => core.close(),
        Event::Key(s) => core.key_fragment(s.as_str(), s.is_first()),
        Event::String(s) => core.string_fragment(s.as_str(), s.is_first(), s.is_last()),
        Event::Number(n) => core.scalar(n.as_str()),
        Event::Bool(true) => core.scalar("true"),
        Event::Bool(false) => core.scalar("false"),
        Event::Null => core.scalar("null"),
    }
}

/// What one [`Document::feed`] (or [`Document::finish`]) changed.
#[derive(Debug)]
pub struct Changes<'d> {
    doc: &'d Document,
    changed: bool,
}

impl<'d> Changes<'d> {
    /// Whether the visible value changed (whitespace, half an escape or half
    /// a number change nothing visible).
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The visible value after this feed.
    pub fn snapshot(&self) -> Option<Snapshot<'d>> {
        self.doc.snapshot()
    }

    /// The deltas that turn the previous snapshot into this one.
    pub fn deltas(&self) -> impl Iterator<Item = Delta<'d>> + '_ {
        let deltas = &self.doc.core.deltas;
        (0..deltas.len()).filter_map(move |i| deltas.get(i))
    }

    /// Items of selected arrays that started or closed in this feed.
    pub fn items(&self) -> &'d [ItemEvent] {
        &self.doc.core.items
    }

    /// The repairs made in this feed (see [`Options::repair`]), in input
    /// order.
    pub fn repairs(&self) -> &'d [Repair] {
        &self.doc.repairs
    }

    /// How the input ended, for the changes of [`Document::finish`].
    pub fn outcome(&self) -> Option<Outcome> {
        self.doc.outcome
    }

    /// Whether the value is complete.
    pub fn is_complete(&self) -> bool {
        self.doc.is_complete()
    }
}

/// The visible value at one moment, borrowed from the [`Document`].
///
/// Its JSON text is the document's text so far plus the closing quote and
/// brackets of what is still open; it is written out on demand. Taking a
/// snapshot costs nothing (it borrows the document); the closers are read
/// from the open spine only when the text is asked for.
#[derive(Clone, Copy)]
pub struct Snapshot<'d> {
    text: &'d str,
    core: &'d Core,
}

impl Snapshot<'_> {
    /// The value as compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.core.depth());
        out.push_str(self.text);
        self.core.visible_closers(&mut out);
        out
    }

    /// The value as a [`Value`] (parsed from the text: O(size)).
    pub fn value(&self) -> Value {
        let config = Config::default().max_depth(None);
        crate::parse_with(self.to_json().as_bytes(), config).unwrap_or_default()
    }

    /// Whether nothing in it is still open.
    pub fn is_complete(&self) -> bool {
        !self.core.has_visible_open()
    }
}

impl fmt::Display for Snapshot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)?;
        let mut written = Ok(());
        self.core.visible_closers_with(|c| {
            if written.is_ok() {
                written = fmt::Write::write_char(f, char::from(c));
            }
        });
        written
    }
}

impl fmt::Debug for Snapshot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Snapshot").field(&self.to_json()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Snapshots of deep spines close every open bracket.
    #[test]
    fn deep_snapshots_close_everything() {
        for depth in [1, 29, 30, 31, 100] {
            let mut doc = Document::new();
            let open = "[".repeat(depth) + "\"a";
            let changes = doc.feed(open.as_bytes()).unwrap();
            let snapshot = changes.snapshot().unwrap();
            let expected = open.clone() + "\"" + &"]".repeat(depth);
            assert_eq!(snapshot.to_json(), expected, "{depth}");
            assert_eq!(snapshot.to_string(), expected);
            assert!(!snapshot.is_complete());
        }
        let mut doc = Document::new();
        doc.feed(b"[[1]]").unwrap();
        assert!(doc.snapshot().unwrap().is_complete());
    }
}
