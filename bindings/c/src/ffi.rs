//! The exported functions: argument checks, pointer conversions and the
//! panic guard around each [`Handle`] call. The header is generated from
//! this file, so each doc comment here is the C documentation.

use std::ffi::{CStr, c_char, c_int};
use std::ptr;

use structream_parser::document::NodeState;

use crate::guard;
use crate::handle::{FAILED, Handle, Item, kind_name};
use crate::text::CText;

/// Strings show from their opening quote, growing as they stream (the
/// default); see `structream_document_set_strings`.
pub const STRUCTREAM_STRINGS_TRAILING: c_int = 0;
/// Strings show only once their closing quote has been read.
pub const STRUCTREAM_STRINGS_COMPLETE: c_int = 1;

/// Node state: begun in the input but not shown yet (held back, hidden, or
/// nothing fed yet).
pub const STRUCTREAM_STATE_PENDING: c_int = 0;
/// Node state: shown, and still growing.
pub const STRUCTREAM_STATE_INCOMPLETE: c_int = 1;
/// Node state: shown and complete.
pub const STRUCTREAM_STATE_COMPLETE: c_int = 2;

/// One JSON value streaming in: feed it bytes in chunks of any size, split
/// anywhere, and read the visible partial value and the items that closed.
///
/// A document is used by one thread at a time (different documents may be
/// used on different threads at once). Every function accepts NULL for the
/// document: it returns -1 (or NULL, or 0 for counts) and
/// `structream_document_error(NULL, &len)` says the document is NULL.
#[allow(non_camel_case_types)] // the C name of the type
pub struct structream_document {
    handle: Handle,
}

/// The error text of calls made with a NULL document.
const NULL_DOCUMENT: &CStr = c"the document is NULL";

/// The library's version, e.g. "0.1.0" (a static NUL-terminated string).
#[unsafe(no_mangle)]
pub extern "C" fn structream_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => panic!("the version has no NUL inside"),
        };
    VERSION.as_ptr()
}

/// A new document with the default options: strict JSON, strings shown as
/// they grow, nesting limited to 128 levels, no item paths. Free it with
/// `structream_document_free`. (Running out of memory aborts the process,
/// here as anywhere in Rust, rather than returning NULL.)
#[unsafe(no_mangle)]
pub extern "C" fn structream_document_new() -> *mut structream_document {
    guard::reading(ptr::null_mut(), || {
        Box::into_raw(Box::new(structream_document {
            handle: Handle::new(),
        }))
    })
}

/// Frees a document and every string it handed out. NULL is fine.
///
/// # Safety
/// `doc` is NULL or a document from `structream_document_new` not freed
/// yet; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_free(doc: *mut structream_document) {
    if doc.is_null() {
        return;
    }
    // SAFETY: the caller hands back a pointer from `Box::into_raw` in
    // `structream_document_new`, not freed yet and no longer used.
    let doc = unsafe { Box::from_raw(doc) };
    guard::reading((), move || drop(doc));
}

/// Reports the items of the arrays at `pointer` (a JSON Pointer where `*`
/// matches any index or key: "" for a root array, "/users",
/// "/sections/*/bullets"), see `structream_document_item`. May be called
/// several times, before the first feed.
///
/// Returns 0, or -1 for a NULL or invalid pattern or a call after the first
/// feed (the document is unchanged and usable).
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call; `pointer` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_add_items(
    doc: *mut structream_document,
    pointer: *const c_char,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    // SAFETY: `pointer` is NULL or a NUL-terminated string, as promised.
    let pointer = unsafe { c_str(pointer) };
    with_pointer(doc, pointer, "add_items", Handle::add_items)
}

/// Holds the values at `pointer` (a pattern as in
/// `structream_document_add_items`) back until they are complete: an
/// enum-like tag shows whole or not at all. Before the first feed.
///
/// Returns 0, or -1 as `structream_document_add_items` does.
///
/// # Safety
/// As `structream_document_add_items`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_add_hold(
    doc: *mut structream_document,
    pointer: *const c_char,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    // SAFETY: `pointer` is NULL or a NUL-terminated string, as promised.
    let pointer = unsafe { c_str(pointer) };
    with_pointer(doc, pointer, "add_hold", Handle::add_hold)
}

/// Hides the objects at `pointer` (a pattern as in
/// `structream_document_add_items`) until their member `key` has a
/// non-null value. Before the first feed.
///
/// Returns 0, or -1 as `structream_document_add_items` does (or for a NULL
/// or non-UTF-8 `key`).
///
/// # Safety
/// As `structream_document_add_items`; `key` is NULL or a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_add_require(
    doc: *mut structream_document,
    pointer: *const c_char,
    key: *const c_char,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    // SAFETY: `pointer` is NULL or a NUL-terminated string, as promised.
    let pointer = unsafe { c_str(pointer) };
    // SAFETY: `key` is NULL or a NUL-terminated string, as promised.
    let key = unsafe { c_str(key) };
    with_pointer(doc, pointer, "add_require", |h, p| match key {
        Ok(k) => h.add_require(p, k),
        Err(why) => h.fail(&format!("add_require: key {why}")),
    })
}

