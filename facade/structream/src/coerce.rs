//! Schema-aligned coercion: a complete value that breaks its JSON Schema in
//! a way that can be read one way only is read that way.
//!
//! Models, small open ones above all, answer `"age": "25"` where an integer
//! is asked for, `"Active"` for the enum value `"active"`, one object where
//! a list of them is asked for. Such an answer is right about its content
//! and wrong only about its spelling; failing it costs a whole new call.
//! [`align`] rewrites those nodes in place and says which it rewrote and
//! how. The typed client runs it once on a final value or item that does
//! not validate (or deserialize) as it is, when that value is complete,
//! never per chunk, and keeps the result only if it then validates.
//!
//! What is read, each only where the node does not fit its schema:
//!
//! | the answer | the schema asks for | read as | [`CoercionKind`] |
//! |---|---|---|---|
//! | `"25"`, `" 2.5 "`, `"1e3"` | `number` / `integer` | `25`, `2.5`, `1000` | `NumberFromString` |
//! | `25.0` | `integer` (not `number`) | `25` | `IntegerFromFloat` |
//! | `25`, `true` | `string` | `"25"`, `"true"` | `StringFromNumber`, `StringFromBool` |
//! | `"true"`, `"False"` | `boolean` | `true`, `false` | `BoolFromString` |
//! | `{…}`, `5`, `"rust"` | `array` | `[{…}]`, `[5]`, `["rust"]` | `ListOfOne` |
//! | `" Active"`, `"'ACTIVE'"` | `enum` / `const` `"active"` | `"active"` | `EnumSpelling` |
//! | `"null"`, `"None"`, `"nil"` | a type that allows `null` | `null` | `NullFromString` |
//! | `null`, `"None"` for a member not `required` | a type that does not allow `null` | the member left out | `NullAsAbsent` |
//! | a value fitting none of `anyOf` / `oneOf` | | the alternative whose `required` members it has, aligned | `UnionVariant` |
//!
//! What is not read: text around a number (`"25abc"`, `"$25"`, `"1,000"`),
//! a fraction where an integer is asked for (`"2.5"`, `2.5`), numbers JSON
//! does not have (`"NaN"`, `"0x1A"`), an enum value that spells no allowed
//! value or more than one once case is ignored, a string holding a list
//! separator (`,`, `;`, a newline) where a list is asked for, a list of one
//! where one value is asked for, a member under a misspelled key. A node
//! that fits its schema is left as it is (`"None"` stays `"None"` where a
//! string or null is asked for), except a whole number written with a
//! fraction where an integer is asked for, which JSON Schema accepts and
//! Rust's integer types do not.
//!
//! `$ref`s are followed into the schema's `$defs`, as schemars writes them.
//! The work is bounded: at most [`MAX_DEPTH`] levels, and a budget of node
//! visits over every union alternative tried, after which nothing more is
//! changed.
//!
//! ```
//! use serde_json::json;
//! use structream::coerce::align;
//! use structream::{Coercion, CoercionKind};
//!
//! let schema = json!({
//!     "type": "object",
//!     "properties": {
//!         "age": {"type": "integer"},
//!         "status": {"type": "string", "enum": ["active", "banned"]},
//!         "tags": {"type": "array", "items": {"type": "string"}},
//!     },
//! });
//! let mut answer = json!({"age": "25", "status": "Active", "tags": "admin"});
//! let done = align(&mut answer, &schema);
//! assert_eq!(answer, json!({"age": 25, "status": "active", "tags": ["admin"]}));
//! let at = |path: &str, kind| Coercion::Value { path: path.into(), kind };
//! assert_eq!(done, [
//!     at("/age", CoercionKind::NumberFromString),
//!     at("/status", CoercionKind::EnumSpelling),
//!     at("/tags", CoercionKind::ListOfOne),
//! ]);
//! ```

use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::schema::{fits, resolve, type_matches};
use crate::validation::validate_value;
use crate::{Coercion, CoercionKind, Error, Validate};

/// How deep into a value alignment goes: as deep as validation does.
pub use crate::schema::MAX_DEPTH;

