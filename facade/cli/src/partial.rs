//! `structream partial`: one snapshot per visible change.

use std::fmt;
use std::io;
use std::process::ExitCode;

use clap::ValueEnum;
use structream_parser::document::{Changes, Options, StringMode};

use crate::stream::{self, Common};

/// When strings show.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Strings {
    /// From the opening quote, growing.
    Trailing,
    /// Only once closed.
    Complete,
}

/// Arguments of `structream partial`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  structream partial --chunk-sizes 3 tests/corpora/partial-json/jiter-benches/medium_response.json
  printf '{\"name\": \"Jane\", \"age\": 30}' | structream partial --chunk-sizes 1
  structream partial --lenient --strings complete answer.txt

Prints the value as compact JSON on one line each time it visibly changes (half numbers,
half literals and whitespace change nothing); the last line is the final value. Invalid or
incomplete input exits 1 with `error: <message> at line L column C (byte B)` on stderr.")]
pub(crate) struct Args {
    /// When strings show.
    #[arg(long, value_enum, default_value = "trailing")]
    strings: Strings,
    #[command(flatten)]
    common: Common,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let strings = match args.strings {
        Strings::Trailing => StringMode::Trailing,
        Strings::Complete => StringMode::Complete,
    };
    stream::run(
        &args.common,
        Options::default().strings(strings),
        |changes, out| snapshot_lines(changes, &mut |value| writeln!(out, "{value}")),
    )
}

/// Hands `line` the snapshot when this feed changed it visibly: the rule
/// `partial` and `sse --partial` share.
pub(crate) fn snapshot_lines(
    changes: &Changes<'_>,
    line: &mut dyn FnMut(&dyn fmt::Display) -> io::Result<()>,
) -> io::Result<()> {
    match changes.snapshot() {
        Some(snapshot) if changes.changed() => line(&snapshot),
        _ => Ok(()),
    }
}
