//! JSON Schema transforms the providers require.
//!
//! * [`openai_strict`]: OpenAI's strict mode (structured outputs, strict
//!   tools) wants every object closed (`additionalProperties: false`) and
//!   every property listed in `required`; a property that was optional is
//!   made nullable instead. Applied recursively, `$defs` included.
//! * [`gemini_subset`]: Gemini's `responseSchema` / function `parameters`
//!   take an OpenAPI 3.0 subset: no `$ref` (references are inlined), no
//!   `["T", "null"]` type lists or `anyOf` with null (they become
//!   `nullable: true`), no `const` (it becomes a one-value `enum`), and
//!   keywords outside the subset are dropped.

use serde_json::{Map, Value, json};

/// Transforms a JSON Schema for OpenAI's strict mode; see the module docs.
///
/// ```
/// use serde_json::json;
/// let s = structream_provider::schema::openai_strict(&json!({
///     "type": "object",
///     "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
///     "required": ["a"]
/// }));
/// assert_eq!(s, json!({
///     "type": "object",
///     "properties": {"a": {"type": "string"}, "b": {"type": ["integer", "null"]}},
///     "required": ["a", "b"],
///     "additionalProperties": false
/// }));
/// ```
pub fn openai_strict(schema: &Value) -> Value {
    let mut out = schema.clone();
    strict_in_place(&mut out);
    out
}

fn strict_in_place(schema: &mut Value) {
    let Value::Object(obj) = schema else { return };
    // `oneOf` is not accepted in strict mode; `anyOf` has the same meaning
    // for the disjoint alternatives generators produce.
    if let Some(one_of) = obj.remove("oneOf") {
        obj.insert("anyOf".into(), one_of);
    }
    // A single-element allOf is how generators attach a description to a
    // reference: inline it.
    if let Some(Value::Array(all)) = obj.get("allOf")
        && all.len() == 1
    {
        let Some(Value::Array(mut all)) = obj.remove("allOf") else {
            unreachable!()
        };
        if let Value::Object(inner) = all.remove(0) {
            for (k, v) in inner {
                obj.entry(k).or_insert(v);
            }
        }
    }
    if obj.get("default").is_some_and(Value::is_null) {
        obj.remove("default");
    }
    for key in ["$defs", "definitions", "properties"] {
        if let Some(Value::Object(map)) = obj.get_mut(key) {
            map.values_mut().for_each(strict_in_place);
        }
    }
    for key in ["anyOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(items)) = obj.get_mut(key) {
            items.iter_mut().for_each(strict_in_place);
        }
    }
    if let Some(items) = obj.get_mut("items") {
        strict_in_place(items);
    }
    let is_object = obj.get("type").is_some_and(|t| type_includes(t, "object"))
        || obj.contains_key("properties");
    if !is_object {
        return;
    }
    let required: Vec<String> = match obj.get("required") {
        Some(Value::Array(r)) => r
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    // The originally required properties first, in their order, then the
    // others.
    let mut all = Vec::new();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for name in &required {
            if props.contains_key(name) {
                all.push(Value::String(name.clone()));
            }
        }
        for (name, prop) in props.iter_mut() {
            if !required.iter().any(|r| r == name) {
                make_nullable(prop);
                all.push(Value::String(name.clone()));
            }
        }
    }
    obj.insert("required".into(), Value::Array(all));
    obj.insert("additionalProperties".into(), Value::Bool(false));
}

fn type_includes(t: &Value, name: &str) -> bool {
    match t {
        Value::String(s) => s == name,
        Value::Array(a) => a.iter().any(|v| v == name),
        _ => false,
    }
}

fn make_nullable(schema: &mut Value) {
    let Value::Object(obj) = schema else {
        // `true` / `{}`-like schemas already accept null.
        return;
    };
    if let Some(t) = obj.get_mut("type") {
        match t {
            Value::String(s) if s != "null" => {
                *t = json!([s.clone(), "null"]);
            }
            Value::Array(a) if !a.iter().any(|v| v == "null") => a.push(json!("null")),
            _ => {}
        }
        if let Some(Value::Array(e)) = obj.get_mut("enum")
            && !e.contains(&Value::Null)
        {
            e.push(Value::Null);
        }
        return;
    }
    if let Some(Value::Array(any)) = obj.get_mut("anyOf") {
        if !any.iter().any(|s| s.get("type") == Some(&json!("null"))) {
            any.push(json!({"type": "null"}));
        }
        return;
    }
    if obj.is_empty() {
        return;
    }
    // A `$ref` or an `enum` without a type: wrap it.
    let inner = std::mem::take(obj);
    let mut keep = Map::new();
    let mut wrapped = Map::new();
    for (k, v) in inner {
        if k == "description" || k == "title" {
            keep.insert(k, v);
        } else {
            wrapped.insert(k, v);
        }
    }
    keep.insert(
        "anyOf".into(),
        json!([Value::Object(wrapped), {"type": "null"}]),
    );
    *obj = keep;
}

