//! The `x-` extensions the generator and the client read, compared as decisions: each one
//! changes what a call does (`x-idempotent`, `x-rate-limit`, `x-secret`), a Rust type
//! (`x-exactly-one-of`, `x-enum-varnames`, `x-lenient-scalar`, `x-rust-type`), how a body is
//! decoded (`x-untagged`), a paginated stream (`x-pagination`) or the rustdoc (`x-inferred`).
//! `x-filter-group` and `x-path-inferred` are compared with the parameters and the operation.
//! Also the `oneOf` of `required` lists, the constraint that `x-exactly-one-of` turns into a type.

use serde_json::Value;

use super::compare::{Cx, Site, required_lists};
use super::rules::{ChangeKind, Direction};
use crate::shared::openapi::pointer::join;

/// `x-<name>` of `v`, `null` when absent.
fn ext<'v>(v: &'v Value, name: &str) -> &'v Value {
    v.get(name).unwrap_or(&Value::Null)
}

/// Short form of an extension value for a message (`absent` when missing).
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "absent".into(),
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// Whether the client retries the operation: `x-idempotent`, else the HTTP method's meaning.
fn idempotent(op: &Value, method: &str) -> bool {
    ext(op, "x-idempotent").as_bool().unwrap_or(matches!(
        method,
        "get" | "head" | "put" | "delete" | "options"
    ))
}

