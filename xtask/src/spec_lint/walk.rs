//! Walks the OpenAPI document structure (as JSON): the objects that carry a `schema` next to
//! `example`/`examples` (parameters, headers, media types), and every schema node. `$ref`s are not followed here: every object is visited where it is defined.

use serde_json::Value;

use crate::shared::openapi::operations::METHODS;
use crate::shared::openapi::pointer::{join, join_index};

/// What kind of object carries a schema and its examples.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CarrierKind {
    /// A parameter object.
    Parameter,
    /// A header object.
    Header,
    /// A media type object (`content/<type>`).
    MediaType,
}

/// An object with `schema` and possibly `example`/`examples`.
pub struct Carrier<'a> {
    /// Its pointer.
    pub pointer: String,
    /// The object.
    pub node: &'a Value,
    /// What it is.
    pub kind: CarrierKind,
}

/// Collected structure of the document.
#[derive(Default)]
pub struct Structure<'a> {
    /// Objects that carry a schema and examples.
    pub carriers: Vec<Carrier<'a>>,
    /// Top-level schema positions (component schemas and `schema` of carriers).
    pub schema_roots: Vec<(String, &'a Value)>,
}

fn is_ref(node: &Value) -> bool {
    node.get("$ref").is_some()
}

impl<'a> Structure<'a> {
    /// Collects carriers and schema roots of the whole document.
    pub fn collect(doc: &'a Value) -> Self {
        let mut s = Structure::default();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                s.path_item(item, &join("#/paths", path), 0);
            }
        }
        if let Some(components) = doc.get("components") {
            let section = |name: &str| components.get(name).and_then(Value::as_object);
            if let Some(schemas) = section("schemas") {
                for (name, schema) in schemas {
                    s.schema_roots
                        .push((join("#/components/schemas", name), schema));
                }
            }
            if let Some(params) = section("parameters") {
                for (name, param) in params {
                    s.parameter(param, &join("#/components/parameters", name));
                }
            }
            if let Some(headers) = section("headers") {
                for (name, header) in headers {
                    s.header(header, &join("#/components/headers", name));
                }
            }
            if let Some(bodies) = section("requestBodies") {
                for (name, body) in bodies {
                    if !is_ref(body) {
                        let p = join(&join("#/components/requestBodies", name), "content");
                        s.content(body.get("content"), &p);
                    }
                }
            }
            if let Some(responses) = section("responses") {
                for (name, response) in responses {
                    s.response(response, &join("#/components/responses", name));
                }
            }
            if let Some(callbacks) = section("callbacks") {
                for (name, callback) in callbacks {
                    s.callback(callback, &join("#/components/callbacks", name), 0);
                }
            }
        }
        s
    }

    fn path_item(&mut self, item: &'a Value, item_ptr: &str, depth: usize) {
        if is_ref(item) || depth > 4 {
            return;
        }
        self.parameters(item.get("parameters"), &join(item_ptr, "parameters"));
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_ptr = join(item_ptr, method);
            self.parameters(op.get("parameters"), &join(&op_ptr, "parameters"));
            if let Some(body) = op.get("requestBody").filter(|b| !is_ref(b)) {
                self.content(
                    body.get("content"),
                    &join(&join(&op_ptr, "requestBody"), "content"),
                );
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                let rp = join(&op_ptr, "responses");
                for (code, response) in responses {
                    self.response(response, &join(&rp, code));
                }
            }
            if let Some(callbacks) = op.get("callbacks").and_then(Value::as_object) {
                let cp = join(&op_ptr, "callbacks");
                for (name, callback) in callbacks {
                    self.callback(callback, &join(&cp, name), depth);
                }
            }
        }
    }

    fn callback(&mut self, callback: &'a Value, pointer: &str, depth: usize) {
        if is_ref(callback) {
            return;
        }
        if let Some(map) = callback.as_object() {
            for (expression, item) in map {
                self.path_item(item, &join(pointer, expression), depth + 1);
            }
        }
    }

    fn parameters(&mut self, list: Option<&'a Value>, pointer: &str) {
        if let Some(items) = list.and_then(Value::as_array) {
            for (i, param) in items.iter().enumerate() {
                self.parameter(param, &join_index(pointer, i));
            }
        }
    }

    fn parameter(&mut self, param: &'a Value, pointer: &str) {
        if is_ref(param) {
            return;
        }
        self.carrier(param, pointer, CarrierKind::Parameter);
        self.content(param.get("content"), &join(pointer, "content"));
    }

    fn header(&mut self, header: &'a Value, pointer: &str) {
        if is_ref(header) {
            return;
        }
        self.carrier(header, pointer, CarrierKind::Header);
        self.content(header.get("content"), &join(pointer, "content"));
    }

    fn carrier(&mut self, node: &'a Value, pointer: &str, kind: CarrierKind) {
        if let Some(schema) = node.get("schema") {
            self.schema_roots.push((join(pointer, "schema"), schema));
        }
        self.carriers.push(Carrier {
            pointer: pointer.to_string(),
            node,
            kind,
        });
    }

    fn content(&mut self, content: Option<&'a Value>, pointer: &str) {
        if let Some(map) = content.and_then(Value::as_object) {
            for (media, node) in map {
                self.carrier(node, &join(pointer, media), CarrierKind::MediaType);
            }
        }
    }

    fn response(&mut self, response: &'a Value, pointer: &str) {
        if is_ref(response) {
            return;
        }
        self.content(response.get("content"), &join(pointer, "content"));
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                self.header(header, &join(&join(pointer, "headers"), name));
            }
        }
    }
}

/// Keywords whose value is a map of subschemas.
const MAP_KEYWORDS: [&str; 1] = ["properties"];
/// Keywords whose value is a list of subschemas.
const LIST_KEYWORDS: [&str; 3] = ["oneOf", "anyOf", "allOf"];
/// Keywords whose value is one subschema.
const ONE_KEYWORDS: [&str; 3] = ["items", "not", "additionalProperties"];

/// Calls `visit` on `schema` and every subschema written inline below it (not through `$ref`).
pub fn each_subschema<'a>(
    schema: &'a Value,
    pointer: &str,
    visit: &mut dyn FnMut(&str, &'a Value),
) {
    if !schema.is_object() {
        return;
    }
    visit(pointer, schema);
    for keyword in MAP_KEYWORDS {
        if let Some(map) = schema.get(keyword).and_then(Value::as_object) {
            let base = join(pointer, keyword);
            for (name, sub) in map {
                each_subschema(sub, &join(&base, name), visit);
            }
        }
    }
    for keyword in LIST_KEYWORDS {
        if let Some(list) = schema.get(keyword).and_then(Value::as_array) {
            let base = join(pointer, keyword);
            for (i, sub) in list.iter().enumerate() {
                each_subschema(sub, &join_index(&base, i), visit);
            }
        }
    }
    for keyword in ONE_KEYWORDS {
        if let Some(sub) = schema.get(keyword) {
            each_subschema(sub, &join(pointer, keyword), visit);
        }
    }
}

/// Every schema node of the document with its pointer, in document order.
pub fn all_schemas<'a>(structure: &Structure<'a>) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    for (pointer, root) in &structure.schema_roots {
        each_subschema(root, pointer, &mut |p, node| {
            out.push((p.to_string(), node))
        });
    }
    out
}

/// Normalises path-parameter names: `/a/{x}/b/{y}` → `/a/{}/b/{}`.
pub fn normalise_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}
