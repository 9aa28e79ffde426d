//! What the server sends stays open: no schema reachable from a response or from a callback's
//! request body (a webhook push) may say `additionalProperties: false`. The platform adds fields;
//! a closed shape turns a new field into a decode failure or, inside a oneOf, into the wrong
//! variant. Request bodies the client sends may be closed.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Check, Problems};
use crate::shared::openapi;
use crate::shared::openapi::pointer::{self, join, join_index};

fn visit(
    doc: &Value,
    node: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    problems: &mut Problems,
) {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                if seen.insert(target.to_string())
                    && let Some(resolved) = pointer::resolve(doc, target)
                {
                    visit(doc, resolved, target, seen, problems);
                }
                return;
            }
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                problems.push(
                    Check::Open,
                    join(at, "additionalProperties"),
                    "a schema the server sends (response or webhook push) must stay open: drop \
                     `additionalProperties: false`"
                        .to_string(),
                );
            }
            for (key, value) in map {
                if key != "example" && key != "examples" && key != "default" {
                    visit(doc, value, &join(at, key), seen, problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                visit(doc, item, &join_index(at, i), seen, problems);
            }
        }
        _ => {}
    }
}

fn operation(
    doc: &Value,
    op: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    problems: &mut Problems,
) {
    if let Some(responses) = op.get("responses") {
        visit(doc, responses, &join(at, "responses"), seen, problems);
    }
    for (name, callback) in op
        .get("callbacks")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some((callback, callback_at)) =
            pointer::deref(doc, callback, &join(&join(at, "callbacks"), name))
        else {
            continue;
        };
        for (expression, item) in callback.as_object().into_iter().flatten() {
            for method in openapi::METHODS {
                if let Some(pushed) = item.get(method).and_then(|o| o.get("requestBody")) {
                    let here = join(
                        &join(&join(&callback_at, expression), method),
                        "requestBody",
                    );
                    visit(doc, pushed, &here, seen, problems);
                }
            }
        }
    }
}

/// Runs the check over every operation.
pub fn check(doc: &Value, problems: &mut Problems) {
    let mut seen = BTreeSet::new();
    for op in openapi::operations(doc) {
        operation(doc, op.node, &op.pointer, &mut seen, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn closed_response_schema_is_reported_once_where_defined() {
        let doc = json!({
            "paths": {"/a": {
                "get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}},
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Q"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}
                }
            }},
            "components": {"schemas": {
                "R": {"type": "object", "properties": {"inner": {"type": "object", "additionalProperties": false}}},
                "Q": {"type": "object", "additionalProperties": false}
            }}
        });
        let mut problems = Problems::default();
        check(&doc, &mut problems);
        let at: Vec<&str> = problems.0.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            at,
            ["#/components/schemas/R/properties/inner/additionalProperties"]
        );
    }
}
