//! The renewal itself: one at a time for every clone of a client, on its own Tokio task (so
//! that no caller's cancellation loses it), with a backoff after failures.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use secrecy::{ExposeSecret, SecretString};

use super::expiry::Expiry;
use super::{RenewalFailure, TokenRefresh};
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

/// What a call says when its token has expired and could not be renewed.
const EXPIRED: &str = "the access token has expired";
/// What a call says when the API refused its token and it could not be renewed.
const REFUSED: &str = "the API refused the access token (HTTP 401)";

/// The part of `AuthGenerateTokenResponse` / `AuthRefreshTokenResponse` a renewal needs (no
/// `Debug`: it holds the token). `expires_in` is read leniently: without it, the new token's
/// expiry is read from the JWT.
#[derive(serde::Deserialize)]
struct Renewed {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// A renewal under way, awaited by any number of callers. Its own task stores the outcome,
/// whether anyone awaits it or not.
type Flight = Shared<BoxFuture<'static, Result<(), Arc<Error>>>>;

/// The state of an enabled refresher, shared by every clone of a client.
pub(crate) struct RefreshState {
    config: TokenRefresh,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The expiry of the token of generation `.0` (learned from its renewal, or read from the
    /// JWT once).
    expiry: Option<(u64, Option<Expiry>)>,
    /// The renewal under way and when it started.
    flight: Option<(Flight, Instant)>,
    /// Failed renewals in a row.
    failures: u32,
    /// No renewal starts before this (backoff after a failure).
    retry_at: Option<Instant>,
    /// Why the last renewal failed.
    last_error: Option<Arc<Error>>,
}

/// What a call finds when the token needs renewing.
enum Renewal {
    InFlight {
        flight: Flight,
        started: Instant,
    },
    /// The token was replaced since the caller looked.
    Done,
    /// The last renewal failed and the backoff runs.
    BackingOff,
}

/// The operations that must never trigger a renewal themselves.
fn is_token_operation(op: &str) -> bool {
    matches!(op, "auth_refresh_token" | "auth_generate_token")
}

impl RefreshState {
    pub(crate) fn new(config: TokenRefresh) -> Self {
        RefreshState {
            config,
            state: Mutex::new(State::default()),
        }
    }

