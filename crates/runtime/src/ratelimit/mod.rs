//! Rate limiters: how many calls (REST requests, SMPP message parts) may start, shared by
//! everything that holds the same limiter.
//!
//! A [`RateLimiter`] hands out permission to proceed; [`RateLimitLayer`](crate::RateLimitLayer)
//! asks it before every REST call and the SMPP client
//! (`smpp::Config::message_limiter`, feature `smpp`)
//! before every text. Three ship:
//!
//! - [`LocalLimiter`]: one process, a steady rate with an optional burst (GCRA);
//! - [`WindowLimiter`]: one process, at most `max` starts in any window of `per` (what
//!   [`RateLimitLayer::new`](crate::RateLimitLayer::new) has always done);
//! - `RedisLimiter` (feature `ratelimit-redis`): the same GCRA as [`LocalLimiter`], its state
//!   in one Redis key, so every process (and every client and every SMPP bind in them) using
//!   that key draws from **one account-wide rate**.
//!
//! Because every caller draws from one bucket, there is nothing to divide: an account limit of
//! 200 per second shared by three processes with two SMPP binds each is 200 per second over all
//! six binds, whichever of them is busy, and when a bind (or a whole process) drops out, the
//! others simply get its share.
//!
//! ```
//! use std::sync::Arc;
//! use qikberry::ratelimit::{LocalLimiter, Rate, RateLimiter};
//!
//! # async fn run() -> Result<(), qikberry::ratelimit::RateLimitError> {
//! let account: Arc<dyn RateLimiter> = Arc::new(LocalLimiter::new(Rate::per_second(200.0)));
//! account.acquire(3).await?; // a three-part SMS: all three parts may go now
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;

mod local;
#[cfg(feature = "redis")]
mod redis;
mod window;

pub use local::LocalLimiter;
#[cfg(feature = "redis")]
pub use redis::{REDIS_TIMEOUT, RedisLimiter};
pub use window::WindowLimiter;

/// Something that paces calls: [`acquire`](Self::acquire) returns when the caller may proceed.
///
/// Implementations are shared (`Arc<dyn RateLimiter>`) by every caller that must respect the
/// same limit.
pub trait RateLimiter: fmt::Debug + Send + Sync {
    /// Waits until `n` more calls may start (all `n` together: a multi-part SMS asks once for
    /// all its parts before the first is sent), then returns `Ok`. An `n` of 0 returns at
    /// once.
    ///
    /// Fails only when the limiter cannot decide (its store is unreachable): the caller must
    /// then not proceed, since proceeding would exceed the shared limit.
    ///
    /// Dropping the future while it waits may leave the permits it reserved unused (the rate is
    /// then briefly lower, never higher).
    fn acquire(&self, n: u32) -> BoxFuture<'_, Result<(), RateLimitError>>;
}

/// A limiter could not decide (e.g. its Redis is unreachable); nothing was sent.
#[derive(Debug, thiserror::Error)]
#[error("rate limiter unavailable: {message}")]
pub struct RateLimitError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl RateLimitError {
    /// An error with a message and the underlying cause, if any.
    pub fn new(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        RateLimitError {
            message: message.into(),
            source,
        }
    }
}

/// A steady rate with a burst: one call per [`interval`](Self::interval) on average, and up to
/// [`burst`](Self::burst) calls at once after a quiet period. Over any time span `t` at most
/// `t / interval + burst` calls start (a single [`RateLimiter::acquire`] of more than `burst`
/// permits is let through whole once the rate allows the last of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    interval: Duration,
    burst: u32,
}

/// Shortest interval a [`Rate`] uses (a million calls per second).
const MIN_INTERVAL: Duration = Duration::from_micros(1);

/// Longest interval a [`Rate`] uses (one call a day).
const MAX_INTERVAL: Duration = Duration::from_secs(86_400);

impl Rate {
    /// `per_second` calls per second, evenly spaced (burst 1). A rate that is not a positive
    /// number is clamped to one call a day; above a million per second, to a million.
    pub fn per_second(per_second: f64) -> Self {
        let interval = if per_second.is_finite() && per_second > 0.0 {
            Duration::try_from_secs_f64(1.0 / per_second).unwrap_or(MAX_INTERVAL)
        } else {
            MAX_INTERVAL
        };
        Rate::every(interval)
    }

    /// `count` calls per `per` (at least one call per microsecond, at most one a day), evenly
    /// spaced (burst 1).
    pub fn new(count: u32, per: Duration) -> Self {
        Rate::every(per / count.max(1))
    }

    fn every(interval: Duration) -> Self {
        Rate {
            interval: interval.clamp(MIN_INTERVAL, MAX_INTERVAL),
            burst: 1,
        }
    }

    /// Lets up to `burst` (at least 1) calls start at once after a quiet period.
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The average time between two calls.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How many calls may start at once after a quiet period.
    pub fn burst(&self) -> u32 {
        self.burst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_clamped_not_panicking() {
        assert_eq!(Rate::per_second(200.0).interval(), Duration::from_millis(5));
        assert_eq!(Rate::per_second(f64::NAN).interval(), MAX_INTERVAL);
        assert_eq!(Rate::per_second(-1.0).interval(), MAX_INTERVAL);
        assert_eq!(Rate::per_second(1e-30).interval(), MAX_INTERVAL);
        assert_eq!(Rate::per_second(1e30).interval(), MIN_INTERVAL);
        assert_eq!(
            Rate::new(0, Duration::from_secs(1)).interval(),
            Duration::from_secs(1)
        );
        assert_eq!(
            Rate::new(10, Duration::from_secs(1)).with_burst(0).burst(),
            1
        );
    }
}
