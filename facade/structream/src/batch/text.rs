//! An answer read, checked and printed in one pass: its JSON text parsed
//! strictly, checked against a schema planned once per decoder, and
//! written out as the compact text `serde_json` prints for the value
//! (members in their order, strings escaped the same way), with no value
//! built.
//!
//! The pass only says yes where [`fits`](crate::schema::fits) on the
//! parsed value would: the plan exists for schemas that use no more than
//! `type`, `properties`, `required`, `additionalProperties`, `items` and
//! `$ref`s into the schema (keywords the check ignores are ignored here
//! too; a schema that refers to itself has no plan), and the reader gives
//! up, sending the answer down the usual road, at anything it does not
//! print the same way (a number with a fraction or an exponent, an
//! integer of 19 digits or more, `-0`, a repeated or escaped member name,
//! deep nesting) and at anything that fails. The usual road reads it into
//! a value and decides.

use serde_json::{Map, Value};

use crate::schema::resolve;

/// Keywords the schema check acts on that the plan does not: a schema
/// with any of them has no plan.
const UNPLANNED: [&str; 15] = [
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "prefixItems",
    "anyOf",
    "oneOf",
    "allOf",
];

/// Deepest nesting read here (the usual road reads deeper values).
const MAX_NESTING: usize = 100;

/// Most properties an object schema of the plan may name.
const MAX_PROPERTIES: usize = 64;

// The type bits of a plan node.
const NULL: u8 = 1;
const BOOLEAN: u8 = 2;
const OBJECT: u8 = 4;
const ARRAY: u8 = 8;
const STRING: u8 = 16;
const NUMBER: u8 = 32;
const INTEGER: u8 = 64;
const ANY: u8 = 127;

/// A schema compiled for the one-pass check.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    /// The root's node is the first.
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Node {
    /// The types allowed ([`ANY`]: no `type`).
    types: u8,
    /// `properties`, in the schema's order, each with its node.
    properties: Vec<(String, Option<usize>)>,
    /// Bit `i` set: `properties[i]` is required.
    required: u64,
    additional: Additional,
    /// `items`' node, if it says anything.
    items: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Additional {
    Any,
    Forbidden,
    Checked(usize),
}

impl Plan {
    /// The plan of `schema`, or `None` where it uses keywords the plan
    /// does not check.
    pub(crate) fn of(schema: &Value) -> Option<Plan> {
        let mut plan = Plan::default();
        plan.node(schema, schema, 0)?;
        Some(plan)
    }

    /// Compiles `schema` (a part of `root`, where its `$ref`s point) into
    /// a node; its index, or `None` inside for a schema that allows
    /// anything.
    fn node(&mut self, schema: &Value, root: &Value, depth: usize) -> Option<Option<usize>> {
        let s = match resolve(schema, root) {
            Value::Object(s) => s,
            Value::Bool(false) => return None,
            _ => return Some(None),
        };
        if depth > 32 || s.contains_key("$ref") || UNPLANNED.iter().any(|k| s.contains_key(*k)) {
            return None;
        }
        let types = types(s);
        let index = self.nodes.len();
        self.nodes.push(Node {
            types,
            properties: Vec::new(),
            required: 0,
            additional: Additional::Any,
            items: None,
        });
        let mut properties = Vec::new();
        if let Some(props) = s.get("properties") {
            let props = props.as_object()?;
            if props.len() > MAX_PROPERTIES {
                return None;
            }
            for (name, sub) in props {
                properties.push((name.clone(), self.node(sub, root, depth + 1)?));
            }
        }
        let mut required = 0u64;
        if let Some(Value::Array(names)) = s.get("required") {
            for name in names.iter().filter_map(Value::as_str) {
                let i = properties.iter().position(|(n, _)| n == name)?;
                required |= 1 << i;
            }
        }
        let additional = match s.get("additionalProperties") {
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(sub @ Value::Object(_)) => match self.node(sub, root, depth + 1)? {
                Some(i) => Additional::Checked(i),
                None => Additional::Any,
            },
            _ => Additional::Any,
        };
        let items = match s.get("items") {
            Some(sub) => self.node(sub, root, depth + 1)?,
            None => None,
        };
        let node = &mut self.nodes[index];
        node.properties = properties;
        node.required = required;
        node.additional = additional;
        node.items = items;
        // A node that checks nothing is no node.
        let free = types == ANY
            && node.properties.is_empty()
            && matches!(additional, Additional::Any)
            && items.is_none();
        Some(if free && index + 1 == self.nodes.len() {
            self.nodes.pop();
            None
        } else {
            Some(index)
        })
    }

    /// `json` as compact text appended to `out` when it is one JSON text
    /// that fits the plan and prints as read; `false` (with `out` left
    /// as it was) otherwise.
    pub(crate) fn write(
        &self,
        json: &str,
        out: &mut String,
        scratch: &mut Vec<(u32, u32)>,
    ) -> bool {
        let start = out.len();
        let mut r = Reader {
            text: json,
            bytes: json.as_bytes(),
            at: 0,
            out,
            names: scratch,
        };
        r.names.clear();
        let root = if self.nodes.is_empty() { None } else { Some(0) };
        let ok = r.value(self, root, 0).is_some() && {
            r.skip_space();
            r.at == r.bytes.len()
        };
        if !ok {
            out.truncate(start);
        }
        ok
    }
}

/// The type bits of a schema's `type` (an unknown type name allows all).
fn types(s: &Map<String, Value>) -> u8 {
    let bit = |t: &str| match t {
        "null" => NULL,
        "boolean" => BOOLEAN,
        "object" => OBJECT,
        "array" => ARRAY,
        "string" => STRING,
        "number" => NUMBER | INTEGER,
        "integer" => INTEGER,
        _ => ANY,
    };
    match s.get("type") {
        Some(Value::String(t)) => bit(t),
        Some(Value::Array(ts)) => {
            let bits = ts
                .iter()
                .filter_map(Value::as_str)
                .fold(0, |b, t| b | bit(t));
            if bits == 0 { ANY } else { bits }
        }
        _ => ANY,
    }
}

/// The one pass over an answer's text.
struct Reader<'t, 'o> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    out: &'o mut String,
    /// Member names of the objects being read (outside the plan's
    /// properties), as ranges of `text`: repeated names are found here.
    names: &'o mut Vec<(u32, u32)>,
}

