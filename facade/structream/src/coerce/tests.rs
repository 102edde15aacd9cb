//! Each coercion on inputs written for it: the value it becomes and what is
//! reported; the ones that would be wrong, refused; unions, nested paths,
//! `$ref`s as schemars writes them, and the typed reading around it.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{align, read};
use crate::schema::{schema_of, validate};
use crate::{Coercion, CoercionKind, Error, Validate};

use CoercionKind::*;

/// Aligns `input` with `schema` and checks the value and the reports.
#[track_caller]
fn case(schema: &Value, input: Value, expected: Value, reports: &[(&str, CoercionKind)]) {
    let mut value = input.clone();
    let done = align(&mut value, schema);
    assert_eq!(value, expected, "{input} against {schema}");
    let reports: Vec<Coercion> = reports
        .iter()
        .map(|(path, kind)| Coercion::Value {
            path: (*path).to_owned(),
            kind: *kind,
        })
        .collect();
    assert_eq!(done, reports, "{input} against {schema}");
}

/// `input` is left as it is, with nothing reported.
#[track_caller]
fn untouched(schema: &Value, input: Value) {
    case(schema, input.clone(), input, &[]);
}

/// An object whose required member `x` has the schema `schema`.
fn member(schema: Value) -> Value {
    json!({"type": "object", "properties": {"x": schema}, "required": ["x"]})
}

#[test]
fn numbers_in_strings() {
    let number = member(json!({"type": "number"}));
    let integer = member(json!({"type": "integer", "format": "uint32", "minimum": 0}));
    for (input, read) in [
        (json!("25"), json!(25)),
        (json!(" 2.5 "), json!(2.5)),
        (json!("-3"), json!(-3)),
        (json!("1e3"), json!(1000.0)),
        (
            json!("18446744073709551615"),
            json!(18446744073709551615u64),
        ),
    ] {
        case(
            &number,
            json!({"x": input}),
            json!({"x": read}),
            &[("/x", NumberFromString)],
        );
    }
    for (input, read) in [
        (json!("25"), json!(25)),
        (json!("25.0"), json!(25)),
        (json!("\n7\t"), json!(7)),
        (json!("1e3"), json!(1000)),
    ] {
        case(
            &integer,
            json!({"x": input}),
            json!({"x": read}),
            &[("/x", NumberFromString)],
        );
    }
    // Whole numbers with a fraction, which Rust's integers do not read.
    case(
        &integer,
        json!({"x": 25.0}),
        json!({"x": 25}),
        &[("/x", IntegerFromFloat)],
    );
    case(
        &integer,
        json!({"x": -4.0}),
        json!({"x": -4}),
        &[("/x", IntegerFromFloat)],
    );
    // A nullable integer (`Option<u32>`) too.
    let nullable = member(json!({"type": ["integer", "null"]}));
    case(
        &nullable,
        json!({"x": "8"}),
        json!({"x": 8}),
        &[("/x", NumberFromString)],
    );
}

#[test]
fn text_around_a_number_or_a_number_json_lacks_stays_a_string() {
    let number = member(json!({"type": "number"}));
    let integer = member(json!({"type": "integer"}));
    for text in [
        "25abc",
        "$25",
        "25%",
        "1,000",
        "1 000",
        "",
        " ",
        "NaN",
        "Infinity",
        "-Infinity",
        "0x1A",
        "+5",
        ".5",
        "5.",
        "007",
        "1_000",
        "1e400",
        "twenty-five",
        "25 years",
        "--5",
        "e5",
    ] {
        untouched(&number, json!({"x": text}));
        untouched(&integer, json!({"x": text}));
    }
    // A fraction is not an integer, written as a string or not; nor is a
    // whole number too large for 64 bits.
    for value in [
        json!("2.5"),
        json!(2.5),
        json!("1e20"),
        json!(1e20),
        json!(-1e19),
    ] {
        untouched(&integer, json!({"x": value}));
    }
    // A number that fits stays as it is.
    untouched(&number, json!({"x": 2.0}));
    untouched(&integer, json!({"x": 7}));
}

