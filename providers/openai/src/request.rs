//! Request bodies per mode: Chat Completions, Responses, Ollama's native
//! `/api/chat`.

use serde_json::{Map, Value, json};
use structream_provider::request::{json_instruction, system_with};
use structream_provider::schema::openai_strict;
use structream_provider::{Error, Mode, Role, SchemaSpec, StructuredRequest};

use crate::config::Vendor;

fn role(r: Role) -> &'static str {
    match r {
        Role::User => "user",
        // `Role` is non-exhaustive; every other role speaks for the model.
        _ => "assistant",
    }
}

/// The system prompt plus, in the prompted JSON modes, the instruction that
/// carries the schema.
fn system_prompt(req: &StructuredRequest) -> Result<Option<String>, Error> {
    let extra = match req.mode {
        Mode::Json => Some(json_instruction(req.single_schema()?, false)),
        Mode::MarkdownJson => Some(json_instruction(req.single_schema()?, true)),
        _ => None,
    };
    Ok(system_with(req.system.as_deref(), extra.as_deref()))
}

fn messages(req: &StructuredRequest, system: Option<String>) -> Vec<Value> {
    let mut out = Vec::with_capacity(req.messages.len() + 1);
    if let Some(s) = system {
        out.push(json!({"role": "system", "content": s}));
    }
    for m in &req.messages {
        out.push(json!({"role": role(m.role), "content": m.content}));
    }
    out
}

fn schema_for(spec: &SchemaSpec, strict: bool) -> Value {
    if strict {
        openai_strict(&spec.schema)
    } else {
        spec.schema.clone()
    }
}

fn chat_tool(spec: &SchemaSpec, strict: bool) -> Value {
    let mut f = Map::new();
    f.insert("name".into(), json!(spec.name));
    if let Some(d) = &spec.description {
        f.insert("description".into(), json!(d));
    }
    f.insert("parameters".into(), schema_for(spec, strict));
    if strict {
        f.insert("strict".into(), json!(true));
    }
    json!({"type": "function", "function": f})
}

