//! The client's operation extensions are decisions, not decorations. Their values are read by the
//! generator's own readers (`qikberry_codegen::idempotent_from_extension`,
//! `qikberry_codegen::RateLimit::from_extension`), so spec-lint accepts exactly what the client is
//! built from; on top of that:
//!
//! - every operation says `x-idempotent: true|false` (whether repeating it has no further
//!   effect; `RetryLayer` repeats only `true` ones, whatever the method) rather than leaning on
//!   the generator's default by method;
//! - every operation declares a `429` response (rate limits apply to every request; an
//!   `x-rate-limit` states the documented limit where there is one);
//! - `x-secret`, on a parameter or schema, is `true` (anything else is a typo that would leak).

use serde_json::Value;

use qikberry_codegen::RateLimit;

use super::{Check, Problems};
use crate::shared::openapi;
use crate::shared::openapi::pointer::{join, join_index};

fn check_operation(op: &openapi::Operation<'_>, problems: &mut Problems) {
    let node = op.node;
    let idempotent = node.get("x-idempotent");
    let at = join(&op.pointer, "x-idempotent");
    match idempotent.map(|v| qikberry_codegen::idempotent_from_extension(Some(v), op.method)) {
        None => problems.push(
            Check::Coverage,
            at,
            format!(
                "{} {}: every operation needs `x-idempotent: true|false` (false when repeating \
                 the call has an effect: sends, creates, OTP checks, token minting)",
                op.method.to_uppercase(),
                op.path
            ),
        ),
        Some(Err(message)) => problems.push(Check::Coverage, at, message),
        Some(Ok(_)) => {}
    }
    let limit = node.get("x-rate-limit");
    if let Some(Err(message)) = limit.map(RateLimit::from_extension) {
        problems.push(Check::Coverage, join(&op.pointer, "x-rate-limit"), message);
    }
    // Rate limits apply to every request (reference lines 76-82, 113): every operation declares
    // the shared 429, whether or not its limit is documented (`x-rate-limit`).
    let has_429 = node.get("responses").and_then(|r| r.get("429")).is_some();
    if !has_429 {
        problems.push(
            Check::Coverage,
            join(&op.pointer, "responses"),
            "no 429 response: every operation declares `$ref: '#/components/responses/TooManyRequests'`"
                .to_string(),
        );
    }
}

fn check_secret_flags(node: &Value, at: &str, problems: &mut Problems) {
    match node {
        Value::Object(map) => {
            if let Some(flag) = map.get("x-secret")
                && flag != &Value::Bool(true)
            {
                problems.push(
                    Check::Coverage,
                    join(at, "x-secret"),
                    "x-secret must be `true` (or absent)".to_string(),
                );
            }
            for (key, value) in map {
                if key != "example" && key != "examples" {
                    check_secret_flags(value, &join(at, key), problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_secret_flags(item, &join_index(at, i), problems);
            }
        }
        _ => {}
    }
}

/// Runs the checks over every operation and the whole document (`x-secret`).
pub fn check(doc: &Value, problems: &mut Problems) {
    for op in openapi::operations(doc) {
        check_operation(&op, problems);
    }
    check_secret_flags(doc, "#", problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(doc: &Value) -> Vec<String> {
        let mut p = Problems::default();
        check(doc, &mut p);
        p.0.iter().map(|p| p.pointer.clone()).collect()
    }

    #[test]
    fn flags_missing_and_malformed_decisions() {
        let limit = json!({"requests": 1000, "per-seconds": 60, "scope": "GETs"});
        let doc = json!({"paths": {"/a": {
            "get": {"x-idempotent": false, "x-rate-limit": limit, "responses": {"429": {}}},
            "put": {"responses": {}},
            "post": {"x-idempotent": "no", "responses": {"429": {}}},
            "delete": {"x-idempotent": true, "x-rate-limit": {"requests": 0}, "responses": {"429": {}},
                "parameters": [{"name": "t", "x-secret": "yes"}]}
        }}});
        assert_eq!(
            problems(&doc),
            vec![
                "#/paths/~1a/put/x-idempotent",
                "#/paths/~1a/put/responses",
                "#/paths/~1a/post/x-idempotent",
                "#/paths/~1a/delete/x-rate-limit",
                "#/paths/~1a/delete/parameters/0/x-secret",
            ]
        );
    }

    #[test]
    fn clean_operation_passes() {
        let doc = json!({"paths": {"/a": {"get": {
            "x-idempotent": true,
            "x-rate-limit": {"requests": 1000, "per-seconds": 60, "scope": "GETs"},
            "responses": {"429": {}},
            "parameters": [{"name": "t", "x-secret": true}]
        }}}});
        assert!(problems(&doc).is_empty());
    }
}
