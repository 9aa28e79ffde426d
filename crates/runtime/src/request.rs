//! The description of one API call, as built by the generated code and sent by
//! [`Client::execute`](crate::Client::execute).
//!
//! This module is public so that the generated code and custom middleware can use it; most users
//! never need it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::multipart::Part;

mod json_prefix;

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
#[non_exhaustive]
pub enum Body {
    /// No body.
    None,
    /// `application/json`, as a value built by hand.
    Json(serde_json::Value),
    /// `application/json`, already serialised: what [`Body::json`] (and every generated
    /// operation) makes, writing the model straight to bytes without an intermediate `Value`.
    JsonBytes(bytes::Bytes),
    /// `application/x-www-form-urlencoded`, fields in order.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`, parts in order.
    Multipart(Vec<(String, Part)>),
}

impl Body {
    /// Serialises `value` as a JSON body, straight to bytes.
    ///
    /// ```
    /// let body = qikberry::request::Body::json(&serde_json::json!({"name": "TXTSMS"})).unwrap();
    /// assert!(matches!(body, qikberry::request::Body::JsonBytes(b) if &b[..] == br#"{"name":"TXTSMS"}"#));
    /// ```
    ///
    /// A value that refuses to serialise (such as an invalid phone number in a generated model)
    /// gives an error that starts with the path of the field at fault: `` `recipient.to[0]`: … ``.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        let mut bytes = Vec::with_capacity(128);
        let written = value.serialize(&mut serde_json::Serializer::new(&mut bytes));
        Body::from_written(written, bytes)
    }

    /// The body `bytes` holds, or the serialiser's error prefixed with the path of the value it
    /// stopped at (not generic: compiled once, not once per model).
    fn from_written(
        written: Result<(), serde_json::Error>,
        bytes: Vec<u8>,
    ) -> Result<Self, serde_json::Error> {
        match written {
            Ok(()) => Ok(Body::JsonBytes(bytes.into())),
            Err(e) => Err(<serde_json::Error as serde::ser::Error>::custom(format!(
                "`{}`: {e}",
                json_prefix::path_at_end(&bytes)
            ))),
        }
    }
}

/// A documented rate limit of an operation (`x-rate-limit` in the spec): at most `requests`
/// calls per `per_seconds` seconds, shared with every operation of the same `scope`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Calls allowed per window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
    /// Which calls share the budget, as the reference words it.
    pub scope: &'static str,
}

/// What the spec says about one operation, emitted once per operation by the generator and
/// attached to every [`Request`] of it: middleware reads it from
/// [`PreparedRequest::operation`](crate::runtime::PreparedRequest::operation).
#[derive(Debug)]
#[non_exhaustive]
pub struct Operation {
    /// The operationId, e.g. `verify_check_otp`.
    pub id: &'static str,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Which base URL the path is relative to.
    pub server: Server,
    /// Path template relative to the base URL, e.g. `verify/check/{otp_id}/{token}`: what logs
    /// may show (the real path can hold secrets).
    pub path: &'static str,
    /// `x-idempotent`: whether repeating the call has no further effect. Sends, creates, OTP
    /// checks and token minting are `false`, whatever their HTTP method.
    pub idempotent: bool,
    /// Wire names of the path, query and header parameters marked `x-secret` (their values
    /// never appear in logs or error excerpts).
    pub secret_params: &'static [&'static str],
    /// Wire names of the `x-secret` properties of the request body and success response
    /// models, at any depth (their values are redacted from error excerpts).
    pub secret_fields: &'static [&'static str],
    /// `x-rate-limit`: the documented limit this operation counts against, if any.
    pub rate_limit: Option<RateLimit>,
}

impl Operation {
    /// Describes an operation (for hand-written requests and tests; the generated code builds
    /// its values as statics).
    pub const fn new(
        id: &'static str,
        method: reqwest::Method,
        server: Server,
        path: &'static str,
        idempotent: bool,
    ) -> Self {
        Operation {
            id,
            method,
            server,
            path,
            idempotent,
            secret_params: &[],
            secret_fields: &[],
            rate_limit: None,
        }
    }

