//! [`PreparedRequest`]: the request every layer sees, before authentication is applied.

use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderMap;
use url::Url;

use crate::multipart::Part;
use crate::request::Operation;

/// The body of a [`PreparedRequest`].
#[derive(Debug)]
#[non_exhaustive]
pub enum PreparedBody {
    /// No body.
    Empty,
    /// Encoded bytes (JSON or form); the `Content-Type` header is already set.
    Bytes(Bytes),
    /// Multipart parts, encoded when sent (files are opened then).
    Multipart(Vec<(String, Part)>),
}

/// A request ready to be sent: what middleware sees and may modify.
#[derive(Debug)]
pub struct PreparedRequest {
    pub(super) operation_id: &'static str,
    pub(super) method: Method,
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
    pub(super) body: PreparedBody,
    pub(super) idempotent: bool,
    pub(super) timeout: Option<Duration>,
    pub(super) operation: Option<&'static Operation>,
}

impl PreparedRequest {
    /// Builds a request by hand (for tests of custom layers).
    pub fn new(operation_id: &'static str, method: Method, url: Url, idempotent: bool) -> Self {
        PreparedRequest {
            operation_id,
            method,
            url,
            headers: HeaderMap::new(),
            body: PreparedBody::Empty,
            idempotent,
            timeout: None,
            operation: None,
        }
    }

    /// Attaches the spec's facts about the operation (done by the client for generated calls).
    pub fn with_operation(mut self, operation: Option<&'static Operation>) -> Self {
        self.operation = operation;
        self
    }

    pub(crate) fn with_parts(
        mut self,
        headers: HeaderMap,
        body: PreparedBody,
        timeout: Option<Duration>,
    ) -> Self {
        self.headers = headers;
        self.body = body;
        self.timeout = timeout;
        self
    }

    /// The operationId of the call.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }
    /// HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// Full URL with the encoded query (never the access token).
    pub fn url(&self) -> &Url {
        &self.url
    }
    /// Mutable URL.
    pub fn url_mut(&mut self) -> &mut Url {
        &mut self.url
    }
    /// Headers (never the `Authorization` header, which is added last).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// Mutable headers.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }
    /// The body.
    pub fn body(&self) -> &PreparedBody {
        &self.body
    }
    /// Whether the call may be repeated safely: the spec's `x-idempotent` for generated calls
    /// (`verify_check_otp` and `auth_refresh_token` are GETs and still `false`), else derived
    /// from the method.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }
    /// The spec's facts about the operation (path template, secrets, rate limit); `None` for
    /// hand-built requests.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.operation
    }
    /// The path template, e.g. `/api/v2/verify/check/{otp_id}/{token}`: the base URL's path
    /// followed by the operation's template. What logs should show instead of
    /// [`url`](Self::url)`().path()`, which may hold secrets. `None` for hand-built requests.
    pub fn path_template(&self) -> Option<String> {
        let op = self.operation?;
        let path = self.url.path();
        // The URL path ends with the filled-in template, which has as many segments.
        let segments = op.path.split('/').count();
        let base = path.rsplitn(segments + 1, '/').nth(segments).unwrap_or("");
        Some(format!("{base}/{}", op.path))
    }
    /// The per-request timeout, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// A copy for a second attempt; `None` when the body is a one-shot stream.
    pub fn try_clone(&self) -> Option<PreparedRequest> {
        let body = match &self.body {
            PreparedBody::Empty => PreparedBody::Empty,
            PreparedBody::Bytes(b) => PreparedBody::Bytes(b.clone()),
            PreparedBody::Multipart(parts) => PreparedBody::Multipart(
                parts
                    .iter()
                    .map(|(n, p)| p.try_clone().map(|p| (n.clone(), p)))
                    .collect::<Option<Vec<_>>>()?,
            ),
        };
        Some(PreparedRequest {
            operation_id: self.operation_id,
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body,
            idempotent: self.idempotent,
            timeout: self.timeout,
            operation: self.operation,
        })
    }
}