/// How many schema nodes one alignment visits at most, counting each
/// alternative of a union it tries: bounds the work on a deeply nested
/// value under a recursive schema of unions.
const BUDGET: usize = 200_000;

/// Aligns `value` with `schema` (a JSON Schema whose `$ref`s point into
/// its own `$defs`): rewrites in place each node that does not fit and can
/// be read one way only (see the [module](self) for which), and returns
/// what it rewrote, parents before their children. A value that fits its
/// schema comes back unchanged, with nothing reported (but for whole
/// numbers with a fraction where an integer is asked for).
pub fn align(value: &mut Value, schema: &Value) -> Vec<Coercion> {
    let mut aligner = Aligner {
        root: schema,
        path: String::new(),
        done: Vec::new(),
        budget: BUDGET,
    };
    aligner.node(value, schema, 0);
    aligner.done
}

/// Reads a final value or item (`json`, complete) as the strict reading
/// does; if that fails and `coerce` is on, reads it aligned with `schema`.
/// An aligned value that still fails is reported with the error of the
/// answer as it was (the model's own words go back to it on a retry).
pub(crate) fn read<T: DeserializeOwned + Validate>(
    json: &str,
    schema: Option<&Value>,
    coerce: bool,
) -> Result<(T, Vec<Coercion>), Error> {
    let error = match validate_value::<T>(json, schema) {
        Ok(value) => return Ok((value, Vec::new())),
        Err(e) => e,
    };
    let (true, Some(schema)) = (coerce, schema) else {
        return Err(error);
    };
    let Ok(mut value) = serde_json::from_str::<Value>(json) else {
        return Err(error);
    };
    let done = align(&mut value, schema);
    if done.is_empty() {
        return Err(error);
    }
    match validate_value::<T>(&value.to_string(), Some(schema)) {
        Ok(value) => Ok((value, done)),
        Err(_) => Err(error),
    }
}

/// One alignment: the schema's root (for `$ref`), where it is, what it did.
struct Aligner<'s> {
    root: &'s Value,
    /// The JSON Pointer of the node being aligned.
    path: String,
    done: Vec<Coercion>,
    budget: usize,
}