/// The Chat Completions body of a streamed structured call.
pub fn chat_body(req: &StructuredRequest, vendor: Vendor) -> Result<Value, Error> {
    let strict = vendor.strict();
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    body.insert("messages".into(), json!(messages(req, system_prompt(req)?)));
    body.insert("stream".into(), json!(true));
    if vendor.stream_options() {
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if let Some(n) = req.max_tokens {
        let field = if vendor.max_completion_tokens() {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body.insert(field.into(), json!(n));
    }
    if let Some(t) = req.temperature {
        body.insert("temperature".into(), json!(t));
    }
    match req.mode {
        Mode::Tools => {
            let schemas = req.some_schemas()?;
            let tools: Vec<Value> = schemas.iter().map(|s| chat_tool(s, strict)).collect();
            body.insert("tools".into(), Value::Array(tools));
            if let [one] = schemas {
                body.insert(
                    "tool_choice".into(),
                    json!({"type": "function", "function": {"name": one.name}}),
                );
            } else {
                body.insert("tool_choice".into(), json!("required"));
            }
            if vendor.parallel_tool_calls() {
                body.insert("parallel_tool_calls".into(), json!(false));
            }
        }
        Mode::ParallelTools => {
            let tools: Vec<Value> = req
                .some_schemas()?
                .iter()
                .map(|s| chat_tool(s, strict))
                .collect();
            body.insert("tools".into(), Value::Array(tools));
            body.insert("tool_choice".into(), json!("required"));
            if vendor.parallel_tool_calls() {
                body.insert("parallel_tool_calls".into(), json!(true));
            }
        }
        Mode::JsonSchema => {
            let spec = req.single_schema()?;
            let mut js = Map::new();
            js.insert("name".into(), json!(spec.name));
            if let Some(d) = &spec.description {
                js.insert("description".into(), json!(d));
            }
            js.insert("schema".into(), schema_for(spec, strict));
            if strict {
                js.insert("strict".into(), json!(true));
            }
            body.insert(
                "response_format".into(),
                json!({"type": "json_schema", "json_schema": js}),
            );
        }
        Mode::Json => {
            body.insert("response_format".into(), json!({"type": "json_object"}));
        }
        Mode::MarkdownJson => {}
        // `Mode` is non-exhaustive; the provider checked the mode before.
        _ => {}
    }
    Ok(Value::Object(body))
}

/// The Responses API body of a streamed structured call.
pub fn responses_body(req: &StructuredRequest) -> Result<Value, Error> {
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    if let Some(s) = system_prompt(req)? {
        body.insert("instructions".into(), json!(s));
    }
    let input: Vec<Value> = req
        .messages
        .iter()
        .map(|m| json!({"role": role(m.role), "content": m.content}))
        .collect();
    body.insert("input".into(), Value::Array(input));
    body.insert("stream".into(), json!(true));
    if let Some(n) = req.max_tokens {
        body.insert("max_output_tokens".into(), json!(n));
    }
    if let Some(t) = req.temperature {
        body.insert("temperature".into(), json!(t));
    }
    let tool = |s: &SchemaSpec| {
        let mut t = Map::new();
        t.insert("type".into(), json!("function"));
        t.insert("name".into(), json!(s.name));
        if let Some(d) = &s.description {
            t.insert("description".into(), json!(d));
        }
        t.insert("parameters".into(), openai_strict(&s.schema));
        t.insert("strict".into(), json!(true));
        Value::Object(t)
    };
    match req.mode {
        Mode::Tools | Mode::ParallelTools => {
            let schemas = req.some_schemas()?;
            body.insert(
                "tools".into(),
                Value::Array(schemas.iter().map(tool).collect()),
            );
            match (req.mode, schemas) {
                (Mode::Tools, [one]) => {
                    body.insert(
                        "tool_choice".into(),
                        json!({"type": "function", "name": one.name}),
                    );
                }
                _ => {
                    body.insert("tool_choice".into(), json!("required"));
                }
            }
            body.insert(
                "parallel_tool_calls".into(),
                json!(req.mode == Mode::ParallelTools),
            );
        }
        Mode::JsonSchema => {
            let spec = req.single_schema()?;
            let mut f = Map::new();
            f.insert("type".into(), json!("json_schema"));
            f.insert("name".into(), json!(spec.name));
            if let Some(d) = &spec.description {
                f.insert("description".into(), json!(d));
            }
            f.insert("schema".into(), openai_strict(&spec.schema));
            f.insert("strict".into(), json!(true));
            body.insert("text".into(), json!({"format": f}));
        }
        Mode::Json => {
            body.insert("text".into(), json!({"format": {"type": "json_object"}}));
        }
        _ => {}
    }
    Ok(Value::Object(body))
}

/// The body of Ollama's native `/api/chat`.
pub fn ollama_body(req: &StructuredRequest) -> Result<Value, Error> {
    let mut body = Map::new();
    body.insert("model".into(), json!(req.model));
    body.insert("messages".into(), json!(messages(req, system_prompt(req)?)));
    body.insert("stream".into(), json!(true));
    let mut options = Map::new();
    if let Some(n) = req.max_tokens {
        options.insert("num_predict".into(), json!(n));
    }
    if let Some(t) = req.temperature {
        options.insert("temperature".into(), json!(t));
    }
    if !options.is_empty() {
        body.insert("options".into(), Value::Object(options));
    }
    match req.mode {
        Mode::Tools | Mode::ParallelTools => {
            let tools: Vec<Value> = req
                .some_schemas()?
                .iter()
                .map(|s| chat_tool(s, false))
                .collect();
            body.insert("tools".into(), Value::Array(tools));
        }
        Mode::JsonSchema => {
            body.insert("format".into(), req.single_schema()?.schema.clone());
        }
        Mode::Json => {
            body.insert("format".into(), json!("json"));
        }
        _ => {}
    }
    Ok(Value::Object(body))
}
