//! `structream items`: each item of the selected arrays the moment it closes.

use std::fmt;
use std::io;
use std::process::ExitCode;

use structream_parser::document::{Changes, ItemEvent, Options, Pattern};

use crate::stream::{self, Common};

/// Arguments of `structream items`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  structream items --path /statuses tests/corpora/json-bench/twitter.json
  structream items --path '' --chunk-sizes 8 list.json          # a root array
  structream items --path '/sections/*/bullets' answer.json     # * matches any index or key

Prints each completed item as one line of compact JSON, written and flushed the moment its
closing byte is read, so a pipe sees it before the rest of the input arrives.")]
pub(crate) struct Args {
    /// JSON Pointer of the array(s) whose items to print; `*` matches any
    /// array index or object member; `""` is a root array. May be repeated.
    #[arg(
        long = "path",
        value_name = "PATTERN",
        required = true,
        allow_hyphen_values = true
    )]
    paths: Vec<Pattern>,
    #[command(flatten)]
    common: Common,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let options = args
        .paths
        .into_iter()
        .fold(Options::default(), Options::items);
    stream::run(&args.common, options, |changes, out| {
        item_lines(changes, &mut |item| {
            writeln!(out, "{item}")?;
            out.flush()
        })
    })
}

/// Hands `line` each item that closed in this feed, in order: the rule
/// `items` and `sse --items` share.
pub(crate) fn item_lines(
    changes: &Changes<'_>,
    line: &mut dyn FnMut(&dyn fmt::Display) -> io::Result<()>,
) -> io::Result<()> {
    for item in changes.items() {
        if let ItemEvent::Done { json, .. } = item {
            line(json)?;
        }
    }
    Ok(())
}
