//! Opt-in renewal of a short-lived access token (a JWT from `auth_generate_token`, valid for
//! `expires_in` seconds, 3600 in the reference), so that a long-running program never rebuilds
//! its client. See [`TokenRefresh`].

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

use crate::client::Client;
use crate::error::Error;
use crate::request::{Operation, Request, Server};

// The two token operations, built here rather than through the generated `auth` module so that
// the core does not depend on generated signatures. Their spec entries say the same (v3 GETs,
// `x-idempotent: false`, `access_token` is `x-secret`); renewals run about once an hour, so the
// documented GET rate limit is not attached.
static REFRESH: Operation = Operation::new(
    "auth_refresh_token",
    reqwest::Method::GET,
    Server::V3,
    "auth/token/refresh",
    false,
)
.secret_fields(&["access_token"]);
static GENERATE: Operation = Operation::new(
    "auth_generate_token",
    reqwest::Method::GET,
    Server::V3,
    "auth/token/generate",
    false,
)
.secret_fields(&["access_token"]);

/// The part of `AuthGenerateTokenResponse` / `AuthRefreshTokenResponse` a renewal needs (no
/// `Debug`: it holds the token).
#[derive(serde::Deserialize)]
struct Renewed {
    access_token: String,
    expires_in: i64,
}

/// How a [`Client`] renews its token (register with
/// [`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token); feature `auth`).
///
/// - **Before expiry**: when the current token is a JWT whose `exp` (or the `expires_in` of the
///   last renewal) falls within [`margin`](Self::margin), the next call first renews it.
/// - **On a 401**: the token is renewed once, and the call is repeated only if its operation
///   is idempotent (`x-idempotent`); otherwise the 401 is returned (after the renewal, so the
///   caller's next call succeeds).
///
/// Renewal calls `auth_refresh_token` with the current token, or, with
/// [`api_key`](Self::api_key), mints a new token with `auth_generate_token` authenticated by
/// that long-lived key. Concurrent calls renew once. The new token is set with
/// [`Client::set_token`], so every clone sees it.
///
/// ```
/// use std::time::Duration;
/// use qikberry::token::TokenRefresh;
///
/// let client = qikberry::Client::builder()
///     .token("eyJ...jwt")
///     .refresh_token(TokenRefresh::new().margin(Duration::from_secs(120)))
///     .build()?;
/// # Ok::<(), qikberry::Error>(())
/// ```
#[derive(Clone)]
pub struct TokenRefresh {
    margin: Duration,
    api_key: Option<SecretString>,
}

impl std::fmt::Debug for TokenRefresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRefresh")
            .field("margin", &self.margin)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

impl Default for TokenRefresh {
    fn default() -> Self {
        TokenRefresh::new()
    }
}

impl TokenRefresh {
    /// Renews with `auth_refresh_token` 5 minutes before expiry.
    pub fn new() -> Self {
        TokenRefresh {
            margin: Duration::from_secs(300),
            api_key: None,
        }
    }

    /// How long before expiry to renew.
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Renews by minting a new token with `auth_generate_token`, authenticated with this
    /// long-lived API key instead of the expiring token.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }
}

/// The state of an enabled refresher, shared by every clone of a client.
pub(crate) struct RefreshState {
    config: TokenRefresh,
    /// Expiry learned from the last renewal (`None`: read the JWT's `exp`).
    expires_at: std::sync::Mutex<Option<SystemTime>>,
    /// Serialises renewals.
    single: tokio::sync::Mutex<()>,
}

/// The operations that must never trigger a renewal themselves.
fn is_token_operation(op: &str) -> bool {
    matches!(op, "auth_refresh_token" | "auth_generate_token")
}

/// The `exp` claim of a JWT, if the token is one.
pub(crate) fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(exp))
}

impl RefreshState {
    pub(crate) fn new(config: TokenRefresh) -> Self {
        RefreshState {
            config,
            expires_at: std::sync::Mutex::new(None),
            single: tokio::sync::Mutex::new(()),
        }
    }

    /// Whether calls of `op` are covered (the token operations are not).
    pub(crate) fn applies(&self, op: &str) -> bool {
        !is_token_operation(op)
    }

    fn expiry(&self, client: &Client) -> Option<SystemTime> {
        let learned = *self
            .expires_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        learned.or_else(|| jwt_expiry(client.token_cell().current().expose_secret()))
    }

    /// Renews when the token expires within the margin.
    pub(crate) async fn renew_if_due(&self, client: &Client) -> Result<(), Error> {
        let Some(expiry) = self.expiry(client) else {
            return Ok(());
        };
        if expiry > SystemTime::now() + self.config.margin {
            return Ok(());
        }
        let generation = client.token_cell().generation.load(Ordering::SeqCst);
        self.renew(client, generation).await
    }

    /// Renews the token, unless another call already did since `generation` was read.
    pub(crate) fn renew<'a>(
        &'a self,
        client: &'a Client,
        generation: u64,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let _one = self.single.lock().await;
            if client.token_cell().generation.load(Ordering::SeqCst) != generation {
                return Ok(());
            }
            let renewed: Renewed = match &self.config.api_key {
                Some(key) => {
                    let minting = client.with_token(key.clone())?;
                    let req = Request::for_operation(&GENERATE, GENERATE.path.to_owned());
                    minting.execute(req).await?
                }
                None => {
                    let req = Request::for_operation(&REFRESH, REFRESH.path.to_owned());
                    client.execute(req).await?
                }
            };
            client.set_token(renewed.access_token)?;
            let secs = u64::try_from(renewed.expires_in).unwrap_or(0);
            *self
                .expires_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some(SystemTime::now() + Duration::from_secs(secs));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_exp_claim() {
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"sub":"10","exp":1668757446}"#);
        let token = format!("eyJhbGciOiJSUzI1NiJ9.{claims}.sig");
        assert_eq!(
            jwt_expiry(&token),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_668_757_446))
        );
        assert_eq!(jwt_expiry("plain-api-key"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
        assert!(format!("{:?}", TokenRefresh::new().api_key("k-SECRET")).contains("[REDACTED]"));
        assert!(!format!("{:?}", TokenRefresh::new().api_key("k-SECRET")).contains("SECRET"));
    }
}
