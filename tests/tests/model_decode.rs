//! The generated models' written-out `Deserialize` (codegen `emit/deserialize.rs`) against the
//! rules of serde's derive it replaces: missing and duplicate fields, `null` and absent optional
//! fields, ignored members, escaped names, and the one difference (an array is not a model).

use qikberry::sms::SmsGetTemplateResponse;
use qikberry::types::StringOrNumber;

fn decode(text: &str) -> Result<SmsGetTemplateResponse, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[test]
fn a_model_reads_its_fields_and_ignores_other_members() {
    let m = decode(r#"{"status":"OK","extra":{"a":[1]},"message":"done","code":null}"#).unwrap();
    assert_eq!(m.status, StringOrNumber::from("OK"));
    assert_eq!(m.message, "done");
    assert_eq!((m.code, m.data), (None, None));
    // Member names with escapes are the same names.
    let m = decode(r#"{"st\u0061tus":200,"message":"x","data":{"id":"7"}}"#).unwrap();
    assert_eq!(m.status.as_i64(), Some(200));
    assert_eq!(m.data.and_then(|d| d.id).as_deref(), Some("7"));
}

#[test]
fn missing_and_duplicate_fields_are_serdes_errors() {
    let e = decode(r#"{"status":"OK"}"#).unwrap_err();
    assert!(e.starts_with("missing field `message`"), "{e}");
    let e = decode(r#"{"status":"OK","message":"a","message":"b"}"#).unwrap_err();
    assert!(e.starts_with("duplicate field `message`"), "{e}");
    let e = decode(r#"{"status":"OK","message":5}"#).unwrap_err();
    assert!(
        e.starts_with("invalid type: integer `5`, expected a string"),
        "{e}"
    );
}

#[test]
fn a_model_is_an_object_never_an_array() {
    let e = decode(r#"["OK", null, "done", null]"#).unwrap_err();
    assert!(
        e.starts_with("invalid type: sequence, expected struct SmsGetTemplateResponse"),
        "{e}"
    );
}
