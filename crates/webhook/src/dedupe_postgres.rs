//! [`PostgresDedupe`]: webhook de-duplication shared by every replica through PostgreSQL
//! (feature `dedupe-postgres`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::RwLock;
use tokio_postgres::{Client, NoTls, Statement};

use super::dedupe::{
    BoxFuture, Claim, DEFAULT_CLAIM_LEASE, DEFAULT_TTL, DedupeError, DedupeStore, STORE_TIMEOUT,
    fingerprint,
};
use super::event::IdempotencyKey;

/// The table [`PostgresDedupe::connect`] uses unless told otherwise.
pub const DEFAULT_TABLE: &str = "qikberry_webhook_dedupe";

/// Expired rows are deleted once every this many claims (one indexed `DELETE`).
const PURGE_EVERY: u64 = 1024;

/// A [`DedupeStore`] on PostgreSQL, for several receiver replicas (and restarts).
///
/// One row per event: `key` (the 16-byte SHA-256 fingerprint of the idempotency key),
/// `done`, and `expires_at` — the end of the claim lease ([`DEFAULT_CLAIM_LEASE`]) while
/// claimed, the end of the retention ([`DEFAULT_TTL`], 36 h, above the platform's ~31 h of
/// retries) once done. A claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE expires_at <=
/// now()` (atomic across replicas: a lapsed claim or expired key is taken over), release a
/// `DELETE` of a row still claimed, and expired rows are purged every 1,024 claims
/// ([`PostgresDedupe::purge_expired`] does it on demand). The table is created if missing.
///
/// One connection, pipelined; it is made again after it broke. Every call is bounded by
/// [`STORE_TIMEOUT`]: while PostgreSQL is unreachable, calls fail and the receiver answers 503,
/// so the platform retries — never 2xx without a success. TLS is not built in: reach a remote
/// server through a tunnel or sidecar, or implement [`DedupeStore`] over your own pool.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use std::sync::Arc;
/// use qikberry_webhook::{PostgresDedupe, Receiver, Verifier};
///
/// let dedupe = PostgresDedupe::connect("host=127.0.0.1 user=app dbname=app").await?;
/// let receiver = Receiver::with_handler(Verifier::new().bearer_secret("s"), |d| async move {
///     println!("{}", d.key);
///     Ok::<(), std::io::Error>(())
/// })
/// .dedupe(Arc::new(dedupe));
/// # Ok(()) }
/// ```
pub struct PostgresDedupe {
    config: tokio_postgres::Config,
    table: String,
    ttl: Duration,
    lease: Duration,
    session: RwLock<Option<Arc<Session>>>,
    claims: AtomicU64,
}

impl std::fmt::Debug for PostgresDedupe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration may carry a password: not shown.
        f.debug_struct("PostgresDedupe")
            .field("table", &self.table)
            .field("ttl", &self.ttl)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

/// A live connection and its prepared statements.
struct Session {
    client: Client,
    claim: Statement,
    complete: Statement,
    release: Statement,
    purge: Statement,
}

/// Runs `f` within [`STORE_TIMEOUT`].
async fn bounded<T, E>(f: impl Future<Output = Result<T, E>>) -> Result<T, DedupeError>
where
    E: Into<DedupeError>,
{
    match tokio::time::timeout(STORE_TIMEOUT, f).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err("the PostgreSQL dedupe store did not answer in time".into()),
    }
}

impl PostgresDedupe {
    /// Connects with a libpq-style configuration (`host=… user=… dbname=…` or a
    /// `postgresql://` URL), using the table [`DEFAULT_TABLE`] (created if missing).
    pub async fn connect(config: &str) -> Result<Self, DedupeError> {
        Self::connect_table(config, DEFAULT_TABLE).await
    }

    /// Like [`PostgresDedupe::connect`], with your own table name (letters, digits and `_`,
    /// not starting with a digit; at most 48 characters).
    pub async fn connect_table(config: &str, table: &str) -> Result<Self, DedupeError> {
        let valid = !table.is_empty()
            && table.len() <= 48
            && !table.starts_with(|c: char| c.is_ascii_digit())
            && table
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err(
                format!("dedupe table name {table:?} is not a plain SQL identifier").into(),
            );
        }
        let store = PostgresDedupe {
            config: config.parse()?,
            table: table.to_owned(),
            ttl: DEFAULT_TTL,
            lease: DEFAULT_CLAIM_LEASE,
            session: RwLock::new(None),
            claims: AtomicU64::new(0),
        };
        store.session().await?;
        Ok(store)
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

