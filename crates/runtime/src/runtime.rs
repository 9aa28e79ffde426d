//! The middleware seam: every request passes through the [`Layer`]s registered on the
//! [`ClientBuilder`](crate::ClientBuilder), in order, before it reaches the network.
//!
//! Retries ([`RetryLayer`]), rate limiting, tracing or test doubles plug in here without any
//! change to the generated code. A layer sees a [`PreparedRequest`] (URL with the encoded query,
//! headers, body) *without* the API token: authentication is applied by the innermost step, so a
//! logging layer cannot leak it.
//!
//! ```
//! use futures_util::future::BoxFuture;
//! use qikberry::runtime::{Layer, Next, PreparedRequest, Response};
//! use qikberry::Error;
//!
//! /// Prints one line per call.
//! struct LogLayer;
//!
//! impl Layer for LogLayer {
//!     fn handle<'a>(
//!         &'a self,
//!         req: PreparedRequest,
//!         next: Next<'a>,
//!     ) -> BoxFuture<'a, Result<Response, Error>> {
//!         Box::pin(async move {
//!             let op = req.operation_id();
//!             let result = next.run(req).await;
//!             match &result {
//!                 Ok(resp) => eprintln!("{op}: {}", resp.status),
//!                 Err(e) => eprintln!("{op}: {e}"),
//!             }
//!             result
//!         })
//!     }
//! }
//!
//! let client = qikberry::Client::builder()
//!     .token("test-token")
//!     .layer(LogLayer)
//!     .build()?;
//! # Ok::<(), qikberry::Error>(())
//! ```

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::Error;
use crate::multipart::Part;
use crate::ratelimit::{RateLimiter, WindowLimiter};
use crate::request::{Operation, encode_query_component};

/// How the API token is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// `Authorization: Bearer <token>` (the default, and the recommended way).
    #[default]
    Header,
    /// `?access_token=<token>` appended to every URL. The API accepts it, but query strings end
    /// up in proxy and server logs; use only where headers cannot be set. The client never
    /// prints such URLs in errors.
    QueryParameter,
}

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
    operation_id: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: PreparedBody,
    idempotent: bool,
    timeout: Option<Duration>,
    operation: Option<&'static Operation>,
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

/// A response as seen by middleware: status, headers and the complete body.
#[derive(Clone, Debug)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The complete body.
    pub body: Bytes,
}

/// A middleware step. Implementations call `next.run(req)` zero or more times.
///
/// See the [module documentation](self) for an example.
pub trait Layer: Send + Sync + 'static {
    /// Handles one request; `next` runs the remaining layers and then the network call.
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>>;
}

/// The rest of the chain after the current layer. It is `Copy`, so a layer may run it several
/// times (retries).
#[derive(Clone, Copy)]
pub struct Next<'a> {
    layers: &'a [Arc<dyn Layer>],
    transport: &'a Transport,
}

impl<'a> Next<'a> {
    pub(crate) fn new(layers: &'a [Arc<dyn Layer>], transport: &'a Transport) -> Self {
        Next { layers, transport }
    }

    /// Runs the remaining layers and the network call.
    pub fn run(self, req: PreparedRequest) -> BoxFuture<'a, Result<Response, Error>> {
        match self.layers.split_first() {
            Some((first, rest)) => first.handle(
                req,
                Next {
                    layers: rest,
                    transport: self.transport,
                },
            ),
            None => Box::pin(self.transport.send(req)),
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("remaining_layers", &self.layers.len())
            .finish()
    }
}

/// The innermost step: authentication and the HTTP call.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) token: TokenCell,
    pub(crate) auth_mode: AuthMode,
}

/// The token every clone of a client sends, replaceable at run time
/// ([`Client::set_token`](crate::Client::set_token)). The previous token is kept for
/// redaction only (a late error body may still echo it).
pub(crate) struct TokenCell {
    tokens: std::sync::RwLock<(SecretString, Option<SecretString>)>,
    /// Incremented by every [`set`](Self::set) (lets concurrent renewals notice each other).
    pub(crate) generation: std::sync::atomic::AtomicU64,
}

