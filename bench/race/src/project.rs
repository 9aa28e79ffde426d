//! The progenitor-acceptable projection of `spec/qikberry.yaml`. Every reduction is returned as
//! a line of text so the run prints exactly what the two generators did not both see.

use serde_yaml::{Mapping, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The projected spec, its operation count and the reductions applied.
pub struct Projection {
    pub spec: Value,
    pub operations: usize,
    pub reductions: Vec<String>,
}

/// Applies every reduction progenitor 0.15.1 needs on our spec.
pub fn project(mut spec: Value) -> Projection {
    let mut reductions = Vec::new();
    drop_non_json_bodies(&mut spec, &mut reductions);
    keep_first_success_response(&mut spec, &mut reductions);
    let mut enum_fixes = Vec::new();
    dedupe_enums(&mut spec, "#", &mut enum_fixes);
    reductions.extend(enum_fixes);
    let operations = count_operations(&spec);
    Projection {
        spec,
        operations,
        reductions,
    }
}

/// The operations of a path item, as (method, operation) pairs.
fn operations(item: &Mapping) -> impl Iterator<Item = (&str, &Value)> {
    item.iter().filter_map(|(k, v)| {
        let m = k.as_str()?;
        METHODS.contains(&m).then_some((m, v))
    })
}

fn count_operations(spec: &Value) -> usize {
    paths(spec)
        .map(|p| {
            p.values()
                .filter_map(Value::as_mapping)
                .map(|item| operations(item).count())
                .sum()
        })
        .unwrap_or(0)
}

fn paths(spec: &Value) -> Option<&Mapping> {
    spec.get("paths")?.as_mapping()
}

/// The media types of an operation's request body (following one `$ref` into
/// `components/requestBodies`); `None` when it has no body.
fn body_media_types(spec: &Value, op: &Value) -> Option<Vec<String>> {
    let mut body = op.get("requestBody")?;
    if let Some(r) = body.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next()?;
        body = spec.get("components")?.get("requestBodies")?.get(name)?;
    }
    let content = body.get("content")?.as_mapping()?;
    Some(
        content
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect(),
    )
}

/// Removes the operations whose request body cannot be sent as `application/json`
/// (progenitor refuses `multipart/form-data` and form bodies), and paths left empty.
fn drop_non_json_bodies(spec: &mut Value, reductions: &mut Vec<String>) {
    let mut doomed = Vec::new();
    for (path, item) in paths(spec).into_iter().flatten() {
        let (Some(path), Some(item)) = (path.as_str(), item.as_mapping()) else {
            continue;
        };
        for (method, op) in operations(item) {
            let Some(types) = body_media_types(spec, op) else {
                continue;
            };
            if !types.iter().any(|t| t == "application/json") {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
                reductions.push(format!(
                    "dropped {method} {path} ({id}): request body is {}",
                    types.join(", ")
                ));
                doomed.push((path.to_owned(), method.to_owned()));
            }
        }
    }
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_mapping_mut) else {
        return;
    };
    for (path, method) in doomed {
        let key = Value::from(path.as_str());
        if let Some(item) = paths.get_mut(&key).and_then(Value::as_mapping_mut) {
            item.remove(method.as_str());
            if operations(item).count() == 0 {
                paths.remove(&key);
            }
        }
    }
}

/// Removes every 2xx response after the first one of an operation (progenitor 0.15.1 asserts
/// that an operation has at most one success type; our spec gives every operation a `202` with a
/// free-form object besides its `200`). One line per distinct set of removed codes.
fn keep_first_success_response(spec: &mut Value, reductions: &mut Vec<String>) {
    let mut removed: std::collections::BTreeMap<Vec<String>, usize> = Default::default();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_mapping_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_mapping_mut) {
        for (key, op) in item.iter_mut() {
            if !key.as_str().is_some_and(|m| METHODS.contains(&m)) {
                continue;
            }
            let Some(responses) = op.get_mut("responses").and_then(Value::as_mapping_mut) else {
                continue;
            };
            let success: Vec<Value> = responses
                .keys()
                .filter(|k| k.as_str().is_some_and(|c| c.starts_with('2')))
                .cloned()
                .collect();
            let extra: Vec<String> = success
                .iter()
                .skip(1)
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect();
            for code in &extra {
                responses.remove(code.as_str());
            }
            if !extra.is_empty() {
                *removed.entry(extra).or_default() += 1;
            }
        }
    }
    for (codes, count) in removed {
        reductions.push(format!(
            "removed the {} response(s) of {count} operations: progenitor allows one success type",
            codes.join("/")
        ));
    }
}

