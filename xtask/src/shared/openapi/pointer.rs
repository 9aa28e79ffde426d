//! JSON pointers (RFC 6901) in the `#/a/b` fragment form the spec's `$ref`s use.

use serde_json::Value;

/// The one escape of a reference token, shared with the generator (`~` → `~0`, `/` → `~1`), and
/// its inverse.
pub use qikberry_codegen::pointer::{escape, unescape};

/// Appends one unescaped segment to a pointer.
pub fn join(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape(segment))
}

/// Appends an array index to a pointer.
pub fn join_index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// Decodes `%XX` escapes (a `$ref` is a URI fragment, so it may carry them).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a `#/a/b` pointer into unescaped segments; `None` if it is not a local pointer.
pub fn segments(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|s| unescape(&percent_decode(s)))
            .collect(),
    )
}

/// Looks a `#/…` pointer up in the document.
pub fn resolve<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = doc;
    for segment in segments(pointer)? {
        node = match node {
            Value::Object(map) => map.get(&segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Follows `$ref` chains starting at `node` (found at `pointer`); returns the final node and its
/// pointer. Stops (returning `None`) on a dangling reference or a cycle.
pub fn deref<'a>(doc: &'a Value, node: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
    let mut node = node;
    let mut pointer = pointer.to_string();
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(target) => {
                node = resolve(doc, target)?;
                pointer = target.to_string();
            }
            None => return Some((node, pointer)),
        }
    }
    None
}

/// `node` with its `$ref` chain followed as far as it resolves: the node itself when it is not a
/// reference, or when the chain dangles or loops (the caller then compares the `$ref` as written).
pub fn follow<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    deref(doc, node, "#").map_or(node, |(target, _)| target)
}

/// The component name a `$ref` points at (`#/components/schemas/Sender` → `Sender`), unescaped.
pub fn ref_name(node: &Value) -> Option<String> {
    let target = node.get("$ref")?.as_str()?;
    segments(target)?.pop()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_resolves() {
        let doc = json!({"paths": {"/a/{id}": {"get": {"x": [1, 2]}}}});
        let p = join(&join("#/paths", "/a/{id}"), "get");
        assert_eq!(p, "#/paths/~1a~1{id}/get");
        assert_eq!(resolve(&doc, &format!("{p}/x/1")), Some(&json!(2)));
        assert_eq!(
            resolve(&doc, "#/paths/%7E1a%7E1%7Bid%7D/get/x/0"),
            Some(&json!(1))
        );
        assert_eq!(resolve(&doc, "#/nope"), None);
        assert_eq!(resolve(&doc, "components/x"), None);
    }

    #[test]
    fn follows_chains_and_stops_on_loops() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/A"},
            "B": {"$ref": "#/components/schemas/C~1D"},
            "C/D": {"type": "string"}
        }}});
        let looping = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(follow(&doc, &looping), &looping);
        let chained = json!({"$ref": "#/components/schemas/B"});
        assert_eq!(follow(&doc, &chained), &json!({"type": "string"}));
        let slashed = json!({"$ref": "#/components/schemas/C~1D"});
        assert_eq!(ref_name(&slashed).as_deref(), Some("C/D"));
        assert_eq!(ref_name(&json!({"type": "string"})), None);
    }
}
