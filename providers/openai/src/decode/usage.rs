//! Token counts as the OpenAI protocols spell them: `prompt_tokens` /
//! `completion_tokens` (Chat Completions) or `input_tokens` /
//! `output_tokens` (Responses), with their `…_details`.

use structream_provider::Usage;
use structream_provider::envelope::{ReadError, Reader, Token};

const FIELDS: &[&str] = &[
    "prompt_tokens",
    "input_tokens",
    "completion_tokens",
    "output_tokens",
    "completion_tokens_details",
    "output_tokens_details",
    "prompt_tokens_details",
    "input_tokens_details",
];

/// Reads a `usage` object; `None` for `null`.
pub(crate) fn read_usage(r: &mut Reader<'_, '_>, value: Token) -> Result<Option<Usage>, ReadError> {
    if value == Token::Null {
        return Ok(None);
    }
    let mut usage = Usage::default();
    r.object(value, FIELDS, |r, key, value| match key {
        "prompt_tokens" | "input_tokens" => {
            count(r, value).map(|v| usage.input_tokens = v.unwrap_or(0))
        }
        "completion_tokens" | "output_tokens" => {
            count(r, value).map(|v| usage.output_tokens = v.unwrap_or(0))
        }
        "completion_tokens_details" | "output_tokens_details" => {
            detail(r, value, "reasoning_tokens").map(|v| usage.reasoning_tokens = v)
        }
        "prompt_tokens_details" | "input_tokens_details" => {
            detail(r, value, "cached_tokens").map(|v| usage.cached_tokens = v)
        }
        _ => r.skip(value),
    })?;
    Ok(Some(usage))
}

fn count(r: &mut Reader<'_, '_>, value: Token) -> Result<Option<u64>, ReadError> {
    r.unsigned(value, u64::MAX)
}

/// One count of a `…_details` object (`None` for `null` or when absent).
fn detail(r: &mut Reader<'_, '_>, value: Token, name: &str) -> Result<Option<u64>, ReadError> {
    let mut found = None;
    if value != Token::Null {
        r.object(
            value,
            &["reasoning_tokens", "cached_tokens"],
            |r, key, value| {
                if key == name {
                    found = count(r, value)?;
                } else if matches!(key, "reasoning_tokens" | "cached_tokens") {
                    count(r, value)?;
                } else {
                    r.skip(value)?;
                }
                Ok(())
            },
        )?;
    }
    Ok(found)
}
