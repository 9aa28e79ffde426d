//! Each operation's example answer, for the `spec_examples` table a fake server answers from
//! (the `qikberry-testkit` crate): the operation's lowest 2xx response, and its JSON content's
//! `example`, else the first of its `examples` in the spec's order. Bodies are written as compact
//! JSON with object keys sorted, so the table does not depend on how a JSON map is ordered.

use openapiv3::{OpenAPI, ReferenceOr, Response, StatusCode};
use serde_json::Value;

use super::{Result, err};
use crate::ir::{Op, SpecExample};

/// One example per operation, in the order of `ops`.
pub(super) fn read(spec: &OpenAPI, ops: &[Op]) -> Result<Vec<SpecExample>> {
    ops.iter().map(|op| example(spec, op)).collect()
}

fn example(spec: &OpenAPI, op: &Op) -> Result<SpecExample> {
    let f = &op.facts;
    let pointer = f.pointer.trim_start_matches('#');
    let operation = spec
        .paths
        .paths
        .get(&f.path)
        .and_then(ReferenceOr::as_item)
        .and_then(|item| item.iter().find(|(m, _)| m.eq_ignore_ascii_case(&f.method)))
        .map(|(_, o)| o);
    let Some(operation) = operation else {
        return err(
            pointer,
            "internal error: the operation is no longer in the spec",
        );
    };
    let success = operation
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(n) if (200..300).contains(n) => Some((*n, r)),
            _ => None,
        })
        .min_by_key(|(n, _)| *n);
    let (status, body) = match success {
        Some((n, r)) => (n, response_example(spec, r)?.map(|v| canonical(&v))),
        None => (204, None),
    };
    Ok(SpecExample {
        operation: f.id.clone(),
        method: f.method.clone(),
        path: format!("{}{}", f.base_path, f.path),
        status,
        body,
    })
}

/// The example of a response's JSON content, following `$ref`s into the components.
fn response_example(spec: &OpenAPI, r: &ReferenceOr<Response>) -> Result<Option<Value>> {
    let components = spec.components.as_ref();
    let response = match r {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| components?.responses.get(name))
            .and_then(ReferenceOr::as_item),
    };
    let Some(media) = response.and_then(|r| {
        r.content
            .iter()
            .find(|(k, _)| k.contains("json"))
            .map(|(_, m)| m)
    }) else {
        return Ok(None);
    };
    if let Some(v) = &media.example {
        return Ok(Some(v.clone()));
    }
    let first = media.examples.values().next().and_then(|e| match e {
        ReferenceOr::Item(e) => e.value.clone(),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/examples/")
            .and_then(|name| components?.examples.get(name))
            .and_then(ReferenceOr::as_item)
            .and_then(|e| e.value.clone()),
    });
    Ok(first)
}

/// Compact JSON with every object's keys sorted.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let members: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", items.join(","))
        }
        scalar => scalar.to_string(),
    }
}
