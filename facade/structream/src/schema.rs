//! JSON Schemas of output types, from `schemars`, in the shapes the calls
//! need: the type itself, a list of it (for `create_iterable`), or one tool
//! per variant of an enum (for unions over parallel tool calls).
//!
//! Properties keep the struct's field order: the model generates in that
//! order, so a `reasoning` field first is what makes chain-of-thought work.
//! Doc comments become descriptions; `#[schemars(range(..), length(..))]`
//! become `minimum`/`maximum`/`minLength`/...; unit enums become `enum`.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};
use structream_parser::document::push_segment;

/// The member that holds the list in the wrapper object of an iterable
/// call (`{"items": [...]}`).
pub(crate) const ITEMS_FIELD: &str = "items";

/// The JSON Schema (draft 2020-12) of `T`, definitions under `$defs`.
pub fn schema_of<T: JsonSchema + ?Sized>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    if let Value::Object(map) = &mut value {
        map.remove("$schema");
    }
    value
}

/// The schema's name: its `title`, or `fallback`.
pub fn title_of(schema: &Value, fallback: &str) -> String {
    schema
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or(fallback)
        .to_owned()
}

/// The schema of an object whose `items` member is a list of `T`: how a
/// list is asked for in one tool call or one JSON document.
pub fn list_schema_of<T: JsonSchema + ?Sized>() -> Value {
    list_schema(schema_of::<T>())
}

/// The schema of an object whose `items` member is a list of values with
/// schema `item` (see [`list_schema_of`]).
pub fn list_schema(mut item: Value) -> Value {
    let defs = match &mut item {
        Value::Object(map) => map.remove("$defs"),
        _ => None,
    };
    let mut wrapper = json!({
        "type": "object",
        "description": format!("A list of {}", title_of(&item, "items")),
        "properties": { ITEMS_FIELD: { "type": "array", "items": item } },
        "required": [ITEMS_FIELD],
        "additionalProperties": false,
    });
    if let (Some(defs), Value::Object(map)) = (defs, &mut wrapper) {
        map.insert("$defs".into(), defs);
    }
    wrapper
}

/// For an externally tagged enum (`{"Variant": {...}}`), each variant's
/// name and schema: one tool per variant. `None` if `schema` is not such an
/// enum.
pub fn variants(schema: &Value) -> Option<Vec<(String, Value)>> {
    let alternatives = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))?
        .as_array()?;
    let defs = schema.get("$defs").cloned();
    let mut out = Vec::new();
    for alternative in alternatives {
        let props = alternative.get("properties")?.as_object()?;
        if props.len() != 1 {
            return None;
        }
        let (name, inner) = props.iter().next()?;
        let mut inner = inner.clone();
        if let (Some(defs), Value::Object(map)) = (&defs, &mut inner) {
            map.insert("$defs".into(), defs.clone());
        }
        if let (Some(description), Value::Object(map)) =
            (alternative.get("description"), &mut inner)
        {
            map.entry("description")
                .or_insert_with(|| description.clone());
        }
        out.push((name.clone(), inner));
    }
    Some(out)
}

/// How deep into a value [`validate`] goes: nodes below are not checked.
pub const MAX_DEPTH: usize = 64;

/// One way the final value breaks its schema, with the JSON Pointer of the
/// offending node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where (`""` for the root).
    pub path: String,
    /// What.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Checks `value` against `schema` for the keywords schemars emits: `type`,
/// `enum`, `const`, `properties`, `required`, `additionalProperties`,
/// `items`, `prefixItems`, `minItems`/`maxItems`, `minLength`/`maxLength`,
/// `minimum`/`maximum` (and exclusive), `multipleOf`, `anyOf`/`oneOf`/
/// `allOf`, `$ref` into `$defs`. (`pattern` and `format` are not checked.)
pub fn validate(value: &Value, schema: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    check(value, schema, schema, &mut String::new(), &mut out, 0);
    out
}

/// Whether `value` is valid against `schema`, a part of the schema `root`
/// (whose `$defs` its `$ref`s point into) `depth` levels down (the levels
/// below the depth limit are not checked).
pub(crate) fn fits(value: &Value, schema: &Value, root: &Value, depth: usize) -> bool {
    let mut out = Vec::new();
    check(value, schema, root, &mut String::new(), &mut out, depth);
    out.is_empty()
}

