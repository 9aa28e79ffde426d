//! The structural comparison of two OpenAPI documents (as JSON values), `$ref`s resolved.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::rules::{ChangeKind, Direction, Severity, behavioural, classify};
use crate::shared::openapi::{self, pointer::follow, pointer::join, pointer::ref_name};

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Breaking, non-breaking or info.
    pub severity: Severity,
    /// Product (the operation's tag), or `(global)` for servers and security.
    pub product: String,
    /// `METHOD /path (operationId)`, absent for global changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// What changed.
    pub kind: ChangeKind,
    /// JSON pointer of the changed element (into the new spec; into the old one for removals).
    pub pointer: String,
    /// One line for a reviewer.
    pub message: String,
    /// Where inside the operation (`response 200`, `request body`, `callback \`x\` body`), or
    /// empty: `message` without it is the same for every place the change applies to.
    pub within: String,
    /// `true` when no Rust signature changes (the calls behave differently, or only an error
    /// body or the documentation changes); `false` when the generated types change.
    pub behaviour_only: bool,
}

impl Change {
    /// The change without its place: equal for one change applied at many places (the
    /// envelope's `code` of every response), so the report can group them.
    pub fn what(&self) -> &str {
        self.message[self.within.len()..].trim_start_matches(['.', ':', ' '])
    }
}

/// Splits the location prefix (`response 200`, `request body`, `callback `x` body`) off a
/// message; returns its length.
fn within_len(message: &str) -> usize {
    if let Some(rest) = message.strip_prefix("response ") {
        let code = rest.find(['.', ':', ' ', '[', '{']).unwrap_or(rest.len());
        return "response ".len() + code;
    }
    if message.starts_with("request body") {
        return "request body".len();
    }
    if message.starts_with("callback `")
        && let Some(end) = message.find("` body")
    {
        return end + "` body".len();
    }
    0
}

/// Compares `old` and `new`; the result is sorted and free of duplicates.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut cx = Cx {
        old,
        new,
        out: Vec::new(),
    };
    cx.servers();
    cx.security();
    cx.operations();
    let mut out = cx.out;
    out.sort();
    out.dedup();
    out
}

/// The comparison in progress: both documents and the changes found so far.
pub(super) struct Cx<'a> {
    pub(super) old: &'a Value,
    pub(super) new: &'a Value,
    out: Vec<Change>,
}

/// Where the change being reported belongs.
#[derive(Clone)]
pub(super) struct Site {
    product: String,
    operation: Option<String>,
    /// Inside an error response (its body decodes into `Error::Api`) or a callback body (the
    /// events are `qikberry-webhook`'s hand-written types): no generated type changes.
    untyped_body: bool,
}

impl Site {
    fn global() -> Self {
        Site {
            product: "(global)".into(),
            operation: None,
            untyped_body: false,
        }
    }
    fn of(op: &Op) -> Self {
        Site {
            product: op.tag(),
            operation: Some(op.label()),
            untyped_body: false,
        }
    }
}

/// The object under `key` of `value`, or an empty one: absent and empty compare alike.
fn members<'v>(value: &'v Value, key: &str) -> &'v serde_json::Map<String, Value> {
    static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
        std::sync::LazyLock::new(serde_json::Map::new);
    value.get(key).and_then(Value::as_object).unwrap_or(&EMPTY)
}

/// `/sms/senders/{sender_id}` → `/sms/senders/{}`: parameter names don't change the endpoint.
fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for ch in path.chars() {
        match ch {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            _ => out.push(ch),
        }
    }
    out
}

struct Op<'v> {
    method: String,
    path: String,
    item: &'v Value,
    op: &'v Value,
}

impl Op<'_> {
    fn id(&self) -> &str {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    fn tag(&self) -> String {
        self.op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or("(untagged)")
            .to_string()
    }
    fn label(&self) -> String {
        format!(
            "{} {} ({})",
            self.method.to_uppercase(),
            self.path,
            self.id()
        )
    }
    fn pointer(&self) -> String {
        join(&join("#/paths", &self.path), &self.method)
    }
    fn key(&self) -> (String, String) {
        (self.method.clone(), normalize_path(&self.path))
    }
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    openapi::operations(doc)
        .into_iter()
        .map(|o| Op {
            method: o.method.to_string(),
            path: o.path.to_string(),
            item: o.item,
            op: o.node,
        })
        .collect()
}

fn describe_type(doc: &Value, schema: &Value) -> String {
    let schema = follow(doc, schema);
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        if t == "array" {
            let items = schema
                .get("items")
                .map(|i| describe_type(doc, i))
                .unwrap_or_else(|| "any".into());
            return format!("array of {items}");
        }
        return match schema.get("format").and_then(Value::as_str) {
            Some(f) => format!("{t} ({f})"),
            None => t.to_string(),
        };
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = list.iter().map(|s| describe_type(doc, s)).collect();
            return format!("{key}[{}]", parts.join(" | "));
        }
    }
    if schema.get("properties").is_some() {
        return "object".into();
    }
    "any".into()
}

