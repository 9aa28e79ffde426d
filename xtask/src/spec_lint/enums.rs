//! Check 4: every enum the reference documents appears as an `enum` (or `const`) in the spec.
//!
//! `spec/documented-enums.tsv` lists them: `ref_line method path name values`, where
//! `ref_line` is the line of `qikberry-api-docs.txt` the enum comes from, `method path` the
//! operation whose parameters or request body must carry it (`* *` for anywhere in the spec),
//! `name` the parameter or property name on the wire and `values` a JSON array. A match is a
//! parameter or request-body property of that name (or, when there is none, a property of a
//! success response, for the reference's status tables) whose schema (through `$ref`, `oneOf`/`anyOf`/`allOf`
//! and `items`) has an `enum` containing every documented value; values compare by their text,
//! so `"1"` matches `1` and `"true"` matches `true` (the reference quotes everything); a
//! `type: boolean` schema counts as the enum `[true, false]`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::walk::{self, Structure};
use super::{Check, Problems};
use crate::shared::openapi;
use crate::shared::openapi::pointer::{self, join, join_index};

/// One documented enum.
struct Documented {
    line: usize,
    ref_line: String,
    method: String,
    path: String,
    name: String,
    values: Vec<String>,
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn read(file: &Path, problems: &mut Problems) -> Vec<Documented> {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            problems.push(
                Check::Enums,
                format!("{name}:0"),
                format!("cannot read the enum list: {e}"),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') || raw.starts_with("ref_line\t") {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        if cols.len() != 5 {
            problems.push(
                Check::Enums,
                format!("{name}:{line}"),
                format!("expected 5 tab-separated columns, found {}", cols.len()),
            );
            continue;
        }
        let values = match serde_json::from_str::<Vec<Value>>(cols[4]) {
            Ok(v) if !v.is_empty() => v.iter().map(text_of).collect(),
            _ => {
                problems.push(
                    Check::Enums,
                    format!("{name}:{line}"),
                    format!("values must be a non-empty JSON array, found {:?}", cols[4]),
                );
                continue;
            }
        };
        out.push(Documented {
            line,
            ref_line: cols[0].to_string(),
            method: cols[1].to_ascii_lowercase(),
            path: cols[2].to_string(),
            name: cols[3].to_string(),
            values,
        });
    }
    out
}

/// A parameter or property found under the wanted name, with the enums its schema carries.
struct Candidate {
    pointer: String,
    enums: Vec<(String, BTreeSet<String>)>,
}

/// Collects the enum sets reachable from a schema without entering object properties.
/// The enums (and boolean types) at or below `schema`, each with its pointer.
pub(super) fn enum_sets(
    doc: &Value,
    schema: &Value,
    at: &str,
    depth: usize,
    out: &mut Vec<(String, BTreeSet<String>)>,
) {
    if depth > 16 {
        return;
    }
    let Some((schema, at)) = pointer::deref(doc, schema, at) else {
        return;
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        out.push((join(&at, "enum"), values.iter().map(text_of).collect()));
    }
    // A boolean is the closed set {true, false}: the reference writes `Enum: "true" "false"`.
    if schema.get("type").and_then(Value::as_str) == Some("boolean") && schema.get("enum").is_none()
    {
        out.push((
            join(&at, "type"),
            BTreeSet::from(["true".to_string(), "false".to_string()]),
        ));
    }
    if let Some(value) = schema.get("const") {
        out.push((join(&at, "const"), BTreeSet::from([text_of(value)])));
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(keyword).and_then(Value::as_array) {
            for (i, sub) in list.iter().enumerate() {
                enum_sets(
                    doc,
                    sub,
                    &join_index(&join(&at, keyword), i),
                    depth + 1,
                    out,
                );
            }
        }
    }
    if let Some(items) = schema.get("items") {
        enum_sets(doc, items, &join(&at, "items"), depth + 1, out);
    }
}

/// Finds every property called `name` anywhere below `schema` (following `$ref`s once each).
fn find_properties(
    doc: &Value,
    schema: &Value,
    at: &str,
    name: &str,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<Candidate>,
) {
    let Some((schema, at)) = pointer::deref(doc, schema, at) else {
        return;
    };
    if !seen.insert(at.clone()) {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (prop, sub) in props {
            let here = join(&join(&at, "properties"), prop);
            if prop == name {
                let mut enums = Vec::new();
                enum_sets(doc, sub, &here, 0, &mut enums);
                out.push(Candidate {
                    pointer: here.clone(),
                    enums,
                });
            }
            find_properties(doc, sub, &here, name, seen, out);
        }
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(keyword).and_then(Value::as_array) {
            for (i, sub) in list.iter().enumerate() {
                find_properties(
                    doc,
                    sub,
                    &join_index(&join(&at, keyword), i),
                    name,
                    seen,
                    out,
                );
            }
        }
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(sub) = schema.get(keyword).filter(|s| s.is_object()) {
            find_properties(doc, sub, &join(&at, keyword), name, seen, out);
        }
    }
}

fn parameter_candidates(
    doc: &Value,
    list: Option<&Value>,
    at: &str,
    name: &str,
    out: &mut Vec<Candidate>,
) {
    let Some(list) = list.and_then(Value::as_array) else {
        return;
    };
    for (i, param) in list.iter().enumerate() {
        let Some((param, param_at)) = pointer::deref(doc, param, &join_index(at, i)) else {
            continue;
        };
        if param.get("name").and_then(Value::as_str) == Some(name) {
            let mut enums = Vec::new();
            if let Some(schema) = param.get("schema") {
                enum_sets(doc, schema, &join(&param_at, "schema"), 0, &mut enums);
            }
            out.push(Candidate {
                pointer: param_at,
                enums,
            });
        }
    }
}

