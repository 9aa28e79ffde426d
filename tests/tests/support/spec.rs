//! `spec/qikberry.yaml` as data: the operations with what the tests need to check a call.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Path of the merged spec.
pub fn spec_path() -> PathBuf {
    workspace_root().join("spec").join("qikberry.yaml")
}

/// The spec as JSON.
pub fn load_spec() -> Value {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub schema: Value,
}

/// The request body of an operation.
#[derive(Clone, Debug)]
pub struct ReqBody {
    pub content_type: String,
    pub schema: Value,
    /// Named examples, in spec order.
    pub examples: Vec<(String, Value)>,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    /// `true` when the operation lives under the v3 server.
    pub v3: bool,
    pub params: Vec<Param>,
    pub body: Option<ReqBody>,
    /// Status code of the success response.
    pub success: u16,
    /// Schema of the success JSON body.
    pub response_schema: Option<Value>,
    /// Named examples of the success response, in spec order.
    pub response_examples: Vec<(String, Value)>,
    pub paginated: bool,
}

impl Operation {
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// Follows `$ref`s (recursively) at the top of `v`.
pub fn deref<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let ptr = r.strip_prefix('#').unwrap_or(r);
                v = spec
                    .pointer(ptr)
                    .unwrap_or_else(|| panic!("dangling $ref {r}"));
            }
            None => return v,
        }
    }
    panic!("$ref cycle")
}

fn examples(spec: &Value, media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(Value::Object(map)) = media.get("examples") {
        for (name, ex) in map {
            let ex = deref(spec, ex);
            if let Some(v) = ex.get("value") {
                out.push((name.clone(), v.clone()));
            }
        }
    }
    if let Some(v) = media.get("example") {
        out.push(("example".into(), v.clone()));
    }
    out
}

/// Every operation of the spec, keyed by operationId.
pub fn operations(spec: &Value) -> BTreeMap<String, Operation> {
    let mut out = BTreeMap::new();
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let item = deref(spec, item);
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().expect("operationId").to_owned();
            let mut params: Vec<Param> = Vec::new();
            for p in shared.iter().chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            ) {
                let p = deref(spec, p);
                let name = p["name"].as_str().expect("param name").to_owned();
                let location = p["in"].as_str().expect("param in").to_owned();
                params.retain(|q| !(q.name == name && q.location == location));
                params.push(Param {
                    name,
                    location,
                    required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    schema: deref(spec, &p["schema"]).clone(),
                });
            }
            let body = op.get("requestBody").map(|rb| {
                let rb = deref(spec, rb);
                let (ct, media) = rb["content"]
                    .as_object()
                    .and_then(|m| m.iter().next())
                    .expect("request body content");
                ReqBody {
                    content_type: ct.clone(),
                    schema: deref(spec, &media["schema"]).clone(),
                    examples: examples(spec, media),
                }
            });
            let (success, resp) = op["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .map(|(c, r)| (c.parse::<u16>().expect("status code"), deref(spec, r)))
                .unwrap_or_else(|| panic!("{id}: no 2xx response"));
            let media = resp.pointer("/content/application~1json");
            let v3 = op
                .get("servers")
                .and_then(|s| s[0]["url"].as_str())
                .is_some_and(|u| u.contains("/api/v3"));
            out.insert(
                id.clone(),
                Operation {
                    id,
                    method: method.to_uppercase(),
                    path: path.clone(),
                    v3,
                    params,
                    body,
                    success,
                    response_schema: media.map(|m| deref(spec, &m["schema"]).clone()),
                    response_examples: media.map(|m| examples(spec, m)).unwrap_or_default(),
                    paginated: op.get("x-pagination").is_some(),
                },
            );
        }
    }
    out
}

/// A minimal instance of a schema: required properties only, filled with plain values (used
/// for responses the spec gives no example for).
pub fn minimal_instance(spec: &Value, schema: &Value) -> Value {
    let s = deref(spec, schema);
    if let Some(v) = s.get("example") {
        return v.clone();
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        return e[0].clone();
    }
    if let Some(Value::Array(alts)) = s.get("oneOf").or_else(|| s.get("anyOf")) {
        return minimal_instance(spec, &alts[0]);
    }
    match s.get("type").and_then(Value::as_str) {
        Some("object") | None if s.get("properties").is_some() => {
            let mut m = serde_json::Map::new();
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = r.as_str().expect("required name");
                if let Some(p) = s["properties"].get(name) {
                    m.insert(name.to_owned(), minimal_instance(spec, p));
                }
            }
            Value::Object(m)
        }
        Some("object") => Value::Object(Default::default()),
        Some("array") => Value::Array(vec![]),
        Some("string") => Value::String("x".into()),
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.5),
        Some("boolean") => Value::Bool(true),
        _ => Value::Null,
    }
}

/// The path with `{name}` replaced by `value(name)`.
pub fn fill_path(template: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closing brace") + start;
        out.push_str(&value(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}
