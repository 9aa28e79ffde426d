//! Check 9: what the spec infers is said in the spec, where the generator sees it.
//!
//! - every `x-inferred` is a non-empty string (the reason);
//! - a schema or property whose description says it is inferred ("inferred", "invented", "best
//!   reading", "does not list/show") carries `x-inferred` itself, so the generated docs warn
//!   (webhook callback schemas, `Webhook…`, are left to their own owner and not required here);
//! - every `x-exactly-one-of: {name, field, properties}` sits on an object that defines those
//!   optional properties and carries the JSON Schema form of the rule (`oneOf` of one
//!   `required: [p]` per property, in order), so validators enforce what the Rust type encodes;
//!   likewise `x-at-least-one-of` with an `anyOf` of the same lists (one, the other or both);
//! - the count of `x-inferred` flags reachable from each product's operations (through `$ref`s),
//!   for the summary line.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk::{self, Structure};
use super::{Check, Problems};
use crate::shared::openapi;
use crate::shared::openapi::pointer::{self, join};

/// Words in a description that say the shape is not from the reference.
const INFERRED_WORDS: [&str; 5] = [
    "inferred",
    "invented",
    "best reading",
    "does not list",
    "does not show",
];

/// The extension of a requiredness rule "exactly one of these properties".
pub const EXACTLY_ONE_OF: &str = "x-exactly-one-of";

/// The extension of a requiredness rule "at least one of these properties".
pub const AT_LEAST_ONE_OF: &str = "x-at-least-one-of";

/// Each requiredness-rule extension with the JSON Schema keyword that states it for validators.
const RULES: [(&str, &str); 2] = [(EXACTLY_ONE_OF, "oneOf"), (AT_LEAST_ONE_OF, "anyOf")];

/// What the check found, for the summary line.
pub struct Counts {
    /// `x-inferred` flags per product (first tag of each operation that reaches them).
    pub per_product: BTreeMap<String, usize>,
    /// `x-inferred` flags in the whole document.
    pub total: usize,
    /// `x-exactly-one-of` and `x-at-least-one-of` rules.
    pub exactly_one: usize,
}

/// True for the `oneOf` (`anyOf`) that states an `x-exactly-one-of` (`x-at-least-one-of`) rule
/// (variants are bare `required` lists); check 6 accepts it without a discriminator.
pub fn is_exactly_one_rule(schema: &Value) -> bool {
    RULES.iter().any(|(key, keyword)| {
        schema.get(*key).is_some()
            && schema
                .get(*keyword)
                .and_then(Value::as_array)
                .is_some_and(|variants| variants.iter().all(is_bare_required))
    })
}

fn is_bare_required(variant: &Value) -> bool {
    variant
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.get("required").is_some_and(Value::is_array))
}

/// Runs the check.
pub fn check(doc: &Value, structure: &Structure<'_>, problems: &mut Problems) -> Counts {
    let mut total = 0;
    let mut exactly_one = 0;
    for (at, schema) in walk::all_schemas(structure) {
        if let Some(why) = schema.get("x-inferred") {
            total += 1;
            if why.as_str().is_none_or(|w| w.trim().is_empty()) {
                problems.push(
                    Check::Inferred,
                    join(&at, "x-inferred"),
                    "x-inferred must be a non-empty string giving the reason".to_string(),
                );
            }
        } else if says_inferred(schema) && !at.starts_with("#/components/schemas/Webhook") {
            problems.push(
                Check::Inferred,
                at.clone(),
                "the description says this is inferred; flag it with `x-inferred: \"<why>\"` so the generated docs warn".to_string(),
            );
        }
        for (key, keyword) in RULES {
            if let Some(rule) = schema.get(key) {
                exactly_one += 1;
                check_exactly_one(&at, schema, (key, keyword), rule, problems);
            }
        }
    }
    total += count_outside_schemas(doc);
    Counts {
        per_product: per_product(doc),
        total,
        exactly_one,
    }
}

fn says_inferred(schema: &Value) -> bool {
    let Some(text) = schema.get("description").and_then(Value::as_str) else {
        return false;
    };
    let text = text.to_lowercase();
    INFERRED_WORDS.iter().any(|w| text.contains(w))
}

/// Checks one requiredness rule: `kind` is (extension, JSON Schema keyword stating it).
fn check_exactly_one(
    at: &str,
    schema: &Value,
    (key, keyword): (&str, &str),
    rule: &Value,
    problems: &mut Problems,
) {
    let rule_at = join(at, key);
    let mut fail = |message: String| problems.push(Check::Inferred, rule_at.clone(), message);
    let names: Vec<&str> = rule
        .get("properties")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let has_text = |key: &str| rule.get(key).and_then(Value::as_str).is_some();
    if names.len() < 2 || !has_text("name") || !has_text("field") {
        fail("needs `name` (Rust type), `field` (Rust field) and two or more `properties`".into());
        return;
    }
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for name in &names {
        if schema
            .pointer(&format!("/properties/{}", pointer::escape(name)))
            .is_none()
        {
            fail(format!("`{name}` is not a property of this object"));
        }
        if required.contains(name) {
            fail(format!(
                "`{name}` is in `required`; a choice must be optional on its own"
            ));
        }
    }
    let stated: Option<Vec<Vec<&str>>> = schema.get(keyword).and_then(Value::as_array).map(|l| {
        l.iter()
            .map(|v| {
                v.get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default()
            })
            .collect()
    });
    let expected: Vec<Vec<&str>> = names.iter().map(|n| vec![*n]).collect();
    if stated.as_ref() != Some(&expected) || !is_exactly_one_rule(schema) {
        fail(format!(
            "the object must state the rule for validators as `{keyword}: [{}]`",
            names
                .iter()
                .map(|n| format!("{{required: [{n}]}}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// `x-inferred` on responses and parameters (components and operations), which are not schemas.
fn count_outside_schemas(doc: &Value) -> usize {
    let mut n = 0;
    for section in ["responses", "parameters"] {
        if let Some(map) = doc
            .pointer(&format!("/components/{section}"))
            .and_then(Value::as_object)
        {
            n += map
                .values()
                .filter(|v| v.get("x-inferred").is_some())
                .count();
        }
    }
    n
}

/// The distinct `x-inferred` flags each product's operations reach, following `$ref`s.
fn per_product(doc: &Value) -> BTreeMap<String, usize> {
    let mut flags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in openapi::operations(doc) {
        let product = op
            .node
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or("(untagged)")
            .to_string();
        let found = flags.entry(product).or_default();
        let mut seen = BTreeSet::new();
        collect(doc, op.node, &op.pointer, &mut seen, found);
    }
    flags.into_iter().map(|(k, v)| (k, v.len())).collect()
}

fn collect(
    doc: &Value,
    node: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    found: &mut BTreeSet<String>,
) {
    if let Some(target) = node.get("$ref").and_then(Value::as_str) {
        if seen.insert(target.to_string())
            && let Some(next) = pointer::resolve(doc, target)
        {
            collect(doc, next, target, seen, found);
        }
        return;
    }
    match node {
        Value::Object(map) => {
            if map.get("x-inferred").is_some_and(Value::is_string) {
                found.insert(at.to_string());
            }
            for (key, value) in map {
                if key != "example" && key != "examples" {
                    collect(doc, value, &join(at, key), seen, found);
                }
            }
        }
        Value::Array(list) => {
            for (i, value) in list.iter().enumerate() {
                collect(doc, value, &pointer::join_index(at, i), seen, found);
            }
        }
        _ => {}
    }
}
