//! The description of one API call, as built by the generated code and sent by
//! [`Client::execute`](crate::Client::execute).
//!
//! This module is public so that the generated code and custom middleware can use it; most users
//! never need it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::multipart::Part;

/// Which API base URL an operation lives under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Server {
    /// `https://<host>/api/v2/` — nearly every operation.
    V2,
    /// `https://<host>/api/v3/` — the token operations.
    V3,
}

/// Everything except RFC 3986 "unreserved" characters is percent-encoded, in path segments as
/// well as in query names and values (`filter[name]` → `filter%5Bname%5D`, space → `%20`).
pub(crate) const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment (a path parameter value), so that `/`, `?`, `#`, `%` and
/// spaces in an id cannot change the request's path.
///
/// ```
/// assert_eq!(qikberry::request::encode_path_segment("a b/c"), "a%20b%2Fc");
/// ```
pub fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, STRICT).to_string()
}

/// Percent-encodes a query parameter name or value (same rules as
/// [`encode_path_segment`]).
pub fn encode_query_component(s: &str) -> String {
    utf8_percent_encode(s, STRICT).to_string()
}

/// A request body.
#[derive(Debug)]
pub enum Body {
    /// No body.
    None,
    /// `application/json`.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`, fields in order.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`, parts in order.
    Multipart(Vec<(String, Part)>),
}

/// One API call: operation, method, server, relative path, query and body.
#[derive(Debug)]
pub struct Request {
    /// The operationId from the spec (used in errors and by middleware).
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Which base URL the path is relative to.
    pub server: Server,
    /// Path relative to the base URL, no leading slash, path parameters already encoded with
    /// [`encode_path_segment`].
    pub path: String,
    /// Query parameters with their raw wire names (`filter[name]`); names and values are
    /// percent-encoded when the URL is built.
    pub query: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
    /// Whether the call may safely be repeated (GET/PUT/DELETE). POST is never retried: a
    /// duplicated send is billed twice.
    pub idempotent: bool,
}

impl Request {
    /// A request without query or body; `idempotent` is derived from the method
    /// (GET, HEAD, PUT, DELETE, OPTIONS → `true`).
    pub fn new(
        operation_id: &'static str,
        method: reqwest::Method,
        server: Server,
        path: String,
    ) -> Self {
        let idempotent = is_idempotent_method(&method);
        Request {
            operation_id,
            method,
            server,
            path,
            query: Vec::new(),
            body: Body::None,
            idempotent,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter if `value` is `Some`.
    pub fn query_opt(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(v) = value {
            self.query.push((name, v.to_string()));
        }
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Overrides the idempotency flag derived from the method.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// The query string exactly as sent (without the access token), e.g.
    /// `filter%5Bname%5D=a%20b&page=2`; empty when there are no parameters.
    pub fn encoded_query(&self) -> String {
        encode_query(&self.query)
    }
}

pub(crate) fn encode_query(pairs: &[(&'static str, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, STRICT));
        out.push('=');
        out.extend(utf8_percent_encode(value, STRICT));
    }
    out
}

pub(crate) fn is_idempotent_method(m: &reqwest::Method) -> bool {
    use reqwest::Method;
    *m == Method::GET
        || *m == Method::HEAD
        || *m == Method::PUT
        || *m == Method::DELETE
        || *m == Method::OPTIONS
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    #[test]
    fn query_encoding_is_strict() {
        let r = Request::new("x", Method::GET, Server::V2, "sms/senders".into())
            .query("filter[name]", "a b&c=d")
            .query_opt("page", Some(2))
            .query_opt("missing", None::<u32>)
            .query("datetime[end_at]", "2024-01-02 10:00:00+05:30");
        assert_eq!(
            r.encoded_query(),
            "filter%5Bname%5D=a%20b%26c%3Dd&page=2&datetime%5Bend_at%5D=2024-01-02%2010%3A00%3A00%2B05%3A30"
        );
        assert!(r.idempotent);
    }

    #[test]
    fn idempotency_from_method() {
        for (m, want) in [
            (Method::GET, true),
            (Method::PUT, true),
            (Method::DELETE, true),
            (Method::POST, false),
            (Method::PATCH, false),
        ] {
            assert_eq!(
                Request::new("x", m.clone(), Server::V2, String::new()).idempotent,
                want,
                "{m}"
            );
        }
    }

    #[test]
    fn path_segment_encoding() {
        assert_eq!(encode_path_segment("abc-1_2.3~"), "abc-1_2.3~");
        assert_eq!(encode_path_segment("../x?y#z%"), "..%2Fx%3Fy%23z%25");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }
}
