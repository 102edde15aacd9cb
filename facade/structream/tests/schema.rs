//! Schemas from the types, and validation of final values against them.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use structream::schema::{list_schema_of, schema_of, validate, variants};

/// A diagnosis reached step by step.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Diagnosis {
    /// Think before answering.
    reasoning: String,
    #[schemars(range(min = 0.0, max = 1.0))]
    confidence: f64,
    #[schemars(length(min = 1, max = 3))]
    labels: Vec<Label>,
    zeta: Option<u8>,
    alpha: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Label {
    Billing,
    Bug,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
enum Action {
    /// Look up the weather.
    Weather { city: String },
    /// Search the web.
    Search { query: String },
}

#[test]
fn properties_keep_the_field_order_and_carry_docs_and_constraints() {
    let schema = schema_of::<Diagnosis>();
    let names: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        ["reasoning", "confidence", "labels", "zeta", "alpha"]
    );
    assert_eq!(
        schema["properties"]["reasoning"]["description"],
        "Think before answering."
    );
    assert_eq!(schema["properties"]["confidence"]["maximum"], 1.0);
    assert_eq!(schema["properties"]["labels"]["maxItems"], 3);
    assert!(schema.get("$schema").is_none());
    let list = list_schema_of::<Diagnosis>();
    assert_eq!(list["required"], json!(["items"]));
    assert!(list["$defs"]["Label"].is_object());
}

#[test]
fn validation_reports_field_paths() {
    let schema = schema_of::<Diagnosis>();
    let ok = json!({"reasoning": "r", "confidence": 0.5, "labels": ["bug"], "zeta": null, "alpha": true});
    assert_eq!(validate(&ok, &schema), []);
    let bad = json!({"reasoning": 1, "confidence": 1.5, "labels": ["nope", "bug", "bug", "bug"], "zeta": 300, "extra": 1});
    let found: Vec<String> = validate(&bad, &schema)
        .iter()
        .map(ToString::to_string)
        .collect();
    for expected in [
        "missing field `alpha`",
        "/reasoning: expected string, found a number",
        "/confidence: 1.5 is greater than the maximum 1",
        "/labels: more than 3 items",
        "/labels/0: \"nope\" is not one of [\"billing\",\"bug\"]",
        "/zeta: 300 is greater than the maximum 255",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected:?} not in {found:#?}"
        );
    }
}

#[test]
fn enum_variants_become_tools() {
    let schema = schema_of::<Action>();
    let tools = variants(&schema).unwrap();
    let names: Vec<&str> = tools.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Weather", "Search"]);
    assert_eq!(tools[0].1["properties"]["city"]["type"], "string");
    assert_eq!(tools[1].1["description"], "Search the web.");
    assert!(variants(&schema_of::<Diagnosis>()).is_none());
}

#[test]
fn every_keyword_is_checked() {
    // (schema, a value that fits, a value that does not, its message)
    let cases = [
        (
            json!({"type": "integer"}),
            json!(3),
            json!(3.5),
            "expected integer, found a number",
        ),
        (
            json!({"type": ["string", "null"]}),
            json!(null),
            json!(1),
            "expected string or null, found a number",
        ),
        (json!({"type": []}), json!(1), json!(null), ""),
        (
            json!({"enum": ["a", 1]}),
            json!(1),
            json!("b"),
            "\"b\" is not one of [\"a\",1]",
        ),
        (
            json!({"const": "x"}),
            json!("x"),
            json!("y"),
            "expected \"x\", found \"y\"",
        ),
        (
            json!({"minimum": 2}),
            json!(2),
            json!(1),
            "1 is less than the minimum 2",
        ),
        (
            json!({"maximum": 2}),
            json!(2),
            json!(3),
            "3 is greater than the maximum 2",
        ),
        (
            json!({"exclusiveMinimum": 2}),
            json!(3),
            json!(2),
            "2 is not greater than 2",
        ),
        (
            json!({"exclusiveMaximum": 2}),
            json!(1),
            json!(2),
            "2 is not less than 2",
        ),
        (
            json!({"multipleOf": 0.5}),
            json!(1.5),
            json!(1.2),
            "1.2 is not a multiple of 0.5",
        ),
        (
            json!({"minLength": 2}),
            json!("éé"),
            json!("é"),
            "shorter than 2 characters",
        ),
        (
            json!({"maxLength": 1}),
            json!("é"),
            json!("ab"),
            "longer than 1 characters",
        ),
        (
            json!({"minItems": 1}),
            json!([0]),
            json!([]),
            "fewer than 1 items",
        ),
        (
            json!({"maxItems": 1}),
            json!([0]),
            json!([0, 1]),
            "more than 1 items",
        ),
        (
            json!({"items": {"type": "string"}}),
            json!(["a"]),
            json!(["a", 2]),
            "/1: expected string, found a number",
        ),
        (
            json!({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}}),
            json!([1, "a"]),
            json!(["a", "b"]),
            "/0: expected integer, found a string",
        ),
        (
            json!({"properties": {"a": {"type": "string"}}, "required": ["a"]}),
            json!({"a": "x", "b": 1}),
            json!({"b": 1}),
            "missing field `a`",
        ),
        (
            json!({"properties": {"a~/b": {"type": "string"}}}),
            json!({"a~/b": "x"}),
            json!({"a~/b": 1}),
            "/a~0~1b: expected string, found a number",
        ),
        (
            json!({"additionalProperties": false}),
            json!({}),
            json!({"x": 1}),
            "/x: unknown field",
        ),
        (
            json!({"additionalProperties": {"type": "integer"}}),
            json!({"x": 1}),
            json!({"x": "1"}),
            "/x: expected integer, found a string",
        ),
        (
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!(1),
            json!(null),
            "matches 0 of the anyOf alternatives",
        ),
        (
            json!({"oneOf": [{"type": "number"}, {"type": "integer"}]}),
            json!(1.5),
            json!(1),
            "matches 2 of the oneOf alternatives",
        ),
        (
            json!({"allOf": [{"minimum": 1}, {"maximum": 2}]}),
            json!(2),
            json!(3),
            "3 is greater than the maximum 2",
        ),
        (
            json!({"$ref": "#/$defs/N", "$defs": {"N": {"type": "integer"}}}),
            json!(1),
            json!("1"),
            "expected integer, found a string",
        ),
        (
            false.into(),
            json!(null),
            json!(null),
            "no value is allowed here",
        ),
    ];
    for (schema, good, bad, message) in cases {
        if schema != json!(false) {
            assert_eq!(validate(&good, &schema), [], "{good} against {schema}");
        }
        let found: Vec<String> = validate(&bad, &schema)
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected: Vec<&str> = if message.is_empty() {
            vec![]
        } else {
            vec![message]
        };
        assert_eq!(found, expected, "{bad} against {schema}");
    }
}
