//! What a `structream_document` holds: the options gathered before the
//! first feed, the document, and the texts handed out to C (each followed by
//! a NUL). Safe Rust only: the C side of each call lives in `ffi`.

use std::ffi::{CStr, CString};
use std::io::Write;
use std::sync::OnceLock;

use structream_parser::document::{
    Document, ItemEvent, Lenient, NodeState, Options, Outcome, StringMode,
};
use structream_parser::repair::{Kind, Repair, Repairs};
use structream_parser::{Config, Error};

use crate::text::CText;

/// Return code of a failed call.
pub(crate) const FAILED: i32 = -1;

/// Where the stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Options may still change; nothing was fed.
    Configuring,
    /// Input is being fed.
    Feeding,
    /// `finish` returned this code (1 complete, 0 incomplete).
    Finished(i32),
    /// The input was invalid, hit a limit, or a call panicked: feed and
    /// finish refuse to go on.
    Failed,
}

/// The most recent failure: its text, and the input position when the
/// input was at fault.
#[derive(Debug, Default)]
struct Failure {
    text: CText,
    position: Option<Error>,
}

/// One item closed by the last feed or finish.
#[derive(Debug)]
pub(crate) struct Item {
    /// The item as compact JSON.
    pub(crate) json: CText,
    /// The JSON Pointer of its array.
    pub(crate) path: CText,
    /// Its index in the array.
    pub(crate) index: usize,
}

/// The state behind one `structream_document`.
#[derive(Debug)]
pub(crate) struct Handle {
    options: Options,
    doc: Option<Document>,
    stage: Stage,
    /// Set by a failed call (or, with [`Stage::Finished`] `0`, where the
    /// input ended). A failure of usage (a wrong argument) is cleared by the
    /// next feed or finish that succeeds; an input error stays.
    failure: Option<Failure>,
    snapshot: CText,
    items: Vec<Item>,
    /// Every repair made so far.
    repairs: Vec<Repair>,
}

impl Handle {
    /// A handle with the parser's default options.
    pub(crate) fn new() -> Self {
        Handle {
            options: Options::default(),
            doc: None,
            stage: Stage::Configuring,
            failure: None,
            snapshot: CText::default(),
            items: Vec::new(),
            repairs: Vec::new(),
        }
    }

    /// Records a failure without a position and returns [`FAILED`].
    pub(crate) fn fail(&mut self, message: &str) -> i32 {
        self.failure = Some(Failure {
            text: CText::from(message),
            position: None,
        });
        FAILED
    }

    /// Records an input error, worded as the CLI words it.
    fn fail_input(&mut self, e: Error) {
        self.failure = Some(Failure {
            text: CText::from(describe(&e).as_str()),
            position: Some(e),
        });
    }

    /// After a panic inside a call: the state may be half updated, so every
    /// later call that reads it returns its failure value.
    pub(crate) fn poison(&mut self, message: &str) {
        self.stage = Stage::Failed;
        self.doc = None;
        self.items.clear();
        self.fail(&format!("internal error: {message}"));
    }

    /// Changes the options, which only a document not yet fed allows.
    fn configure(&mut self, what: &str, change: impl FnOnce(&mut Options)) -> i32 {
        if self.stage != Stage::Configuring {
            return self.fail(&format!(
                "{what}: options must be set before the first feed"
            ));
        }
        change(&mut self.options);
        0
    }

    /// Adds a JSON Pointer pattern (`""`, `/users`, `/steps/*/items`)
    /// whose arrays' items are reported.
    pub(crate) fn add_items(&mut self, pointer: &str) -> i32 {
        match pointer.parse() {
            Ok(p) => self.configure("add_items", |o| o.items.push(p)),
            Err(e) => self.fail(&e.to_string()),
        }
    }