/// Counts reported in the summary.
pub struct Counts {
    /// Where each documented enum was found (`<pointer>: <enum>` lines).
    pub matches: Vec<String>,
    /// Documented enums listed.
    pub listed: usize,
}

/// Runs check 4.
pub fn check(
    doc: &Value,
    structure: &Structure<'_>,
    file: &Path,
    problems: &mut Problems,
) -> Counts {
    let list = read(file, problems);
    let list_name = file.display().to_string();
    let operations = openapi::operations(doc);
    let mut matches = Vec::new();
    for entry in &list {
        let mut candidates = Vec::new();
        let scope;
        if entry.method == "*" {
            scope = "#".to_string();
            let mut seen = BTreeSet::new();
            for (at, root) in &structure.schema_roots {
                find_properties(doc, root, at, &entry.name, &mut seen, &mut candidates);
            }
            for carrier in &structure.carriers {
                if carrier.kind == walk::CarrierKind::Parameter
                    && carrier.node.get("name").and_then(Value::as_str) == Some(entry.name.as_str())
                {
                    let mut enums = Vec::new();
                    if let Some(schema) = carrier.node.get("schema") {
                        enum_sets(
                            doc,
                            schema,
                            &join(&carrier.pointer, "schema"),
                            0,
                            &mut enums,
                        );
                    }
                    candidates.push(Candidate {
                        pointer: carrier.pointer.clone(),
                        enums,
                    });
                }
            }
        } else {
            let wanted = walk::normalise_path(&entry.path);
            let Some(op) = operations
                .iter()
                .find(|op| op.method == entry.method && walk::normalise_path(op.path) == wanted)
            else {
                problems.push(
                    Check::Enums,
                    join(&join("#/paths", &entry.path), &entry.method),
                    format!(
                        "documented enum `{}` {:?} ({list_name} line {}) names an operation the spec lacks",
                        entry.name, entry.values, entry.line
                    ),
                );
                continue;
            };
            scope = op.pointer.clone();
            let item_at = join("#/paths", op.path);
            let item = pointer::resolve(doc, &item_at);
            parameter_candidates(
                doc,
                item.and_then(|i| i.get("parameters")),
                &join(&item_at, "parameters"),
                &entry.name,
                &mut candidates,
            );
            parameter_candidates(
                doc,
                op.node.get("parameters"),
                &join(&op.pointer, "parameters"),
                &entry.name,
                &mut candidates,
            );
            if let Some((body, body_at)) = op
                .node
                .get("requestBody")
                .and_then(|b| pointer::deref(doc, b, &join(&op.pointer, "requestBody")))
                && let Some(content) = body.get("content").and_then(Value::as_object)
            {
                let mut seen = BTreeSet::new();
                for (media, node) in content {
                    if let Some(schema) = node.get("schema") {
                        let at = join(&join(&join(&body_at, "content"), media), "schema");
                        find_properties(doc, schema, &at, &entry.name, &mut seen, &mut candidates);
                    }
                }
            }
            // Value tables of response fields (statuses) are documented enums too.
            if candidates.is_empty()
                && let Some(responses) = op.node.get("responses").and_then(Value::as_object)
            {
                let mut seen = BTreeSet::new();
                for (code, response) in responses.iter().filter(|(code, _)| code.starts_with('2')) {
                    let here = join(&join(&op.pointer, "responses"), code);
                    let Some((response, at)) = pointer::deref(doc, response, &here) else {
                        continue;
                    };
                    for (media, node) in response
                        .get("content")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(schema) = node.get("schema") {
                            let at = join(&join(&join(&at, "content"), media), "schema");
                            find_properties(
                                doc,
                                schema,
                                &at,
                                &entry.name,
                                &mut seen,
                                &mut candidates,
                            );
                        }
                    }
                }
            }
        }
        let wanted: BTreeSet<&str> = entry.values.iter().map(String::as_str).collect();
        let hit = candidates.iter().find_map(|c| {
            c.enums
                .iter()
                .find(|(_, set)| wanted.iter().all(|v| set.contains(*v)))
                .map(|(at, _)| at.clone())
        });
        if let Some(at) = hit {
            matches.push(format!(
                "{at}: documented enum `{}` {:?} (reference line {})",
                entry.name, entry.values, entry.ref_line
            ));
            continue;
        }
        let seen: Vec<String> = candidates
            .iter()
            .take(4)
            .map(|c| {
                if c.enums.is_empty() {
                    format!("{} has no enum", c.pointer)
                } else {
                    let sets: Vec<String> = c
                        .enums
                        .iter()
                        .map(|(at, set)| format!("{at} = {set:?}"))
                        .collect();
                    sets.join(", ")
                }
            })
            .collect();
        let detail = if candidates.is_empty() {
            format!("no parameter or property named `{}` there", entry.name)
        } else {
            format!("found {}", seen.join("; "))
        };
        problems.push(
            Check::Enums,
            scope,
            format!(
                "documented enum `{}` {:?} (reference line {}, {list_name} line {}) is missing: {detail}",
                entry.name, entry.values, entry.ref_line, entry.line
            ),
        );
    }
    Counts {
        matches,
        listed: list.len(),
    }
}
