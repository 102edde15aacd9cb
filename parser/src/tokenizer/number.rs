//! The number grammar as a resumable state machine, one byte a step:
//! `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.

/// Where a number's scan stands after the bytes seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumState {
    /// After `-`.
    Minus,
    /// After a leading `0` (optionally signed).
    Zero,
    /// In the integer digits.
    Int,
    /// After `.`.
    Dot,
    /// In the fraction digits.
    Frac,
    /// After `e` or `E`.
    Exp,
    /// After the exponent's sign.
    ExpSign,
    /// In the exponent digits.
    ExpDigits,
}

/// The outcome of one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The byte belongs to the number.
    Next(NumState),
    /// The byte does not belong to the number, which ended before it
    /// (only possible from a [terminal](NumState::is_terminal) state).
    End,
    /// The byte makes the number invalid.
    Invalid,
}

/// The outcome of [`NumState::scan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan {
    /// The bytes ran out in this state.
    More(NumState),
    /// The number ended in this (terminal) state, before the byte at the
    /// returned index.
    End(NumState),
    /// The byte at the returned index makes the number invalid.
    Invalid,
}

/// The fast path of a number inside one chunk: reads the number starting
/// at `bytes[start]` (its first byte a `-` or a digit) as far as the common
/// form `-?(0|[1-9][0-9]*)(.[0-9]+)?` goes. `Ok(end)` when that form ends
/// at a delimiter (`,`, `]`, `}` or whitespace) at `end`; otherwise the
/// state after `bytes[start..i]` and `i`, for [`NumState::scan`] to go on
/// from (an exponent, the end of the bytes, an invalid byte): no byte is
/// read twice.
#[inline(always)]
pub(super) fn fast(bytes: &[u8], start: usize) -> Result<usize, (NumState, usize)> {
    let mut i = start;
    let mut state = NumState::Minus;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => {
            i += 1;
            state = NumState::Zero;
        }
        Some(b'1'..=b'9') => {
            i = super::scan::digits_end(bytes, i + 1);
            state = NumState::Int;
        }
        _ => return Err((state, i)),
    }
    if bytes.get(i) == Some(&b'.') {
        let end = super::scan::digits_end(bytes, i + 1);
        if end == i + 1 {
            return Err((NumState::Dot, i + 1));
        }
        i = end;
        state = NumState::Frac;
    }
    match bytes.get(i) {
        Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t') => Ok(i),
        _ => Err((state, i)),
    }
}

impl NumState {
    /// The state after a number's first byte, or `None` if it cannot start one.
    #[inline]
    pub(super) fn start(b: u8) -> Option<NumState> {
        match b {
            b'-' => Some(NumState::Minus),
            b'0' => Some(NumState::Zero),
            b'1'..=b'9' => Some(NumState::Int),
            _ => None,
        }
    }

    /// Whether the bytes so far form a complete number.
    #[inline]
    pub(super) fn is_terminal(self) -> bool {
        matches!(
            self,
            NumState::Zero | NumState::Int | NumState::Frac | NumState::ExpDigits
        )
    }

    /// Feeds `bytes[i..]` until the number ends, turns invalid, or the bytes
    /// run out; returns the outcome and the index of the first byte not
    /// consumed. Runs of digits take a tight loop.
    #[inline(always)]
    pub(super) fn scan(mut self, bytes: &[u8], mut i: usize) -> (Scan, usize) {
        loop {
            if matches!(self, NumState::Int | NumState::Frac | NumState::ExpDigits) {
                i = super::scan::digits_end(bytes, i);
            }
            let Some(&b) = bytes.get(i) else {
                return (Scan::More(self), i);
            };
            match self.step(b) {
                Step::Next(s) => self = s,
                Step::End => return (Scan::End(self), i),
                Step::Invalid => return (Scan::Invalid, i),
            }
            i += 1;
        }
    }

