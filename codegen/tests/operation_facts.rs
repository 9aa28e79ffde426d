//! `operation_facts` reports what the bundled spec decides about its operations: the rules the
//! generated client follows and the tools (sandbox, live-check, spec-lint) read.

use std::path::Path;

use qikberry_codegen::{OperationFacts, RateLimit};

fn facts() -> Vec<OperationFacts> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/qikberry.yaml");
    let spec: qikberry_codegen::OpenAPI =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    qikberry_codegen::operation_facts(&spec).unwrap()
}

fn by_id<'a>(all: &'a [OperationFacts], id: &str) -> &'a OperationFacts {
    all.iter().find(|f| f.id == id).unwrap()
}

#[test]
fn known_operations_carry_their_spec_rules() {
    let all = facts();
    let senders = by_id(&all, "sms_list_senders");
    assert_eq!(
        (
            senders.method.as_str(),
            senders.path.as_str(),
            senders.tag.as_str()
        ),
        ("GET", "/sms/senders", "sms")
    );
    assert_eq!(senders.pointer, "#/paths/~1sms~1senders/get");
    assert_eq!(senders.base_path, "/api/v2");
    assert!(senders.idempotent && senders.is_harmless_read());
    let limit = senders.rate_limit.as_ref().unwrap();
    assert_eq!((limit.requests, limit.per_seconds), (1000, 60));
    assert!(!limit.scope.is_empty());

    let send = by_id(&all, "sms_send_message");
    assert_eq!(send.method, "POST");
    assert!(!send.idempotent && !send.is_harmless_read());
    assert_eq!(send.rate_limit, None::<RateLimit>);

    let update = by_id(&all, "sms_update_sender");
    assert!(update.idempotent && !update.is_harmless_read());

    let token = by_id(&all, "auth_generate_token");
    assert_eq!(token.base_path, "/api/v3");
    assert!(by_id(&all, "verify_list_profiles").path_inferred);
    assert!(!senders.path_inferred);
}

/// The GETs that have an effect say so in the spec, so no tool needs a list of its own.
#[test]
fn gets_with_effects_are_not_harmless_reads() {
    let all = facts();
    for id in [
        "verify_check_otp",
        "auth_refresh_token",
        "auth_generate_token",
        "verify_cancel_otp",
    ] {
        let op = by_id(&all, id);
        assert_eq!(op.method, "GET", "{id}");
        assert!(!op.idempotent && !op.is_harmless_read(), "{id}");
    }
    let harmless = all.iter().filter(|f| f.is_harmless_read()).count();
    let gets = all.iter().filter(|f| f.method == "GET").count();
    assert_eq!(gets - harmless, 4);
}

#[test]
fn a_malformed_extension_is_an_error_at_its_pointer() {
    let yaml = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: x_a
      tags: [x]
      x-rate-limit: {requests: 0, per-seconds: 60, scope: all}
      responses: {"200": {description: ok}}
"#;
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(yaml).unwrap();
    let error = qikberry_codegen::operation_facts(&spec).unwrap_err();
    assert_eq!(error.pointer, "#/paths/~1a/get/x-rate-limit");
}

/// The extension readers the generator uses are the ones spec-lint applies to every operation.
#[test]
fn extension_readers_reject_what_the_client_cannot_follow() {
    use serde_json::json;
    let limit = |v| RateLimit::from_extension(&v);
    assert!(limit(json!({"requests": 10, "per-seconds": 1, "scope": "all"})).is_ok());
    assert!(limit(json!({"requests": 10, "per-seconds": 1, "scope": "  "})).is_err());
    assert!(limit(json!({"requests": 10, "per-seconds": 0, "scope": "all"})).is_err());
    assert!(
        limit(json!({"requests": 5_000_000_000u64, "per-seconds": 1, "scope": "all"})).is_err()
    );
    let idempotent = qikberry_codegen::idempotent_from_extension;
    assert_eq!(idempotent(Some(&json!(false)), "get"), Ok(false));
    assert_eq!(idempotent(None, "get"), Ok(true));
    assert_eq!(idempotent(None, "post"), Ok(false));
    assert!(idempotent(Some(&json!("no")), "get").is_err());
}
