//! Phase 1: spec → IR. Resolves `$ref`s, names every type, decides oneOf dispatch, and places
//! each type in the module of the only tag that uses it (or in `common`).

mod at_least_one;
mod body;
mod components;
mod compose;
mod conveniences;
mod examples;
mod extensions;
mod one_of;
mod operation;
mod params;
mod placement;
mod recursion;
mod schema;
mod view;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::Error;
use crate::ir::{Api, Filter, Op, TagInfo};
use crate::names::{pascal, snake};
use crate::pointer::escape;
use components::read_unused_components;
use operation::read_op;
use placement::place;
use schema::Reader;

type Result<T> = std::result::Result<T, Error>;

fn err<T>(pointer: &str, message: impl Into<String>) -> Result<T> {
    Err(Error::new(pointer, message))
}

fn ext_true(ext: &indexmap::IndexMap<String, Value>, key: &str) -> bool {
    ext.get(key) == Some(&Value::Bool(true))
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Reads the whole spec: every operation (with the types it reaches), the components no
/// operation uses, then places the types in modules.
pub(crate) fn read(spec: &OpenAPI) -> Result<Api> {
    let mut r = Reader {
        spec,
        types: BTreeMap::new(),
        comp: BTreeMap::new(),
        active: Vec::new(),
        recursive: BTreeMap::new(),
    };
    let mut ops = Vec::new();
    let mut filters: BTreeMap<String, Filter> = BTreeMap::new();
    let mut tags: BTreeMap<String, TagInfo> = BTreeMap::new();
    let mut modules_seen: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in spec.paths.iter() {
        let pptr = format!("/paths/{}", escape(path));
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                return err(&pptr, "unsupported construct: $ref path item");
            }
        };
        for (method, op) in item.iter() {
            let optr = format!("{pptr}/{method}");
            let o = read_op(&mut r, path, method, item, op, &optr, &mut filters)?;
            register_tag(spec, &o.facts.tag, &optr, &mut tags, &mut modules_seen)?;
            ops.push((o, optr));
        }
    }
    read_unused_components(&mut r)?;
    recursion::box_cycles(&mut r.types);
    let ops = sorted_ops(ops)?;
    let mut api = place(r.types, ops, tags, filters, spec.info.title.clone())?;
    let doc = serde_json::to_value(spec)
        .map_err(|e| Error::new("", format!("cannot read the spec as JSON: {e}")))?;
    api.conveniences = conveniences::read(&doc, &api)?;
    api.examples = examples::read(spec, &api.ops)?;
    Ok(api)
}

/// Records the tag of an operation as a product module the first time it is seen, rejecting tags
/// that cannot be a module name or collide with another tag's.
fn register_tag(
    spec: &OpenAPI,
    tag: &str,
    optr: &str,
    tags: &mut BTreeMap<String, TagInfo>,
    modules_seen: &mut BTreeMap<String, String>,
) -> Result<()> {
    if tags.contains_key(tag) {
        return Ok(());
    }
    let module = snake(tag);
    if module.is_empty() || matches!(module.as_str(), "common" | "support") {
        return err(
            &format!("{optr}/tags/0"),
            format!("tag `{tag}` cannot be a module name"),
        );
    }
    if let Some(other) = modules_seen.insert(module.clone(), tag.to_string()) {
        return err(
            &format!("{optr}/tags/0"),
            format!("name collision: tags `{other}` and `{tag}` both become the module `{module}`"),
        );
    }
    let doc = spec
        .tags
        .iter()
        .find(|t| t.name == tag)
        .and_then(|t| non_empty(&t.description));
    tags.insert(
        tag.to_string(),
        TagInfo {
            module,
            handle: pascal(tag),
            doc,
        },
    );
    Ok(())
}

/// Operations sorted by tag, then method name; method names must be unique per tag.
fn sorted_ops(mut ops: Vec<(Op, String)>) -> Result<Vec<Op>> {
    ops.sort_by(|a, b| (&a.0.facts.tag, &a.0.method).cmp(&(&b.0.facts.tag, &b.0.method)));
    for pair in ops.windows(2) {
        if let [a, b] = pair
            && a.0.facts.tag == b.0.facts.tag
            && a.0.method == b.0.method
        {
            return err(
                &b.1,
                format!(
                    "name collision: operations `{}` and `{}` both become the method `{}`",
                    a.0.facts.id, b.0.facts.id, b.0.method
                ),
            );
        }
    }
    Ok(ops.into_iter().map(|(o, _)| o).collect())
}
