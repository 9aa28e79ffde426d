//! [`Client`] and [`ClientBuilder`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use crate::drift::{DriftLog, FieldCheck};
use crate::error::{Error, ErrorBody};
use crate::redact::redact_all;
use crate::request::{Body, Request, Server, encode_query};
use crate::runtime::{
    AuthMode, Layer, Next, PreparedBody, PreparedRequest, Response, TokenCell, Transport,
    parse_retry_after,
};

/// Default base URL of the v2 API.
pub const DEFAULT_BASE_URL: &str = "https://alerts.qikberry.com/api/v2/";
/// Default base URL of the v3 API (token operations).
pub const DEFAULT_V3_BASE_URL: &str = "https://alerts.qikberry.com/api/v3/";
/// Environment variable read by [`Client::from_env`] and, when no token is given, by
/// [`ClientBuilder::build`].
pub const TOKEN_ENV: &str = "QIKBERRY_TOKEN";
/// Optional environment variable read by [`Client::from_env`] and
/// [`ClientBuilder::host_from_env`]: a white-label host (`sms.reseller.com`) or an origin
/// (`http://127.0.0.1:8080`), see [`ClientBuilder::host`].
pub const HOST_ENV: &str = "QIKBERRY_HOST";

const EXCERPT_CHARS: usize = 200;

/// The Qikberry API client. Cheap to clone (all clones share one connection pool).
///
/// Every product has a handle (`client.sms()`, `client.whatsapp()`, …) with one method per
/// operation. A method takes the required parameters and returns a request builder: set the
/// optional ones, then `.send().await`. Paginated lists also have `.items()` / `.pages()`
/// streams.
///
/// ```no_run
/// # async fn demo() -> Result<(), qikberry::Error> {
/// use qikberry::Client;
/// use qikberry::sms::{SmsDestinations, SmsSendDirect, SmsSenderFilter};
///
/// // Reads the token from QIKBERRY_TOKEN (or: Client::new("token"), Client::builder()).
/// let client = Client::from_env()?;
///
/// let sent = client
///     .sms()
///     .send_message(SmsSendDirect::new(
///         "TXTSMS",
///         SmsDestinations::from("919999999999".to_owned()),
///         "Your OTP is 1234",
///         "T",
///     ))
///     .send()
///     .await?;
/// println!("{} (batch {:?})", sent.message, sent.group_id);
///
/// let senders = client
///     .sms()
///     .list_senders()
///     .filter(SmsSenderFilter::new().name("TXTSMS"))
///     .send()
///     .await?;
/// println!("{} senders on this page", senders.data.unwrap_or_default().len());
/// # Ok(())
/// # }
/// ```
///
/// The token is never printed: `{:?}` of a client shows `[REDACTED]`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_v2: Url,
    base_v3: Url,
    transport: Transport,
    layers: Vec<Arc<dyn Layer>>,
    timeout: Option<Duration>,
    max_pages: u64,
    #[cfg(feature = "auth")]
    refresh: Option<crate::token::RefreshState>,
    drift: DriftLog,
}

impl Client {
    /// A builder for every option (hosts, auth mode, timeouts, middleware).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the default hosts and the given token.
    ///
    /// # Panics
    /// Only if the TLS backend cannot be initialised (like `reqwest::Client::new`). Use
    /// [`Client::builder`] to get that as an error instead.
    pub fn new(token: impl Into<String>) -> Client {
        let builder = Client::builder().token(token);
        match builder.build_inner(false) {
            Ok(c) => c,
            Err(e) => panic!("cannot build the HTTP client: {e}"),
        }
    }

