//! [`RedisDedupe`]: webhook de-duplication shared by every replica through Redis (feature
//! `dedupe-redis`).

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};

use super::dedupe::{
    BoxFuture, Claim, DEFAULT_CLAIM_LEASE, DEFAULT_TTL, DedupeError, DedupeStore, STORE_TIMEOUT,
    fingerprint,
};
use super::event::IdempotencyKey;

/// Claims a key unless it is held: `0` new (now claimed for `ARGV[1]` ms), `1` claimed by
/// another delivery, `2` done. One script, so two replicas never both get `0`.
const CLAIM: &str = r"
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'c', 'PX', ARGV[1])
  return 0
end
if v == 'd' then return 2 end
return 1
";

/// Forgets a claim, never a key already done.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == 'c' then return redis.call('DEL', KEYS[1]) end
return 0
";

/// A [`DedupeStore`] on Redis, for several receiver replicas (and restarts).
///
/// Each key is one Redis string under `prefix` + the hex of its 128-bit SHA-256 fingerprint:
/// `c` while claimed (expiring after the claim lease, [`DEFAULT_CLAIM_LEASE`], so a replica
/// that died mid-handler blocks redeliveries only that long), `d` once done (expiring after the
/// retention, [`DEFAULT_TTL`], 36 h, above the platform's ~31 h of retries). Claim and release
/// are Lua scripts (atomic); Redis expires keys itself. About 100 bytes of Redis memory per
/// event. The connection reconnects by itself; while Redis is unreachable every call fails,
/// which the receiver answers 503, so the platform retries — never 2xx without a success.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use std::sync::Arc;
/// use qikberry_webhook::{RedisDedupe, Receiver, Verifier};
///
/// let dedupe = RedisDedupe::connect("redis://127.0.0.1:6379/", "qikberry:webhook:").await?;
/// let receiver = Receiver::with_handler(Verifier::new().bearer_secret("s"), |d| async move {
///     println!("{}", d.key);
///     Ok::<(), std::io::Error>(())
/// })
/// .dedupe(Arc::new(dedupe));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisDedupe {
    conn: ConnectionManager,
    prefix: String,
    ttl: Duration,
    lease: Duration,
    claim: Script,
    release: Script,
}

impl std::fmt::Debug for RedisDedupe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: not shown.
        f.debug_struct("RedisDedupe")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl RedisDedupe {
    /// Connects to `url` (`redis://[:password@]host:port/db`); keys start with `prefix`.
    pub async fn connect(url: &str, prefix: impl Into<String>) -> Result<Self, DedupeError> {
        let conn = crate::redis_conn::connect(url, STORE_TIMEOUT).await?;
        Ok(Self::with_connection(conn, prefix))
    }

    /// Uses a connection you manage; keys start with `prefix`.
    pub fn with_connection(conn: ConnectionManager, prefix: impl Into<String>) -> Self {
        RedisDedupe {
            conn,
            prefix: prefix.into(),
            ttl: DEFAULT_TTL,
            lease: DEFAULT_CLAIM_LEASE,
            claim: Script::new(CLAIM),
            release: Script::new(RELEASE),
        }
    }

    /// Sets how long handled keys are kept (default [`DEFAULT_TTL`]; keep it above
    /// [`super::RETRY_HORIZON`]).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sets how long an unsettled claim blocks redeliveries (default [`DEFAULT_CLAIM_LEASE`]);
    /// keep it above your handler's longest run.
    pub fn with_claim_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    fn redis_key(&self, key: &IdempotencyKey) -> String {
        format!("{}{}", self.prefix, hex::encode(fingerprint(key)))
    }
}

/// Milliseconds for `PX`, at least 1.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl DedupeStore for RedisDedupe {
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let found: i64 = self
                .claim
                .key(self.redis_key(key))
                .arg(millis(self.lease))
                .invoke_async(&mut conn)
                .await?;
            Ok(match found {
                0 => Claim::New,
                2 => Claim::Done,
                _ => Claim::InFlight,
            })
        })
    }

    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let () = conn
                .pset_ex(self.redis_key(key), "d", millis(self.ttl))
                .await?;
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let _: i64 = self
                .release
                .key(self.redis_key(key))
                .invoke_async(&mut conn)
                .await?;
            Ok(())
        })
    }
}
