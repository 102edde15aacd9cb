//! structream-anthropic (work in progress).
