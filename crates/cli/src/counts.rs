//! What the progress bar and the summaries show, from the store's counts per state.

use qikberry::outbox::{State, Summary};
use serde_json::{Map, Value, json};

/// A campaign's counts in the terms of the progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Every message of the campaign.
    pub total: u64,
    /// Waiting for a worker.
    pub queued: u64,
    /// Claimed, the send possibly under way.
    pub sending: u64,
    /// Past their send: accepted, refused or in doubt.
    pub sent: u64,
    /// Accepted by the platform (submitted or with a final delivery status).
    pub accepted: u64,
    /// Delivered.
    pub delivered: u64,
    /// Failed, expired, rejected or undeliverable after being accepted.
    pub failed: u64,
    /// Refused by the platform (surely not sent).
    pub refused: u64,
    /// In doubt: being reconciled by reference (REST) or parked as unknown (SMPP).
    pub unknown: u64,
    /// Accepted and still waiting for a final delivery status.
    pub awaiting: u64,
}

impl Counts {
    /// The counts of a store summary.
    pub fn of(s: &Summary) -> Counts {
        let failed = [
            State::Failed,
            State::Expired,
            State::Rejected,
            State::Undeliverable,
        ]
        .into_iter()
        .map(|st| s.get(st))
        .sum::<u64>();
        let delivered = s.get(State::Delivered);
        let awaiting = s.get(State::Submitted);
        let refused = s.get(State::Refused);
        let unknown = s.get(State::Reconciling) + s.get(State::Unknown);
        let accepted = awaiting + delivered + failed;
        Counts {
            total: s.total(),
            queued: s.get(State::Queued),
            sending: s.get(State::Sending),
            sent: accepted + refused + unknown,
            accepted,
            delivered,
            failed,
            refused,
            unknown,
            awaiting,
        }
    }

    /// Nothing left for a worker: none queued, being sent, or being reconciled (parked SMPP
    /// unknowns wait for you); with `wait_final`, none waiting for its delivery status either.
    pub fn done(&self, s: &Summary, wait_final: bool) -> bool {
        let pending = self.queued + self.sending + s.get(State::Reconciling);
        pending == 0 && (!wait_final || self.awaiting == 0)
    }

    /// The one-line form (progress bar message, plain progress lines).
    pub fn line(&self) -> String {
        format!(
            "accepted {} · delivered {} · failed {} · refused {} · unknown {} · queued {}",
            self.accepted, self.delivered, self.failed, self.refused, self.unknown, self.queued
        )
    }
}

/// Every state's count, zeros included, as a JSON object.
pub fn states_json(s: &Summary) -> Value {
    let states: Map<String, Value> = State::ALL
        .into_iter()
        .map(|st| (st.as_str().to_owned(), json!(s.get(st))))
        .collect();
    Value::Object(states)
}

/// Every state's count as table lines (`  delivered      12`).
pub fn states_table(s: &Summary) -> String {
    let mut out = String::new();
    for st in State::ALL {
        out.push_str(&format!("  {:<14}{:>10}\n", st.as_str(), s.get(st)));
    }
    out.push_str(&format!("  {:<14}{:>10}\n", "total", s.total()));
    out
}
