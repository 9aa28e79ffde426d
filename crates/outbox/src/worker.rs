//! [`Worker`]: claims messages, sends them within the account's rate, records every outcome,
//! moves crashed workers' claims into doubt and settles REST doubts by reference.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use qikberry_runtime::ratelimit::RateLimiter;
use qikberry_text::sms_text::{EncodingChoice, segments};
use tokio::sync::watch;

use crate::StatusEvent;
use crate::error::Result;
use crate::outbox::Outbox;
use crate::store::sql::now_ms;
use crate::store::{Accepted, Channel, Claimed, Doubt, Outcome, Resolution};
use crate::transport::{Found, Transport};

/// How a [`Worker`] works. `Default` suits a REST account of a few hundred messages a second.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkerConfig {
    /// A name for the worker; its lease owner id is the name plus a suffix unique to this run
    /// (a restarted worker never takes over the leases of its crashed predecessor).
    pub name: String,
    /// Messages claimed at once.
    pub batch: usize,
    /// Sends in flight at once.
    pub concurrency: usize,
    /// How long a claim is held without news (renewed every third of it while the worker
    /// lives). When it passes, the claim goes into doubt. Keep it well above the longest
    /// send (the client's timeout).
    pub lease: Duration,
    /// Wait between claims when the queue is empty.
    pub poll: Duration,
    /// How often leases are expired and doubts looked up.
    pub maintenance: Duration,
    /// The account-wide rate (e.g. a `RedisLimiter` shared by every worker): one permit per
    /// SMS part before each send. `None`: unpaced here (pace in the client instead:
    /// `RateLimitLayer`, or the SMPP client's `message_limiter` — not both).
    pub limiter: Option<Arc<dyn RateLimiter>>,
    /// A REST message in doubt is resent only once it was not found for this long (the
    /// platform's status lags behind its sends)...
    pub grace: Duration,
    /// ... and after at least this many lookups.
    pub min_lookups: i64,
    /// Wait between two lookups of the same message.
    pub lookup_interval: Duration,
    /// Reports for ids no message has are kept this long (a receipt can overtake the send's
    /// answer by seconds; older ones are someone else's).
    pub keep_pending: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            name: "worker".into(),
            batch: 64,
            concurrency: 16,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(200),
            maintenance: Duration::from_secs(1),
            limiter: None,
            grace: Duration::from_secs(120),
            min_lookups: 3,
            lookup_interval: Duration::from_secs(20),
            keep_pending: Duration::from_secs(7 * 86_400),
        }
    }
}

impl WorkerConfig {
    /// The defaults with this name.
    pub fn named(name: impl Into<String>) -> Self {
        WorkerConfig {
            name: name.into(),
            ..WorkerConfig::default()
        }
    }
}

/// What a worker did (one batch, one maintenance pass, or its whole run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Messages claimed.
    pub claimed: u64,
    /// Sends accepted by the platform.
    pub accepted: u64,
    /// Sends refused.
    pub refused: u64,
    /// Sends that surely did not go out, queued again.
    pub not_sent: u64,
    /// Sends in doubt.
    pub unknown: u64,
    /// Claims given back unsent at shutdown.
    pub released: u64,
    /// Claims of other (crashed) workers moved into doubt.
    pub expired: u64,
    /// Doubts found on the platform (submitted, never resent).
    pub found: u64,
    /// Doubts not found after the grace period (queued again).
    pub not_found: u64,
}

impl std::ops::AddAssign for Report {
    fn add_assign(&mut self, o: Report) {
        self.claimed += o.claimed;
        self.accepted += o.accepted;
        self.refused += o.refused;
        self.not_sent += o.not_sent;
        self.unknown += o.unknown;
        self.released += o.released;
        self.expired += o.expired;
        self.found += o.found;
        self.not_found += o.not_found;
    }
}