    /// A client with the token from the `QIKBERRY_TOKEN` environment variable, and the host
    /// from `QIKBERRY_HOST` when that is set (default hosts otherwise).
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().token_from_env().host_from_env().build()
    }

    /// The v2 base URL in use.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_v2
    }

    /// The v3 base URL in use.
    pub fn v3_base_url(&self) -> &Url {
        &self.inner.base_v3
    }

    /// The authentication mode in use.
    pub fn auth_mode(&self) -> AuthMode {
        self.inner.transport.auth_mode
    }

    /// Replaces the API token for every clone of this client, from the next request on: no
    /// rebuild, the layers and their state (rate limits, retries) stay. Fails with
    /// [`Error::Config`] when the token is empty or cannot be sent in a header.
    ///
    /// ```
    /// let client = qikberry::Client::new("old-token");
    /// let clone = client.clone();
    /// client.set_token("new-token")?;   // `clone` sends "new-token" too
    /// # Ok::<(), qikberry::Error>(())
    /// ```
    pub fn set_token(&self, token: impl Into<String>) -> Result<(), Error> {
        let token = token.into();
        check_token(&token)?;
        self.inner.transport.token.set(SecretString::from(token));
        Ok(())
    }

    /// The token holder shared by every clone.
    #[cfg(feature = "auth")]
    pub(crate) fn token_cell(&self) -> &TokenCell {
        &self.inner.transport.token
    }

    /// The token renewal state, when a [`TokenRefresh`](crate::token::TokenRefresh) is set.
    #[cfg(feature = "auth")]
    pub(crate) fn refresh_state(&self) -> Option<&crate::token::RefreshState> {
        self.inner.refresh.as_ref()
    }

    /// A client like this one (same HTTP client and base URLs) with another token and no
    /// layers or refresher: used to mint a token with a long-lived key.
    #[cfg(feature = "auth")]
    pub(crate) fn with_token(&self, token: SecretString) -> Result<Client, Error> {
        use secrecy::ExposeSecret;
        check_token(token.expose_secret())?;
        let inner = &*self.inner;
        Ok(Client {
            inner: Arc::new(Inner {
                base_v2: inner.base_v2.clone(),
                base_v3: inner.base_v3.clone(),
                transport: Transport {
                    http: inner.transport.http.clone(),
                    token: TokenCell::new(token),
                    auth_mode: inner.transport.auth_mode,
                },
                layers: Vec::new(),
                timeout: inner.timeout,
                max_pages: inner.max_pages,
                refresh: None,
                drift: DriftLog::new().with_field_check(FieldCheck::Never),
            }),
        })
    }

    /// Runs the middleware chain and the HTTP call.
    async fn send_prepared(&self, prepared: PreparedRequest) -> Result<Response, Error> {
        let inner = &*self.inner;
        Next::new(&inner.layers, &inner.transport)
            .run(prepared)
            .await
    }

    /// Builds the URL and body, runs the middleware chain and the HTTP call (renewing the token
    /// first, or after a 401, when a [`TokenRefresh`](crate::token::TokenRefresh) is set).
    async fn run(&self, req: Request) -> Result<Outcome, Error> {
        let op = req.operation_id;
        let operation = req.operation;
        let secrets = req.secret_values();
        #[cfg(feature = "auth")]
        let refresh = self.inner.refresh.as_ref().filter(|r| r.applies(op));
        #[cfg(feature = "auth")]
        if let Some(r) = refresh {
            r.before_call(self).await?;
        }
        let prepared = self.prepare(req)?;
        #[cfg(feature = "auth")]
        let again = match refresh {
            Some(_) if prepared.is_idempotent() => prepared.try_clone(),
            _ => None,
        };
        #[cfg(feature = "auth")]
        let generation = self
            .token_cell()
            .generation
            .load(std::sync::atomic::Ordering::SeqCst);
        #[allow(unused_mut)]
        let mut resp = self.send_prepared(prepared).await?;
        #[cfg(feature = "auth")]
        if let (Some(r), reqwest::StatusCode::UNAUTHORIZED) = (refresh, resp.status) {
            r.after_unauthorized(self, generation).await?;
            if let Some(again) = again {
                resp = self.send_prepared(again).await?;
            }
        }
        let mut out = Outcome { op, secrets, resp };
        if let Some(fields) = operation.map(|o| o.secret_fields).filter(|f| !f.is_empty()) {
            // Secret values the server sent back (a minted token in a body that failed to
            // decode) are redacted from excerpts too.
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.resp.body) {
                crate::request::secret_field_values(&v, fields, &mut out.secrets);
            }
        }
        if !out.resp.status.is_success() {
            return Err(self.api_error(out));
        }
        Ok(out)
    }

    /// Sends a request and decodes a JSON response. Used by the generated code.
    #[doc(hidden)]
    pub async fn execute<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        let out = self.run(req).await?;
        self.decode(out)
    }

    /// Sends a request and decodes it, with a fingerprint of the raw body (to notice a page
    /// served twice).
    pub(crate) async fn execute_fingerprinted<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<(T, u64), Error> {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let out = self.run(req).await?;
        let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
        let fingerprint = hasher.hash_one(&out.resp.body[..]);
        self.decode(out).map(|v| (v, fingerprint))
    }

    /// The distinct drifts seen so far (the last
    /// [`KEPT_REPORTS`](crate::drift::KEPT_REPORTS)), oldest first: where success responses
    /// differed from the spec (see [`crate::drift`]).
    pub fn drift_reports(&self) -> Vec<crate::drift::DriftReport> {
        self.inner.drift.reports()
    }

    /// How many distinct drifts were reported since the client was built.
    pub fn drift_count(&self) -> u64 {
        self.inner.drift.count()
    }

    /// The cap on pages per paginated stream (see [`ClientBuilder::max_pages`]).
    pub fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    /// Sends a request whose success response has no JSON body. Used by the generated code.
    #[doc(hidden)]
    pub async fn execute_empty(&self, req: Request) -> Result<(), Error> {
        self.run(req).await.map(|_| ())
    }

    /// Sends a request and returns the raw success response (status, headers, body bytes).
    #[doc(hidden)]
    pub async fn execute_raw(&self, req: Request) -> Result<Response, Error> {
        self.run(req).await.map(|out| out.resp)
    }

    fn prepare(&self, req: Request) -> Result<PreparedRequest, Error> {
        let Request {
            operation_id,
            method,
            server,
            path,
            query,
            body,
            idempotent,
            operation,
        } = req;
        if path.starts_with('/')
            || path.split('/').any(|seg| {
                matches!(
                    seg.to_ascii_lowercase().as_str(),
                    "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
                )
            })
        {
            return Err(Error::Encode {
                message: format!(
                    "{operation_id}: invalid request path {path:?} (a path parameter is empty, `.` or `..`)"
                ),
            });
        }
        let base = match server {
            Server::V2 => &self.inner.base_v2,
            Server::V3 => &self.inner.base_v3,
        };
        let mut url = base.join(&path).map_err(|e| Error::Encode {
            message: format!("{operation_id}: cannot build URL from path {path:?}: {e}"),
        })?;
        let q = encode_query(&query);
        url.set_query(if q.is_empty() { None } else { Some(&q) });

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("qikberry-rs/", env!("CARGO_PKG_VERSION"))),
        );
        let body = match body {
            Body::None => PreparedBody::Empty,
            Body::Json(v) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                PreparedBody::Bytes(Bytes::from(serde_json::to_vec(&v)?))
            }
            Body::JsonBytes(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                PreparedBody::Bytes(bytes)
            }
            Body::Form(fields) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                let mut ser = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in &fields {
                    ser.append_pair(k, v);
                }
                PreparedBody::Bytes(Bytes::from(ser.finish()))
            }
            Body::Multipart(parts) => PreparedBody::Multipart(parts),
        };
        Ok(PreparedRequest::new(operation_id, method, url, idempotent)
            .with_operation(operation)
            .with_parts(headers, body, self.inner.timeout))
    }

    /// Removes the token and the call's secret parameters from text shown to the user.
    fn redact(&self, text: &str, secrets: &[String]) -> String {
        let text = self.inner.transport.redact(text);
        redact_all(&text, secrets.iter().map(String::as_str))
    }

    fn excerpt(&self, body: &[u8], secrets: &[String]) -> String {
        let text = String::from_utf8_lossy(body);
        let redacted = self.redact(&text, secrets);
        let mut out: String = redacted.chars().take(EXCERPT_CHARS).collect();
        if redacted.chars().count() > EXCERPT_CHARS {
            out.push('…');
        }
        out
    }

    /// Decodes with plain `serde_json` (fast path, drift noted on the side, see
    /// [`crate::drift`]); only when that fails, parses again through the drift tracker to name
    /// the JSON pointer of the failing value (tracking costs 1.4–1.8× on every success, see
    /// BENCHMARKS.md).
    fn decode<T: DeserializeOwned>(&self, out: Outcome) -> Result<T, Error> {
        let body = &out.resp.body[..];
        let plain = match self.inner.drift.decode::<T>(out.op, body) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let read = serde_json::de::SliceRead::new(body);
        let (path, message) = match crate::drift::track::decode_at::<T, _>(read, "", false).0 {
            Err(failure) => (failure.pointer, failure.error.to_string()),
            // Only a plain decode failed (cannot happen: both run the same `Deserialize`).
            Ok(_) => (String::new(), plain.to_string()),
        };
        Err(Error::Decode {
            operation: out.op,
            status: out.resp.status,
            path,
            message: self.redact(&message, &out.secrets),
            excerpt: self.excerpt(body, &out.secrets),
            body: crate::error::RawBody::new(out.resp.body.clone()),
        })
    }

    fn api_error(&self, out: Outcome) -> Error {
        let resp = &out.resp;
        let retry_after = parse_retry_after(&resp.headers);
        let body = match serde_json::from_slice::<ErrorBody>(&resp.body) {
            Ok(mut b) => {
                b.message = self.redact(&b.message, &out.secrets);
                if let Some(errors) = b.errors.as_mut() {
                    for msgs in errors.values_mut() {
                        for m in msgs.iter_mut() {
                            *m = self.redact(m, &out.secrets);
                        }
                    }
                }
                b
            }
            Err(_) => ErrorBody {
                message: self.excerpt(&resp.body, &out.secrets),
                ..ErrorBody::default()
            },
        };
        Error::Api {
            status: resp.status,
            body: Box::new(body),
            retry_after,
            operation: out.op,
        }
    }
}

