//! The durable store: the [`Store`] trait, its two implementations (`SqliteStore`, feature
//! `sqlite`; `PostgresStore`, feature `postgres`), and the values that cross it.
//!
//! Both run the same operations (one SQL text, written once) inside one transaction each; the
//! backends differ only in how they open a transaction and lock rows to claim.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use qikberry_text::status::SmsStatus;

use crate::error::Result;
use crate::event::{Applied, StatusEvent};
use crate::message::{Enqueued, Message, NewMessage};
use crate::state::State;

mod migrate;
#[cfg(feature = "postgres")]
mod postgres;
mod query;
mod send;
pub(crate) mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
mod track;

pub use migrate::SCHEMA_VERSION;
#[cfg(feature = "postgres")]
pub use postgres::{DEFAULT_CONNECTIONS, PostgresStore};
#[cfg(feature = "sqlite")]
pub use sqlite::{BUSY_TIMEOUT, SqliteStore};

/// Which transport sent a message: it decides what a send in doubt becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// REST: every send carries the reference as `custom`, so a send in doubt is looked up by
    /// `cid` ([`State::Reconciling`]).
    Rest,
    /// SMPP: `submit_sm` carries no reference, so a send in doubt is parked
    /// ([`State::Unknown`]).
    Smpp,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Rest => "rest",
            Channel::Smpp => "smpp",
        }
    }
}

/// A message a worker claimed: its lease is held until the outcome is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claimed {
    /// The store's id.
    pub id: i64,
    /// The user's reference.
    pub reference: String,
    /// The message.
    pub message: Message,
    /// Which claim of the message this is (1 for the first): with `id`, it names the claim,
    /// so an outcome reported for an older claim is ignored.
    pub attempt: i64,
}

/// The platform accepted a send: its ids.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Accepted {
    /// One id per message part (SMPP) or per recipient (REST), in order.
    pub message_ids: Vec<String>,
    /// The REST batch id (`group_id`), when there is one.
    pub group_id: Option<String>,
}

impl Accepted {
    /// Accepted with these ids.
    pub fn new(message_ids: Vec<String>, group_id: Option<String>) -> Self {
        Accepted {
            message_ids,
            group_id,
        }
    }
}

/// What became of one send. The worker records it atomically with the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The platform accepted it: [`State::Submitted`].
    Accepted(Accepted),
    /// The platform refused it, or it cannot be sent (invalid, too long): it surely did not
    /// go out, and sending it again would fail the same way. [`State::Refused`], final.
    Refused {
        /// Why (the platform's status and message).
        error: String,
    },
    /// It surely did not go out, but may later (no connection, throttled, the rate limiter
    /// could not decide): queued again, not claimed before `retry_after` has passed.
    NotSent {
        /// Why.
        error: String,
        /// How long to wait before the next claim.
        retry_after: Duration,
    },
    /// The request may have reached the platform (timeout, connection lost after writing, a
    /// multi-part text cut half-way): never resent blind. REST: [`State::Reconciling`];
    /// SMPP: [`State::Unknown`].
    Unknown {
        /// What happened.
        error: String,
        /// Ids of the parts the platform did accept before the doubt (SMPP), tracked like any
        /// other part.
        accepted_parts: Vec<String>,
    },
}

/// A change of a message's state or status, as [`Outbox::subscribe`](crate::Outbox::subscribe)
/// delivers it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The message's reference.
    pub reference: String,
    /// Its state after the change.
    pub state: State,
    /// The latest delivery status reported for it, if any.
    pub status: Option<SmsStatus>,
}

/// One part of a sent message: the platform's id and its latest report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Part {
    /// The platform's message id.
    pub message_id: String,
    /// The latest status reported for it (`None` before the first report).
    pub status: Option<SmsStatus>,
    /// When that report says it happened (ms since the epoch), if it said.
    pub at: Option<i64>,
}

/// Everything the outbox knows about one message ([`Outbox::state`](crate::Outbox::state)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageState {
    /// The user's reference.
    pub reference: String,
    /// The campaign it was enqueued with.
    pub campaign: Option<String>,
    /// The message.
    pub message: Message,
    /// Where it is.
    pub state: State,
    /// The latest delivery status reported for any of its parts.
    pub status: Option<SmsStatus>,
    /// How many times it was claimed for sending.
    pub attempts: i64,
    /// The worker of the latest claim.
    pub worker: Option<String>,
    /// The transport of the latest claim.
    pub channel: Option<Channel>,
    /// The latest error (refusal, doubt, lookup failure, your note).
    pub last_error: Option<String>,
    /// The REST batch id.
    pub group_id: Option<String>,
    /// Its parts, in order.
    pub parts: Vec<Part>,
    /// Enqueued at (ms since the epoch).
    pub created_at: i64,
    /// Last changed at (ms since the epoch).
    pub updated_at: i64,
    /// In doubt since (ms since the epoch), while it is.
    pub in_doubt_since: Option<i64>,
}

