//! Specs the generator cannot represent are errors that name the JSON pointer of the problem.

mod support;

use support::spec as base;

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

#[test]
fn cookie_parameters_are_refused_with_a_way_forward() {
    let cookie = r#"
  /h:
    get:
      operationId: sms_get_h
      tags: [sms]
      parameters:
        - {name: session, in: cookie, schema: {type: string}}
      responses: {'204': {description: none}}
"#;
    let e = generate_err(&base(cookie, ""));
    assert_eq!(e.pointer, "#/paths/~1h/get/parameters/0");
    assert!(
        e.message.contains("cookie parameter `session`") && e.message.contains("layer"),
        "{e}"
    );
}

#[test]
fn all_of_members_with_conflicting_property_types_name_the_second() {
    let schemas = r#"
    Thing:
      allOf:
        - {$ref: '#/components/schemas/Okay'}
        - {type: object, properties: {id: {type: integer}}}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(
        e.pointer,
        "#/components/schemas/Thing/allOf/1/properties/id"
    );
    assert!(
        e.message.contains("`id`")
            && e.message
                .contains("#/components/schemas/Okay/properties/id"),
        "{e}"
    );
}

#[test]
fn all_of_of_an_object_and_a_string_is_meaningless() {
    let schemas = r#"
    Thing:
      allOf:
        - {$ref: '#/components/schemas/Okay'}
        - {type: string}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/allOf/1");
    assert!(e.message.contains("no value is both"), "{e}");
}

#[test]
fn a_list_that_contains_itself_has_no_rust_type() {
    let schemas = r#"
    Thing:
      type: object
      properties:
        tree: {$ref: '#/components/schemas/Tree'}
    Tree:
      type: array
      items: {$ref: '#/components/schemas/Tree'}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Tree");
    assert!(e.message.contains("recursive"), "{e}");
}

#[test]
fn a_one_of_with_a_discriminator_needs_object_variants() {
    let schemas = r#"
    Thing:
      oneOf:
        - {$ref: '#/components/schemas/Okay'}
        - {type: string}
      discriminator: {propertyName: kind}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing/oneOf/1");
    assert!(e.message.contains("discriminator"), "{e}");
}

#[test]
fn a_schema_that_is_only_itself_has_no_rust_type() {
    let schemas = r#"
    Thing:
      allOf:
        - {$ref: '#/components/schemas/Thing'}
"#;
    let e = generate_err(&base(&op_with_body("#/components/schemas/Thing"), schemas));
    assert_eq!(e.pointer, "#/components/schemas/Thing");
    assert!(e.message.contains("recursive"), "{e}");
}
