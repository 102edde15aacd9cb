//! Repair of what models write that is almost JSON, in the same single
//! pass as everything else, while it streams.
//!
//! Repair is an option of the [`Document`](crate::document::Document)
//! ([`Options::repair`](crate::document::Options::repair)): a set of
//! [`Kind`]s, each opt-in. The document then rewrites what it reads into
//! strict JSON before its tokenizer sees it, and reports every repair with
//! its kind and byte offset ([`Changes::repairs`]). Without repairs nothing
//! changes; on valid JSON, repair mode gives exactly what strict mode gives.
//! A decision that needs to look ahead (is this quote the end of the
//! string?) waits for the bytes it needs, so the result is the same at every
//! chunking. Input that cannot be repaired is still an error with its
//! position.
//!
//! [`Changes::repairs`]: crate::document::Changes::repairs
//!
//! ```
//! use structream_parser::document::{Document, Options};
//! use structream_parser::repair::{Kind, Repairs};
//!
//! let mut doc = Document::with_options(Options::default().repair(Repairs::ALL));
//! let changes = doc.feed(br#"{"quote": "she said "hi" to me", 'n': .5, tags: [1, 2,],}"#)?;
//! let mut kinds: Vec<Kind> = changes.repairs().iter().map(|r| r.kind()).collect();
//! let end = doc.finish()?;
//! kinds.extend(end.repairs().iter().map(|r| r.kind()));
//! assert_eq!(
//!     end.snapshot().unwrap().to_json(),
//!     r#"{"quote":"she said \"hi\" to me","n":0.5,"tags":[1,2]}"#
//! );
//! assert_eq!(kinds, [
//!     Kind::UnescapedQuote, Kind::UnescapedQuote, Kind::SingleQuotes,
//!     Kind::Number, Kind::UnquotedKey, Kind::TrailingComma, Kind::TrailingComma,
//! ]);
//! # Ok::<(), structream_parser::Error>(())
//! ```

mod machine;
mod word;

use std::fmt;

pub(crate) use machine::{Out, Repairer};