/// A finished HTTP exchange and what is needed to report on it.
struct Outcome {
    op: &'static str,
    /// Values of the call's `x-secret` parameters, redacted from excerpts.
    secrets: Vec<String>,
    resp: Response,
}

/// Refuses a token that is empty or cannot be sent in a header (without echoing it).
pub(crate) fn check_token(token: &str) -> Result<(), Error> {
    if token.trim().is_empty() {
        return Err(Error::Config("the API token is empty".into()));
    }
    if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
        return Err(Error::Config(
            "the API token contains characters not allowed in a header".into(),
        ));
    }
    Ok(())
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_v2.as_str())
            .field("v3_base_url", &self.inner.base_v3.as_str())
            .field("token", &"[REDACTED]")
            .field("auth_mode", &self.inner.transport.auth_mode)
            .field("timeout", &self.inner.timeout)
            .field("layers", &self.inner.layers.len())
            .field("drift", &self.inner.drift)
            .finish()
    }
}

enum TokenSource {
    Unset,
    Given(SecretString),
    Env,
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use qikberry::{AuthMode, Client};
/// use qikberry::runtime::RetryLayer;
///
/// let client = Client::builder()
///     .token("your-token")                 // or .token_from_env() (QIKBERRY_TOKEN)
///     .host("sms.example-reseller.com")    // white-label host: sets the v2 and v3 base URLs
///     .auth_mode(AuthMode::Header)         // the default: Authorization: Bearer …
///     .timeout(Duration::from_secs(20))
///     .connect_timeout(Duration::from_secs(5))
///     .layer(RetryLayer::new())            // repeats idempotent calls only, never a send
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://sms.example-reseller.com/api/v2/");
/// assert!(!format!("{client:?}").contains("your-token"));
/// # Ok::<(), qikberry::Error>(())
/// ```
pub struct ClientBuilder<C = Client> {
    base_v2: String,
    base_v3: String,
    token: TokenSource,
    auth_mode: AuthMode,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    layers: Vec<Arc<dyn Layer>>,
    host_from_env: bool,
    max_pages: u64,
    #[cfg(feature = "auth")]
    refresh: Option<crate::token::TokenRefresh>,
    drift: DriftLog,
    built: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            base_v2: DEFAULT_BASE_URL.to_owned(),
            base_v3: DEFAULT_V3_BASE_URL.to_owned(),
            token: TokenSource::Unset,
            auth_mode: AuthMode::Header,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: None,
            http: None,
            layers: Vec::new(),
            host_from_env: false,
            max_pages: crate::pagination::DEFAULT_MAX_PAGES,
            #[cfg(feature = "auth")]
            refresh: None,
            drift: DriftLog::new(),
            built: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match self.token {
            TokenSource::Unset => "unset",
            TokenSource::Given(_) => "[REDACTED]",
            TokenSource::Env => "from QIKBERRY_TOKEN",
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_v2)
            .field("v3_base_url", &self.base_v3)
            .field("token", &token)
            .field("auth_mode", &self.auth_mode)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("custom_http_client", &self.http.is_some())
            .field("layers", &self.layers.len())
            .field("host_from_env", &self.host_from_env)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

fn with_trailing_slash(mut s: String) -> String {
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

impl<C> ClientBuilder<C> {
    /// Base URL of the v2 API (default `https://alerts.qikberry.com/api/v2/`). A trailing `/`
    /// is added if missing.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_v2 = with_trailing_slash(url.into());
        self
    }

    /// Base URL of the v3 API (default `https://alerts.qikberry.com/api/v3/`).
    pub fn v3_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_v3 = with_trailing_slash(url.into());
        self
    }

