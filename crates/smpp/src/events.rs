//! Where the binds hand over receipts and MO messages, and where the answer to the SMSC's
//! deliver_sm / data_sm is decided.
//!
//! [`EventSink::offer`] is the single acknowledgement decision point: every bind calls it for
//! every inbound message with the [`Reply`] it owes the SMSC, and never waits. Two modes:
//!
//! * **Queue** ([`super::Client::events`]): `ESME_ROK` once the event sits in the buffer the
//!   consumer reads from, a temporary error otherwise.
//! * **Handler** ([`super::Client::connect_with_handler`]): the user's handler runs in a task of
//!   its own and the answer goes out when it has finished: `ESME_ROK` after `Ok`, the configured
//!   temporary error after `Err`, a panic or the timeout, or at once when all handler slots are
//!   busy.

use super::receipt::Inbound;
use super::session::Reply;
use super::status::CommandStatus;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tracing::{debug, warn};

/// The error a receipt handler ([`super::Client::connect_with_handler`]) returns to have the
/// SMSC deliver the message again.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), HandlerError>> + Send>>;

/// A type-erased receipt handler.
pub(crate) type HandlerFn = dyn Fn(Inbound) -> HandlerFuture + Send + Sync;

/// Erase a user handler's types (its error becomes a [`HandlerError`]).
pub(crate) fn erase_handler<F, Fut, E>(handler: F) -> Arc<HandlerFn>
where
    F: Fn(Inbound) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<HandlerError> + 'static,
{
    Arc::new(move |ev| {
        let fut = handler(ev);
        Box::pin(async move { fut.await.map_err(Into::into) })
    })
}

/// Default for [`HandlerOptions::timeout`]: 5 s.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(5);

/// Default for [`HandlerOptions::max_concurrent`]: 64 handlers at once.
pub const DEFAULT_HANDLER_CONCURRENCY: usize = 64;

/// How [`super::Client::connect_with_handler`] runs its handler (ignored in queue mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlerOptions {
    /// How long one handler call may take. A call still running then is cancelled (dropped at
    /// its next `.await`) and the message is answered with [`HandlerOptions::error_status`], so
    /// the SMSC redelivers it. Keep it below the SMSC's response timeout (often 10–30 s).
    /// Default [`DEFAULT_HANDLER_TIMEOUT`].
    pub timeout: Duration,
    /// Most handler calls running at once over all binds (at least 1). A message arriving when
    /// all are busy is answered with [`HandlerOptions::error_status`] at once, without calling
    /// the handler: the reader never waits. Default [`DEFAULT_HANDLER_CONCURRENCY`].
    pub max_concurrent: usize,
    /// The `command_status` answered when the handler failed, panicked, timed out or had no free
    /// slot. Default `ESME_RX_T_APPN` (0x64, "temporary application error": the SMSC keeps the
    /// message and redelivers it later). Use a status your SMSC treats as temporary: a
    /// permanent one (e.g. `ESME_RX_P_APPN`, 0x65) makes it drop the message.
    pub error_status: CommandStatus,
}

impl Default for HandlerOptions {
    fn default() -> Self {
        HandlerOptions {
            timeout: DEFAULT_HANDLER_TIMEOUT,
            max_concurrent: DEFAULT_HANDLER_CONCURRENCY,
            error_status: CommandStatus::RECEIVER_TEMPORARY_ERROR,
        }
    }
}

/// Handler mode: the handler, its slots and its options.
struct Handled {
    handler: Arc<HandlerFn>,
    slots: Arc<Semaphore>,
    options: HandlerOptions,
}

/// Queue mode: the sending side of the buffer [`super::Client::events`] reads.
struct Queued {
    tx: mpsc::Sender<Inbound>,
    /// Set once someone took the receiving side ([`super::Client::events`]).
    taken: AtomicBool,
}

enum Mode {
    Queue(Queued),
    Handler(Handled),
}

/// Where inbound messages go, shared by every bind of one client.
pub(crate) struct EventSink {
    mode: Mode,
}

impl EventSink {
    /// Queue mode: a sink whose buffer holds `capacity` events (at least 1), and its receiving
    /// side.
    pub(crate) fn queue(capacity: usize) -> (EventSink, mpsc::Receiver<Inbound>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let mode = Mode::Queue(Queued {
            tx,
            taken: AtomicBool::new(false),
        });
        (EventSink { mode }, rx)
    }

    /// Handler mode: every message goes to `handler`, at most `options.max_concurrent` at once.
    pub(crate) fn handler(handler: Arc<HandlerFn>, options: HandlerOptions) -> EventSink {
        let slots = Arc::new(Semaphore::new(options.max_concurrent.max(1)));
        EventSink {
            mode: Mode::Handler(Handled {
                handler,
                slots,
                options,
            }),
        }
    }

    /// Record that the receiving side has been handed to a consumer: from now on events are
    /// accepted (queue mode).
    pub(crate) fn mark_taken(&self) {
        if let Mode::Queue(q) = &self.mode {
            q.taken.store(true, Ordering::SeqCst);
        }
    }

    /// Offer one inbound message and answer it through `reply`. Never waits.
    ///
    /// Queue mode: `ESME_ROK` once the event is queued for the consumer; `ESME_RX_T_APPN`
    /// (temporary error: the SMSC keeps the message and redelivers it later) when nobody has
    /// taken the events yet, the buffer is full, or the consumer dropped it — the event is then
    /// not kept, so nothing is acknowledged that no one will see.
    ///
    /// Handler mode: see [`Handled::dispatch`].
    pub(crate) fn offer(&self, label: &str, ev: Inbound, reply: Reply) {
        match &self.mode {
            Mode::Queue(q) => reply.send(q.offer(label, ev)),
            Mode::Handler(h) => h.dispatch(label, ev, reply),
        }
    }
}

impl Queued {
    fn offer(&self, label: &str, ev: Inbound) -> CommandStatus {
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

impl Handled {
    /// Take a handler slot and run the handler in a task of its own, which answers when the
    /// handler has finished: `ESME_ROK` after `Ok`, `error_status` after `Err`, a panic or the
    /// timeout. With no free slot, `error_status` at once.
    fn dispatch(&self, label: &str, ev: Inbound, reply: Reply) {
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            debug!(session = %label, "all receipt handlers busy; answering {:?}", self.options.error_status);
            reply.send(self.options.error_status);
            return;
        };
        let handler = self.handler.clone();
        let options = self.options;
        tokio::spawn(async move {
            let call = AssertUnwindSafe(async move { handler(ev).await }).catch_unwind();
            let status = match tokio::time::timeout(options.timeout, call).await {
                Ok(Ok(Ok(()))) => CommandStatus::OK,
                Ok(Ok(Err(e))) => {
                    warn!(session = %reply.label(), "receipt handler failed: {e}");
                    options.error_status
                }
                Ok(Err(_panic)) => {
                    warn!(session = %reply.label(), "receipt handler panicked");
                    options.error_status
                }
                Err(_) => {
                    warn!(session = %reply.label(), "receipt handler timed out after {:?}", options.timeout);
                    options.error_status
                }
            };
            // The slot is free before the answer can prompt the SMSC's next message.
            drop(slot);
            reply.send(status);
        });
    }
}