    /// Adds a pattern whose values show only once complete.
    pub(crate) fn add_hold(&mut self, pointer: &str) -> i32 {
        match pointer.parse() {
            Ok(p) => self.configure("add_hold", |o| o.hold.push(p)),
            Err(e) => self.fail(&e.to_string()),
        }
    }

    /// Adds a pattern whose objects show only once member `key` has a value.
    pub(crate) fn add_require(&mut self, pointer: &str, key: &str) -> i32 {
        match pointer.parse() {
            Ok(p) => self.configure("add_require", |o| o.require.push((p, key.to_owned()))),
            Err(e) => self.fail(&e.to_string()),
        }
    }

    /// Turns lenient input (prose, code fences, reasoning blocks around
    /// the value) on or off.
    pub(crate) fn set_lenient(&mut self, on: bool) -> i32 {
        let mode = if on { Lenient::Any } else { Lenient::Off };
        self.configure("set_lenient", |o| o.lenient = mode)
    }

    /// Repairs almost-JSON: `kinds` is empty (no repair), `all`, or kind
    /// names separated by commas (`trailing-comma,single-quotes`).
    pub(crate) fn set_repair(&mut self, kinds: &str) -> i32 {
        let names = kinds.split(',').map(str::trim).filter(|n| !n.is_empty());
        match Repairs::from_names(names) {
            Ok(set) => self.configure("set_repair", |o| o.repair = set),
            Err(e) => self.fail(&format!("set_repair: {e}")),
        }
    }

    /// Shows strings as they grow (`complete == false`) or once closed.
    pub(crate) fn set_strings(&mut self, complete: bool) -> i32 {
        let mode = if complete {
            StringMode::Complete
        } else {
            StringMode::Trailing
        };
        self.configure("set_strings", |o| o.strings = mode)
    }

    /// Sets the deepest nesting accepted; `None` lifts the limit.
    pub(crate) fn set_max_depth(&mut self, depth: Option<usize>) -> i32 {
        self.configure("set_max_depth", |o| {
            o.tokenizer = Config::clone(&o.tokenizer).max_depth(depth);
        })
    }

    /// Feeds a chunk: 1 when the visible value changed, 0 when not, -1 on
    /// invalid input or after a failure or `finish`.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> i32 {
        match self.stage {
            Stage::Failed => return FAILED,
            Stage::Finished(_) => return self.fail("feed: the input was already finished"),
            Stage::Configuring | Stage::Feeding => {}
        }
        self.items.clear();
        let doc = document(&mut self.stage, &mut self.doc, &self.options);
        match doc.feed(chunk) {
            Ok(changes) => {
                push_items(&mut self.items, changes.items());
                self.repairs.extend_from_slice(changes.repairs());
                // Only a wrong argument can have failed before: it is over.
                self.failure = None;
                i32::from(changes.changed())
            }
            Err(e) => {
                // The items the chunk closed before the error stand, and
                // the repairs made before it.
                push_items(&mut self.items, doc.changes().items());
                self.repairs.extend_from_slice(doc.changes().repairs());
                self.fail_stream(e)
            }
        }
    }

    /// Ends the input: 1 when the value is complete, 0 when the input ended
    /// inside it (or before it), -1 on invalid input or after a failure.
    /// Calling it again returns the same.
    pub(crate) fn finish(&mut self) -> i32 {
        match self.stage {
            Stage::Failed => return FAILED,
            Stage::Finished(code) => return code,
            Stage::Configuring | Stage::Feeding => {}
        }
        self.items.clear();
        let doc = document(&mut self.stage, &mut self.doc, &self.options);
        let code = match doc.finish() {
            Ok(changes) => {
                push_items(&mut self.items, changes.items());
                self.repairs.extend_from_slice(changes.repairs());
                self.failure = None;
                match changes.outcome() {
                    Some(Outcome::Complete) => 1,
                    Some(Outcome::Incomplete(e)) => {
                        // Not a failure, but where the input ended says why.
                        self.fail_input(e);
                        0
                    }
                    _ => 0,
                }
            }
            Err(e) => {
                push_items(&mut self.items, doc.changes().items());
                self.repairs.extend_from_slice(doc.changes().repairs());
                return self.fail_stream(e);
            }
        };
        self.stage = Stage::Finished(code);
        code
    }

    /// Records an error of the input, which ends the stream.
    fn fail_stream(&mut self, e: Error) -> i32 {
        self.stage = Stage::Failed;
        self.fail_input(e);
        FAILED
    }

    /// The visible value as compact JSON, or `None` before any shows.
    pub(crate) fn snapshot(&mut self) -> Option<&CText> {
        let snapshot = self.doc.as_ref()?.snapshot()?;
        let buf = self.snapshot.start();
        write!(buf, "{snapshot}").expect("writing to a Vec cannot fail");
        Some(self.snapshot.end())
    }

    /// Every repair made so far, in input order.
    pub(crate) fn repairs(&self) -> &[Repair] {
        &self.repairs
    }

    /// The items closed by the last feed or finish.
    pub(crate) fn items(&self) -> &[Item] {
        &self.items
    }

    /// The text of the most recent failure, if any.
    pub(crate) fn error(&self) -> Option<&CText> {
        self.failure.as_ref().map(|f| &f.text)
    }

    /// The input position of the most recent failure, when the input was at
    /// fault (or ended early).
    pub(crate) fn error_position(&self) -> Option<Error> {
        self.failure.as_ref().and_then(|f| f.position)
    }

    /// Whether the whole value has been read.
    pub(crate) fn is_complete(&self) -> bool {
        self.doc.as_ref().is_some_and(Document::is_complete)
    }

    /// The state of the node at `pointer`: nothing fed yet is pending.
    pub(crate) fn state(&self, pointer: &str) -> NodeState {
        match &self.doc {
            Some(doc) => doc.state_at(pointer),
            None => NodeState::Pending,
        }
    }
}