#[test]
fn numbers_and_booleans_as_strings() {
    let string = member(json!({"type": "string"}));
    case(
        &string,
        json!({"x": 25}),
        json!({"x": "25"}),
        &[("/x", StringFromNumber)],
    );
    case(
        &string,
        json!({"x": 2.5}),
        json!({"x": "2.5"}),
        &[("/x", StringFromNumber)],
    );
    case(
        &string,
        json!({"x": -1}),
        json!({"x": "-1"}),
        &[("/x", StringFromNumber)],
    );
    case(
        &string,
        json!({"x": true}),
        json!({"x": "true"}),
        &[("/x", StringFromBool)],
    );
    case(
        &string,
        json!({"x": false}),
        json!({"x": "false"}),
        &[("/x", StringFromBool)],
    );
    // Neither an object, a list nor null is a string.
    for value in [json!({"a": 1}), json!([1]), json!(null)] {
        untouched(&string, json!({"x": value}));
    }
    // An enum of strings: the number spells one of them.
    let code = member(json!({"type": "string", "enum": ["200", "404"]}));
    case(
        &code,
        json!({"x": 404}),
        json!({"x": "404"}),
        &[("/x", StringFromNumber)],
    );
}

#[test]
fn booleans_in_strings() {
    let boolean = member(json!({"type": "boolean"}));
    for (text, read) in [
        ("true", true),
        ("False", false),
        (" TRUE ", true),
        ("false", false),
    ] {
        case(
            &boolean,
            json!({"x": text}),
            json!({"x": read}),
            &[("/x", BoolFromString)],
        );
    }
    for text in ["yes", "no", "1", "0", "t", "truely", "true false"] {
        untouched(&boolean, json!({"x": text}));
    }
    // A number is not a boolean.
    untouched(&boolean, json!({"x": 1}));
}

#[test]
fn one_value_where_a_list_is_asked_for() {
    let objects = member(json!({
        "type": "array",
        "items": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
    }));
    case(
        &objects,
        json!({"x": {"a": 1}}),
        json!({"x": [{"a": 1}]}),
        &[("/x", ListOfOne)],
    );
    // The one value is aligned as an item, reported under its index.
    case(
        &objects,
        json!({"x": {"a": "1"}}),
        json!({"x": [{"a": 1}]}),
        &[("/x", ListOfOne), ("/x/0/a", NumberFromString)],
    );
    // Not if it would not be an item of the list.
    untouched(&objects, json!({"x": {"b": 1}}));
    untouched(&objects, json!({"x": 5}));
    let strings = member(json!({"type": "array", "items": {"type": "string"}}));
    case(
        &strings,
        json!({"x": "rust"}),
        json!({"x": ["rust"]}),
        &[("/x", ListOfOne)],
    );
    case(
        &strings,
        json!({"x": 5}),
        json!({"x": ["5"]}),
        &[("/x", ListOfOne), ("/x/0", StringFromNumber)],
    );
    // A string that looks like a list written out is not one item.
    for text in ["rust, go", "rust; go", "rust\ngo"] {
        untouched(&strings, json!({"x": text}));
    }
    // Null is not a list of one, nor does a list become one value.
    untouched(&strings, json!({"x": null}));
    untouched(&member(json!({"type": "string"})), json!({"x": ["a"]}));
    // Too few items once wrapped: left as it was.
    let two = member(json!({"type": "array", "items": {"type": "string"}, "minItems": 2}));
    untouched(&two, json!({"x": "a"}));
}

