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
        .join("tests")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap();
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(&text).unwrap();
    qikberry_codegen::generate(&spec).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

/// One snapshot per generated file of `fixture`, named `<prefix>__<file>`.
fn snapshot_all(fixture: &str, prefix: &str) {
    let files = generate(fixture);
    let names: Vec<String> = files.keys().map(|p| p.display().to_string()).collect();
    insta::assert_snapshot!(format!("{prefix}__file_list"), names.join("\n"));
    // The manifest (one feature per tag) and the emitted code; the README, `lib.rs` and the
    // licenses are template copies.
    let snapshotted = |p: &Path| p == Path::new("Cargo.toml") || p.starts_with("src/api");
    for (path, text) in files.iter().filter(|(p, _)| snapshotted(p)) {
        // The `api/` files keep the names they had before the crate's own files were generated.
        let name = match path.strip_prefix("src/api") {
            Ok(api) => api.display().to_string(),
            Err(_) => format!("crate/{}", path.display()),
        };
        let name = format!("{prefix}__{}", name.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn constructs_fixture() {
    snapshot_all("fixtures/constructs.yaml", "constructs");
}

/// `corpus/composition.yaml`: header parameters, enum path/query parameters, allOf, anyOf,
/// recursive schemas, nullable, integer enums, maps and a oneOf inside an array (its decode
/// tests run in `xtask/tests/corpus.rs`).
#[test]
fn composition_fixture() {
    snapshot_all("corpus/composition.yaml", "composition");
}

#[test]
fn composition_fixture_contains_each_construct() {
    let files = generate("corpus/composition.yaml");
    let get = |p: &str| files[&Path::new("src/api").join(p)].as_str();
    let (shop, types) = (get("shop/mod.rs"), get("shop/types.rs"));
    // Header parameters: required as an argument, optional as setters, redacted when secret.
    assert!(shop.contains(".header(\"Idempotency-Key\", &self.idempotency_key)"));
    assert!(shop.contains(".header_opt(\"X-Request-Id\", self.x_request_id.as_ref())"));
    assert!(shop.contains(".field(\"idempotency_key\", &\"[REDACTED]\")"));
    assert!(shop.contains(".secret_params(&[\"Idempotency-Key\"])"));
    // Enum path parameter, integer enum query parameter.
    assert!(shop.contains("kind: OrderKind,"));
    assert!(shop.contains("priority: Option<Priority>,"));
    // allOf merged (Base, Audited, Order's own), recursive fields boxed only where needed.
    assert!(types.contains("pub struct Order {\n    #[allow(missing_docs)]\n    pub id: String,"));
    assert!(types.contains("pub parent: Option<Box<Category>>,"));
    assert!(types.contains("pub children: Option<Vec<Category>>,"));
    assert!(types.contains("pub not: Box<Expr>,"));
    assert!(types.contains("    Negation(Negation),"));
    // anyOf of objects: one struct of optional fields; of scalars: StringOrNumber.
    assert!(types.contains("pub struct Contact {"));
    assert!(types.contains("pub total: crate::types::StringOrNumber,"));
    // Maps, integer enums, colliding enum values.
    assert!(types.contains("pub labels: Option<std::collections::BTreeMap<String, String>>,"));
    assert!(types.contains("pub extra: Option<serde_json::Map<String, serde_json::Value>>,"));
    assert!(types.contains("open_int_enum!(impl Priority { Low = 0, Normal = 1, High = 2 })"));
    assert!(types.contains("InProgress2 =\n    \"in_progress\""));
}

#[test]
fn constructs_fixture_contains_each_construct() {
    let files = generate("fixtures/constructs.yaml");
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
