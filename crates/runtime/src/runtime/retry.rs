//! [`RetryLayer`]: repeats idempotent calls on transient failures.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::{Method, StatusCode};

use super::{Layer, Next, PreparedRequest, Response, parse_retry_after};
use crate::Error;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
