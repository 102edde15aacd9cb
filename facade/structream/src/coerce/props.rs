//! Properties of [`align`] over generated values, against a schema with
//! every keyword it reads: a valid value is left alone, a second pass finds
//! nothing more, every reported path is in the result, and what it keeps
//! changed validates where it was changed.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::align;
use crate::schema::validate;
use crate::{Coercion, CoercionKind};

/// A schema as schemars writes one: `$ref`s into `$defs`, an enum, an
/// option, nullable and non-nullable optional members, a list, a tuple, an
/// internally tagged union and an untagged one.
fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 0},
            "score": {"type": ["number", "null"]},
            "ok": {"type": "boolean"},
            "role": {"$ref": "#/$defs/Role"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]},
            "boss": {"anyOf": [{"$ref": "#/$defs/Person"}, {"type": "null"}]},
            "shape": {"$ref": "#/$defs/Shape"},
            "contact": {"anyOf": [
                {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]},
                {"type": "object", "properties": {"phone": {"type": "string"}, "ext": {"type": ["integer", "null"]}}, "required": ["phone"]},
            ]},
        },
        "required": ["name", "age", "role"],
        "$defs": {
            "Role": {"type": "string", "enum": ["admin", "user", "Guest"]},
            "Person": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}, "tags": {"type": "array", "items": {"$ref": "#/$defs/Role"}}},
                "required": ["name"],
            },
            "Shape": {"oneOf": [
                {"type": "object", "properties": {"kind": {"type": "string", "const": "circle"}, "r": {"type": "number"}}, "required": ["kind", "r"]},
                {"type": "object", "properties": {"kind": {"type": "string", "const": "rect"}, "w": {"type": "number"}, "h": {"type": "number"}}, "required": ["kind", "w", "h"]},
            ]},
        },
    })
}

/// Keys of [`schema`]'s objects, and one it does not know.
const KEYS: &[&str] = &[
    "name", "age", "score", "ok", "role", "tags", "pair", "boss", "shape", "contact", "email",
    "phone", "ext", "kind", "r", "w", "h", "other",
];

const TEXTS: &[&str] = &[
    "25", " 7 ", "2.5", "-3", "1e3", "25abc", "", "None", "null", "nil", "true", "False", "yes",
    "admin", "Admin", " USER ", "'guest'", "adm", "circle", "RECT", "a, b", "x",
];

/// Values shaped like answers to [`schema`]: its keys, numbers and words
/// that spell other types; no fractions, so that a valid value needs no
/// integer read from a whole float.
fn values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..300).prop_map(Value::from),
        prop::sample::select(TEXTS).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// How often a member is valid, sloppy (a value that can be read one way)
/// and wrong, in parts.
type Mix = (u32, u32, u32);

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// A member's value: `valid`, one of `sloppy` or one of `wrong`, as `mix`
/// says. As JSON.
fn member(
    mix: Mix,
    valid: &'static str,
    sloppy: &'static [&'static str],
    wrong: &'static [&'static str],
) -> BoxedStrategy<Value> {
    let (v, s, w) = mix;
    let choices = [
        (v, Just(json(valid)).boxed()),
        (s, prop::sample::select(sloppy).prop_map(json).boxed()),
        (w, prop::sample::select(wrong).prop_map(json).boxed()),
    ];
    prop::strategy::Union::new_weighted(
        choices
            .into_iter()
            .filter(|(weight, _)| *weight > 0)
            .collect(),
    )
    .boxed()
}

