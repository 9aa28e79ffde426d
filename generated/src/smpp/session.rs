//! One bound SMPP connection: framing, sequence numbers, the request window, response matching,
//! keepalive and unbind. [`super::Client`] pools several of these.

use super::pdu::{self, Body, MessageIdResp, Pdu};
use super::receipt::{self, Inbound};
use super::status::CommandStatus;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tracing::{debug, warn};

pub(crate) type BoxRead = Box<dyn AsyncRead + Send + Unpin>;
pub(crate) type BoxWrite = Box<dyn AsyncWrite + Send + Unpin>;

/// Why a request did not get a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Never handed to the socket: safe to send elsewhere.
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
    written: bool,
}

enum Outgoing {
    Pdu { bytes: Vec<u8>, seq: Option<u32> },
    Close,
}

#[derive(Default)]
struct Pace {
    /// GCRA theoretical arrival time.
    tat: Option<Instant>,
    /// Pause after a throttling response.
    paused_until: Option<Instant>,
}

/// Settings a session needs (a slice of the client config).
#[derive(Clone)]
pub(crate) struct SessionSettings {
    pub window: usize,
    pub request_timeout: Duration,
    pub enquire_link_interval: Duration,
    pub rate_limit: Option<f64>,
    pub max_command_length: u32,
    pub label: String,
    /// Whether the user holds the event receiver; until then a full channel drops events
    /// instead of stalling the reader.
    pub events_taken: Arc<AtomicBool>,
    /// Let other callers join a small write batch (one scheduler turn).
    pub coalesce: bool,
}

pub(crate) struct Session {
    pub(crate) label: String,
    settings: SessionSettings,
    seq: AtomicU32,
    pending: Mutex<PendingMap>,
    window: Arc<Semaphore>,
    out: mpsc::UnboundedSender<Outgoing>,
    closed: AtomicBool,
    /// Set once we sent unbind: EOF afterwards is a clean close.
    unbinding: AtomicBool,
    closed_tx: watch::Sender<bool>,
    last_rx_ms: AtomicU64,
    epoch: Instant,
    pace: Mutex<Pace>,
    /// Fast-path flag: a throttling pause may be in force.
    paused: AtomicBool,
    close_reason: Mutex<Option<String>>,
}

impl Session {
    /// Start reader, writer and keepalive tasks on a connected stream (not yet bound).
    pub(crate) fn start(
        rd: BoxRead,
        wr: BoxWrite,
        settings: SessionSettings,
        events: mpsc::Sender<Inbound>,
    ) -> Arc<Session> {
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let (closed_tx, _) = watch::channel(false);
        let s = Arc::new(Session {
            label: settings.label.clone(),
            window: Arc::new(Semaphore::new(settings.window.max(1))),
            settings,
            seq: AtomicU32::new(0),
            pending: Mutex::new(PendingMap::default()),
            out: out_tx,
            closed: AtomicBool::new(false),
            unbinding: AtomicBool::new(false),
            closed_tx,
            last_rx_ms: AtomicU64::new(0),
            epoch: Instant::now(),
            pace: Mutex::new(Pace::default()),
            paused: AtomicBool::new(false),
            close_reason: Mutex::new(None),
        });
        tokio::spawn(writer_task(s.clone(), wr, out_rx));
        tokio::spawn(reader_task(s.clone(), rd, events));
        tokio::spawn(keepalive_task(s.clone()));
        s
    }

    fn lock_pending(&self) -> std::sync::MutexGuard<'_, PendingMap> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn next_seq(&self) -> u32 {
        // 1..=0x7FFFFFFF, wrapping.
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        (n % 0x7FFF_FFFF) + 1
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Free window slots (used to spread load).
    pub(crate) fn available(&self) -> usize {
        self.window.available_permits()
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.lock_pending().len()
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

    /// Wait for the rate limit and any throttling pause.
    async fn pace(&self) {
        if self.settings.rate_limit.is_none() && !self.paused.load(Ordering::Relaxed) {
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
            if let Some(rate) = self.settings.rate_limit.filter(|r| *r > 0.0) {
                let interval = Duration::from_secs_f64(1.0 / rate);
                let tat = p.tat.map_or(at, |t| t.max(at));
                p.tat = Some(tat + interval);
                at = tat;
            }
            at.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Send a request and wait for its response (or generic_nack).
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
        if paced {
            self.pace().await;
        }
        if self.is_closed() {
            return Err(Failure::NotSent(self.close_reason()));
        }
        let seq = self.next_seq();
        let mut bytes = Vec::with_capacity(96);
        pdu::encode_borrowed(CommandStatus::OK, seq, body, &mut bytes).map_err(Failure::Encode)?;
        let (tx, rx) = oneshot::channel();
        self.lock_pending()
            .insert(seq, PendingEntry { tx, written: false });
        if self.is_closed()
            || self
                .out
                .send(Outgoing::Pdu {
                    bytes,
                    seq: Some(seq),
                })
                .is_err()
        {
            self.lock_pending().remove(&seq);
            return Err(Failure::NotSent(self.close_reason()));
        }
        let r = match tokio::time::timeout(self.settings.request_timeout, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(Failure::Lost {
                written: true,
                reason: self.close_reason(),
            }),
            Err(_) => {
                let written = self.lock_pending().remove(&seq).is_none_or(|e| e.written);
                Err(Failure::Timeout { written })
            }
        };
        drop(permit);
        r
    }

    fn send_raw(&self, pdu: Pdu) {
        let mut bytes = Vec::with_capacity(32);
        match pdu.encode(&mut bytes) {
            Ok(()) => {
                let _ = self.out.send(Outgoing::Pdu { bytes, seq: None });
            }
            Err(e) => warn!(session = %self.label, "cannot encode response: {e}"),
        }
    }

    /// Close the connection; every caller in flight gets [`Failure::Lost`].
    pub(crate) fn shutdown(&self, reason: &str) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        debug!(session = %self.label, "closing: {reason}");
        *self.close_reason.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.to_string());
        self.window.close();
        let drained: Vec<_> = self.lock_pending().drain().collect();
        for (_, e) in drained {
            let _ = e.tx.send(Err(Failure::Lost {
                written: e.written,
                reason: reason.to_string(),
            }));
        }
        let _ = self.out.send(Outgoing::Close);
        self.closed_tx.send_replace(true);
    }

