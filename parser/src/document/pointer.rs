//! JSON Pointers (RFC 6901): building the path of the current node, and
//! patterns with a `*` wildcard that select nodes as they open.

use std::borrow::Cow;
use std::fmt;

/// Appends `segment` to `out` as a JSON Pointer reference token
/// (`~` as `~0`, `/` as `~1`), with its leading `/`: the one place a
/// pointer is escaped, for the document's paths and for every crate that
/// writes pointers.
///
/// ```
/// use structream_parser::document::push_segment;
///
/// let mut path = String::new();
/// push_segment(&mut path, "a/b");
/// push_segment(&mut path, "~x");
/// assert_eq!(path, "/a~1b/~0x");
/// ```
pub fn push_segment(out: &mut String, segment: &str) {
    out.push('/');
    if !segment.contains(['~', '/']) {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Decodes one reference token of a JSON Pointer (`~1` is `/`, `~0` is
/// `~`); borrowed unless it holds an escape.
///
/// ```
/// use structream_parser::document::unescape_segment;
///
/// assert_eq!(unescape_segment("b~1c~0d~01"), "b/c~d~1");
/// assert!(matches!(unescape_segment("plain"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn unescape_segment(token: &str) -> Cow<'_, str> {
    if !token.as_bytes().contains(&b'~') {
        return Cow::Borrowed(token);
    }
    Cow::Owned(unescape(token))
}

/// `token` with `~1` read as `/` and `~0` as `~`.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Splits a JSON Pointer into its first reference token (decoded) and the
/// pointer after it (still escaped); `None` for the root (`""`). Walking a
/// path this way allocates nothing unless a token holds an escape.
///
/// ```
/// use structream_parser::document::split_first_segment;
///
/// let (first, rest) = split_first_segment("/a~1b/0/c").unwrap();
/// assert_eq!((&*first, rest), ("a/b", "/0/c"));
/// assert_eq!(split_first_segment(""), None);
/// ```
pub fn split_first_segment(pointer: &str) -> Option<(Cow<'_, str>, &str)> {
    if pointer.is_empty() {
        return None;
    }
    let body = pointer.strip_prefix('/').unwrap_or(pointer);
    // One pass: segments are short (a member name, an index), where a
    // plain loop beats two searches (for the `/` and for a `~`).
    let mut end = body.len();
    let mut escaped = false;
    for (i, &b) in body.as_bytes().iter().enumerate() {
        if b == b'/' {
            end = i;
            break;
        }
        escaped |= b == b'~';
    }
    let (token, rest) = body.split_at(end);
    let token = if escaped {
        Cow::Owned(unescape(token))
    } else {
        Cow::Borrowed(token)
    };
    Some((token, rest))
}

/// Appends an array index to `out` as a pointer segment.
pub(crate) fn push_index(out: &mut String, index: usize) {
    use fmt::Write;
    let _ = write!(out, "/{index}");
}

/// One segment of a [`Pattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `*`: any array index or object member.
    Any,
    /// A member name, or an array index when it is a canonical number.
    Name { name: String, index: Option<usize> },
}

/// A JSON Pointer with `*` wildcards, selecting nodes by their path.
///
/// `""` is the root, `/users` the member `users` of the root object,
/// `/sections/*/bullets` the member `bullets` of every item (or member) of
/// `sections`, `/rows/0` the first item only. `~0` and `~1` escape `~` and
/// `/` as in RFC 6901; a segment that is exactly `*` is always the wildcard.
///
/// ```
/// use structream_parser::document::Pattern;
///
/// let p: Pattern = "/sections/*/bullets".parse()?;
/// assert_eq!(p.to_string(), "/sections/*/bullets");
/// assert!("users".parse::<Pattern>().is_err()); // must start with `/`
/// # Ok::<(), structream_parser::document::PatternError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segments: Vec<Segment>,
    text: String,
}

/// A string that is not a valid [`Pattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    text: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid JSON Pointer pattern {:?}: it must be empty or start with '/', and '~' must be followed by 0 or 1",
            self.text
        )
    }
}

impl std::error::Error for PatternError {}

impl std::str::FromStr for Pattern {
    type Err = PatternError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || PatternError {
            text: text.to_owned(),
        };
        if text.is_empty() {
            return Ok(Pattern {
                segments: Vec::new(),
                text: String::new(),
            });
        }
        let rest = text.strip_prefix('/').ok_or_else(err)?;
        let mut segments = Vec::new();
        for raw in rest.split('/') {
            if raw == "*" {
                segments.push(Segment::Any);
                continue;
            }
            let mut name = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => name.push('~'),
                        Some('1') => name.push('/'),
                        _ => return Err(err()),
                    }
                } else {
                    name.push(c);
                }
            }
            let canonical = name == "0" || (!name.starts_with('0') && !name.is_empty());
            let index = if canonical && name.bytes().all(|b| b.is_ascii_digit()) {
                name.parse().ok()
            } else {
                None
            };
            segments.push(Segment::Name { name, index });
        }
        Ok(Pattern {
            segments,
            text: text.to_owned(),
        })
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where a node sits in its parent: what a pattern segment is matched with.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    Index(usize),
    Key(&'a str),
}

impl Pattern {
    /// Number of segments.
    pub(crate) fn len(&self) -> usize {
        self.segments.len()
    }

    /// Whether segment `at` matches `step`.
    pub(crate) fn matches(&self, at: usize, step: Step<'_>) -> bool {
        match (&self.segments[at], step) {
            (Segment::Any, _) => true,
            (Segment::Name { index, .. }, Step::Index(i)) => *index == Some(i),
            (Segment::Name { name, .. }, Step::Key(k)) => name == k,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped_and_unescaped() {
        let mut out = String::new();
        push_segment(&mut out, "a/b~c");
        push_index(&mut out, 12);
        assert_eq!(out, "/a~1b~0c/12");
        let p: Pattern = "/a~1b~0c/*/0".parse().unwrap();
        assert!(p.matches(0, Step::Key("a/b~c")));
        assert!(p.matches(1, Step::Index(3)) && p.matches(1, Step::Key("x")));
        assert!(p.matches(2, Step::Index(0)) && p.matches(2, Step::Key("0")));
        assert!(!p.matches(2, Step::Index(1)));
        for bad in ["x", "/~2", "/a~"] {
            assert!(bad.parse::<Pattern>().is_err(), "{bad}");
        }
        let leading_zero: Pattern = "/01".parse().unwrap();
        assert!(!leading_zero.matches(0, Step::Index(1)));
        assert!(leading_zero.matches(0, Step::Key("01")));
    }

    #[test]
    fn a_pointer_is_walked_one_decoded_segment_at_a_time() {
        let mut rest = "/a~1b/~0/plain/b~1c~0d~01/";
        let mut segments = Vec::new();
        while let Some((first, after)) = split_first_segment(rest) {
            // Borrowed exactly when the segment holds no escape.
            assert_eq!(
                matches!(first, Cow::Borrowed(_)),
                !first.contains(['/', '~'])
            );
            segments.push(first.into_owned());
            rest = after;
        }
        assert_eq!(segments, ["a/b", "~", "plain", "b/c~d~1", ""]);
        // An escape after the first segment is left for the next call.
        let (first, after) = split_first_segment("/x/y~1z").unwrap();
        assert!(matches!(first, Cow::Borrowed("x")));
        assert_eq!(after, "/y~1z");
        assert_eq!(split_first_segment("/"), Some((Cow::Borrowed(""), "")));
    }
}
