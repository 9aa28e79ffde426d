//! What both operation-level suites (loopback server and Prism) derive from the spec for one
//! call: coverage of the operationIds, the query string checked against the declared
//! parameters, the request bodies to send, the responses to expect.

use std::collections::BTreeSet;

use serde_json::Value;

use super::ops::{Call, Ctx, UPLOAD_NAME};
use super::server::{BodyExpect, PartExpect};
use super::spec::{Operation, deref, minimal_instance};

/// Fails unless the table covers every operationId of the spec exactly once, and nothing else.
pub fn check_coverage(ops: &std::collections::BTreeMap<String, Operation>, table: &[Call]) {
    let mut seen = BTreeSet::new();
    let dups: Vec<&str> = table
        .iter()
        .filter(|c| !seen.insert(c.id))
        .map(|c| c.id)
        .collect();
    let spec_ids: BTreeSet<&str> = ops.keys().map(String::as_str).collect();
    let missing: Vec<&str> = spec_ids.difference(&seen).copied().collect();
    let extra: Vec<&str> = seen.difference(&spec_ids).copied().collect();
    assert!(
        dups.is_empty() && missing.is_empty() && extra.is_empty(),
        "the typed call table (tests/tests/support/calls.rs) must cover every operation of \
         spec/qikberry.yaml exactly once.\n  not covered: {missing:?}\n  not in the spec: \
         {extra:?}\n  duplicated: {dups:?}"
    );
}

/// Percent-decodes a query component (independent of the client's encoder).
pub fn pct_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .ok_or(format!("truncated escape in {s:?}"))?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {s:?}"))?);
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"-._~".contains(&c) => {
                out.push(c);
                i += 1;
            }
            c => return Err(format!("unencoded byte {:?} in {s:?}", c as char)),
        }
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Percent-encodes everything except RFC 3986 unreserved characters (independent of the
/// client's encoder).
pub fn pct_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks the call's query string against the operation's declared query parameters: every
/// name declared, every value valid for its schema (type, enum), and every declared parameter
/// exercised.
pub fn check_query(spec: &Value, op: &Operation, query: &str) -> Result<(), String> {
    let mut used = BTreeSet::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = pair
            .split_once('=')
            .ok_or(format!("query pair without `=`: {pair:?}"))?;
        let (n, v) = (pct_decode(n)?, pct_decode(v)?);
        let p = op
            .params
            .iter()
            .find(|p| p.location == "query" && p.name == n)
            .ok_or(format!("query parameter {n:?} is not declared in the spec"))?;
        check_scalar(spec, &p.schema, &v).map_err(|e| format!("query parameter {n}={v:?}: {e}"))?;
        used.insert(n);
    }
    let unused: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.location == "query" && !used.contains(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    if unused.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the call does not exercise the query parameters {unused:?}"
        ))
    }
}

fn check_scalar(spec: &Value, schema: &Value, v: &str) -> Result<(), String> {
    let s = deref(spec, schema);
    if let Some(Value::Array(alts)) = s.get("oneOf").or_else(|| s.get("anyOf")) {
        return if alts.iter().any(|a| check_scalar(spec, a, v).is_ok()) {
            Ok(())
        } else {
            Err("matches no alternative".into())
        };
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        let ok = e.iter().any(|x| match x {
            Value::String(t) => t == v,
            other => serde_json::from_str::<Value>(v).ok().as_ref() == Some(other),
        });
        if !ok {
            return Err(format!("not one of {e:?}"));
        }
    }
    match s.get("type").and_then(Value::as_str) {
        Some("integer") => v.parse::<i64>().map(|_| ()).map_err(|e| e.to_string()),
        Some("number") => v.parse::<f64>().map(|_| ()).map_err(|e| e.to_string()),
        Some("boolean") => matches!(v, "true" | "false" | "0" | "1")
            .then_some(())
            .ok_or("not a boolean".into()),
        _ => Ok(()),
    }
}

/// Request examples to send: each named example, or one `None` for bodiless/multipart calls.
pub fn request_bodies(op: &Operation) -> Vec<Option<Value>> {
    match &op.body {
        Some(b) if !b.content_type.starts_with("multipart/") && !b.examples.is_empty() => {
            b.examples.iter().map(|(_, v)| Some(v.clone())).collect()
        }
        _ => vec![None],
    }
}

/// Response bodies to answer with (and to expect back): the spec's examples, or a minimal
/// instance of the schema when the spec has none.
pub fn response_bodies(spec: &Value, op: &Operation) -> Vec<Value> {
    if !op.response_examples.is_empty() {
        return op
            .response_examples
            .iter()
            .map(|(_, v)| v.clone())
            .collect();
    }
    vec![
        op.response_schema
            .as_ref()
            .map(|s| minimal_instance(spec, s))
            .unwrap_or(Value::Null),
    ]
}

fn form_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the body on the wire must be for this call.
pub fn body_expectation(
    spec: &Value,
    op: &Operation,
    call: &Call,
    ctx: &Ctx,
) -> Result<BodyExpect, String> {
    let Some(b) = &op.body else {
        return Ok(BodyExpect::Empty);
    };
    if b.content_type == "application/json" {
        return Ok(BodyExpect::Json(
            ctx.body.clone().ok_or("JSON body without an example")?,
        ));
    }
    if b.content_type == "application/x-www-form-urlencoded" {
        let ex = ctx.body.clone().ok_or("form body without an example")?;
        let obj = ex.as_object().ok_or("form example is not an object")?;
        return Ok(BodyExpect::Form(
            obj.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), form_value(v)))
                .collect(),
        ));
    }
    if b.content_type == "multipart/form-data" {
        let schema = deref(spec, &b.schema);
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or("multipart schema without properties")?;
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut parts = Vec::new();
        let mut names = BTreeSet::new();
        for (name, p) in props {
            let p = deref(spec, p);
            if p.get("format").and_then(Value::as_str) == Some("binary") {
                parts.push(PartExpect {
                    name: name.clone(),
                    file_name: Some(UPLOAD_NAME.into()),
                    content_type: Some("text/csv".into()),
                    data: ctx.file.clone(),
                });
                names.insert(name.as_str());
            }
        }
        for (name, value) in call.fields {
            let Some(p) = props.get(*name) else {
                return Err(format!(
                    "multipart field {name:?} is not in the spec's schema"
                ));
            };
            check_scalar(spec, p, value)
                .map_err(|e| format!("multipart field {name}={value:?}: {e}"))?;
            names.insert(name);
            parts.push(PartExpect {
                name: (*name).to_owned(),
                file_name: None,
                content_type: None,
                data: value.as_bytes().to_vec(),
            });
        }
        if let Some(r) = required.iter().find(|r| !names.contains(*r)) {
            return Err(format!(
                "required multipart field {r:?} is not set by the call"
            ));
        }
        return Ok(BodyExpect::Multipart(parts));
    }
    Err(format!(
        "unsupported request content type {}",
        b.content_type
    ))
}
