//! De-duplication of retried events.
//!
//! The platform retries a delivery that did not get a 2xx within 3 seconds, after 10 s, 100 s,
//! 1000 s, … with waits capped at 100 000 s, for about 31 hours in all. A retry of an event you
//! already processed must be acknowledged but not processed again; a retry of an event whose
//! processing failed must be processed. A [`DedupeStore`] tracks each [`IdempotencyKey`]
//! through three states: absent → *claimed* (being handled) → *done* (kept for the retention
//! window), or back to absent when handling failed ([`DedupeStore::release`]).

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::event::IdempotencyKey;

/// How long the platform may keep retrying one delivery: about 31 hours.
pub const RETRY_HORIZON: Duration = Duration::from_secs(31 * 3600);

/// The default retention of [`InMemoryDedupe`]: 36 hours, a margin above [`RETRY_HORIZON`].
pub const DEFAULT_TTL: Duration = Duration::from_secs(36 * 3600);

/// How long a claim without [`DedupeStore::complete`] or [`DedupeStore::release`] blocks
/// redeliveries in [`InMemoryDedupe`] (a handler that hung or a task that died): 10 minutes.
pub const DEFAULT_CLAIM_LEASE: Duration = Duration::from_secs(600);

/// How long one call to a shared store ([`super::RedisDedupe`], [`super::PostgresDedupe`]) may
/// take before it fails, so an outage is answered 503 at once instead of hanging: 2 s.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// A boxed future, as returned by [`DedupeStore`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An error from a [`DedupeStore`] backend (e.g. your database was unreachable).
pub type DedupeError = Box<dyn std::error::Error + Send + Sync>;

/// What [`DedupeStore::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The key was not known (or had expired): it is now claimed by the caller, who must
    /// later [`complete`](DedupeStore::complete) or [`release`](DedupeStore::release) it.
    New,
    /// Another delivery of the same event is being handled right now. The receiver answers
    /// 503, so the platform retries later and learns the outcome then.
    InFlight,
    /// The event was handled already: acknowledge, do not handle again.
    Done,
}

/// Where idempotency keys are remembered. Implement it over your own store (SQL, Redis, …) to
/// de-duplicate across restarts or several receiver instances.
///
/// A SQL backing, for instance: a table `(key TEXT PRIMARY KEY, state TEXT, at TIMESTAMP)`;
/// `claim` is one `INSERT … ON CONFLICT DO UPDATE … WHERE state = 'claimed' AND at < now() -
/// lease OR at < now() - retention RETURNING …` (atomic), `complete` an `UPDATE … SET
/// state = 'done', at = now()`, `release` a `DELETE … WHERE state = 'claimed'`, and a periodic
/// `DELETE` of rows older than the retention (36 h).
///
/// ```
/// use qikberry_webhook::{BoxFuture, Claim, DedupeError, DedupeStore, IdempotencyKey};
/// use std::collections::HashMap;
/// use std::sync::Mutex;
///
/// /// Remembers forever (a test double; real stores expire keys after 36 h).
/// #[derive(Default)]
/// struct Forever(Mutex<HashMap<String, bool>>); // key → done
///
/// impl DedupeStore for Forever {
///     fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
///         Box::pin(async move {
///             let mut m = self.0.lock().map_err(|e| e.to_string())?;
///             Ok(match m.get(key.as_str()) {
///                 Some(true) => Claim::Done,
///                 Some(false) => Claim::InFlight,
///                 None => { m.insert(key.to_string(), false); Claim::New }
///             })
///         })
///     }
///     fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
///         Box::pin(async move { self.0.lock().map_err(|e| e.to_string())?.insert(key.to_string(), true); Ok(()) })
///     }
///     fn release<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
///         Box::pin(async move { self.0.lock().map_err(|e| e.to_string())?.remove(key.as_str()); Ok(()) })
///     }
/// }
/// ```
/// # What an implementation must guarantee
///
/// * `claim` is atomic: of two concurrent claims of one key (in one process or many), at most
///   one gets [`Claim::New`]. A claim left unsettled (a crashed process) must expire after a
///   lease longer than your handler's longest run, or the event is never handled again.
/// * `complete` and `release` are idempotent and apply to a claim: `release` must not forget
///   a key that is already done.
/// * A `Done` key stays done for at least [`RETRY_HORIZON`] (the platform's retries).
/// * An `Err` from `claim` is answered 503 (the platform retries later); from `complete` or
///   `release` it is logged, and the claim's lease then decides.
///
/// The [`super::Receiver`] runs claim → hand-on → settle in a task of its own: a sender that
/// hangs up does not cancel it between your awaits, so an implementation need not guard
/// against being dropped halfway (it must still not block the runtime's threads).
pub trait DedupeStore: Send + Sync {
    /// Atomically claims `key`: [`Claim::New`] when it was absent (or expired), otherwise what
    /// state it is in. Of two concurrent calls with one key, at most one gets `New`.
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<Claim, DedupeError>>;

