//! `structream`: parse, watch and debug streamed JSON and LLM provider streams
//! from the command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod batch;
mod batch_file;
mod channels;
mod config;
mod deltas;
mod demo;
mod extract;
mod fragments;
mod input;
mod items;
mod parse;
mod partial;
mod progress;
mod report;
mod sse;
mod stream;

/// Streams JSON and LLM provider output into values, snapshots, deltas and items.
#[derive(Debug, Parser)]
#[command(name = "structream", version, about, long_about = None)]
#[command(after_help = "Examples:
  structream parse tests/corpora/json-bench/twitter.json
  printf '{\"a\": [1, \"xy\"]}' | structream partial --chunk-sizes 2
  structream items --path /statuses tests/corpora/json-bench/twitter.json | head -1

Limits: arrays and objects nested deeper than 128 levels are an error (`recursion limit
exceeded`) in parse, partial, deltas and items; --max-depth N changes it.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse JSON fed in chunks and print the value as compact JSON.
    Parse(parse::Args),
    /// Print a snapshot of the partial value each time it visibly changes.
    Partial(partial::Args),
    /// Print the changes to the partial value as JSON Patch-style deltas.
    Deltas(deltas::Args),
    /// Print each item of the selected arrays the moment it closes.
    Items(items::Args),
    /// Decode a recorded or piped LLM provider stream into one JSON event per line.
    Sse(sse::Args),
    /// Show recorded provider streams turning into typed values, live (no key, no network).
    Demo(demo::Args),
    /// Extract a value from text with a real call to a provider, printing it as it streams.
    Extract(extract::Args),
    /// Extraction at scale on the providers' batch APIs: create, status, wait, results, cancel.
    Batch(batch::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Partial(args) => partial::run(args),
        Command::Deltas(args) => deltas::run(args),
        Command::Items(args) => items::run(args),
        Command::Sse(args) => sse::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Extract(args) => extract::run(args),
        Command::Batch(args) => batch::run(args),
    }
}