/// Keywords Gemini's schema subset accepts.
const GEMINI_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "maxItems",
    "minItems",
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "example",
    "anyOf",
    "propertyOrdering",
    "default",
    "items",
    "minimum",
    "maximum",
];

/// Why a schema cannot be expressed in Gemini's subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

/// Transforms a JSON Schema into Gemini's subset; see the module docs.
/// Fails on a recursive schema (Gemini cannot express one) and on a
/// `$ref` that points nowhere.
///
/// ```
/// use serde_json::json;
/// let s = structream_provider::schema::gemini_subset(&json!({
///     "$defs": {"P": {"type": "object", "properties": {"n": {"type": ["string", "null"]}},
///                     "additionalProperties": false}},
///     "type": "object",
///     "properties": {"p": {"$ref": "#/$defs/P"}, "k": {"const": "x"}}
/// })).unwrap();
/// assert_eq!(s, json!({
///     "type": "object",
///     "properties": {
///         "p": {"type": "object", "properties": {"n": {"type": "string", "nullable": true}}},
///         "k": {"type": "string", "enum": ["x"]}
///     }
/// }));
/// ```
pub fn gemini_subset(schema: &Value) -> Result<Value, SchemaError> {
    let mut defs = Map::new();
    if let Value::Object(obj) = schema {
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(d)) = obj.get(key) {
                for (name, s) in d {
                    defs.insert(format!("#/{key}/{name}"), s.clone());
                }
            }
        }
    }
    let mut stack = Vec::new();
    gemini_node(schema, &defs, &mut stack)
}