    /// Sets both base URLs from a host, for white-label deployments:
    /// `host("sms.reseller.com")` → `https://sms.reseller.com/api/v2/` and `…/api/v3/`.
    /// A value with a scheme (`http://127.0.0.1:8080`) is used as is.
    pub fn host(mut self, host: impl AsRef<str>) -> Self {
        let host = host.as_ref().trim_end_matches('/');
        let origin = if host.contains("://") {
            host.to_owned()
        } else {
            format!("https://{host}")
        };
        self.base_v2 = format!("{origin}/api/v2/");
        self.base_v3 = format!("{origin}/api/v3/");
        self
    }

    /// When [`build`](Self::build) runs and `QIKBERRY_HOST` is set (non-empty), uses it as
    /// [`host`](Self::host), overriding the base URLs set so far.
    pub fn host_from_env(mut self) -> Self {
        self.host_from_env = true;
        self
    }

    /// The API token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = TokenSource::Given(SecretString::from(token.into()));
        self
    }

    /// Reads the token from `QIKBERRY_TOKEN` when [`build`](Self::build) runs (also the
    /// fallback when no token is set).
    pub fn token_from_env(mut self) -> Self {
        self.token = TokenSource::Env;
        self
    }

    /// How the token is sent (default: `Authorization: Bearer`).
    pub fn auth_mode(mut self, mode: AuthMode) -> Self {
        self.auth_mode = mode;
        self
    }

