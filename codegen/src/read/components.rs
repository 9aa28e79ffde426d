//! Component schemas no operation reaches: emitted too (into `common`), except the multipart-only
//! ones and the webhook payloads that only callbacks use (the hand-written `webhook` module is
//! their one definition).

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use super::Result;
use super::schema::Reader;
use super::view::{SRef, View, view};
use crate::pointer::escape;

/// The component schemas that operations' callbacks reach through `$ref`s (transitively).
fn callback_schemas(spec: &OpenAPI) -> BTreeSet<String> {
    let mut todo: Vec<Value> = Vec::new();
    for (_, item) in spec.paths.iter() {
        if let ReferenceOr::Item(item) = item {
            for (_, op) in item.iter() {
                todo.extend(
                    op.callbacks
                        .values()
                        .filter_map(|c| serde_json::to_value(c).ok()),
                );
            }
        }
    }
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    let mut found = BTreeSet::new();
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                    && found.insert(name.to_string())
                    && let Some(s) = schemas.and_then(|s| s.get(name))
                    && let Ok(s) = serde_json::to_value(s)
                {
                    todo.push(s);
                }
                todo.extend(map.into_iter().map(|(_, v)| v));
            }
            Value::Array(list) => todo.extend(list),
            _ => {}
        }
    }
    found
}

/// Defines the component schemas no operation has reached, except the callback-only and the
/// multipart-only ones (those with a binary property).
pub(super) fn read_unused_components(r: &mut Reader<'_>) -> Result<()> {
    let spec = r.spec;
    let callback_only = callback_schemas(spec);
    let Some(c) = &spec.components else {
        return Ok(());
    };
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
    Ok(())
}
