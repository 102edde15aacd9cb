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
