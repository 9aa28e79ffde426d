//! Check 2: the spec's operations match `spec/inventory.tsv` both ways, carry the provenance
//! flags the inventory gives, and follow the operation conventions (one allowed tag, an
//! `<tag_snake>_…` snake_case operationId, a summary and a description).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::walk;
use super::{Check, Problems};
use crate::shared::openapi;
use crate::shared::openapi::Operation;
use crate::shared::openapi::pointer::{join, join_index};

/// The 13 tags an operation may carry.
pub const ALLOWED_TAGS: [&str; 13] = [
    "webhooks",
    "subscriptions",
    "auth",
    "sms",
    "rcs",
    "smart-links",
    "voice",
    "verify",
    "viber",
    "whatsapp",
    "account",
    "contacts",
    "integrations",
];

/// One line of the inventory.
#[derive(Debug, Clone)]
pub struct InventoryRow {
    /// 1-based line number in the file.
    pub line: usize,
    /// Lower-case HTTP method.
    pub method: String,
    /// Path as the spec spells it.
    pub path: String,
    /// `docs` or `inferred`.
    pub source: String,
    /// Expected operationId.
    pub operation_id: String,
    /// Expected tag.
    pub tag: String,
}

/// Reads the inventory; malformed lines are reported as problems named by file and line.
pub fn read_inventory(file: &Path, problems: &mut Problems) -> Vec<InventoryRow> {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            problems.push(
                Check::Coverage,
                format!("{name}:0"),
                format!("cannot read the inventory: {e}"),
            );
            return Vec::new();
        }
    };
    let mut rows = Vec::new();
    let mut seen_header = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        if !seen_header {
            seen_header = true;
            if cols == ["method", "path", "source", "operationId", "tag"] {
                continue;
            }
            problems.push(
                Check::Coverage,
                format!("{name}:{line}"),
                "the first line must be the header `method\tpath\tsource\toperationId\ttag`"
                    .to_string(),
            );
        }
        if cols.len() != 5 {
            problems.push(
                Check::Coverage,
                format!("{name}:{line}"),
                format!("expected 5 tab-separated columns, found {}", cols.len()),
            );
            continue;
        }
        let method = cols[0].to_ascii_lowercase();
        if !openapi::METHODS.contains(&method.as_str()) {
            problems.push(
                Check::Coverage,
                format!("{name}:{line}"),
                format!("unknown method {:?}", cols[0]),
            );
            continue;
        }
        if cols[2] != "docs" && cols[2] != "inferred" {
            problems.push(
                Check::Coverage,
                format!("{name}:{line}"),
                format!("source must be `docs` or `inferred`, not {:?}", cols[2]),
            );
        }
        rows.push(InventoryRow {
            line,
            method,
            path: cols[1].to_string(),
            source: cols[2].to_string(),
            operation_id: cols[3].to_string(),
            tag: cols[4].to_string(),
        });
    }
    rows
}