    /// Marks a claimed key as handled; it stays [`Claim::Done`] for the retention window.
    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>>;

    /// Forgets a claim whose handling failed, so the next delivery of it is handled.
    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>>;
}

/// An in-memory [`DedupeStore`] bounded by **time**: a handled key is kept for a retention
/// window (default [`DEFAULT_TTL`], 36 h, above the ~31 h retry horizon) whatever the event
/// rate, so a burst never evicts a key a late retry still needs.
///
/// Keys are stored as 128-bit SHA-256 fingerprints, about 60 bytes each with bookkeeping: at
/// 10 events/s sustained, 36 h is 1.3 million keys, roughly 80 MB. If memory must be capped,
/// [`InMemoryDedupe::with_max_keys`] drops the oldest keys beyond a count (a late retry of an
/// evicted key is then handled twice). The store lives in the process: use your own
/// [`DedupeStore`] to survive restarts or share it between instances.
///
/// ```
/// use qikberry_webhook::{IdempotencyKey, InMemoryDedupe};
/// let d = InMemoryDedupe::default();
/// let k = IdempotencyKey::new("sms:message:status/abc/DELIVRD");
/// assert!(d.check_and_insert(&k));
/// assert!(!d.check_and_insert(&k));
/// ```
#[derive(Debug)]
pub struct InMemoryDedupe {
    ttl: Duration,
    lease: Duration,
    max_keys: Option<usize>,
    origin: Instant,
    inner: Mutex<Inner>,
}

pub(crate) type Fingerprint = [u8; 16];

#[derive(Debug, Clone, Copy)]
struct Entry {
    done: bool,
    /// When claimed or completed, in seconds since `origin`.
    at: u32,
    generation: u64,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Fingerprint, Entry>,
    /// (time, generation, key) in time order, for expiry; stale records are skipped.
    order: VecDeque<(u32, u64, Fingerprint)>,
    next_gen: u64,
}

impl Default for InMemoryDedupe {
    fn default() -> Self {
        Self::new(DEFAULT_TTL)
    }
}

/// The 128-bit SHA-256 fingerprint every store keeps instead of the key itself (bounded
/// size, no event data in the store).
pub(crate) fn fingerprint(key: &IdempotencyKey) -> Fingerprint {
    let d = Sha256::digest(key.as_str().as_bytes());
    let mut f = [0u8; 16];
    f.copy_from_slice(&d[..16]);
    f
}

