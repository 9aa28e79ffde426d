//! `x-inferred` becomes a rustdoc warning box on the type or field, and `x-exactly-one-of` a
//! choice enum flattened into the body (so a body with none of the choices cannot be built).

fn spec(body: &str) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /things:
    post:
      operationId: sms_send_thing
      tags: [sms]
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Thing'}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {{type: object, properties: {{status: {{type: string}}}}}}
components:
  schemas:
    Thing:
{body}
"#
    )
}

const THING: &str = r#"
      type: object
      description: A thing to send.
      x-inferred: 'The reference does not show <this> shape.'
      required:
      - data
      oneOf:
      - required:
        - alias
      - required:
        - id
      x-exactly-one-of:
        name: ThingRef
        field: thing
        properties:
        - alias
        - id
      properties:
        alias: {type: string, description: By alias.}
        id: {type: string}
        data:
          type: string
          description: The payload.
          x-inferred: Guessed from a sample.
"#;

fn generate(yaml: &str) -> Result<String, qikberry_codegen::Error> {
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(yaml).unwrap();
    let files = qikberry_codegen::generate(&spec)?;
    Ok(files.values().cloned().collect::<Vec<_>>().join("\n"))
}

#[test]
fn inferred_schema_and_field_get_a_warning_box() {
    let out = generate(&spec(THING)).unwrap();
    assert!(
        out.contains(
            "/// <div class=\"warning\">Inferred (<code>x-inferred</code>): not stated by the provider's reference. The reference does not show &lt;this&gt; shape.</div>\n#[derive"
        ),
        "{out}"
    );
    assert!(
        out.contains("/// The payload.\n    ///\n    /// <div class=\"warning\">Inferred (<code>x-inferred</code>): not stated by the provider's reference. Guessed from a sample.</div>\n    pub data: String,"),
        "{out}"
    );
}

#[test]
fn exactly_one_of_becomes_a_required_flattened_choice() {
    let out = generate(&spec(THING)).unwrap();
    assert!(
        out.contains("#[serde(flatten)]\n    pub thing: ThingRef,"),
        "{out}"
    );
    assert!(out.contains("pub enum ThingRef {"), "{out}");
    assert!(
        out.contains("#[serde(rename = \"alias\")]\n    Alias(String),"),
        "{out}"
    );
    assert!(
        out.contains("#[serde(rename = \"id\")]\n    Id(String),"),
        "{out}"
    );
    // The choice is a constructor argument; neither `alias` nor `id` is a field of its own.
    assert!(
        out.contains("pub fn new(thing: ThingRef, data: impl Into<String>)"),
        "{out}"
    );
    assert!(!out.contains("pub alias:"), "{out}");
    assert!(out.contains("```compile_fail"), "{out}");
}

#[test]
fn exactly_one_of_a_required_property_is_an_error_at_the_rule() {
    let broken = THING.replace(
        "      required:\n      - data\n",
        "      required:\n      - data\n      - alias\n",
    );
    let e = generate(&spec(&broken)).unwrap_err();
    assert_eq!(e.pointer, "#/components/schemas/Thing/x-exactly-one-of");
    assert!(e.message.contains("`alias` is required"), "{e}");
}

#[test]
fn exactly_one_of_without_names_is_an_error_at_the_rule() {
    let broken = THING.replace(
        "\n        name: ThingRef\n        field: thing\n        properties:\n        - alias\n        - id\n",
        " [alias, id]\n",
    );
    let e = generate(&spec(&broken)).unwrap_err();
    assert_eq!(e.pointer, "#/components/schemas/Thing/x-exactly-one-of");
    assert!(e.message.contains("needs `name`"), "{e}");
}

#[test]
fn inferred_without_a_reason_is_an_error() {
    let broken = THING.replace("x-inferred: Guessed from a sample.", "x-inferred: true");
    let e = generate(&spec(&broken)).unwrap_err();
    assert_eq!(
        e.pointer,
        "#/components/schemas/Thing/properties/data/x-inferred"
    );
}

/// `THING` with its rule as `x-at-least-one-of` (an `anyOf` of the `required` lists).
fn at_least_one() -> String {
    THING
        .replace("      oneOf:\n", "      anyOf:\n")
        .replace("x-exactly-one-of:", "x-at-least-one-of:")
}

#[test]
fn at_least_one_of_becomes_an_enum_with_a_both_variant_and_serde_by_hand() {
    let out = generate(&spec(&at_least_one())).unwrap();
    assert!(
        out.contains("#[serde(flatten)]\n    pub thing: ThingRef,"),
        "{out}"
    );
    assert!(out.contains("pub enum ThingRef {"), "{out}");
    assert!(out.contains("    Alias(String),\n"), "{out}");
    assert!(out.contains("    Id(String),\n"), "{out}");
    assert!(out.contains("    AliasAndId {"), "{out}");
    assert!(
        out.contains("impl serde::Serialize for ThingRef {"),
        "{out}"
    );
    assert!(
        out.contains(
            "\"ThingRef: the body carries neither `alias` nor `id` (at least one is required)\""
        ),
        "{out}"
    );
    assert!(!out.contains("pub alias:"), "{out}");
}

#[test]
fn at_least_one_of_takes_exactly_two_properties() {
    let three = at_least_one()
        .replace(
            "        - id\n      properties:",
            "        - id\n        - data\n      properties:",
        )
        .replace("      required:\n      - data\n", "");
    let e = generate(&spec(&three)).unwrap_err();
    assert_eq!(e.pointer, "#/components/schemas/Thing/x-at-least-one-of");
    assert!(e.message.contains("exactly two"), "{e}");
}

#[test]
fn an_any_of_beside_properties_without_the_rule_is_refused() {
    let bare = at_least_one().replace("x-at-least-one-of:", "x-unrelated:");
    let e = generate(&spec(&bare)).unwrap_err();
    assert!(e.message.contains("anyOf"), "{e}");
}
