//! Specs the generator cannot represent are errors that name the JSON pointer of the problem.

fn base(paths: &str, schemas: &str) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
{paths}
components:
  schemas:
    Okay: {{type: object, properties: {{id: {{type: string}}}}}}
{schemas}
"#
    )
}

fn op_with_body(schema_ref: &str) -> String {
    format!(
        r#"
  /things:
    post:
      operationId: sms_create_thing
      tags: [sms]
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '{schema_ref}'}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Okay'}}
"#
    )
}

fn generate_err(yaml: &str) -> qikberry_codegen::Error {
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(yaml).unwrap();
    match qikberry_codegen::generate(&spec) {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(e) => e,
    }
}

#[test]
fn dangling_ref_names_its_pointer() {
    let e = generate_err(&base(&op_with_body("#/components/schemas/Missing"), ""));
    assert_eq!(
        e.pointer,
        "#/paths/~1things/post/requestBody/content/application~1json/schema"
    );
    assert!(
        e.message
            .contains("dangling $ref `#/components/schemas/Missing`"),
        "{e}"
    );
}

#[test]
fn dangling_ref_inside_a_property() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Nobody'}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/properties/owner");
}

#[test]
fn field_name_collision_after_case_conversion() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        sender_id: {type: string}
        senderId: {type: string}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/properties/senderId");
    assert!(
        e.message.contains("name collision") && e.message.contains("sender_id"),
        "{e}"
    );
}

#[test]
fn type_name_collision_after_case_conversion() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        a: {$ref: '#/components/schemas/sms_sender'}
        b: {$ref: '#/components/schemas/SmsSender'}
    sms_sender: {type: object, properties: {x: {type: string}}}
    SmsSender: {type: object, properties: {y: {type: integer}}}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert!(
        e.message.contains("name collision") && e.message.contains("SmsSender"),
        "{e}"
    );
    assert!(
        e.pointer == "#/components/schemas/SmsSender"
            || e.pointer == "#/components/schemas/sms_sender",
        "{e}"
    );
}

#[test]
fn enum_value_collision_after_case_conversion() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        gender: {type: string, enum: [male, Male]}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(
        e.pointer,
        "#/components/schemas/Thing/properties/gender/enum/1"
    );
    assert!(e.message.contains("x-enum-varnames"), "{e}");
}

#[test]
fn method_name_collision() {
    let paths = r#"
  /a:
    get:
      operationId: sms_list_things
      tags: [sms]
      responses: {'204': {description: none}}
  /b:
    get:
      operationId: smsListThings
      tags: [sms]
      responses: {'204': {description: none}}
"#;
    let e = generate_err(&base(paths, ""));
    assert_eq!(e.pointer, "#/paths/~1b/get");
    assert!(e.message.contains("list_things"), "{e}");
}

#[test]
fn undiscriminated_one_of_is_rejected() {
    let schemas = r#"
    Thing:
      oneOf:
        - {$ref: '#/components/schemas/A'}
        - {$ref: '#/components/schemas/B'}
    A: {type: object, title: A, properties: {a: {type: string}}}
    B: {type: object, title: B, properties: {b: {type: string}}}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/oneOf/0");
    assert!(e.message.contains("x-untagged"), "{e}");
}

#[test]
fn one_of_with_identical_single_value_fields_is_ambiguous() {
    let schemas = r#"
    Thing:
      oneOf:
        - {$ref: '#/components/schemas/A'}
        - {$ref: '#/components/schemas/B'}
    A: {type: object, title: A, required: [t], properties: {t: {type: string, enum: [x]}}}
    B: {type: object, title: B, required: [t], properties: {t: {type: string, enum: [x]}}}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing");
    assert!(e.message.contains("cannot be told apart"), "{e}");
}

#[test]
fn scalar_one_of_needs_lenient_flag() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        n: {oneOf: [{type: string}, {type: integer}]}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/properties/n");
    assert!(e.message.contains("x-lenient-scalar"), "{e}");
}

#[test]
fn discriminator_mapping_to_a_non_variant() {
    let schemas = r#"
    Thing:
      oneOf:
        - {$ref: '#/components/schemas/A'}
      discriminator:
        propertyName: t
        mapping: {z: '#/components/schemas/Okay'}
    A: {type: object, title: A, properties: {t: {type: string, enum: [a]}}}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(
        e.pointer,
        "#/components/schemas/Thing/discriminator/mapping/z"
    );
}

