//! Tokenizer configuration: limits and opt-in relaxations.

/// What to do with a `\uXXXX` escape that encodes half of a UTF-16
/// surrogate pair without its other half (`"\ud800"`).
///
/// Such a string has no UTF-8 representation. RFC 8259 leaves the behaviour
/// open; serde_json rejects it, and so does this crate by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum LoneSurrogates {
    /// Reject with [`ErrorKind::LoneLeadingSurrogateInHexEscape`] or
    /// [`ErrorKind::UnexpectedEndOfHexEscape`] (the default); the error
    /// names the surrogate ([`Error::lone_surrogate`]) and this option.
    ///
    /// [`Error::lone_surrogate`]: crate::Error::lone_surrogate
    ///
    /// [`ErrorKind::LoneLeadingSurrogateInHexEscape`]: crate::ErrorKind::LoneLeadingSurrogateInHexEscape
    /// [`ErrorKind::UnexpectedEndOfHexEscape`]: crate::ErrorKind::UnexpectedEndOfHexEscape
    #[default]
    Reject,
    /// Decode each lone surrogate as U+FFFD REPLACEMENT CHARACTER.
    Replace,
}

/// Limits and options of a [`Tokenizer`](crate::Tokenizer).
///
/// Every limit is on by default except the string length, so hostile input
/// (deep nesting, endless numbers) gives an error of its own kind instead of
/// unbounded memory. Build one with the setters:
///
/// ```
/// use structream_parser::Config;
///
/// let config = Config::default()
///     .max_depth(Some(64))
///     .max_string_len(Some(1 << 20))
///     .multiple_values(true);
/// assert_eq!(config.max_depth, Some(64));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct Config {
    /// Deepest nesting of arrays and objects accepted; `None` for no limit.
    ///
    /// Default `Some(128)`, like serde_json. The tokenizer itself does not
    /// recurse (its stack costs one byte a level), but consumers that build
    /// recursive values (and drop them recursively) can overflow the thread's
    /// stack on input nested millions deep: lift the limit only when every
    /// consumer is safe with it.
    pub max_depth: Option<usize>,
    /// Longest number accepted, in bytes of its text. Default `Some(4096)`.
    /// A number split across chunks is buffered, so this bounds that buffer.
    pub max_number_len: Option<usize>,
    /// Longest string or key accepted, in bytes of its raw (escaped) text.
    /// Default `None`: strings are streamed as fragments and never buffered
    /// by the tokenizer, so memory does not grow with them.
    pub max_string_len: Option<usize>,
    /// Most bytes accepted in total. Default `None`.
    pub max_input_len: Option<u64>,
    /// Accept several top-level values in a row, separated by whitespace
    /// where they would otherwise run together (NDJSON and similar).
    /// Default `false`: anything but whitespace after the value is an error.
    pub multiple_values: bool,
    /// What to do with lone UTF-16 surrogates in `\u` escapes.
    pub lone_surrogates: LoneSurrogates,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_depth: Some(128),
            max_number_len: Some(4096),
            max_string_len: None,
            max_input_len: None,
            multiple_values: false,
            lone_surrogates: LoneSurrogates::Reject,
        }
    }
}

impl Config {
    /// Sets [`Config::max_depth`].
    #[must_use]
    pub fn max_depth(mut self, limit: Option<usize>) -> Self {
        self.max_depth = limit;
        self
    }

    /// Sets [`Config::max_number_len`].
    #[must_use]
    pub fn max_number_len(mut self, limit: Option<usize>) -> Self {
        self.max_number_len = limit;
        self
    }

    /// Sets [`Config::max_string_len`].
    #[must_use]
    pub fn max_string_len(mut self, limit: Option<usize>) -> Self {
        self.max_string_len = limit;
        self
    }

    /// Sets [`Config::max_input_len`].
    #[must_use]
    pub fn max_input_len(mut self, limit: Option<u64>) -> Self {
        self.max_input_len = limit;
        self
    }

    /// Sets [`Config::multiple_values`].
    #[must_use]
    pub fn multiple_values(mut self, yes: bool) -> Self {
        self.multiple_values = yes;
        self
    }

    /// Sets [`Config::lone_surrogates`].
    #[must_use]
    pub fn lone_surrogates(mut self, policy: LoneSurrogates) -> Self {
        self.lone_surrogates = policy;
        self
    }
}