/// Lenient input (`on` non-zero): the value is found in prose, markdown code
/// fences and <think> blocks, and text after it is ignored. Before the
/// first feed.
///
/// Returns 0, or -1 after the first feed.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_set_lenient(
    doc: *mut structream_document,
    on: c_int,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    on_mut(doc, FAILED, |h| h.set_lenient(on != 0))
}

/// When strings show: `STRUCTREAM_STRINGS_TRAILING` (growing, the default)
/// or `STRUCTREAM_STRINGS_COMPLETE` (once closed). Before the first feed.
///
/// Returns 0, or -1 for another mode or after the first feed.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_set_strings(
    doc: *mut structream_document,
    mode: c_int,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    on_mut(doc, FAILED, |h| match mode {
        STRUCTREAM_STRINGS_TRAILING => h.set_strings(false),
        STRUCTREAM_STRINGS_COMPLETE => h.set_strings(true),
        other => h.fail(&format!("set_strings: unknown mode {other}")),
    })
}

/// The deepest nesting of arrays and objects accepted (128 by default);
/// 0 lifts the limit. Deeper input fails with "recursion limit exceeded".
/// Before the first feed.
///
/// Returns 0, or -1 after the first feed.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_set_max_depth(
    doc: *mut structream_document,
    depth: usize,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    on_mut(doc, FAILED, |h| {
        h.set_max_depth((depth != 0).then_some(depth))
    })
}

/// Repairs what models write that is almost JSON, in the same single pass
/// and the same at every chunking: `kinds` is `"all"`, or repair kind names
/// separated by commas (`"trailing-comma,single-quotes"`: unescaped-quote,
/// control-character, number, single-quotes, unquoted-key,
/// unquoted-string, comment, literal, tuple, trailing-comma, missing-comma,
/// missing-colon, placeholder, bracket, curly-quotes, premature-close), or
/// `""` for none (the default). Valid JSON reads the same; each repair is
/// listed by `structream_document_repair`. Before the first feed.
///
/// Returns 0, or -1 for a NULL or non-UTF-8 `kinds`, an unknown kind (the
/// error lists the known ones) or a call after the first feed.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call; `kinds` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_set_repair(
    doc: *mut structream_document,
    kinds: *const c_char,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    // SAFETY: `kinds` is NULL or a NUL-terminated string, as promised.
    let kinds = unsafe { c_str(kinds) };
    on_mut(doc, FAILED, |h| match kinds {
        Ok(k) => h.set_repair(k),
        Err(why) => h.fail(&format!("set_repair: kinds {why}")),
    })
}

/// Feeds the next `len` bytes of input (any split: inside a string, an
/// escape, a UTF-8 character, a number). Empty chunks are fine (`data` may
/// then be NULL).
///
/// Returns 1 when the visible value changed, 0 when it did not, -1 when the
/// input is invalid or hit a limit (the error says where; the snapshot keeps
/// the value read before it, and every later feed or finish returns -1), or
/// after `structream_document_finish`.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call; `data` points to `len` readable bytes (or `len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_feed(
    doc: *mut structream_document,
    data: *const u8,
    len: usize,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    on_mut(doc, FAILED, |h| {
        if len == 0 {
            return h.feed(&[]);
        }
        if data.is_null() {
            return h.fail(&format!("feed: data is NULL but len is {len}"));
        }
        // SAFETY: the caller promises `len` readable bytes at `data`, which
        // is not NULL; they are only read during this call.
        let chunk = unsafe { std::slice::from_raw_parts(data, len) };
        h.feed(chunk)
    })
}

/// Ends the input.
///
/// Returns 1 when the value is complete, 0 when the input ended inside the
/// value or before one (the snapshot is the best partial value, and the
/// error says where the input ended), -1 when the input is invalid. Calling
/// it again returns the same.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_finish(doc: *mut structream_document) -> c_int {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    on_mut(doc, FAILED, Handle::finish)
}

/// The visible value as compact JSON (keys in input order, numbers as
/// written, open strings and containers closed), or NULL before any of it
/// shows. `*len` (when `len` is not NULL) gets its length in bytes, 0 with
/// NULL; a NUL follows the text. Valid until the next snapshot, feed, finish
/// or free on this document.
///
/// # Safety
/// `doc` is NULL or a live document not used by another thread during the
/// call; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_snapshot(
    doc: *mut structream_document,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: `doc` is NULL or live and unshared, as the caller promises.
    let doc = unsafe { doc.as_mut() };
    let text = on_mut(doc, None, |h| h.snapshot().map(text_parts));
    // SAFETY: `len` is NULL or writable, as the caller promises.
    unsafe { give(text, len) }
}

