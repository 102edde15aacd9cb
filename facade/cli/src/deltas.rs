//! `structream deltas`: one JSON Patch-style operation per line.

use std::process::ExitCode;

use structream_parser::document::Options;

use crate::stream::{self, Common};

/// Arguments of `structream deltas`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  printf '{\"users\": [{\"name\": \"Jane\"}]}' | structream deltas --chunk-sizes 4
  structream deltas --lenient answer.txt

Prints one delta per line: RFC 6902 `add` and `replace`, plus `append` for a growing string:
  {\"op\":\"add\",\"path\":\"\",\"value\":{}}
  {\"op\":\"add\",\"path\":\"/users/0\",\"value\":{}}
  {\"op\":\"append\",\"path\":\"/users/0/name\",\"value\":\"Ja\"}
Replaying them in order from nothing gives every snapshot of `structream partial`.")]
pub(crate) struct Args {
    #[command(flatten)]
    common: Common,
}

pub(crate) fn run(args: Args) -> ExitCode {
    stream::run(
        &args.common,
        Options::default().deltas(true),
        |changes, out| {
            for delta in changes.deltas() {
                writeln!(out, "{delta}")?;
            }
            Ok(())
        },
    )
}
