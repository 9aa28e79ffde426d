//! [`RateLimitLayer`]: waits for a permit before a call is sent.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::{Layer, Next, PreparedRequest, Response};
use crate::Error;
use crate::ratelimit::{RateLimiter, WindowLimiter};

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
/// it after a [`RetryLayer`](super::RetryLayer) to count every attempt, before it to count calls.
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
