//! The document class JavaScript drives: feed, finish, and the questions
//! asked of the value (its JSON, a node's state).

use napi::Result;
use napi::bindgen_prelude::BufferSlice;
use napi_derive::napi;
use structream_parser::Error;
use structream_parser::document::{Document, NodeState, Outcome};

use crate::options::NativeOptions;
use crate::records::Records;

/// Where a document is in its life.
#[derive(Debug)]
enum Phase {
    /// Taking input.
    Open,
    /// The input was invalid: every later call gets this error again.
    Failed(Error),
    /// `finish` was called; its records are answered again.
    Finished(String),
}

/// One stream's partial document (internal to the package: see `lib/`).
#[napi]
#[derive(Debug)]
pub struct NativeDocument {
    doc: Document,
    records: Records,
    phase: Phase,
}

#[napi]
impl NativeDocument {
    /// A document with the given options; throws on an invalid option.
    #[napi(constructor)]
    pub fn new(options: NativeOptions) -> Result<Self> {
        Ok(NativeDocument {
            doc: Document::with_options(options.to_options()?),
            records: Records::default(),
            phase: Phase::Open,
        })
    }

    /// Feeds bytes (a `Buffer` or `Uint8Array`); returns the records of what
    /// changed (empty when nothing did).
    #[napi]
    pub fn feed_bytes(&mut self, chunk: BufferSlice<'_>) -> String {
        self.feed(&chunk)
    }

    /// Feeds text; returns the records of what changed.
    #[napi]
    pub fn feed_text(&mut self, chunk: String) -> String {
        self.feed(chunk.as_bytes())
    }

    /// Signals the end of input; returns the records of the last changes and
    /// of how the input ended (`c`, `x` or `e`).
    #[napi]
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        match &self.phase {
            Phase::Failed(error) => {
                self.records.error('e', error, &mut out);
                return out;
            }
            Phase::Finished(records) => return records.clone(),
            Phase::Open => {}
        }
        match self.doc.finish() {
            Ok(changes) => {
                self.records.changes(&changes, &mut out);
                match changes.outcome() {
                    Some(Outcome::Incomplete(error)) => self.records.error('x', &error, &mut out),
                    _ => out.push('c'),
                }
                self.phase = Phase::Finished(out.clone());
            }
            Err(error) => self.fail(error, &mut out),
        }
        out
    }

    /// The visible value as compact JSON, or `undefined` before any shows.
    #[napi]
    pub fn json(&self) -> Option<String> {
        self.doc.snapshot().map(|s| s.to_json())
    }

    /// The completion state the document gives the node at `pointer`:
    /// 0 pending, 1 incomplete, 2 complete.
    #[napi]
    pub fn state(&self, pointer: String) -> u32 {
        match self.doc.state_at(&pointer) {
            NodeState::Pending => 0,
            NodeState::Incomplete => 1,
            NodeState::Complete => 2,
            // A state added later reads as one that may still change.
            _ => 1,
        }
    }

    /// Whether the whole value has been read.
    #[napi(getter)]
    pub fn complete(&self) -> bool {
        self.doc.is_complete()
    }

    /// Bytes consumed so far.
    #[napi(getter)]
    pub fn offset(&self) -> f64 {
        self.doc.offset() as f64
    }

    fn feed(&mut self, chunk: &[u8]) -> String {
        let mut out = String::new();
        match &self.phase {
            Phase::Open => {}
            Phase::Failed(error) => {
                self.records.error('e', error, &mut out);
                return out;
            }
            Phase::Finished(_) => {
                // `lib/` refuses input after finish before it gets here.
                return out;
            }
        }
        match self.doc.feed(chunk) {
            Ok(changes) => self.records.changes(&changes, &mut out),
            Err(error) => self.fail(error, &mut out),
        }
        out
    }

    /// Records what the valid part of the failed chunk changed (its deltas
    /// and closed items, which the document keeps for the failed call),
    /// then the error.
    fn fail(&mut self, error: Error, out: &mut String) {
        self.records.changes(&self.doc.changes(), out);
        self.records.error('e', &error, out);
        self.phase = Phase::Failed(error);
    }
}
