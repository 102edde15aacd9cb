//! structream (work in progress).