/// `schema` with its `$ref`s followed into `root`.
pub(crate) fn resolve<'s>(schema: &'s Value, root: &'s Value) -> &'s Value {
    let mut schema = schema;
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return schema;
        };
        let Some(target) = reference.strip_prefix('#').and_then(|p| root.pointer(p)) else {
            return schema;
        };
        schema = target;
    }
    schema
}

pub(crate) fn type_matches(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    }
}

/// The keywords of one schema object that [`check`] reads, found in one
/// pass over its members: a schema object holds a few, so a node costs a
/// short scan instead of a hash lookup for each keyword it lacks.
#[derive(Default)]
struct Keywords<'s> {
    ty: Option<&'s Value>,
    enumeration: Option<&'s Value>,
    constant: Option<&'s Value>,
    properties: Option<&'s Value>,
    required: Option<&'s Value>,
    additional: Option<&'s Value>,
    items: Option<&'s Value>,
    prefix_items: Option<&'s Value>,
    any_of: Option<&'s Value>,
    one_of: Option<&'s Value>,
    all_of: Option<&'s Value>,
    minimum: Option<&'s Value>,
    maximum: Option<&'s Value>,
    exclusive_minimum: Option<&'s Value>,
    exclusive_maximum: Option<&'s Value>,
    multiple_of: Option<&'s Value>,
    min_length: Option<&'s Value>,
    max_length: Option<&'s Value>,
    min_items: Option<&'s Value>,
    max_items: Option<&'s Value>,
}

impl<'s> Keywords<'s> {
    fn of(schema: &'s Map<String, Value>) -> Self {
        let mut k = Keywords::default();
        for (key, value) in schema {
            let slot = match key.as_str() {
                "type" => &mut k.ty,
                "enum" => &mut k.enumeration,
                "const" => &mut k.constant,
                "properties" => &mut k.properties,
                "required" => &mut k.required,
                "additionalProperties" => &mut k.additional,
                "items" => &mut k.items,
                "prefixItems" => &mut k.prefix_items,
                "anyOf" => &mut k.any_of,
                "oneOf" => &mut k.one_of,
                "allOf" => &mut k.all_of,
                "minimum" => &mut k.minimum,
                "maximum" => &mut k.maximum,
                "exclusiveMinimum" => &mut k.exclusive_minimum,
                "exclusiveMaximum" => &mut k.exclusive_maximum,
                "multipleOf" => &mut k.multiple_of,
                "minLength" => &mut k.min_length,
                "maxLength" => &mut k.max_length,
                "minItems" => &mut k.min_items,
                "maxItems" => &mut k.max_items,
                _ => continue,
            };
            *slot = Some(value);
        }
        k
    }
}

