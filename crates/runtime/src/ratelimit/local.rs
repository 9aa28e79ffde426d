//! [`LocalLimiter`]: a steady rate with a burst, inside one process (GCRA).

use std::sync::Mutex;

use futures_util::future::BoxFuture;
use tokio::time::Instant;

use super::{Rate, RateLimitError, RateLimiter};

/// A [`Rate`] for everything in this process that shares the limiter (the generic cell rate
/// algorithm, by reservation: each caller books its permits in arrival order and sleeps until
/// they are due, so waiters are served first come, first served, without polling).
///
/// The default limiter of the SMPP client's
/// `smpp::Config::messages_per_second` (feature `smpp`). Never fails.
#[derive(Debug)]
pub struct LocalLimiter {
    rate: Rate,
    /// Theoretical arrival time: when the next permit is due at the steady rate.
    tat: Mutex<Option<Instant>>,
}

impl LocalLimiter {
    /// A limiter for `rate`.
    pub fn new(rate: Rate) -> Self {
        LocalLimiter {
            rate,
            tat: Mutex::new(None),
        }
    }

    /// The limiter's rate.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Books `n` permits and returns when they are due.
    fn reserve(&self, n: u32) -> Instant {
        let mut tat = self.tat.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let start = tat.map_or(now, |t| t.max(now));
        let end = start + self.rate.interval * n;
        *tat = Some(end);
        // Due once the last of the n permits fits within the burst.
        let ahead = (end - now).saturating_sub(self.rate.interval * self.rate.burst);
        now + ahead
    }
}

impl RateLimiter for LocalLimiter {
    fn acquire(&self, n: u32) -> BoxFuture<'_, Result<(), RateLimitError>> {
        Box::pin(async move {
            if n > 0 {
                tokio::time::sleep_until(self.reserve(n)).await;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Elapsed times are at least the due times, and not much later (a loaded machine gets
    /// `slack`).
    fn assert_due(at: &[Duration], due: &[u64]) {
        let slack = Duration::from_millis(40);
        for (a, d) in at.iter().zip(due) {
            let d = Duration::from_millis(*d);
            assert!(*a >= d && *a < d + slack, "{at:?} vs {due:?} ms");
        }
    }

    #[tokio::test]
    async fn steady_rate_after_the_burst() {
        let l = LocalLimiter::new(Rate::per_second(20.0).with_burst(3));
        let t0 = Instant::now();
        let mut at = Vec::new();
        for _ in 0..6 {
            l.acquire(1).await.unwrap();
            at.push(t0.elapsed());
        }
        assert_due(&at, &[0, 0, 0, 50, 100, 150]);
    }

    #[tokio::test]
    async fn parts_are_acquired_together() {
        let l = LocalLimiter::new(Rate::per_second(20.0));
        let t0 = Instant::now();
        let mut at = Vec::new();
        // Three parts: due when the third fits (100 ms), all at once.
        l.acquire(3).await.unwrap();
        at.push(t0.elapsed());
        // The next caller is behind all three.
        l.acquire(1).await.unwrap();
        at.push(t0.elapsed());
        // Nothing to acquire: no wait, nothing booked.
        l.acquire(0).await.unwrap();
        at.push(t0.elapsed());
        assert_due(&at, &[100, 150, 150]);
    }
}
