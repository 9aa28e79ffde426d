//! Component schemas that only callbacks use (the hand-written `webhook` module defines them).

use super::*;

/// The component schemas that operations' callbacks reach through `$ref`s (transitively).
pub(super) fn callback_schemas(spec: &OpenAPI) -> BTreeSet<String> {
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