/// How many items of the arrays chosen with `structream_document_add_items`
/// closed during the last feed or finish; a feed that fails keeps the items
/// its chunk closed before the error.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_item_count(doc: *const structream_document) -> usize {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    on_ref(doc, 0, |h| h.items().len())
}

/// Item `i` of those closed during the last feed or finish, as compact JSON
/// (of a repeated key only the last value), or NULL when `i` is out of
/// range. `*len` and the lifetime as for `structream_document_snapshot`,
/// except that it stays valid until the next feed, finish or free.
///
/// # Safety
/// As `structream_document_snapshot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_item(
    doc: *mut structream_document,
    i: usize,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: as the caller promises.
    unsafe { item_text(doc, i, len, |item| &item.json) }
}

/// The JSON Pointer of the array of item `i` (e.g. "/users"), or NULL when
/// `i` is out of range. `*len` and the lifetime as for
/// `structream_document_item`.
///
/// # Safety
/// As `structream_document_snapshot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_item_path(
    doc: *const structream_document,
    i: usize,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: as the caller promises.
    unsafe { item_text(doc, i, len, |item| &item.path) }
}

/// Writes the index of item `i` in its array to `*index`.
///
/// Returns 0, or -1 when `i` is out of range or `index` is NULL.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call; `index` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_item_index(
    doc: *const structream_document,
    i: usize,
    index: *mut usize,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    let found = on_ref(doc, None, |h| h.items().get(i).map(|it| it.index));
    match found {
        Some(at) if !index.is_null() => {
            // SAFETY: the caller promises `index` is writable; it is not NULL.
            unsafe { index.write(at) };
            0
        }
        _ => FAILED,
    }
}

/// How many repairs were made so far (see `structream_document_set_repair`),
/// over every feed and finish, a failed one included.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_repair_count(
    doc: *const structream_document,
) -> usize {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    on_ref(doc, 0, |h| h.repairs().len())
}

/// Repair `i` of those made so far, in input order: the name of its kind
/// (`"trailing-comma"`, a NUL-terminated string that lives as long as the
/// program), with the byte offset where it was made written to `*offset`
/// when `offset` is not NULL. NULL when `i` is out of range.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call; `offset` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_repair(
    doc: *const structream_document,
    i: usize,
    offset: *mut u64,
) -> *const c_char {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    let Some(repair) = on_ref(doc, None, |h| h.repairs().get(i).copied()) else {
        return ptr::null();
    };
    if !offset.is_null() {
        // SAFETY: the caller promises `offset` is writable; it is not NULL.
        unsafe { offset.write(repair.offset()) };
    }
    kind_name(repair.kind()).as_ptr()
}

/// The message of the last failed call, `"<message> at line L column C
/// (byte B)"` for invalid input as the `structream` command-line tool prints
/// it; after `structream_document_finish` returned 0, where the input ended;
/// NULL when nothing failed. The message of a wrong argument (a bad pattern,
/// a late option) lasts until a feed or finish succeeds; that of invalid
/// input stays. With a NULL document, a message saying so. `*len` as for
/// `structream_document_snapshot`; valid until the next feed, finish, call
/// that fails, or free.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call; `len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_error(
    doc: *const structream_document,
    len: *mut usize,
) -> *const c_char {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let text = match unsafe { doc.as_ref() } {
        None => Some((NULL_DOCUMENT.as_ptr(), NULL_DOCUMENT.count_bytes())),
        doc => on_ref(doc, None, |h| h.error().map(text_parts)),
    };
    // SAFETY: `len` is NULL or writable, as the caller promises.
    unsafe { give(text, len) }
}

/// The input position of the error given by `structream_document_error`
/// when the input was at fault: the 0-based byte offset, and the 1-based
/// line and column (in bytes). Any of the three pointers may be NULL.
///
/// Returns 1 when there is such a position, 0 when not (no error, or an
/// error of usage), -1 for a NULL document.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call; each pointer is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_error_position(
    doc: *const structream_document,
    byte: *mut u64,
    line: *mut u64,
    column: *mut u64,
) -> c_int {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    let position = on_ref(doc, Err(()), |h| Ok(h.error_position()));
    match position {
        Err(()) => FAILED,
        Ok(None) => 0,
        Ok(Some(e)) => {
            for (out, value) in [(byte, e.offset()), (line, e.line()), (column, e.column())] {
                if !out.is_null() {
                    // SAFETY: the caller promises each non-NULL pointer is
                    // writable.
                    unsafe { out.write(value) };
                }
            }
            1
        }
    }
}