/// The JSON type shape of a schema for type-change detection: `type`, or the composition keyword.
fn type_shape(doc: &Value, schema: &Value) -> String {
    let schema = follow(doc, schema);
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return t.to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if key == "oneOf" && required_lists(schema).is_some() {
            continue;
        }
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            let scalar = list.iter().all(|s| {
                let s = follow(doc, s);
                matches!(
                    s.get("type").and_then(Value::as_str),
                    Some("string" | "integer" | "number" | "boolean")
                )
            });
            if scalar {
                let mut types: Vec<&str> = list
                    .iter()
                    .filter_map(|s| follow(doc, s).get("type").and_then(Value::as_str))
                    .collect();
                types.sort_unstable();
                types.dedup();
                return types.join("|");
            }
            return key.to_string();
        }
    }
    if schema.get("properties").is_some() {
        return "object".into();
    }
    String::new()
}

/// The property lists of a `oneOf` whose members only list `required` properties (`oneOf:
/// [{required: [alias]}, {required: [id]}]`): a constraint on the object, not a choice of types.
pub(super) fn required_lists(schema: &Value) -> Option<BTreeSet<Vec<String>>> {
    let list = schema.get("oneOf")?.as_array()?;
    let constraint_only = |m: &Value| {
        m.as_object()
            .is_some_and(|o| o.contains_key("required") && o.keys().all(|k| k == "required"))
    };
    if list.is_empty() || !list.iter().all(constraint_only) {
        return None;
    }
    Some(
        list.iter()
            .map(|m| required_set(m).into_iter().collect())
            .collect(),
    )
}

fn enum_values(schema: &Value) -> Option<Vec<String>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().map(|v| v.to_string()).collect())
}

fn required_set(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn is_nullable(doc: &Value, schema: &Value) -> bool {
    follow(doc, schema)
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn variant_labels<'v>(doc: &Value, list: &'v [Value]) -> BTreeMap<String, (usize, &'v Value)> {
    list.iter()
        .enumerate()
        .map(|(i, v)| (variant_label(doc, v, i), (i, v)))
        .collect()
}

/// A label for a oneOf variant that survives reordering: its title, its `$ref` name, or its index.
fn variant_label(doc: &Value, variant: &Value, index: usize) -> String {
    if let Some(title) = follow(doc, variant).get("title").and_then(Value::as_str) {
        return title.to_string();
    }
    if let Some(name) = ref_name(variant) {
        return name.to_string();
    }
    format!("#{index}")
}

/// The parameters an operation takes, keyed `in:name` (path ones by position), each with its
/// pointer. Path-level parameters apply to every operation of the path; operation-level ones win.
fn collect_parameters<'v>(doc: &'v Value, op: &Op<'v>) -> BTreeMap<String, (&'v Value, String)> {
    let mut by_key: BTreeMap<(String, String), (&'v Value, String)> = BTreeMap::new();
    let mut path_index = 0usize;
    let mut add = |list: Option<&'v Value>, base: String| {
        for (i, p) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let p = follow(doc, p);
            let location = p
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if location == "path" {
                // Path parameters are matched by position, not by name.
                name = format!("#{path_index}");
                path_index += 1;
            }
            by_key.insert((location, name), (p, format!("{base}/{i}")));
        }
    };
    add(
        op.item.get("parameters"),
        format!("{}/parameters", join("#/paths", &op.path)),
    );
    add(
        op.op.get("parameters"),
        format!("{}/parameters", op.pointer()),
    );
    let listed: Vec<(String, &'v Value, String)> = by_key
        .into_iter()
        .map(|((l, name), (p, pointer))| (format!("{l}:{name}"), p, pointer))
        .collect();
    listed
        .into_iter()
        .map(|(k, p, ptr)| (k, (p, ptr)))
        .collect()
}

/// A callback's `METHOD expression` pairs, sorted: where and how the platform pushes the event.
fn callback_shape(cb: &Value) -> Vec<String> {
    let mut out: Vec<String> = cb
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(expr, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(m, _)| format!("{} {expr}", m.to_uppercase()))
        })
        .collect();
    out.sort();
    out
}

/// How messages name a parameter: its location, then its name in backticks.
fn parameter_name(p: &Value) -> String {
    format!(
        "{} parameter `{}`",
        p.get("in").and_then(Value::as_str).unwrap_or("?"),
        p.get("name").and_then(Value::as_str).unwrap_or("?")
    )
}

/// Whether a parameter is marked `required: true`.
fn parameter_required(p: &Value) -> bool {
    p.get("required").and_then(Value::as_bool).unwrap_or(false)
}

/// The pointer to report a schema's changes under: that of the schema actually defining the
/// element. Following a `$ref` moves the pointer into `#/components/...`, so it resolves in the
/// document.
fn defining_pointer(o: &Value, n: &Value, ptr: &str) -> String {
    let followed = n
        .get("$ref")
        .or_else(|| o.get("$ref"))
        .and_then(Value::as_str)
        .filter(|r| r.starts_with("#/"));
    followed
        .map(str::to_string)
        .unwrap_or_else(|| ptr.to_string())
}

