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
