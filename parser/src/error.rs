//! The tokenizer's error: a kind and a position, small and `Copy`.

use std::fmt;

/// What went wrong. New kinds may be added in minor releases.
///
/// The messages follow serde_json's wording, so the two can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input ended inside an array.
    EofWhileParsingList,
    /// Input ended inside an object.
    EofWhileParsingObject,
    /// Input ended inside a string or key.
    EofWhileParsingString,
    /// Input ended where a value was expected, or inside a number or literal.
    EofWhileParsingValue,
    /// A key was not followed by `:`.
    ExpectedColon,
    /// An array item was not followed by `,` or `]`.
    ExpectedListCommaOrEnd,
    /// An object member was not followed by `,` or `}`.
    ExpectedObjectCommaOrEnd,
    /// A literal (`true`, `false`, `null`) was misspelt.
    ExpectedSomeIdent,
    /// Something other than a value stood where a value was expected.
    ExpectedSomeValue,
    /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
    InvalidEscape,
    /// A number that does not follow the JSON grammar (`01`, `1.`, `-`, `.5`).
    InvalidNumber,
    /// Bytes that are not valid UTF-8.
    InvalidUtf8,
    /// A raw control character (U+0000 to U+001F) inside a string.
    ControlCharacterWhileParsingString,
    /// An object key that is not a string.
    KeyMustBeAString,
    /// A `\u` high surrogate followed by an escape that is not a low surrogate,
    /// or a lone low surrogate. [`Error::lone_surrogate`] names it.
    LoneLeadingSurrogateInHexEscape,
    /// A `\u` high surrogate not followed by another `\u` escape.
    /// [`Error::lone_surrogate`] names it.
    UnexpectedEndOfHexEscape,
    /// A `,` directly before `]` or `}`.
    TrailingComma,
    /// Something other than whitespace after the top-level value.
    TrailingCharacters,
    /// Nesting deeper than [`Config::max_depth`](crate::Config::max_depth).
    RecursionLimitExceeded,
    /// A number longer than [`Config::max_number_len`](crate::Config::max_number_len).
    NumberTooLong,
    /// A string or key longer than [`Config::max_string_len`](crate::Config::max_string_len).
    StringTooLong,
    /// More input than [`Config::max_input_len`](crate::Config::max_input_len).
    InputTooLong,
}

impl ErrorKind {
    /// The message, in serde_json's wording where serde_json has one.
    pub fn message(self) -> &'static str {
        use ErrorKind::*;
        match self {
            EofWhileParsingList => "EOF while parsing a list",
            EofWhileParsingObject => "EOF while parsing an object",
            EofWhileParsingString => "EOF while parsing a string",
            EofWhileParsingValue => "EOF while parsing a value",
            ExpectedColon => "expected `:`",
            ExpectedListCommaOrEnd => "expected `,` or `]`",
            ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            ExpectedSomeIdent => "expected ident",
            ExpectedSomeValue => "expected value",
            InvalidEscape => "invalid escape",
            InvalidNumber => "invalid number",
            InvalidUtf8 => "invalid UTF-8",
            ControlCharacterWhileParsingString => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            KeyMustBeAString => "key must be a string",
            LoneLeadingSurrogateInHexEscape => "lone leading surrogate in hex escape",
            UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            TrailingComma => "trailing comma",
            TrailingCharacters => "trailing characters",
            RecursionLimitExceeded => "recursion limit exceeded",
            NumberTooLong => "number longer than the configured limit",
            StringTooLong => "string longer than the configured limit",
            InputTooLong => "input longer than the configured limit",
        }
    }

    /// Whether this kind means the input ended too early: more bytes could
    /// still have made it valid.
    pub fn is_eof(self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            EofWhileParsingList
                | EofWhileParsingObject
                | EofWhileParsingString
                | EofWhileParsingValue
        )
    }

    /// Whether this kind is a configured limit that was hit.
    pub fn is_limit(self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            RecursionLimitExceeded | NumberTooLong | StringTooLong | InputTooLong
        )
    }

    /// Whether this kind is a violation of the JSON grammar.
    pub fn is_syntax(self) -> bool {
        !self.is_eof() && !self.is_limit()
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A tokenizer error: its [`ErrorKind`] and where it was found.
///
/// The offset is the 0-based absolute byte offset into everything fed so
/// far (the input's length for an end-of-input error). Line and column are
/// 1-based; columns count bytes, as serde_json's do.
///
/// ```
/// let err = structream_parser::parse(b"[1,\n 2 3]").unwrap_err();
/// assert_eq!(err.to_string(), "expected `,` or `]` at line 2 column 4");
/// assert_eq!((err.offset(), err.line(), err.column()), (7, 2, 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    /// The lone surrogate of a surrogate error (0 for other errors: no
    /// surrogate is 0).
    surrogate: u16,
    offset: u64,
    line: u64,
    line_start: u64,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, offset: u64, line: u64, line_start: u64) -> Self {
        Error {
            kind,
            surrogate: 0,
            offset,
            line,
            line_start,
        }
    }

    /// The same error, naming the lone surrogate (`0xD800..=0xDFFF`) it is
    /// about.
    pub(crate) fn with_surrogate(mut self, unit: u16) -> Self {
        self.surrogate = unit;
        self
    }

    /// The UTF-16 code unit of a lone surrogate escape (`"\ud800"`) that
    /// caused this error, for [`ErrorKind::UnexpectedEndOfHexEscape`] and
    /// [`ErrorKind::LoneLeadingSurrogateInHexEscape`]; `None` otherwise.
    /// [`LoneSurrogates::Replace`](crate::LoneSurrogates::Replace) accepts
    /// such escapes.
    pub fn lone_surrogate(&self) -> Option<u16> {
        (self.surrogate != 0).then_some(self.surrogate)
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The 0-based byte offset where the error was found.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The 1-based line of [`Error::offset`] (lines end at `\n`).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The 1-based column of [`Error::offset`], in bytes.
    pub fn column(&self) -> u64 {
        self.offset - self.line_start + 1
    }

    /// See [`ErrorKind::is_eof`].
    pub fn is_eof(&self) -> bool {
        self.kind.is_eof()
    }

    /// See [`ErrorKind::is_limit`].
    pub fn is_limit(&self) -> bool {
        self.kind.is_limit()
    }

    /// See [`ErrorKind::is_syntax`].
    pub fn is_syntax(&self) -> bool {
        self.kind.is_syntax()
    }
}

impl fmt::Display for Error {
    /// `<message> at line L column C`. The message is the kind's, except
    /// for a lone surrogate, which is named with the option that accepts it:
    /// `lone surrogate \ud800 (lone surrogates: replace reads it as U+FFFD)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lone_surrogate() {
            Some(unit) => write!(
                f,
                "lone surrogate \\u{unit:04x} (lone surrogates: replace reads it as U+FFFD)"
            )?,
            None => write!(f, "{}", self.kind)?,
        }
        write!(f, " at line {} column {}", self.line, self.column())
    }
}

impl std::error::Error for Error {}
