//! Bytes to `&str`: the UTF-8 checks behind every string fragment.
//!
//! The one module of the workspace allowed `unsafe`: a run of ASCII bytes is
//! turned into a `&str` without a second validation pass. Streams arrive in
//! chunks of a few bytes, so most string runs are short, and for those
//! `std::str::from_utf8` costs about 60 instructions a call, mostly fixed
//! overhead: on an LLM-like document fed in token-sized chunks it was 16% of
//! the tokenizer's instructions (`benches/callgrind.sh`, workload
//! `stream-tokenizer`). An inline check for ASCII answers the common case for a
//! few instructions.
#![allow(unsafe_code)]

use std::str::Utf8Error;

/// `bytes` as a `str`: `std::str::from_utf8`, with a fast path for ASCII.
#[inline(always)]
pub(crate) fn run(bytes: &[u8]) -> Result<&str, Utf8Error> {
    // Inline, unlike `<[u8]>::is_ascii`: the runs are short.
    if bytes.iter().fold(0, |any, &b| any | b) < 0x80 {
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is
        // valid UTF-8 (each byte is a character of its own).
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes)
}

/// `bytes[..len]`, already known to be valid UTF-8, as a `str`.
#[inline]
pub(super) fn prefix(bytes: &[u8], len: usize) -> &str {
    run(&bytes[..len]).unwrap_or("")
}

/// A whole chunk's longest valid UTF-8 prefix, and whether what follows it
/// is a character cut by the end of the chunk (rather than invalid bytes).
/// SIMD where the CPU has it (`simdutf8`): on a chunk of many bytes several
/// times faster than `std::str::from_utf8`; on a run of a few bytes slower,
/// which is why [`run`] does not use it. Out of line: callers stay small.
#[inline(never)]
pub(super) fn chunk(input: &[u8]) -> (&str, bool) {
    match simdutf8::compat::from_utf8(input) {
        Ok(all) => (all, false),
        Err(e) => (
            simdutf8::compat::from_utf8(&input[..e.valid_up_to()]).unwrap_or(""),
            e.error_len().is_none(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_agrees_with_std_on_every_byte_at_every_position() {
        for b in 0u8..=255 {
            for pos in 0..10 {
                let mut buf = *b"abcdefghij";
                buf[pos] = b;
                for end in 0..=buf.len() {
                    let bytes = &buf[..end];
                    let ours = run(bytes).map_err(|e| (e.valid_up_to(), e.error_len()));
                    let std =
                        std::str::from_utf8(bytes).map_err(|e| (e.valid_up_to(), e.error_len()));
                    assert_eq!(ours, std, "{b} at {pos}, {end} bytes");
                }
            }
        }
        assert_eq!(run("é東😀".as_bytes()), Ok("é東😀"));
    }

    #[test]
    fn chunk_finds_the_valid_prefix_and_the_cut() {
        assert_eq!(chunk(b"ab\xc3\xa9"), ("ab\u{e9}", false));
        assert_eq!(chunk(b"ab\xe6\x9d"), ("ab", true));
        assert_eq!(chunk(b"ab\xff cd"), ("ab", false));
        let long = [&b"x"[..]; 100].concat();
        assert_eq!(chunk(&[&long[..], b"\xf0\x9f"].concat()).0.len(), 100);
    }
}
