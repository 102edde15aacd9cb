//! Cross-crate tests of structream: recorded provider streams through the
//! provider decoders and the partial-document layer together. The tests are
//! in `tests/`; the test data in `corpora/`, each set with its SOURCE.md.
