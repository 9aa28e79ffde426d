//! Operation facts: what the spec decides about each operation, read once by the generator and
//! handed to the tools ([`crate::operation_facts`]) so the sandbox, live-check and spec-lint apply
//! the same rules as the generated client.
//!
//! The extensions are decisions, not decorations: `x-idempotent` says whether repeating a call has
//! no further effect (the client's `RetryLayer` repeats only those, and live-check calls only GETs
//! marked so), `x-rate-limit` is the documented limit and its scope.

use serde_json::Value;

/// What the spec says about one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFacts {
    /// `operationId`.
    pub id: String,
    /// The operation's one tag: the product module and Cargo feature it belongs to.
    pub tag: String,
    /// Upper-case HTTP method (`GET`).
    pub method: String,
    /// Path template as written in the spec, e.g. `/sms/senders/{sender_id}`.
    pub path: String,
    /// JSON pointer (RFC 6901, with a leading `#`) of the operation object.
    pub pointer: String,
    /// The path of the server the operation is called on (`/api/v2`, `/api/v3`): the operation's
    /// own `servers`, else its path item's, else the document's; empty when none names a path.
    pub base_path: String,
    /// Whether repeating the call has no further effect: `x-idempotent`, or when absent, true
    /// for GET, HEAD, PUT, DELETE and OPTIONS.
    pub idempotent: bool,
    /// The documented rate limit (`x-rate-limit`), if any.
    pub rate_limit: Option<RateLimit>,
    /// `x-path-inferred: true`: the path is not stated by the provider's reference.
    pub path_inferred: bool,
}

impl OperationFacts {
    /// A GET whose repetition has no effect: the only kind of call a tool may make against a
    /// real account without asking (GETs with effects, such as checking an OTP or minting a
    /// token, say `x-idempotent: false`).
    pub fn is_harmless_read(&self) -> bool {
        self.method == "GET" && self.idempotent
    }
}

/// An operation's `x-rate-limit: {requests, per-seconds, scope}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (at least 1).
    pub requests: u32,
    /// Window length in seconds (at least 1).
    pub per_seconds: u32,
    /// What the limit counts, in the provider's words (e.g. `all GET requests of the account`).
    pub scope: String,
}

impl RateLimit {
    /// Reads the value of an `x-rate-limit` extension; the error says what a valid one looks like.
    pub fn from_extension(value: &Value) -> Result<RateLimit, String> {
        let positive = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
        };
        let scope = value
            .get("scope")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty());
        match (positive("requests"), positive("per-seconds"), scope) {
            (Some(requests), Some(per_seconds), Some(scope)) => Ok(RateLimit {
                requests,
                per_seconds,
                scope: scope.to_string(),
            }),
            _ => Err(
                "x-rate-limit must be {requests: <integer ≥ 1>, per-seconds: <integer ≥ 1>, scope: <text>}"
                    .to_string(),
            ),
        }
    }
}

/// Reads an operation's `x-idempotent` (`value`), defaulting by the lower-case `method` when it
/// is absent; the error says what a valid one looks like.
pub fn idempotent_from_extension(value: Option<&Value>, method: &str) -> Result<bool, String> {
    match value {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err("x-idempotent must be true or false".to_string()),
        None => Ok(matches!(
            method,
            "get" | "head" | "put" | "delete" | "options"
        )),
    }
}

/// The path of a server URL: `/api/v2` from `https://{host}/api/v2`, empty for a bare origin.
pub fn base_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/')
        .map(|i| rest[i..].trim_end_matches('/').to_string())
        .unwrap_or_default()
}
