//! Inputs found by the fuzz targets (`fuzz/`), as named regression tests.

use structream_parser::{Error, ErrorKind, Tokenizer};

/// Feeds `bytes` cut at `cuts`, then finishes; the first error.
fn verdict(bytes: &[u8], cuts: &[usize]) -> Result<(), Error> {
    let mut tok = Tokenizer::new();
    let mut prev = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        tok.feed_with(&bytes[prev..cut], |_| {})?;
        prev = cut;
    }
    tok.finish_with(|_| {})
}

/// `split_equivalence`: a UTF-8 lead byte at the end of a chunk was
/// completed byte by byte, each next byte checked only for being a
/// continuation byte. `F0 87` is not the start of any character (after
/// `F0` the next byte is 90..BF), so whole it was invalid UTF-8 at the lead
/// while cut between the two bytes it passed and the input ended "inside
/// the string". Every byte is now checked as the whole input checks it.
#[test]
fn utf8_lead_cut_from_an_invalid_second_byte_is_invalid_at_the_lead() {
    for bytes in [
        &b"[\"ab\xF0\x87"[..],
        b"[\"ab\xF0\x87\x80\x80\"]",
        b"[\"ab\xE0\x80\x80\"]",     // overlong
        b"[\"ab\xED\xA0\x80\"]",     // a surrogate
        b"[\"ab\xF4\x90\x80\x80\"]", // above U+10FFFF
    ] {
        let whole = verdict(bytes, &[]).unwrap_err();
        assert_eq!(whole.kind(), ErrorKind::InvalidUtf8, "{bytes:?}");
        assert_eq!(whole.offset(), 4);
        for cut in 1..bytes.len() {
            assert_eq!(
                verdict(bytes, &[cut]).unwrap_err(),
                whole,
                "{bytes:?} cut at {cut}"
            );
        }
    }
    // Valid characters cut anywhere still pass.
    let ok = "[\"a\u{10000}\u{FFFF}\u{800}é\"]".as_bytes();
    for cut in 1..ok.len() {
        verdict(ok, &[cut]).unwrap();
    }
}
