//! Opt-in renewal of a short-lived access token (a JWT from `auth_generate_token`, valid for
//! `expires_in` seconds, 3600 in the reference), so that a long-running program never rebuilds
//! its client. See [`TokenRefresh`].

mod expiry;
mod renewal;

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::error::Error;

pub(crate) use renewal::RefreshState;

/// Called with every failed renewal.
type FailureHook = Arc<dyn Fn(&RenewalFailure) + Send + Sync>;

/// How a [`Client`](crate::Client) renews its token (register with
/// [`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token); feature `auth`).
///
/// - **Before expiry**: once the current token's expiry (the `expires_in` of the last renewal,
///   or the JWT's `exp`) is within [`margin`](Self::margin), the next call starts a renewal.
///   The renewal runs on its own Tokio task, one at a time for every clone of the client: a
///   caller that gives up (its own timeout, a dropped future) does not cancel it, and its new
///   token is kept.
/// - **While it runs**, calls wait for it at most [`wait_for_renewal`](Self::wait_for_renewal)
///   (2 s, counted from the renewal's start, so a hanging token endpoint holds each caller once,
///   not one after another), then go out with the current token, which is still valid.
/// - **When it fails**, the client keeps the current token while it is valid, reports the
///   failure ([`on_failure`](Self::on_failure), and a `tracing` warning with feature
///   `tracing`), and tries again only after a backoff ([`retry_backoff`](Self::retry_backoff):
///   1 s, doubling up to 60 s), never on every call. Only once the token has expired do calls
///   fail, with [`Error::TokenRenewal`].
/// - **On a 401**: the token is renewed (or the renewal already under way awaited), and the
///   call is repeated only if its operation is idempotent (`x-idempotent`); otherwise the 401
///   is returned (after the renewal, so the caller's next call succeeds). A 401 while the last
///   renewal failed and its backoff runs is returned as [`Error::TokenRenewal`].
///
/// Renewal calls `auth_refresh_token` with the current token; after it the client sends only
/// the new token (platforms built on tymon/jwt-auth invalidate the token a refresh was made
/// with). When the refresh is refused with a 401 (the token was invalidated, for instance by
/// another program refreshing the same token, or expired past its refresh window), the client
/// mints a new token with `auth_generate_token` authenticated by the long-lived
/// [`api_key`](Self::api_key) if one is set; without one, the failure says so. The new token is
/// set with [`Client::set_token`](crate::Client::set_token)'s mechanism, so every clone sees it
/// (a token you set yourself while a renewal runs wins over the renewed one).
///
/// ```
/// use std::time::Duration;
/// use qikberry::token::TokenRefresh;
///
/// let client = qikberry::Client::builder()
///     .token("eyJ...jwt")
///     .refresh_token(
///         TokenRefresh::new()
///             .margin(Duration::from_secs(120))
///             .on_failure(|f| eprintln!("token renewal failed ({} in a row): {}", f.attempt, f.error)),
///     )
///     .build()?;
/// # Ok::<(), qikberry::Error>(())
/// ```
#[derive(Clone)]
pub struct TokenRefresh {
    margin: Duration,
    api_key: Option<SecretString>,
    wait: Duration,
    first_retry: Duration,
    max_retry: Duration,
    on_failure: Option<FailureHook>,
}

impl std::fmt::Debug for TokenRefresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRefresh")
            .field("margin", &self.margin)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("wait_for_renewal", &self.wait)
            .field("retry_backoff", &(self.first_retry, self.max_retry))
            .field("on_failure", &self.on_failure.is_some())
            .finish()
    }
}

impl Default for TokenRefresh {
    fn default() -> Self {
        TokenRefresh::new()
    }
}

impl TokenRefresh {
    /// Renews with `auth_refresh_token` 5 minutes before expiry; waits at most 2 s for a
    /// renewal; retries a failed one after 1 s, doubling up to 60 s.
    pub fn new() -> Self {
        TokenRefresh {
            margin: Duration::from_secs(300),
            api_key: None,
            wait: Duration::from_secs(2),
            first_retry: Duration::from_secs(1),
            max_retry: Duration::from_secs(60),
            on_failure: None,
        }
    }

    /// How long before expiry to renew (default 5 minutes). When the token's lifetime is known
    /// (the `expires_in` of a renewal, or the JWT's `iat` to `exp`), the margin is clamped to
    /// half of it: a token that lives less than twice the margin is renewed at half its life,
    /// not on every call.
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// A long-lived API key to mint a new token with `auth_generate_token` when
    /// `auth_refresh_token` refuses the current one (HTTP 401).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// How long calls made while a renewal of a still valid token runs wait for it, counted
    /// from the renewal's start (default 2 s; `Duration::ZERO`: never wait). Past it they go
    /// out with the current token. Calls whose token has expired wait for the renewal to end.
    pub fn wait_for_renewal(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The pause after a failed renewal before the next one may start: `first` after the
    /// first failure, doubling with each further failure up to `max` (defaults 1 s and 60 s).
    pub fn retry_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_retry = first;
        self.max_retry = max.max(first);
        self
    }

    /// Calls `hook` with every failed renewal (also logged as a `tracing` warning with feature
    /// `tracing`). Runs on the renewal's task: keep it short.
    pub fn on_failure(mut self, hook: impl Fn(&RenewalFailure) + Send + Sync + 'static) -> Self {
        self.on_failure = Some(Arc::new(hook));
        self
    }

    /// The pause before the next renewal after `attempt` failures in a row (1 or more).
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.first_retry.saturating_mul(factor).min(self.max_retry)
    }
}

/// A failed renewal, passed to [`TokenRefresh::on_failure`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RenewalFailure {
    /// Why it failed: the error of `auth_refresh_token` or `auth_generate_token` (redacted like
    /// every [`Error`]), or an [`Error::TokenRenewal`] explaining a refused refresh.
    pub error: Arc<Error>,
    /// Failed renewals in a row, this one included.
    pub attempt: u32,
    /// When the next renewal may start; until then calls do not retry it.
    pub retry_in: Duration,
    /// How long the current token stays valid: `Some(Duration::ZERO)` once it has expired,
    /// `None` when its expiry is unknown. Calls go on with it until then.
    pub token_valid_for: Option<Duration>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let r =
            TokenRefresh::new().retry_backoff(Duration::from_millis(100), Duration::from_secs(1));
        let got: Vec<u128> = (1..=6).map(|a| r.backoff(a).as_millis()).collect();
        assert_eq!(got, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(r.backoff(u32::MAX), Duration::from_secs(1));
        let d = TokenRefresh::new();
        assert_eq!(d.backoff(1), Duration::from_secs(1));
        assert_eq!(d.backoff(40), Duration::from_secs(60));
    }

    #[test]
    fn debug_hides_the_api_key() {
        assert!(format!("{:?}", TokenRefresh::new().api_key("k-SECRET")).contains("[REDACTED]"));
        assert!(!format!("{:?}", TokenRefresh::new().api_key("k-SECRET")).contains("SECRET"));
        let dbg = format!(
            "{:?}",
            TokenRefresh::new().api_key("k-SECRET").on_failure(|_| {})
        );
        assert!(dbg.contains("[REDACTED]"), "{dbg}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
    }
}
