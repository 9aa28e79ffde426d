//! A durable SMS outbox: send a million messages across restarts and many workers — never
//! twice, never lost, each one tracked to its final status.
//!
//! * [`Outbox::enqueue`] / [`Outbox::enqueue_batch`] store messages under **your reference**
//!   (idempotent: the same reference and message again is a no-op, a different message is
//!   [`Error::Conflict`]).
//! * [`Worker`]s claim batches with a lease, send through a [`Transport`] within the
//!   account-wide rate (any [`RateLimiter`](qikberry_runtime::ratelimit::RateLimiter), e.g. a
//!   `RedisLimiter` shared by every worker), and record each [`Outcome`] atomically with the
//!   claim: accepted with the platform's ids, refused, not sent (retried), or **unknown**.
//! * **Unknown is never resent blind.** A REST send in doubt (timeout, connection lost, a
//!   worker that died mid-send and whose lease expired) is looked up by `cid` = your reference
//!   ([`State::Reconciling`]): found → submitted with its ids; resent only when the platform
//!   still does not have it after a grace period. An SMPP send in doubt (`submit_sm` carries
//!   no reference) is parked as [`State::Unknown`] with everything known, for you to
//!   [`resend`](Outbox::resend) or [`mark_failed`](Outbox::mark_failed).
//! * **Lifecycle**: delivery reports from webhooks, SMPP receipts and REST pulls
//!   ([`StatusEvent`], [`Outbox::apply`]) update each part; duplicates and late reports are
//!   no-ops, a final status is never replaced, and a multi-part text is delivered only when
//!   every part is. [`Outbox::state`] by reference, [`Outbox::summary`] per campaign,
//!   [`Outbox::subscribe`] to changes.
//! * Stores: [`SqliteStore`] (feature `sqlite`, default: one file, several processes) and
//!   `PostgresStore` (feature `postgres`: many machines, `FOR UPDATE SKIP LOCKED`), one
//!   schema with versioned migrations ([`SCHEMA_VERSION`]).
//! * Transports: `RestTransport` over a `RestApi` (feature `rest`;
//!   `qikberry::Client` implements it with `qikberry`'s feature `outbox`) and `SmppTransport`
//!   (feature `smpp`). Reports: `StatusEvent::from(&SmsDeliveryReport)` (feature `webhook`)
//!   and `StatusEvent::from(&DeliveryReceipt)` (feature `smpp`).
//!
//! # Example
//!
//! A worker with a transport of your own (here one that accepts everything), on SQLite:
//!
//! ```
//! use std::sync::Arc;
//! use futures_util::future::BoxFuture;
//! use qikberry_outbox::{
//!     Accepted, Channel, Message, Outbox, Outcome, SqliteStore, State, StatusEvent, Transport,
//!     Worker, WorkerConfig,
//! };
//!
//! struct Accept;
//! impl Transport for Accept {
//!     fn channel(&self) -> Channel { Channel::Smpp }
//!     fn send<'a>(&'a self, _: &'a Message, reference: &'a str) -> BoxFuture<'a, Outcome> {
//!         let id = format!("id-{reference}");
//!         Box::pin(async move { Outcome::Accepted(Accepted::new(vec![id], None)) })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> qikberry_outbox::Result<()> {
//! # let dir = std::env::temp_dir().join(format!("outbox-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let store = SqliteStore::open(dir.join("outbox.db")).await?;
//! let outbox = Outbox::new(Arc::new(store));
//! outbox.enqueue(Message::new("QIKBRY", "919900000001", "Hello"), "order-1").await?;
//! // Again after a crash: a no-op.
//! assert!(!outbox.enqueue(Message::new("QIKBRY", "919900000001", "Hello"), "order-1").await?.created);
//!
//! let worker = Worker::new(&outbox, Arc::new(Accept), WorkerConfig::named("w1"));
//! let report = worker.send_batch().await?;
//! assert_eq!(report.accepted, 1);
//!
//! // A receipt for the part (from the SMPP client, a webhook or a status pull).
//! let delivered = qikberry_text::status::SmsStatus::Delivered;
//! outbox.apply(StatusEvent::new("id-order-1", delivered)).await?;
//! assert_eq!(outbox.state("order-1").await?.unwrap().state, State::Delivered);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(()) }
//! ```
//!
//! # Guarantees and their limits
//!
//! A message is sent at most once per claim, and a new claim happens only when the previous
//! one surely did not send it ([`Outcome::NotSent`], or a REST lookup that did not find it
//! after [`WorkerConfig::grace`]). A lease must outlast the longest send: a worker that stalls
//! past its lease without crashing has its claim treated as in doubt. Times are the
//! machines' clocks: keep them in sync. [`Outbox::subscribe`] sees this process's changes
//! only; the store is the truth.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod event;
mod message;
mod outbox;
mod state;
mod store;
mod transport;
mod worker;

#[cfg(feature = "rest")]
pub mod rest;
#[cfg(feature = "smpp")]
pub mod smpp;

pub use error::{Error, Result};
pub use event::{Applied, StatusEvent};
pub use message::{Enqueued, Message, NewMessage};
pub use outbox::{CHANGES_CAPACITY, Outbox};
pub use state::State;
pub use store::{
    Accepted, Change, Channel, Claimed, Decision, Doubt, MessageState, Outcome, Part, Resolution,
    SCHEMA_VERSION, Store, Summary,
};
#[cfg(feature = "sqlite")]
pub use store::{BUSY_TIMEOUT, SqliteStore};
#[cfg(feature = "postgres")]
pub use store::{DEFAULT_CONNECTIONS, PostgresStore};
pub use transport::{Found, Transport};
pub use worker::{Report, Worker, WorkerConfig};

#[cfg(feature = "rest")]
pub use rest::{RestApi, RestTransport};
#[cfg(feature = "smpp")]
pub use smpp::SmppTransport;

/// The delivery status of reports: `qikberry_text::status::SmsStatus`, re-exported.
pub use qikberry_text::status::SmsStatus;
