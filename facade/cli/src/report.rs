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
