//! `structream parse`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `structream parse`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Input file; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

pub(crate) fn run(_args: Args) -> ExitCode {
    eprintln!("error: the tokenizer is not built yet");
    ExitCode::from(1)
}
