//! [`WindowLimiter`]: at most `max` starts in any window of `per`, inside one process.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::time::Instant;

use super::{RateLimitError, RateLimiter};

/// At most `max` calls start within any window of `per` (a sliding log of start times), for a
/// quota stated per window such as the platform's 1000 requests per minute: the first `max`
/// go at once, the next waits until the oldest is `per` old. Waiters are served in arrival
/// order. The in-process limiter of [`RateLimitLayer::new`](crate::RateLimitLayer::new) and
/// [`RateLimitLayer::documented`](crate::RateLimitLayer::documented). Never fails.
#[derive(Debug)]
pub struct WindowLimiter {
    max: usize,
    per: Duration,
    /// Start times of the calls inside the current window, oldest first.
    starts: tokio::sync::Mutex<VecDeque<Instant>>,
}

impl WindowLimiter {
    /// At most `max` (at least 1) starts per `per`.
    pub fn new(max: usize, per: Duration) -> Self {
        WindowLimiter {
            max: max.max(1),
            per,
            starts: tokio::sync::Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until `n` (at most `max`) more starts fit in the window, then records them.
    async fn take(&self, n: usize) {
        // The lock is held while waiting, so waiters are served in arrival order.
        let mut starts = self.starts.lock().await;
        loop {
            let now = Instant::now();
            while starts
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.per)
            {
                starts.pop_front();
            }
            if starts.len() + n <= self.max {
                starts.extend(std::iter::repeat_n(now, n));
                return;
            }
            // The window has room for n once the oldest (len + n - max) have expired.
            let Some(t) = starts.get(starts.len() + n - self.max - 1).copied() else {
                return;
            };
            tokio::time::sleep_until(t + self.per).await;
        }
    }
}

impl RateLimiter for WindowLimiter {
    /// Waits until `n` more calls fit in the window. A request for more than `max` at once
    /// waits for an empty window and counts as `max`.
    fn acquire(&self, n: u32) -> BoxFuture<'_, Result<(), RateLimitError>> {
        let n = usize::try_from(n).unwrap_or(usize::MAX).min(self.max);
        Box::pin(async move {
            if n > 0 {
                self.take(n).await;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(at: Duration) -> u128 {
        // Rounded down to 50 ms steps: the waits below are whole multiples of 200 ms.
        at.as_millis() / 50 * 50
    }

    #[tokio::test]
    async fn max_per_window_then_wait_for_the_oldest() {
        let w = WindowLimiter::new(2, Duration::from_millis(200));
        let t0 = Instant::now();
        let mut at = Vec::new();
        for _ in 0..5 {
            w.acquire(1).await.unwrap();
            at.push(ms(t0.elapsed()));
        }
        assert_eq!(at, [0, 0, 200, 200, 400]);
    }

    #[tokio::test]
    async fn several_at_once_fit_together() {
        let w = WindowLimiter::new(3, Duration::from_millis(200));
        let t0 = Instant::now();
        let mut at = Vec::new();
        w.acquire(2).await.unwrap();
        at.push(ms(t0.elapsed()));
        // Only one slot left: two more wait for the window to empty enough.
        w.acquire(2).await.unwrap();
        at.push(ms(t0.elapsed()));
        // More than max counts as max: waits for an empty window.
        w.acquire(9).await.unwrap();
        at.push(ms(t0.elapsed()));
        assert_eq!(at, [0, 200, 400]);
    }
}