impl<'s> Aligner<'s> {
    /// An aligner for a trial of the node at the same place.
    fn trial(&self) -> Aligner<'s> {
        Aligner {
            root: self.root,
            path: self.path.clone(),
            done: Vec::new(),
            budget: self.budget,
        }
    }

    fn record(&mut self, kind: CoercionKind) {
        self.done.push(Coercion::Value {
            path: self.path.clone(),
            kind,
        });
    }

    fn node(&mut self, value: &mut Value, schema: &'s Value, depth: usize) {
        let schema = resolve(schema, self.root);
        let Value::Object(s) = schema else { return };
        if depth > MAX_DEPTH || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        if let Some(Value::Array(all)) = s.get("allOf") {
            for sub in all {
                self.node(value, sub, depth + 1);
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(alternatives)) = s.get(keyword) {
                self.union(value, schema, alternatives, depth);
            }
        }
        self.scalar(value, schema, s, depth);
        self.spelling(value, s);
        match value {
            Value::Object(members) => self.members(members, s, depth),
            Value::Array(items) => self.items(items, s, depth),
            _ => {}
        }
    }

    /// A value of another type than the one asked for.
    fn scalar(
        &mut self,
        value: &mut Value,
        schema: &'s Value,
        s: &'s Map<String, Value>,
        depth: usize,
    ) {
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return,
        };
        let wants = |t: &str| types.contains(&t);
        if types.iter().any(|t| type_matches(value, t)) {
            if wants("integer") && !wants("number") {
                if let Some(whole) = value.as_number().filter(|n| n.is_f64()).and_then(integer) {
                    *value = Value::Number(whole);
                    self.record(CoercionKind::IntegerFromFloat);
                }
            }
            return;
        }
        let read = match &*value {
            Value::String(text) => types.iter().find_map(|t| from_text(text, t)),
            Value::Number(n) if wants("string") => {
                Some((Value::String(n.to_string()), CoercionKind::StringFromNumber))
            }
            Value::Number(n) if wants("integer") => {
                integer(n).map(|n| (Value::Number(n), CoercionKind::IntegerFromFloat))
            }
            Value::Bool(b) if wants("string") => {
                Some((Value::String(b.to_string()), CoercionKind::StringFromBool))
            }
            _ => None,
        };
        if let Some((read, kind)) = read {
            *value = read;
            self.record(kind);
        } else if wants("array") && one_of_a_list(value) {
            let mut list = vec![value.clone()];
            let mut trial = self.trial();
            trial.items(&mut list, s, depth);
            self.budget = trial.budget;
            let list = Value::Array(list);
            if fits(&list, schema, self.root, depth) {
                *value = list;
                self.record(CoercionKind::ListOfOne);
                self.done.append(&mut trial.done);
            }
        }
    }

    /// A string that spells one allowed value of an `enum` or a `const`
    /// differently.
    fn spelling(&mut self, value: &mut Value, s: &Map<String, Value>) {
        let Value::String(text) = &*value else { return };
        let allowed: Vec<&str> = match (s.get("enum"), s.get("const")) {
            (Some(Value::Array(values)), _) => values.iter().filter_map(Value::as_str).collect(),
            (_, Some(Value::String(one))) => vec![one.as_str()],
            _ => return,
        };
        if allowed.is_empty() || allowed.contains(&text.as_str()) {
            return;
        }
        let spelled = unquote(text.trim()).trim().to_lowercase();
        let mut matching = allowed
            .iter()
            .filter(|a| a.trim().to_lowercase() == spelled);
        if let (Some(one), None) = (matching.next(), matching.next()) {
            *value = Value::String((*one).to_owned());
            self.record(CoercionKind::EnumSpelling);
        }
    }

    fn members(
        &mut self,
        members: &mut Map<String, Value>,
        s: &'s Map<String, Value>,
        depth: usize,
    ) {
        let props = s.get("properties").and_then(Value::as_object);
        let additional = s.get("additionalProperties").filter(|a| a.is_object());
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut absent = Vec::new();
        for (name, member) in members.iter_mut() {
            let Some(sub) = props.and_then(|p| p.get(name)).or(additional) else {
                continue;
            };
            let len = self.path.len();
            self.path.push('/');
            self.path
                .push_str(&name.replace('~', "~0").replace('/', "~1"));
            self.node(member, sub, depth + 1);
            if !required.contains(&name.as_str())
                && is_null_like(member)
                && !fits(member, sub, self.root, depth + 1)
                && !fits(&Value::Null, sub, self.root, depth + 1)
            {
                absent.push(name.clone());
                self.record(CoercionKind::NullAsAbsent);
            }
            self.path.truncate(len);
        }
        if !absent.is_empty() {
            members.retain(|name, _| !absent.contains(name));
        }
    }

    fn items(&mut self, items: &mut [Value], s: &'s Map<String, Value>, depth: usize) {
        let prefix = s.get("prefixItems").and_then(Value::as_array);
        let rest = s.get("items");
        for (i, item) in items.iter_mut().enumerate() {
            let Some(sub) = prefix.and_then(|p| p.get(i)).or(rest) else {
                continue;
            };
            let len = self.path.len();
            self.path.push('/');
            self.path.push_str(&i.to_string());
            self.node(item, sub, depth + 1);
            self.path.truncate(len);
        }
    }

    /// A value that fits no alternative of a union: each alternative whose
    /// `required` members it has (every one, if none) is tried on a copy,
    /// and the copy that then fits, with the fewest coercions, is kept.
    fn union(
        &mut self,
        value: &mut Value,
        schema: &'s Value,
        alternatives: &'s [Value],
        depth: usize,
    ) {
        if fits(value, schema, self.root, depth) {
            return;
        }
        let by_required: Vec<usize> = (0..alternatives.len())
            .filter(|&i| has_required(value, resolve(&alternatives[i], self.root)))
            .collect();
        let candidates = if by_required.is_empty() {
            (0..alternatives.len()).collect()
        } else {
            by_required
        };
        // (alternative, aligned copy, what it took, whether the whole node fits)
        let mut best: Option<(usize, Value, Vec<Coercion>, bool)> = None;
        for i in candidates {
            if self.budget == 0 {
                break;
            }
            let mut copy = value.clone();
            let mut trial = self.trial();
            trial.node(&mut copy, &alternatives[i], depth + 1);
            self.budget = trial.budget;
            if !fits(&copy, &alternatives[i], self.root, depth + 1) {
                continue;
            }
            let whole = fits(&copy, schema, self.root, depth);
            let better = best.as_ref().is_none_or(|(_, _, done, was_whole)| {
                (whole, std::cmp::Reverse(trial.done.len()))
                    > (*was_whole, std::cmp::Reverse(done.len()))
            });
            if better {
                best = Some((i, copy, trial.done, whole));
            }
        }
        let Some((i, copy, mut done, _)) = best else {
            return;
        };
        *value = copy;
        let choices = alternatives
            .iter()
            .filter(|alt| resolve(alt, self.root).get("type") != Some(&Value::from("null")))
            .count();
        if choices > 1 {
            self.record(CoercionKind::UnionVariant(i));
        }
        self.done.append(&mut done);
    }
}

