//! Check 9: the spec against what the provider's reference states, fact by fact.
//!
//! `spec/reference-facts.tsv` (made by `spec/reference_facts.py` from the reference) lists, per
//! operation, every query and path parameter, top-level request-body field (with its
//! requiredness), `Enum:`/`Value:` list and top-level response-sample key the reference shows.
//! Each is compared with the spec:
//!
//! - `query`: a query parameter of that name; and every query parameter of the spec is one the
//!   reference shows;
//! - `path`: the operation has as many path parameters as the reference shows (names are the
//!   spec's own: the reference's `id`/`cId`/`Iid` are renamed on purpose);
//! - `body`: a top-level property of some shape of the request body; `required` in the reference
//!   means required in every shape that has it, `optional` means optional in at least one; for a
//!   single-shape body whose fields the reference all names, every property of the spec is one
//!   the reference shows;
//! - `enum`: the parameter or field carries an enum with the same values (compared as text, a
//!   boolean counts as `[true, false]`);
//! - `response`: a top-level property of some shape of the success response.
//!
//! A difference is fine only when `spec/reference-mismatches.tsv` explains it in one line
//! (`method path kind name explanation`; `* *` for a difference shared by every operation, such
//! as the `page` parameter of paginated lists); an explanation that matches no difference is stale and
//! reported too. Both files sit beside the spec; without the facts file the check is skipped and
//! the summary says so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::enums::enum_sets;
use super::inferred::is_exactly_one_rule;
use super::walk;
use super::{Check, Problems};
use crate::shared::one_of::leaves;
use crate::shared::openapi;
use crate::shared::openapi::pointer::{self, join};

/// The facts file, beside the spec.
pub const FACTS: &str = "reference-facts.tsv";
/// The name the facts give a body field whose name the reference lost.
const UNNAMED: &str = "(unnamed)";
/// The explanations file, beside the spec.
pub const EXPLAINED: &str = "reference-mismatches.tsv";

/// One fact the reference states.
struct Fact {
    method: String,
    path: String,
    kind: String,
    name: String,
    detail: String,
    ref_line: String,
}

/// One difference between the reference and the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mismatch {
    /// `(method, path, kind, name)` as in the explanations table.
    pub key: (String, String, String, String),
    /// Where in the spec.
    pub pointer: String,
    /// What differs.
    pub what: String,
}

/// What the check found, for the summary line.
pub struct Counts {
    /// Facts compared (0 when the facts file is absent).
    pub facts: usize,
    /// Differences with an explanation.
    pub explained: usize,
    /// Every difference, explained or not (for `--verbose`).
    pub mismatches: Vec<Mismatch>,
    /// False when there was no facts file beside the spec.
    pub ran: bool,
}

fn tsv(file: &Path) -> Option<Vec<(usize, Vec<String>)>> {
    let text = std::fs::read_to_string(file).ok()?;
    Some(
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1) // header
            .map(|(i, l)| (i + 1, l.split('\t').map(str::to_string).collect()))
            .collect(),
    )
}

/// Runs the check with the files beside `spec_file`.
pub fn check(doc: &Value, spec_file: &Path, problems: &mut Problems) -> Counts {
    let dir = spec_file.parent().unwrap_or(Path::new("."));
    let (facts_file, explained_file) = (dir.join(FACTS), dir.join(EXPLAINED));
    let Some(rows) = tsv(&facts_file) else {
        return Counts {
            facts: 0,
            explained: 0,
            mismatches: Vec::new(),
            ran: false,
        };
    };
    let mut facts = Vec::new();
    for (line, cells) in rows {
        match <[String; 6]>::try_from(cells) {
            Ok([method, path, kind, name, detail, ref_line]) => facts.push(Fact {
                method,
                path,
                kind,
                name,
                detail,
                ref_line,
            }),
            Err(_) => problems.push(
                Check::Reference,
                format!("{}:{line}", facts_file.display()),
                "expected 6 tab-separated columns".to_string(),
            ),
        }
    }
    let mut mismatches = compare(doc, &facts);
    mismatches.sort();
    mismatches.dedup();
    let explained = explanations(&explained_file, problems);
    let mut used = BTreeSet::new();
    let mut explained_count = 0;
    for m in &mismatches {
        let (method, path, kind, name) = &m.key;
        let wildcard = ("*".to_string(), "*".to_string(), kind.clone(), name.clone());
        let found = [m.key.clone(), wildcard]
            .into_iter()
            .find(|k| explained.contains_key(k));
        let _ = (method, path);
        if let Some(key) = found {
            used.insert(key);
            explained_count += 1;
        } else {
            problems.push(
                Check::Reference,
                m.pointer.clone(),
                format!(
                    "{} (explain `{}` in spec/{EXPLAINED} or fix the spec)",
                    m.what,
                    [&m.key.0, &m.key.1, &m.key.2, &m.key.3]
                        .map(String::as_str)
                        .join(" ")
                ),
            );
        }
    }
    for (key, line) in &explained {
        if !used.contains(key) {
            problems.push(
                Check::Reference,
                format!("{}:{line}", explained_file.display()),
                format!(
                    "stale explanation: the spec and the reference no longer differ on `{}`",
                    [&key.0, &key.1, &key.2, &key.3]
                        .map(String::as_str)
                        .join(" ")
                ),
            );
        }
    }
    Counts {
        facts: facts.len(),
        explained: explained_count,
        mismatches,
        ran: true,
    }
}

