//! [`Client`] and [`ClientBuilder`]: the client runs each call through its layers and the
//! transport ([`Client::execute`]); building the request (`prepare`), reading the response
//! (`decode`) and configuring the client (`builder`) live in their own files.

mod builder;
mod decode;
mod prepare;
mod sending;

pub use builder::ClientBuilder;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use crate::drift::DriftLog;
#[cfg(feature = "auth")]
use crate::drift::FieldCheck;
use crate::error::Error;
use crate::request::Request;
#[cfg(feature = "auth")]
use crate::runtime::TokenCell;
use crate::runtime::{AuthMode, Layer, Next, PreparedRequest, Response, Transport};
pub use decode::{Exchange, ResponseBody};
pub use sending::Sending;

/// The future of one exchange ([`Client::call`]).
type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Exchange, Error>> + Send + 'a>>;

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
    async fn run(&self, req: Request) -> Result<Exchange, Error> {
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
        let mut out = Exchange {
            client: self.clone(),
            op,
            secrets,
            resp,
        };
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

    /// [`run`](Self::run) as one boxed future. Not generic, so the whole exchange (layers,
    /// transport, token renewal) is compiled once, here, instead of in every crate that awaits
    /// a generated `.send()`.
    fn call(&self, req: Request) -> CallFuture<'_> {
        Box::pin(self.run(req))
    }

    /// Sends `req` through the layers and decodes the JSON success body into `T`: the way to call
    /// an operation the spec does not describe yet (build the [`Request`] by hand). Errors are
    /// [`Error`]s like any generated call's.
    pub async fn execute<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        self.call(req).await?.json()
    }

    /// [`execute`](Self::execute) for a type whose decoder is compiled where it is defined
    /// ([`ResponseBody`]), as an `async fn`; a generated `.send()` returns the named future of
    /// [`send_body`](Self::send_body) instead.
    pub async fn execute_body<T: ResponseBody>(&self, req: Request) -> Result<T, Error> {
        T::decode(self.call(req).await?)
    }

    /// Sends a request and decodes it, with a fingerprint of the raw body (to notice a page
    /// served twice).
    pub(crate) async fn execute_fingerprinted<T: ResponseBody>(
        &self,
        req: Request,
    ) -> Result<(T, u64), Error> {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let out = self.call(req).await?;
        let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
        let fingerprint = hasher.hash_one(&out.resp.body[..]);
        T::decode(out).map(|v| (v, fingerprint))
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

    /// Sends `req` like [`execute`](Self::execute), for an operation whose success response
    /// has no JSON body.
    pub async fn execute_empty(&self, req: Request) -> Result<(), Error> {
        self.call(req).await.map(|_| ())
    }

    /// Sends `req` like [`execute`](Self::execute) and returns the raw success response
    /// (status, headers, body bytes) undecoded, e.g. for a file download.
    pub async fn execute_raw(&self, req: Request) -> Result<Response, Error> {
        self.call(req).await.map(|out| out.resp)
    }
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

/// A client for unit tests: a token the tests look for, a host nothing answers on.
#[cfg(test)]
fn test_client() -> Client {
    Client::builder()
        .token("sekrit-token")
        .host("http://127.0.0.1:9")
        .build()
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_token() {
        let b = Client::builder().token("sekrit-token");
        assert!(!format!("{b:?}").contains("sekrit"));
        assert!(format!("{b:?}").contains("[REDACTED]"));
        let c = test_client();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert!(dbg.contains("[REDACTED]"), "{dbg}");
    }
}