/// A kind of repair; each is turned on apart in a [`Repairs`] set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// A `"` inside a string that is not escaped: a quote not followed,
    /// after whitespace, by what may follow the string (`:` after a key;
    /// `,`, `}`, `]` or the end of input after a value) is content, unless
    /// what follows is plainly the next member or item with a comma or
    /// colon missing (see [`Kind::MissingComma`], [`Kind::MissingColon`]).
    UnescapedQuote,
    /// A raw control character (a newline, a tab) inside a string: kept as
    /// the character it is.
    ControlCharacter,
    /// A number JSON does not allow (`.5`, `5.`, `+5`, `1_000`, `007`): read
    /// as the number a reader would mean.
    Number,
    /// A string in single quotes (key or value).
    SingleQuotes,
    /// A string in curly quotes, `“ ”` or `‘ ’` (key or value); inside,
    /// either of its pair closes it, as the unescaped-quote rule decides.
    CurlyQuotes,
    /// A key without quotes (`{name: "x"}`).
    UnquotedKey,
    /// A value without quotes (`{"status": active}`, a UUID, `1/3`): a
    /// string up to the next `,`, `}`, `]` or line end, trailing spaces
    /// left out.
    UnquotedString,
    /// A comment outside strings: `// …`, `/* … */` or `# …`.
    Comment,
    /// A Python or JavaScript literal: `True`, `False`, `None`, `undefined`,
    /// and `NaN`, `Infinity`, `-Infinity`, read as [`Repairs::non_finite`]
    /// says (`null` by default).
    Literal,
    /// A Python tuple `( … )`: read as an array.
    Tuple,
    /// A comma before a closing bracket.
    TrailingComma,
    /// A missing comma between members or items (`{"a": 1 "b": 2}`). After
    /// a string, a quote is taken to end it when the next key and its colon
    /// follow (`{"a": "x" "b": 2}`, or an unquoted key on the next line), or
    /// in an array the next quoted item and its `,` or `]` (`["x" "y"]`).
    MissingComma,
    /// A missing colon after a key when a value follows (`{a 1}`); after a
    /// quoted key, when whitespace and a value that is not a bare word
    /// follow (`{"a" 1}`, `{"a" {…}}`, `{"a" "x"}`).
    MissingColon,
    /// A `...` or `…` placeholder where an item belongs: dropped.
    Placeholder,
    /// A closing bracket of the wrong kind (`{"a": [1, 2}`): the brackets
    /// still open are closed up to the one it matches, or it is read as
    /// the one that closes the innermost container.
    Bracket,
    /// A `}` that closes the root object before more of its members
    /// (`{"a": {"b": 1}}, "c": 2}`, `{"a": 1}, "b": 2}`): when what follows
    /// it, after whitespace and within 64 bytes, is `,`, a key (quoted, or
    /// in single or curly quotes or unquoted when those repairs are on) and
    /// its `:`, the `}` is left out and the members go on in the root,
    /// which the last `}` closes. Only the root is unambiguous: inside it,
    /// such a `}` may as well close a nested object, and is read as written.
    /// The `}` waits for the bytes that decide, so the root is never
    /// reported complete and then reopened; anything else after it, a
    /// lookahead of 64 bytes that does not decide, or the end of input
    /// closes the root as written. In lenient input, where what follows the
    /// value is prose, only a key in double quotes counts (`}, then: …` is
    /// prose), and a `}` that closes the root ends the value as before.
    PrematureClose,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 16] = [
        Kind::UnescapedQuote,
        Kind::ControlCharacter,
        Kind::Number,
        Kind::SingleQuotes,
        Kind::UnquotedKey,
        Kind::UnquotedString,
        Kind::Comment,
        Kind::Literal,
        Kind::Tuple,
        Kind::TrailingComma,
        Kind::MissingComma,
        Kind::MissingColon,
        Kind::Placeholder,
        Kind::Bracket,
        Kind::CurlyQuotes,
        Kind::PrematureClose,
    ];

    /// The kind's name in reports, such as `unescaped-quote`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::UnescapedQuote => "unescaped-quote",
            Kind::ControlCharacter => "control-character",
            Kind::Number => "number",
            Kind::SingleQuotes => "single-quotes",
            Kind::UnquotedKey => "unquoted-key",
            Kind::UnquotedString => "unquoted-string",
            Kind::Comment => "comment",
            Kind::Literal => "literal",
            Kind::Tuple => "tuple",
            Kind::TrailingComma => "trailing-comma",
            Kind::MissingComma => "missing-comma",
            Kind::MissingColon => "missing-colon",
            Kind::Placeholder => "placeholder",
            Kind::Bracket => "bracket",
            Kind::CurlyQuotes => "curly-quotes",
            Kind::PrematureClose => "premature-close",
        }
    }

    /// The kind whose [`Kind::name`] is `name`.
    ///
    /// ```
    /// use structream_parser::repair::Kind;
    ///
    /// assert_eq!(Kind::from_name("trailing-comma"), Some(Kind::TrailingComma));
    /// assert_eq!(Kind::from_name("TrailingComma"), None);
    /// assert!(Kind::ALL.iter().all(|&k| Kind::from_name(k.name()) == Some(k)));
    /// ```
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    fn bit(self) -> u32 {
        1 << Kind::ALL.iter().position(|&k| k == self).unwrap_or(0)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What `NaN`, `Infinity`, `-Infinity` and `+Infinity` become under
/// [`Kind::Literal`]: JSON has no such numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NonFinite {
    /// `null` (the default).
    #[default]
    Null,
    /// A string of the word as written, without a `+` sign: `"NaN"`,
    /// `"Infinity"`, `"-Infinity"`.
    String,
    /// Not repaired: an error at the word, as in strict mode.
    Error,
}

impl NonFinite {
    /// Every choice, in the order of their bits.
    const ALL: [NonFinite; 3] = [NonFinite::Null, NonFinite::String, NonFinite::Error];

    /// The choice named `null`, `string` or `error`.
    ///
    /// ```
    /// use structream_parser::repair::NonFinite;
    ///
    /// assert_eq!(NonFinite::from_name("string"), Some(NonFinite::String));
    /// assert_eq!(NonFinite::from_name("zero"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<NonFinite> {
        match name {
            "null" => Some(NonFinite::Null),
            "string" => Some(NonFinite::String),
            "error" => Some(NonFinite::Error),
            _ => None,
        }
    }
}

/// A repair kind name that [`Repairs::from_names`] does not know; its
/// message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(pub String);

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown repair kind {:?}; the kinds are ", self.0)?;
        for (i, kind) in Kind::ALL.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{kind}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownKind {}

/// The bits of a [`Repairs`] set holding its [`NonFinite`] choice.
const NON_FINITE_SHIFT: u32 = 30;