/// Answers to [`schema`]: each member valid, sloppy or wrong as `mix`
/// says, the optional ones now and then left out, and now and then a
/// generated value under an unknown key.
fn answers(mix: Mix) -> impl Strategy<Value = Value> {
    let members: Vec<(&str, BoxedStrategy<Value>)> = vec![
        (
            "name",
            member(mix, r#""Jo""#, &["5", "true", r#""None""#], &["null", "[]"]),
        ),
        (
            "age",
            member(
                mix,
                "25",
                &[r#""25""#, r#"" 7 ""#, r#""1e3""#],
                &[r#""25abc""#, r#""None""#, "-1", "[3]", r#""2.5""#],
            ),
        ),
        (
            "score",
            member(
                mix,
                "2",
                &[r#""2.5""#, "null", r#""None""#],
                &[r#""x""#, "true"],
            ),
        ),
        (
            "ok",
            member(
                mix,
                "true",
                &[r#""True""#, r#""false""#],
                &[r#""yes""#, "1"],
            ),
        ),
        (
            "role",
            member(
                mix,
                r#""admin""#,
                &[r#"" USER ""#, r#""'guest'""#, r#""GUEST""#],
                &[r#""adm""#, "3"],
            ),
        ),
        (
            "tags",
            member(
                mix,
                r#"["a"]"#,
                &[r#""a""#, "[1]", "5", "null"],
                &[r#""a, b""#, "{}"],
            ),
        ),
        (
            "pair",
            member(
                mix,
                r#"[1, "x"]"#,
                &[r#"["1", 2]"#, "[1]"],
                &[r#"["x", "y"]"#],
            ),
        ),
        (
            "boss",
            member(
                mix,
                "null",
                &[
                    r#""None""#,
                    r#"{"name": "B"}"#,
                    r#"{"name": "B", "age": "3", "tags": "Admin"}"#,
                ],
                &[r#"{"age": 1}"#, r#""boss""#],
            ),
        ),
        (
            "shape",
            member(
                mix,
                r#"{"kind": "circle", "r": 1}"#,
                &[
                    r#"{"kind": "Circle", "r": "1"}"#,
                    r#"{"kind": "rect", "w": 1, "h": "2"}"#,
                ],
                &[r#"{"kind": "tri"}"#, r#"{"kind": "rect", "r": 1}"#],
            ),
        ),
        (
            "contact",
            member(
                mix,
                r#"{"email": "a"}"#,
                &[
                    r#"{"phone": 5}"#,
                    r#"{"phone": "1", "ext": "None"}"#,
                    r#"{"email": 1, "phone": "2"}"#,
                ],
                &["{}", r#"{"phone": []}"#],
            ),
        ),
    ];
    let fields: Vec<BoxedStrategy<Option<(&str, Value)>>> = members
        .into_iter()
        .map(|(name, value)| {
            let value = value.prop_map(move |v| (name, v));
            if ["name", "age", "role"].contains(&name) {
                value.prop_map(Some).boxed()
            } else {
                prop::option::weighted(0.85, value).boxed()
            }
        })
        .collect();
    (fields, prop::option::weighted(0.2, values())).prop_map(|(fields, other)| {
        let other = other.map(|v| ("other", v));
        let members = fields.into_iter().flatten().chain(other);
        Value::Object(members.map(|(k, v)| (k.to_owned(), v)).collect())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_valid_answer_is_left_alone(answer in answers((1, 0, 0))) {
        let schema = schema();
        prop_assert!(validate(&answer, &schema).is_empty(), "{}", answer);
        let mut value = answer.clone();
        prop_assert_eq!(align(&mut value, &schema), vec![]);
        prop_assert_eq!(value, answer);
    }

    #[test]
    fn a_sloppy_answer_validates_once_aligned(answer in answers((1, 3, 0))) {
        let schema = schema();
        let mut value = answer.clone();
        let done = align(&mut value, &schema);
        prop_assert!(validate(&value, &schema).is_empty(), "{} → {}: {:?}", answer, value, done);
    }

    #[test]
    fn aligning_is_safe(answer in answers((6, 3, 1))) {
        let schema = schema();
        let mut value = answer.clone();
        let done = align(&mut value, &schema);
        if validate(&answer, &schema).is_empty() {
            prop_assert!(done.is_empty(), "{answer}: {done:?}");
            prop_assert_eq!(&value, &answer);
        }
        prop_assert_eq!(done.is_empty(), value == answer, "{} → {}: {:?}", answer, value, done);
        // Nothing more to do the second time.
        let mut again = value.clone();
        let more = align(&mut again, &schema);
        prop_assert!(more.is_empty(), "{} → {}: then {:?}", answer, value, more);
        prop_assert_eq!(&again, &value);
        for coercion in &done {
            let Coercion::Value { path, kind } = coercion else {
                panic!("{coercion:?}");
            };
            // What is reported is there, unless it was left out.
            prop_assert_eq!(
                value.pointer(path).is_some(),
                *kind != CoercionKind::NullAsAbsent,
                "{} → {}: {:?}", answer, value, coercion
            );
        }
    }
}
