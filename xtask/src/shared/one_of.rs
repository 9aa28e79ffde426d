//! How a `oneOf` tells its variants apart, read the same way by spec-lint (which requires it)
//! and by the JSON Schema conversion (which makes an untagged oneOf first-match-wins): its leaf
//! shapes, their single-value properties, and the flags `x-untagged` and `x-lenient-scalar`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::openapi::pointer::{self, join, join_index};

/// The `x-lenient-scalar: true` flag.
pub fn is_lenient_scalar(schema: &Value) -> bool {
    schema.get("x-lenient-scalar").and_then(Value::as_bool) == Some(true)
}

/// The `x-untagged: true` flag.
pub fn is_untagged(schema: &Value) -> bool {
    schema.get("x-untagged").and_then(Value::as_bool) == Some(true)
}

/// The leaf schemas below `schema`: itself, or the leaves of each `oneOf` variant (through
/// `$ref`s; `x-lenient-scalar` oneOfs count as one leaf). Each leaf comes with its pointer.
pub fn leaves<'a>(
    doc: &'a Value,
    schema: &'a Value,
    at: &str,
    depth: usize,
) -> Vec<(String, &'a Value)> {
    let Some((schema, at)) = pointer::deref(doc, schema, at) else {
        return Vec::new();
    };
    match schema.get("oneOf").and_then(Value::as_array) {
        Some(list) if depth < 16 && !is_lenient_scalar(schema) => list
            .iter()
            .enumerate()
            .flat_map(|(i, sub)| leaves(doc, sub, &join_index(&join(&at, "oneOf"), i), depth + 1))
            .collect(),
        _ => vec![(at, schema)],
    }
}

/// Single-value `enum`/`const` properties of a leaf: property → value (as text).
pub fn tags_of(doc: &Value, leaf: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(props) = leaf.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            let Some((sub, _)) = pointer::deref(doc, sub, "#") else {
                continue;
            };
            let single = match (sub.get("enum").and_then(Value::as_array), sub.get("const")) {
                (Some(values), _) if values.len() == 1 => Some(&values[0]),
                (_, Some(value)) => Some(value),
                _ => None,
            };
            if let Some(value) = single {
                out.insert(name.clone(), value.to_string());
            }
        }
    }
    out
}

/// Does this `oneOf` say which variant a value is (a discriminator, or a single-value enum
/// property that differs between variants)? Then a value must match exactly one variant.
pub fn is_tagged(doc: &Value, schema: &Value) -> bool {
    let Some(variants) = schema.get("oneOf").and_then(Value::as_array) else {
        return false;
    };
    if schema.get("discriminator").is_some() {
        return true;
    }
    let variant_leaves: Vec<Vec<(String, &Value)>> =
        variants.iter().map(|v| leaves(doc, v, "#", 1)).collect();
    tagging_property(doc, &variant_leaves).is_some()
}

/// A property that every leaf of every variant fixes to one value, with the values of different
/// variants disjoint.
pub fn tagging_property(doc: &Value, variant_leaves: &[Vec<(String, &Value)>]) -> Option<String> {
    let per_variant: Vec<Vec<BTreeMap<String, String>>> = variant_leaves
        .iter()
        .map(|leaves| leaves.iter().map(|(_, leaf)| tags_of(doc, leaf)).collect())
        .collect();
    let first = per_variant.first()?.first()?;
    'candidates: for name in first.keys() {
        let mut owner: BTreeMap<&String, usize> = BTreeMap::new();
        for (v, leaves) in per_variant.iter().enumerate() {
            if leaves.is_empty() {
                continue 'candidates;
            }
            for tags in leaves {
                let Some(value) = tags.get(name) else {
                    continue 'candidates;
                };
                if let Some(other) = owner.insert(value, v)
                    && other != v
                {
                    continue 'candidates;
                }
            }
        }
        return Some(name.clone());
    }
    None
}
