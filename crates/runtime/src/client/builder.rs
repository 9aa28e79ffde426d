//! [`ClientBuilder`]: hosts, token, auth mode, timeouts, layers, drift options.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::{
    Client, DEFAULT_BASE_URL, DEFAULT_V3_BASE_URL, HOST_ENV, Inner, TOKEN_ENV, check_token,
};
use crate::drift::{DriftLog, FieldCheck};
use crate::error::Error;
use crate::runtime::{AuthMode, Layer, TokenCell, Transport};

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
        crate::tls::install_default_provider();
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
    ///
    /// The crate's reqwest is built without a crypto provider of its own (one crypto library,
    /// *ring*, for every connection): building a `ClientBuilder` makes *ring* the process
    /// default when your program has not installed one
    /// ([`tls::install_default_provider`](crate::tls::install_default_provider)), so a
    /// `reqwest::Client::new()` made after it works; [`tls::http_client_builder`](crate::tls::http_client_builder)
    /// starts a client with the crate's TLS setup whatever the default.
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

    pub(super) fn build_inner(mut self, validate: bool) -> Result<Client, Error> {
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
                let mut b = crate::tls::http_client_builder()
                    .map_err(Error::Config)?
                    .redirect(reqwest::redirect::Policy::custom(|attempt| {
                        let same_origin = attempt
                            .previous()
                            .last()
                            .is_some_and(|prev| prev.origin() == attempt.url().origin());
                        if same_origin && attempt.previous().len() < 5 {
                            attempt.follow()
                        } else {
                            attempt.stop()
                        }
                    }));
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
            .http_client(crate::tls::http_client_builder().unwrap().build().unwrap())
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e}");
    }
}
