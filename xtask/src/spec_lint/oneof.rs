//! Checks 5 and 6: the request bodies with several shapes have exactly the documented number of
//! leaf shapes, and every `oneOf` says how a reader tells its variants apart.

use std::collections::BTreeSet;

use serde_json::Value;

use super::walk::{self, Structure};
use super::{Check, Problems};
use crate::shared::one_of::{self, leaves, tagging_property, tags_of};
use crate::shared::openapi;
use crate::shared::openapi::pointer::{self, join, join_index};

/// Expected number of leaf shapes (counted through nested `oneOf`s) of request bodies, keyed by
/// method and path (path-parameter names do not matter), from the reference's options tables.
pub const LEAF_COUNTS: [(&str, &str, &str, usize); 14] = [
    ("post", "/sms/send", "SMS send", 6),
    ("post", "/sms/message/send", "SMS text message", 2),
    ("post", "/rcs/templates", "RCS template create", 6),
    ("post", "/rcs/message/send", "RCS send", 6),
    ("post", "/outgoing/send", "outgoing call", 4),
    ("post", "/outgoing/bulk", "bulk calls", 3),
    ("post", "/outgoing/tts", "text-to-speech", 4),
    ("post", "/voice/c2c", "click2call", 3),
    ("post", "/verify/send", "direct OTP", 6),
    (
        "post",
        "/verify/profiles/{}/channels",
        "profile channel items",
        4,
    ),
    ("post", "/viber/templates", "Viber template", 11),
    ("post", "/viber/message/send", "Viber send", 12),
    ("post", "/whatsapp/templates", "WhatsApp template", 16),
    ("post", "/whatsapp/message/send", "WhatsApp send", 16),
];

/// Finds the first non-scalar `oneOf` at or below `schema` (through `$ref`, `items` and
/// properties, breadth first).
pub fn find_one_of<'a>(doc: &'a Value, schema: &'a Value, at: &str) -> Option<(String, &'a Value)> {
    let mut queue = vec![(at.to_string(), schema)];
    let mut seen = BTreeSet::new();
    let mut head = 0;
    while head < queue.len() && head < 2000 {
        let (at, node) = queue[head].clone();
        head += 1;
        let Some((node, at)) = pointer::deref(doc, node, &at) else {
            continue;
        };
        if !seen.insert(at.clone()) {
            continue;
        }
        if node.get("oneOf").is_some() && !one_of::is_lenient_scalar(node) {
            return Some((at, node));
        }
        if let Some(items) = node.get("items") {
            queue.push((join(&at, "items"), items));
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                queue.push((join(&join(&at, "properties"), name), sub));
            }
        }
    }
    None
}

/// Runs check 5; returns how many of the listed operations were found and checked.
pub fn check_leaf_counts(doc: &Value, problems: &mut Problems) -> usize {
    let operations = openapi::operations(doc);
    let mut checked = 0;
    for (method, path, what, expected) in LEAF_COUNTS {
        // An absent operation is reported by the coverage check.
        let Some(op) = operations
            .iter()
            .find(|op| op.method == method && walk::normalise_path(op.path) == path)
        else {
            continue;
        };
        checked += 1;
        let id = op
            .node
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("(no operationId)");
        let body_at = join(&op.pointer, "requestBody");
        let Some((body, body_at)) = op
            .node
            .get("requestBody")
            .and_then(|b| pointer::deref(doc, b, &body_at))
        else {
            problems.push(
                Check::LeafCounts,
                body_at,
                format!("{id} ({what}) has no request body; expected {expected} shapes"),
            );
            continue;
        };
        let Some(content) = body
            .get("content")
            .and_then(Value::as_object)
            .filter(|c| !c.is_empty())
        else {
            problems.push(
                Check::LeafCounts,
                join(&body_at, "content"),
                format!("{id} ({what}) request body has no content"),
            );
            continue;
        };
        for (media, node) in content {
            let schema_at = join(&join(&join(&body_at, "content"), media), "schema");
            let Some(schema) = node.get("schema") else {
                continue;
            };
            let (at, count) = match find_one_of(doc, schema, &schema_at) {
                Some((at, one_of)) => {
                    let shapes = leaves(doc, one_of, &at, 0);
                    // Each shape is a named, titled schema (the generator names variants by it).
                    for (leaf_at, leaf) in &shapes {
                        let titled = leaf
                            .get("title")
                            .and_then(Value::as_str)
                            .is_some_and(|t| !t.trim().is_empty());
                        if !titled {
                            problems.push(
                                Check::LeafCounts,
                                leaf_at.clone(),
                                format!("shape of {id} ({what}) has no title"),
                            );
                        }
                    }
                    (join(&at, "oneOf"), shapes.len())
                }
                None => (schema_at, 1),
            };
            if count != expected {
                problems.push(
                    Check::LeafCounts,
                    at,
                    format!("{id} ({what}, {media}) has {count} leaf shapes, the reference documents {expected}"),
                );
            }
        }
    }
    checked
}

