//! How the subcommands report results and errors: one line each, and the
//! exit codes other tools rely on.

use std::io::{self, Write};
use std::process::ExitCode;

/// Exit code of invalid input or a failed stream.
pub(crate) const EXIT_FAILURE: u8 = 1;

/// Prints one line on standard output; a closed pipe is not an error.
pub(crate) fn print_line(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => io_error(&e),
    }
}

/// `error: <message> at line L column C (byte B)` and exit 1.
pub(crate) fn parse_error(e: &structream_parser::Error) -> ExitCode {
    eprintln!("error: {}", describe(e));
    ExitCode::from(EXIT_FAILURE)
}

/// `<message> at line L column C (byte B)`: a parse error as every
/// subcommand words it.
pub(crate) fn describe(e: &structream_parser::Error) -> String {
    format!("{e} (byte {})", e.offset())
}

/// Where the lines of the input start, to place a byte offset at a line
/// and column as the parser places its errors (lines end at `\n`; columns
/// count bytes from 1).
#[derive(Debug, Default)]
pub(crate) struct Lines {
    /// Offsets of the second line's first byte and on.
    starts: Vec<u64>,
    /// Bytes seen so far.
    seen: u64,
}

impl Lines {
    /// Takes in the next chunk of the input.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        let seen = self.seen;
        self.starts.extend(
            chunk
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| seen + i as u64 + 1),
        );
        self.seen += chunk.len() as u64;
    }

    /// The line and column (1-based) of byte `offset`.
    pub(crate) fn place(&self, offset: u64) -> (u64, u64) {
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = line.checked_sub(1).map_or(0, |i| self.starts[i]);
        (line as u64 + 1, offset - start + 1)
    }
}

/// `repaired: <kind> at line L column C (byte B)` on stderr for each repair.
pub(crate) fn repairs(lines: &Lines, repairs: &[structream_parser::repair::Repair]) {
    let mut err = io::stderr().lock();
    for repair in repairs {
        let (line, column) = lines.place(repair.offset());
        // A closed stderr loses the notes, not the value.
        let _ = writeln!(
            err,
            "repaired: {} at line {line} column {column} (byte {})",
            repair.kind(),
            repair.offset()
        );
    }
}

/// `error: <message>` for a failed read or write, and exit 1.
pub(crate) fn io_error(e: &io::Error) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(EXIT_FAILURE)
}

/// How much of each end of a long answer [`excerpt`] keeps.
pub(crate) const EXCERPT_EDGE: usize = 500;

/// `text` whole if it is short; otherwise its first and last
/// [`EXCERPT_EDGE`] bytes (cut on character boundaries) around a line that
/// says how many bytes were left out.
pub(crate) fn excerpt(text: &str) -> String {
    // Leaving out less than the marker line itself would save nothing.
    if text.len() <= 2 * EXCERPT_EDGE + 64 {
        return text.to_owned();
    }
    let mut head = EXCERPT_EDGE;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - EXCERPT_EDGE;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{}\n[… {} bytes left out of {} …]\n{}",
        &text[..head],
        tail - head,
        text.len(),
        &text[tail..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_kept_whole() {
        let text = "é".repeat(EXCERPT_EDGE + 32);
        assert_eq!(excerpt(&text), text);
    }

    #[test]
    fn a_long_text_keeps_both_ends_on_character_boundaries() {
        // Two-byte characters after one ASCII byte: both cuts fall inside one.
        let text = format!("<{}>", "é".repeat(2 * EXCERPT_EDGE));
        let shown = excerpt(&text);
        let (head, rest) = shown.split_once('\n').unwrap();
        let (marker, tail) = rest.split_once('\n').unwrap();
        assert!(text.starts_with(head) && text.ends_with(tail), "{shown}");
        assert!(head.len() <= EXCERPT_EDGE && head.len() >= EXCERPT_EDGE - 1);
        assert!(tail.len() <= EXCERPT_EDGE && tail.len() >= EXCERPT_EDGE - 1);
        let left_out = text.len() - head.len() - tail.len();
        assert_eq!(
            marker,
            format!("[… {left_out} bytes left out of {} …]", text.len())
        );
    }
}