    /// Total time allowed for each HTTP call (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-call timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Time allowed to establish a connection. Not combinable with
    /// [`http_client`](Self::http_client) (configure your own client instead).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS roots, pools). The per-call
    /// [`timeout`](Self::timeout) still applies. The client built by default follows redirects
    /// only within the same origin (so a query-string token never travels to another host);
    /// give yours a similar redirect policy.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The most pages one `.items()` / `.pages()` stream fetches (default
    /// [`DEFAULT_MAX_PAGES`](crate::pagination::DEFAULT_MAX_PAGES), at least 1); past it the
    /// stream yields [`Error::Pagination`] and ends.
    pub fn max_pages(mut self, max: u64) -> Self {
        self.max_pages = max.max(1);
        self
    }

    /// Calls `hook` with every new [`DriftReport`](crate::drift::DriftReport): a field, enum
    /// value or shape the spec does not know, in a success response (see [`crate::drift`]).
    /// Reports are also readable with [`Client::drift_reports`].
    pub fn on_drift(
        mut self,
        hook: impl Fn(&crate::drift::DriftReport) + Send + Sync + 'static,
    ) -> Self {
        self.drift = self.drift.with_hook(hook);
        self
    }

    /// How often success bodies are checked for unknown fields (default
    /// [`FieldCheck::default`]: the first 16 of each operation, then one in 64).
    pub fn field_check(mut self, check: FieldCheck) -> Self {
        self.drift = self.drift.with_field_check(check);
        self
    }

