//! One bound SMPP connection: framing, sequence numbers, the request window, response matching,
//! keepalive and unbind. [`super::Client`] pools several of these.

use super::events::EventSink;
use super::pdu::{self, Body, MessageIdResp, Pdu};
use super::quickack::QuickAck;
use super::receipt;
use super::status::CommandStatus;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tracing::{debug, warn};

pub(crate) type BoxRead = Box<dyn AsyncRead + Send + Unpin>;
pub(crate) type BoxWrite = Box<dyn AsyncWrite + Send + Unpin>;

/// Why a request did not get a response.
///
/// `written: false` is a guarantee, not a guess: the PDU was taken out of the write queue under
/// the same lock the writer takes it from, so it can never reach the socket afterwards.
/// `written: true` means the writer had taken it: it may have reached the SMSC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Never queued (the session was closed): safe to send elsewhere.
    NotSent(String),
    /// No response within the timeout.
    Timeout { written: bool },
    /// The connection ended first.
    Lost { written: bool, reason: String },
    /// The PDU could not be encoded.
    Encode(pdu::EncodeError),
}

/// Sequence numbers are already well spread: hash them with a cheap multiplicative mix.
#[derive(Default)]
struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type PendingMap = HashMap<u32, PendingEntry, BuildHasherDefault<SeqHasher>>;

struct PendingEntry {
    tx: oneshot::Sender<Result<Pdu, Failure>>,
    /// Set when the writer took the PDU out of the queue (it may have reached the SMSC).
    written: bool,
    /// The tick of the session's timeout sweep at which the request times out.
    expires: u64,
}

/// The largest sequence number SMPP 3.4 allows (the top bit is reserved).
pub(crate) const MAX_SEQUENCE: u32 = 0x7FFF_FFFF;

/// Sequence numbers in `1..=MAX_SEQUENCE`, wrapping, skipping any still in flight.
#[derive(Debug, Clone)]
pub(crate) struct SeqAlloc {
    next: u32,
}

impl SeqAlloc {
    /// Start at `first` (clamped into the valid range).
    pub(crate) fn starting_at(first: u32) -> Self {
        SeqAlloc {
            next: first.clamp(1, MAX_SEQUENCE),
        }
    }

    /// The next number for which `in_use` is false. Terminates as long as fewer than
    /// `MAX_SEQUENCE` numbers are in use (a session has at most its window plus a few).
    pub(crate) fn allocate(&mut self, in_use: impl Fn(u32) -> bool) -> u32 {
        loop {
            let seq = self.next;
            self.next = if seq >= MAX_SEQUENCE { 1 } else { seq + 1 };
            if !in_use(seq) {
                return seq;
            }
        }
    }
}

/// One encoded PDU waiting for the writer; `seq` is set for requests that await a response.
struct Queued {
    bytes: Vec<u8>,
    seq: Option<u32>,
}

/// Requests in flight and the write queue, under one lock: moving a PDU from "queued" to
/// "written" and withdrawing it as "not written" exclude each other.
struct Core {
    pending: PendingMap,
    queue: VecDeque<Queued>,
    seq: SeqAlloc,
    /// No new requests; the writer stops once the queue is empty.
    closed: bool,
}

impl Core {
    /// Remove request `seq`: its entry, and its PDU too if the writer has not taken it (then
    /// `written` is false and it can never be sent).
    fn withdraw(&mut self, seq: u32) -> Option<PendingEntry> {
        let e = self.pending.remove(&seq)?;
        if !e.written {
            self.queue.retain(|q| q.seq != Some(seq));
        }
        Some(e)
    }
}

/// What the writer should do after taking a batch.
#[derive(PartialEq, Eq)]
enum Take {
    /// The queue is empty: wait for a wake-up.
    Idle,
    /// More is queued than one batch holds.
    More,
    /// The session is closed and nothing is left: write the batch and stop.
    Done,
}

/// Largest write the writer assembles from queued PDUs.
const MAX_BATCH: usize = 256 * 1024;

#[derive(Default)]
struct Pace {
    /// Pause after a throttling response.
    paused_until: Option<Instant>,
}

/// Settings a session needs (a slice of the client config).
#[derive(Clone)]
pub(crate) struct SessionSettings {
    pub window: usize,
    pub request_timeout: Duration,
    pub enquire_link_interval: Duration,
    pub max_command_length: u32,
    pub label: String,
    /// Let other callers join a small write batch (one scheduler turn).
    pub coalesce: bool,
    /// How long after the session closed its writer may still spend finishing a write and
    /// shutting the socket (TLS close_notify, FIN) before it drops the socket.
    pub close_timeout: Duration,
}