#[test]
fn enum_values_spelled_differently() {
    let status = member(json!({"type": "string", "enum": ["active", "on_hold", "Closed"]}));
    for (text, read) in [
        ("Active", "active"),
        ("ACTIVE", "active"),
        (" active\n", "active"),
        ("\"active\"", "active"),
        ("'On_Hold'", "on_hold"),
        ("`closed`", "Closed"),
        ("“closed”", "Closed"),
        (" 'active' ", "active"),
    ] {
        case(
            &status,
            json!({"x": text}),
            json!({"x": read}),
            &[("/x", EnumSpelling)],
        );
    }
    for text in ["activ", "on hold", "act ive", "'active", "inactive", ""] {
        untouched(&status, json!({"x": text}));
    }
    // Two values that differ in case only: no way to tell which.
    let ambiguous = member(json!({"type": "string", "enum": ["a", "A"]}));
    untouched(&ambiguous, json!({"x": " a "}));
    // A `const` (one documented unit variant, a tag) too.
    let tag = member(json!({"type": "string", "const": "Circle"}));
    case(
        &tag,
        json!({"x": "circle"}),
        json!({"x": "Circle"}),
        &[("/x", EnumSpelling)],
    );
    // Non-ASCII case.
    let city = member(json!({"enum": ["Zürich"]}));
    case(
        &city,
        json!({"x": "ZÜRICH"}),
        json!({"x": "Zürich"}),
        &[("/x", EnumSpelling)],
    );
}

#[test]
fn null_in_a_string_where_null_is_allowed() {
    let nullable = member(json!({"type": ["integer", "null"]}));
    for text in ["null", "None", "NULL", " nil ", "none"] {
        case(
            &nullable,
            json!({"x": text}),
            json!({"x": null}),
            &[("/x", NullFromString)],
        );
    }
    // Where a string is allowed, "None" is a string.
    untouched(
        &member(json!({"type": ["string", "null"]})),
        json!({"x": "None"}),
    );
    // `Option<Struct>` as schemars writes it.
    let schema = json!({
        "type": "object",
        "properties": {"x": {"anyOf": [{"$ref": "#/$defs/P"}, {"type": "null"}]}},
        "$defs": {"P": {"type": "object", "properties": {"a": {"type": "integer"}}}},
    });
    case(
        &schema,
        json!({"x": "None"}),
        json!({"x": null}),
        &[("/x", NullFromString)],
    );
    case(
        &schema,
        json!({"x": {"a": "2"}}),
        json!({"x": {"a": 2}}),
        &[("/x/a", NumberFromString)],
    );
}

#[test]
fn null_for_an_optional_member_that_may_not_be_null_leaves_it_out() {
    let schema = json!({
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}, "c": {"type": "string"}},
        "required": ["a"],
    });
    case(
        &schema,
        json!({"a": 1, "b": null}),
        json!({"a": 1}),
        &[("/b", NullAsAbsent)],
    );
    case(
        &schema,
        json!({"a": 1, "b": "None"}),
        json!({"a": 1}),
        &[("/b", NullAsAbsent)],
    );
    // A required member stays (and fails), and "null" is a string where a
    // string is asked for.
    untouched(&schema, json!({"a": null}));
    untouched(&schema, json!({"a": 1, "c": "null"}));
    // The members keep their order.
    let mut value = json!({"z": 1, "b": null, "a": 2});
    align(&mut value, &schema);
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a"]);
}

#[test]
fn a_value_that_fits_is_left_alone() {
    let schema = schema_of::<Profile>();
    let valid = json!({
        "name": "None",
        "age": 30,
        "role": "admin",
        "tags": ["a"],
        "nickname": null,
        "address": {"city": "Oslo", "zip": "0150"},
        "contact": {"email": "a@b.c"},
        "score": 2.0,
    });
    assert!(validate(&valid, &schema).is_empty());
    untouched(&schema, valid);
}

/// A profile, as schemars writes it: `$ref`s into `$defs`, an enum, an
/// option, a union.
#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
struct Profile {
    name: String,
    age: u32,
    role: Role,
    tags: Vec<String>,
    nickname: Option<String>,
    address: Address,
    contact: Contact,
    score: f64,
}

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Role {
    Admin,
    User,
}

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
struct Address {
    city: String,
    zip: String,
}

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
enum Contact {
    Email { email: String },
    Phone { phone: String, ext: Option<u16> },
}

