//! Provider errors outside the frames of an event stream.
//!
//! Some servers end a stream with an error that is not a well-formed event:
//! a non-standard `error: {...}` field line, an unframed (often
//! pretty-printed) `{"error": {...}}` object after the last frame, or, when
//! the request failed before streaming began, a plain JSON error body in
//! place of the stream. The SSE rules ignore such lines, so the stream looks
//! merely cut. The [`SseDecoder`](crate::sse::SseDecoder) keeps the lines
//! that are no SSE field it uses (since the last data frame, up to
//! [`MAX_UNFRAMED`] bytes or a quarter of its line limit, whichever is
//! less), and [`provider_error_in`] reads the provider's
//! error out of them when the stream ends without its protocol's end.

use crate::error::ProviderError;

/// Most bytes of unframed lines kept; past it they are no longer read as an
/// error (error bodies are a few hundred bytes).
pub const MAX_UNFRAMED: usize = 64 * 1024;

/// The unframed lines since the last data frame, joined with `\n`, up to
/// a limit.
#[derive(Debug, Default)]
pub(crate) struct Unframed {
    text: Vec<u8>,
    /// Most bytes kept.
    limit: usize,
    /// More than `limit` bytes arrived: the text is not whole.
    overflow: bool,
}

impl Unframed {
    /// Keeps at most [`MAX_UNFRAMED`] bytes, and at most a quarter of
    /// `max_line_len` (so that it adds little to the decoder's memory
    /// bound).
    pub(crate) fn new(max_line_len: usize) -> Self {
        Unframed {
            limit: MAX_UNFRAMED.min(max_line_len / 4),
            ..Default::default()
        }
    }

    /// Keeps a line that is no SSE field.
    pub(crate) fn push(&mut self, line: &[u8]) {
        if self.overflow {
            return;
        }
        let sep = usize::from(!self.text.is_empty());
        if self.text.len() + sep + line.len() > self.limit {
            self.overflow = true;
            self.text = Vec::new();
            return;
        }
        // Exact growth: the buffer never holds more than the limit.
        self.text.reserve_exact(sep + line.len());
        if sep == 1 {
            self.text.push(b'\n');
        }
        self.text.extend_from_slice(line);
    }

    /// Forgets the lines (a data frame came after them).
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.overflow = false;
    }

    /// The provider error in the kept lines followed by `tail` (an
    /// unfinished last line), if they hold one.
    pub(crate) fn error(&self, tail: Option<&[u8]>) -> Option<ProviderError> {
        if self.overflow {
            return None;
        }
        match tail {
            Some(tail) if !tail.is_empty() => {
                let mut text = self.text.clone();
                if !text.is_empty() {
                    text.push(b'\n');
                }
                text.extend_from_slice(tail);
                provider_error_in(&text)
            }
            _ => provider_error_in(&self.text),
        }
    }
}

/// Reads a provider error out of text found outside the frames of a stream:
/// an `error:` field line (its value JSON or plain text), or a JSON error
/// object in any of the shapes [`ProviderError::from_json`] reads. `None`
/// when the text is no error.
///
/// ```
/// use structream_provider::unframed::provider_error_in;
///
/// let e = provider_error_in(b"error: {\"message\": \"Overloaded\", \"code\": 529}").unwrap();
/// assert_eq!((e.message.as_str(), e.code.as_deref()), ("Overloaded", Some("529")));
/// let e = provider_error_in(b"{\n  \"error\": {\n    \"message\": \"Bad key\"\n  }\n}").unwrap();
/// assert_eq!(e.message, "Bad key");
/// assert!(provider_error_in(b"{\"id\": 1}").is_none());
/// ```
pub fn provider_error_in(text: &[u8]) -> Option<ProviderError> {
    let text = text.trim_ascii();
    if let Some(value) = text.strip_prefix(b"error:") {
        let value = value.trim_ascii();
        return match serde_json::from_slice::<serde_json::Value>(value) {
            Ok(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(ProviderError::new(s)),
            Ok(v) => ProviderError::from_json(&v).or_else(|| {
                // `error: {"code": 500}` and the like: an error all the same.
                (!v.is_null()).then(|| ProviderError::new(v.to_string()))
            }),
            Err(_) if !value.is_empty() => Some(ProviderError::new(
                String::from_utf8_lossy(value).into_owned(),
            )),
            Err(_) => None,
        };
    }
    if !text.starts_with(b"{") && !text.starts_with(b"[") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(text).ok()?;
    ProviderError::from_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let e = provider_error_in(b"error: plain words").unwrap();
        assert_eq!(e.message, "plain words");
        let e = provider_error_in(b"error: \"quoted\"").unwrap();
        assert_eq!(e.message, "quoted");
        let e = provider_error_in(
            br#"[{"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}]"#,
        )
        .unwrap();
        assert_eq!(e.message, "API key not valid.");
        assert_eq!(e.kind.as_deref(), Some("INVALID_ARGUMENT"));
        assert_eq!(e.code.as_deref(), Some("400"));
        assert!(provider_error_in(b"").is_none());
        assert!(provider_error_in(b"error:").is_none());
        assert!(provider_error_in(b"{\"error\": ").is_none());
        assert!(provider_error_in(b"x-request-id: 12").is_none());
    }

    #[test]
    fn unframed_lines_are_bounded() {
        let mut u = Unframed::new(usize::MAX);
        u.push(b"{\"error\": {\"message\": \"m\"}}");
        assert_eq!(u.error(None).unwrap().message, "m");
        let long = vec![b' '; MAX_UNFRAMED];
        u.push(&long);
        assert!(u.error(None).is_none());
        assert!(u.text.capacity() <= MAX_UNFRAMED);
        u.clear();
        u.push(b"{\"error\": ");
        assert_eq!(
            u.error(Some(b"{\"message\": \"tail\"}}")).unwrap().message,
            "tail"
        );
        // A small line limit keeps a quarter of it.
        let mut u = Unframed::new(400);
        u.push(&[b'x'; 100]);
        assert!(!u.overflow);
        u.push(b"y");
        assert!(u.overflow && u.text.capacity() == 0);
    }
}
