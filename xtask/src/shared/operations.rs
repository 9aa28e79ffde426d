//! The spec's operations as the sandbox and live-check need them: the generator's operation
//! facts ([`qikberry_codegen::operation_facts`]: method, path template, product, base path,
//! `x-idempotent`, `x-rate-limit`), in document order, with the operation object they came from
//! and matching a concrete request path to its operation.

use serde_json::Value;

use super::openapi::{self, pointer};

/// One operation of the spec, as the generator reads it.
pub type Operation = qikberry_codegen::OperationFacts;

/// The facts of every operation of `doc`, in document order. Fails where the generator would:
/// a tool acting on rules no generated client follows would check the wrong thing.
pub fn facts(doc: &Value) -> Result<Vec<Operation>, String> {
    let spec: qikberry_codegen::OpenAPI = serde_json::from_value(doc.clone())
        .map_err(|e| format!("the spec is not an OpenAPI 3.0 document: {e}"))?;
    let mut facts = qikberry_codegen::operation_facts(&spec)
        .map_err(|e| format!("the generator rejects the spec: {e}"))?;
    let order: Vec<String> = openapi::operations(doc)
        .into_iter()
        .map(|op| op.pointer)
        .collect();
    facts.sort_by_key(|op| order.iter().position(|p| *p == op.pointer));
    Ok(facts)
}

/// The operation object of `op` in `doc` (`null` when the pointer does not resolve).
pub fn node<'a>(doc: &'a Value, op: &Operation) -> &'a Value {
    pointer::resolve(doc, &op.pointer).unwrap_or(&Value::Null)
}

/// The operation for `method` and a concrete `path` (no query, base path already removed).
/// Literal segments win over parameters, so `/contacts/tags` is not `/contacts/{contact_id}`.
pub fn find<'a>(ops: &'a [Operation], method: &str, path: &str) -> Option<&'a Operation> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    ops.iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method))
        .filter_map(|op| {
            let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') && t.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, op))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, op)| op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{spec, workspace};
    use serde_json::json;

    fn doc() -> Value {
        let get = |id: &str, tag: &str| json!({"operationId": id, "tags": [tag], "responses": {"204": {"description": "ok"}}});
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://{host}/api/v2"}],
            "paths": {
                "/contacts/{contact_id}": {"get": get("contacts_get", "contacts"), "parameters": [
                    {"name": "contact_id", "in": "path", "required": true, "schema": {"type": "string"}}
                ]},
                "/contacts/tags": {"get": get("contacts_list_tags", "contacts")},
                "/auth/token/refresh": {"get": {"operationId": "auth_refresh", "tags": ["auth"],
                    "x-idempotent": false, "servers": [{"url": "https://{host}/api/v3"}],
                    "responses": {"204": {"description": "ok"}}}}
            }
        })
    }

    #[test]
    fn literal_segments_win_and_order_is_the_documents() {
        let ops = facts(&doc()).unwrap();
        let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["contacts_get", "contacts_list_tags", "auth_refresh"]);
        let found = |m, p| find(&ops, m, p).map(|o| o.id.as_str());
        assert_eq!(found("GET", "/contacts/tags"), Some("contacts_list_tags"));
        assert_eq!(found("GET", "/contacts/42"), Some("contacts_get"));
        assert_eq!(found("POST", "/contacts/42"), None);
        assert_eq!(node(&doc(), &ops[2])["x-idempotent"], json!(false));
    }

    /// The sandbox and live-check see the bundled spec exactly as the generator does: the GETs
    /// with effects (OTP check and cancel, token minting and refresh) are not harmless reads.
    #[test]
    fn the_bundled_specs_facts_agree_with_the_generator() {
        let doc = spec::load(&workspace::spec_path()).unwrap();
        let ops = facts(&doc).unwrap();
        assert_eq!(ops.len(), openapi::operations(&doc).len());
        for op in &ops {
            let node = node(&doc, op);
            assert_eq!(node["operationId"], json!(op.id), "{}", op.pointer);
            assert_eq!(node["x-idempotent"], json!(op.idempotent), "{}", op.id);
            assert!(op.pointer.ends_with(&op.method.to_lowercase()), "{}", op.id);
        }
        let effectful: Vec<&str> = ops
            .iter()
            .filter(|o| o.method == "GET" && !o.is_harmless_read())
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(
            effectful,
            [
                "auth_generate_token",
                "auth_refresh_token",
                "verify_check_otp",
                "verify_cancel_otp"
            ]
        );
        let check = ops.iter().find(|o| o.id == "verify_check_otp").unwrap();
        assert_eq!(node(&doc, check)["x-idempotent"], json!(false));
        assert_eq!(check.rate_limit.as_ref().map(|r| r.requests), Some(1000));
        assert_eq!(
            find(&ops, "GET", "/verify/check/1/2").map(|o| &o.id),
            Some(&check.id)
        );
    }
}