/// Keeps the first of every group of string enum values that are equal ignoring case
/// (progenitor cannot name two variants `male` and `Male`), recursing through the whole
/// document; the matching entries of sibling `x-enum-*` lists (variant names, descriptions) go
/// with them. `pointer` is the JSON pointer of `node`, for the printed reduction.
fn dedupe_enums(node: &mut Value, pointer: &str, reductions: &mut Vec<String>) {
    match node {
        Value::Mapping(map) => {
            if let Some(dropped) = dedupe_values(map, pointer, reductions) {
                drop_parallel_entries(map, &dropped);
            }
            for (k, v) in map.iter_mut() {
                let key = match k {
                    Value::String(s) => s.replace('~', "~0").replace('/', "~1"),
                    other => format!("{other:?}"),
                };
                dedupe_enums(v, &format!("{pointer}/{key}"), reductions);
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                dedupe_enums(v, &format!("{pointer}/{i}"), reductions);
            }
        }
        _ => {}
    }
}

/// Deduplicates `map.enum`; returns the removed positions (in the original list), if any.
fn dedupe_values(
    map: &mut Mapping,
    pointer: &str,
    reductions: &mut Vec<String>,
) -> Option<Vec<usize>> {
    let items = map.get_mut("enum")?.as_sequence_mut()?;
    let mut seen: Vec<String> = Vec::new();
    let mut dropped = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let Some(s) = v.as_str() else { continue };
        let folded = s.to_lowercase();
        if seen.contains(&folded) {
            dropped.push(i);
        } else {
            seen.push(folded);
        }
    }
    if dropped.is_empty() {
        return None;
    }
    let removed: Vec<&str> = dropped.iter().filter_map(|&i| items[i].as_str()).collect();
    reductions.push(format!(
        "enum {pointer}/enum: removed {removed:?} (equal to an earlier value ignoring case)"
    ));
    remove_positions(items, &dropped);
    Some(dropped)
}

/// Removes the same positions from every `x-enum-*` list beside the enum.
fn drop_parallel_entries(map: &mut Mapping, dropped: &[usize]) {
    for (k, v) in map.iter_mut() {
        let parallel = k.as_str().is_some_and(|k| k.starts_with("x-enum-"));
        if let (true, Some(list)) = (parallel, v.as_sequence_mut()) {
            remove_positions(list, dropped);
        }
    }
}

fn remove_positions(list: &mut Vec<Value>, positions: &[usize]) {
    let mut i = 0;
    list.retain(|_| {
        i += 1;
        !positions.contains(&(i - 1))
    });
}

/// The `operationId`s whose first tag is `tag`, read from the written projection.
pub fn operation_ids_of_tag(
    projection: &std::path::Path,
    tag: &str,
) -> Result<std::collections::BTreeSet<String>, String> {
    let text = std::fs::read_to_string(projection)
        .map_err(|e| format!("{}: {e}", projection.display()))?;
    let spec: Value = serde_yaml::from_str(&text).map_err(|e| e.to_string())?;
    let mut ids = std::collections::BTreeSet::new();
    for item in paths(&spec).into_iter().flat_map(|p| p.values()) {
        for (_, op) in item.as_mapping().into_iter().flat_map(operations) {
            let first = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str);
            if first == Some(tag)
                && let Some(id) = op.get("operationId").and_then(Value::as_str)
            {
                ids.insert(id.to_owned());
            }
        }
    }
    Ok(ids)
}
