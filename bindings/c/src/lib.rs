//! The C ABI of `structream-parser`: `libstructream.a` and
//! `libstructream.so`, declared by `include/structream.h` (generated from
//! this crate by cbindgen; a test fails when the committed header is out of
//! date).
//!
//! One `structream_document` per stream: set its options, feed it bytes in
//! chunks split anywhere, read the visible partial value as compact JSON
//! after each feed, and the items of chosen arrays as they close. Work per
//! chunk follows the chunk, not the document; reading a snapshot writes out
//! the visible value.
//!
//! ```c
//! structream_document *doc = structream_document_new();
//! structream_document_add_items(doc, "/steps");
//! while ((n = read(fd, buf, sizeof buf)) > 0) {
//!     if (structream_document_feed(doc, buf, n) < 0) break;
//!     size_t len;
//!     const char *json = structream_document_snapshot(doc, &len);
//!     for (size_t i = 0; i < structream_document_item_count(doc); i++)
//!         puts(structream_document_item(doc, i, &len));
//! }
//! if (structream_document_finish(doc) < 0)
//!     fprintf(stderr, "%s\n", structream_document_error(doc, NULL));
//! structream_document_free(doc);
//! ```
//!
//! No panic crosses the boundary: each call catches one, and turns it into
//! its failure value and an error message.

// The one crate of the workspace where `unsafe` is allowed: a C ABI takes
// raw pointers. Every block says why it is sound (`// SAFETY:`, enforced by
// the workspace's clippy lints); they all live in `ffi`.
#![allow(unsafe_code)]
#![deny(missing_docs)]

mod ffi;
mod guard;
mod handle;
#[cfg(test)]
mod overhead;
mod text;

pub use ffi::*;