fn is_scalar_variant(doc: &Value, variant: &Value) -> bool {
    let Some((variant, _)) = pointer::deref(doc, variant, "#") else {
        return false;
    };
    match variant.get("type").and_then(Value::as_str) {
        Some(t) => matches!(t, "string" | "integer" | "number" | "boolean"),
        None => variant.get("enum").is_some(),
    }
}

/// Counts reported in the summary.
pub struct Counts {
    /// oneOfs checked.
    pub one_ofs: usize,
}

/// Runs check 6 over every schema node.
pub fn check_tagging(doc: &Value, structure: &Structure<'_>, problems: &mut Problems) -> Counts {
    let mut one_ofs = 0;
    for (at, schema) in walk::all_schemas(structure) {
        if schema.get("allOf").is_some() {
            problems.push(
                Check::OneOf,
                join(&at, "allOf"),
                "allOf is not used in this spec (conventions); list the fields".to_string(),
            );
        }
        let Some(variants) = schema.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        one_ofs += 1;
        if super::inferred::is_exactly_one_rule(schema) {
            continue;
        }
        let one_of_at = join(&at, "oneOf");
        if one_of::is_lenient_scalar(schema) {
            for (i, variant) in variants.iter().enumerate() {
                if !is_scalar_variant(doc, variant) {
                    problems.push(
                        Check::OneOf,
                        join_index(&one_of_at, i),
                        "an `x-lenient-scalar` oneOf may only list scalar types".to_string(),
                    );
                }
            }
            continue;
        }
        if variants.len() < 2 {
            problems.push(
                Check::OneOf,
                one_of_at.clone(),
                format!("oneOf with {} variant(s)", variants.len()),
            );
        }
        let variant_leaves: Vec<Vec<(String, &Value)>> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| leaves(doc, v, &join_index(&one_of_at, i), 1))
            .collect();
        if let Some(discriminator) = schema.get("discriminator") {
            check_discriminator(doc, &at, variants, &variant_leaves, discriminator, problems);
            continue;
        }
        if tagging_property(doc, &variant_leaves).is_some() {
            continue;
        }
        if one_of::is_untagged(schema) {
            let described = schema
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                problems.push(
                    Check::OneOf,
                    join(&at, "x-untagged"),
                    "an `x-untagged` oneOf needs a description of how its shapes differ"
                        .to_string(),
                );
            }
            continue;
        }
        problems.push(
            Check::OneOf,
            one_of_at,
            format!(
                "oneOf of {} variants has no discriminator, no single-value enum/const property that tells \
                 the variants apart, and no `x-untagged: true` with a description",
                variants.len()
            ),
        );
    }
    Counts { one_ofs }
}