    /// Keeps wire values (unknown enum values, decode error texts) in drift reports; off by
    /// default, as they may hold personal data (see
    /// [`DriftLog::with_wire_values`](crate::drift::DriftLog::with_wire_values)).
    pub fn drift_wire_values(mut self, keep: bool) -> Self {
        self.drift = self.drift.with_wire_values(keep);
        self
    }

    /// Renews the token before it expires and after a 401 (feature `auth`; see
    /// [`TokenRefresh`](crate::token::TokenRefresh)).
    #[cfg(feature = "auth")]
    pub fn refresh_token(mut self, refresh: crate::token::TokenRefresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// Adds a middleware layer. Layers run in the order they are added, the first one
    /// outermost.
    pub fn layer(mut self, layer: impl Layer) -> Self {
        self.layers.push(Arc::new(layer));
        self
    }

    /// Adds a shared middleware layer.
    pub fn layer_arc(mut self, layer: Arc<dyn Layer>) -> Self {
        self.layers.push(layer);
        self
    }

    /// Builds the client. Fails with [`Error::Config`] when there is no token (neither given nor
    /// in `QIKBERRY_TOKEN`), the token cannot be sent in a header, or a base URL is invalid.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<Client>,
    {
        self.build_inner(true).map(C::from)
    }

    fn build_inner(mut self, validate: bool) -> Result<Client, Error> {
        let env_host = std::env::var(HOST_ENV)
            .ok()
            .filter(|h| self.host_from_env && !h.trim().is_empty());
        if let Some(host) = env_host {
            self = self.host(host.trim());
        }
        let token = match self.token {
            TokenSource::Given(t) => t,
            TokenSource::Unset | TokenSource::Env => match std::env::var(TOKEN_ENV) {
                Ok(t) if !t.trim().is_empty() => SecretString::from(t),
                _ => {
                    return Err(Error::Config(format!(
                        "no API token: pass one to ClientBuilder::token or set {TOKEN_ENV}"
                    )));
                }
            },
        };
        if validate {
            use secrecy::ExposeSecret;
            check_token(token.expose_secret())?;
        }
        let parse = |what: &str, s: &str| -> Result<Url, Error> {
            let url =
                Url::parse(s).map_err(|e| Error::Config(format!("invalid {what} {s:?}: {e}")))?;
            if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
                return Err(Error::Config(format!(
                    "invalid {what} {s:?}: expected an http(s) URL"
                )));
            }
            Ok(url)
        };
        let base_v2 = parse("base URL", &self.base_v2)?;
        let base_v3 = parse("v3 base URL", &self.base_v3)?;
        let http = match self.http {
            Some(c) => {
                if self.connect_timeout.is_some() {
                    return Err(Error::Config(
                        "connect_timeout cannot be applied to a client given with http_client; \
                         set it on your reqwest::Client"
                            .into(),
                    ));
                }
                c
            }
            None => {
                // Follow redirects only within the same origin: in query-token mode the token
                // is part of the URL and must not travel to another host.
                let mut b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::custom(
                    |attempt| {
                        let same_origin = attempt
                            .previous()
                            .last()
                            .is_some_and(|prev| prev.origin() == attempt.url().origin());
                        if same_origin && attempt.previous().len() < 5 {
                            attempt.follow()
                        } else {
                            attempt.stop()
                        }
                    },
                ));
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                b.build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                base_v2,
                base_v3,
                transport: Transport {
                    http,
                    token: TokenCell::new(token),
                    auth_mode: self.auth_mode,
                },
                layers: self.layers,
                timeout: self.timeout,
                max_pages: self.max_pages,
                #[cfg(feature = "auth")]
                refresh: self.refresh.map(crate::token::RefreshState::new),
                drift: self.drift,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    fn client() -> Client {
        Client::builder()
            .token("sekrit-token")
            .host("http://127.0.0.1:9")
            .build()
            .unwrap()
    }

    #[test]
    fn builder_defaults_and_host() {
        let c = Client::builder().token("t").build().unwrap();
        assert_eq!(c.base_url().as_str(), DEFAULT_BASE_URL);
        assert_eq!(c.v3_base_url().as_str(), DEFAULT_V3_BASE_URL);
        assert_eq!(c.auth_mode(), AuthMode::Header);
        let c = Client::builder()
            .token("t")
            .host("wl.example.com/")
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "https://wl.example.com/api/v2/");
        assert_eq!(c.v3_base_url().as_str(), "https://wl.example.com/api/v3/");
        let c = Client::builder()
            .token("t")
            .base_url("http://localhost:1/x")
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "http://localhost:1/x/");
    }