    /// Whether calls of `op` are covered (the token operations are not).
    pub(crate) fn applies(&self, op: &str) -> bool {
        !is_token_operation(op)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The generation and expiry of the current token (a JWT is parsed once per token).
    fn current(st: &mut State, client: &Client) -> (u64, Option<Expiry>) {
        let cell = client.token_cell();
        let generation = cell.generation.load(Ordering::SeqCst);
        match st.expiry {
            Some((g, expiry)) if g == generation => (g, expiry),
            _ => {
                let (token, generation) = cell.snapshot();
                let expiry = Expiry::from_jwt(token.expose_secret());
                st.expiry = Some((generation, expiry));
                (generation, expiry)
            }
        }
    }

    /// Before a call: starts a renewal when the token is due. A still valid token is used
    /// after waiting for the renewal at most `wait_for_renewal` from its start; an expired one
    /// waits for the renewal, and fails the call when it fails.
    pub(crate) async fn before_call(&self, client: &Client) -> Result<(), Error> {
        let now = SystemTime::now();
        let (renewal, expired) = {
            let mut st = self.lock();
            let (generation, expiry) = Self::current(&mut st, client);
            let Some(expiry) = expiry else {
                return Ok(());
            };
            if now < expiry.renew_at(self.config.margin) {
                return Ok(());
            }
            let renewal = self.join_or_start(&mut st, client, generation);
            (renewal, expiry.at <= now)
        };
        match renewal {
            Renewal::Done => Ok(()),
            Renewal::InFlight { flight, .. } if expired => flight
                .await
                .map_err(|cause| self.failed(EXPIRED, Some(cause))),
            Renewal::InFlight { flight, started } => {
                // The token is still valid: after the wait, go ahead with it whatever the
                // renewal does (its failure is reported by the renewal itself).
                match started.checked_add(self.config.wait) {
                    Some(deadline) => {
                        let deadline = tokio::time::Instant::from_std(deadline);
                        let _ = tokio::time::timeout_at(deadline, flight).await;
                    }
                    None => {
                        let _ = flight.await;
                    }
                }
                Ok(())
            }
            Renewal::BackingOff if expired => Err(self.failed(EXPIRED, None)),
            Renewal::BackingOff => Ok(()),
        }
    }

    /// After a 401 to a call sent with the token of `generation`: renews it (or awaits the
    /// renewal under way); `Ok` when the call may be repeated with a new token.
    pub(crate) async fn after_unauthorized(
        &self,
        client: &Client,
        generation: u64,
    ) -> Result<(), Error> {
        let renewal = {
            let mut st = self.lock();
            self.join_or_start(&mut st, client, generation)
        };
        match renewal {
            Renewal::Done => Ok(()),
            Renewal::InFlight { flight, .. } => flight
                .await
                .map_err(|cause| self.failed(REFUSED, Some(cause))),
            Renewal::BackingOff => Err(self.failed(REFUSED, None)),
        }
    }

    /// Joins the renewal under way, or starts one unless the token changed since
    /// `generation` or the backoff runs.
    fn join_or_start(&self, st: &mut State, client: &Client, generation: u64) -> Renewal {
        if let Some((flight, started)) = &st.flight {
            return Renewal::InFlight {
                flight: flight.clone(),
                started: *started,
            };
        }
        if client.token_cell().generation.load(Ordering::SeqCst) != generation {
            return Renewal::Done;
        }
        let now = Instant::now();
        if st.retry_at.is_some_and(|at| now < at) {
            return Renewal::BackingOff;
        }
        let flight = spawn_renewal(client.clone(), generation);
        if let Some(flight) = &flight {
            st.flight = Some((flight.clone(), now));
        }
        Renewal::InFlight {
            flight: flight.unwrap_or_else(no_runtime),
            started: now,
        }
    }

    /// Asks the API for a new token: `auth_refresh_token`, or, when that refuses the current
    /// token, `auth_generate_token` with the API key.
    async fn obtain(&self, client: &Client) -> Result<Renewed, Error> {
        let refresh = Request::for_operation(&REFRESH, REFRESH.path.to_owned());
        let refused = match client.execute::<Renewed>(refresh).await {
            Err(e) if e.status() == Some(reqwest::StatusCode::UNAUTHORIZED) => e,
            other => return other,
        };
        match &self.config.api_key {
            Some(key) => {
                let minting = client.with_token(key.clone())?;
                let generate = Request::for_operation(&GENERATE, GENERATE.path.to_owned());
                minting.execute(generate).await
            }
            None => Err(Error::TokenRenewal {
                message: format!(
                    "{refused}: the platform no longer refreshes this token (it invalidates a \
                     token once refreshed, so another program may have refreshed it, or it \
                     expired past its refresh window); set TokenRefresh::api_key so that the \
                     client mints a new token with auth_generate_token, or give it a new token \
                     with Client::set_token"
                ),
                source: Some(Arc::new(refused)),
            }),
        }
    }

    /// Stores a renewal's outcome: the new token (unless one was set meanwhile) and its
    /// expiry, or the failure, its backoff and its report.
    fn settle(
        &self,
        client: &Client,
        generation: u64,
        obtained: Result<Renewed, Error>,
    ) -> Result<(), Arc<Error>> {
        let mut st = self.lock();
        st.flight = None;
        let checked =
            obtained.and_then(|r| crate::client::check_token(&r.access_token).map(|()| r));
        let error = match checked {
            Ok(renewed) => {
                let expiry = Expiry::from_expires_in(renewed.expires_in.as_ref())
                    .or_else(|| Expiry::from_jwt(&renewed.access_token));
                let token = SecretString::from(renewed.access_token);
                if let Some(g) = client.token_cell().set_if(generation, token) {
                    st.expiry = Some((g, expiry));
                }
                (st.failures, st.retry_at, st.last_error) = (0, None, None);
                return Ok(());
            }
            Err(e) => Arc::new(e),
        };
        st.failures = st.failures.saturating_add(1);
        let retry_in = self.config.backoff(st.failures);
        st.retry_at = Instant::now().checked_add(retry_in);
        st.last_error = Some(error.clone());
        let (_, expiry) = Self::current(&mut st, client);
        let failure = RenewalFailure {
            error: error.clone(),
            attempt: st.failures,
            retry_in,
            token_valid_for: expiry.map(|e| e.valid_for(SystemTime::now())),
        };
        drop(st);
        self.announce(&failure);
        Err(error)
    }

    /// Tells `tracing` and the hook about a failed renewal.
    fn announce(&self, failure: &RenewalFailure) {
        #[cfg(feature = "tracing")]
        tracing::warn!(
            target: "qikberry::token",
            attempt = failure.attempt,
            retry_in = ?failure.retry_in,
            token_valid_for = ?failure.token_valid_for,
            error = %failure.error,
            "token renewal failed; the current token stays in use while it is valid"
        );
        if let Some(hook) = &self.config.on_failure {
            hook(failure);
        }
    }

    /// The error of a call left without a token the API accepts: `what` happened, and the
    /// renewal failed (`cause`, or the last failure).
    fn failed(&self, what: &str, cause: Option<Arc<Error>>) -> Error {
        let st = self.lock();
        let cause = cause.or_else(|| st.last_error.clone());
        let mut message = format!("{what}, and renewing it failed");
        if st.failures > 0 {
            let _ = write!(message, " ({} attempt(s) in a row", st.failures);
            if let Some(at) = st.retry_at {
                let next = at.saturating_duration_since(Instant::now());
                let _ = write!(message, "; next attempt in {:.1}s", next.as_secs_f64());
            }
            message.push(')');
        }
        if let Some(cause) = &cause {
            let _ = write!(message, ": {cause}");
        }
        Error::TokenRenewal {
            message,
            source: cause,
        }
    }
}

/// Starts a renewal on its own task (`None` outside a Tokio runtime).
fn spawn_renewal(client: Client, generation: u64) -> Option<Flight> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let task: BoxFuture<'static, Result<(), Arc<Error>>> =
        Box::pin(renewal_task(client, generation));
    let handle = runtime.spawn(task);
    let joined = async move {
        handle.await.unwrap_or_else(|e| {
            Err(Arc::new(Error::TokenRenewal {
                message: format!("the token renewal task stopped: {e}"),
                source: None,
            }))
        })
    };
    Some(joined.boxed().shared())
}

/// The outcome of a renewal that could not start.
fn no_runtime() -> Flight {
    let error = Error::Config("renewing the token needs a Tokio runtime".into());
    futures_util::future::ready(Err(Arc::new(error)))
        .boxed()
        .shared()
}

/// The renewal's task: obtains a new token and stores the outcome.
async fn renewal_task(client: Client, generation: u64) -> Result<(), Arc<Error>> {
    let Some(state) = client.refresh_state() else {
        return Ok(());
    };
    let mut unsettled = Unsettled(Some(client.clone()));
    let obtained = state.obtain(&client).await;
    unsettled.0 = None;
    state.settle(&client, generation, obtained)
}

/// Clears the renewal under way when its task ends before settling (its runtime shut down),
/// so that the next call starts another.
struct Unsettled(Option<Client>);

impl Drop for Unsettled {
    fn drop(&mut self) {
        if let Some(state) = self.0.as_ref().and_then(Client::refresh_state) {
            state.lock().flight = None;
        }
    }
}
