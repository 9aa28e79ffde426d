//! Helpers shared by the codegen tests.

/// A small spec: `paths` (YAML under `paths:`) and `schemas` (YAML under
/// `components/schemas`, after an `Okay` object with an `id` string).
pub fn spec(paths: &str, schemas: &str) -> String {
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
