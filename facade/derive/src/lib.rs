//! structream-derive (work in progress).
