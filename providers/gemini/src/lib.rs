//! structream-gemini (work in progress).
