//! structream-provider (work in progress).