impl Validate for Profile {}

#[test]
fn nested_paths_through_refs() {
    let schema = schema_of::<Profile>();
    case(
        &schema,
        json!({
            "name": "Jo",
            "age": "30",
            "role": "Admin",
            "tags": "x",
            "address": {"city": "Oslo", "zip": 150},
            "contact": {"phone": 5550100, "ext": "12"},
            "score": "2",
        }),
        json!({
            "name": "Jo",
            "age": 30,
            "role": "admin",
            "tags": ["x"],
            "address": {"city": "Oslo", "zip": "150"},
            "contact": {"phone": "5550100", "ext": 12},
            "score": 2,
        }),
        &[
            ("/age", NumberFromString),
            ("/role", EnumSpelling),
            ("/tags", ListOfOne),
            ("/address/zip", StringFromNumber),
            ("/contact", UnionVariant(1)),
            ("/contact/phone", StringFromNumber),
            ("/contact/ext", NumberFromString),
            ("/score", NumberFromString),
        ],
    );
}

#[test]
fn a_union_is_read_as_the_alternative_whose_required_members_it_has() {
    #[derive(Deserialize, JsonSchema)]
    #[serde(tag = "kind", rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Shape {
        Circle { radius: f64 },
        Rect { width: f64, height: f64 },
    }
    let schema = schema_of::<Shape>();
    case(
        &schema,
        json!({"kind": "rect", "width": "2", "height": 3}),
        json!({"kind": "rect", "width": 2, "height": 3}),
        &[("", UnionVariant(1)), ("/width", NumberFromString)],
    );
    // The tag spelled differently.
    case(
        &schema,
        json!({"kind": "Circle", "radius": 1}),
        json!({"kind": "circle", "radius": 1}),
        &[("", UnionVariant(0)), ("/kind", EnumSpelling)],
    );
    // Fitting neither alternative, even aligned: left as it was.
    untouched(
        &schema,
        json!({"kind": "rect", "width": "wide", "height": 3}),
    );
    untouched(&schema, json!({"kind": "triangle", "side": 1}));

    // Externally tagged, as the tools modes wrap a variant: the member's
    // name picks the alternative.
    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    enum Action {
        Weather { city: String, days: u8 },
        Search { query: String, limit: u8 },
    }
    let schema = schema_of::<Action>();
    case(
        &schema,
        json!({"Search": {"query": "rust", "limit": "5"}}),
        json!({"Search": {"query": "rust", "limit": 5}}),
        &[("", UnionVariant(1)), ("/Search/limit", NumberFromString)],
    );

    // Without required members to go by, the alternative that takes the
    // fewest coercions; on a tie, the first.
    let schema = json!({"anyOf": [{"type": "boolean"}, {"type": "integer"}, {"type": "number"}]});
    case(
        &schema,
        json!("3"),
        json!(3),
        &[("", UnionVariant(1)), ("", NumberFromString)],
    );
    case(
        &schema,
        json!("true"),
        json!(true),
        &[("", UnionVariant(0)), ("", BoolFromString)],
    );
    case(
        &schema,
        json!("2.5"),
        json!(2.5),
        &[("", UnionVariant(2)), ("", NumberFromString)],
    );
    untouched(&schema, json!(4));

    // oneOf: an aligned copy that would fit two alternatives is not taken
    // while one fits only one.
    let schema = json!({"oneOf": [
        {"type": "object", "properties": {"a": {"type": "integer"}}},
        {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}, "required": ["b"]},
    ]});
    case(
        &schema,
        json!({"a": "1", "b": "x"}),
        json!({"a": 1, "b": "x"}),
        &[("", UnionVariant(1)), ("/a", NumberFromString)],
    );
}

