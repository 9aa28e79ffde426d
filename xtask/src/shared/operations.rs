//! The spec's operations as the sandbox and live-check need them: method, path template,
//! product, whether repeating the call is harmless, the documented rate limit, and matching a
//! concrete request path to its operation.

use std::path::Path;

use serde_json::Value;

use crate::openapi;
use crate::openapi::pointer;
use crate::spec_lint::{Problems, parse};

/// Loads the spec at `path` as JSON (YAML keys such as `200:` become strings).
pub fn load_spec(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse::load_yaml(&text, &mut Problems::default()).ok_or_else(|| {
        format!(
            "{} does not load (run `cargo xtask spec-lint` for details)",
            path.display()
        )
    })
}

/// Operations that are GETs but must not be called by live-check while the spec has no
/// `x-idempotent` extension on them: each call has an effect (checks an OTP attempt, mints or
/// refreshes a token, cancels an OTP).
const NOT_REPEATABLE_GETS: &[&str] = &[
    "verify_check_otp",
    "auth_refresh_token",
    "auth_generate_token",
    "verify_cancel_otp",
];

/// Default rate limit when an operation has no `x-rate-limit`: the documented 1000 GET per minute.
pub const DEFAULT_RATE: RateLimit = RateLimit {
    requests: 1000,
    per_seconds: 60,
};

/// `x-rate-limit` of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u64,
    /// Window length in seconds.
    pub per_seconds: u64,
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template, e.g. `/sms/senders/{sender_id}`.
    pub path: String,
    /// First tag (the product).
    pub product: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// `x-path-inferred: true`.
    pub path_inferred: bool,
    /// A GET whose repetition has no effect (from `x-idempotent` when present).
    pub read_only: bool,
    /// The operation's `x-rate-limit`, if any.
    pub rate_limit: Option<RateLimit>,
    /// The base path of its server (`/api/v2` or `/api/v3`).
    pub base_path: String,
}

impl Operation {
    /// The operation object in `doc`.
    pub fn node<'a>(&self, doc: &'a Value) -> &'a Value {
        pointer::resolve(doc, &self.pointer).unwrap_or(&Value::Null)
    }
}

/// Every operation of `doc`, in spec order.
pub fn all(doc: &Value) -> Vec<Operation> {
    let default_base = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .map(base_path)
        .unwrap_or_default();
    let mut out = Vec::new();
    for openapi::Operation {
        path,
        method,
        pointer,
        item: _,
        node: op,
    } in openapi::operations(doc)
    {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let idempotent = op.get("x-idempotent").and_then(Value::as_bool);
        let read_only = method == "get"
            && idempotent.unwrap_or_else(|| !NOT_REPEATABLE_GETS.contains(&id.as_str()));
        let rate_limit = op.get("x-rate-limit").and_then(|r| {
            Some(RateLimit {
                requests: r.get("requests")?.as_u64()?.max(1),
                per_seconds: r.get("per-seconds")?.as_u64()?,
            })
        });
        let base = op
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .map(base_path)
            .unwrap_or_else(|| default_base.clone());
        out.push(Operation {
            product: op
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            pointer,
            path_inferred: op.get("x-path-inferred").and_then(Value::as_bool) == Some(true),
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            id,
            read_only,
            rate_limit,
            base_path: base,
        });
    }
    out
}

/// `/api/v2` from `https://{host}/api/v2`.
fn base_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/')
        .map(|i| rest[i..].trim_end_matches('/').to_string())
        .unwrap_or_default()
}

/// The operation for `method` and a concrete `path` (no query, base path already removed).
/// Literal segments win over parameters, so `/contacts/tags` is not `/contacts/{contact_id}`.
pub fn find<'a>(ops: &'a [Operation], method: &str, path: &str) -> Option<&'a Operation> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    ops.iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method))
        .filter_map(|op| {
            let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') && t.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, op))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, op)| op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "servers": [{"url": "https://{host}/api/v2"}],
            "paths": {
                "/contacts/{contact_id}": {"get": {"operationId": "contacts_get", "tags": ["contacts"]}},
                "/contacts/tags": {"get": {"operationId": "tags_list", "tags": ["contacts"],
                    "x-rate-limit": {"requests": 10, "per-seconds": 1}}},
                "/verify/check/{a}/{b}": {"get": {"operationId": "verify_check_otp", "tags": ["verify"]}},
                "/auth/token/refresh": {"get": {"operationId": "r", "x-idempotent": false,
                    "servers": [{"url": "https://{host}/api/v3"}]}}
            }
        })
    }

    #[test]
    fn literal_segments_win_and_read_only_follows_the_rules() {
        let ops = all(&doc());
        assert_eq!(find(&ops, "GET", "/contacts/tags").unwrap().id, "tags_list");
        assert_eq!(
            find(&ops, "GET", "/contacts/42").unwrap().id,
            "contacts_get"
        );
        assert!(find(&ops, "POST", "/contacts/42").is_none());
        let by_id = |id: &str| ops.iter().find(|o| o.id == id).unwrap().clone();
        assert!(by_id("contacts_get").read_only);
        assert!(!by_id("verify_check_otp").read_only);
        assert!(!by_id("r").read_only);
        assert_eq!(by_id("r").base_path, "/api/v3");
        assert_eq!(by_id("tags_list").base_path, "/api/v2");
        assert_eq!(
            by_id("tags_list").rate_limit,
            Some(RateLimit {
                requests: 10,
                per_seconds: 1
            })
        );
    }
}
