//! The sandbox's fault injection on the REST side: a token bucket for `--throttle`, and the
//! seeded draws that decide which sends fail (`--fail-rate`), which are accepted and then
//! dropped (`--drop-after-accept`) and which receipts fail (`--receipt-fail-rate`).
//!
//! A draw depends only on the seed, what is drawn and a key (for a send with a `custom`
//! reference: the reference and how many times it was sent before; for a receipt: the
//! message id), never on the order in which concurrent requests arrive, so the same `--seed`
//! and the same requests give the same faults.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What `--throttle`, `--fail-rate`, `--drop-after-accept`, `--receipt-delay`,
/// `--receipt-fail-rate` and `--seed` asked for.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Sends per second above which sends get 429 (none: no limit).
    pub throttle: Option<f64>,
    /// Probability that a send is answered 500 without being accepted.
    pub fail_rate: f64,
    /// Probability that an accepted send's connection is closed without an answer.
    pub drop_after_accept: f64,
    /// Time between acceptance and the delivery receipt.
    pub receipt_delay: Duration,
    /// Probability that a receipt reports a failure (`UNDELIV`) instead of `DELIVRD`.
    pub receipt_fail_rate: f64,
    /// Seed of every draw.
    pub seed: u64,
}

/// What is drawn; part of the key, so the draws for different faults are independent.
#[derive(Debug, Clone, Copy)]
pub enum Draw {
    /// A 500 instead of accepting.
    Fail,
    /// Accepted, then the connection is closed.
    Drop,
    /// A failed delivery receipt.
    ReceiptFail,
}

impl Settings {
    /// Whether the draw `what` for `key` comes out true.
    pub fn draw(&self, what: Draw, key: &str) -> bool {
        let p = match what {
            Draw::Fail => self.fail_rate,
            Draw::Drop => self.drop_after_accept,
            Draw::ReceiptFail => self.receipt_fail_rate,
        };
        if p <= 0.0 {
            return false;
        }
        let mut h = self.seed ^ (what as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for b in key.bytes() {
            h = splitmix((h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3));
        }
        // 53 random bits as a number in [0, 1).
        ((splitmix(h) >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// One step of SplitMix64: a well-mixed 64-bit value from `x`.
pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A token bucket of `rate` tokens per second holding at most one second's worth.
#[derive(Debug)]
pub struct Bucket {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    /// A full bucket for `rate` requests per second.
    pub fn new(rate: f64) -> Self {
        Bucket {
            rate,
            state: Mutex::new((rate.max(1.0), Instant::now())),
        }
    }

    /// Takes a token; `Err(wait)` when there is none, with the time until there is one.
    pub fn take(&self) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let (tokens, last) = *state;
        let tokens =
            (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.rate.max(1.0));
        if tokens >= 1.0 {
            *state = (tokens - 1.0, now);
            Ok(())
        } else {
            *state = (tokens, now);
            Err(Duration::from_secs_f64((1.0 - tokens) / self.rate))
        }
    }
}

/// Parses `--throttle`'s `N/s` (or a bare `N`): requests per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let number = text.strip_suffix("/s").unwrap_or(text);
    match number.trim().parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate.is_finite() => Ok(rate),
        _ => Err(format!(
            "`--throttle`: `{text}` is not a rate such as `100/s`"
        )),
    }
}

/// Parses a probability between 0 and 1 for the option `name`.
pub fn parse_probability(text: &str, name: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{name}`: `{text}` is not a probability between 0 and 1"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_follow_the_rate_and_the_seed() {
        let s = Settings {
            fail_rate: 0.3,
            seed: 7,
            ..Settings::default()
        };
        let hits = (0..10_000)
            .filter(|i| s.draw(Draw::Fail, &format!("ref-{i}#0")))
            .count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
        let again = (0..10_000)
            .filter(|i| s.draw(Draw::Fail, &format!("ref-{i}#0")))
            .count();
        assert_eq!(hits, again);
        let other = Settings {
            seed: 8,
            ..s.clone()
        };
        let differs = (0..100).any(|i| {
            let key = format!("ref-{i}#0");
            s.draw(Draw::Fail, &key) != other.draw(Draw::Fail, &key)
        });
        assert!(differs);
        assert!(!s.draw(Draw::Drop, "x"), "a zero rate never hits");
    }

    #[test]
    fn the_bucket_refuses_above_its_rate_with_the_wait() {
        let bucket = Bucket::new(2.0);
        assert!(bucket.take().is_ok());
        assert!(bucket.take().is_ok());
        let wait = bucket.take().expect_err("empty");
        assert!(wait <= Duration::from_millis(500), "{wait:?}");
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(parse_rate("50/s"), Ok(50.0));
        assert!(parse_rate("fast").unwrap_err().contains("--throttle"));
        assert!(
            parse_probability("1.5", "--fail-rate")
                .unwrap_err()
                .contains("--fail-rate")
        );
    }
}