impl InMemoryDedupe {
    /// A store keeping handled keys for `ttl`, without a count limit.
    pub fn new(ttl: Duration) -> Self {
        InMemoryDedupe {
            ttl,
            lease: DEFAULT_CLAIM_LEASE,
            max_keys: None,
            origin: Instant::now(),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Also drops the oldest keys beyond `max` (at least 1). Only for memory caps: an early
    /// eviction lets a late retry through as new.
    pub fn with_max_keys(mut self, max: usize) -> Self {
        self.max_keys = Some(max.max(1));
        self
    }

    /// Sets how long an unfinished claim blocks redeliveries (default
    /// [`DEFAULT_CLAIM_LEASE`]).
    pub fn with_claim_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The retention of handled keys.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Number of keys currently remembered (expired ones may be counted until the next claim).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// True when no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters for de-duplication, so a poisoned lock is simply reused.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn secs(&self, now: Instant) -> u32 {
        u32::try_from(now.saturating_duration_since(self.origin).as_secs()).unwrap_or(u32::MAX)
    }

    /// Claims and completes `key` now; `true` if it was new (the fast-ack path).
    pub fn check_and_insert(&self, key: &IdempotencyKey) -> bool {
        self.check_and_insert_at(key, Instant::now())
    }

    /// Claims and completes `key` at `now`; `true` if it was new.
    pub fn check_and_insert_at(&self, key: &IdempotencyKey, now: Instant) -> bool {
        let new = self.claim_at(key, now) == Claim::New;
        if new {
            self.complete_at(key, now);
        }
        new
    }

    /// [`DedupeStore::claim`] at `now`.
    pub fn claim_at(&self, key: &IdempotencyKey, now: Instant) -> Claim {
        let fp = fingerprint(key);
        let t = self.secs(now);
        let mut g = self.lock();
        self.expire(&mut g, t);
        if let Some(e) = g.map.get(&fp) {
            let age = Duration::from_secs(u64::from(t.saturating_sub(e.at)));
            if e.done {
                return Claim::Done;
            }
            if age < self.lease {
                return Claim::InFlight;
            }
        }
        Self::record(&mut g, fp, t, false);
        if let Some(max) = self.max_keys {
            while g.map.len() > max {
                let Some((_, generation, k)) = g.order.pop_front() else {
                    break;
                };
                if g.map.get(&k).is_some_and(|e| e.generation == generation) {
                    g.map.remove(&k);
                }
            }
        }
        Claim::New
    }

    /// [`DedupeStore::complete`] at `now`: the retention starts now.
    pub fn complete_at(&self, key: &IdempotencyKey, now: Instant) {
        let t = self.secs(now);
        Self::record(&mut self.lock(), fingerprint(key), t, true);
    }

    /// Forgets `key`, claimed or done.
    pub fn forget(&self, key: &IdempotencyKey) {
        self.lock().map.remove(&fingerprint(key));
    }

    /// [`DedupeStore::release`]: forgets `key` if it is claimed, never a key already done.
    pub fn release_claim(&self, key: &IdempotencyKey) {
        let fp = fingerprint(key);
        let mut g = self.lock();
        if g.map.get(&fp).is_some_and(|e| !e.done) {
            g.map.remove(&fp);
        }
    }

    fn record(inner: &mut Inner, fp: Fingerprint, t: u32, done: bool) {
        let generation = inner.next_gen;
        inner.next_gen = inner.next_gen.wrapping_add(1);
        inner.map.insert(
            fp,
            Entry {
                done,
                at: t,
                generation,
            },
        );
        inner.order.push_back((t, generation, fp));
    }

    /// Drops keys older than the retention, and stale queue records.
    fn expire(&self, inner: &mut Inner, t: u32) {
        let ttl = u32::try_from(self.ttl.as_secs()).unwrap_or(u32::MAX);
        while let Some(&(at, generation, k)) = inner.order.front() {
            let current = inner
                .map
                .get(&k)
                .is_some_and(|e| e.generation == generation);
            if current && t.saturating_sub(at) < ttl {
                break;
            }
            if current {
                inner.map.remove(&k);
            }
            inner.order.pop_front();
        }
        // Records superseded by a later claim/complete stay queued until they reach the front;
        // compact when they dominate.
        if inner.order.len() > inner.map.len().saturating_mul(2).saturating_add(1024) {
            let map = &inner.map;
            inner.order.retain(|(_, generation, k)| {
                map.get(k).is_some_and(|e| e.generation == *generation)
            });
        }
    }
}

impl DedupeStore for InMemoryDedupe {
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        Box::pin(async move { Ok(self.claim_at(key, Instant::now())) })
    }

    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            self.complete_at(key, Instant::now());
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            self.release_claim(key);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> IdempotencyKey {
        IdempotencyKey::new(s)
    }

    #[test]
    fn retention_is_by_time() {
        let d = InMemoryDedupe::new(Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(d.check_and_insert_at(&k("a"), t0));
        assert!(!d.check_and_insert_at(&k("a"), t0 + Duration::from_secs(9)));
        assert!(d.check_and_insert_at(&k("a"), t0 + Duration::from_secs(11)));
        d.forget(&k("a"));
        assert!(d.check_and_insert_at(&k("a"), t0 + Duration::from_secs(11)));
    }

    #[test]
    fn a_burst_does_not_evict_keys_inside_the_window() {
        // 200 000 keys within the window (twice the old fixed capacity): the first one is
        // still a duplicate at the end of the retry horizon.
        let d = InMemoryDedupe::default();
        let t0 = Instant::now();
        assert!(d.check_and_insert_at(&k("first"), t0));
        for i in 0..200_000u32 {
            d.check_and_insert_at(&k(&i.to_string()), t0 + Duration::from_secs(1));
        }
        assert_eq!(d.len(), 200_001);
        assert!(!d.check_and_insert_at(&k("first"), t0 + RETRY_HORIZON));
        // …and it is gone after the retention.
        assert!(d.check_and_insert_at(&k("first"), t0 + DEFAULT_TTL + Duration::from_secs(2)));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn claims_block_until_completed_released_or_lease_over() {
        let d = InMemoryDedupe::default().with_claim_lease(Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(d.claim_at(&k("x"), t0), Claim::New);
        assert_eq!(d.claim_at(&k("x"), t0), Claim::InFlight);
        d.forget(&k("x"));
        assert_eq!(d.claim_at(&k("x"), t0), Claim::New);
        d.complete_at(&k("x"), t0);
        assert_eq!(d.claim_at(&k("x"), t0), Claim::Done);
        assert_eq!(d.claim_at(&k("y"), t0), Claim::New);
        assert_eq!(
            d.claim_at(&k("y"), t0 + Duration::from_secs(61)),
            Claim::New
        );
    }

    #[test]
    fn optional_count_cap_drops_oldest() {
        let d = InMemoryDedupe::default().with_max_keys(2);
        let t0 = Instant::now();
        for s in ["a", "b", "c"] {
            assert!(d.check_and_insert_at(&k(s), t0));
        }
        assert_eq!(d.len(), 2);
        assert!(d.check_and_insert_at(&k("a"), t0));
    }
}
