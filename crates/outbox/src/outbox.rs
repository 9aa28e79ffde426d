//! [`Outbox`]: the handle users enqueue through, ask for states, feed delivery reports to,
//! and subscribe to.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::error::{Error, Result};
use crate::event::{Applied, StatusEvent};
use crate::message::{Enqueued, Message, NewMessage};
use crate::state::State;
use crate::store::{Change, Decision, MessageState, Store, Summary};

/// How many changes a slow subscriber may lag behind before it misses some
/// ([`broadcast::error::RecvError::Lagged`]).
pub const CHANGES_CAPACITY: usize = 4096;

/// The outbox: a [`Store`] and this process's change feed. Cheap to clone; every clone (and
/// every [`Worker`](crate::Worker) made from it) shares the feed.
#[derive(Debug, Clone)]
pub struct Outbox {
    store: Arc<dyn Store>,
    changes: broadcast::Sender<Change>,
}

impl Outbox {
    /// An outbox over `store`.
    pub fn new(store: Arc<dyn Store>) -> Outbox {
        Outbox {
            store,
            changes: broadcast::channel(CHANGES_CAPACITY).0,
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Enqueues `message` under your `reference` (unique in the outbox; on REST it is sent as
    /// `custom`). Idempotent: the same reference with the same message again is `Ok` with
    /// `created: false`; with a different message it is [`Error::Conflict`].
    pub async fn enqueue(&self, message: Message, reference: &str) -> Result<Enqueued> {
        let batch = vec![NewMessage::new(reference, message)];
        let mut out = self.store.enqueue(None, batch).await?;
        out.pop()
            .ok_or_else(|| Error::Store("enqueue returned nothing".into()))
    }

    /// Enqueues a batch in one transaction, under a campaign name (for
    /// [`summary`](Self::summary)); idempotent per reference like [`enqueue`](Self::enqueue),
    /// and a conflict anywhere stores nothing of the batch. Enqueue a large campaign in
    /// batches of a few thousand.
    pub async fn enqueue_batch(
        &self,
        campaign: Option<&str>,
        batch: Vec<NewMessage>,
    ) -> Result<Vec<Enqueued>> {
        self.store.enqueue(campaign.map(str::to_owned), batch).await
    }

    /// Everything known about the message with `reference` (`None`: no such message).
    pub async fn state(&self, reference: &str) -> Result<Option<MessageState>> {
        self.store.state(reference.to_owned()).await
    }

    /// Counts per state of a campaign (`Some`) or of the whole outbox (`None`).
    pub async fn summary(&self, campaign: Option<&str>) -> Result<Summary> {
        self.store.summary(campaign.map(str::to_owned)).await
    }

    /// References in `state` (of a campaign, or all), oldest first, at most `limit`: e.g. the
    /// messages parked as [`State::Unknown`] that wait for your decision.
    pub async fn list(
        &self,
        state: State,
        campaign: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        self.store
            .list(state, campaign.map(str::to_owned), limit)
            .await
    }

    /// Applies a delivery report (webhook, SMPP receipt, REST pull). Duplicates and reports
    /// older than what is known change nothing; a final status is never replaced.
    pub async fn apply(&self, event: StatusEvent) -> Result<Applied> {
        let applied = self.store.apply(event).await?;
        if let Applied::Updated(change) = &applied {
            self.publish(change.clone());
        }
        Ok(applied)
    }

    /// Sends a message parked as [`State::Unknown`] again: your call, knowing it may arrive
    /// twice. Any other state is [`Error::InvalidState`].
    pub async fn resend(&self, reference: &str) -> Result<Change> {
        self.decide(reference, Decision::Resend).await
    }

    /// Gives up a message in doubt ([`State::Unknown`] or [`State::Reconciling`]): it becomes
    /// [`State::Failed`] with `note` as its last error.
    pub async fn mark_failed(&self, reference: &str, note: &str) -> Result<Change> {
        self.decide(reference, Decision::MarkFailed(note.to_owned()))
            .await
    }

    async fn decide(&self, reference: &str, decision: Decision) -> Result<Change> {
        let change = self.store.decide(reference.to_owned(), decision).await?;
        self.publish(change.clone());
        Ok(change)
    }

    /// Every change of a message's state or status made **through this process** (its
    /// `Outbox` clones and workers), from now on. Changes made by other processes on the same
    /// store are not seen: the store is the truth; poll [`state`](Self::state) or
    /// [`summary`](Self::summary) for those.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    pub(crate) fn publish(&self, change: Change) {
        // No subscriber is fine.
        let _ = self.changes.send(change);
    }
}