/// How many messages are in each state (of a campaign, or of the whole outbox).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Count per state (states with no message are absent).
    pub counts: BTreeMap<State, u64>,
}

impl Summary {
    /// Messages in `state`.
    pub fn get(&self, state: State) -> u64 {
        self.counts.get(&state).copied().unwrap_or(0)
    }
    /// All messages.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }
    /// Messages in a final state.
    pub fn finished(&self) -> u64 {
        self.counts
            .iter()
            .filter(|(s, _)| s.is_final())
            .map(|(_, n)| n)
            .sum()
    }
}

/// A REST message in doubt that a worker took for one lookup by reference.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Doubt {
    /// The store's id.
    pub id: i64,
    /// The reference (the `cid` to look up).
    pub reference: String,
    /// The claim that is in doubt.
    pub attempt: i64,
    /// In doubt since (ms since the epoch).
    pub since: i64,
    /// Lookups made so far, this one included.
    pub lookups: i64,
}

/// What a lookup by reference concluded ([`Store::resolve`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolution {
    /// The platform has it: submitted with these ids; the statuses found are applied.
    Found(Accepted, Vec<StatusEvent>),
    /// Definitely not on the platform (not found after the grace period): queued again.
    NotFound,
    /// Undecided (not found yet within the grace period, or the lookup failed): looked up
    /// again after `retry_in`.
    Retry {
        /// Why (kept as the message's last error).
        note: String,
        /// When to look again.
        retry_in: Duration,
    },
}

/// What the user decides for a message parked as [`State::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Send it again (accepting that it may arrive twice).
    Resend,
    /// Give it up: [`State::Failed`], with your note as its last error.
    MarkFailed(String),
}

/// A durable outbox store. Every method is one transaction.
///
/// Implemented by `SqliteStore` (feature `sqlite`) and `PostgresStore` (feature `postgres`);
/// use it through [`Outbox`](crate::Outbox) and [`Worker`](crate::Worker). Times come from
/// this machine's clock.
pub trait Store: fmt::Debug + Send + Sync + 'static {
    /// Stores the messages (with `campaign`) unless their reference is there already; an
    /// existing reference with a different message is an [`Error::Conflict`](crate::Error::Conflict)
    /// and nothing of the batch is stored.
    fn enqueue(
        &self,
        campaign: Option<String>,
        batch: Vec<NewMessage>,
    ) -> BoxFuture<'_, Result<Vec<Enqueued>>>;

    /// Claims up to `max` queued messages for `worker` until `lease` has passed; the claim is
    /// durable before this returns (state `sending`, attempts + 1).
    fn claim(
        &self,
        worker: String,
        channel: Channel,
        max: usize,
        lease: Duration,
    ) -> BoxFuture<'_, Result<Vec<Claimed>>>;

    /// Extends every lease `worker` holds to `lease` from now; returns how many.
    fn renew(&self, worker: String, lease: Duration) -> BoxFuture<'_, Result<u64>>;

    /// Records the outcomes of claims; an outcome whose claim is no longer current (another
    /// claim since) is ignored. Returns the changes.
    fn record(&self, outcomes: Vec<(Claimed, Outcome)>) -> BoxFuture<'_, Result<Vec<Change>>>;

    /// Gives claims back unsent (queued again, the claim not counted); returns how many.
    fn release(&self, worker: String, claims: Vec<Claimed>) -> BoxFuture<'_, Result<u64>>;

    /// Moves every claim whose lease has passed into doubt (REST: reconciling; SMPP:
    /// unknown), and forgets pending reports older than `keep_pending`. Returns the changes.
    fn expire(&self, keep_pending: Duration) -> BoxFuture<'_, Result<Vec<Change>>>;

    /// Takes up to `max` REST messages in doubt whose next lookup is due, hiding them from
    /// other workers for `lease`.
    fn doubts(&self, max: usize, lease: Duration) -> BoxFuture<'_, Result<Vec<Doubt>>>;

    /// Records what a lookup concluded.
    fn resolve(
        &self,
        doubt: Doubt,
        resolution: Resolution,
    ) -> BoxFuture<'_, Result<Option<Change>>>;

    /// Applies a delivery report.
    fn apply(&self, event: StatusEvent) -> BoxFuture<'_, Result<Applied>>;

    /// Everything known about the message with this reference.
    fn state(&self, reference: String) -> BoxFuture<'_, Result<Option<MessageState>>>;

    /// Counts per state, of one campaign or of everything.
    fn summary(&self, campaign: Option<String>) -> BoxFuture<'_, Result<Summary>>;

    /// References in `state` (of one campaign, or all), oldest first, at most `limit`.
    fn list(
        &self,
        state: State,
        campaign: Option<String>,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<String>>>;

    /// Applies your decision to a message parked as unknown (or, for `MarkFailed`, still
    /// reconciling).
    fn decide(&self, reference: String, decision: Decision) -> BoxFuture<'_, Result<Change>>;
}