/// Sends the outbox's messages through one [`Transport`].
///
/// Run as many as you like, in as many processes as the store allows (any number with
/// `PostgresStore`; several processes on one machine with `SqliteStore`). A worker killed
/// at any point loses nothing: its claims expire into doubt and are settled by the other
/// workers (or by itself after a restart).
///
/// ```no_run
/// # async fn run(outbox: qikberry_outbox::Outbox, transport: std::sync::Arc<dyn qikberry_outbox::Transport>) -> qikberry_outbox::Result<()> {
/// use qikberry_outbox::{Worker, WorkerConfig};
/// let worker = Worker::new(&outbox, transport, WorkerConfig::named("w1"));
/// let report = worker.run(async { tokio::signal::ctrl_c().await.ok(); }).await?;
/// println!("{report:?}");
/// # Ok(()) }
/// ```
pub struct Worker {
    outbox: Outbox,
    transport: Arc<dyn Transport>,
    config: WorkerConfig,
    id: String,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("id", &self.id)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// A worker of `outbox` sending through `transport`.
    pub fn new(outbox: &Outbox, transport: Arc<dyn Transport>, config: WorkerConfig) -> Worker {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}#{}.{nanos:09}.{seq}", config.name, std::process::id());
        Worker {
            outbox: outbox.clone(),
            transport,
            config,
            id,
            stop: watch::channel(false).0,
        }
    }

    /// The lease owner id (name, process id, start time).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Asks the worker to stop: it claims nothing more, finishes and records the sends under
    /// way, and gives back the claims it had not started. [`run`](Self::run) then returns.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Works until `shutdown` completes (or [`stop`](Self::stop)), then stops gracefully and
    /// returns what it did. A store error ends the run with that error (claims it held are
    /// settled by expiry).
    pub async fn run(&self, shutdown: impl Future<Output = ()>) -> Result<Report> {
        let work = self.work();
        tokio::pin!(work);
        tokio::select! {
            r = &mut work => r,
            () = shutdown => {
                self.stop();
                work.await
            }
        }
    }

    async fn work(&self) -> Result<Report> {
        let mut total = Report::default();
        let mut stop = self.stop.subscribe();
        let mut last_maintenance: Option<Instant> = None;
        while !self.stopping() {
            if last_maintenance.is_none_or(|t| t.elapsed() >= self.config.maintenance) {
                total += self.maintain().await?;
                last_maintenance = Some(Instant::now());
            }
            let done = self.send_batch().await?;
            let idle = done.claimed == 0;
            total += done;
            if idle {
                let _ = tokio::time::timeout(self.config.poll, stop.wait_for(|s| *s)).await;
            }
        }
        Ok(total)
    }

    /// Claims one batch, sends it (within the rate, `concurrency` at once) and records every
    /// outcome; claims not started when a stop comes are given back.
    pub async fn send_batch(&self) -> Result<Report> {
        let mut report = Report::default();
        if self.stopping() {
            return Ok(report);
        }
        let store = self.outbox.store();
        let channel = self.transport.channel();
        let claims = store
            .claim(
                self.id.clone(),
                channel,
                self.config.batch,
                self.config.lease,
            )
            .await?;
        report.claimed = claims.len() as u64;
        let sends = futures_util::stream::iter(claims)
            .map(|c| async move {
                let outcome = self.send_one(&c).await;
                (c, outcome)
            })
            .buffer_unordered(self.config.concurrency.max(1))
            .ready_chunks(self.config.batch.max(1));
        tokio::pin!(sends);
        let every = (self.config.lease / 3).max(Duration::from_millis(10));
        let mut renew = tokio::time::interval(every);
        renew.tick().await;
        loop {
            tokio::select! {
                chunk = sends.next() => match chunk {
                    Some(chunk) => report += self.settle(chunk).await?,
                    None => break,
                },
                _ = renew.tick() => {
                    store.renew(self.id.clone(), self.config.lease).await?;
                }
            }
        }
        Ok(report)
    }

    /// Waits for the rate, then sends; `None` when a stop came first.
    async fn send_one(&self, claim: &Claimed) -> Option<Outcome> {
        if self.stopping() {
            return None;
        }
        if let Some(limiter) = &self.config.limiter {
            let parts = segments(&claim.message.text, EncodingChoice::Auto).count;
            let parts = u32::try_from(parts.max(1)).unwrap_or(u32::MAX);
            let mut stop = self.stop.subscribe();
            tokio::select! {
                r = limiter.acquire(parts) => if let Err(e) = r {
                    return Some(Outcome::NotSent {
                        error: e.to_string(),
                        retry_after: Duration::from_secs(1),
                    });
                },
                _ = stop.wait_for(|s| *s) => return None,
            }
        }
        Some(self.transport.send(&claim.message, &claim.reference).await)
    }

    /// Records a chunk of outcomes and gives back the claims not sent.
    async fn settle(&self, chunk: Vec<(Claimed, Option<Outcome>)>) -> Result<Report> {
        let mut report = Report::default();
        let mut outcomes = Vec::with_capacity(chunk.len());
        let mut unsent = Vec::new();
        for (claim, outcome) in chunk {
            match outcome {
                Some(o) => {
                    match &o {
                        Outcome::Accepted(_) => report.accepted += 1,
                        Outcome::Refused { .. } => report.refused += 1,
                        Outcome::NotSent { .. } => report.not_sent += 1,
                        Outcome::Unknown { .. } => report.unknown += 1,
                    }
                    outcomes.push((claim, o));
                }
                None => unsent.push(claim),
            }
        }
        let store = self.outbox.store();
        if !outcomes.is_empty() {
            for change in store.record(outcomes).await? {
                self.outbox.publish(change);
            }
        }
        if !unsent.is_empty() {
            report.released = store.release(self.id.clone(), unsent).await?;
        }
        Ok(report)
    }

    /// Moves expired claims (of crashed workers) into doubt, then — for a REST transport —
    /// looks up the doubts that are due: found → submitted with the platform's ids (never
    /// resent); not found after [`grace`](WorkerConfig::grace) and
    /// [`min_lookups`](WorkerConfig::min_lookups) → queued again; otherwise (not found yet,
    /// or the lookup failed) looked up again later.
    pub async fn maintain(&self) -> Result<Report> {
        let store = self.outbox.store();
        let mut report = Report::default();
        let expired = store.expire(self.config.keep_pending).await?;
        report.expired = expired.len() as u64;
        for change in expired {
            self.outbox.publish(change);
        }
        if self.transport.channel() != Channel::Rest {
            return Ok(report);
        }
        let lookup_lease = self.config.lease;
        let doubts = store.doubts(self.config.batch, lookup_lease).await?;
        for doubt in doubts {
            let resolution = self.resolution(&doubt).await;
            match resolution {
                Resolution::Found(..) => report.found += 1,
                Resolution::NotFound => report.not_found += 1,
                _ => {}
            }
            if let Some(change) = store.resolve(doubt, resolution).await? {
                self.outbox.publish(change);
            }
        }
        Ok(report)
    }

    async fn resolution(&self, doubt: &Doubt) -> Resolution {
        let retry_in = self.config.lookup_interval;
        match self.transport.lookup(&doubt.reference).await {
            Ok(found) if !found.is_empty() => found_resolution(found, &doubt.reference),
            Ok(_) => {
                let waited = now_ms().saturating_sub(doubt.since);
                let grace = i64::try_from(self.config.grace.as_millis()).unwrap_or(i64::MAX);
                if waited >= grace && doubt.lookups >= self.config.min_lookups {
                    Resolution::NotFound
                } else {
                    Resolution::Retry {
                        note: format!(
                            "in doubt; not found by reference yet (lookup {})",
                            doubt.lookups
                        ),
                        retry_in,
                    }
                }
            }
            Err(e) => Resolution::Retry {
                note: format!("in doubt; lookup by reference failed: {e}"),
                retry_in,
            },
        }
    }
}

fn found_resolution(found: Vec<Found>, reference: &str) -> Resolution {
    let ids = found.iter().map(|f| f.message_id.clone()).collect();
    let events = found
        .into_iter()
        .filter_map(|f| {
            f.status
                .map(|s| StatusEvent::new(f.message_id, s).reference(reference))
        })
        .collect();
    Resolution::Found(Accepted::new(ids, None), events)
}
