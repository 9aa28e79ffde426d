//! `x-rust-type: {crate, path}` maps a schema to a type of one of the generated crate's
//! dependencies: the schema becomes an alias of that type (no enum is generated), and a value
//! that is not such a type is an error naming the extension's JSON pointer.

fn spec(extension: &str) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /status:
    get:
      operationId: sms_get_status
      tags: [sms]
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Report'}}
components:
  schemas:
    Report:
      type: object
      properties:
        status: {{$ref: '#/components/schemas/DlrStatus'}}
    DlrStatus:
      type: string
      enum: [DELIVRD, UNDELIV]
{extension}
"#
    )
}

fn generate(yaml: &str) -> Result<String, qikberry_codegen::Error> {
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(yaml).unwrap();
    let files = qikberry_codegen::generate(&spec)?;
    Ok(files.values().cloned().collect::<Vec<_>>().join("\n"))
}

const VALID: &str =
    "      x-rust-type: {crate: qikberry-text, path: '::qikberry_text::status::SmsStatus'}";

#[test]
fn a_mapped_schema_is_an_alias_of_the_runtime_type() {
    let out = generate(&spec(VALID)).unwrap();
    assert!(
        out.contains("pub type DlrStatus = ::qikberry_text::status::SmsStatus;"),
        "{out}"
    );
    assert!(out.contains("pub status: Option<DlrStatus>,"), "{out}");
    assert!(!out.contains("pub enum DlrStatus"), "{out}");
    assert!(!out.contains("Delivrd"), "{out}");
    // Without the extension the same schema is a generated open enum.
    let plain = generate(&spec("")).unwrap();
    assert!(plain.contains("pub enum DlrStatus"), "{plain}");
}

#[test]
fn an_invalid_mapping_names_the_extension_pointer() {
    let pointer = "#/components/schemas/DlrStatus/x-rust-type";
    let cases = [
        (
            "      x-rust-type: '::qikberry_text::status::SmsStatus'",
            "needs `crate`",
        ),
        (
            "      x-rust-type: {crate: qikberry-text, path: 'qikberry_text::status::SmsStatus'}",
            "must be `::qikberry_text::",
        ),
        (
            "      x-rust-type: {crate: qikberry-text, path: '::qikberry_text::status::Sms Status'}",
            "identifiers only",
        ),
        (
            "      x-rust-type: {crate: qikberry-text, path: '::other::SmsStatus'}",
            "must be `::qikberry_text::",
        ),
        (
            "      x-rust-type: {crate: qikberry-smpp, path: '::qikberry_smpp::MessageState'}",
            "not a non-optional dependency",
        ),
        (
            "      x-rust-type: {crate: rand, path: '::rand::Rng'}",
            "not a non-optional dependency",
        ),
    ];
    for (extension, message) in cases {
        let e = generate(&spec(extension)).unwrap_err();
        assert_eq!(e.pointer, pointer, "{extension}: {e}");
        assert!(e.message.contains(message), "{extension}: {e}");
    }
}
