//! Byte scanning for the hot loops: word-at-a-time search for the end of a
//! plain string run, and whitespace skipping.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in every byte of `word` equal to `byte`. Bits above the
/// lowest true match may be false positives (borrows propagate upwards);
/// callers only look at the lowest set bit.
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (LO * u64::from(byte));
    x.wrapping_sub(LO) & !x & HI
}

/// High bit set in every byte of `word` below `n` (`n <= 128`), with the
/// same caveat as [`bytes_equal`].
#[inline(always)]
fn bytes_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(LO * u64::from(n)) & !word & HI
}

/// The character a one-letter escape (`\"`, `\\`, `\/`, `\b`, `\f`,
/// `\n`, `\r`, `\t`) stands for, given the byte after the backslash;
/// `None` for `u` and for any byte JSON does not allow there.
#[inline]
pub fn simple_escape(b: u8) -> Option<char> {
    Some(match b {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// Index of the first byte at or after `from` that ends a plain string run:
/// `"`, `\` or a control character; `bytes.len()` if there is none.
/// Bytes of 0x80 and above are part of the run (UTF-8 is checked apart).
/// A word at a time: for the runs of streamed chunks, a few bytes long.
#[inline]
pub fn string_run_end(bytes: &[u8], from: usize) -> usize {
    words_run_end::<{ usize::MAX }>(bytes, from)
}

/// [`string_run_end`] for whole texts whose strings may be long (an opaque
/// token, a page of prose): four words as [`string_run_end`] looks at
/// them, then 32 bytes at a time with vector instructions.
#[inline]
pub fn long_string_run_end(bytes: &[u8], from: usize) -> usize {
    words_run_end::<4>(bytes, from)
}

/// [`string_run_end`] a word at a time; after `WORDS` words without a
/// stop (`usize::MAX`: no limit), [`long_run_end`] goes on.
#[inline(always)]
fn words_run_end<const WORDS: usize>(bytes: &[u8], from: usize) -> usize {
    let rest = &bytes[from..];
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    let mut left = WORDS;
    for word in &mut words {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let w = u64::from_le_bytes(le);
        let hits = bytes_equal(w, b'"') | bytes_equal(w, b'\\') | bytes_below(w, 0x20);
        if hits != 0 {
            return at + (hits.trailing_zeros() / 8) as usize;
        }
        at += 8;
        // Without a limit (a constant), no count.
        if WORDS != usize::MAX {
            left -= 1;
            if left == 0 {
                return long_run_end(bytes, at);
            }
        }
    }
    // The last seven bytes or fewer (all of a short fragment's): one table
    // lookup a byte rather than three comparisons.
    for &b in words.remainder() {
        if ENDS_RUN[usize::from(b)] {
            return at;
        }
        at += 1;
    }
    at
}

/// [`long_string_run_end`] for a run already known to be long: skips
/// [`BLOCK`]-byte blocks without a stop, tested branch-free so that the
/// compiler uses vector instructions, then finds the stop a word at a time.
#[inline(never)]
fn long_run_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(block) = bytes.get(at..at + BLOCK) {
        // Sixteen lanes (the shape of a vector register), each zero
        // exactly where a byte of its column is a stop.
        let (mut low, mut high) = ([0u8; 16], [0u8; 16]);
        low.copy_from_slice(&block[..16]);
        high.copy_from_slice(&block[16..]);
        let mut lanes = [0u8; 16];
        for i in 0..16 {
            lanes[i] = stop_distance(low[i]).min(stop_distance(high[i]));
        }
        let lanes = u128::from_le_bytes(lanes);
        if has_zero_byte(lanes as u64) | has_zero_byte((lanes >> 64) as u64) {
            break;
        }
        at += BLOCK;
    }
    words_run_end::<{ usize::MAX }>(bytes, at)
}

/// Zero exactly when `b` ends a plain string run: the least of `b` xor
/// `"`, `b` xor `\\` and `b` less 0x1f (saturating), operations a vector
/// register has for sixteen bytes at once.
#[inline(always)]
fn stop_distance(b: u8) -> u8 {
    (b ^ b'"').min(b ^ b'\\').min(b.saturating_sub(0x1f))
}

/// Whether a byte of `word` is zero (exact: no false positives when the
/// answer is no).
#[inline(always)]
fn has_zero_byte(word: u64) -> bool {
    word.wrapping_sub(LO) & !word & HI != 0
}

/// The block [`long_run_end`] tests at once.
const BLOCK: usize = 32;

/// The bytes that end a plain string run: `"`, `\` and control characters.
static ENDS_RUN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Index of the first byte at or after `from` that is not an ASCII digit
/// (`bytes.len()` if there is none), eight bytes at a time.
#[inline(always)]
pub(super) fn digits_end(bytes: &[u8], mut from: usize) -> usize {
    while let Some(word) = bytes.get(from..from + 8) {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        // A digit is a byte whose value minus b'0' is below 10. High bit of
        // each byte of `x` at or above 10 (exact: the sum cannot carry into
        // the next byte, and bytes of 0x80 or more keep their high bit).
        let x = u64::from_le_bytes(le) ^ (LO * u64::from(b'0'));
        let other = (((x & !HI) + LO * (0x80 - 10)) | x) & HI;
        if other != 0 {
            return from + (other.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while bytes.get(from).is_some_and(u8::is_ascii_digit) {
        from += 1;
    }
    from
}

/// Index of the first byte at or after `from` that is not a space
/// (`bytes.len()` if there is none): the indentation after a line break,
/// eight bytes at a time.
#[inline]
pub(super) fn skip_spaces(bytes: &[u8], mut from: usize) -> usize {
    const SPACES: u64 = LO * b' ' as u64;
    while let Some(word) = bytes.get(from..from + 8) {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let x = u64::from_le_bytes(le) ^ SPACES;
        if x != 0 {
            return from + (x.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while bytes.get(from) == Some(&b' ') {
        from += 1;
    }
    from
}

/// Whether `b` is JSON whitespace.
#[inline(always)]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(bytes: &[u8], from: usize) -> usize {
        bytes[from..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .map_or(bytes.len(), |p| from + p)
    }

    #[test]
    fn run_end_matches_the_byte_loop_at_every_position_and_byte() {
        // Every byte value at every position of a 20-byte buffer, each start.
        for special in 0u8..=255 {
            for pos in 0..20 {
                let mut buf = [b'a'; 20];
                buf[pos] = special;
                for from in 0..=buf.len() {
                    assert_eq!(
                        string_run_end(&buf, from),
                        slow(&buf, from),
                        "{special} {pos} {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn long_runs_end_where_the_byte_loop_says() {
        // Runs long enough for the block scan, a stop in every block
        // position and in the words after the last whole block.
        for special in [b'"', b'\\', 0, 0x1f, b' ', 0x7f, 0x80, 0xff] {
            for pos in 0..100 {
                let mut buf = [b'a'; 100];
                buf[pos] = special;
                for from in [0, 1, 7, 8, 15, 16, 17, 33] {
                    assert_eq!(
                        long_string_run_end(&buf, from),
                        slow(&buf, from),
                        "{special} {pos} {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn digits_end_matches_the_byte_loop_at_every_position_and_byte() {
        for other in 0u8..=255 {
            for pos in 0..20 {
                let mut buf = [b'7'; 20];
                buf[pos] = other;
                for from in 0..=buf.len() {
                    let slow = buf[from..]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .map_or(buf.len(), |p| from + p);
                    assert_eq!(digits_end(&buf, from), slow, "{other} {pos} {from}");
                }
            }
        }
    }

    #[test]
    fn skip_spaces_stops_at_the_first_other_byte() {
        for len in 0..20 {
            for stop in 0..=len {
                let mut buf = vec![b' '; len];
                if stop < len {
                    buf[stop] = b'\t';
                }
                for from in 0..=len {
                    let want = if from <= stop { stop } else { len };
                    assert_eq!(skip_spaces(&buf, from), want, "{len} {stop} {from}");
                }
            }
        }
    }

    #[test]
    fn run_end_finds_the_first_of_several() {
        let buf = b"abc\x01\"\\defghijklmnop\"";
        assert_eq!(string_run_end(buf, 0), 3);
        assert_eq!(string_run_end(buf, 4), 4);
        assert_eq!(string_run_end(buf, 6), 19);
    }
}
