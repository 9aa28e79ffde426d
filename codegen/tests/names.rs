//! Names a spec can make collide are told apart deterministically (and independently of the
//! order the spec lists things in) instead of stopping regeneration:
//!
//! - enum values that become the same variant (`male`/`Male`, `in-progress`/`in_progress`): the
//!   smallest wire value keeps the name, the others get `2`, `3`, … (`Male`, `Male2`);
//! - properties that become the same field (`sender_id`/`senderId`): `sender_id`, `sender_id_2`;
//! - parameters named like the request builder's own fields and methods (`body`, `send`, …):
//!   the suffix `_param`; parameters that coincide across path, query and headers: `_2`;
//! - a field named `new`: its setter is `set_new`; a filter parameter `new`: `new_param`;
//! - schemas named like a type the generated code needs (`Error`, `Client`, `Value`, …): the
//!   suffix `Model`; a request builder named like a schema type: the suffix `Builder`; a tag's
//!   handle named like a type: the suffix `Api`;
//! - oneOf variants with the same name: the later one gets its 1-based position (`Object2`);
//! - operations without `operationId` are named from method and path, without tags they go
//!   to the `operations` module, and a tag named like a manifest feature (`default`) gets `_api`.

use qikberry_codegen::Files;

mod support;

use support::spec;

const POST_THING: &str = r#"
  /things:
    post:
      operationId: sms_create_thing
      tags: [sms]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Okay'}
"#;

fn generate(yaml: &str) -> Files {
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(yaml).unwrap();
    qikberry_codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// Every generated file, whitespace removed (the pretty printer decides the line breaks).
fn code(files: &Files) -> Squashed {
    Squashed(files.values().flat_map(|t| t.split_whitespace()).collect())
}

/// Code without whitespace; `contains` ignores the whitespace of the needle too.
struct Squashed(String);

impl Squashed {
    fn contains(&self, needle: &str) -> bool {
        self.0
            .contains(&needle.split_whitespace().collect::<String>())
    }
}

impl std::fmt::Display for Squashed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[test]
fn enum_values_that_become_one_variant_are_numbered_by_wire_value() {
    for order in [
        "[male, Male, in-progress, in_progress]",
        "[in_progress, Male, in-progress, male]",
    ] {
        let schemas = format!(
            "    Thing:\n      type: object\n      properties:\n        v: {{type: string, enum: {order}}}\n"
        );
        let code = code(&generate(&spec(POST_THING, &schemas)));
        for pair in [
            "Male = \"Male\"",
            "Male2 = \"male\"",
            "InProgress = \"in-progress\"",
            "InProgress2 = \"in_progress\"",
        ] {
            assert!(code.contains(pair), "{order}: {pair} missing");
        }
    }
}

#[test]
fn properties_that_become_one_field_are_numbered() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        senderId: {type: string}
        sender_id: {type: string}
        new: {type: string}
"#;
    let code = code(&generate(&spec(POST_THING, schemas)));
    assert!(code.contains("pub sender_id: Option<String>"), "{code}");
    // Written under its wire name; the derived `Deserialize` (behind `deserialize-requests`,
    // the model is only sent) reads it under the same name.
    assert!(
        code.contains("optional(\"senderId\", &self.sender_id)"),
        "{code}"
    );
    assert!(
        code.contains("cfg_attr(feature = \"deserialize-requests\", serde(rename = \"senderId\"))"),
        "{code}"
    );
    assert!(code.contains("pub sender_id_2: Option<String>"), "{code}");
    assert!(code.contains("pub fn set_new(mut self"), "{code}");
}

#[test]
fn parameters_named_like_the_builder_or_each_other_are_renamed() {
    let paths = r#"
  /things/{in-progress}:
    get:
      operationId: sms_get_thing
      tags: [sms]
      parameters:
        - {name: in-progress, in: path, required: true, schema: {type: string}}
        - {name: in_progress, in: header, schema: {type: string}}
        - {name: body, in: query, schema: {type: string}}
        - {name: send, in: query, required: true, schema: {type: integer}}
      responses: {'204': {description: none}}
"#;
    let code = code(&generate(&spec(paths, "")));
    assert!(
        code.contains("pub fn get_thing(&self, in_progress: impl Into<String>, send_param: i64,)"),
        "{code}"
    );
    assert!(code.contains("pub fn in_progress_2(mut self"), "{code}");
    assert!(code.contains("pub fn body_param(mut self"), "{code}");
    assert!(code.contains(".query(\"send\", self.send_param)"), "{code}");
}

#[test]
fn schema_names_the_generated_code_needs_get_a_suffix() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        error: {$ref: '#/components/schemas/Error'}
    Error: {type: object, properties: {message: {type: string}}}
    CreateThing: {type: object, properties: {x: {type: string}}}
    Sms: {type: object, properties: {y: {type: string}}}
"#;
    let code = code(&generate(&spec(POST_THING, schemas)));
    assert!(code.contains("pub struct ErrorModel"), "{code}");
    assert!(code.contains("pub error: Option<ErrorModel>"), "{code}");
    assert!(code.contains("pub struct CreateThingBuilder"), "{code}");
    assert!(code.contains("pub struct SmsApi<'a>"), "{code}");
}

#[test]
fn one_of_variants_with_one_name_are_numbered() {
    let schemas = r#"
    Thing:
      oneOf:
        - {type: object, properties: {a: {type: string}}}
        - {type: object, properties: {b: {type: integer}}}
"#;
    let code = code(&generate(&spec(POST_THING, schemas)));
    assert!(code.contains("Object(ThingObject)"), "{code}");
    assert!(code.contains("Object2(ThingObject2)"), "{code}");
}

#[test]
fn operations_without_id_or_tag_get_default_names() {
    let paths = r#"
  /v2/Forms/{FormType}:
    get:
      parameters:
        - {name: FormType, in: path, required: true, schema: {type: string}}
      responses: {'204': {description: none}}
  /other:
    get:
      tags: [default]
      responses: {'204': {description: none}}
"#;
    let files = generate(&spec(paths, ""));
    let code = code(&files);
    assert!(
        code.contains("pub fn get_v2_forms_form_type(&self, form_type: impl Into<String>,)"),
        "{code}"
    );
    assert!(files.contains_key(std::path::Path::new("src/api/operations/mod.rs")));
    assert!(files.contains_key(std::path::Path::new("src/api/default_api/mod.rs")));
}
