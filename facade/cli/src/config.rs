//! The tokenizer options of the parsing subcommands: the nesting limit and
//! what to do with lone surrogate escapes.

use structream_parser::{Config, LoneSurrogates};

/// The highest `--max-depth`: values nested this deep are still built and
/// dropped well within a thread's stack.
const MAX_DEPTH: i64 = 10_000;

/// `--max-depth` and `--lone-surrogates`, flattened into `parse`,
/// `partial`, `deltas` and `items`.
#[derive(Debug, clap::Args)]
pub(crate) struct TokenizerArgs {
    /// Deepest nesting of arrays and objects accepted, at most 10000;
    /// deeper input is an error (`recursion limit exceeded`). The limit
    /// keeps hostile input from exhausting the stack of the values built
    /// from it.
    #[arg(long, value_name = "N", default_value_t = 128,
          value_parser = clap::value_parser!(u32).range(1..=MAX_DEPTH))]
    max_depth: u32,
    /// What to do with a `\u` escape that is half of a UTF-16 surrogate
    /// pair without its other half (`"\ud800"`), which no UTF-8 text can
    /// hold: reject it as an error, or replace it with U+FFFD.
    #[arg(long, value_enum, default_value_t = LoneSurrogatesArg::Reject)]
    lone_surrogates: LoneSurrogatesArg,
}

/// The values of `--lone-surrogates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LoneSurrogatesArg {
    /// An error naming the surrogate.
    Reject,
    /// Each lone surrogate reads as U+FFFD REPLACEMENT CHARACTER.
    Replace,
}

impl TokenizerArgs {
    /// The tokenizer configuration these options ask for.
    pub(crate) fn config(&self) -> Config {
        Config::default()
            .max_depth(Some(self.max_depth as usize))
            .lone_surrogates(match self.lone_surrogates {
                LoneSurrogatesArg::Reject => LoneSurrogates::Reject,
                LoneSurrogatesArg::Replace => LoneSurrogates::Replace,
            })
    }
}