fn check_discriminator(
    doc: &Value,
    at: &str,
    variants: &[Value],
    variant_leaves: &[Vec<(String, &Value)>],
    discriminator: &Value,
    problems: &mut Problems,
) {
    let d_at = join(at, "discriminator");
    let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
        problems.push(
            Check::OneOf,
            d_at,
            "discriminator has no propertyName".to_string(),
        );
        return;
    };
    for leaves in variant_leaves {
        for (leaf_at, leaf) in leaves {
            let has = leaf
                .get("properties")
                .and_then(|p| p.get(property))
                .is_some();
            if !has {
                problems.push(
                    Check::OneOf,
                    leaf_at.clone(),
                    format!("variant lacks the discriminator property `{property}` (discriminator at {d_at})"),
                );
            }
        }
    }
    let refs: Vec<Option<&str>> = variants
        .iter()
        .map(|v| v.get("$ref").and_then(Value::as_str))
        .collect();
    let mapping = discriminator.get("mapping").and_then(Value::as_object);
    if let Some(mapping) = mapping {
        for (value, target) in mapping {
            let target = target.as_str().unwrap_or_default();
            if !refs.contains(&Some(target)) {
                problems.push(
                    Check::OneOf,
                    join(&join(&d_at, "mapping"), value),
                    format!("mapping target {target:?} is not one of the oneOf variants"),
                );
            }
        }
    }
    // Each directly referenced variant whose tag is a single value must be mapped from that value.
    for (i, reference) in refs.iter().enumerate() {
        let Some(reference) = reference else {
            problems.push(
                Check::OneOf,
                join_index(&join(at, "oneOf"), i),
                "with a discriminator every oneOf variant must be a $ref".to_string(),
            );
            continue;
        };
        let Some(leaf) = pointer::resolve(doc, reference) else {
            continue;
        };
        let Some(tag) = tags_of(doc, leaf).get(property).cloned() else {
            continue;
        };
        let tag_text = serde_json::from_str::<Value>(&tag)
            .ok()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .unwrap_or(tag);
        let implicit = reference.rsplit('/').next().unwrap_or_default();
        let mapped = match mapping {
            Some(m) => {
                m.get(&tag_text).and_then(Value::as_str) == Some(*reference)
                    || (m.get(&tag_text).is_none() && tag_text == implicit)
            }
            None => tag_text == implicit,
        };
        if !mapped {
            problems.push(
                Check::OneOf,
                join(&d_at, "mapping"),
                format!("`{property}: {tag_text}` of variant {reference} is not mapped to it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lint(doc: &Value) -> Vec<String> {
        let structure = Structure::collect(doc);
        let mut problems = Problems::default();
        check_tagging(doc, &structure, &mut problems);
        problems
            .0
            .iter()
            .map(|p| format!("{}: {}", p.pointer, p.message))
            .collect()
    }

    fn object(tag: &str, value: Value) -> Value {
        json!({"type": "object", "properties": {tag: {"type": "string", "enum": [value]}}})
    }

    #[test]
    fn single_value_enums_must_tell_variants_apart() {
        let tagged = json!({"components": {"schemas": {
            "A": object("kind", json!("a")), "B": object("kind", json!("b")),
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
        }}});
        assert!(lint(&tagged).is_empty(), "{:?}", lint(&tagged));

        let same = json!({"components": {"schemas": {
            "A": object("kind", json!("a")), "B": object("kind", json!("a")),
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
        }}});
        let found = lint(&same);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("#/components/schemas/U/oneOf: "),
            "{found:?}"
        );

        let described = json!({"components": {"schemas": {
            "A": object("kind", json!("a")), "B": object("kind", json!("a")),
            "U": {"x-untagged": true, "description": "B has more fields.",
                  "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
        }}});
        assert!(lint(&described).is_empty());
    }

    #[test]
    fn nested_one_ofs_are_tagged_by_their_leaves() {
        let doc = json!({"components": {"schemas": {
            "A1": object("group", json!("a")), "A2": object("group", json!("a")),
            "B1": object("group", json!("b")),
            "A": {"x-untagged": true, "description": "d",
                  "oneOf": [{"$ref": "#/components/schemas/A1"}, {"$ref": "#/components/schemas/A2"}]},
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B1"}]}
        }}});
        assert!(lint(&doc).is_empty(), "{:?}", lint(&doc));
        let leaves = leaves(
            &doc,
            &doc["components"]["schemas"]["U"],
            "#/components/schemas/U",
            0,
        );
        assert_eq!(leaves.len(), 3);
    }

    #[test]
    fn discriminator_mapping_must_match_the_tags() {
        let doc = json!({"components": {"schemas": {
            "A": object("kind", json!("a")), "B": object("kind", json!("b")),
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                  "discriminator": {"propertyName": "kind",
                                    "mapping": {"a": "#/components/schemas/B", "b": "#/components/schemas/B"}}}
        }}});
        let found = lint(&doc);
        assert!(
            found.iter().any(
                |p| p.starts_with("#/components/schemas/U/discriminator/mapping: ")
                    && p.contains("`kind: a` of variant #/components/schemas/A")
            ),
            "{found:?}"
        );
    }

    #[test]
    fn lenient_scalars_only_list_scalars() {
        let doc = json!({"components": {"schemas": {
            "S": {"x-lenient-scalar": true, "oneOf": [{"type": "string"}, {"type": "object"}]}
        }}});
        assert_eq!(
            lint(&doc),
            [
                "#/components/schemas/S/oneOf/1: an `x-lenient-scalar` oneOf may only list scalar types"
            ]
        );
    }
}
