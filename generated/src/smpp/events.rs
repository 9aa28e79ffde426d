//! Where the binds hand over receipts and MO messages, and where the answer to the SMSC's
//! deliver_sm / data_sm is decided.
//!
//! [`EventSink::offer`] is the single acknowledgement decision point: every bind calls it for
//! every inbound message and sends whatever status it returns. Today it answers `ESME_ROK` once
//! the event sits in the buffer [`super::Client::events`] reads from, and a temporary error
//! otherwise; a later "acknowledge after the user stored it" mode changes only this type.

use super::receipt::Inbound;
use super::status::CommandStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;
use tracing::debug;

/// The sending side of the event buffer, shared by every bind of one client.
pub(crate) struct EventSink {
    tx: mpsc::Sender<Inbound>,
    /// Set once someone took the receiving side ([`super::Client::events`]).
    taken: AtomicBool,
}

impl EventSink {
    /// A sink whose buffer holds `capacity` events (at least 1), and its receiving side.
    pub(crate) fn new(capacity: usize) -> (EventSink, mpsc::Receiver<Inbound>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let sink = EventSink {
            tx,
            taken: AtomicBool::new(false),
        };
        (sink, rx)
    }

    /// Record that the receiving side has been handed to a consumer: from now on events are
    /// accepted.
    pub(crate) fn mark_taken(&self) {
        self.taken.store(true, Ordering::SeqCst);
    }

    /// Offer one inbound message; returns the `command_status` to answer the SMSC with. Never
    /// waits.
    ///
    /// * `ESME_ROK` — the event is queued for the consumer.
    /// * `ESME_RX_T_APPN` (temporary error: the SMSC keeps the message and redelivers it later)
    ///   — nobody has taken the events yet, the buffer is full, or the consumer dropped it. The
    ///   event is not kept, so nothing is acknowledged that no one will see.
    pub(crate) fn offer(&self, label: &str, ev: Inbound) -> CommandStatus {
        let why = if !self.taken.load(Ordering::SeqCst) {
            "not taken yet (Client::events)"
        } else {
            match self.tx.try_send(ev) {
                Ok(()) => return CommandStatus::OK,
                Err(mpsc::error::TrySendError::Full(_)) => "full",
                Err(mpsc::error::TrySendError::Closed(_)) => "dropped by its consumer",
            }
        };
        debug!(session = %label, "event buffer {why}; answering ESME_RX_T_APPN");
        CommandStatus::RECEIVER_TEMPORARY_ERROR
    }
}