impl SessionSettings {
    /// The period of the timeout sweep ([`sweep_task`]): a sixteenth of the request timeout
    /// (at least 1 ms).
    fn sweep_period(&self) -> Duration {
        (self.request_timeout / 16).max(Duration::from_millis(1))
    }

    /// Sweep ticks from queueing a request to its timeout: one more than the timeout spans, as
    /// the current tick may be nearly over. A request thus times out no earlier than
    /// `request_timeout` after it was queued and, on a scheduler that is on time, at most two
    /// periods (an eighth of the timeout) later.
    fn timeout_ticks(&self) -> u64 {
        let ticks = self
            .request_timeout
            .as_nanos()
            .div_ceil(self.sweep_period().as_nanos());
        u64::try_from(ticks).unwrap_or(u64::MAX / 2) + 1
    }
}

pub(crate) struct Session {
    pub(crate) label: String,
    settings: SessionSettings,
    core: Mutex<Core>,
    /// Wakes the writer after something was queued or the session closed.
    wake: Notify,
    window: Arc<Semaphore>,
    closed: AtomicBool,
    /// Set once we sent unbind: EOF afterwards is a clean close.
    unbinding: AtomicBool,
    closed_tx: watch::Sender<bool>,
    /// When [`Session::shutdown`] ran: the writer's close deadline counts from here.
    closed_at: OnceLock<Instant>,
    last_rx_ms: AtomicU64,
    epoch: Instant,
    pace: Mutex<Pace>,
    /// Fast-path flag: a throttling pause may be in force.
    paused: AtomicBool,
    close_reason: Mutex<Option<String>>,
    /// Answers to deliver_sm / data_sm still owed (a [`Reply`] not yet sent): a graceful unbind
    /// waits for them, so a handler that finishes during the drain is still acknowledged.
    owed: AtomicUsize,
    /// Ticks of the timeout sweep so far: requests time out by tick ([`sweep_task`]), one timer
    /// per session instead of one per request.
    tick: AtomicU64,
    /// [`SessionSettings::timeout_ticks`], computed once.
    timeout_ticks: u64,
}

/// The answer owed to one deliver_sm / data_sm from the SMSC: sent at most once, through the
/// session's writer, whenever [`super::events::EventSink`] decides (possibly from another
/// task). Dropped unsent, nothing is answered and the SMSC redelivers after its own timeout.
pub(crate) struct Reply {
    session: Arc<Session>,
    seq: u32,
    data_sm: bool,
}

impl Reply {
    fn new(session: &Arc<Session>, seq: u32, data_sm: bool) -> Reply {
        session.owed.fetch_add(1, Ordering::SeqCst);
        Reply {
            session: session.clone(),
            seq,
            data_sm,
        }
    }

    /// The bind's label, for logs.
    pub(crate) fn label(&self) -> &str {
        &self.session.label
    }

    /// Queue the response with `status` (nothing if the session has closed meanwhile: the SMSC
    /// then redelivers the message on another bind).
    pub(crate) fn send(self, status: CommandStatus) {
        if self.session.is_closed() {
            debug!(session = %self.session.label, seq = self.seq, "bind closed before the answer");
            return;
        }
        let body = if self.data_sm {
            Body::DataSmResp(MessageIdResp::default())
        } else {
            Body::DeliverSmResp(MessageIdResp::default())
        };
        self.session.send_raw(Pdu::response(self.seq, status, body));
        crate::metrics::smpp_receipt_answered(status.is_ok());
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        self.session.owed.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Withdraws a request whose caller stopped waiting (its future was dropped): the pending entry
/// goes, and the PDU too if the writer has not taken it yet.
struct InFlight<'a> {
    session: &'a Session,
    seq: Option<u32>,
}

impl InFlight<'_> {
    fn disarm(mut self) {
        self.seq = None;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(seq) = self.seq.take() {
            self.session.withdraw(seq);
        }
    }
}