fn check(
    value: &Value,
    schema: &Value,
    root: &Value,
    path: &mut String,
    out: &mut Vec<Violation>,
    depth: usize,
) {
    let schema = resolve(schema, root);
    let Value::Object(s) = schema else {
        if schema == &Value::Bool(false) {
            out.push(Violation {
                path: path.clone(),
                message: "no value is allowed here".into(),
            });
        }
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    let k = Keywords::of(s);
    let mut fail = |message: String| {
        out.push(Violation {
            path: path.clone(),
            message,
        })
    };
    if let Some(ty) = k.ty {
        let names = || -> Vec<&str> {
            match ty {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            }
        };
        let fits = match ty {
            Value::String(t) => type_matches(value, t),
            Value::Array(ts) => {
                let mut named = ts.iter().filter_map(Value::as_str).peekable();
                named.peek().is_none() || named.any(|t| type_matches(value, t))
            }
            _ => true,
        };
        if !fits {
            fail(format!(
                "expected {}, found {}",
                names().join(" or "),
                kind(value)
            ));
            return;
        }
    }
    if let Some(Value::Array(allowed)) = k.enumeration {
        if !allowed.contains(value) {
            fail(format!(
                "{value} is not one of {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    if let Some(c) = k.constant {
        if c != value {
            fail(format!("expected {c}, found {value}"));
        }
    }
    bounds(value, &k, &mut fail);
    match value {
        Value::Object(members) => check_object(members, &k, root, path, out, depth),
        Value::Array(items) => {
            let prefix = k.prefix_items.and_then(Value::as_array);
            for (i, item) in items.iter().enumerate() {
                let sub = prefix.and_then(|p| p.get(i)).or(k.items);
                if let Some(sub) = sub {
                    let len = path.len();
                    push_index(path, i);
                    check(item, sub, root, path, out, depth + 1);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
    for (keyword, alternatives, need) in [
        ("anyOf", k.any_of, 1..=usize::MAX),
        ("oneOf", k.one_of, 1..=1),
    ] {
        if let Some(Value::Array(alternatives)) = alternatives {
            let ok = alternatives
                .iter()
                .filter(|alt| {
                    let mut sub = Vec::new();
                    check(value, alt, root, &mut path.clone(), &mut sub, depth + 1);
                    sub.is_empty()
                })
                .count();
            if !need.contains(&ok) {
                out.push(Violation {
                    path: path.clone(),
                    message: format!("matches {ok} of the {keyword} alternatives"),
                });
            }
        }
    }
    if let Some(Value::Array(all)) = k.all_of {
        for sub in all {
            check(value, sub, root, path, out, depth + 1);
        }
    }
}

/// Appends `/i` to `path`.
fn push_index(path: &mut String, i: usize) {
    use std::fmt::Write;
    let _ = write!(path, "/{i}");
}

fn check_object(
    members: &Map<String, Value>,
    k: &Keywords<'_>,
    root: &Value,
    path: &mut String,
    out: &mut Vec<Violation>,
    depth: usize,
) {
    let props = k.properties.and_then(Value::as_object);
    if let Some(Value::Array(required)) = k.required {
        for name in required.iter().filter_map(Value::as_str) {
            if !members.contains_key(name) {
                out.push(Violation {
                    path: path.clone(),
                    message: format!("missing field `{name}`"),
                });
            }
        }
    }
    for (name, member) in members {
        let len = path.len();
        push_segment(path, name);
        match props.and_then(|p| p.get(name)) {
            Some(sub) => check(member, sub, root, path, out, depth + 1),
            None => match k.additional {
                Some(Value::Bool(false)) => out.push(Violation {
                    path: path.clone(),
                    message: "unknown field".into(),
                }),
                Some(sub @ Value::Object(_)) => check(member, sub, root, path, out, depth + 1),
                _ => {}
            },
        }
        path.truncate(len);
    }
}

fn bounds(value: &Value, k: &Keywords<'_>, fail: &mut impl FnMut(String)) {
    let num = |limit: Option<&Value>| limit.and_then(Value::as_f64);
    match value {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if let Some(m) = num(k.minimum).filter(|m| x < *m) {
                fail(format!("{n} is less than the minimum {m}"));
            }
            if let Some(m) = num(k.maximum).filter(|m| x > *m) {
                fail(format!("{n} is greater than the maximum {m}"));
            }
            if let Some(m) = num(k.exclusive_minimum).filter(|m| x <= *m) {
                fail(format!("{n} is not greater than {m}"));
            }
            if let Some(m) = num(k.exclusive_maximum).filter(|m| x >= *m) {
                fail(format!("{n} is not less than {m}"));
            }
            if let Some(m) = num(k.multiple_of).filter(|m| *m > 0.0 && (x / m).fract().abs() > 1e-9)
            {
                fail(format!("{n} is not a multiple of {m}"));
            }
        }
        Value::String(text) => {
            let (min, max) = (num(k.min_length), num(k.max_length));
            if min.is_none() && max.is_none() {
                return;
            }
            let len = text.chars().count() as f64;
            if let Some(m) = min.filter(|m| len < *m) {
                fail(format!("shorter than {m} characters"));
            }
            if let Some(m) = max.filter(|m| len > *m) {
                fail(format!("longer than {m} characters"));
            }
        }
        Value::Array(items) => {
            let len = items.len() as f64;
            if let Some(m) = num(k.min_items).filter(|m| len < *m) {
                fail(format!("fewer than {m} items"));
            }
            if let Some(m) = num(k.max_items).filter(|m| len > *m) {
                fail(format!("more than {m} items"));
            }
        }
        _ => {}
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