/// A string read as a value of type `ty`, if it spells one.
fn from_text(text: &str, ty: &str) -> Option<(Value, CoercionKind)> {
    let t = text.trim();
    match ty {
        "null"
            if ["null", "none", "nil"]
                .iter()
                .any(|w| t.eq_ignore_ascii_case(w)) =>
        {
            Some((Value::Null, CoercionKind::NullFromString))
        }
        "boolean" if t.eq_ignore_ascii_case("true") => {
            Some((Value::Bool(true), CoercionKind::BoolFromString))
        }
        "boolean" if t.eq_ignore_ascii_case("false") => {
            Some((Value::Bool(false), CoercionKind::BoolFromString))
        }
        "number" => number(t).map(|n| (Value::Number(n), CoercionKind::NumberFromString)),
        "integer" => number(t)
            .as_ref()
            .and_then(integer)
            .map(|n| (Value::Number(n), CoercionKind::NumberFromString)),
        _ => None,
    }
}

/// A JSON number, all of `text` (nothing around it, nothing JSON lacks).
fn number(text: &str) -> Option<Number> {
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// `n` as an integer, if it is a whole number an `i64` or `u64` holds.
fn integer(n: &Number) -> Option<Number> {
    if n.is_i64() || n.is_u64() {
        return Some(n.clone());
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    // The bounds are powers of two, exact as `f64`.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        Some(Number::from(f as i64))
    } else if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
        Some(Number::from(f as u64))
    } else {
        None
    }
}

/// Whether `value` may stand for a list of one: not null, not a list, not
/// a string that looks like a list written out.
fn one_of_a_list(value: &Value) -> bool {
    match value {
        Value::Null | Value::Array(_) => false,
        Value::String(text) => !text.contains([',', ';', '\n']),
        _ => true,
    }
}

/// `null`, or a string that says null.
fn is_null_like(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => from_text(text, "null").is_some(),
        _ => false,
    }
}

/// Whether `value` is an object with every member `schema` requires (and
/// `schema` requires some).
fn has_required(value: &Value, schema: &Value) -> bool {
    let (Some(members), Some(required)) = (
        value.as_object(),
        schema.get("required").and_then(Value::as_array),
    ) else {
        return false;
    };
    !required.is_empty()
        && required
            .iter()
            .all(|name| name.as_str().is_some_and(|n| members.contains_key(n)))
}

/// `text` without one pair of quotes around it (`"…"`, `'…'`, `` `…` ``,
/// `“…”`, `‘…’`).
fn unquote(text: &str) -> &str {
    for (open, close) in [('"', '"'), ('\'', '\''), ('`', '`'), ('“', '”'), ('‘', '’')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