    #[test]
    fn builder_errors() {
        let e = Client::builder()
            .token("t")
            .base_url("not a url")
            .build()
            .unwrap_err();
        assert!(
            matches!(e, Error::Config(ref m) if m.contains("not a url")),
            "{e}"
        );
        let e = Client::builder()
            .token("t")
            .base_url("ftp://x/")
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e}");
        let e = Client::builder().token("bad\ntoken").build().unwrap_err();
        assert!(
            matches!(e, Error::Config(ref m) if !m.contains("bad")),
            "{e}"
        );
        let e = Client::builder()
            .token("t")
            .http_client(reqwest::Client::new())
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e}");
    }

    #[test]
    fn debug_redacts_token() {
        let b = Client::builder().token("sekrit-token");
        assert!(!format!("{b:?}").contains("sekrit"));
        assert!(format!("{b:?}").contains("[REDACTED]"));
        let c = client();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert!(dbg.contains("[REDACTED]"), "{dbg}");
    }

    #[test]
    fn prepare_builds_url_and_body() {
        let c = client();
        let r = Request::new(
            "sms_list_senders",
            Method::GET,
            Server::V2,
            "sms/senders".into(),
        )
        .query("filter[name]", "a b")
        .query("page", 2);
        let p = c.prepare(r).unwrap();
        assert_eq!(
            p.url().as_str(),
            "http://127.0.0.1:9/api/v2/sms/senders?filter%5Bname%5D=a%20b&page=2"
        );
        assert!(p.headers().get("authorization").is_none());
        let r = Request::new(
            "auth_generate_token",
            Method::POST,
            Server::V3,
            "auth/token/generate".into(),
        )
        .body(Body::Json(serde_json::json!({"a": 1})));
        let p = c.prepare(r).unwrap();
        assert_eq!(
            p.url().as_str(),
            "http://127.0.0.1:9/api/v3/auth/token/generate"
        );
        assert_eq!(p.headers()["content-type"], "application/json");
        assert!(!p.is_idempotent());
        match p.body() {
            PreparedBody::Bytes(b) => assert_eq!(&b[..], br#"{"a":1}"#),
            other => panic!("{other:?}"),
        }
        let r = Request::new("x", Method::POST, Server::V2, "x".into())
            .body(Body::Form(vec![("a b".into(), "c&d".into())]));
        match c.prepare(r).unwrap().body() {
            PreparedBody::Bytes(b) => assert_eq!(&b[..], b"a+b=c%26d"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn prepare_rejects_dot_segments() {
        let c = client();
        for path in ["sms/senders/..", "sms/./x", "/abs", "sms/%2E%2E"] {
            let r = Request::new("x", Method::GET, Server::V2, path.into());
            assert!(matches!(c.prepare(r), Err(Error::Encode { .. })), "{path}");
        }
    }

    #[test]
    fn decode_error_names_path_and_redacts() {
        let c = client();
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            credits: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Env {
            data: Vec<Item>,
        }
        let resp = |body: &'static [u8]| Outcome {
            op: "op",
            secrets: vec!["otp-777".to_owned()],
            resp: Response {
                status: reqwest::StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from_static(body),
            },
        };
        let body = br#"{"data":[{"credits":1},{"credits":"sekrit-token","otp":"otp-777"}]}"#;
        let e = c.decode::<Env>(resp(body)).unwrap_err();
        match &e {
            Error::Decode { path, excerpt, .. } => {
                assert_eq!(path, "/data/1/credits");
                assert!(excerpt.contains("[REDACTED]"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.to_string().contains("sekrit"), "{e}");
        assert!(!e.to_string().contains("otp-777"), "{e}");
        assert!(e.was_processed());
        assert_eq!(e.raw_body(), Some(&body[..]));
        let e = c.decode::<Env>(resp(br#"{"data":[]} x"#)).unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
    }
}