/// Returns 1 when the whole value has been read, 0 when not, -1 for a NULL
/// document.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_is_complete(doc: *const structream_document) -> c_int {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    on_ref(doc, FAILED, |h| c_int::from(h.is_complete()))
}

/// The state of the node at JSON Pointer `pointer` ("" for the root,
/// "/users/0"): `STRUCTREAM_STATE_PENDING`, `STRUCTREAM_STATE_INCOMPLETE` or
/// `STRUCTREAM_STATE_COMPLETE` (a node read and closed, or a path not on the
/// open part of the value), or -1 for a NULL document or pointer or one
/// that is not UTF-8.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during
/// the call; `pointer` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn structream_document_state(
    doc: *const structream_document,
    pointer: *const c_char,
) -> c_int {
    // SAFETY: `pointer` is NULL or a NUL-terminated string, as promised.
    let Ok(pointer) = (unsafe { c_str(pointer) }) else {
        return FAILED;
    };
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    on_ref(doc, FAILED, |h| match h.state(pointer) {
        NodeState::Pending => STRUCTREAM_STATE_PENDING,
        NodeState::Incomplete => STRUCTREAM_STATE_INCOMPLETE,
        NodeState::Complete => STRUCTREAM_STATE_COMPLETE,
        // A state added later reads as one that may still change.
        _ => STRUCTREAM_STATE_INCOMPLETE,
    })
}

// ---- helpers ----

/// Runs `f` on the handle of `doc`, guarded against panics; a NULL
/// document gives `fallback`.
fn on_mut<R>(
    doc: Option<&mut structream_document>,
    fallback: R,
    f: impl FnOnce(&mut Handle) -> R,
) -> R {
    match doc {
        Some(doc) => guard::on_handle(&mut doc.handle, fallback, f),
        None => fallback,
    }
}

/// Runs `f`, which only reads, on the handle of `doc`, guarded against
/// panics; a NULL document gives `fallback`.
fn on_ref<R>(doc: Option<&structream_document>, fallback: R, f: impl FnOnce(&Handle) -> R) -> R {
    match doc {
        Some(doc) => guard::reading(fallback, || f(&doc.handle)),
        None => fallback,
    }
}

/// Runs `f` with the pattern `pointer`; a NULL or non-UTF-8 one is a
/// failure of `what`.
fn with_pointer(
    doc: Option<&mut structream_document>,
    pointer: Result<&str, &'static str>,
    what: &str,
    f: impl FnOnce(&mut Handle, &str) -> c_int,
) -> c_int {
    on_mut(doc, FAILED, |h| match pointer {
        Ok(p) => f(h, p),
        Err(why) => h.fail(&format!("{what}: pointer {why}")),
    })
}

/// A NUL-terminated C string as UTF-8, or why it is not one.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string that outlives the returned `&str`.
unsafe fn c_str<'a>(s: *const c_char) -> Result<&'a str, &'static str> {
    if s.is_null() {
        return Err("is NULL");
    }
    // SAFETY: the caller promises a NUL-terminated string that lives as long
    // as the result; it is not NULL.
    let s = unsafe { CStr::from_ptr(s) };
    s.to_str().map_err(|_| "is not valid UTF-8")
}

/// Hands out a text of item `i` (its JSON, or its array's path), as
/// [`give`] does; NULL when there is no such item.
///
/// # Safety
/// `doc` is NULL or a live document not changed by another thread during the
/// call; `len` is NULL or writable.
unsafe fn item_text(
    doc: *const structream_document,
    i: usize,
    len: *mut usize,
    field: fn(&Item) -> &CText,
) -> *const c_char {
    // SAFETY: `doc` is NULL or live and unchanged, as the caller promises.
    let doc = unsafe { doc.as_ref() };
    let text = on_ref(doc, None, |h| {
        h.items().get(i).map(|it| text_parts(field(it)))
    });
    // SAFETY: `len` is NULL or writable, as the caller promises.
    unsafe { give(text, len) }
}

/// A text's pointer and length.
fn text_parts(text: &CText) -> (*const c_char, usize) {
    (text.as_ptr(), text.len())
}

/// Hands a text out: returns its pointer (NULL for `None`) after writing its
/// length (0 for `None`) to `len` unless `len` is NULL.
///
/// # Safety
/// `len` is NULL or writable.
unsafe fn give(text: Option<(*const c_char, usize)>, len: *mut usize) -> *const c_char {
    let (ptr, n) = text.unwrap_or((ptr::null(), 0));
    if !len.is_null() {
        // SAFETY: the caller promises `len` is writable; it is not NULL.
        unsafe { len.write(n) };
    }
    ptr
}
