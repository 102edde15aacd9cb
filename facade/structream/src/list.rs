//! How the answer of a list call is read besides its items: whether it is
//! the wrapper object that was asked for, and, in text, the rest of a bare
//! array whose first item was taken for the value.

use serde_json::Value;
use structream_parser::{Event, Tokenizer};

use crate::schema::ITEMS_FIELD;

/// Whether `json` (a complete value) is exactly the wrapper asked for, an
/// object whose only member is the list: `{"items": [...]}`. One tokenizer
/// pass; nothing of the list is built (its items were checked as they
/// closed).
pub(crate) fn is_wrapper(json: &str) -> bool {
    let mut tok = Tokenizer::new();
    let mut depth = 0usize;
    let mut key = String::new();
    let mut members = 0usize;
    let mut fits = true;
    let fed = tok.feed_with(json.as_bytes(), |event| {
        if depth == 1 {
            match event {
                Event::Key(k) => {
                    if k.is_first() {
                        key.clear();
                    }
                    key.push_str(k.as_str());
                    return;
                }
                Event::ObjectEnd => {}
                // A member's value.
                value => {
                    members += 1;
                    fits &= key == ITEMS_FIELD && matches!(value, Event::ArrayStart);
                }
            }
        } else if depth == 0 {
            fits &= matches!(event, Event::ObjectStart);
        }
        match event {
            Event::ObjectStart | Event::ArrayStart => depth += 1,
            Event::ObjectEnd | Event::ArrayEnd => depth -= 1,
            _ => {}
        }
    });
    fed.is_ok() && tok.finish_with(|_| {}).is_ok() && fits && members == 1
}

/// Whether the text after a value goes on as a list of objects does: a `,`
/// and then a `{`.
pub(crate) fn list_continues(rest: &str) -> bool {
    rest.trim_start()
        .strip_prefix(',')
        .is_some_and(|r| r.trim_start().starts_with('{'))
}

/// The items of a list after its first, as compact JSON, from the text
/// after the first (`, {…}, {…} ]`); what is wrong if it is not that.
pub(crate) fn list_rest(rest: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut text = rest;
    loop {
        text = text.trim_start();
        if text.starts_with(']') {
            return Ok(items);
        }
        let Some(after) = text.strip_prefix(',') else {
            return Err(format!(
                "expected `,` or `]` after item {}",
                items.len() + 1
            ));
        };
        let mut values = serde_json::Deserializer::from_str(after).into_iter::<Value>();
        match values.next() {
            Some(Ok(value)) => items.push(value.to_string()),
            Some(Err(e)) => return Err(format!("item {}: {e}", items.len() + 2)),
            None => return Err(format!("the text ends after item {}", items.len() + 1)),
        }
        text = &after[values.byte_offset()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_is_an_object_with_the_list_alone() {
        for yes in [r#"{"items":[]}"#, r#"{"items":[{"a":{"items":1}},[2]]}"#] {
            assert!(is_wrapper(yes), "{yes}");
        }
        for no in [
            r#"[{"items":[]}]"#,
            r#"{"items":[],"total":1}"#,
            r#"{"total":1,"items":[]}"#,
            r#"{"items":{}}"#,
            r#"{"items":[],"items":[]}"#,
            r#"{"it\u0065ms":"x"}"#,
            r#"{}"#,
            r#""items""#,
            r#"{"items":["#,
        ] {
            assert!(!is_wrapper(no), "{no}");
        }
        // An escaped key is the same key.
        assert!(is_wrapper(r#"{"it\u0065ms":[1]}"#));
    }

    #[test]
    fn the_rest_of_a_bare_list_is_read_up_to_its_end() {
        assert!(list_continues(" ,\n {\"a\": 1}]"));
        assert!(!list_continues(", as asked."));
        assert!(!list_continues("]"));
        assert_eq!(
            list_rest(r#", {"a": 1} ,{"b": [2]}] and prose"#),
            Ok(vec![r#"{"a":1}"#.to_owned(), r#"{"b":[2]}"#.to_owned()])
        );
        assert_eq!(
            list_rest(r#", {"a": 1} {"b": 2}]"#),
            Err("expected `,` or `]` after item 2".to_owned())
        );
        assert!(
            list_rest(r#", {"a": 1}, {"b"#)
                .unwrap_err()
                .starts_with("item 3: ")
        );
        assert_eq!(
            list_rest(", {\"a\": 1}"),
            Err("expected `,` or `]` after item 2".to_owned())
        );
    }
}
