//! `structream parse`: the tokenizer and value builder over a file or pipe.

use std::path::PathBuf;
use std::process::ExitCode;

use structream_parser::document::{Document, Options, Outcome};

use structream_parser::value::ValueBuilder;
use structream_parser::{Event, Tokenizer, Value};

use crate::config::TokenizerArgs;
use crate::input::{self, ChunkError, ChunkSizes, Source};
use crate::report;
use crate::stream::NonFiniteArg;

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
--lone-surrogates replace reads it as U+FFFD.
With --repair, what models write that is almost JSON is repaired (each repair noted on
stderr as `repaired: <kind> at line L column C (byte B)`, kinds such as unescaped-quote,
control-character, number, single-quotes, curly-quotes, unquoted-key, unquoted-string,
comment, literal, tuple, trailing-comma, missing-comma, missing-colon, placeholder,
bracket, premature-close); input that
cannot be repaired is still an error, and so is input that ends inside the value.")]
pub(crate) struct Args {
    /// Feed the input in chunks whose sizes cycle through this list
    /// (default: each read of the file or pipe is one chunk).
    #[arg(long, value_name = "N[,N...]", value_parser = ChunkSizes::parse)]
    chunk_sizes: Option<ChunkSizes>,
    /// Repair what models write that is almost JSON; each repair is noted
    /// on stderr.
    #[arg(long)]
    repair: bool,
    /// With --repair, what `NaN`, `Infinity` and `-Infinity` become:
    /// `null`, a `string` of the word, or an `error` at the word.
    #[arg(long, value_enum, default_value_t = NonFiniteArg::Null, requires = "repair")]
    non_finite: NonFiniteArg,
    #[command(flatten)]
    tokenizer: TokenizerArgs,
    /// Input file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> ExitCode {
    if args.repair {
        return run_repaired(&args);
    }
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

/// `parse --repair`: the input through a repairing document; the value once
/// complete.
fn run_repaired(args: &Args) -> ExitCode {
    let source = Source::from_arg(args.file.as_ref());
    let options = Options::default()
        .tokenizer(args.tokenizer.config())
        .repair(args.non_finite.repairs(true));
    let mut doc = Document::with_options(options);
    let mut lines = report::Lines::default();
    let fed = input::for_each_chunk(&source, args.chunk_sizes.as_ref(), |chunk| {
        lines.push(chunk);
        let fed = doc.feed(chunk).map(|_| ());
        report::repairs(&lines, doc.changes().repairs());
        fed
    });
    let result = fed.and_then(|()| {
        let end = doc.finish().map_err(ChunkError::Sink)?;
        report::repairs(&lines, end.repairs());
        match end.outcome() {
            Some(Outcome::Incomplete(e)) => Err(ChunkError::Sink(e)),
            _ => Ok(end.snapshot().map(|s| s.to_json()).unwrap_or_default()),
        }
    });
    match result {
        Ok(text) => report::print_line(&text),
        Err(ChunkError::Sink(e)) => report::parse_error(&e),
        Err(ChunkError::Io(e)) => report::io_error(&e),
    }
}