impl Session {
    /// Start reader, writer and keepalive tasks on a connected stream (not yet bound).
    pub(crate) fn start(
        (rd, wr, ack): (BoxRead, BoxWrite, QuickAck),
        settings: SessionSettings,
        events: Arc<EventSink>,
    ) -> Arc<Session> {
        let (closed_tx, _) = watch::channel(false);
        let settings_timeout_ticks = settings.timeout_ticks();
        let s = Arc::new(Session {
            label: settings.label.clone(),
            window: Arc::new(Semaphore::new(settings.window.max(1))),
            settings,
            core: Mutex::new(Core {
                pending: PendingMap::default(),
                queue: VecDeque::new(),
                seq: SeqAlloc::starting_at(1),
                closed: false,
            }),
            wake: Notify::new(),
            closed: AtomicBool::new(false),
            unbinding: AtomicBool::new(false),
            closed_tx,
            closed_at: OnceLock::new(),
            last_rx_ms: AtomicU64::new(0),
            epoch: Instant::now(),
            pace: Mutex::new(Pace::default()),
            paused: AtomicBool::new(false),
            close_reason: Mutex::new(None),
            owed: AtomicUsize::new(0),
            tick: AtomicU64::new(0),
            timeout_ticks: settings_timeout_ticks,
        });
        tokio::spawn(writer_task(s.clone(), wr));
        tokio::spawn(reader_task(s.clone(), rd, ack, events));
        tokio::spawn(keepalive_task(s.clone()));
        tokio::spawn(sweep_task(s.clone()));
        s
    }

    fn lock_core(&self) -> std::sync::MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Free window slots (used to spread load).
    pub(crate) fn available(&self) -> usize {
        self.window.available_permits()
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.lock_core().pending.len()
    }

