//! structream-openai (work in progress).
