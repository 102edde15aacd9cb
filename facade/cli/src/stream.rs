//! The driver that `partial`, `deltas` and `items` share: input chunks into
//! a [`Document`], each feed's changes to a printer, flushed per chunk so a
//! pipe sees them as they happen.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use structream_parser::document::{Changes, Document, Lenient, Options, Outcome};
use structream_parser::repair::{NonFinite, Repairs};

use crate::config::TokenizerArgs;
use crate::input::{self, ChunkError, ChunkSizes, Source};
use crate::report;

/// Options every document subcommand takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Common {
    /// Feed the input in chunks whose sizes cycle through this list
    /// (default: each read of the file or pipe is one chunk).
    #[arg(long, value_name = "N[,N...]", value_parser = ChunkSizes::parse)]
    pub(crate) chunk_sizes: Option<ChunkSizes>,
    /// Find the JSON in prose, markdown code fences and <think> blocks, and
    /// ignore text after it.
    #[arg(long)]
    pub(crate) lenient: bool,
    /// With --lenient, the kind of value to look for: `object` takes a `[`
    /// in the prose (a citation such as `[1]`) for prose.
    #[arg(long, value_enum, default_value_t = LenientRoot::Any, requires = "lenient")]
    pub(crate) lenient_root: LenientRoot,
    /// Repair what models write that is almost JSON (unescaped quotes, raw
    /// newlines in strings, single quotes, unquoted keys and values,
    /// comments, Python literals, trailing or missing commas, wrong closing
    /// brackets...), each repair noted on stderr as
    /// `repaired: <kind> at line L column C (byte B)`.
    #[arg(long)]
    pub(crate) repair: bool,
    /// With --repair, what `NaN`, `Infinity` and `-Infinity` become:
    /// `null`, a `string` of the word, or an `error` at the word.
    #[arg(long, value_enum, default_value_t = NonFiniteArg::Null, requires = "repair")]
    pub(crate) non_finite: NonFiniteArg,
    #[command(flatten)]
    pub(crate) tokenizer: TokenizerArgs,
    /// Input file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    pub(crate) file: Option<std::path::PathBuf>,
}

/// The values of `--lenient-root`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LenientRoot {
    /// An object or an array.
    Any,
    /// Only an object.
    Object,
    /// Only an array.
    Array,
}

impl From<LenientRoot> for Lenient {
    fn from(root: LenientRoot) -> Lenient {
        match root {
            LenientRoot::Any => Lenient::Any,
            LenientRoot::Object => Lenient::Object,
            LenientRoot::Array => Lenient::Array,
        }
    }
}

/// The values of `--non-finite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum NonFiniteArg {
    /// `null`.
    Null,
    /// A string of the word (`"NaN"`, `"Infinity"`, `"-Infinity"`).
    String,
    /// Not repaired: an error at the word.
    Error,
}

impl NonFiniteArg {
    /// The repairs `--repair` (`repair`) and `--non-finite` ask for.
    pub(crate) fn repairs(self, repair: bool) -> Repairs {
        if !repair {
            return Repairs::NONE;
        }
        Repairs::ALL.non_finite(match self {
            NonFiniteArg::Null => NonFinite::Null,
            NonFiniteArg::String => NonFinite::String,
            NonFiniteArg::Error => NonFinite::Error,
        })
    }
}

impl Common {
    /// The lenient mode that `--lenient` and `--lenient-root` ask for.
    pub(crate) fn lenient(&self) -> Lenient {
        if self.lenient {
            self.lenient_root.into()
        } else {
            Lenient::Off
        }
    }
}

/// Why the stream stopped early.
enum Stop {
    Json(structream_parser::Error),
    Io(io::Error),
}

/// Streams the input through a document built with `options`, handing each
/// feed's changes to `print`. Exit 0 when the value is complete; 1 with one
/// `error:` line for invalid or incomplete input (after printing what the
/// input gave up to there).
pub(crate) fn run(
    common: &Common,
    options: Options,
    mut print: impl FnMut(&Changes<'_>, &mut dyn Write) -> io::Result<()>,
) -> ExitCode {
    let source = Source::from_arg(common.file.as_ref());
    let options = options
        .tokenizer(common.tokenizer.config())
        .lenient(common.lenient())
        .repair(common.non_finite.repairs(common.repair));
    let mut doc = Document::with_options(options);
    let mut lines = report::Lines::default();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    // A chunk that holds an error prints what its valid part changed
    // first, so the output does not depend on where the input was cut.
    let fed = input::for_each_chunk(&source, common.chunk_sizes.as_ref(), |chunk| {
        if common.repair {
            lines.push(chunk);
        }
        let (printed, error) = match doc.feed(chunk) {
            Ok(changes) => (print(&changes, &mut out), None),
            Err(e) => (print(&doc.changes(), &mut out), Some(e)),
        };
        report::repairs(&lines, doc.changes().repairs());
        printed.and_then(|()| out.flush()).map_err(Stop::Io)?;
        error.map_or(Ok(()), |e| Err(Stop::Json(e)))
    });
    let result = match fed {
        Ok(()) => match doc.finish() {
            Ok(changes) => {
                report::repairs(&lines, changes.repairs());
                let printed = print(&changes, &mut out).and_then(|()| out.flush());
                match (printed, changes.outcome()) {
                    (Err(e), _) => Err(Stop::Io(e)),
                    (Ok(()), Some(Outcome::Incomplete(e))) => Err(Stop::Json(e)),
                    (Ok(()), _) => Ok(()),
                }
            }
            Err(e) => match print(&doc.changes(), &mut out).and_then(|()| out.flush()) {
                Err(io) => Err(Stop::Io(io)),
                Ok(()) => Err(Stop::Json(e)),
            },
        },
        Err(ChunkError::Sink(stop)) => Err(stop),
        Err(ChunkError::Io(e)) => Err(Stop::Io(e)),
    };
    drop(out);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Stop::Io(e)) => report::io_error(&e),
        Err(Stop::Json(e)) => report::parse_error(&e),
    }
}