    /// Resolves when the session has closed.
    pub(crate) async fn closed(&self) {
        let mut rx = self.closed_tx.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    pub(crate) fn close_reason(&self) -> String {
        self.close_reason
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_else(|| "closed".into())
    }

    fn touch(&self) {
        let ms = self.epoch.elapsed().as_millis() as u64;
        self.last_rx_ms.store(ms, Ordering::Relaxed);
    }

    /// Pause new submissions on this bind (after ESME_RTHROTTLED / ESME_RMSGQFUL).
    pub(crate) fn pause_for(&self, d: Duration) {
        let mut p = self.pace.lock().unwrap_or_else(|p| p.into_inner());
        let until = Instant::now() + d;
        if p.paused_until.is_none_or(|u| u < until) {
            p.paused_until = Some(until);
        }
        self.paused.store(true, Ordering::Relaxed);
    }

    /// Wait for any throttling pause (the message rate is paced by the client, over all binds).
    async fn pace(&self) {
        if !self.paused.load(Ordering::Relaxed) {
            return;
        }
        let wait = {
            let mut p = self.pace.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let mut at = now;
            if let Some(u) = p.paused_until {
                if u > now {
                    at = u;
                } else {
                    p.paused_until = None;
                    self.paused.store(false, Ordering::Relaxed);
                }
            }
            at.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Number `bytes` (an encoded request with sequence 0), register it as pending and queue it
    /// for the writer, all under the core lock. Fails if the session is closed.
    fn enqueue(
        &self,
        mut bytes: Vec<u8>,
        tx: oneshot::Sender<Result<Pdu, Failure>>,
    ) -> Result<u32, Failure> {
        let mut guard = self.lock_core();
        let core = &mut *guard;
        if core.closed {
            drop(guard);
            return Err(Failure::NotSent(self.close_reason()));
        }
        let pending = &core.pending;
        let seq = core.seq.allocate(|q| pending.contains_key(&q));
        bytes[12..16].copy_from_slice(&seq.to_be_bytes());
        let expires = self.tick.load(Ordering::SeqCst) + self.timeout_ticks;
        core.pending.insert(
            seq,
            PendingEntry {
                tx,
                written: false,
                expires,
            },
        );
        core.queue.push_back(Queued {
            bytes,
            seq: Some(seq),
        });
        drop(guard);
        self.wake.notify_one();
        Ok(seq)
    }

    /// Forget request `seq`. Returns whether it may have been written: `false` only when its
    /// PDU was still queued and has now been removed, so it can never be sent.
    fn withdraw(&self, seq: u32) -> bool {
        self.lock_core().withdraw(seq).is_none_or(|e| e.written)
    }

    /// Time out every request whose expiry tick has come: its entry goes (and its PDU, if the
    /// writer has not taken it) and its caller gets [`Failure::Timeout`].
    fn expire(&self, tick: u64) {
        let expired: Vec<PendingEntry> = {
            let mut guard = self.lock_core();
            let core = &mut *guard;
            let due: Vec<u32> = core
                .pending
                .iter()
                .filter(|(_, e)| e.expires <= tick)
                .map(|(&seq, _)| seq)
                .collect();
            due.into_iter()
                .filter_map(|seq| core.withdraw(seq))
                .collect()
        };
        for e in expired {
            let written = e.written;
            let _ = e.tx.send(Err(Failure::Timeout { written }));
        }
    }

    /// Send a request and wait for its response (or generic_nack).
    ///
    /// Dropping the returned future withdraws the request (window slot, pending entry, and the
    /// PDU itself if it was not written yet).
    pub(crate) async fn request(&self, body: &Body, paced: bool) -> Result<Pdu, Failure> {
        // Keepalive and unbind never wait behind a full window: they are how a stuck link is
        // detected and how a session is closed.
        let permit = if matches!(body, Body::EnquireLink | Body::Unbind) {
            None
        } else {
            match self.window.acquire().await {
                Ok(p) => Some(p),
                Err(_) => return Err(Failure::NotSent(self.close_reason())),
            }
        };
        let _slot = permit.as_ref().map(|_| crate::metrics::WindowSlot::taken());
        if paced {
            self.pace().await;
        }
        let mut bytes = Vec::with_capacity(96);
        pdu::encode_borrowed(CommandStatus::OK, 0, body, &mut bytes).map_err(Failure::Encode)?;
        let (tx, rx) = oneshot::channel();
        let seq = self.enqueue(bytes, tx)?;
        let guard = InFlight {
            session: self,
            seq: Some(seq),
        };
        // Answered exactly once, by whoever removes the pending entry under the core lock: the
        // reader (the response), the timeout sweep, or shutdown.
        let r = rx.await.unwrap_or_else(|_| {
            Err(Failure::Lost {
                written: true,
                reason: self.close_reason(),
            })
        });
        guard.disarm();
        drop(permit);
        r
    }

    /// Queue a response (or other PDU nobody waits for).
    fn send_raw(&self, pdu: Pdu) {
        let mut bytes = Vec::with_capacity(32);
        match pdu.encode(&mut bytes) {
            Ok(()) => {
                self.lock_core()
                    .queue
                    .push_back(Queued { bytes, seq: None });
                self.wake.notify_one();
            }
            Err(e) => warn!(session = %self.label, "cannot encode response: {e}"),
        }
    }

    /// Move queued PDUs into `batch` (up to [`MAX_BATCH`]), marking requests as written.
    /// Also says whether requests other than those just taken are awaiting responses (their
    /// callers, once answered, are likely to submit again soon).
    fn take_batch(&self, batch: &mut Vec<u8>) -> (Take, bool) {
        let mut guard = self.lock_core();
        let core = &mut *guard;
        let mut taken = 0;
        let take = loop {
            if batch.len() >= MAX_BATCH {
                break if core.queue.is_empty() {
                    if core.closed { Take::Done } else { Take::Idle }
                } else {
                    Take::More
                };
            }
            let Some(q) = core.queue.pop_front() else {
                break if core.closed { Take::Done } else { Take::Idle };
            };
            if let Some(seq) = q.seq
                && let Some(e) = core.pending.get_mut(&seq)
            {
                e.written = true;
                taken += 1;
            }
            batch.extend_from_slice(&q.bytes);
        };
        (take, core.pending.len() > taken)
    }

    /// Close the connection: every caller in flight gets [`Failure::Lost`]; requests still in
    /// the write queue are removed from it (and reported `written: false`). Responses already
    /// queued (e.g. an unbind_resp) are still written before the socket is shut.
    pub(crate) fn shutdown(&self, reason: &str) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        debug!(session = %self.label, "closing: {reason}");
        *self.close_reason.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.to_string());
        let _ = self.closed_at.set(Instant::now());
        self.window.close();
        let drained: Vec<_> = {
            let mut core = self.lock_core();
            core.closed = true;
            core.queue.retain(|q| q.seq.is_none());
            core.pending.drain().collect()
        };
        self.wake.notify_one();
        for (_, e) in drained {
            let _ = e.tx.send(Err(Failure::Lost {
                written: e.written,
                reason: reason.to_string(),
            }));
        }
        self.closed_tx.send_replace(true);
    }

    /// Unbind politely: wait (up to `drain`) for in-flight requests and for the answers still
    /// owed to the SMSC's deliver_sm / data_sm (handlers running), send unbind, wait for
    /// unbind_resp or EOF (what is left of `drain`, at least `min_wait`, at most the request
    /// timeout), close.
    pub(crate) async fn unbind(&self, drain: Duration, min_wait: Duration) {
        let deadline = Instant::now() + drain;
        let busy = || self.in_flight() > 0 || self.owed.load(Ordering::SeqCst) > 0;
        while busy() && Instant::now() < deadline && !self.is_closed() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if self.is_closed() {
            return;
        }
        self.unbinding.store(true, Ordering::SeqCst);
        let wait = deadline
            .saturating_duration_since(Instant::now())
            .max(min_wait);
        // Dropping the request on timeout withdraws it like any other.
        let r = tokio::time::timeout(wait, self.request(&Body::Unbind, false)).await;
        debug!(session = %self.label, "unbind: {:?}", r.map(|r| r.map(|p| p.command_status)));
        self.shutdown("unbound");
    }
}

async fn writer_task(s: Arc<Session>, mut wr: BoxWrite) {
    let mut batch: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut take = Take::Idle;
    let mut closed_rx = s.closed_tx.subscribe();
    loop {
        if take == Take::Idle {
            s.wake.notified().await;
        }
        batch.clear();
        let others_in_flight;
        (take, others_in_flight) = s.take_batch(&mut batch);
        if take == Take::Idle
            && s.settings.coalesce
            && others_in_flight
            && !batch.is_empty()
            && batch.len() < 4096
        {
            // Small batch while other requests are in flight, whose callers are about to submit
            // again as their responses come in: give them one turn of the scheduler so they
            // share this write (fewer, fuller TCP segments). With nothing else in flight
            // (window 1) nobody would join, and the turn would cost a wake-up of its own.
            tokio::task::yield_now().await;
            take = s.take_batch(&mut batch).0;
        }
        if !batch.is_empty() {
            let write = async {
                wr.write_all(&batch).await?;
                wr.flush().await
            };
            let r = within_close_deadline(&s, &mut closed_rx, write)
                .await
                .unwrap_or_else(|| {
                    Err(std::io::Error::other(
                        "session closed while the write was stuck",
                    ))
                });
            if let Err(e) = r {
                s.shutdown(&format!("write failed: {e}"));
                break;
            }
        }
        if take == Take::Done {
            break;
        }
    }
    // The session is closed here. Shutting the socket writes too (TLS close_notify): a peer that
    // stopped reading would hold it forever, so it gets what is left of the close deadline and
    // is then dropped (the socket is closed without the courtesy).
    if within_close_deadline(&s, &mut closed_rx, wr.shutdown())
        .await
        .is_none()
    {
        debug!(session = %s.label, "socket shutdown timed out; dropping the connection");
    }
}

/// Run `io` until it completes, or until `close_timeout` has passed since the session closed
/// (`None`): a peer that stopped reading must not keep a closed session's socket alive.
async fn within_close_deadline<T>(
    s: &Session,
    closed_rx: &mut watch::Receiver<bool>,
    io: impl Future<Output = T>,
) -> Option<T> {
    let deadline = async {
        let _ = closed_rx.wait_for(|c| *c).await;
        let closed_at = s.closed_at.get().copied().unwrap_or_else(Instant::now);
        tokio::time::sleep_until((closed_at + s.settings.close_timeout).into()).await;
    };
    tokio::select! {
        r = io => Some(r),
        _ = deadline => None,
    }
}

async fn reader_task(s: Arc<Session>, mut rd: BoxRead, ack: QuickAck, events: Arc<EventSink>) {
    let closed = s.closed();
    tokio::pin!(closed);
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let max = s.settings.max_command_length;
    let reason = 'read: loop {
        // Handle every complete PDU in the buffer.
        let mut start = 0;
        loop {
            match pdu::frame_length(&buf[start..], max) {
                Ok(Some(len)) => {
                    let frame = &buf[start..start + len];
                    start += len;
                    handle_frame(&s, frame, &events);
                }
                Ok(None) => break,
                Err(e) => break 'read format!("unrecoverable framing error: {e}"),
            }
        }
        if start > 0 {
            buf.drain(..start);
            if s.in_flight() > 0 {
                // More responses are owed: do not let a delayed ACK hold them at an SMSC that
                // uses Nagle's algorithm.
                ack.now();
            }
        }
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(64 * 1024);
        }
        tokio::select! {
            r = rd.read_buf(&mut buf) => match r {
                Ok(0) => {
                    if s.unbinding.load(Ordering::SeqCst) {
                        break 'read "unbound (peer closed after unbind)".to_string();
                    }
                    break 'read "connection closed by the SMSC".to_string();
                }
                Ok(_) => s.touch(),
                Err(e) => break 'read format!("read failed: {e}"),
            },
            _ = &mut closed => break 'read "closed".to_string(),
        }
    };
    s.shutdown(&reason);
}