    /// Feeds one byte.
    #[inline]
    pub(super) fn step(self, b: u8) -> Step {
        use NumState::*;
        let digit = b.is_ascii_digit();
        match self {
            Minus => match b {
                b'0' => Step::Next(Zero),
                b'1'..=b'9' => Step::Next(Int),
                _ => Step::Invalid,
            },
            Zero | Int | Frac if b == b'e' || b == b'E' => Step::Next(Exp),
            Zero | Int if b == b'.' => Step::Next(Dot),
            Zero if digit => Step::Invalid,
            Int if digit => Step::Next(Int),
            Frac if digit => Step::Next(Frac),
            ExpDigits if digit => Step::Next(ExpDigits),
            Zero | Int | Frac | ExpDigits => {
                // A letter, `.`, `+` or `-` glued to a complete number can
                // never be valid JSON; anything else is for the next state.
                if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-') {
                    Step::Invalid
                } else {
                    Step::End
                }
            }
            Dot if digit => Step::Next(Frac),
            Exp if b == b'+' || b == b'-' => Step::Next(ExpSign),
            Exp | ExpSign if digit => Step::Next(ExpDigits),
            Dot | Exp | ExpSign => Step::Invalid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(text: &str) -> bool {
        let mut bytes = text.bytes();
        let Some(mut state) = bytes.next().and_then(NumState::start) else {
            return false;
        };
        for b in bytes {
            match state.step(b) {
                Step::Next(s) => state = s,
                Step::End | Step::Invalid => return false,
            }
        }
        state.is_terminal()
    }

    #[test]
    fn grammar() {
        for ok in [
            "0", "-0", "1", "10", "-12", "0.5", "1.25", "1e5", "1E+5", "1e-05", "-0.0e0",
        ] {
            assert!(accepts(ok), "{ok}");
            assert!(
                serde_json::from_str::<serde_json::Value>(ok).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "-", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "1.e5", "--1", "1.2.3", "1e5e5",
            "0x10", "1a",
        ] {
            assert!(!accepts(bad), "{bad}");
        }
    }

    #[test]
    fn scan_agrees_with_step() {
        for text in [
            "0", "-0", "12345", "1.25", "1e5", "1E+5", "-0.0e0", "01", "1.", "1e", "1.2.3", "12x",
            "123]", "1.5e10,", "7 ", "-", "1e+",
        ] {
            let bytes = text.as_bytes();
            let first = NumState::start(bytes[0]).unwrap();
            let mut state = first;
            let mut slow = None;
            for (i, &b) in bytes.iter().enumerate().skip(1) {
                match state.step(b) {
                    Step::Next(s) => state = s,
                    Step::End => slow = Some((Scan::End(state), i)),
                    Step::Invalid => slow = Some((Scan::Invalid, i)),
                }
                if slow.is_some() {
                    break;
                }
            }
            let slow = slow.unwrap_or((Scan::More(state), bytes.len()));
            assert_eq!(first.scan(bytes, 1), slow, "{text}");
        }
    }

    #[test]
    fn the_fast_path_then_the_machine_agree_with_the_machine() {
        let texts = [
            "0,",
            "-0]",
            "12345}",
            "1.25 ",
            "-7.5\n",
            "01,",
            "1.,",
            "-,",
            "1e5,",
            "1.5e3]",
            "12",
            "1.2.3,",
            "12x",
            "-",
            "0.0001\t",
            "123456789012345678901234567890,",
            "9.99999999]",
            "-0.5E-3 ",
            "1.",
            "0",
            "-01",
            "1.5x",
            "0.",
            "2.e3",
            "1234567890.12345678e+10}",
        ];
        for text in texts {
            let bytes = text.as_bytes();
            let first = NumState::start(bytes[0]).unwrap();
            let machine = first.scan(bytes, 1);
            let fast = match fast(bytes, 0) {
                Ok(end) => (
                    Scan::End(if text.contains('.') {
                        NumState::Frac
                    } else {
                        machine_state(&machine)
                    }),
                    end,
                ),
                Err((state, i)) => state.scan(bytes, i),
            };
            assert_eq!(fast, machine, "{text}");
        }
        assert_eq!(fast(b"1.25 ", 0), Ok(4));
        assert_eq!(fast(b"x-12]", 1), Ok(4));
    }

    fn machine_state(scan: &(Scan, usize)) -> NumState {
        match scan.0 {
            Scan::End(s) | Scan::More(s) => s,
            Scan::Invalid => NumState::Minus,
        }
    }

    #[test]
    fn delimiters_end_a_number() {
        for b in [
            b',', b']', b'}', b' ', b'\n', b'\t', b'\r', b'"', b'[', b'{', b':',
        ] {
            assert_eq!(NumState::Int.step(b), Step::End);
        }
        assert_eq!(NumState::Int.step(b'x'), Step::Invalid);
        assert_eq!(NumState::Zero.step(b'1'), Step::Invalid);
    }
}
