//! Phase 1: spec → IR. Resolves `$ref`s, names every type, decides oneOf dispatch, and places
//! each type in the module of the only tag that uses it (or in `common`).

mod body;
mod components;
mod extensions;
mod one_of;
mod operation;
mod params;
mod placement;
mod schema;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::Error;
use crate::facts::{self, OperationFacts, RateLimit};
use crate::ir::*;
use crate::names::{WARNING_OPEN, pascal, snake};
use crate::pointer::escape;

use body::*;
use components::*;
use extensions::*;
use operation::*;
use params::*;
use placement::*;
use schema::*;
use view::*;

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

pub(crate) fn read(spec: &OpenAPI) -> Result<Api> {
    let mut r = Reader {
        spec,
        types: BTreeMap::new(),
        comp: BTreeMap::new(),
        active: Vec::new(),
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
            if !tags.contains_key(&o.facts.tag) {
                let module = snake(&o.facts.tag);
                if module.is_empty() || matches!(module.as_str(), "common" | "support") {
                    return err(
                        &format!("{optr}/tags/0"),
                        format!("tag `{}` cannot be a module name", o.facts.tag),
                    );
                }
                if let Some(other) = modules_seen.insert(module.clone(), o.facts.tag.clone()) {
                    return err(
                        &format!("{optr}/tags/0"),
                        format!(
                            "name collision: tags `{other}` and `{}` both become the module `{module}`",
                            o.facts.tag
                        ),
                    );
                }
                let doc = spec
                    .tags
                    .iter()
                    .find(|t| t.name == o.facts.tag)
                    .and_then(|t| non_empty(&t.description));
                tags.insert(
                    o.facts.tag.clone(),
                    TagInfo {
                        module,
                        handle: pascal(&o.facts.tag),
                        doc,
                    },
                );
            }
            ops.push((o, optr));
        }
    }
    // Unused components are emitted too (into `common`), except the multipart-only ones and the
    // webhook payloads that only callbacks use (the hand-written `webhook` module is their one
    // definition).
    let callback_only = callback_schemas(spec);
    if let Some(c) = &spec.components {
        for name in c.schemas.keys() {
            let reference = format!("#/components/schemas/{name}");
            if r.comp.contains_key(name.as_str()) || callback_only.contains(name.as_str()) {
                continue;
            }
            let cptr = format!("/components/schemas/{}", escape(name));
            let has_binary = match r.resolve(SRef::Ref(&reference), &cptr) {
                Ok(s) => match view(s) {
                    View::Object { props, .. } => props.iter().any(|(_, p)| {
                        r.resolve(*p, &cptr)
                            .is_ok_and(|s| matches!(view(s), View::Str { binary: true, .. }))
                    }),
                    _ => false,
                },
                Err(_) => false,
            };
            if !has_binary {
                r.component(&reference, &cptr)?;
            }
        }
    }
    // Operations sorted by tag, then method name; method names unique per tag.
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
    let ops: Vec<Op> = ops.into_iter().map(|(o, _)| o).collect();
    place(r.types, ops, tags, filters, spec.info.title.clone())
}
