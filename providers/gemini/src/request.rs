//! Request bodies per mode.

use serde_json::{Map, Value, json};
use structream_provider::request::{json_instruction, system_with};
use structream_provider::schema::gemini_subset;
use structream_provider::{Error, Mode, Role, SchemaSpec, StructuredRequest};

fn subset(spec: &SchemaSpec) -> Result<Value, Error> {
    gemini_subset(&spec.schema)
        .map_err(|e| Error::InvalidRequest(format!("schema {}: {e}", spec.name)))
}

fn declaration(spec: &SchemaSpec) -> Result<Value, Error> {
    let mut d = Map::new();
    d.insert("name".into(), json!(spec.name));
    if let Some(desc) = &spec.description {
        d.insert("description".into(), json!(desc));
    }
    d.insert("parameters".into(), subset(spec)?);
    Ok(Value::Object(d))
}

/// The `streamGenerateContent` body of a structured call.
pub fn generate_body(req: &StructuredRequest) -> Result<Value, Error> {
    let extra = match req.mode {
        Mode::Json => Some(json_instruction(req.single_schema()?, false)),
        Mode::MarkdownJson => Some(json_instruction(req.single_schema()?, true)),
        _ => None,
    };
    let mut body = Map::new();
    let contents: Vec<Value> = req
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                _ => "model",
            };
            json!({"role": role, "parts": [{"text": m.content}]})
        })
        .collect();
    if contents.is_empty() {
        return Err(Error::InvalidRequest(
            "generateContent needs at least one message".into(),
        ));
    }
    body.insert("contents".into(), Value::Array(contents));
    if let Some(s) = system_with(req.system.as_deref(), extra.as_deref()) {
        body.insert("systemInstruction".into(), json!({"parts": [{"text": s}]}));
    }
    let mut gen_config = Map::new();
    if let Some(n) = req.max_tokens {
        gen_config.insert("maxOutputTokens".into(), json!(n));
    }
    if let Some(t) = req.temperature {
        gen_config.insert("temperature".into(), json!(t));
    }
    match req.mode {
        Mode::Tools | Mode::ParallelTools => {
            let schemas = req.some_schemas()?;
            let decls = schemas
                .iter()
                .map(declaration)
                .collect::<Result<Vec<_>, _>>()?;
            body.insert("tools".into(), json!([{"functionDeclarations": decls}]));
            let names: Vec<&str> = schemas.iter().map(|s| s.name.as_str()).collect();
            body.insert(
                "toolConfig".into(),
                json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": names}}),
            );
        }
        Mode::JsonSchema => {
            let spec = req.single_schema()?;
            gen_config.insert("responseMimeType".into(), json!("application/json"));
            gen_config.insert("responseSchema".into(), subset(spec)?);
        }
        Mode::Json => {
            gen_config.insert("responseMimeType".into(), json!("application/json"));
        }
        _ => {}
    }
    if !gen_config.is_empty() {
        body.insert("generationConfig".into(), Value::Object(gen_config));
    }
    Ok(Value::Object(body))
}
