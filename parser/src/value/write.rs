//! Compact JSON text, escaped the way serde_json escapes.

use super::Value;

/// Appends `s` to `out` as a JSON string literal, quotes included: `"` and
/// `\` backslash-escaped, control characters as `\n`-style or `\u00XX`
/// escapes, everything else (non-ASCII included) as is.
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    escape_into(s, out);
    out.push('"');
}

/// Appends `s` JSON-escaped (as inside a string literal, without quotes).
///
/// A text with nothing to escape (nearly every fragment of a stream) is
/// copied in the caller's own code; only an escape leaves it, for
/// [`escape_from`]. Fragments are a few bytes long, so the call saved is a
/// good part of their cost.
#[inline(always)]
pub(crate) fn escape_into(s: &str, out: &mut String) {
    // The bytes that need an escape are those that end a string run: found
    // eight at a time.
    let i = crate::tokenizer::scan::string_run_end(s.as_bytes(), 0);
    if i == s.len() {
        out.push_str(s);
    } else {
        escape_from(s, i, out);
    }
}

/// [`escape_into`] from the first byte to escape, at `i`.
#[inline(never)]
fn escape_from(s: &str, mut i: usize, out: &mut String) {
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(&b) = bytes.get(i) {
        out.push_str(&s[start..i]);
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            _ => "",
        };
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
        i = crate::tokenizer::scan::string_run_end(bytes, start);
    }
    out.push_str(&s[start..]);
}

/// Appends the compact JSON text of `value` to `out`.
pub(super) fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(n.as_str()),
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let samples = [
            "plain",
            "quote\" back\\slash",
            "\u{0}\u{1f}\u{7f}\n\r\t\u{8}\u{c}",
            "é😀/<>",
        ];
        for s in samples {
            let mut ours = String::new();
            write_json_string(s, &mut ours);
            assert_eq!(ours, serde_json::to_string(s).unwrap());
        }
    }
}