/// Is `s` snake_case (`[a-z][a-z0-9]*(_[a-z0-9]+)*`)?
pub fn is_snake_case(s: &str) -> bool {
    let mut parts = s.split('_');
    let Some(first) = parts.next() else {
        return false;
    };
    let first_ok = first.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && first
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && parts.all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Counts reported in the summary.
pub struct Counts {
    /// Operations in the spec.
    pub operations: usize,
    /// Rows in the inventory.
    pub inventory: usize,
}

/// Runs check 2.
pub fn check(doc: &Value, inventory_file: &Path, problems: &mut Problems) -> Counts {
    let inventory = read_inventory(inventory_file, problems);
    check_declared_tags(doc, problems);
    let inv_name = inventory_file.display().to_string();
    let ops = openapi::operations(doc);

    // Inventory keyed by method + normalised path.
    let mut by_key: BTreeMap<(String, String), &InventoryRow> = BTreeMap::new();
    for row in &inventory {
        let key = (row.method.clone(), walk::normalise_path(&row.path));
        if let Some(first) = by_key.get(&key) {
            problems.push(
                Check::Coverage,
                format!("{inv_name}:{}", row.line),
                format!(
                    "duplicate of line {} ({} {})",
                    first.line,
                    row.method.to_uppercase(),
                    row.path
                ),
            );
        } else {
            by_key.insert(key, row);
        }
    }

    let mut matched: BTreeSet<(String, String)> = BTreeSet::new();
    let mut spec_keys: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
    for op in &ops {
        let key = (op.method.to_string(), walk::normalise_path(op.path));
        if let Some(other) = spec_keys.get(&key) {
            problems.push(
                Check::Coverage,
                op.pointer.clone(),
                format!("same method and path (parameter names aside) as {other}"),
            );
        } else {
            spec_keys.insert(key.clone(), op.pointer.clone());
        }
        check_operation(doc, op, problems);
        if let Some(id) = op.node.get("operationId").and_then(Value::as_str) {
            if let Some(other) = operation_ids.get(id) {
                problems.push(
                    Check::Coverage,
                    join(&op.pointer, "operationId"),
                    format!("operationId {id:?} is also used by {other}"),
                );
            } else {
                operation_ids.insert(id.to_string(), op.pointer.clone());
            }
        }
        match by_key.get(&key) {
            None => problems.push(
                Check::Coverage,
                op.pointer.clone(),
                format!(
                    "{} {} is not in {inv_name}",
                    op.method.to_uppercase(),
                    op.path
                ),
            ),
            Some(row) => {
                matched.insert(key);
                check_against_row(op, row, &inv_name, problems);
            }
        }
    }
    for (key, row) in &by_key {
        if !matched.contains(key) {
            problems.push(
                Check::Coverage,
                join(&join("#/paths", &row.path), &row.method),
                format!(
                    "operation {} {} ({}, {inv_name} line {}) is missing from the spec",
                    row.method.to_uppercase(),
                    row.path,
                    row.operation_id,
                    row.line
                ),
            );
        }
    }
    Counts {
        operations: ops.len(),
        inventory: inventory.len(),
    }
}

fn check_against_row(
    op: &Operation<'_>,
    row: &InventoryRow,
    inv_name: &str,
    problems: &mut Problems,
) {
    let node = op.node;
    let source = node.get("x-source");
    if source.and_then(Value::as_str) != Some(row.source.as_str()) {
        problems.push(
            Check::Coverage,
            join(&op.pointer, "x-source"),
            format!(
                "x-source is {}, {inv_name} line {} says {:?}",
                show(source),
                row.line,
                row.source
            ),
        );
    }
    let inferred = node.get("x-path-inferred");
    match (row.source.as_str(), inferred) {
        ("inferred", Some(Value::Bool(true))) => {}
        ("inferred", other) => problems.push(
            Check::Coverage,
            join(&op.pointer, "x-path-inferred"),
            format!(
                "an inferred operation needs `x-path-inferred: true` (found {})",
                show(other)
            ),
        ),
        (_, Some(v)) => problems.push(
            Check::Coverage,
            join(&op.pointer, "x-path-inferred"),
            format!("x-path-inferred ({v}) must be omitted on a `docs` operation"),
        ),
        (_, None) => {}
    }
    let id = node.get("operationId");
    if !row.operation_id.is_empty() && id.and_then(Value::as_str) != Some(row.operation_id.as_str())
    {
        problems.push(
            Check::Coverage,
            join(&op.pointer, "operationId"),
            format!(
                "operationId is {}, {inv_name} line {} says {:?}",
                show(id),
                row.line,
                row.operation_id
            ),
        );
    }
    let tag = node
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|t| t.first());
    if tag.and_then(Value::as_str) != Some(row.tag.as_str()) {
        problems.push(
            Check::Coverage,
            join(&op.pointer, "tags"),
            format!(
                "tag is {}, {inv_name} line {} says {:?}",
                show(tag),
                row.line,
                row.tag
            ),
        );
    }
}

/// The top-level `tags` list declares exactly the allowed tags the operations use, once each.
fn check_declared_tags(doc: &Value, problems: &mut Problems) {
    let mut declared = BTreeMap::new();
    for (i, tag) in doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("#/tags/{i}");
        let Some(name) = tag.get("name").and_then(Value::as_str) else {
            problems.push(Check::Coverage, at, "tag without a name".to_string());
            continue;
        };
        if !ALLOWED_TAGS.contains(&name) {
            problems.push(
                Check::Coverage,
                at.clone(),
                format!("tag {name:?} is not one of the allowed tags"),
            );
        }
        if declared.insert(name.to_string(), at.clone()).is_some() {
            problems.push(
                Check::Coverage,
                at,
                format!("tag {name:?} is declared twice"),
            );
        }
    }
    let used: BTreeSet<&str> = openapi::operations(doc)
        .iter()
        .filter_map(|op| op.node.get("tags").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for tag in used {
        if ALLOWED_TAGS.contains(&tag) && !declared.contains_key(tag) {
            problems.push(
                Check::Coverage,
                "#/tags",
                format!("tag {tag:?} is used by operations but not declared"),
            );
        }
    }
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_string(), Value::to_string)
}