/// Handle one frame. Never waits: responses resolve their callers, requests are answered by
/// queueing a response (deliver_sm / data_sm through [`EventSink::offer`], which may answer
/// later from a handler's task).
fn handle_frame(s: &Arc<Session>, frame: &[u8], events: &EventSink) {
    let pdu = match Pdu::decode(frame) {
        Ok(p) => p,
        Err(e) => {
            let id = u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]);
            let seq = u32::from_be_bytes([frame[12], frame[13], frame[14], frame[15]]);
            warn!(session = %s.label, "undecodable PDU: {e}");
            if id & 0x8000_0000 != 0 {
                let entry = s.lock_core().pending.remove(&seq);
                if let Some(entry) = entry {
                    let _ = entry.tx.send(Err(Failure::Lost {
                        written: true,
                        reason: format!("undecodable response: {e}"),
                    }));
                }
            } else {
                let status = if e.field.starts_with("tlv") {
                    CommandStatus::INVALID_TLV_STREAM
                } else {
                    CommandStatus::INVALID_COMMAND_LENGTH
                };
                s.send_raw(Pdu::response(seq, status, Body::GenericNack));
            }
            return;
        }
    };
    if pdu.body.is_response() {
        let entry = s.lock_core().pending.remove(&pdu.sequence_number);
        match entry {
            Some(e) => {
                let _ = e.tx.send(Ok(pdu));
            }
            None => {
                debug!(session = %s.label, seq = pdu.sequence_number, "response without a waiting request")
            }
        }
        return;
    }
    let seq = pdu.sequence_number;
    match pdu.body {
        Body::EnquireLink => {
            s.send_raw(Pdu::response(seq, CommandStatus::OK, Body::EnquireLinkResp))
        }
        Body::DeliverSm(d) => {
            let reply = Reply::new(s, seq, false);
            events.offer(&s.label, receipt::classify_deliver_sm(&d), reply);
        }
        Body::DataSm(d) => {
            let reply = Reply::new(s, seq, true);
            events.offer(&s.label, receipt::classify_data_sm(&d), reply);
        }
        Body::Unbind => {
            s.send_raw(Pdu::response(seq, CommandStatus::OK, Body::UnbindResp));
            s.shutdown("SMSC unbound");
        }
        Body::AlertNotification(a) => {
            debug!(session = %s.label, "alert_notification for {}", a.source_addr);
        }
        Body::Outbind(_) => debug!(session = %s.label, "outbind ignored on a bound session"),
        _ => s.send_raw(Pdu::response(
            seq,
            CommandStatus::INVALID_COMMAND_ID,
            Body::GenericNack,
        )),
    }
}