/// A set of repair [`Kind`]s: [`Repairs::NONE`] (the default) repairs
/// nothing. It also holds what `NaN` and the infinities become
/// ([`Repairs::non_finite`]).
///
/// ```
/// use structream_parser::repair::{Kind, Repairs};
///
/// let some = Repairs::NONE.with(Kind::TrailingComma).with(Kind::Comment);
/// assert!(some.contains(Kind::Comment) && !some.contains(Kind::Number));
/// assert!(!Repairs::ALL.without(Kind::Number).contains(Kind::Number));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Repairs(u32);

impl Repairs {
    /// No repair.
    pub const NONE: Repairs = Repairs(0);
    /// Every kind of repair.
    pub const ALL: Repairs = Repairs((1 << Kind::ALL.len()) - 1);

    /// This set and `kind`.
    #[must_use]
    pub fn with(self, kind: Kind) -> Repairs {
        Repairs(self.0 | kind.bit())
    }

    /// This set without `kind`.
    #[must_use]
    pub fn without(self, kind: Kind) -> Repairs {
        Repairs(self.0 & !kind.bit())
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 & Repairs::ALL.0 == 0
    }

    /// This set, with `NaN` and the infinities read as `how` says.
    ///
    /// ```
    /// use structream_parser::document::{Document, Options};
    /// use structream_parser::repair::{NonFinite, Repairs};
    ///
    /// let repairs = Repairs::ALL.non_finite(NonFinite::String);
    /// let mut doc = Document::with_options(Options::default().repair(repairs));
    /// doc.feed(b"[NaN, -Infinity]")?;
    /// assert_eq!(doc.finish()?.snapshot().unwrap().to_json(), r#"["NaN","-Infinity"]"#);
    ///
    /// let repairs = Repairs::ALL.non_finite(NonFinite::Error);
    /// let mut doc = Document::with_options(Options::default().repair(repairs));
    /// assert!(doc.feed(b"[1, NaN]").is_err());
    /// # Ok::<(), structream_parser::Error>(())
    /// ```
    #[must_use]
    pub fn non_finite(self, how: NonFinite) -> Repairs {
        let bits = NonFinite::ALL.iter().position(|&n| n == how).unwrap_or(0) as u32;
        Repairs(self.0 & Repairs::ALL.0 | bits << NON_FINITE_SHIFT)
    }

    /// What `NaN` and the infinities become ([`NonFinite::Null`] unless
    /// set).
    pub fn non_finite_as(self) -> NonFinite {
        let bits = (self.0 >> NON_FINITE_SHIFT) as usize;
        NonFinite::ALL.get(bits).copied().unwrap_or_default()
    }
}

impl Repairs {
    /// The set of the kinds named (as [`Kind::name`] gives them); `all`
    /// names every kind. Bindings and command lines take repair sets this
    /// way.
    ///
    /// ```
    /// use structream_parser::repair::{Kind, Repairs};
    ///
    /// let set = Repairs::from_names(["trailing-comma", "comment"])?;
    /// assert!(set.contains(Kind::Comment) && !set.contains(Kind::Number));
    /// assert_eq!(Repairs::from_names(["all"])?, Repairs::ALL);
    /// let error = Repairs::from_names(["commas"]).unwrap_err();
    /// assert!(error.to_string().starts_with(r#"unknown repair kind "commas"; the kinds are"#));
    /// # Ok::<(), structream_parser::repair::UnknownKind>(())
    /// ```
    pub fn from_names<'a>(
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Repairs, UnknownKind> {
        names.into_iter().try_fold(Repairs::NONE, |set, name| {
            if name == "all" {
                return Ok(Repairs::ALL);
            }
            Kind::from_name(name)
                .map(|kind| set.with(kind))
                .ok_or_else(|| UnknownKind(name.to_owned()))
        })
    }
}

impl FromIterator<Kind> for Repairs {
    fn from_iter<I: IntoIterator<Item = Kind>>(kinds: I) -> Self {
        kinds.into_iter().fold(Repairs::NONE, Repairs::with)
    }
}

impl fmt::Debug for Repairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut set = f.debug_set();
        set.entries(Kind::ALL.iter().filter(|&&k| self.contains(k)));
        if self.non_finite_as() != NonFinite::Null {
            set.entry(&self.non_finite_as());
        }
        set.finish()
    }
}

/// One repair made: its kind and the byte offset in the input where it was
/// made (of the byte repaired, or of the byte before which something was
/// put in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repair {
    kind: Kind,
    offset: u64,
}

impl Repair {
    pub(crate) fn new(kind: Kind, offset: u64) -> Repair {
        Repair { kind, offset }
    }

    /// What was repaired.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Where: the absolute byte offset in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}