impl Reader<'_, '_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// One value, checked against `node` (`None`: anything goes).
    fn value(&mut self, plan: &Plan, node: Option<usize>, depth: usize) -> Option<()> {
        let node = node.map(|i| &plan.nodes[i]);
        let types = node.map_or(ANY, |n| n.types);
        let allowed = |bit: u8| (types & bit != 0).then_some(());
        match self.peek()? {
            b'{' => {
                allowed(OBJECT)?;
                self.object(plan, node, depth + 1)
            }
            b'[' => {
                allowed(ARRAY)?;
                self.array(plan, node.and_then(|n| n.items), depth + 1)
            }
            b'"' => {
                allowed(STRING)?;
                self.string()
            }
            b't' => {
                allowed(BOOLEAN)?;
                self.literal("true")
            }
            b'f' => {
                allowed(BOOLEAN)?;
                self.literal("false")
            }
            b'n' => {
                allowed(NULL)?;
                self.literal("null")
            }
            _ => {
                allowed(INTEGER)?;
                self.integer()
            }
        }
    }

    /// After a member or an item: `false` past a comma, `true` past the
    /// `close` bracket, `None` at anything else.
    fn closed(&mut self, close: u8) -> Option<bool> {
        let byte = self.peek()?;
        (byte == b',' || byte == close).then(|| {
            self.at += 1;
            byte == close
        })
    }

    fn literal(&mut self, word: &'static str) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then_some(())?;
        self.at = end;
        self.out.push_str(word);
        Some(())
    }

    /// An integer printed as read: no fraction, no exponent, no `-0`, at
    /// most 18 digits (so it fits in 64 bits).
    fn integer(&mut self) -> Option<()> {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let digits = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let n = self.at - digits;
        let zero_led = self.bytes[digits..self.at].first() == Some(&b'0');
        if n == 0 || n > 18 || (zero_led && (n > 1 || digits > start)) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(self.at) {
            return None;
        }
        self.out.push_str(&self.text[start..self.at]);
        Some(())
    }

    fn object(&mut self, plan: &Plan, node: Option<&Node>, depth: usize) -> Option<()> {
        if depth > MAX_NESTING {
            return None;
        }
        self.at += 1;
        self.out.push('{');
        let names_start = self.names.len();
        let mut seen = 0u64;
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                if seen != 0 || self.names.len() > names_start {
                    self.out.push(',');
                }
                let (from, to) = self.name()?;
                let name = &self.bytes[from..to];
                let property = node.and_then(|n| {
                    n.properties
                        .iter()
                        .position(|(p, _)| p.as_bytes() == name)
                        .map(|i| (i, n.properties[i].1))
                });
                let sub = match property {
                    Some((i, sub)) => {
                        if seen & (1 << i) != 0 {
                            return None;
                        }
                        seen |= 1 << i;
                        sub
                    }
                    None => {
                        let repeated = self.names[names_start..]
                            .iter()
                            .any(|&(f, t)| &self.bytes[f as usize..t as usize] == name);
                        if repeated {
                            return None;
                        }
                        self.names.push((from as u32, to as u32));
                        match node.map_or(Additional::Any, |n| n.additional) {
                            Additional::Any => None,
                            Additional::Forbidden => return None,
                            Additional::Checked(i) => Some(i),
                        }
                    }
                };
                self.eat(b':')?;
                self.out.push(':');
                self.value(plan, sub, depth)?;
                if self.closed(b'}')? {
                    break;
                }
            }
        }
        self.names.truncate(names_start);
        let required = node.map_or(0, |n| n.required);
        ((required & !seen) == 0).then(|| self.out.push('}'))
    }

    /// A member name without escapes, written out; its bytes' range.
    fn name(&mut self) -> Option<(usize, usize)> {
        if self.peek()? != b'"' {
            return None;
        }
        let from = self.at + 1;
        let to = from + memchr::memchr2(b'"', b'\\', &self.bytes[from..])?;
        if self.bytes[to] != b'"' || self.bytes[from..to].iter().any(|&b| b < 0x20) {
            return None;
        }
        if to > u32::MAX as usize {
            return None;
        }
        self.out.push_str(&self.text[from - 1..=to]);
        self.at = to + 1;
        Some((from, to))
    }

    fn array(&mut self, plan: &Plan, items: Option<usize>, depth: usize) -> Option<()> {
        if depth > MAX_NESTING {
            return None;
        }
        self.at += 1;
        self.out.push('[');
        if self.peek()? == b']' {
            self.at += 1;
        } else {
            let mut first = true;
            loop {
                if !first {
                    self.out.push(',');
                }
                first = false;
                self.value(plan, items, depth)?;
                if self.closed(b']')? {
                    break;
                }
            }
        }
        self.out.push(']');
        Some(())
    }

    /// A string, escaped as `serde_json` prints it: `\"`, `\\`, the short
    /// escapes of `\b \f \n \r \t`, `\u00XX` for the other control
    /// characters, everything else as itself.
    fn string(&mut self) -> Option<()> {
        self.at += 1;
        self.out.push('"');
        loop {
            let run = memchr::memchr2(b'"', b'\\', &self.bytes[self.at..])?;
            let end = self.at + run;
            if self.bytes[self.at..end].iter().any(|&b| b < 0x20) {
                return None;
            }
            self.out.push_str(&self.text[self.at..end]);
            self.at = end + 1;
            if self.bytes[end] == b'"' {
                self.out.push('"');
                return Some(());
            }
            let escape = *self.bytes.get(self.at)?;
            self.at += 1;
            match escape {
                b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {
                    self.out.push('\\');
                    self.out.push(char::from(escape));
                }
                b'/' => self.out.push('/'),
                b'u' => {
                    let c = self.unicode()?;
                    escaped(c, self.out);
                }
                _ => return None,
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` read), a surrogate
    /// pair's second half included; `None` for a lone surrogate.
    fn unicode(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high);
        }
        if high >= 0xDC00 || self.bytes.get(self.at..self.at + 2)? != b"\\u" {
            return None;
        }
        self.at += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + char::from(d).to_digit(16)?;
        }
        self.at += 4;
        Some(n)
    }
}

/// `c` as `serde_json` prints it inside a string.
fn escaped(c: char, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => {
            let b = c as usize;
            out.push_str("\\u00");
            out.push(char::from(HEX[b >> 4]));
            out.push(char::from(HEX[b & 15]));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::fits;

    /// Where the pass says yes, the value fits and prints the same;
    /// where the value does not fit, the pass says no.
    fn agrees(schema: &Value, json: &str) -> bool {
        let plan = Plan::of(schema).expect("a planned schema");
        let mut out = String::from("kept");
        let yes = plan.write(json, &mut out, &mut Vec::new());
        let value: Option<Value> = serde_json::from_str(json).ok();
        let fit = value.as_ref().is_some_and(|v| fits(v, schema, schema, 0));
        if yes {
            assert!(fit, "{json}");
            let printed = serde_json::to_string(value.as_ref().unwrap()).unwrap();
            assert_eq!(&out["kept".len()..], printed, "{json}");
        } else {
            assert_eq!(out, "kept", "{json}");
        }
        yes
    }

    fn summary() -> Value {
        json!({"type": "object",
               "properties": {"title": {"type": "string"},
                              "n": {"type": ["integer", "null"]},
                              "tags": {"type": "array", "items": {"type": "string"}},
                              "meta": {"type": "object", "additionalProperties": false,
                                       "properties": {"ok": {"type": "boolean"}}}},
               "required": ["title", "tags"]})
    }

    #[test]
    fn answers_that_fit_print_as_serde_json_prints_them() {
        let s = summary();
        for json in [
            r#"{"title":"a","tags":[]}"#,
            r#" { "title" : "a\"b\\c\n\t\r\b\f" , "tags" : [ "x" , "y" ] } "#,
            r#"{"title":"\u00e9\ud83d\ude00\u0001\u001F\/","tags":["\u0022"]}"#,
            r#"{"tags":["é"],"title":"t","n":-12,"extra":{"a":[1,{"b":null}],"c":true}}"#,
            r#"{"title":"t","tags":[],"n":null,"meta":{"ok":false}}"#,
            r#"{"title":"t","tags":[],"n":0,"x":{},"y":[]}"#,
            r#"{"title":"t","tags":[],"n":123456789012345678}"#,
        ] {
            assert!(agrees(&s, json), "{json}");
        }
    }

    #[test]
    fn references_are_followed() {
        let s = json!({"type": "object",
                       "properties": {"user": {"$ref": "#/$defs/User"},
                                      "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}}},
                       "required": ["user"],
                       "$defs": {"User": {"type": "object", "properties": {"name": {"type": "string"}},
                                          "required": ["name"], "additionalProperties": false},
                                 "Tag": {"type": "string"}}});
        assert!(agrees(&s, r#"{"user":{"name":"a"},"tags":["x"]}"#));
        assert!(!agrees(&s, r#"{"user":{"name":"a","age":1}}"#));
        assert!(!agrees(&s, r#"{"user":{}}"#));
        assert!(!agrees(&s, r#"{"user":{"name":"a"},"tags":[1]}"#));
    }

    #[test]
    fn anything_else_goes_the_usual_road() {
        let s = summary();
        for json in [
            r#"{"title":"a"}"#,
            r#"{"title":1,"tags":[]}"#,
            r#"{"title":"a","tags":[1]}"#,
            r#"{"title":"a","tags":[],"meta":{"no":1}}"#,
            r#"{"title":"a","tags":[],"title":"b"}"#,
            r#"{"title":"a","tags":[],"x":1,"x":2}"#,
            r#"{"title":"a","tags":[],"n":1.5}"#,
            r#"{"title":"a","tags":[],"n":1e2}"#,
            r#"{"title":"a","tags":[],"n":-0}"#,
            r#"{"title":"a","tags":[],"n":01}"#,
            r#"{"title":"a","tags":[],"n":1234567890123456789}"#,
            r#"{"title":"a","tags":[],"n":-}"#,
            r#"{"title":"a\x","tags":[]}"#,
            r#"{"title":"\ud800","tags":[]}"#,
            r#"{"title":"\ud800\u0041","tags":[]}"#,
            r#"{"title":"\udc00","tags":[]}"#,
            r#"{"title":"\u12","tags":[]}"#,
            "{\"title\":\"a\u{1}\",\"tags\":[]}",
            r#"{"ti\u0074le":"a","tags":[]}"#,
            r#"{"title":"a","tags":[]} x"#,
            r#"{"title":"a","tags":[],}"#,
            r#"{"title":"a","tags":[1,]}"#,
            r#"{"title":"a","tags":[] "#,
            r#"{"title":"a","tags":[]}{"#,
            r#"[]"#,
            "",
            "  ",
            r#"{"title":"a","tags":[],"n":tru}"#,
        ] {
            assert!(!agrees(&s, json), "{json}");
        }
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        assert!(!agrees(
            &s,
            &format!(r#"{{"title":"a","tags":[],"d":{deep}}}"#)
        ));
    }

    #[test]
    fn schemas_with_keywords_beyond_the_plan_have_none() {
        for schema in [
            json!({"type": "integer", "minimum": 0}),
            json!({"properties": {"a": {"enum": [1]}}}),
            json!({"items": {"$ref": "#/$defs/x"}}),
            json!({"anyOf": [{"type": "string"}]}),
            json!({"properties": {"a": false}}),
            json!({"required": ["a"]}),
        ] {
            assert!(Plan::of(&schema).is_none(), "{schema}");
        }
        let recursive = json!({"$defs": {"t": {"type": "object",
                                              "properties": {"kids": {"type": "array",
                                                                      "items": {"$ref": "#/$defs/t"}}}}},
                               "$ref": "#/$defs/t"});
        assert!(Plan::of(&recursive).is_none());
        assert!(Plan::of(&json!(true)).is_some());
        assert!(agrees(
            &json!({"title": "x", "description": "y"}),
            "[1,\"a\"]"
        ));
        assert!(agrees(&json!({"type": ["string", "wat"]}), "3"));
        assert!(!agrees(&json!({"type": "string"}), "3"));
        assert!(agrees(&json!({"type": "number"}), "-3"));
    }
}