fn gemini_node(
    schema: &Value,
    defs: &Map<String, Value>,
    stack: &mut Vec<String>,
) -> Result<Value, SchemaError> {
    let Value::Object(obj) = schema else {
        // `true` or anything else: no constraint Gemini can express.
        return Ok(json!({}));
    };
    if let Some(Value::String(r)) = obj.get("$ref") {
        if stack.contains(r) {
            return Err(SchemaError(format!(
                "recursive schema through {r}: Gemini's schema subset cannot express recursion"
            )));
        }
        let target = defs
            .get(r)
            .ok_or_else(|| SchemaError(format!("unresolved $ref {r}")))?;
        stack.push(r.clone());
        let mut out = gemini_node(target, defs, stack)?;
        stack.pop();
        // Siblings of the reference (a description) win.
        if let Value::Object(o) = &mut out {
            for key in ["description", "title"] {
                if let Some(v) = obj.get(key) {
                    o.insert(key.into(), v.clone());
                }
            }
        }
        return Ok(out);
    }
    let mut out = Map::new();
    let mut nullable = obj.get("nullable") == Some(&Value::Bool(true));
    for (k, v) in obj {
        match k.as_str() {
            "type" => match v {
                Value::Array(types) => {
                    let non_null: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                    nullable |= non_null.len() < types.len();
                    match non_null.as_slice() {
                        [one] => {
                            out.insert("type".into(), (*one).clone());
                        }
                        [] => {
                            out.insert("type".into(), json!("null"));
                        }
                        many => {
                            let alts = many.iter().map(|t| json!({"type": t})).collect();
                            out.insert("anyOf".into(), Value::Array(alts));
                        }
                    }
                }
                other => {
                    out.insert("type".into(), other.clone());
                }
            },
            "anyOf" | "oneOf" => {
                let Value::Array(alts) = v else { continue };
                let mut kept = Vec::new();
                for alt in alts {
                    if alt.get("type") == Some(&json!("null"))
                        && alt.as_object().unwrap().len() == 1
                    {
                        nullable = true;
                    } else {
                        kept.push(gemini_node(alt, defs, stack)?);
                    }
                }
                if kept.len() == 1 {
                    if let Value::Object(inner) = kept.pop().unwrap() {
                        for (ik, iv) in inner {
                            out.entry(ik).or_insert(iv);
                        }
                    }
                } else if !kept.is_empty() {
                    out.insert("anyOf".into(), Value::Array(kept));
                }
            }
            "allOf" => {
                let Value::Array(parts) = v else { continue };
                for part in parts {
                    if let Value::Object(inner) = gemini_node(part, defs, stack)? {
                        for (ik, iv) in inner {
                            out.entry(ik).or_insert(iv);
                        }
                    }
                }
            }
            "const" => {
                out.insert("enum".into(), json!([v]));
                if !obj.contains_key("type") {
                    let t = match v {
                        Value::String(_) => "string",
                        Value::Bool(_) => "boolean",
                        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                        Value::Number(_) => "number",
                        _ => continue,
                    };
                    out.insert("type".into(), json!(t));
                }
            }
            "properties" => {
                let Value::Object(props) = v else { continue };
                let mut p = Map::new();
                for (name, s) in props {
                    p.insert(name.clone(), gemini_node(s, defs, stack)?);
                }
                out.insert("properties".into(), Value::Object(p));
            }
            "items" => {
                out.insert("items".into(), gemini_node(v, defs, stack)?);
            }
            "nullable" => {}
            k if GEMINI_KEYWORDS.contains(&k) => {
                out.insert(k.into(), v.clone());
            }
            _ => {}
        }
    }
    if nullable {
        out.insert("nullable".into(), Value::Bool(true));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_recurses_into_defs_items_and_any_of() {
        let mut s = openai_strict(&json!({
            "$defs": {
                "Item": {"type": "object", "properties": {"x": {"type": "number"}}},
                "Tag": {"enum": ["a", "b"]}
            },
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                "tag": {"$ref": "#/$defs/Tag", "description": "the tag"},
                "either": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {}}]},
                "note": {"type": "string", "default": null}
            },
            "required": ["items"]
        }));
        // The fields added to `required` follow the properties' map order,
        // which depends on serde_json's `preserve_order` feature: compare the
        // set.
        let required = s["required"].as_array_mut().unwrap();
        required.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        assert_eq!(
            s,
            json!({
                "$defs": {
                    "Item": {"type": "object", "properties": {"x": {"type": ["number", "null"]}},
                             "required": ["x"], "additionalProperties": false},
                    "Tag": {"enum": ["a", "b"]}
                },
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                    "tag": {"description": "the tag",
                            "anyOf": [{"$ref": "#/$defs/Tag"}, {"type": "null"}]},
                    "either": {"anyOf": [
                        {"type": "string"},
                        {"type": "object", "properties": {}, "required": [],
                         "additionalProperties": false},
                        {"type": "null"}
                    ]},
                    "note": {"type": ["string", "null"]}
                },
                "required": ["either", "items", "note", "tag"],
                "additionalProperties": false
            })
        );
    }

    #[test]
    fn strict_nullable_enum_with_type() {
        let s = openai_strict(&json!({
            "type": "object",
            "properties": {"c": {"type": "string", "enum": ["r", "g"]}}
        }));
        assert_eq!(
            s["properties"]["c"],
            json!({"type": ["string", "null"], "enum": ["r", "g", null]})
        );
    }

    #[test]
    fn strict_is_idempotent() {
        let src = json!({
            "type": "object",
            "properties": {"a": {"type": "object", "properties": {"b": {"type": "integer"}}}}
        });
        let once = openai_strict(&src);
        assert_eq!(openai_strict(&once), once);
    }

    #[test]
    fn gemini_inlines_refs_and_drops_unsupported() {
        let s = gemini_subset(&json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "definitions": {"U": {"type": "object", "properties": {"id": {"type": "integer"}},
                                  "required": ["id"], "additionalProperties": false}},
            "type": "object",
            "properties": {
                "users": {"type": "array", "items": {"$ref": "#/definitions/U"}},
                "maybe": {"anyOf": [{"$ref": "#/definitions/U"}, {"type": "null"}]},
                "multi": {"type": ["string", "integer"]},
                "x": {"type": "string", "examples": ["a"], "format": "date-time"}
            },
            "required": ["users"],
            "additionalProperties": false
        }))
        .unwrap();
        let u = json!({"type": "object", "properties": {"id": {"type": "integer"}},
                       "required": ["id"]});
        let mut maybe = u.clone();
        maybe["nullable"] = json!(true);
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "users": {"type": "array", "items": u},
                    "maybe": maybe,
                    "multi": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "x": {"type": "string", "format": "date-time"}
                },
                "required": ["users"]
            })
        );
    }

    #[test]
    fn gemini_rejects_recursion_and_dangling_refs() {
        let rec = json!({
            "$defs": {"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}},
            "$ref": "#/$defs/N"
        });
        let e = gemini_subset(&rec).unwrap_err();
        assert!(e.0.contains("recursive"), "{e}");
        let e = gemini_subset(&json!({"$ref": "#/$defs/Nope"})).unwrap_err();
        assert_eq!(e.0, "unresolved $ref #/$defs/Nope");
    }
}
