//! The native half of the `structream` Node.js package.
//!
//! One `NativeDocument` (`document.rs`) per stream wraps a
//! [`Document`](structream_parser::document::Document) with deltas on. Each
//! call returns its results as one string of records (see `records.rs`),
//! which the package's JavaScript (`lib/`) applies to a plain JavaScript
//! value: containers are created once and grown in place, so reading the
//! value after every chunk costs what the chunk changed. The JavaScript
//! half is the public API; this class is internal to the package.

#![deny(missing_docs)]

mod document;
mod options;
mod records;
