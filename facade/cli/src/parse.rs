//! `structream parse`: the tokenizer and value builder over a file or pipe.

use std::path::PathBuf;
use std::process::ExitCode;

use structream_parser::value::ValueBuilder;
use structream_parser::{Event, Tokenizer, Value};

use crate::config::TokenizerArgs;
use crate::input::{self, ChunkError, ChunkSizes, Source};
use crate::report;

/// Arguments of `structream parse`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  structream parse tests/corpora/json-bench/twitter.json
  echo '{\"a\": [1, 2.50, \"x\"]}' | structream parse
  structream parse --chunk-sizes 1,3,7 doc.json   # feed 1, 3, 7, 1, 3, 7... bytes at a time

Prints the value as compact JSON on one line: keys in input order, duplicate keys as they
appear, numbers exactly as written. Invalid input exits 1 with one line on stderr:
  error: <message> at line L column C (byte B)
Nesting deeper than --max-depth (128 by default) is an error, `recursion limit exceeded`;
a lone surrogate escape such as \"\\ud800\" is an error naming it unless
--lone-surrogates replace reads it as U+FFFD.")]
pub(crate) struct Args {
    /// Feed the input in chunks whose sizes cycle through this list
    /// (default: each read of the file or pipe is one chunk).
    #[arg(long, value_name = "N[,N...]", value_parser = ChunkSizes::parse)]
    chunk_sizes: Option<ChunkSizes>,
    #[command(flatten)]
    tokenizer: TokenizerArgs,
    /// Input file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let source = Source::from_arg(args.file.as_ref());
    let mut tok = Tokenizer::with_config(args.tokenizer.config());
    let mut builder = ValueBuilder::new();
    let mut value: Option<Value> = None;
    let mut on_event = |event: Event<'_>| {
        if let Some(v) = builder.push(event) {
            value = Some(v);
        }
    };
    let result = input::for_each_chunk(&source, args.chunk_sizes.as_ref(), |chunk| {
        tok.feed_with(chunk, &mut on_event)
    })
    .and_then(|()| tok.finish_with(&mut on_event).map_err(ChunkError::Sink));
    match result {
        Ok(()) => {
            let text = value.map(|v| v.to_json()).unwrap_or_default();
            report::print_line(&text)
        }
        Err(ChunkError::Sink(e)) => report::parse_error(&e),
        Err(ChunkError::Io(e)) => report::io_error(&e),
    }
}