/// The document, made from `options` at the first call that needs it (which
/// ends the time for options).
fn document<'d>(
    stage: &mut Stage,
    doc: &'d mut Option<Document>,
    options: &Options,
) -> &'d mut Document {
    if *stage == Stage::Configuring {
        *stage = Stage::Feeding;
    }
    doc.get_or_insert_with(|| Document::with_options(options.clone()))
}

/// The name of `kind` as a NUL-terminated string that lives as long as the
/// program.
pub(crate) fn kind_name(kind: Kind) -> &'static CStr {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        Kind::ALL
            .iter()
            .map(|k| CString::new(k.name()).expect("kind names hold no NUL"))
            .collect()
    });
    let at = Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
    &names[at]
}

/// Appends the closed items among a call's item events to `items`.
fn push_items(items: &mut Vec<Item>, events: &[ItemEvent]) {
    items.extend(events.iter().filter_map(|event| match event {
        ItemEvent::Done { path, index, json } => Some(Item {
            json: CText::from(json.as_str()),
            path: CText::from(path.as_str()),
            index: *index,
        }),
        _ => None,
    }));
}

/// `<message> at line L column C (byte B)`, as the `structream` CLI prints
/// a parse error.
fn describe(e: &Error) -> String {
    format!("{e} (byte {})", e.offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: Option<&CText>) -> Option<&str> {
        t.map(CText::as_str)
    }

    #[test]
    fn snapshots_items_and_completion() {
        let mut h = Handle::new();
        assert_eq!(h.add_items("/users"), 0);
        assert_eq!(h.feed(br#"{"users": [{"name": "Ja"#), 1);
        assert_eq!(text(h.snapshot()), Some(r#"{"users":[{"name":"Ja"}]}"#));
        assert_eq!(h.feed(b"ne\"}, 4"), 1);
        let items: Vec<_> = h.items().iter().map(|i| i.json.as_str()).collect();
        assert_eq!(items, [r#"{"name":"Jane"}"#]);
        assert_eq!(h.items()[0].path.as_str(), "/users");
        assert_eq!(h.feed(b"5"), 0); // 45 may still grow
        assert!(h.items().is_empty());
        assert_eq!(h.feed(b" "), 1);
        assert_eq!(h.items()[0].json.as_str(), "45");
        assert_eq!(h.items()[0].index, 1);
        assert_eq!(h.feed(b" "), 0);
        assert!(h.items().is_empty());
        assert!(!h.is_complete());
        // Snapshots close what is open: the closers change nothing visible.
        assert_eq!(h.feed(b"]}"), 0);
        assert!(h.items().is_empty());
        assert!(h.is_complete());
        assert_eq!(h.finish(), 1);
        assert_eq!(h.finish(), 1);
        assert_eq!(h.error(), None);
        assert_eq!(h.feed(b"1"), FAILED);
        assert_eq!(
            text(h.error()),
            Some("feed: the input was already finished")
        );
    }

    #[test]
    fn errors_are_worded_as_the_cli_words_them_and_stick() {
        let mut h = Handle::new();
        assert_eq!(h.feed(b"[1,\n 2 3]"), FAILED);
        let message = "expected `,` or `]` at line 2 column 4 (byte 7)";
        assert_eq!(text(h.error()), Some(message));
        assert_eq!(h.error_position().map(|e| e.offset()), Some(7));
        assert_eq!(h.feed(b"]"), FAILED);
        assert_eq!(h.finish(), FAILED);
        assert_eq!(text(h.error()), Some(message));
        // The document keeps what it had.
        assert_eq!(text(h.snapshot()), Some("[1,2]"));
    }

    #[test]
    fn an_incomplete_input_says_where_it_ended() {
        let mut h = Handle::new();
        assert_eq!(h.feed(b"{\"a\": \"b"), 1);
        assert_eq!(h.finish(), 0);
        assert_eq!(
            text(h.error()),
            Some("EOF while parsing a string at line 1 column 9 (byte 8)")
        );
        assert_eq!(text(h.snapshot()), Some(r#"{"a":"b"}"#));
    }

    #[test]
    fn options_only_before_the_first_feed() {
        let mut h = Handle::new();
        assert_eq!(h.add_items("users"), FAILED);
        assert!(
            h.error()
                .unwrap()
                .as_str()
                .starts_with("invalid JSON Pointer")
        );
        assert_eq!(h.set_lenient(true), 0);
        assert_eq!(h.add_hold("/type"), 0);
        assert_eq!(h.add_require("/steps/*", "title"), 0);
        assert_eq!(h.set_strings(true), 0);
        assert_eq!(h.set_max_depth(Some(2)), 0);
        assert_eq!(h.feed(b"Sure: ```json\n{\"type\": \"a"), 1);
        assert_eq!(text(h.snapshot()), Some("{}"));
        assert_eq!(h.set_lenient(false), FAILED);
        assert_eq!(
            text(h.error()),
            Some("set_lenient: options must be set before the first feed")
        );
        assert_eq!(h.feed(b""), 0);
        assert_eq!(h.error(), None, "a feed that succeeds ends a usage error");
        assert_eq!(h.feed(b"b\", \"steps\": [{\"x\": \"y\"}, [[1]]"), FAILED);
        assert!(
            h.error()
                .unwrap()
                .as_str()
                .starts_with("recursion limit exceeded")
        );
        assert_eq!(text(h.snapshot()), Some(r#"{"type":"ab","steps":[]}"#));
    }

    #[test]
    fn a_poisoned_handle_refuses_everything() {
        let mut h = Handle::new();
        assert_eq!(h.feed(b"[1, "), 1);
        h.poison("boom");
        assert_eq!(h.feed(b"2]"), FAILED);
        assert_eq!(h.finish(), FAILED);
        assert!(h.snapshot().is_none());
        assert_eq!(text(h.error()), Some("internal error: boom"));
    }
}
