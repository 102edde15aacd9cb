//! `structream`: parse, watch and debug streamed JSON and LLM provider streams
//! from the command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod input;
mod parse;
mod sse;

/// Streams JSON and LLM provider output into values, snapshots, deltas and items.
#[derive(Debug, Parser)]
#[command(name = "structream", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse JSON fed in chunks and print the value as compact JSON.
    Parse(parse::Args),
    /// Decode a recorded or piped LLM provider stream into one JSON event per line.
    Sse(sse::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Sse(args) => sse::run(args),
    }
}