type Key = (String, String, String, String);

fn explanations(file: &Path, problems: &mut Problems) -> BTreeMap<Key, usize> {
    let mut out = BTreeMap::new();
    for (line, cells) in tsv(file).unwrap_or_default() {
        match cells.as_slice() {
            // The deeper kinds are `deep.rs`'s (the Python check reads their explanations).
            [_, _, kind, _, _] if super::deep::DEEP_KINDS.contains(&kind.as_str()) => {}
            [method, path, kind, name, why] if !why.trim().is_empty() => {
                out.insert(
                    (method.clone(), path.clone(), kind.clone(), name.clone()),
                    line,
                );
            }
            _ => problems.push(
                Check::Reference,
                format!("{}:{line}", file.display()),
                "expected `method path kind name explanation` (5 tab-separated columns)"
                    .to_string(),
            ),
        }
    }
    out
}

/// The spec's operations by `(METHOD, normalised path)`.
fn operations(doc: &Value) -> BTreeMap<(String, String), openapi::Operation<'_>> {
    openapi::operations(doc)
        .into_iter()
        .map(|op| {
            (
                (op.method.to_uppercase(), walk::normalise_path(op.path)),
                op,
            )
        })
        .collect()
}

fn compare(doc: &Value, facts: &[Fact]) -> Vec<Mismatch> {
    let ops = operations(doc);
    let mut by_op: BTreeMap<(String, String), Vec<&Fact>> = BTreeMap::new();
    for fact in facts {
        by_op
            .entry((fact.method.clone(), walk::normalise_path(&fact.path)))
            .or_default()
            .push(fact);
    }
    let mut out = Vec::new();
    for (key, facts) in by_op {
        // An operation the spec lacks is the coverage check's business.
        let Some(op) = ops.get(&key) else { continue };
        let spec = SpecOp::read(doc, op);
        let mut push = |fact: &Fact, kind: &str, name: &str, pointer: &str, what: String| {
            out.push(Mismatch {
                key: (
                    fact.method.clone(),
                    fact.path.clone(),
                    kind.to_string(),
                    name.to_string(),
                ),
                pointer: pointer.to_string(),
                what: format!("reference line {}: {what}", fact.ref_line),
            });
        };
        for fact in &facts {
            compare_fact(doc, &spec, fact, &mut push);
        }
        let Some(first) = facts.first() else { continue };
        let shown = |kind: &str| -> BTreeSet<&str> {
            facts
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| f.name.as_str())
                .collect()
        };
        let path_count = facts.iter().filter(|f| f.kind == "path").count();
        if path_count != spec.path_params {
            push(
                first,
                "path",
                "*",
                &op.pointer,
                format!(
                    "the reference shows {path_count} path parameter(s), the spec has {}",
                    spec.path_params
                ),
            );
        }
        let query = shown("query");
        for (name, at) in &spec.query {
            if !query.contains(name.as_str()) {
                push(
                    first,
                    "query",
                    name,
                    at,
                    format!("query parameter `{name}` is not in the reference"),
                );
            }
        }
        let body = shown("body");
        // Only where the reference names every field it shows.
        if spec.body_leaves.len() == 1 && !body.is_empty() && !body.contains(UNNAMED) {
            for (name, (at, _)) in &spec.body_leaves[0] {
                if !body.contains(name.as_str()) {
                    push(
                        first,
                        "body",
                        name,
                        at,
                        format!("body field `{name}` is not in the reference"),
                    );
                }
            }
        }
    }
    out
}

/// A property of one shape: its pointer and whether the shape requires it.
type Props = BTreeMap<String, (String, bool)>;

/// What the comparison needs of one spec operation.
struct SpecOp<'a> {
    pointer: String,
    path_params: usize,
    /// Query parameter name → its pointer.
    query: BTreeMap<String, String>,
    /// Parameter name → (schema, schema pointer).
    params: BTreeMap<String, (&'a Value, String)>,
    body_leaves: Vec<Props>,
    response_leaves: Vec<Props>,
}