#[test]
fn unsupported_constructs_name_their_pointer() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        both:
          allOf:
            - {$ref: '#/components/schemas/Okay'}
            - {type: object, properties: {b: {type: string}}}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/properties/both");
    assert!(e.message.contains("unsupported construct: allOf"), "{e}");

    let any_of = r#"
    Thing:
      anyOf:
        - {type: string}
        - {type: integer}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), any_of));
    assert_eq!(e.pointer, "#/components/schemas/Thing");
    assert!(e.message.contains("anyOf"), "{e}");

    let header = r#"
  /h:
    get:
      operationId: sms_get_h
      tags: [sms]
      parameters:
        - {name: X-Trace, in: header, schema: {type: string}}
      responses: {'204': {description: none}}
"#;
    let e = generate_err(&base(header, ""));
    assert_eq!(e.pointer, "#/paths/~1h/get/parameters/0");
}

#[test]
fn operations_need_one_tag_and_an_id() {
    let no_tag = r#"
  /a:
    get:
      operationId: list_things
      responses: {'204': {description: none}}
"#;
    let e = generate_err(&base(no_tag, ""));
    assert_eq!(e.pointer, "#/paths/~1a/get/tags");
    let no_id = r#"
  /a:
    get:
      tags: [sms]
      responses: {'204': {description: none}}
"#;
    let e = generate_err(&base(no_id, ""));
    assert_eq!(e.pointer, "#/paths/~1a/get");
    assert!(e.message.contains("operationId"), "{e}");
}

#[test]
fn undeclared_path_parameter() {
    let paths = r#"
  /things/{thing_id}:
    get:
      operationId: sms_get_thing
      tags: [sms]
      responses: {'204': {description: none}}
"#;
    let e = generate_err(&base(paths, ""));
    assert_eq!(e.pointer, "#/paths/~1things~1{thing_id}/get");
    assert!(e.message.contains("thing_id"), "{e}");
}

#[test]
fn an_enum_value_named_like_the_catch_all_gets_a_variant_of_its_own() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        state: {type: string, enum: [DELIVERED, UNKNOWN]}
"#;
    let spec: qikberry_codegen::OpenAPI =
        serde_yaml::from_str(&base(&op_with_body("#/components/schemas/Thing"), schemas)).unwrap();
    let files = qikberry_codegen::generate(&spec).expect("`UNKNOWN` is a value like any other");
    let code: String = files.values().cloned().collect();
    assert!(code.contains("UnknownValue = \"UNKNOWN\""), "{code}");
    assert!(code.contains("Unknown(String)"), "the catch-all stays");
}

#[test]
fn x_enum_varnames_may_not_take_the_catch_all_name() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        state: {type: string, enum: [a, b], x-enum-varnames: [A, Unknown]}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(
        e.pointer,
        "#/components/schemas/Thing/properties/state/x-enum-varnames/1"
    );
    assert!(e.message.contains("catch-all"), "{e}");
}

/// A model with an `x-predicates` list as given, on a string-enum `status` and a free `note`.
fn with_predicates(predicates: &str) -> String {
    base(
        &op_with_body("#/components/schemas/Check"),
        &format!(
            r#"
    Check:
      type: object
      required: [status]
      x-predicates: {predicates}
      properties:
        status: {{type: string, enum: [success, invalid]}}
        note: {{type: string}}
"#
        ),
    )
}

#[test]
fn predicate_errors_name_the_entry() {
    let at = "#/components/schemas/Check/x-predicates";
    let cases = [
        ("{name: x}", at.to_string(), "must be a list"),
        (
            "[{name: ok, field: status, values: [success]}]",
            format!("{at}/0"),
            "description",
        ),
        (
            "[{name: IsOk, field: status, values: [success], description: d}]",
            format!("{at}/0/name"),
            "snake_case",
        ),
        (
            "[{name: ok, field: missing, values: [success], description: d}]",
            format!("{at}/0/field"),
            "not a property",
        ),
        (
            "[{name: ok, field: note, values: [success], description: d}]",
            format!("{at}/0/field"),
            "not a string enum",
        ),
        (
            "[{name: ok, field: status, values: [success, gone], description: d}]",
            format!("{at}/0/values/1"),
            "not a value",
        ),
        (
            "[{name: note, field: status, values: [success], description: d}]",
            "#/components/schemas/Check".to_string(),
            "name collision",
        ),
    ];
    for (predicates, pointer, message) in cases {
        let e = generate_err(&with_predicates(predicates));
        assert_eq!(e.pointer, pointer, "{predicates}: {e}");
        assert!(e.message.contains(message), "{predicates}: {e}");
    }
}
