//! De-duplication of retried events.
//!
//! The platform retries a delivery that did not get a 2xx within 3 seconds, after 10 s, 100 s,
//! 1000 s, … with waits capped at 100 000 s, for about 31 hours in all. A retry of an event you
//! already processed must be acknowledged but not processed again: record each
//! [`IdempotencyKey`] in a [`DedupeStore`] and skip keys already seen.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::event::IdempotencyKey;

/// How long the platform may keep retrying one delivery: about 31 hours.
pub const RETRY_HORIZON: Duration = Duration::from_secs(31 * 3600);

/// The default retention of [`InMemoryDedupe`]: 36 hours, a margin above [`RETRY_HORIZON`].
pub const DEFAULT_TTL: Duration = Duration::from_secs(36 * 3600);

/// The default capacity of [`InMemoryDedupe`].
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A boxed future, as returned by [`DedupeStore`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An error from a [`DedupeStore`] backend (e.g. your database was unreachable).
pub type DedupeError = Box<dyn std::error::Error + Send + Sync>;

/// Where idempotency keys are remembered. Implement it over your own store (SQL, Redis, …) to
/// de-duplicate across restarts or several receiver instances.
///
/// ```
/// use qikberry::webhook::{BoxFuture, DedupeError, DedupeStore, IdempotencyKey};
/// use std::collections::HashSet;
/// use std::sync::Mutex;
///
/// #[derive(Default)]
/// struct Forever(Mutex<HashSet<String>>);
///
/// impl DedupeStore for Forever {
///     fn insert_if_new<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<bool, DedupeError>> {
///         Box::pin(async move { Ok(self.0.lock().map_err(|e| e.to_string())?.insert(key.to_string())) })
///     }
///     fn remove<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
///         Box::pin(async move { self.0.lock().map_err(|e| e.to_string())?.remove(key.as_str()); Ok(()) })
///     }
/// }
/// ```
pub trait DedupeStore: Send + Sync {
    /// Records `key`. Returns `true` if it was not already present (first delivery), `false`
    /// for a duplicate. Must be atomic: of two concurrent calls with one key, one gets `true`.
    fn insert_if_new<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, Result<bool, DedupeError>>;

    /// Forgets `key`, so the next delivery of it is processed. The receiver calls this when it
    /// could not hand an event to your code and answered with an error to get a retry.
    fn remove<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>>;
}

/// A bounded in-memory [`DedupeStore`]: keys expire after a TTL (default 36 h, above the
/// ~31 h retry horizon) and the oldest keys are dropped beyond a capacity (default 100 000).
///
/// Size the capacity for your event rate × TTL: a key evicted early by the capacity bound lets
/// a late retry through as if new.
///
/// ```
/// use qikberry::webhook::{IdempotencyKey, InMemoryDedupe};
/// let d = InMemoryDedupe::default();
/// let k = IdempotencyKey::new("sms:message:status/abc/DELIVRD");
/// assert!(d.check_and_insert(&k));
/// assert!(!d.check_and_insert(&k));
/// ```
#[derive(Debug)]
pub struct InMemoryDedupe {
    ttl: Duration,
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// key → insertion time (the generation used to match the queue entry).
    map: HashMap<IdempotencyKey, (Instant, u64)>,
    /// Insertion order, for expiry and capacity eviction.
    order: VecDeque<(Instant, u64, IdempotencyKey)>,
    next_gen: u64,
}

impl Default for InMemoryDedupe {
    fn default() -> Self {
        Self::new(DEFAULT_TTL, DEFAULT_CAPACITY)
    }
}

impl InMemoryDedupe {
    /// A store with the given retention and capacity (capacity is at least 1).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        InMemoryDedupe {
            ttl,
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The retention.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The capacity bound.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of keys currently remembered (expired ones may still be counted until the next
    /// insertion).
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

    /// Records `key` now; `true` if it was new.
    pub fn check_and_insert(&self, key: &IdempotencyKey) -> bool {
        self.check_and_insert_at(key, Instant::now())
    }

    /// Records `key` as seen at `now`; `true` if it was new (never seen, or seen longer than
    /// the TTL before `now`).
    pub fn check_and_insert_at(&self, key: &IdempotencyKey, now: Instant) -> bool {
        let mut g = self.lock();
        let inner = &mut *g;
        // Expire from the front.
        while let Some((t, generation, k)) = inner.order.front() {
            if now.saturating_duration_since(*t) < self.ttl {
                break;
            }
            if inner.map.get(k).is_some_and(|(_, g2)| g2 == generation) {
                inner.map.remove(k);
            }
            inner.order.pop_front();
        }
        if let Some((t, _)) = inner.map.get(key)
            && now.saturating_duration_since(*t) < self.ttl
        {
            return false;
        }
        let generation = inner.next_gen;
        inner.next_gen = inner.next_gen.wrapping_add(1);
        inner.map.insert(key.clone(), (now, generation));
        inner.order.push_back((now, generation, key.clone()));
        // Capacity: drop the oldest live entries.
        while inner.map.len() > self.capacity {
            let Some((_, generation, k)) = inner.order.pop_front() else {
                break;
            };
            if inner.map.get(&k).is_some_and(|(_, g2)| *g2 == generation) {
                inner.map.remove(&k);
            }
        }
        // Keep the queue from growing without bound through removed keys.
        if inner.order.len() > self.capacity.saturating_mul(2) {
            let map = &inner.map;
            inner
                .order
                .retain(|(_, generation, k)| map.get(k).is_some_and(|(_, g2)| g2 == generation));
        }
        true
    }

    /// Forgets `key`.
    pub fn forget(&self, key: &IdempotencyKey) {
        self.lock().map.remove(key);
    }
}

impl DedupeStore for InMemoryDedupe {
    fn insert_if_new<'a>(
        &'a self,
        key: &'a IdempotencyKey,
    ) -> BoxFuture<'a, Result<bool, DedupeError>> {
        Box::pin(async move { Ok(self.check_and_insert(key)) })
    }

    fn remove<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            self.forget(key);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_and_capacity() {
        let d = InMemoryDedupe::new(Duration::from_secs(10), 3);
        let t0 = Instant::now();
        let k = |s: &str| IdempotencyKey::new(s);
        assert!(d.check_and_insert_at(&k("a"), t0));
        assert!(!d.check_and_insert_at(&k("a"), t0 + Duration::from_secs(9)));
        assert!(d.check_and_insert_at(&k("a"), t0 + Duration::from_secs(10)));
        let t1 = t0 + Duration::from_secs(10);
        assert!(d.check_and_insert_at(&k("b"), t1));
        assert!(d.check_and_insert_at(&k("c"), t1));
        assert!(d.check_and_insert_at(&k("d"), t1));
        assert_eq!(d.len(), 3);
        // "a" (oldest) was evicted by capacity.
        assert!(d.check_and_insert_at(&k("a"), t1));
        d.forget(&k("d"));
        assert!(d.check_and_insert_at(&k("d"), t1));
    }

    #[test]
    fn default_outlives_retry_horizon() {
        const { assert!(DEFAULT_TTL.as_secs() > RETRY_HORIZON.as_secs()) };
        let d = InMemoryDedupe::default();
        let t0 = Instant::now();
        let k = IdempotencyKey::new("x");
        assert!(d.check_and_insert_at(&k, t0));
        assert!(!d.check_and_insert_at(&k, t0 + RETRY_HORIZON));
    }
}