impl<'a> SpecOp<'a> {
    fn read(doc: &'a Value, op: &openapi::Operation<'a>) -> Self {
        let mut me = SpecOp {
            pointer: op.pointer.clone(),
            path_params: 0,
            query: BTreeMap::new(),
            params: BTreeMap::new(),
            body_leaves: Vec::new(),
            response_leaves: Vec::new(),
        };
        let params = op.node.get("parameters").and_then(Value::as_array);
        for (i, param) in params.into_iter().flatten().enumerate() {
            let at = pointer::join_index(&join(&op.pointer, "parameters"), i);
            let Some((param, at)) = pointer::deref(doc, param, &at) else {
                continue;
            };
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match param.get("in").and_then(Value::as_str) {
                Some("path") => me.path_params += 1,
                Some("query") => {
                    me.query.insert(name.to_string(), at.clone());
                }
                _ => {}
            }
            if let Some(schema) = param.get("schema") {
                me.params
                    .insert(name.to_string(), (schema, join(&at, "schema")));
            }
        }
        let content = join(&join(&op.pointer, "requestBody"), "content");
        if let Some(media) = op
            .node
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        {
            for (kind, m) in media {
                if let Some(schema) = m.get("schema") {
                    let at = join(&join(&content, kind), "schema");
                    me.body_leaves.extend(shape_props(doc, schema, &at));
                }
            }
        }
        let responses = op.node.get("responses").and_then(Value::as_object);
        let success = responses.and_then(|r| r.get("200").map(|v| ("200", v)));
        if let Some((code, response)) = success {
            let at = join(&join(&op.pointer, "responses"), code);
            if let Some((response, at)) = pointer::deref(doc, response, &at)
                && let Some(media) = response.get("content").and_then(Value::as_object)
            {
                for (kind, m) in media {
                    if let Some(schema) = m.get("schema") {
                        let at = join(&join(&join(&at, "content"), kind), "schema");
                        me.response_leaves.extend(shape_props(doc, schema, &at));
                    }
                }
            }
        }
        me
    }
}

/// The top-level properties of each shape (oneOf leaf) of a schema.
fn shape_props(doc: &Value, schema: &Value, at: &str) -> Vec<Props> {
    let Some((schema, at)) = pointer::deref(doc, schema, at) else {
        return Vec::new();
    };
    // The `oneOf` of an `x-exactly-one-of` rule lists requiredness, not shapes.
    let shapes = if is_exactly_one_rule(schema) {
        vec![(at, schema)]
    } else {
        leaves(doc, schema, &at, 0)
    };
    shapes
        .into_iter()
        .map(|(at, leaf)| {
            let required: BTreeSet<&str> = leaf
                .get("required")
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            leaf.get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .keys()
                        .map(|k| {
                            let here = join(&join(&at, "properties"), k);
                            (k.clone(), (here, required.contains(k.as_str())))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

fn compare_fact(
    doc: &Value,
    spec: &SpecOp<'_>,
    fact: &Fact,
    push: &mut impl FnMut(&Fact, &str, &str, &str, String),
) {
    let name = fact.name.as_str();
    match fact.kind.as_str() {
        "query" if !spec.query.contains_key(name) => push(
            fact,
            "query",
            name,
            &spec.pointer,
            format!("query parameter `{name}` is missing from the spec"),
        ),
        "body" if name == UNNAMED => {}
        "body" => {
            let found: Vec<&(String, bool)> = spec
                .body_leaves
                .iter()
                .filter_map(|l| l.get(name))
                .collect();
            let Some((at, _)) = found.first() else {
                push(
                    fact,
                    "body",
                    name,
                    &spec.pointer,
                    format!("body field `{name}` is missing from the spec"),
                );
                return;
            };
            let all_required = found.iter().all(|(_, r)| *r);
            if fact.detail == "required" && !all_required {
                push(
                    fact,
                    "required",
                    name,
                    at,
                    format!("the reference requires `{name}`; the spec leaves it optional"),
                );
            }
            if fact.detail == "optional" && all_required {
                push(
                    fact,
                    "required",
                    name,
                    at,
                    format!("the reference marks `{name}` optional; the spec requires it"),
                );
            }
        }
        "enum" => compare_enum(doc, spec, fact, push),
        "response" => {
            let open = spec.response_leaves.is_empty();
            if !open && !spec.response_leaves.iter().any(|l| l.contains_key(name)) {
                push(
                    fact,
                    "response",
                    name,
                    &spec.pointer,
                    format!("response key `{name}` is missing from the spec's success response"),
                );
            }
        }
        _ => {}
    }
}

fn compare_enum(
    doc: &Value,
    spec: &SpecOp<'_>,
    fact: &Fact,
    push: &mut impl FnMut(&Fact, &str, &str, &str, String),
) {
    let name = fact.name.as_str();
    let documented: BTreeSet<String> = serde_json::from_str::<Vec<String>>(&fact.detail)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut sets = Vec::new();
    if let Some((schema, at)) = spec.params.get(name) {
        enum_sets(doc, schema, at, 0, &mut sets);
    }
    for leaf in &spec.body_leaves {
        if let Some((at, _)) = leaf.get(name)
            && let Some(schema) = pointer::resolve(doc, at)
        {
            enum_sets(doc, schema, at, 0, &mut sets);
        }
    }
    let Some((at, values)) = sets.first() else {
        push(
            fact,
            "enum",
            name,
            &spec.pointer,
            format!(
                "`{name}` has no enum in the spec (the reference lists {})",
                fact.detail
            ),
        );
        return;
    };
    if sets.iter().any(|(_, v)| *v == documented) {
        return;
    }
    let missing: Vec<&String> = documented.difference(values).collect();
    let extra: Vec<&String> = values.difference(&documented).collect();
    push(
        fact,
        "enum",
        name,
        at,
        format!(
            "enum of `{name}` differs from the reference: missing {missing:?}, added {extra:?}"
        ),
    );
}
