//! Zero-copy, resumable push JSON tokenizer.
