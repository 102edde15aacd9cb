//! No panic crosses the C boundary: each call runs inside `catch_unwind`,
//! and a panic becomes the call's failure value plus an error message.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::handle::Handle;

/// Runs `f` on `handle`; when it panics, the handle is poisoned (every
/// later call fails, with the panic's message as the error) and `fallback`
/// is returned.
pub(crate) fn on_handle<R>(
    handle: &mut Handle,
    fallback: R,
    f: impl FnOnce(&mut Handle) -> R,
) -> R {
    // `AssertUnwindSafe`: a handle that saw a panic is poisoned below, so no
    // later call reads the state the panic may have left half updated.
    match catch_unwind(AssertUnwindSafe(|| f(handle))) {
        Ok(r) => r,
        Err(payload) => {
            handle.poison(panic_message(payload.as_ref()));
            fallback
        }
    }
}

/// Runs `f`, which reads but does not change anything; a panic returns
/// `fallback`.
pub(crate) fn reading<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    // `AssertUnwindSafe`: `f` changes nothing, so nothing is left half done.
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// The text of a panic's payload (`panic!` with a message gives a `&str`
/// or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "a panic without a message"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_fallback_and_poisons_the_handle() {
        let mut h = Handle::new();
        assert_eq!(h.feed(b"[1, "), 1);
        let r = on_handle(&mut h, -1, |_| -> i32 { panic!("oops {}", 42) });
        assert_eq!(r, -1);
        assert_eq!(h.feed(b"2]"), -1);
        assert_eq!(h.error().unwrap().as_str(), "internal error: oops 42");
        assert_eq!(on_handle(&mut h, -1, |h| h.finish()), -1);
        assert_eq!(reading(7, || -> i32 { panic!("static") }), 7);
        assert_eq!(reading(7, || 8), 8);
    }
}
