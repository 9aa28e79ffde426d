//! The operations of a document: every `(path, method)` pair under `paths`.

use serde_json::Value;

use super::pointer::{deref, join};

/// HTTP methods an OpenAPI 3.0 path item can hold, in the order operations are visited.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the spec.
pub struct Operation<'a> {
    /// Path template as written (`/sms/senders/{sender_id}`).
    pub path: &'a str,
    /// Lower-case method.
    pub method: &'static str,
    /// Where the operation object is defined: `#/paths/…/<method>`, or under the target of the
    /// path item's `$ref`.
    pub pointer: String,
    /// The path item holding it (its `$ref` followed), for path-level parameters.
    pub item: &'a Value,
    /// The operation object.
    pub node: &'a Value,
}

/// Every operation, in document order (paths as written, methods in [`METHODS`] order). A path
/// item that is a `$ref` is followed; one that cannot be resolved holds no operations.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some((item, item_ptr)) = deref(doc, item, &join("#/paths", path)) else {
            continue;
        };
        for method in METHODS {
            if let Some(node) = item.get(method) {
                out.push(Operation {
                    path,
                    method,
                    pointer: join(&item_ptr, method),
                    item,
                    node,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_methods_in_order_and_follows_path_item_refs() {
        let doc = json!({"paths": {
            "/a": {"post": {"operationId": "p"}, "get": {"operationId": "g"}},
            "/b": {"$ref": "#/paths/~1a"},
            "/c": {"$ref": "#/nowhere"}
        }});
        let ops = operations(&doc);
        let seen: Vec<_> = ops
            .iter()
            .map(|o| (o.path, o.method, o.pointer.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("/a", "get", "#/paths/~1a/get"),
                ("/a", "post", "#/paths/~1a/post"),
                ("/b", "get", "#/paths/~1a/get"),
                ("/b", "post", "#/paths/~1a/post"),
            ]
        );
    }
}
