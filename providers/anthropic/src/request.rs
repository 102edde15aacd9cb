//! Request bodies per mode.

use serde_json::{Map, Value, json};
use structream_provider::request::{json_instruction, system_with};
use structream_provider::schema::openai_strict;
use structream_provider::{Error, Mode, Role, SchemaSpec, StructuredRequest};

/// The beta header value that enables `output_format` (JSON schema output).
pub const STRUCTURED_OUTPUTS_BETA: &str = "structured-outputs-2025-11-13";

fn tool(spec: &SchemaSpec) -> Value {
    let mut t = Map::new();
    t.insert("name".into(), json!(spec.name));
    if let Some(d) = &spec.description {
        t.insert("description".into(), json!(d));
    }
    t.insert("input_schema".into(), spec.schema.clone());
    Value::Object(t)
}

/// The Messages API body of a streamed structured call.
pub fn messages_body(req: &StructuredRequest, default_max_tokens: u32) -> Result<Value, Error> {
    let extra = match req.mode {
        Mode::Json => Some(json_instruction(req.single_schema()?, false)),
        Mode::MarkdownJson => Some(json_instruction(req.single_schema()?, true)),
        _ => None,
    };
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    body.insert(
        "max_tokens".into(),
        json!(req.max_tokens.unwrap_or(default_max_tokens)),
    );
    if let Some(s) = system_with(req.system.as_deref(), extra.as_deref()) {
        body.insert("system".into(), json!(s));
    }
    let messages: Vec<Value> = req
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                _ => "assistant",
            };
            json!({"role": role, "content": m.content})
        })
        .collect();
    if messages.is_empty() {
        return Err(Error::InvalidRequest(
            "the Messages API needs at least one message".into(),
        ));
    }
    body.insert("messages".into(), Value::Array(messages));
    if let Some(t) = req.temperature {
        body.insert("temperature".into(), json!(t));
    }
    body.insert("stream".into(), json!(true));
    match req.mode {
        Mode::Tools => {
            let schemas = req.some_schemas()?;
            body.insert("tools".into(), schemas.iter().map(tool).collect());
            let choice = match schemas {
                [one] => {
                    json!({"type": "tool", "name": one.name, "disable_parallel_tool_use": true})
                }
                _ => json!({"type": "any", "disable_parallel_tool_use": true}),
            };
            body.insert("tool_choice".into(), choice);
        }
        Mode::ParallelTools => {
            let schemas = req.some_schemas()?;
            body.insert("tools".into(), schemas.iter().map(tool).collect());
            body.insert("tool_choice".into(), json!({"type": "any"}));
        }
        Mode::JsonSchema => {
            let spec = req.single_schema()?;
            body.insert(
                "output_format".into(),
                json!({"type": "json_schema", "schema": openai_strict(&spec.schema)}),
            );
        }
        _ => {}
    }
    Ok(Value::Object(body))
}