impl TokenCell {
    pub(crate) fn new(token: SecretString) -> Self {
        TokenCell {
            tokens: std::sync::RwLock::new((token, None)),
            generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The current token.
    pub(crate) fn current(&self) -> SecretString {
        self.read().0.clone()
    }

    /// Replaces the token; the old one is remembered for redaction.
    pub(crate) fn set(&self, token: SecretString) {
        let mut guard = self
            .tokens
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let old = std::mem::replace(&mut guard.0, token);
        guard.1 = Some(old);
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// The current token and its generation, read together.
    #[cfg(feature = "auth")]
    pub(crate) fn snapshot(&self) -> (SecretString, u64) {
        let guard = self.read();
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        (guard.0.clone(), generation)
    }

    /// Replaces the token only if it is still the one of `generation` (a token set meanwhile,
    /// by [`Client::set_token`](crate::Client::set_token) or a renewal, wins); returns the new
    /// generation.
    #[cfg(feature = "auth")]
    pub(crate) fn set_if(&self, generation: u64, token: SecretString) -> Option<u64> {
        use std::sync::atomic::Ordering;
        let mut guard = self
            .tokens
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.generation.load(Ordering::SeqCst) != generation {
            return None;
        }
        let old = std::mem::replace(&mut guard.0, token);
        guard.1 = Some(old);
        Some(self.generation.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, (SecretString, Option<SecretString>)> {
        self.tokens
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Transport {
    /// Replaces every occurrence of the token (current and previous, in any encoding: see
    /// the `redact` module) with `[REDACTED]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let tokens = self.token.read();
        let previous = tokens.1.as_ref().map(|t| t.expose_secret());
        crate::redact::redact_all(
            text,
            std::iter::once(tokens.0.expose_secret()).chain(previous),
        )
    }

    /// Sends one HTTP request, counted in the REST metrics.
    async fn send(&self, req: PreparedRequest) -> Result<Response, Error> {
        let operation = req.operation_id();
        let started = std::time::Instant::now();
        let result = self.send_once(req).await;
        let transport = matches!(result, Err(Error::Transport { .. }));
        let status = result.as_ref().ok().map(|r| r.status.as_u16());
        crate::metrics::rest_request(operation, status, transport, started.elapsed());
        result
    }

    async fn send_once(&self, req: PreparedRequest) -> Result<Response, Error> {
        let PreparedRequest {
            operation_id,
            method,
            mut url,
            mut headers,
            body,
            timeout,
            ..
        } = req;
        let token = self.token.current();
        let token = token.expose_secret();
        match self.auth_mode {
            AuthMode::Header => {
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                        Error::Config(
                            "the API token contains characters not allowed in a header".into(),
                        )
                    })?;
                value.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
            AuthMode::QueryParameter => {
                let pair = format!("access_token={}", encode_query_component(token));
                let query = match url.query() {
                    Some(q) if !q.is_empty() => format!("{q}&{pair}"),
                    _ => pair,
                };
                url.set_query(Some(&query));
            }
        }
        let mut builder = self.http.request(method, url).headers(headers);
        if let Some(t) = timeout {
            builder = builder.timeout(t);
        }
        builder = match body {
            PreparedBody::Empty => builder,
            PreparedBody::Bytes(b) => builder.body(b),
            PreparedBody::Multipart(parts) => {
                builder.multipart(crate::multipart::build_form(parts).await?)
            }
        };
        let transport_err = |e: reqwest::Error| Error::Transport {
            operation: operation_id,
            source: e.without_url(),
        };
        let resp = builder.send().await.map_err(transport_err)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(transport_err)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date (IMF-fixdate).
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(raw)?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let rest = s.split_once(", ")?.1;
    let mut it = rest.split(' ');
    let day: u32 = it.next()?.parse().ok()?;
    let month = match it.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let sec: u64 = hms.next()?.parse().ok()?;
    if it.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + sec;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Retries idempotent requests on 429, 408 and 5xx responses and on connect errors/timeouts,
/// with exponential backoff and jitter, honouring `Retry-After`.
///
/// Idempotency comes from the spec (`x-idempotent`, see [`PreparedRequest::is_idempotent`]),
/// not from the method: sends and creates (POST) and the GETs with effects
/// (`verify_check_otp`, `verify_cancel_otp`, `auth_generate_token`, `auth_refresh_token`) are
/// **never** repeated, whatever the response: a duplicate SMS is billed twice, an OTP can be
/// checked once. POST and PATCH requests are never repeated either, even if flagged idempotent.
///
/// ```
/// use std::time::Duration;
/// use qikberry::runtime::RetryLayer;
///
/// let client = qikberry::Client::builder()
///     .token("test-token")
///     .layer(
///         RetryLayer::new()
///             .max_attempts(4)
///             .base_delay(Duration::from_millis(200))
///             .max_delay(Duration::from_secs(10)),
///     )
///     .build()?;
/// # Ok::<(), qikberry::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RetryLayer {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryLayer {
    fn default() -> Self {
        RetryLayer::new()
    }
}

impl RetryLayer {
    /// 3 attempts in total, 500 ms base delay, 30 s maximum delay.
    pub fn new() -> Self {
        RetryLayer {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }

    /// Total number of attempts, including the first (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Delay before the first retry; doubles on every further retry.
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Upper bound of any delay. A `Retry-After` longer than this is not waited for: the
    /// response is returned as is (a 429 becomes [`Error::Api`] with
    /// [`retry_after`](Error::retry_after) set).
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.min(16).saturating_sub(1));
        let capped = exp.min(self.max_delay);
        // Jitter in [capped/2, capped].
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(retry);
        let frac = (h.finish() % 1000) as u32;
        capped / 2 + (capped / 2) * frac / 1000
    }

    fn retryable_status(status: StatusCode) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::INTERNAL_SERVER_ERROR
            || status == StatusCode::BAD_GATEWAY
            || status == StatusCode::SERVICE_UNAVAILABLE
            || status == StatusCode::GATEWAY_TIMEOUT
    }
}

impl Layer for RetryLayer {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            // Both must agree: the spec's decision and, as a second guard, a method that is not
            // POST/PATCH (a POST wrongly flagged idempotent is still never repeated).
            let method_ok = !matches!(*req.method(), Method::POST | Method::PATCH);
            if !req.is_idempotent() || !method_ok || self.max_attempts <= 1 {
                return next.run(req).await;
            }
            let mut attempt = 1u32;
            loop {
                let Some(this_try) = req.try_clone() else {
                    return next.run(req).await;
                };
                let last = attempt >= self.max_attempts;
                let result = next.run(this_try).await;
                let delay = match &result {
                    Ok(resp) if Self::retryable_status(resp.status) => {
                        match parse_retry_after(&resp.headers) {
                            Some(d) if d > self.max_delay => return result,
                            Some(d) => d,
                            None => self.backoff(attempt),
                        }
                    }
                    Err(Error::Transport { source, .. })
                        if source.is_connect() || source.is_timeout() =>
                    {
                        self.backoff(attempt)
                    }
                    _ => return result,
                };
                if last {
                    return result;
                }
                crate::metrics::rest_retry(req.operation_id());
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        })
    }
}

/// Spaces requests out so that at most `max` of them start within any window of `per`
/// (for example the platform's per-minute quota), waiting instead of failing with 429.
///
/// Three ways to build it:
/// - [`RateLimitLayer::new`]: one limit for every call, in this process;
/// - [`RateLimitLayer::documented`]: the limits the spec documents (`x-rate-limit`, e.g. 1000
///   GET requests per minute), applied only to the operations they cover, one shared window
///   per documented scope, in this process; other calls pass straight through;
/// - [`RateLimitLayer::shared`]: any [`RateLimiter`], e.g. a `RedisLimiter` (feature
///   `ratelimit-redis`) that every process of the account uses — one account-wide rate, also
///   shared with SMPP clients given the same limiter. If that limiter fails (Redis
///   unreachable), the call fails with [`Error::RateLimit`] and is not sent.
///
/// Requests wait in arrival order; the limit is shared by every clone of the client. Register
/// it after a [`RetryLayer`] to count every attempt, before it to count calls.
///
/// ```
/// use std::time::Duration;
/// use qikberry::runtime::{RateLimitLayer, RetryLayer};
///
/// let client = qikberry::Client::builder()
///     .token("test-token")
///     .layer(RetryLayer::new())
///     .layer(RateLimitLayer::documented())
///     .build()?;
/// # Ok::<(), qikberry::Error>(())
/// ```
#[derive(Debug)]
pub struct RateLimitLayer {
    /// The one limiter of [`new`](Self::new) and [`shared`](Self::shared).
    fixed: Option<Arc<dyn RateLimiter>>,
    /// One window per documented scope ([`documented`](Self::documented)), created on first use.
    per_scope: std::sync::Mutex<std::collections::HashMap<&'static str, Arc<WindowLimiter>>>,
}

impl RateLimitLayer {
    /// At most `max` requests (at least 1) per `per`, for every call (a [`WindowLimiter`]).
    pub fn new(max: usize, per: Duration) -> Self {
        Self::shared(Arc::new(WindowLimiter::new(max, per)))
    }

    /// Every call acquires one permit from `limiter`, which other clients, SMPP clients and
    /// processes may share (see [`crate::ratelimit`]).
    pub fn shared(limiter: Arc<dyn RateLimiter>) -> Self {
        RateLimitLayer {
            fixed: Some(limiter),
            per_scope: Default::default(),
        }
    }

    /// The limits documented in the spec (`x-rate-limit` of each operation): calls of
    /// operations that share a scope share one window of `requests` per `per_seconds`; calls
    /// without a documented limit (and hand-built requests) are not delayed.
    pub fn documented() -> Self {
        RateLimitLayer {
            fixed: None,
            per_scope: Default::default(),
        }
    }

    /// The limiter this request counts against, if any.
    fn limiter(&self, req: &PreparedRequest) -> Option<Arc<dyn RateLimiter>> {
        if let Some(l) = &self.fixed {
            return Some(l.clone());
        }
        let limit = req.operation()?.rate_limit?;
        let mut scopes = self
            .per_scope
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let w = scopes.entry(limit.scope).or_insert_with(|| {
            Arc::new(WindowLimiter::new(
                usize::try_from(limit.requests).unwrap_or(usize::MAX),
                Duration::from_secs(u64::from(limit.per_seconds)),
            ))
        });
        Some(w.clone())
    }
}

impl Layer for RateLimitLayer {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            if let Some(l) = self.limiter(&req) {
                let started = std::time::Instant::now();
                let acquired = l.acquire(1).await;
                crate::metrics::rest_rate_limit_wait(started.elapsed());
                acquired.map_err(|source| Error::RateLimit {
                    operation: req.operation_id(),
                    source,
                })?;
            }
            next.run(req).await
        })
    }
}

