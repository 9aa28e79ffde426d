//! Snapshot tests: each fixture spec in `tests/fixtures/` generates exactly the committed files
//! in `tests/snapshots/` (one snapshot per generated file).
//!
//! `constructs.yaml` covers: a oneOf with a discriminator (and a mapping), an `x-untagged` oneOf
//! nested inside it, a oneOf dispatched on single-value enum fields (response side, with an
//! `Unknown` variant), string enums (with a case-collision resolved by `x-enum-varnames`),
//! lenient scalars, filter groups, page pagination, multipart and form bodies, an operation-level
//! `/api/v3` server, an inferred path warning, and a model shared by several tags (`common`).

use std::path::Path;

fn generate(fixture: &str) -> qikberry_codegen::Files {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap();
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(&text).unwrap();
    qikberry_codegen::generate(&spec).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

#[test]
fn constructs_fixture() {
    let files = generate("constructs.yaml");
    let names: Vec<String> = files.keys().map(|p| p.display().to_string()).collect();
    insta::assert_snapshot!("constructs__file_list", names.join("\n"));
    // The manifest (one feature per tag) and the emitted code; the README, `lib.rs` and the
    // licenses are template copies.
    let snapshotted = |p: &Path| p == Path::new("Cargo.toml") || p.starts_with("src/api");
    for (path, text) in files.iter().filter(|(p, _)| snapshotted(p)) {
        // The `api/` files keep the names they had before the crate's own files were generated.
        let name = match path.strip_prefix("src/api") {
            Ok(api) => api.display().to_string(),
            Err(_) => format!("crate/{}", path.display()),
        };
        let name = format!("constructs__{}", name.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn constructs_fixture_contains_each_construct() {
    let files = generate("constructs.yaml");
    let get = |p: &str| {
        files
            .get(&Path::new("src/api").join(p))
            .unwrap_or_else(|| panic!("{p} missing"))
            .as_str()
    };
    let sms = get("sms/mod.rs");
    let sms_types = get("sms/types.rs");
    // v3 server, inferred path, filters, pagination.
    assert!(get("auth/mod.rs").contains("crate::request::Server::V3"));
    assert!(sms.contains("**Unconfirmed path** (`x-path-inferred`)"));
    assert!(sms.contains("pub struct SmsSenderFilter"));
    assert!(sms.contains(".query_opt(\"filter[name]\", self.filter.name.as_ref())"));
    assert!(sms.contains("pub fn items(") && sms.contains("pub fn pages("));
    assert!(sms_types.contains("impl crate::pagination::Paginated for SmsListSendersResponse"));
    // oneOf dispatch: discriminator, untagged, single-value enum field with Unknown.
    assert!(sms_types.contains("sigs: &[&[(\"type\", \"media\")]]"));
    assert!(sms_types.contains("\"SmsTextMessage\",\n            true,"));
    assert!(sms_types.contains("sigs: &[&[(\"state\", \"rejected\")]]"));
    assert!(sms_types.contains("Unknown(serde_json::Value)"));
    // Lenient scalars, enums keep unknown values.
    assert!(sms_types.contains("pub flash: Option<crate::types::StringOrNumber>"));
    assert!(
        sms_types.contains("qikberry_runtime::open_enum!(\n    impl SmsSenderStatus"),
        "{sms_types}"
    );
    // Bodies.
    assert!(get("contacts/mod.rs").contains("crate::request::Body::Multipart(parts)"));
    assert!(get("integrations/mod.rs").contains("crate::request::Body::Form"));
    // Shared model in common.
    assert!(get("common.rs").contains("pub struct GenericResponse"));
    assert!(!sms_types.contains("pub struct GenericResponse"));
}