/// One operation of the store, run inside a transaction by the backend (possibly several
/// times, when the backend retries a busy or conflicting transaction).
pub(crate) type Op<C, R> = Arc<dyn for<'c> Fn(&'c mut C) -> BoxFuture<'c, Result<R>> + Send + Sync>;

/// A backend: opens a transaction on one of its connections and runs an operation in it.
pub(crate) trait Backend: fmt::Debug + Send + Sync + 'static {
    /// The connection type the operations run on.
    type Conn: sql::Tx + 'static;

    /// Runs `op` in a transaction: committed when it returns `Ok`, rolled back otherwise.
    fn transact<R: Send + 'static>(&self, op: Op<Self::Conn, R>) -> BoxFuture<'_, Result<R>>;
}

/// Wraps an operation over any connection as an [`Op`]: `$body` is an async block that may
/// use `$tx` (the connection) and the clones of the captured values.
macro_rules! op {
    (|$tx:ident $(, $v:ident)*| $body:expr) => {
        op_fn(move |$tx| {
            $(let $v = $v.clone();)*
            Box::pin(async move { $body.await })
        })
    };
}

/// Gives a closure the higher-ranked signature of an [`Op`].
fn op_fn<C, R, F>(f: F) -> Op<C, R>
where
    F: for<'c> Fn(&'c mut C) -> BoxFuture<'c, Result<R>> + Send + Sync + 'static,
{
    Arc::new(f)
}

impl<B: Backend> Store for B {
    fn enqueue(
        &self,
        campaign: Option<String>,
        batch: Vec<NewMessage>,
    ) -> BoxFuture<'_, Result<Vec<Enqueued>>> {
        let batch = Arc::new(batch);
        self.transact(op!(|tx, campaign, batch| send::enqueue(
            tx,
            campaign.as_deref(),
            &batch
        )))
    }

    fn claim(
        &self,
        worker: String,
        channel: Channel,
        max: usize,
        lease: Duration,
    ) -> BoxFuture<'_, Result<Vec<Claimed>>> {
        self.transact(op!(|tx, worker| send::claim(
            tx, &worker, channel, max, lease
        )))
    }

    fn renew(&self, worker: String, lease: Duration) -> BoxFuture<'_, Result<u64>> {
        self.transact(op!(|tx, worker| send::renew(tx, &worker, lease)))
    }

    fn record(&self, outcomes: Vec<(Claimed, Outcome)>) -> BoxFuture<'_, Result<Vec<Change>>> {
        let outcomes = Arc::new(outcomes);
        self.transact(op!(|tx, outcomes| send::record(tx, &outcomes)))
    }

    fn release(&self, worker: String, claims: Vec<Claimed>) -> BoxFuture<'_, Result<u64>> {
        let claims = Arc::new(claims);
        self.transact(op!(|tx, worker, claims| send::release(
            tx, &worker, &claims
        )))
    }

    fn expire(&self, keep_pending: Duration) -> BoxFuture<'_, Result<Vec<Change>>> {
        self.transact(op!(|tx| send::expire(tx, keep_pending)))
    }

    fn doubts(&self, max: usize, lease: Duration) -> BoxFuture<'_, Result<Vec<Doubt>>> {
        self.transact(op!(|tx| send::doubts(tx, max, lease)))
    }

    fn resolve(
        &self,
        doubt: Doubt,
        resolution: Resolution,
    ) -> BoxFuture<'_, Result<Option<Change>>> {
        self.transact(op!(|tx, doubt, resolution| send::resolve(
            tx,
            &doubt,
            &resolution
        )))
    }

    fn apply(&self, event: StatusEvent) -> BoxFuture<'_, Result<Applied>> {
        self.transact(op!(|tx, event| track::apply(tx, &event)))
    }

    fn state(&self, reference: String) -> BoxFuture<'_, Result<Option<MessageState>>> {
        self.transact(op!(|tx, reference| query::state(tx, &reference)))
    }

    fn summary(&self, campaign: Option<String>) -> BoxFuture<'_, Result<Summary>> {
        self.transact(op!(|tx, campaign| query::summary(tx, campaign.as_deref())))
    }

    fn list(
        &self,
        state: State,
        campaign: Option<String>,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<String>>> {
        self.transact(op!(|tx, campaign| query::list(
            tx,
            state,
            campaign.as_deref(),
            limit
        )))
    }

    fn decide(&self, reference: String, decision: Decision) -> BoxFuture<'_, Result<Change>> {
        self.transact(op!(|tx, reference, decision| query::decide(
            tx, &reference, &decision
        )))
    }
}