#[test]
fn items_of_a_list_each_at_its_index() {
    let schema = crate::schema::list_schema_of::<Address>();
    case(
        &schema,
        json!({"items": [{"city": "A", "zip": 1}, {"city": "B", "zip": "2"}, {"city": "C", "zip": 3}]}),
        json!({"items": [{"city": "A", "zip": "1"}, {"city": "B", "zip": "2"}, {"city": "C", "zip": "3"}]}),
        &[
            ("/items/0/zip", StringFromNumber),
            ("/items/2/zip", StringFromNumber),
        ],
    );
    // prefixItems (a tuple).
    let tuple = json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]});
    case(
        &tuple,
        json!(["1", 2]),
        json!([1, "2"]),
        &[("/0", NumberFromString), ("/1", StringFromNumber)],
    );
    // A key with `/` and `~` in the pointer.
    let odd = json!({"type": "object", "additionalProperties": {"type": "integer"}});
    case(
        &odd,
        json!({"a/b~c": "1"}),
        json!({"a/b~c": 1}),
        &[("/a~1b~0c", NumberFromString)],
    );
}

#[test]
fn deep_and_recursive_values_are_bounded() {
    // A tree of unions, 300 levels deep: aligning stops at the
    // depth limit and returns.
    let schema = json!({
        "$ref": "#/$defs/Node",
        "$defs": {"Node": {"anyOf": [
            {"type": "object", "properties": {"n": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}, "required": ["n"]},
            {"type": "object", "properties": {"leaf": {"type": "string"}}, "required": ["leaf"]},
        ]}},
    });
    let mut value = json!({"leaf": 1});
    for _ in 0..300 {
        value = json!({"n": "1", "kids": [value, {"leaf": 2}]});
    }
    let done = align(&mut value, &schema);
    assert!(!done.is_empty());
    // Its top was aligned.
    assert_eq!(value["n"], json!(1));
}

#[test]
fn the_typed_reading_aligns_only_what_fails_and_keeps_the_original_error() {
    let schema = schema_of::<Profile>();
    let answer = json!({
        "name": "Jo", "age": "30", "role": "USER", "tags": [], "nickname": "None",
        "address": {"city": "Oslo", "zip": "0150"}, "contact": {"email": "a@b.c"}, "score": 1.5,
    });
    let (profile, done) = read::<Profile>(&answer.to_string(), Some(&schema), true).unwrap();
    assert_eq!(profile.age, 30);
    assert_eq!(profile.role, Role::User);
    assert_eq!(profile.nickname.as_deref(), Some("None"));
    assert_eq!(done.len(), 2, "{done:?}");

    // Off: the strict error.
    let err = read::<Profile>(&answer.to_string(), Some(&schema), false).unwrap_err();
    assert!(
        matches!(&err, Error::Validation { path, .. } if path == "/age"),
        "{err:?}"
    );

    // A value that fits: nothing reported.
    let fits = json!({
        "name": "Jo", "age": 30, "role": "user", "tags": [],
        "address": {"city": "Oslo", "zip": "0150"}, "contact": {"email": "a@b.c"}, "score": 1.5,
    });
    let (_, done) = read::<Profile>(&fits.to_string(), Some(&schema), true).unwrap();
    assert!(done.is_empty());

    // Aligned but still wrong ("25abc"): the error of the answer as it was.
    let mut wrong = answer.clone();
    wrong["age"] = json!("25abc");
    let err = read::<Profile>(&wrong.to_string(), Some(&schema), true).unwrap_err();
    match &err {
        Error::Validation {
            path,
            message,
            output,
        } => {
            assert_eq!(path, "/age");
            assert!(message.contains("/role"), "{message}");
            assert_eq!(output, &wrong.to_string());
        }
        other => panic!("{other:?}"),
    }

    // Valid by the schema, not by serde: a whole number written with a
    // fraction for a `u32`.
    let mut float = fits.clone();
    float["age"] = json!(30.0);
    let (profile, done) = read::<Profile>(&float.to_string(), Some(&schema), true).unwrap();
    assert_eq!(profile.age, 30);
    assert_eq!(
        done,
        [Coercion::Value {
            path: "/age".into(),
            kind: IntegerFromFloat
        }]
    );
}