    /// Unbind politely: wait (up to `drain`) for in-flight requests, send unbind, wait for
    /// unbind_resp or EOF, close.
    pub(crate) async fn unbind(&self, drain: Duration) {
        let deadline = Instant::now() + drain;
        while self.in_flight() > 0 && Instant::now() < deadline && !self.is_closed() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if self.is_closed() {
            return;
        }
        self.unbinding.store(true, Ordering::SeqCst);
        let r = self.request(&Body::Unbind, false).await;
        debug!(session = %self.label, "unbind: {:?}", r.as_ref().map(|p| p.command_status));
        self.shutdown("unbound");
    }
}

async fn writer_task(s: Arc<Session>, mut wr: BoxWrite, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
    let mut batch: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut seqs: Vec<u32> = Vec::with_capacity(256);
    'outer: while let Some(first) = rx.recv().await {
        batch.clear();
        seqs.clear();
        let mut close = false;
        let mut yielded = false;
        let mut item = Some(first);
        while let Some(o) = item.take() {
            match o {
                Outgoing::Pdu { bytes, seq } => {
                    batch.extend_from_slice(&bytes);
                    if let Some(q) = seq {
                        seqs.push(q);
                    }
                }
                Outgoing::Close => {
                    close = true;
                    break;
                }
            }
            if batch.len() < 256 * 1024 {
                item = rx.try_recv().ok();
                if item.is_none() && !yielded && !close && s.settings.coalesce && batch.len() < 4096
                {
                    // Small batch while other requests are being prepared: give them one turn of
                    // the scheduler so they share this write (fewer, fuller TCP segments).
                    yielded = true;
                    tokio::task::yield_now().await;
                    item = rx.try_recv().ok();
                }
            }
        }
        if !seqs.is_empty() {
            let mut p = s.lock_pending();
            for q in &seqs {
                if let Some(e) = p.get_mut(q) {
                    e.written = true;
                }
            }
        }
        if !batch.is_empty() {
            let r = async {
                wr.write_all(&batch).await?;
                wr.flush().await
            }
            .await;
            if let Err(e) = r {
                s.shutdown(&format!("write failed: {e}"));
                break 'outer;
            }
        }
        if close {
            break;
        }
    }
    let _ = wr.shutdown().await;
}

async fn reader_task(s: Arc<Session>, mut rd: BoxRead, events: mpsc::Sender<Inbound>) {
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
                    handle_frame(&s, frame, &events).await;
                }
                Ok(None) => break,
                Err(e) => break 'read format!("unrecoverable framing error: {e}"),
            }
        }
        if start > 0 {
            buf.drain(..start);
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

async fn handle_frame(s: &Arc<Session>, frame: &[u8], events: &mpsc::Sender<Inbound>) {
    let pdu = match Pdu::decode(frame) {
        Ok(p) => p,
        Err(e) => {
            let id = u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]);
            let seq = u32::from_be_bytes([frame[12], frame[13], frame[14], frame[15]]);
            warn!(session = %s.label, "undecodable PDU: {e}");
            if id & 0x8000_0000 != 0 {
                let entry = s.lock_pending().remove(&seq);
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
        let entry = s.lock_pending().remove(&pdu.sequence_number);
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
            // Answer first, then process.
            s.send_raw(Pdu::response(
                seq,
                CommandStatus::OK,
                Body::DeliverSmResp(MessageIdResp::default()),
            ));
            deliver_event(s, events, receipt::classify_deliver_sm(&d)).await;
        }
        Body::DataSm(d) => {
            s.send_raw(Pdu::response(
                seq,
                CommandStatus::OK,
                Body::DataSmResp(MessageIdResp::default()),
            ));
            deliver_event(s, events, receipt::classify_data_sm(&d)).await;
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

async fn deliver_event(s: &Session, events: &mpsc::Sender<Inbound>, ev: Inbound) {
    if s.settings.events_taken.load(Ordering::Relaxed) {
        // Backpressure: a slow consumer slows this bind's reader.
        let _ = events.send(ev).await;
    } else if events.try_send(ev).is_err() {
        debug!(session = %s.label, "event channel full and nobody reading it; event dropped");
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