    /// Sets the secret parameter names.
    pub const fn secret_params(mut self, names: &'static [&'static str]) -> Self {
        self.secret_params = names;
        self
    }

    /// Sets the secret body/response property names.
    pub const fn secret_fields(mut self, names: &'static [&'static str]) -> Self {
        self.secret_fields = names;
        self
    }

    /// Sets the rate limit.
    pub const fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }
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
    /// Header parameters with their wire names (`Idempotency-Key`), sent as given after the
    /// client's own headers; a name or value that is not valid in a header is an
    /// [`Error::Encode`](crate::Error::Encode) when the request is prepared.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
    /// Whether the call may safely be repeated: the spec's `x-idempotent` for generated calls,
    /// else derived from the method (GET/PUT/DELETE). A duplicated send is billed twice.
    pub idempotent: bool,
    /// The spec's facts about the operation (`None` for hand-built requests).
    pub operation: Option<&'static Operation>,
    /// Why a value given to [`Request::query_checked`] was refused; preparing the request
    /// then fails with [`Error::Encode`](crate::Error::Encode), before anything is sent.
    pub(crate) refused: Option<String>,
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
            headers: Vec::new(),
            body: Body::None,
            idempotent,
            operation: None,
            refused: None,
        }
    }

    /// A request of a generated operation: id, method, server and idempotency come from `op`;
    /// `path` is `op.path` with the parameters filled in (encoded with
    /// [`encode_path_segment`]).
    pub fn for_operation(op: &'static Operation, path: String) -> Self {
        Request {
            operation_id: op.id,
            method: op.method.clone(),
            server: op.server,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            idempotent: op.idempotent,
            operation: Some(op),
            refused: None,
        }
    }

    /// The values of the parameters the spec marks `x-secret` (path segments matched against
    /// the template, and query values), to be redacted wherever text about this call is shown.
    pub fn secret_values(&self) -> Vec<String> {
        let Some(op) = self.operation else {
            return Vec::new();
        };
        if op.secret_params.is_empty() && op.secret_fields.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (template, actual) in op.path.split('/').zip(self.path.split('/')) {
            let name = template.strip_prefix('{').and_then(|t| t.strip_suffix('}'));
            if name.is_some_and(|n| op.secret_params.contains(&n)) && !actual.is_empty() {
                out.push(actual.to_owned());
                let decoded = percent_encoding::percent_decode_str(actual).decode_utf8_lossy();
                if decoded != actual {
                    out.push(decoded.into_owned());
                }
            }
        }
        for (name, value) in self.query.iter().chain(&self.headers) {
            if op.secret_params.contains(name) && !value.is_empty() {
                out.push(value.clone());
                out.push(encode_query_component(value));
            }
        }
        match &self.body {
            Body::Json(v) => secret_field_values(v, op.secret_fields, &mut out),
            // Read back only for the few operations that send a secret field.
            Body::JsonBytes(bytes) if !op.secret_fields.is_empty() => {
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    secret_field_values(&v, op.secret_fields, &mut out);
                }
            }
            Body::Form(fields) => out.extend(
                fields
                    .iter()
                    .filter(|(k, v)| op.secret_fields.contains(&k.as_str()) && !v.is_empty())
                    .map(|(_, v)| v.clone()),
            ),
            _ => {}
        }
        out
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

    /// Adds a query parameter whose value was checked when it was given (a phone number
    /// filter): `Some(Err(why))` adds nothing and makes the request fail when it is prepared,
    /// with an [`Error::Encode`](crate::Error::Encode) that carries `why` (the first refusal
    /// wins); `None` adds nothing.
    ///
    /// ```
    /// use qikberry::request::{Request, Server};
    ///
    /// let r = Request::new("x", qikberry::reqwest::Method::GET, Server::V2, "sms/status".into())
    ///     .query_checked("mobile", Some(Ok("919000000001")))
    ///     .query_checked("cid", None);
    /// assert_eq!(r.encoded_query(), "mobile=919000000001");
    /// assert_eq!(r.refused(), None);
    /// let r = r.query_checked("mobile", Some(Err("`mobile`: not a number".into())));
    /// assert_eq!(r.refused(), Some("`mobile`: not a number"));
    /// ```
    pub fn query_checked(
        mut self,
        name: &'static str,
        value: Option<Result<&str, String>>,
    ) -> Self {
        match value {
            Some(Ok(v)) => self.query.push((name, v.to_owned())),
            Some(Err(why)) => {
                self.refused.get_or_insert(why);
            }
            None => {}
        }
        self
    }

    /// Why a value given to [`Request::query_checked`] was refused, if one was.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// Adds a header parameter (`name` as the spec spells it).
    pub fn header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Adds a header parameter if `value` is `Some`.
    pub fn header_opt(self, name: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
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

/// Collects the string (or number) values found under any of `names`, at any depth of `v`.
pub(crate) fn secret_field_values(v: &serde_json::Value, names: &[&str], out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s)
                        if !s.is_empty() && names.contains(&k.as_str()) =>
                    {
                        out.push(s.clone());
                    }
                    serde_json::Value::Number(n) if names.contains(&k.as_str()) => {
                        out.push(n.to_string());
                    }
                    other => secret_field_values(other, names, out),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                secret_field_values(item, names, out);
            }
        }
        _ => {}
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

    static CHECK: Operation = Operation::new(
        "verify_check_otp",
        Method::GET,
        Server::V2,
        "verify/check/{otp_id}/{token}",
        false,
    )
    .secret_params(&["token", "pin"])
    .secret_fields(&["secret"]);

    #[test]
    fn operation_metadata_decides_idempotency_and_secrets() {
        let r = Request::for_operation(&CHECK, "verify/check/abc/12%2034".into())
            .query("pin", "9 9")
            .header("token", "h-1")
            .header("X-Other", "shown");
        assert!(!r.idempotent, "x-idempotent wins over the method");
        assert_eq!(r.method, Method::GET);
        assert_eq!(r.operation_id, "verify_check_otp");
        assert_eq!(
            r.secret_values(),
            vec![
                "12%2034".to_owned(),
                "12 34".to_owned(),
                "9 9".to_owned(),
                "9%209".to_owned(),
                "h-1".to_owned(),
                "h-1".to_owned()
            ]
        );
        assert!(
            Request::new("x", Method::GET, Server::V2, "a/b".into())
                .secret_values()
                .is_empty()
        );
        let r = Request::for_operation(&CHECK, "verify/check/a/b".into()).body(Body::Json(
            serde_json::json!({"name": "n", "hook": [{"secret": "s3"}], "secret": ""}),
        ));
        assert_eq!(r.secret_values(), vec!["b".to_owned(), "s3".to_owned()]);
        // The same body written straight to bytes, as generated operations send it.
        let body = Body::json(&serde_json::json!({"hook": [{"secret": "s3"}]})).unwrap();
        let r = Request::for_operation(&CHECK, "verify/check/a/b".into()).body(body);
        assert_eq!(r.secret_values(), vec!["b".to_owned(), "s3".to_owned()]);
    }

    #[test]
    fn path_segment_encoding() {
        assert_eq!(encode_path_segment("abc-1_2.3~"), "abc-1_2.3~");
        assert_eq!(encode_path_segment("../x?y#z%"), "..%2Fx%3Fy%23z%25");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }
}
