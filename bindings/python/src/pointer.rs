//! JSON Pointers (RFC 6901) as the document writes them: splitting off the
//! last reference token; tokens are decoded by the parser's
//! `unescape_segment`.

/// Splits `path` into its parent's pointer and its last reference token
/// (still escaped). `None` for the root (`""`).
pub(crate) fn split_last(path: &str) -> Option<(&str, &str)> {
    let slash = path.rfind('/')?;
    Some((&path[..slash], &path[slash + 1..]))
}

/// The reference tokens of `path` after its first `prefix_len` bytes (a
/// prefix that ends at a token boundary), still escaped.
pub(crate) fn tokens_after(path: &str, prefix_len: usize) -> impl Iterator<Item = &str> {
    let rest = &path[prefix_len..];
    rest.strip_prefix('/')
        .into_iter()
        .flat_map(|rest| rest.split('/'))
}

/// Decodes one reference token: `~1` is `/`, `~0` is `~` (the parser's
/// decoder, the one every crate uses).
pub(crate) use structream_parser::document::unescape_segment as unescape;

/// Whether `prefix` is `path` or one of its ancestors.
pub(crate) fn is_ancestor_or_self(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// An array index token: canonical decimal digits (`0`, `12`, not `012`).
pub(crate) fn index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.is_empty() && !token.starts_with('0'));
    if canonical && token.bytes().all(|b| b.is_ascii_digit()) {
        token.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_decodes() {
        assert_eq!(split_last(""), None);
        assert_eq!(split_last("/a"), Some(("", "a")));
        assert_eq!(split_last("/a/b~1c"), Some(("/a", "b~1c")));
        assert_eq!(unescape("b~1c~0d~01"), "b/c~d~1");
        assert_eq!(tokens_after("/a/b/c", 2).collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(tokens_after("/a", 2).count(), 0);
        assert!(is_ancestor_or_self("/a", "/a/b"));
        assert!(is_ancestor_or_self("", "/a"));
        assert!(!is_ancestor_or_self("/a", "/ab"));
        assert_eq!(index("10"), Some(10));
        assert_eq!(index("010"), None);
        assert_eq!(index("-1"), None);
    }
}