/// Emits one `tracing` span per API call (feature `tracing`), named `qikberry.request`, with
/// the fields `operation`, `method`, `path` — the path **template**
/// (`/api/v2/verify/check/{otp_id}/{token}`), never the real path, which can hold an OTP; the
/// query string is left out too (phone numbers) — and, when the call ends, `status` and
/// `elapsed_ms`; failures (transport errors and non-2xx statuses) are logged as `warn` events
/// inside the span. Hand-built requests without operation metadata show `path="?"`.
///
/// Register it first to see one span per call, or after a [`RetryLayer`] to see one per attempt.
/// The token is never recorded: layers do not see it.
///
/// ```
/// let client = qikberry::Client::builder()
///     .token("test-token")
///     .layer(qikberry::runtime::TracingLayer)
///     .build()?;
/// # Ok::<(), qikberry::Error>(())
/// ```
#[cfg(feature = "tracing")]
#[derive(Clone, Copy, Debug, Default)]
pub struct TracingLayer;

#[cfg(feature = "tracing")]
impl Layer for TracingLayer {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "qikberry.request",
            operation = req.operation_id(),
            method = %req.method(),
            path = req.path_template().as_deref().unwrap_or("?"),
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let inner = span.clone();
        Box::pin(
            async move {
                let started = std::time::Instant::now();
                let result = next.run(req).await;
                let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                inner.record("elapsed_ms", elapsed);
                match &result {
                    Ok(resp) => {
                        inner.record("status", resp.status.as_u16());
                        if !resp.status.is_success() {
                            tracing::warn!(status = resp.status.as_u16(), "API call failed");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "API call failed"),
                }
                result
            }
            .instrument(span),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
        );
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(SystemTime::UNIX_EPOCH)
        );
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&h), None);
        assert_eq!(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let r = RetryLayer::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        let d1 = r.backoff(1);
        assert!(
            d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
            "{d1:?}"
        );
        let d2 = r.backoff(2);
        assert!(
            d2 >= Duration::from_millis(100) && d2 <= Duration::from_millis(200),
            "{d2:?}"
        );
        let d9 = r.backoff(40);
        assert!(d9 <= Duration::from_millis(350), "{d9:?}");
    }

    #[test]
    fn redacts_raw_and_encoded_token() {
        let t = Transport {
            http: crate::tls::http_client_builder().unwrap().build().unwrap(),
            token: TokenCell::new(SecretString::from("ab c/d")),
            auth_mode: AuthMode::QueryParameter,
        };
        assert_eq!(
            t.redact("x ab c/d y access_token=ab%20c%2Fd"),
            "x [REDACTED] y access_token=[REDACTED]"
        );
        t.token.set(SecretString::from("new"));
        assert_eq!(t.redact("ab c/d new"), "[REDACTED] [REDACTED]");
        assert_eq!(t.token.current().expose_secret(), "new");
    }
}
