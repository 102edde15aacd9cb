//! structream-tests (work in progress).