    /// Deletes expired rows now; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, DedupeError> {
        let s = self.session().await?;
        bounded(s.client.execute(&s.purge, &[])).await
    }

    /// The live session, connecting (and creating the table) when there is none or it broke.
    async fn session(&self) -> Result<Arc<Session>, DedupeError> {
        if let Some(s) = self.session.read().await.as_ref()
            && !s.client.is_closed()
        {
            return Ok(s.clone());
        }
        let mut slot = self.session.write().await;
        if let Some(s) = slot.as_ref()
            && !s.client.is_closed()
        {
            return Ok(s.clone());
        }
        let session = Arc::new(bounded(self.open()).await?);
        *slot = Some(session.clone());
        Ok(session)
    }

    async fn open(&self) -> Result<Session, tokio_postgres::Error> {
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            // Its end is seen by the next call (`is_closed`), which connects again.
            let _ = connection.await;
        });
        let t = &self.table;
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {t} (key bytea PRIMARY KEY, done boolean NOT NULL, \
             expires_at timestamptz NOT NULL); \
             CREATE INDEX IF NOT EXISTS {t}_expires_at ON {t} (expires_at)"
        );
        if let Err(e) = client.batch_execute(&create).await {
            // Two replicas creating the table at once: one of them loses the race, harmlessly.
            let raced = e.code().is_some_and(|c| {
                *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
                    || *c == tokio_postgres::error::SqlState::DUPLICATE_TABLE
            });
            if !raced {
                return Err(e);
            }
        }
        let claim = client
            .prepare(&format!(
                "WITH claimed AS (INSERT INTO {t} AS d (key, done, expires_at) \
                 VALUES ($1, false, now() + make_interval(secs => $2)) \
                 ON CONFLICT (key) DO UPDATE SET done = false, expires_at = EXCLUDED.expires_at \
                 WHERE d.expires_at <= now() RETURNING 0::int4 AS state) \
                 SELECT state FROM claimed UNION ALL \
                 SELECT CASE WHEN done THEN 2 ELSE 1 END::int4 FROM {t} \
                 WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)"
            ))
            .await?;
        let complete = client
            .prepare(&format!(
                "INSERT INTO {t} (key, done, expires_at) \
                 VALUES ($1, true, now() + make_interval(secs => $2)) \
                 ON CONFLICT (key) DO UPDATE SET done = true, expires_at = EXCLUDED.expires_at"
            ))
            .await?;
        let release = client
            .prepare(&format!("DELETE FROM {t} WHERE key = $1 AND NOT done"))
            .await?;
        let purge = client
            .prepare(&format!("DELETE FROM {t} WHERE expires_at < now()"))
            .await?;
        Ok(Session {
            client,
            claim,
            complete,
            release,
            purge,
        })
    }
}

impl DedupeStore for PostgresDedupe {
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        Box::pin(async move {
            let s = self.session().await?;
            let fp = fingerprint(key);
            let lease = self.lease.as_secs_f64();
            let row = bounded(s.client.query_opt(&s.claim, &[&&fp[..], &lease])).await?;
            if self.claims.fetch_add(1, Ordering::Relaxed) % PURGE_EVERY == PURGE_EVERY - 1 {
                bounded(s.client.execute(&s.purge, &[])).await?;
            }
            // No row: another replica inserted it after this statement's snapshot was taken,
            // so it is being handled right now.
            Ok(match row.map(|r| r.get::<_, i32>(0)) {
                Some(0) => Claim::New,
                Some(2) => Claim::Done,
                _ => Claim::InFlight,
            })
        })
    }

    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            let s = self.session().await?;
            let fp = fingerprint(key);
            let ttl = self.ttl.as_secs_f64();
            bounded(s.client.execute(&s.complete, &[&&fp[..], &ttl])).await?;
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            let s = self.session().await?;
            let fp = fingerprint(key);
            bounded(s.client.execute(&s.release, &[&&fp[..]])).await?;
            Ok(())
        })
    }
}
