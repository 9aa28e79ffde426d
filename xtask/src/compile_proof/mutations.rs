//! The mutations of the real spec compile-proof checks besides the fixture pairs.

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// Five mutations of the real spec, each on the first (by name) component schema that fits.
pub(super) fn mutations(real: &Value) -> Result<Vec<(String, Value)>, String> {
    let requests = reachable(real, "requestBody");
    let responses = reachable(real, "responses");
    let schemas = real["components"]["schemas"]
        .as_object()
        .ok_or("the real spec has no components.schemas")?;
    let response_only = |n: &String| responses.contains(n) && !requests.contains(n);
    let request_only = |n: &String| requests.contains(n) && !responses.contains(n);
    let pick = |what: &str, ok: &dyn Fn(&String, &Value) -> bool| -> Result<String, String> {
        schemas
            .iter()
            .find(|(n, s)| ok(n, s))
            .map(|(n, _)| n.clone())
            .ok_or(format!("no component schema fits the mutation `{what}`"))
    };
    let required_plain = |s: &Value| -> Option<String> {
        s["required"].as_array()?.iter().find_map(|r| {
            let name = r.as_str()?;
            let prop = &s["properties"][name];
            (prop["nullable"] != true).then(|| name.to_string())
        })
    };
    let mut out = Vec::new();
    let mut mutate = |name: &str, schema: &str, f: &dyn Fn(&mut Value)| {
        let mut v = real.clone();
        f(&mut v["components"]["schemas"][schema]);
        out.push((format!("real-{name}-{schema}"), v));
    };
    let e = pick("response enum gains a value", &|n, s| {
        response_only(n) && s["enum"].is_array()
    })?;
    mutate("response-enum-value-added", &e, &|s| {
        if let Some(a) = s["enum"].as_array_mut() {
            a.push(json!("zz_added_value"));
        }
    });
    let o = pick("response object gains an optional field", &|n, s| {
        response_only(n) && s["properties"].is_object()
    })?;
    mutate("response-optional-property-added", &o, &|s| {
        s["properties"]["zz_added_field"] = json!({"type": "string", "description": "Added."});
    });
    let u = pick("response oneOf gains a shape", &|n, s| {
        response_only(n) && s["oneOf"].is_array() && s["x-untagged"] == true
    })?;
    mutate("response-one-of-variant-added", &u, &|s| {
        if let Some(a) = s["oneOf"].as_array_mut() {
            a.push(json!({"type": "boolean", "title": "Zz added flag"}));
        }
    });
    let request = pick("request field becomes optional", &|n, s| {
        request_only(n) && required_plain(s).is_some()
    })?;
    let response = pick("response field becomes optional", &|n, s| {
        response_only(n) && required_plain(s).is_some()
    })?;
    for (side, schema) in [("request", request), ("response", response)] {
        let field = required_plain(&schemas[&schema]).unwrap_or_default();
        mutate(&format!("{side}-property-became-optional"), &schema, &|s| {
            if let Some(a) = s["required"].as_array_mut() {
                a.retain(|r| *r != field);
            }
        });
    }
    Ok(out)
}

/// Component schemas reachable through `$ref`s from every operation's `key` (`requestBody` or
/// the 2xx `responses`), transitively.
fn reachable(doc: &Value, key: &str) -> BTreeSet<String> {
    let mut todo: Vec<&Value> = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            match op[key].as_object() {
                // Success responses only: error bodies are not part of the generated API.
                Some(codes) if key == "responses" => todo.extend(
                    codes
                        .iter()
                        .filter(|(code, _)| code.starts_with('2'))
                        .map(|(_, r)| r),
                ),
                _ => todo.push(&op[key]),
            }
        }
    }
    let mut found = BTreeSet::new();
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str)
                    && found.insert(r.to_string())
                    && let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p))
                {
                    todo.push(target);
                }
                todo.extend(map.values());
            }
            Value::Array(list) => todo.extend(list),
            _ => {}
        }
    }
    found
        .iter()
        .filter_map(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
        .collect()
}