/// Advances the session's tick every [`SessionSettings::sweep_period`] and times out the
/// requests it makes due, until the session closes.
async fn sweep_task(s: Arc<Session>) {
    let period = s.settings.sweep_period();
    let closed = s.closed();
    tokio::pin!(closed);
    loop {
        tokio::select! {
            // A late wake-up only makes timeouts later, never earlier.
            _ = tokio::time::sleep(period) => {}
            _ = &mut closed => return,
        }
        let tick = s.tick.fetch_add(1, Ordering::SeqCst) + 1;
        s.expire(tick);
    }
}

async fn keepalive_task(s: Arc<Session>) {
    let interval = s.settings.enquire_link_interval;
    if interval.is_zero() {
        return;
    }
    let tick = (interval / 4).max(Duration::from_millis(10));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = s.closed() => return,
        }
        let idle_ms = (s.epoch.elapsed().as_millis() as u64)
            .saturating_sub(s.last_rx_ms.load(Ordering::Relaxed));
        if Duration::from_millis(idle_ms) < interval || s.unbinding.load(Ordering::SeqCst) {
            continue;
        }
        match s.request(&Body::EnquireLink, false).await {
            Ok(_) => s.touch(),
            Err(Failure::NotSent(_)) => return,
            Err(e) => {
                s.shutdown(&format!("enquire_link failed: {e:?}"));
                return;
            }
        }
    }
}