impl<'a> Cx<'a> {
    pub(super) fn push(
        &mut self,
        site: &Site,
        kind: ChangeKind,
        direction: Option<Direction>,
        pointer: String,
        message: String,
    ) {
        self.out.push(Change {
            severity: classify(kind, direction),
            product: site.product.clone(),
            operation: site.operation.clone(),
            kind,
            pointer,
            within: message[..within_len(&message)].to_string(),
            message,
            behaviour_only: site.untyped_body || behavioural(kind),
        });
    }

    fn servers(&mut self) {
        let list = |doc: &'a Value| -> Vec<&'a Value> {
            doc.get("servers")
                .and_then(Value::as_array)
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        };
        self.server_lists(&Site::global(), list(self.old), list(self.new), "#/servers");
    }

    fn server_lists(&mut self, site: &Site, old: Vec<&Value>, new: Vec<&Value>, pointer: &str) {
        let url = |s: &Value| {
            s.get("url")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        for (i, o) in old.iter().enumerate() {
            match new.get(i) {
                None => self.push(
                    site,
                    ChangeKind::ServerRemoved,
                    None,
                    format!("{pointer}/{i}"),
                    format!("server `{}` removed", url(o)),
                ),
                Some(n) if **n != **o => {
                    let detail = if url(o) != url(n) {
                        format!("server {i}: `{}` → `{}`", url(o), url(n))
                    } else {
                        format!("server `{}`: variables changed", url(n))
                    };
                    self.push(
                        site,
                        ChangeKind::ServerChanged,
                        None,
                        format!("{pointer}/{i}"),
                        detail,
                    );
                }
                Some(_) => {}
            }
        }
        for (i, n) in new.iter().enumerate().skip(old.len()) {
            self.push(
                site,
                ChangeKind::ServerAdded,
                None,
                format!("{pointer}/{i}"),
                format!("server `{}` added", url(n)),
            );
        }
    }

    fn security(&mut self) {
        let schemes = |doc: &'a Value| {
            doc.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .map(|m| m.iter().collect::<BTreeMap<_, _>>())
                .unwrap_or_default()
        };
        let (old, new) = (schemes(self.old), schemes(self.new));
        let site = Site::global();
        for (name, o) in &old {
            let pointer = join("#/components/securitySchemes", name);
            match new.get(name) {
                None => self.push(
                    &site,
                    ChangeKind::SecuritySchemeRemoved,
                    None,
                    pointer,
                    format!("security scheme `{name}` removed"),
                ),
                Some(n) => {
                    let key = |v: &Value| {
                        ["type", "scheme", "in", "name", "bearerFormat"]
                            .iter()
                            .map(|k| v.get(*k).cloned().unwrap_or(Value::Null))
                            .collect::<Vec<_>>()
                    };
                    if key(o) != key(n) {
                        self.push(
                            &site,
                            ChangeKind::SecuritySchemeChanged,
                            None,
                            pointer,
                            format!("security scheme `{name}` now travels differently"),
                        );
                    }
                }
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(
                &site,
                ChangeKind::SecuritySchemeAdded,
                None,
                join("#/components/securitySchemes", name),
                format!("security scheme `{name}` added"),
            );
        }
        if self.old.get("security") != self.new.get("security") {
            self.push(
                &site,
                ChangeKind::SecurityRequirementChanged,
                None,
                "#/security".into(),
                "global security requirement changed".into(),
            );
        }
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        let old_by_key: BTreeMap<_, _> = old_ops.iter().map(|o| (o.key(), o)).collect();
        let new_by_key: BTreeMap<_, _> = new_ops.iter().map(|o| (o.key(), o)).collect();
        let new_by_id: BTreeMap<&str, &Op> = new_ops
            .iter()
            .filter(|o| !o.id().is_empty())
            .map(|o| (o.id(), o))
            .collect();
        let old_by_id: BTreeMap<&str, &Op> = old_ops
            .iter()
            .filter(|o| !o.id().is_empty())
            .map(|o| (o.id(), o))
            .collect();

        for (key, old_op) in &old_by_key {
            if let Some(new_op) = new_by_key.get(key) {
                self.operation_pair(old_op, new_op);
            } else if let Some(moved) = new_by_id
                .get(old_op.id())
                .filter(|n| !old_by_key.contains_key(&n.key()))
            {
                let site = Site::of(moved);
                self.push(
                    &site,
                    ChangeKind::OperationMoved,
                    None,
                    moved.pointer(),
                    format!(
                        "`{}` moved from {} {} to {} {}",
                        old_op.id(),
                        old_op.method.to_uppercase(),
                        old_op.path,
                        moved.method.to_uppercase(),
                        moved.path
                    ),
                );
                self.operation_pair(old_op, moved);
            } else {
                let site = Site::of(old_op);
                self.push(
                    &site,
                    ChangeKind::OperationRemoved,
                    None,
                    old_op.pointer(),
                    "operation removed".into(),
                );
            }
        }
        for (key, new_op) in &new_by_key {
            if old_by_key.contains_key(key) {
                continue;
            }
            let moved_here = old_by_id
                .get(new_op.id())
                .is_some_and(|o| !new_by_key.contains_key(&o.key()));
            if !moved_here {
                let site = Site::of(new_op);
                self.push(
                    &site,
                    ChangeKind::OperationAdded,
                    None,
                    new_op.pointer(),
                    "operation added".into(),
                );
            }
        }
    }

    /// Compares one operation present on both sides, step by step.
    fn operation_pair(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let site = Site::of(n);
        let ptr = n.pointer();
        self.operation_identity(&site, o, n, &ptr);
        self.operation_path_inferred(&site, o, n, &ptr);
        self.operation_pagination(&site, o, n, &ptr);
        self.operation_servers_security(&site, o, n, &ptr);
        self.parameters(&site, o, n);
        self.request_body(&site, o, n, &ptr);
        self.responses(&site, o, n, &ptr);
        self.callbacks(&site, o, n, &ptr);
        self.operation_extensions(&site, (o.op, n.op), (&o.method, &n.method), &ptr);
    }

    /// Reports a changed operationId and a changed product (first tag).
    fn operation_identity(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        if o.id() != n.id() {
            self.push(
                site,
                ChangeKind::OperationRenamed,
                None,
                join(ptr, "operationId"),
                format!("operationId `{}` → `{}`", o.id(), n.id()),
            );
        }
        if o.tag() != n.tag() {
            self.push(
                site,
                ChangeKind::OperationProductChanged,
                None,
                join(ptr, "tags"),
                format!("product `{}` → `{}`", o.tag(), n.tag()),
            );
        }
    }

    /// Reports a path that became confirmed or became marked `x-path-inferred`.
    fn operation_path_inferred(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        let inferred = |op: &Op| {
            op.op
                .get("x-path-inferred")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        match (inferred(o), inferred(n)) {
            (true, false) => self.push(
                site,
                ChangeKind::PathConfirmed,
                None,
                ptr.to_string(),
                format!(
                    "path confirmed (x-source `{}`)",
                    n.op.get("x-source").and_then(Value::as_str).unwrap_or("?")
                ),
            ),
            (false, true) => self.push(
                site,
                ChangeKind::PathBecameInferred,
                None,
                ptr.to_string(),
                "path is now marked inferred".into(),
            ),
            _ => {}
        }
    }

    /// Reports `x-pagination` added to or removed from the operation.
    fn operation_pagination(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        let paginated = |op: &Op| op.op.get("x-pagination").is_some();
        match (paginated(o), paginated(n)) {
            (false, true) => self.push(
                site,
                ChangeKind::PaginationAdded,
                None,
                join(ptr, "x-pagination"),
                "operation became paginated".into(),
            ),
            (true, false) => self.push(
                site,
                ChangeKind::PaginationRemoved,
                None,
                ptr.to_string(),
                "operation is no longer paginated".into(),
            ),
            _ => {}
        }
    }

    /// Compares operation-level servers and the operation's security requirement.
    fn operation_servers_security(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        // Operation-level servers (the v3 token endpoints) are compared like the global ones.
        let (os, ns): (Vec<Value>, Vec<Value>) = (
            o.op.get("servers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            n.op.get("servers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        self.server_lists(
            site,
            os.iter().collect(),
            ns.iter().collect(),
            &join(ptr, "servers"),
        );
        if o.op.get("security") != n.op.get("security") {
            self.push(
                site,
                ChangeKind::SecurityRequirementChanged,
                None,
                join(ptr, "security"),
                "operation security requirement changed".into(),
            );
        }
    }

    /// Compares the callbacks (webhook pushes) as whole events: added, removed, or pushed to
    /// another expression or method; then the bodies of the events both sides declare. The
    /// platform sends them and the `webhook` module parses them, so they are judged as responses.
    fn callbacks(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        let (oc, nc) = (members(o.op, "callbacks"), members(n.op, "callbacks"));
        let cbs = join(ptr, "callbacks");
        for (name, ocb) in oc {
            let Some(ncb) = nc.get(name) else {
                let at = join(&join(&o.pointer(), "callbacks"), name);
                self.push(
                    site,
                    ChangeKind::CallbackRemoved,
                    None,
                    at,
                    format!("callback `{name}` removed"),
                );
                continue;
            };
            let (ocb, ncb) = (follow(self.old, ocb), follow(self.new, ncb));
            let cbptr = join(&cbs, name);
            if callback_shape(ocb) != callback_shape(ncb) {
                let (a, b) = (
                    callback_shape(ocb).join(", "),
                    callback_shape(ncb).join(", "),
                );
                let msg = format!("callback `{name}`: pushed as {a} → {b}");
                self.push(site, ChangeKind::CallbackChanged, None, cbptr.clone(), msg);
            }
            for (expr, oitem) in ocb.as_object().into_iter().flatten() {
                let Some(nitem) = ncb.get(expr) else { continue };
                for (method, oop) in oitem.as_object().into_iter().flatten() {
                    let Some(nop) = nitem.get(method) else {
                        continue;
                    };
                    let body = |doc: &'a Value, op: &'a Value| {
                        op.get("requestBody").map(|b| follow(doc, b))
                    };
                    if let (Some(ob), Some(nb)) = (body(self.old, oop), body(self.new, nop)) {
                        let bptr = join(&join(&join(&cbptr, expr), method), "requestBody");
                        let what = format!("callback `{name}` body");
                        let body_site = Site {
                            untyped_body: true,
                            ..site.clone()
                        };
                        self.content(&body_site, Direction::Response, ob, nb, &bptr, &what);
                    }
                }
            }
        }
        for name in nc.keys().filter(|k| !oc.contains_key(*k)) {
            let at = join(&cbs, name);
            self.push(
                site,
                ChangeKind::CallbackAdded,
                None,
                at,
                format!("callback `{name}` added"),
            );
        }
    }

    /// Compares the parameters of one operation: removed and changed ones, then added ones.
    fn parameters(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>) {
        let old = collect_parameters(self.old, o);
        let new = collect_parameters(self.new, n);
        for (key, (op_, optr)) in &old {
            match new.get(key) {
                None => self.push(
                    site,
                    ChangeKind::ParameterRemoved,
                    None,
                    optr.clone(),
                    format!("{} removed", parameter_name(op_)),
                ),
                Some((np, nptr)) => self.parameter_pair(site, op_, np, nptr),
            }
        }
        for (key, (np, nptr)) in &new {
            if !old.contains_key(key) {
                let kind = if parameter_required(np) {
                    ChangeKind::RequiredParameterAdded
                } else {
                    ChangeKind::OptionalParameterAdded
                };
                let what = if parameter_required(np) {
                    "required"
                } else {
                    "optional"
                };
                self.push(
                    site,
                    kind,
                    None,
                    nptr.clone(),
                    format!("{} added ({what})", parameter_name(np)),
                );
            }
        }
    }

    /// Compares one parameter present on both sides: requiredness, filter group, schema.
    fn parameter_pair(&mut self, site: &Site, op_: &Value, np: &Value, nptr: &str) {
        match (parameter_required(op_), parameter_required(np)) {
            (false, true) => self.push(
                site,
                ChangeKind::ParameterBecameRequired,
                None,
                nptr.to_string(),
                format!("{} became required", parameter_name(np)),
            ),
            (true, false) => self.push(
                site,
                ChangeKind::ParameterBecameOptional,
                None,
                nptr.to_string(),
                format!("{} became optional", parameter_name(np)),
            ),
            _ => {}
        }
        self.parameter_extensions(site, (op_, np), nptr, &parameter_name(np));
        let group = |p: &Value| p.get("x-filter-group").cloned();
        if group(op_) != group(np) {
            self.push(
                site,
                ChangeKind::ParameterFilterGroupChanged,
                None,
                nptr.to_string(),
                format!(
                    "{}: filter group {} → {}",
                    parameter_name(np),
                    group(op_).unwrap_or(Value::Null),
                    group(np).unwrap_or(Value::Null)
                ),
            );
        }
        if let (Some(os), Some(ns)) = (op_.get("schema"), np.get("schema")) {
            let mut seen = HashSet::new();
            self.schema(
                site,
                Direction::Request,
                os,
                ns,
                &join(nptr, "schema"),
                &parameter_name(np),
                false,
                &mut seen,
            );
        }
    }

    fn request_body(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        let body = |doc: &'a Value, op: &Op<'a>| op.op.get("requestBody").map(|b| follow(doc, b));
        let bptr = join(ptr, "requestBody");
        match (body(self.old, o), body(self.new, n)) {
            (None, None) => {}
            (Some(_), None) => self.push(
                site,
                ChangeKind::RequestBodyRemoved,
                None,
                join(&o.pointer(), "requestBody"),
                "request body removed".into(),
            ),
            (None, Some(_)) => self.push(
                site,
                ChangeKind::RequestBodyAdded,
                None,
                bptr,
                "request body added".into(),
            ),
            (Some(ob), Some(nb)) => {
                let req = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
                if req(ob) != req(nb) {
                    let what = if req(nb) { "required" } else { "optional" };
                    self.push(
                        site,
                        ChangeKind::RequestBodyRequirednessChanged,
                        None,
                        bptr.clone(),
                        format!("request body became {what}"),
                    );
                }
                self.content(site, Direction::Request, ob, nb, &bptr, "request body");
            }
        }
    }

    fn content(
        &mut self,
        site: &Site,
        dir: Direction,
        o: &Value,
        n: &Value,
        ptr: &str,
        what: &str,
    ) {
        let oc = members(o, "content");
        let nc = members(n, "content");
        let cptr = join(ptr, "content");
        for (media, om) in oc {
            let mptr = join(&cptr, media);
            match nc.get(media) {
                None => self.push(
                    site,
                    ChangeKind::ContentTypeRemoved,
                    Some(dir),
                    mptr,
                    format!("{what}: content type `{media}` removed"),
                ),
                Some(nm) => {
                    if let (Some(os), Some(ns)) = (om.get("schema"), nm.get("schema")) {
                        let mut seen = HashSet::new();
                        self.schema(
                            site,
                            dir,
                            os,
                            ns,
                            &join(&mptr, "schema"),
                            what,
                            false,
                            &mut seen,
                        );
                    }
                }
            }
        }
        for media in nc.keys().filter(|m| !oc.contains_key(*m)) {
            self.push(
                site,
                ChangeKind::ContentTypeAdded,
                Some(dir),
                join(&cptr, media),
                format!("{what}: content type `{media}` added"),
            );
        }
    }

    /// Compares the responses by status code, error ones like success ones (their bodies decode
    /// into `Error::Api`, so a change there alters what callers read from it, not a Rust type).
    /// A code removed while its range (`500` → `5XX`) appears is compared with the range.
    fn responses(&mut self, site: &Site, o: &Op<'a>, n: &Op<'a>, ptr: &str) {
        let (or, nr) = (members(o.op, "responses"), members(n.op, "responses"));
        let rptr = join(ptr, "responses");
        for (code, oresp) in or {
            let range = format!("{}XX", &code[..1.min(code.len())]);
            let (ncode, nresp) = match nr.get(code) {
                Some(r) => (code.as_str(), Some(r)),
                None => (
                    range.as_str(),
                    nr.get(&range).filter(|_| !or.contains_key(&range)),
                ),
            };
            if ncode != code || nresp.is_none() {
                let kind = if code.starts_with('2') {
                    ChangeKind::SuccessStatusCodeRemoved
                } else {
                    ChangeKind::ErrorStatusCodeRemoved
                };
                self.push(
                    site,
                    kind,
                    Some(Direction::Response),
                    join(&join(&o.pointer(), "responses"), code),
                    format!("status {code} removed"),
                );
            }
            let Some(nresp) = nresp else { continue };
            let (oresp, nresp) = (follow(self.old, oresp), follow(self.new, nresp));
            let site = &Site {
                untyped_body: !code.starts_with('2'),
                ..site.clone()
            };
            let cptr = join(&rptr, ncode);
            self.inferred_mark(
                site,
                Some(Direction::Response),
                (oresp, nresp),
                &cptr,
                &format!("response {code}"),
            );
            self.content(
                site,
                Direction::Response,
                oresp,
                nresp,
                &cptr,
                &format!("response {code}"),
            );
        }
        for code in nr.keys().filter(|c| !or.contains_key(*c)) {
            self.push(
                site,
                ChangeKind::StatusCodeAdded,
                Some(Direction::Response),
                join(&rptr, code),
                format!("status {code} added"),
            );
        }
    }

    /// Compares two schemas in `dir`. `seen` breaks recursion through self-referencing `$ref`s.
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &mut self,
        site: &Site,
        dir: Direction,
        o: &Value,
        n: &Value,
        ptr: &str,
        what: &str,
        _nested: bool,
        seen: &mut HashSet<(String, String)>,
    ) {
        if let (Some(a), Some(b)) = (
            o.get("$ref").and_then(Value::as_str),
            n.get("$ref").and_then(Value::as_str),
        ) && !seen.insert((a.to_string(), b.to_string()))
        {
            return;
        }
        let ptr = &defining_pointer(o, n, ptr);
        let (old_doc, new_doc) = (self.old, self.new);
        let (os, ns) = (follow(old_doc, o), follow(new_doc, n));
        let (ot, nt) = (type_shape(old_doc, os), type_shape(new_doc, ns));
        if ot != nt {
            self.push(
                site,
                ChangeKind::TypeChanged,
                Some(dir),
                ptr.to_string(),
                format!(
                    "{what}: type {} → {}",
                    describe_type(old_doc, os),
                    describe_type(new_doc, ns)
                ),
            );
            return;
        }
        self.schema_format(site, dir, os, ns, ptr, what);
        self.schema_enum(site, dir, os, ns, ptr, what);
        self.schema_extensions(site, dir, (os, ns), ptr, what);
        self.required_alternatives(site, dir, (os, ns), ptr, what);
        self.schema_containers(site, dir, os, ns, ptr, what, seen);
        self.schema_compositions(site, dir, os, ns, ptr, what, seen);
        self.properties(site, dir, os, ns, ptr, what, seen);
    }

    /// Reports a changed `format` of two resolved schemas.
    fn schema_format(
        &mut self,
        site: &Site,
        dir: Direction,
        os: &Value,
        ns: &Value,
        ptr: &str,
        what: &str,
    ) {
        let fmt = |s: &Value| s.get("format").and_then(Value::as_str).map(str::to_string);
        if fmt(os) != fmt(ns) {
            self.push(
                site,
                ChangeKind::FormatChanged,
                Some(dir),
                ptr.to_string(),
                format!(
                    "{what}: format {} → {}",
                    fmt(os).unwrap_or("none".into()),
                    fmt(ns).unwrap_or("none".into())
                ),
            );
        }
    }

    /// Reports enum values removed or added, and an enum restriction added or dropped.
    fn schema_enum(
        &mut self,
        site: &Site,
        dir: Direction,
        os: &Value,
        ns: &Value,
        ptr: &str,
        what: &str,
    ) {
        match (enum_values(os), enum_values(ns)) {
            (Some(a), Some(b)) => {
                for v in a.iter().filter(|v| !b.contains(v)) {
                    self.push(
                        site,
                        ChangeKind::EnumValueRemoved,
                        Some(dir),
                        join(ptr, "enum"),
                        format!("{what}: enum value {v} removed"),
                    );
                }
                for v in b.iter().filter(|v| !a.contains(v)) {
                    // The generator names the variant `UnknownValue`: `Unknown` is the catch-all.
                    let catch_all = v.trim_matches('"').eq_ignore_ascii_case("unknown");
                    self.push(
                        site,
                        if catch_all {
                            ChangeKind::EnumValueAddedNamedLikeCatchAll
                        } else {
                            ChangeKind::EnumValueAdded
                        },
                        Some(dir),
                        join(ptr, "enum"),
                        format!("{what}: enum value {v} added"),
                    );
                }
            }
            (None, Some(_)) => self.push(
                site,
                ChangeKind::EnumAdded,
                Some(dir),
                join(ptr, "enum"),
                format!("{what}: now restricted to an enum"),
            ),
            (Some(_), None) => self.push(
                site,
                ChangeKind::EnumRemoved,
                Some(dir),
                ptr.to_string(),
                format!("{what}: no longer an enum"),
            ),
            (None, None) => {}
        }
    }

    /// Recurses into array `items` and object-valued `additionalProperties` present on both sides.
    #[allow(clippy::too_many_arguments)]
    fn schema_containers(
        &mut self,
        site: &Site,
        dir: Direction,
        os: &Value,
        ns: &Value,
        ptr: &str,
        what: &str,
        seen: &mut HashSet<(String, String)>,
    ) {
        if let (Some(oi), Some(ni)) = (os.get("items"), ns.get("items")) {
            self.schema(
                site,
                dir,
                oi,
                ni,
                &join(ptr, "items"),
                &format!("{what}[]"),
                true,
                seen,
            );
        }
        if let (Some(oa), Some(na)) = (
            os.get("additionalProperties").filter(|v| v.is_object()),
            ns.get("additionalProperties").filter(|v| v.is_object()),
        ) {
            self.schema(
                site,
                dir,
                oa,
                na,
                &join(ptr, "additionalProperties"),
                &format!("{what}{{*}}"),
                true,
                seen,
            );
        }
    }

    /// Compares `oneOf`/`anyOf` variants and discriminators, then `allOf` members by position.
    #[allow(clippy::too_many_arguments)]
    fn schema_compositions(
        &mut self,
        site: &Site,
        dir: Direction,
        os: &Value,
        ns: &Value,
        ptr: &str,
        what: &str,
        seen: &mut HashSet<(String, String)>,
    ) {
        for key in ["oneOf", "anyOf"] {
            if let (Some(ol), Some(nl)) = (
                os.get(key).and_then(Value::as_array),
                ns.get(key).and_then(Value::as_array),
            ) && required_lists(os).is_none()
                && required_lists(ns).is_none()
            {
                self.variants(site, dir, (ol, nl), key, ptr, what, seen);
                let disc = |s: &Value| {
                    s.get("discriminator")
                        .map(|d| d.get("propertyName").cloned())
                };
                if disc(os) != disc(ns) {
                    self.push(
                        site,
                        ChangeKind::DiscriminatorChanged,
                        Some(dir),
                        join(ptr, "discriminator"),
                        format!("{what}: discriminator changed"),
                    );
                }
            }
        }
        if let (Some(ol), Some(nl)) = (
            os.get("allOf").and_then(Value::as_array),
            ns.get("allOf").and_then(Value::as_array),
        ) {
            self.all_of(site, dir, (ol, nl), ptr, what, seen);
        }
    }

    /// Compares `allOf` members matched by title, `$ref` name or position: members added and
    /// removed, and the members both sides have.
    #[allow(clippy::too_many_arguments)]
    fn all_of(
        &mut self,
        site: &Site,
        dir: Direction,
        lists: (&Vec<Value>, &Vec<Value>),
        ptr: &str,
        what: &str,
        seen: &mut HashSet<(String, String)>,
    ) {
        let (old_doc, new_doc) = (self.old, self.new);
        let (om, nm) = (
            variant_labels(old_doc, lists.0),
            variant_labels(new_doc, lists.1),
        );
        let lptr = join(ptr, "allOf");
        for (name, (oi, ov)) in &om {
            match nm.get(name) {
                None => self.push(
                    site,
                    ChangeKind::AllOfMemberRemoved,
                    Some(dir),
                    join(&lptr, &oi.to_string()),
                    format!("{what}: allOf member `{name}` removed"),
                ),
                Some((ni, nv)) => {
                    let at = join(&lptr, &ni.to_string());
                    self.schema(site, dir, ov, nv, &at, what, true, seen)
                }
            }
        }
        for (name, (ni, _)) in nm.iter().filter(|(k, _)| !om.contains_key(*k)) {
            self.push(
                site,
                ChangeKind::AllOfMemberAdded,
                Some(dir),
                join(&lptr, &ni.to_string()),
                format!("{what}: allOf member `{name}` added"),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn variants(
        &mut self,
        site: &Site,
        dir: Direction,
        lists: (&Vec<Value>, &Vec<Value>),
        key: &str,
        ptr: &str,
        what: &str,
        seen: &mut HashSet<(String, String)>,
    ) {
        let (ol, nl) = lists;
        let (old_doc, new_doc) = (self.old, self.new);
        let (om, nm) = (variant_labels(old_doc, ol), variant_labels(new_doc, nl));
        let lptr = join(ptr, key);
        for (name, (_, ov)) in &om {
            match nm.get(name) {
                None => self.push(
                    site,
                    ChangeKind::OneOfVariantRemoved,
                    Some(dir),
                    lptr.clone(),
                    format!("{what}: variant `{name}` removed"),
                ),
                Some((ni, nv)) => self.schema(
                    site,
                    dir,
                    ov,
                    nv,
                    &join(&lptr, &ni.to_string()),
                    &format!("{what} ({name})"),
                    true,
                    seen,
                ),
            }
        }
        for (name, (ni, _)) in &nm {
            if !om.contains_key(name) {
                self.push(
                    site,
                    ChangeKind::OneOfVariantAdded,
                    Some(dir),
                    join(&lptr, &ni.to_string()),
                    format!("{what}: variant `{name}` added"),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn properties(
        &mut self,
        site: &Site,
        dir: Direction,
        os: &Value,
        ns: &Value,
        ptr: &str,
        what: &str,
        seen: &mut HashSet<(String, String)>,
    ) {
        let op = members(os, "properties");
        let np = members(ns, "properties");
        if op.is_empty() && np.is_empty() {
            return;
        }
        let (oreq, nreq) = (required_set(os), required_set(ns));
        let (old_doc, new_doc) = (self.old, self.new);
        let pptr = join(ptr, "properties");
        for (name, oschema) in op {
            let field = format!("{what}.{name}");
            match np.get(name) {
                None => self.push(
                    site,
                    ChangeKind::PropertyRemoved,
                    Some(dir),
                    join(&pptr, name),
                    format!("{field} removed"),
                ),
                Some(nschema) => {
                    // The generated field is `Option<T>` when not required or nullable.
                    let o_opt = !oreq.contains(name) || is_nullable(old_doc, oschema);
                    let n_opt = !nreq.contains(name) || is_nullable(new_doc, nschema);
                    let fptr = join(&pptr, name);
                    match (o_opt, n_opt) {
                        (false, true) => self.push(
                            site,
                            ChangeKind::PropertyBecameOptional,
                            Some(dir),
                            fptr.clone(),
                            format!("{field} became optional"),
                        ),
                        (true, false) => self.push(
                            site,
                            ChangeKind::PropertyBecameRequired,
                            Some(dir),
                            fptr.clone(),
                            format!("{field} became required"),
                        ),
                        _ if oreq.contains(name) != nreq.contains(name) => self.push(
                            site,
                            ChangeKind::RequirednessChangedWithoutTypeChange,
                            Some(dir),
                            fptr.clone(),
                            format!("{field}: `required` changed on a nullable field"),
                        ),
                        _ => {}
                    }
                    self.schema(site, dir, oschema, nschema, &fptr, &field, true, seen);
                }
            }
        }
        for (name, nschema) in np {
            if op.contains_key(name) {
                continue;
            }
            let must = nreq.contains(name) && !is_nullable(new_doc, nschema);
            let kind = if must {
                ChangeKind::RequiredPropertyAdded
            } else {
                ChangeKind::OptionalPropertyAdded
            };
            let how = if must { "required" } else { "optional" };
            self.push(
                site,
                kind,
                Some(dir),
                join(&pptr, name),
                format!("{what}.{name} added ({how})"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_path_drops_parameter_names() {
        assert_eq!(normalize_path("/a/{id}/b/{x_y}"), "/a/{}/b/{}");
    }

    #[test]
    fn callback_body_changes_are_reported_as_responses() {
        let spec = |status: serde_json::Value| {
            serde_json::json!({"paths": {"/webhooks": {"post": {
                "operationId": "webhooks_create", "tags": ["webhooks"],
                "responses": {"200": {"description": "ok"}},
                "callbacks": {"status": {"{$request.body#/uri}": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"status": status}}}}},
                    "responses": {"200": {"description": "ok"}}}}}}}}}})
        };
        let old = spec(serde_json::json!({"type": "string"}));
        let new = spec(serde_json::json!({"type": "integer"}));
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let pointer = &changes[0].pointer;
        assert!(pointer.contains("/callbacks/status/"), "{pointer}");
        assert!(diff(&old, &old).is_empty());
    }
}