impl Cx<'_> {
    /// `x-idempotent`, `x-rate-limit`, `x-pagination` (its value) and `x-inferred` of one
    /// operation present on both sides.
    pub(super) fn operation_extensions(
        &mut self,
        site: &Site,
        ops: (&Value, &Value),
        methods: (&str, &str),
        ptr: &str,
    ) {
        let (o, n) = ops;
        match (idempotent(o, methods.0), idempotent(n, methods.1)) {
            (false, true) => self.push(
                site,
                ChangeKind::IdempotentBecameTrue,
                None,
                join(ptr, "x-idempotent"),
                "x-idempotent false → true: the call becomes retried on 5xx, 429 and timeouts"
                    .into(),
            ),
            (true, false) => self.push(
                site,
                ChangeKind::IdempotentBecameFalse,
                None,
                join(ptr, "x-idempotent"),
                "x-idempotent true → false: the call is no longer retried".into(),
            ),
            _ => {}
        }
        let (orl, nrl) = (ext(o, "x-rate-limit"), ext(n, "x-rate-limit"));
        let kind = match (orl.is_null(), nrl.is_null()) {
            (true, false) => Some(ChangeKind::RateLimitAdded),
            (false, true) => Some(ChangeKind::RateLimitRemoved),
            _ if orl != nrl => Some(ChangeKind::RateLimitChanged),
            _ => None,
        };
        if let Some(kind) = kind {
            let msg = format!(
                "x-rate-limit {} → {}: the client paces calls accordingly",
                rate(orl),
                rate(nrl)
            );
            self.push(site, kind, None, join(ptr, "x-rate-limit"), msg);
        }
        let (op_, np) = (ext(o, "x-pagination"), ext(n, "x-pagination"));
        if !op_.is_null() && !np.is_null() && op_ != np {
            let msg = format!("x-pagination {} → {}", shown(op_), shown(np));
            let at = join(ptr, "x-pagination");
            self.push(site, ChangeKind::PaginationChanged, None, at, msg);
        }
        self.inferred_mark(site, None, (o, n), ptr, "operation");
    }

    /// `x-secret` and `x-inferred` of one parameter present on both sides.
    pub(super) fn parameter_extensions(
        &mut self,
        site: &Site,
        params: (&Value, &Value),
        ptr: &str,
        what: &str,
    ) {
        self.secret(site, Some(Direction::Request), params, ptr, what);
        self.inferred_mark(site, Some(Direction::Request), params, ptr, what);
    }

    /// The schema-level extensions of two resolved schemas.
    pub(super) fn schema_extensions(
        &mut self,
        site: &Site,
        dir: Direction,
        schemas: (&Value, &Value),
        ptr: &str,
        what: &str,
    ) {
        let (o, n) = schemas;
        self.secret(site, Some(dir), schemas, ptr, what);
        self.inferred_mark(site, Some(dir), schemas, ptr, what);
        // (extension, kind, a flag whose `false` means absent, effect)
        let table = [
            (
                "x-enum-varnames",
                ChangeKind::EnumVarnamesChanged,
                false,
                "the Rust variants are renamed",
            ),
            (
                "x-untagged",
                ChangeKind::UntaggedChanged,
                true,
                "the variants are told apart differently when decoding",
            ),
            (
                "x-lenient-scalar",
                ChangeKind::LenientScalarChanged,
                true,
                "the Rust type moves between `StringOrNumber` and a plain scalar",
            ),
            (
                "x-rust-type",
                ChangeKind::RustTypeChanged,
                false,
                "the Rust type becomes another one",
            ),
        ];
        for (name, kind, flag, effect) in table {
            let (a, b) = (ext(o, name), ext(n, name));
            let on = |v: &Value| v.as_bool() == Some(true);
            let same = if flag { on(a) == on(b) } else { a == b };
            if !same {
                let msg = format!("{what}: {name} {} → {}: {effect}", shown(a), shown(b));
                self.push(site, kind, Some(dir), join(ptr, name), msg);
            }
        }
        self.exactly_one_of(site, dir, schemas, ptr, what);
    }

    /// `x-exactly-one-of: {name, field, properties}` added, removed or changed.
    fn exactly_one_of(
        &mut self,
        site: &Site,
        dir: Direction,
        schemas: (&Value, &Value),
        ptr: &str,
        what: &str,
    ) {
        // Both choice extensions give the same kind of type: `x-at-least-one-of` only adds the
        // variant carrying both properties. One replaced by the other is a changed choice.
        let choice = |s: &'_ Value| -> (&'static str, Value) {
            for key in ["x-exactly-one-of", "x-at-least-one-of"] {
                let v = ext(s, key);
                if !v.is_null() {
                    return (key, v.clone());
                }
            }
            ("x-exactly-one-of", Value::Null)
        };
        let ((key_a, a), (key_b, b)) = (choice(schemas.0), choice(schemas.1));
        let (a, b) = (&a, &b);
        let key = if b.is_null() { key_a } else { key_b };
        let describe = |v: &Value| {
            let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
            let props: Vec<String> = v
                .get("properties")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|p| format!("`{p}`"))
                .collect();
            format!(
                "field `{}: {}` choosing one of {}",
                text("field"),
                text("name"),
                props.join(", ")
            )
        };
        let (kind, msg) = match (a.is_null(), b.is_null()) {
            (true, false) => (
                ChangeKind::ExactlyOneOfAdded,
                format!("{key} added: {}", describe(b)),
            ),
            (false, true) => (
                ChangeKind::ExactlyOneOfRemoved,
                format!("{key} removed: {}", describe(a)),
            ),
            _ if a != b || key_a != key_b => (
                ChangeKind::ExactlyOneOfChanged,
                format!("{key_a}: {} → {key_b}: {}", describe(a), describe(b)),
            ),
            _ => return,
        };
        self.push(
            site,
            kind,
            Some(dir),
            join(ptr, key),
            format!("{what}: {msg}"),
        );
    }

    /// `oneOf` of `required` lists added, removed or changed on an object.
    pub(super) fn required_alternatives(
        &mut self,
        site: &Site,
        dir: Direction,
        schemas: (&Value, &Value),
        ptr: &str,
        what: &str,
    ) {
        let (a, b) = (required_lists(schemas.0), required_lists(schemas.1));
        let list = |l: &std::collections::BTreeSet<Vec<String>>| {
            l.iter()
                .map(|r| format!("`{}`", r.join("`+`")))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let (kind, msg) = match (&a, &b) {
            (None, Some(b)) => (
                ChangeKind::RequiredAlternativesAdded,
                format!(
                    "exactly one of {} now required (oneOf of required lists)",
                    list(b)
                ),
            ),
            (Some(a), None) => (
                ChangeKind::RequiredAlternativesRemoved,
                format!("no longer exactly one of {}", list(a)),
            ),
            (Some(a), Some(b)) if a != b => (
                ChangeKind::RequiredAlternativesChanged,
                format!("exactly one of {} → {}", list(a), list(b)),
            ),
            _ => return,
        };
        self.push(
            site,
            kind,
            Some(dir),
            join(ptr, "oneOf"),
            format!("{what}: {msg}"),
        );
    }

    /// `x-secret` added or removed.
    fn secret(
        &mut self,
        site: &Site,
        dir: Option<Direction>,
        pair: (&Value, &Value),
        ptr: &str,
        what: &str,
    ) {
        let on = |v: &Value| ext(v, "x-secret").as_bool() == Some(true);
        let (kind, effect) = match (on(pair.0), on(pair.1)) {
            (false, true) => (
                ChangeKind::SecretAdded,
                "x-secret added: redacted in Debug output and logs",
            ),
            (true, false) => (
                ChangeKind::SecretRemoved,
                "x-secret removed: the value now appears in Debug output, logs and drift reports",
            ),
            _ => return,
        };
        self.push(
            site,
            kind,
            dir,
            join(ptr, "x-secret"),
            format!("{what}: {effect}"),
        );
    }

    /// `x-inferred` added, removed or reworded.
    pub(super) fn inferred_mark(
        &mut self,
        site: &Site,
        dir: Option<Direction>,
        pair: (&Value, &Value),
        ptr: &str,
        what: &str,
    ) {
        let (a, b) = (ext(pair.0, "x-inferred"), ext(pair.1, "x-inferred"));
        let how = match (a.is_null(), b.is_null()) {
            (true, false) => "x-inferred added (rustdoc warning box)",
            (false, true) => "x-inferred removed (now stated by the reference)",
            _ if a != b => "x-inferred reworded",
            _ => return,
        };
        let at = join(ptr, "x-inferred");
        self.push(
            site,
            ChangeKind::InferredMarkChanged,
            dir,
            at,
            format!("{what}: {how}"),
        );
    }
}

/// `N per S s (scope)` of an `x-rate-limit`, or `absent`.
fn rate(v: &Value) -> String {
    if v.is_null() {
        return "absent".into();
    }
    let n = |k: &str| v.get(k).map(|x| x.to_string()).unwrap_or("?".into());
    format!("{}/{}s", n("requests"), n("per-seconds"))
}