fn check_operation(doc: &Value, op: &Operation<'_>, problems: &mut Problems) {
    let node = op.node;
    let tags: Vec<&Value> = node
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().collect())
        .unwrap_or_default();
    let tag = match tags.as_slice() {
        [one] => match one.as_str() {
            Some(t) if ALLOWED_TAGS.contains(&t) => Some(t),
            _ => {
                problems.push(
                    Check::Coverage,
                    join(&op.pointer, "tags/0"),
                    format!("tag {one} is not one of {}", ALLOWED_TAGS.join(", ")),
                );
                None
            }
        },
        _ => {
            problems.push(
                Check::Coverage,
                join(&op.pointer, "tags"),
                format!("an operation needs exactly one tag, found {}", tags.len()),
            );
            None
        }
    };
    match node.get("operationId").and_then(Value::as_str) {
        None => problems.push(
            Check::Coverage,
            op.pointer.clone(),
            "operationId is missing".to_string(),
        ),
        Some(id) => {
            if !is_snake_case(id) {
                problems.push(
                    Check::Coverage,
                    join(&op.pointer, "operationId"),
                    format!("operationId {id:?} is not snake_case"),
                );
            }
            if let Some(tag) = tag {
                let prefix = format!("{}_", tag.replace('-', "_"));
                if !id.starts_with(&prefix) || id.len() == prefix.len() {
                    problems.push(
                        Check::Coverage,
                        join(&op.pointer, "operationId"),
                        format!(
                            "operationId {id:?} must start with `{prefix}` (its tag is {tag:?})"
                        ),
                    );
                }
            }
        }
    }
    for field in ["summary", "description"] {
        let ok = node
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        if !ok {
            problems.push(
                Check::Coverage,
                join(&op.pointer, field),
                format!("{field} is missing or empty"),
            );
        }
    }
    check_parameter_descriptions(doc, op, problems);
}

/// Every parameter becomes a method argument (listed under "Arguments") or a builder setter, and
/// its rustdoc is the parameter's description: a user needs one, so it is required. Schema
/// properties are not: the generator marks each undocumented one `#[allow(missing_docs)]`.
fn check_parameter_descriptions(doc: &Value, op: &Operation<'_>, problems: &mut Problems) {
    let lists = [
        (
            op.item.get("parameters"),
            op.pointer.rsplit_once('/').map_or("", |(p, _)| p),
        ),
        (op.node.get("parameters"), op.pointer.as_str()),
    ];
    for (list, owner) in lists {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (i, param) in list.iter().enumerate() {
            let param = openapi::pointer::follow(doc, param);
            let described = param
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.trim().is_empty());
            if !described {
                let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
                problems.push(
                    Check::Coverage,
                    join_index(&join(owner, "parameters"), i),
                    format!("parameter {name:?} has no description (it is the argument's rustdoc)"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_need_descriptions_wherever_they_are_defined() {
        let doc = serde_json::json!({
            "components": {"parameters": {"Page": {"name": "page", "in": "query"}}},
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "description": "The id."}],
                "get": {"parameters": [
                    {"name": "q", "in": "query", "description": " "},
                    {"$ref": "#/components/parameters/Page"},
                    {"name": "ok", "in": "query", "description": "Fine."}
                ]}
            }}
        });
        let mut problems = Problems::default();
        for op in openapi::operations(&doc) {
            check_parameter_descriptions(&doc, &op, &mut problems);
        }
        let at: Vec<&str> = problems.0.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/paths/~1a~1{id}/get/parameters/0",
                "#/paths/~1a~1{id}/get/parameters/1"
            ]
        );
    }

    #[test]
    fn snake_case() {
        assert!(is_snake_case("sms_list_senders"));
        assert!(is_snake_case("a1_b2"));
        assert!(!is_snake_case("smsListSenders"));
        assert!(!is_snake_case("sms__x"));
        assert!(!is_snake_case("_sms"));
        assert!(!is_snake_case("sms_"));
        assert!(!is_snake_case(""));
    }
}
