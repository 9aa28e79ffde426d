//! The pooled, reconnecting SMPP client.

use super::events::{EventSink, HandlerError, HandlerOptions, erase_handler};
use super::pdu::{Bind, Body, SubmitSm};
use super::quickack::QuickAck;
use super::receipt::Inbound;
use super::session::{BoxRead, BoxWrite, Failure, Session, SessionSettings};
use super::status::CommandStatus;
use super::text::{self, ConcatRef, ConcatRefSize, EncodingChoice, TooManyParts};
use super::tls::TlsOptions;
use super::tlv::{Tlv, tag};
use crate::phone::{Address, AddressError};
use crate::ratelimit::{LocalLimiter, Rate, RateLimiter};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tracing::{debug, info, warn};

/// Bind type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BindMode {
    /// Send and receive (receipts arrive on the same connection).
    #[default]
    Transceiver,
    /// Send only.
    Transmitter,
    /// Receive only (receipts and MO messages).
    Receiver,
}

/// One SMSC endpoint.
#[derive(Debug, Clone)]
pub struct Server {
    /// `host:port`.
    pub addr: String,
    /// TLS settings, or `None` for plain TCP.
    pub tls: Option<TlsOptions>,
}

impl Server {
    /// A plain-TCP server.
    pub fn plain(addr: impl Into<String>) -> Self {
        Server {
            addr: addr.into(),
            tls: None,
        }
    }
    /// A TLS server.
    pub fn tls(addr: impl Into<String>, tls: TlsOptions) -> Self {
        Server {
            addr: addr.into(),
            tls: Some(tls),
        }
    }
}

/// Exponential backoff bounds.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// First delay.
    pub initial: Duration,
    /// Upper bound.
    pub max: Duration,
}

impl Backoff {
    /// Delay before attempt `n` (0-based), doubling from `initial` up to `max`.
    pub fn delay(&self, n: u32) -> Duration {
        let f = 1u32.checked_shl(n.min(20)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(f).min(self.max)
    }
}

/// Client settings. Start from [`Config::new`] or [`Config::qikberry`] and adjust fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Servers to bind to; every one gets `binds_per_server` binds.
    pub servers: Vec<Server>,
    /// Account name (`system_id`).
    pub system_id: String,
    /// Account password (never printed by `Debug`).
    pub password: SecretString,
    /// `system_type`; the gateway wants `"smpp"`.
    pub system_type: String,
    /// Bind type.
    pub bind_mode: BindMode,
    /// Binds per server (the gateway allows a few per account per server).
    pub binds_per_server: usize,
    /// Maximum requests in flight per bind.
    pub window: usize,
    /// How long to wait for each response. Checked by one sweep per bind every sixteenth of
    /// it (not a timer per request): a request times out after at least this long and, unless
    /// the runtime is overloaded, at most an eighth longer.
    pub request_timeout: Duration,
    /// Send enquire_link after this much silence (the gateway wants one per minute).
    pub enquire_link_interval: Duration,
    /// TCP + TLS connect timeout.
    pub connect_timeout: Duration,
    /// Deprecated alias: the old per-bind figure. It now means
    /// `messages_per_second = rate_limit × number of binds` (the same total, paced in
    /// messages, over all binds together); ignored when
    /// [`messages_per_second`](Self::messages_per_second) or
    /// [`message_limiter`](Self::message_limiter) is set.
    #[deprecated(note = "use `messages_per_second` (all binds together) or `message_limiter`")]
    pub rate_limit: Option<f64>,
    /// SMS messages per second for this client, **all binds together** (`None` = unlimited):
    /// an in-process [`LocalLimiter`](crate::ratelimit::LocalLimiter), evenly spaced. A
    /// message is one submit_sm, i.e. one part of a text: [`Client::send`] acquires all the
    /// parts of a text at once, before the first is sent, so a text is never held up halfway;
    /// [`Client::submit_sm`] acquires one. Resubmissions after throttling are not counted again.
    ///
    /// Every bind draws from this one budget, so the rate is split across binds by itself and a
    /// dropped bind's share goes to the others. Ignored when
    /// [`message_limiter`](Self::message_limiter) is set.
    pub messages_per_second: Option<f64>,
    /// A limiter for the messages instead of [`messages_per_second`](Self::messages_per_second),
    /// shared with whatever else holds it: other clients, a REST client's
    /// `qikberry::RateLimitLayer::shared`, and with a
    /// `RedisLimiter` (feature `ratelimit-redis`) every process of the account — one
    /// account-wide rate however many processes and binds send. If it fails (Redis
    /// unreachable), the submission fails with [`SubmitError::RateLimit`], nothing sent.
    pub message_limiter: Option<Arc<dyn RateLimiter>>,
    /// Delay between reconnect attempts.
    pub reconnect_backoff: Backoff,
    /// Delay before resubmitting after ESME_RTHROTTLED / ESME_RMSGQFUL.
    pub throttle_backoff: Backoff,
    /// How many times one message is resubmitted after throttling before giving up.
    pub throttle_retries: u32,
    /// Largest PDU accepted from the SMSC.
    pub max_command_length: u32,
    /// How many receipts / MO messages wait for [`Client::events`]'s consumer (default
    /// [`DEFAULT_EVENT_CAPACITY`]); when they are that many, further ones are answered with a
    /// temporary error and the SMSC redelivers them later.
    ///
    /// Memory: the buffer grows with what it holds, up to this bound. A text delivery receipt
    /// costs about 0.5 KiB (a 224-byte slot plus about eight small strings), so the default
    /// bound is about 0.5 MiB of receipts. An MO message also keeps its raw bytes and its decoded
    /// text (up to twice the raw size), and a PDU is at most `max_command_length` bytes: the
    /// worst case is about `event_capacity × 3 × max_command_length` (≈ 215 MB with the
    /// defaults, only if the SMSC sends a thousand maximal PDUs that the consumer does not read).
    pub event_capacity: usize,
    /// Let concurrent submissions share one socket write (one scheduler turn of delay).
    pub coalesce_writes: bool,
    /// Once a bind is closing, how long it may still spend writing what it had started and
    /// shutting its socket (TLS close_notify, then FIN) before the connection is simply dropped.
    /// Bounds every socket close: an SMSC that stopped reading cannot keep a connection (and its
    /// buffers) alive. Default 1 s.
    pub close_timeout: Duration,
    /// Most parts one [`Client::send`] may split a text into; a longer text is refused before
    /// anything is sent ([`SubmitError::TooManyParts`]). Capped at 255 by the UDH.
    pub max_parts: usize,
    /// Width of concatenation references: 8-bit (the reference's 153/67 table, the default) or
    /// 16-bit (IEI 0x08; 152/66 per part, 65,536 references per destination).
    pub concat_reference: ConcatRefSize,
    /// Timeout, concurrency and error status of the receipt handler of
    /// [`Client::connect_with_handler`] (unused by [`Client::connect`]).
    pub handler: HandlerOptions,
}

/// Default for [`Config::max_parts`]: 10 parts (1,530 GSM-7 or 670 UCS-2 characters).
pub const DEFAULT_MAX_PARTS: usize = 10;

/// Default for [`Config::event_capacity`]: 1,024 events (about 0.5 MiB of delivery receipts; see
/// the field for the worst case).
pub const DEFAULT_EVENT_CAPACITY: usize = 1_024;

/// The gateway's hosts (plain port 3634, TLS port 3635).
pub const QIKBERRY_HOSTS: [&str; 2] = ["smpp1.txtsms.me", "smpp2.txtsms.me"];

impl Config {
    /// Defaults for one account and the given servers: transceiver, window 10, 10 s timeout,
    /// enquire_link after 30 s idle, one bind per server, no rate limit.
    #[allow(deprecated)] // sets the deprecated `rate_limit`
    pub fn new(
        system_id: impl Into<String>,
        password: impl Into<String>,
        servers: Vec<Server>,
    ) -> Self {
        Config {
            servers,
            system_id: system_id.into(),
            password: SecretString::from(password.into()),
            system_type: "smpp".into(),
            bind_mode: BindMode::Transceiver,
            binds_per_server: 1,
            window: 10,
            request_timeout: Duration::from_secs(10),
            enquire_link_interval: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            rate_limit: None,
            messages_per_second: None,
            message_limiter: None,
            reconnect_backoff: Backoff {
                initial: Duration::from_millis(500),
                max: Duration::from_secs(30),
            },
            throttle_backoff: Backoff {
                initial: Duration::from_millis(100),
                max: Duration::from_secs(5),
            },
            throttle_retries: 10,
            max_command_length: super::pdu::DEFAULT_MAX_COMMAND_LENGTH,
            event_capacity: DEFAULT_EVENT_CAPACITY,
            coalesce_writes: true,
            close_timeout: Duration::from_secs(1),
            max_parts: DEFAULT_MAX_PARTS,
            concat_reference: ConcatRefSize::Bits8,
            handler: HandlerOptions::default(),
        }
    }

    /// The Qikberry gateway: both servers (`smpp1`, `smpp2`), TLS on 3635 or plain on 3634.
    pub fn qikberry(
        system_id: impl Into<String>,
        password: impl Into<String>,
        use_tls: bool,
    ) -> Self {
        let servers = QIKBERRY_HOSTS
            .iter()
            .map(|h| {
                if use_tls {
                    Server::tls(format!("{h}:3635"), TlsOptions::system())
                } else {
                    Server::plain(format!("{h}:3634"))
                }
            })
            .collect();
        Config::new(system_id, password, servers)
    }
}

/// Why [`Client::connect`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectError {
    /// The SMSC refused the bind.
    Bind {
        /// Server address.
        server: String,
        /// The bind_resp status (name and description via [`CommandStatus`]).
        status: CommandStatus,
    },
    /// TCP/TLS connection or protocol failure.
    Io {
        /// Server address.
        server: String,
        /// What happened.
        message: String,
    },
    /// The configuration lists no servers.
    NoServers,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Bind { server, status } => {
                write!(f, "bind to {server} refused: {status}")
            }
            ConnectError::Io { server, message } => write!(f, "connecting to {server}: {message}"),
            ConnectError::NoServers => f.write_str("no SMPP servers configured"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Why a submission did not produce a message id.
///
/// Every variant says whether the PDU may have reached the SMSC ([`SubmitError::written`]).
/// "Not written" (`written: false`) means **certainly never sent**: the PDU was removed from the
/// write queue before this error was reported and will never be written afterwards, so sending
/// the message again cannot produce a duplicate. "Written" means the outcome is unknown: the
/// SMSC may have accepted (and billed) it, so resending may deliver it twice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubmitError {
    /// The SMSC answered with an error status (after any throttling retries).
    Rejected {
        /// The status; `status.name()` / `status.description()` come from the gateway's table.
        status: CommandStatus,
        /// Symbolic name, e.g. `ESME_RINVDSTADR`.
        name: &'static str,
        /// Description from the table.
        description: &'static str,
    },
    /// No response within `request_timeout`. `written: true`: the outcome is unknown;
    /// `written: false`: the PDU was still queued and was withdrawn (certainly never sent).
    Timeout {
        /// Whether the PDU may have reached the SMSC (`false`: certainly never sent).
        written: bool,
    },
    /// The connection ended before the response. `written: true`: the outcome is unknown;
    /// `written: false`: certainly never sent.
    ConnectionLost {
        /// Whether the PDU may have reached the SMSC (`false`: certainly never sent).
        written: bool,
        /// Why the connection ended.
        reason: String,
    },
    /// No bound session became available within `request_timeout`.
    NotConnected,
    /// [`Client::shutdown`] has started.
    ShuttingDown,
    /// The message could not be encoded (a field too long).
    Encode(String),
    /// The SMSC answered with something that is not a submit response.
    Protocol(String),
    /// The text needs more parts than [`Config::max_parts`]; nothing was sent.
    TooManyParts(TooManyParts),
    /// The [`Config::message_limiter`] could not decide (e.g. its Redis is unreachable);
    /// nothing was sent. The text says why.
    RateLimit(String),
}

impl SubmitError {
    fn rejected(status: CommandStatus) -> Self {
        SubmitError::Rejected {
            status,
            name: status.name(),
            description: status.description(),
        }
    }
    /// Whether the PDU may have reached the SMSC. `false` means it certainly never did (and
    /// never will): resending it is safe.
    pub fn written(&self) -> bool {
        match self {
            SubmitError::Rejected { .. } | SubmitError::Protocol(_) => true,
            SubmitError::Timeout { written } | SubmitError::ConnectionLost { written, .. } => {
                *written
            }
            SubmitError::NotConnected
            | SubmitError::ShuttingDown
            | SubmitError::Encode(_)
            | SubmitError::TooManyParts(_)
            | SubmitError::RateLimit(_) => false,
        }
    }
    /// The SMSC's status, for [`SubmitError::Rejected`].
    pub fn command_status(&self) -> Option<CommandStatus> {
        match self {
            SubmitError::Rejected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmitError::Rejected { status, .. } => write!(f, "rejected: {status}"),
            SubmitError::Timeout { written } => {
                write!(f, "no response in time (PDU written: {written})")
            }
            SubmitError::ConnectionLost { written, reason } => {
                write!(
                    f,
                    "connection lost before the response: {reason} (PDU written: {written})"
                )
            }
            SubmitError::NotConnected => f.write_str("no bound SMPP session available"),
            SubmitError::ShuttingDown => f.write_str("client is shutting down"),
            SubmitError::Encode(e) => write!(f, "{e}"),
            SubmitError::Protocol(e) => write!(f, "protocol error: {e}"),
            SubmitError::TooManyParts(e) => write!(f, "{e}"),
            SubmitError::RateLimit(e) => write!(f, "not sent: {e}"),
        }
    }
}

impl std::error::Error for SubmitError {}

/// A text message to send; split into parts as needed by [`Client::send`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Sms {
    /// Sender id or number (see [`Address`]).
    pub from: String,
    /// Recipient: E.164 digits without `+` (see [`crate::phone::PhoneNumber`]).
    pub to: String,
    /// The text.
    pub text: String,
    /// Encoding choice (default: GSM 03.38 when possible, else UCS-2).
    pub encoding: EncodingChoice,
    /// Ask for delivery receipts.
    pub registered_delivery: bool,
    /// India DLT principal entity id (TLV 0x1400).
    pub pe_id: Option<String>,
    /// India DLT template id (TLV 0x1401).
    pub template_id: Option<String>,
    /// India DLT telemarketer id (TLV 0x1402).
    pub tm_id: Option<String>,
    /// Source address TON (5 = alphanumeric, 1 = international, 6 = short code).
    pub source_addr_ton: u8,
    /// Source address NPI.
    pub source_addr_npi: u8,
    /// Destination TON (1 = international).
    pub dest_addr_ton: u8,
    /// Destination NPI (1 = ISDN).
    pub dest_addr_npi: u8,
}

impl Sms {
    /// A message with receipts on, addresses read leniently: what [`Address::sender`] /
    /// [`Address::recipient`] accept is normalised (`+91 99999-99999` → `919999999999`, TON 1
    /// NPI 1; `QIKBRY` → TON 5 NPI 0; `56161` → short code, TON 6 NPI 0); anything else is sent
    /// as given with TON 0 / NPI 0 (unknown) for the SMSC to judge. Use [`Sms::try_new`] to
    /// get an error instead.
    pub fn new(from: impl Into<String>, to: impl Into<String>, text: impl Into<String>) -> Self {
        let (from, to) = (from.into(), to.into());
        let from = Address::sender(&from).map_err(|_| from);
        let to = Address::recipient(&to).map_err(|_| to);
        let mut sms = Sms {
            text: text.into(),
            registered_delivery: true,
            ..Sms::default()
        };
        (sms.from, sms.source_addr_ton, sms.source_addr_npi) = lenient(from);
        (sms.to, sms.dest_addr_ton, sms.dest_addr_npi) = lenient(to);
        sms
    }

    /// Like [`Sms::new`], but a sender or recipient that is not a valid address is an error
    /// naming the problem.
    ///
    /// ```
    /// use qikberry_smpp::Sms;
    /// let sms = Sms::try_new("QIKBRY", "+44 7700 900123", "hi")?;
    /// assert_eq!((sms.to.as_str(), sms.dest_addr_ton), ("447700900123", 1));
    /// assert!(Sms::try_new("QIKBRY", "07700 900123", "hi").is_err()); // no country code
    /// # Ok::<(), qikberry_smpp::AddressError>(())
    /// ```
    pub fn try_new(from: &str, to: &str, text: impl Into<String>) -> Result<Self, AddressError> {
        Ok(Sms::from_addresses(
            Address::sender(from)?,
            Address::recipient(to)?,
            text,
        ))
    }

    /// A message with receipts on between two parsed addresses.
    pub fn from_addresses(from: Address, to: Address, text: impl Into<String>) -> Self {
        Sms {
            source_addr_ton: from.ton(),
            source_addr_npi: from.npi(),
            from: from.into(),
            dest_addr_ton: to.ton(),
            dest_addr_npi: to.npi(),
            to: to.into(),
            text: text.into(),
            registered_delivery: true,
            ..Sms::default()
        }
    }

    /// The submit_sm PDUs for this message (one per part), using `reference` for the UDH;
    /// refused when the text needs more than `max_parts` parts.
    pub fn to_submit_sms(
        &self,
        reference: ConcatRef,
        max_parts: usize,
    ) -> Result<Vec<SubmitSm>, TooManyParts> {
        let (enc, parts) = text::split(&self.text, self.encoding, reference, max_parts)?;
        let sms = parts
            .into_iter()
            .map(|p| {
                let mut sm = SubmitSm {
                    source_addr_ton: self.source_addr_ton,
                    source_addr_npi: self.source_addr_npi,
                    source_addr: self.from.clone(),
                    dest_addr_ton: self.dest_addr_ton,
                    dest_addr_npi: self.dest_addr_npi,
                    destination_addr: self.to.clone(),
                    esm_class: if p.has_udh { 0x40 } else { 0 },
                    registered_delivery: u8::from(self.registered_delivery),
                    data_coding: enc.data_coding(),
                    short_message: p.bytes,
                    ..SubmitSm::default()
                };
                for (t, v) in [
                    (tag::PE_ID, &self.pe_id),
                    (tag::TEMPLATE_ID, &self.template_id),
                    (tag::TM_ID, &self.tm_id),
                ] {
                    if let Some(v) = v {
                        sm.tlvs.push(Tlv::cstr(t, v));
                    }
                }
                sm
            })
            .collect();
        Ok(sms)
    }
}

/// An address with its TON/NPI, or the raw text with TON/NPI 0 (unknown).
fn lenient(a: Result<Address, String>) -> (String, u8, u8) {
    match a {
        Ok(a) => (a.as_str().to_string(), a.ton(), a.npi()),
        Err(raw) => (raw, 0, 0),
    }
}

/// Failure of [`Client::send`] at one part: earlier parts may have been accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// 1-based part that failed; 0 when the text was refused before any part was sent.
    pub segment: usize,
    /// Number of parts.
    pub of: usize,
    /// Message ids of the parts accepted before the failure.
    pub accepted: Vec<String>,
    /// What went wrong.
    pub error: SubmitError,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "part {}/{}: {}", self.segment, self.of, self.error)
    }
}

impl std::error::Error for SendError {}

struct Inner {
    config: Config,
    /// Paces messages over every bind (from [`Config::message_limiter`] or
    /// [`Config::messages_per_second`]).
    limiter: Option<Arc<dyn RateLimiter>>,
    sessions: RwLock<Vec<Arc<Session>>>,
    rr: AtomicUsize,
    changed: Notify,
    events: Arc<EventSink>,
    events_rx: Mutex<Option<mpsc::Receiver<Inbound>>>,
    stop: watch::Sender<bool>,
    /// New submissions are admitted (false from the moment a shutdown starts).
    accepting: AtomicBool,
    /// Submissions admitted and not finished (a multi-part [`Client::send`] counts once, from
    /// its first part to its last).
    active: AtomicUsize,
    /// A [`Client::shutdown`] has started its task.
    shutdown_started: AtomicBool,
    /// Becomes true when that task has finished.
    shutdown_done: watch::Sender<bool>,
    /// Next concatenation reference per destination.
    references: Mutex<HashMap<String, u16>>,
    /// Where a new destination's references start (varies per client, so a restart does not
    /// reuse the previous run's references from the start).
    reference_seed: u16,
    supervisors: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// End of the drain period given to [`Client::shutdown`].
    drain_deadline: Mutex<Option<Instant>>,
}

/// An SMPP client bound to one or more servers through a pool of sessions.
///
/// Submissions go to the bound session with the most free window slots; a session that drops is
/// re-established with backoff while the others carry the load. Receipts and MO messages from
/// every session arrive on one channel ([`Client::events`]).
///
/// ```no_run
/// use qikberry_smpp::{Client, Config, Sms};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::connect(Config::qikberry("my_system_id", "secret", true)).await?;
/// let mut events = client.events().expect("taken once");
/// let ids = client.send(&Sms::new("QIKBRY", "919999999999", "Your code is 1234")).await?;
/// println!("accepted as {ids:?}");
/// while let Some(ev) = events.recv().await {
///     println!("{ev:?}");
/// }
/// client.shutdown(std::time::Duration::from_secs(5)).await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    _handle: Arc<Handle>,
    inner: Arc<Inner>,
}

/// Dropping the last [`Client`] clone stops the background tasks (sessions are unbound).
struct Handle(Arc<Inner>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.accepting.store(false, Ordering::SeqCst);
        self.0.stop.send_replace(true);
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("system_id", &self.inner.config.system_id)
            .field("bound_sessions", &self.bound_sessions())
            .finish()
    }
}

async fn open_stream(
    server: &Server,
    timeout: Duration,
) -> Result<(BoxRead, BoxWrite, QuickAck), String> {
    let tcp = tokio::time::timeout(timeout, TcpStream::connect(&server.addr))
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|e| e.to_string())?;
    let _ = tcp.set_nodelay(true);
    let ack = QuickAck::of(&tcp).unwrap_or_else(|_| QuickAck::none());
    match &server.tls {
        None => {
            let (r, w) = tcp.into_split();
            Ok((Box::new(r), Box::new(w), ack))
        }
        Some(opts) => {
            let host = server
                .addr
                .rsplit_once(':')
                .map_or(server.addr.as_str(), |(h, _)| h);
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let connector =
                tokio_rustls::TlsConnector::from(std::sync::Arc::new(opts.client_config()?));
            let name = opts.server_name(host)?;
            let tls = tokio::time::timeout(timeout, connector.connect(name, tcp))
                .await
                .map_err(|_| "TLS handshake timed out".to_string())?
                .map_err(|e| format!("TLS handshake: {e}"))?;
            let (r, w) = tokio::io::split(tls);
            Ok((Box::new(r), Box::new(w), ack))
        }
    }
}

/// The limiter for [`Config`]'s message pacing: the shared one, else an in-process one for
/// `messages_per_second` (or the deprecated per-bind `rate_limit` times the number of binds).
fn message_limiter(c: &Config) -> Option<Arc<dyn RateLimiter>> {
    if let Some(l) = &c.message_limiter {
        return Some(l.clone());
    }
    let binds = c.servers.len() * c.binds_per_server.max(1);
    #[allow(deprecated)]
    let per_bind = c.rate_limit.map(|r| r * binds as f64);
    let rate = c.messages_per_second.or(per_bind)?;
    (rate.is_finite() && rate > 0.0)
        .then(|| Arc::new(LocalLimiter::new(Rate::per_second(rate))) as Arc<dyn RateLimiter>)
}

/// A per-process starting point for concatenation references.
fn reference_seed() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos ^ (nanos >> 16)) as u16
}

/// Destinations remembered for concatenation references before the table starts over.
const MAX_REFERENCE_DESTINATIONS: usize = 100_000;

impl Inner {
    /// The next concatenation reference for `to`: consecutive per destination, so two long
    /// texts to one handset do not share a reference until 256 (or 65,536) later.
    fn next_reference(&self, to: &str, size: ConcatRefSize) -> ConcatRef {
        let mut refs = self.references.lock().unwrap_or_else(|p| p.into_inner());
        if refs.len() >= MAX_REFERENCE_DESTINATIONS && !refs.contains_key(to) {
            refs.clear();
        }
        let next = refs.entry(to.to_string()).or_insert(self.reference_seed);
        let r = *next;
        *next = next.wrapping_add(1);
        ConcatRef::new(size, r)
    }

    /// What is left of the shutdown drain period (`request_timeout` when the client was dropped
    /// without [`Client::shutdown`]).
    fn drain_left(&self) -> Duration {
        let deadline = *self
            .drain_deadline
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        deadline.map_or(self.config.request_timeout, |d| {
            d.saturating_duration_since(Instant::now())
        })
    }

    fn settings(&self, label: String) -> SessionSettings {
        let c = &self.config;
        SessionSettings {
            window: c.window,
            request_timeout: c.request_timeout,
            enquire_link_interval: c.enquire_link_interval,
            max_command_length: c.max_command_length,
            label,
            coalesce: c.coalesce_writes,
            close_timeout: c.close_timeout,
        }
    }

    async fn connect_and_bind(
        &self,
        server: &Server,
        label: String,
    ) -> Result<Arc<Session>, ConnectError> {
        let io = |message: String| ConnectError::Io {
            server: server.addr.clone(),
            message,
        };
        let (rd, wr, ack) = open_stream(server, self.config.connect_timeout)
            .await
            .map_err(io)?;
        let session = Session::start((rd, wr, ack), self.settings(label), self.events.clone());
        let c = &self.config;
        let bind = Bind {
            system_id: c.system_id.clone(),
            password: c.password.expose_secret().to_string(),
            system_type: c.system_type.clone(),
            ..Bind::default()
        };
        let body = match c.bind_mode {
            BindMode::Transceiver => Body::BindTransceiver(bind),
            BindMode::Transmitter => Body::BindTransmitter(bind),
            BindMode::Receiver => Body::BindReceiver(bind),
        };
        // If this future is dropped mid-bind (shutdown), close the half-made session.
        let guard = CloseOnDrop(Some(session.clone()));
        let resp = session.request(&body, false).await;
        drop(guard.disarm());
        let fail = |e: ConnectError| {
            session.shutdown("bind failed");
            Err(e)
        };
        match resp {
            Ok(p)
                if p.command_status.is_ok()
                    && matches!(
                        p.body,
                        Body::BindTransceiverResp(_)
                            | Body::BindTransmitterResp(_)
                            | Body::BindReceiverResp(_)
                    ) =>
            {
                if let Body::BindTransceiverResp(b)
                | Body::BindTransmitterResp(b)
                | Body::BindReceiverResp(b) = &p.body
                {
                    debug!(server = %server.addr, smsc = %b.system_id, version = ?b.tlvs.sc_interface_version(), "bound");
                }
                Ok(session)
            }
            Ok(p) if !p.command_status.is_ok() => fail(ConnectError::Bind {
                server: server.addr.clone(),
                status: p.command_status,
            }),
            Ok(p) => fail(io(format!("unexpected answer to bind: {}", p.body.name()))),
            Err(e) => fail(io(format!("bind: {e:?}"))),
        }
    }
}

/// Counts a submission as active until it resolves or its future is dropped.
struct Active<'a>(&'a AtomicUsize);

impl<'a> Active<'a> {
    fn enter(n: &'a AtomicUsize) -> Self {
        n.fetch_add(1, Ordering::SeqCst);
        Active(n)
    }
}

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

struct CloseOnDrop(Option<Arc<Session>>);

impl CloseOnDrop {
    fn disarm(mut self) -> Option<Arc<Session>> {
        self.0.take()
    }
}

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            s.shutdown("connect abandoned");
        }
    }
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// The `qikberry_smpp_submits_total` outcome of one submit.
fn submit_outcome(result: &Result<String, SubmitError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(SubmitError::Rejected { status, .. }) if status.is_transient_rejection() => "throttled",
        Err(SubmitError::Rejected { .. }) => "rejected",
        Err(SubmitError::Timeout { .. }) => "timeout",
        Err(SubmitError::ConnectionLost { .. }) => "connection_lost",
        Err(_) => "error",
    }
}

async fn supervise(
    inner: Arc<Inner>,
    server: Server,
    label: String,
    first: oneshot::Sender<Result<(), ConnectError>>,
) {
    let mut first = Some(first);
    let mut stop = inner.stop.subscribe();
    let mut attempt: u32 = 0;
    let mut was_bound = false;
    loop {
        if *stop.borrow() {
            return;
        }
        let r = tokio::select! {
            r = inner.connect_and_bind(&server, label.clone()) => r,
            _ = stopped(&mut stop) => return,
        };
        match r {
            Ok(session) => {
                attempt = 0;
                if was_bound {
                    crate::metrics::smpp_reconnect();
                }
                was_bound = true;
                if let Some(tx) = first.take() {
                    let _ = tx.send(Ok(()));
                }
                info!(session = %label, "bound");
                inner
                    .sessions
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(session.clone());
                inner.changed.notify_waiters();
                tokio::select! {
                    _ = session.closed() => {}
                    _ = stopped(&mut stop) => {
                        // Shutdown: drain what is in flight on this bind, then unbind.
                        session.unbind(inner.drain_left(), Client::UNBIND_WAIT).await;
                    }
                }
                inner
                    .sessions
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .retain(|s| !Arc::ptr_eq(s, &session));
                inner.changed.notify_waiters();
                if *stop.borrow() {
                    return;
                }
                warn!(session = %label, "session closed: {}; reconnecting", session.close_reason());
            }
            Err(e) => {
                warn!(session = %label, "connect failed: {e}");
                if let Some(tx) = first.take() {
                    let _ = tx.send(Err(e));
                }
            }
        }
        let delay = inner.config.reconnect_backoff.delay(attempt);
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stopped(&mut stop) => return,
        }
    }
}

impl Client {
    /// The shortest time a shutdown waits for each bind's unbind_resp, even with no drain time
    /// left.
    pub const UNBIND_WAIT: Duration = Duration::from_millis(500);

    /// Connect and bind to every configured server (`binds_per_server` each).
    ///
    /// Returns once at least one bind succeeded; binds that failed keep retrying in the
    /// background with backoff. Fails only when every first attempt failed; the error of a
    /// refused bind carries its `command_status` (e.g. `ESME_RINVPASWD`).
    pub async fn connect(config: Config) -> Result<Client, ConnectError> {
        let (events, events_rx) = EventSink::queue(config.event_capacity);
        Client::connect_to(config, events, Some(events_rx)).await
    }

    /// Like [`Client::connect`], but every delivery receipt and MO message goes to `handler`,
    /// and the SMSC's deliver_sm / data_sm is acknowledged only after the handler has finished
    /// with it: store the message in `handler` and a crash can lose nothing the SMSC considers
    /// delivered.
    ///
    /// * `Ok(())` → `ESME_ROK`: the SMSC forgets the message.
    /// * `Err`, a panic, or no result within [`HandlerOptions::timeout`] (the call is then
    ///   cancelled) → [`HandlerOptions::error_status`] (default `ESME_RX_T_APPN`, temporary):
    ///   the SMSC keeps the message and delivers it again later.
    /// * At most [`HandlerOptions::max_concurrent`] calls run at once over all binds; a message
    ///   arriving when all are busy is answered with the error status at once (the SMSC
    ///   redelivers it), the handler is not called.
    ///
    /// Each call runs in a task of its own and answers through the bind's writer: the binds'
    /// readers never wait for a handler, so submit responses and enquire_links keep flowing
    /// while handlers run. Delivery is at least once: a message whose handler succeeded but
    /// whose `ESME_ROK` never reached the SMSC (a crash or a dropped connection in between)
    /// comes again, so make the store idempotent (e.g. keyed by
    /// [`DeliveryReceipt::message_id`](super::DeliveryReceipt::message_id)) or count such
    /// duplicates. [`Client::shutdown`] waits, within its drain period, for running handlers
    /// and sends their answers before unbinding. [`Client::events`] returns `None` on such a
    /// client.
    ///
    /// ```no_run
    /// use qikberry_smpp::{Client, Config, Inbound};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut config = Config::qikberry("my_system_id", "secret", true);
    /// config.handler.max_concurrent = 16;
    /// let client = Client::connect_with_handler(config, |ev: Inbound| async move {
    ///     if let Inbound::Receipt(r) = ev {
    ///         // Write it to your database; an error has the SMSC deliver it again.
    ///         println!("{} {:?}", r.message_id, r.state);
    ///     }
    ///     Ok::<(), std::io::Error>(())
    /// })
    /// .await?;
    /// # client.shutdown(std::time::Duration::from_secs(5)).await;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with_handler<F, Fut, E>(
        config: Config,
        handler: F,
    ) -> Result<Client, ConnectError>
    where
        F: Fn(Inbound) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<HandlerError> + 'static,
    {
        let events = EventSink::handler(erase_handler(handler), config.handler);
        Client::connect_to(config, events, None).await
    }

    async fn connect_to(
        config: Config,
        events: EventSink,
        events_rx: Option<mpsc::Receiver<Inbound>>,
    ) -> Result<Client, ConnectError> {
        if config.servers.is_empty() {
            return Err(ConnectError::NoServers);
        }
        let (stop, _) = watch::channel(false);
        let inner = Arc::new(Inner {
            limiter: message_limiter(&config),
            config,
            sessions: RwLock::new(Vec::new()),
            rr: AtomicUsize::new(0),
            changed: Notify::new(),
            events: Arc::new(events),
            events_rx: Mutex::new(events_rx),
            stop,
            accepting: AtomicBool::new(true),
            active: AtomicUsize::new(0),
            shutdown_started: AtomicBool::new(false),
            shutdown_done: watch::channel(false).0,
            references: Mutex::new(HashMap::new()),
            reference_seed: reference_seed(),
            supervisors: Mutex::new(Vec::new()),
            drain_deadline: Mutex::new(None),
        });
        let mut firsts = Vec::new();
        for (si, server) in inner.config.servers.iter().enumerate() {
            for b in 0..inner.config.binds_per_server.max(1) {
                let (tx, rx) = oneshot::channel();
                let label = format!("{}#{}/{}", server.addr, si, b);
                let h = tokio::spawn(supervise(inner.clone(), server.clone(), label, tx));
                inner
                    .supervisors
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(h);
                firsts.push(rx);
            }
        }
        let client = Client {
            _handle: Arc::new(Handle(inner.clone())),
            inner,
        };
        let mut first_err = None;
        let mut pending: futures_util::stream::FuturesUnordered<_> = firsts.into_iter().collect();
        use futures_util::StreamExt;
        while let Some(r) = pending.next().await {
            match r {
                Ok(Ok(())) => return Ok(client),
                Ok(Err(e)) => {
                    // Prefer reporting a bind refusal (it names the status) over I/O errors.
                    if first_err.is_none()
                        || matches!(e, ConnectError::Bind { .. })
                            && !matches!(first_err, Some(ConnectError::Bind { .. }))
                    {
                        first_err = Some(e);
                    }
                }
                Err(_) => {}
            }
        }
        client.inner.stop.send_replace(true);
        Err(first_err.unwrap_or(ConnectError::NoServers))
    }

    /// The stream of delivery receipts and MO messages from every bind (queue mode). Returns
    /// `None` after the first call, and always on a client made by
    /// [`Client::connect_with_handler`].
    ///
    /// A deliver_sm / data_sm is acknowledged (`ESME_ROK`) only once its event is queued here.
    /// Until this method has been called, and whenever the buffer
    /// ([`Config::event_capacity`]) is full or the receiver was dropped, it is answered with
    /// `ESME_RX_T_APPN` (temporary error) instead and not kept: the SMSC keeps the receipt and
    /// redelivers it later, so a client that never reads events never acknowledges one. Call
    /// this right after [`Client::connect`] if you want receipts; any that arrived in between
    /// come again on the SMSC's next attempt. The binds' readers never wait for this receiver:
    /// however slowly it is consumed, responses and keepalives keep flowing.
    ///
    /// An acknowledged event lives only in this process's memory until you store it: a crash
    /// loses every event still in the buffer, and the SMSC does not resend what it saw
    /// acknowledged. To acknowledge only stored events, use [`Client::connect_with_handler`].
    pub fn events(&self) -> Option<mpsc::Receiver<Inbound>> {
        let rx = self
            .inner
            .events_rx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if rx.is_some() {
            self.inner.events.mark_taken();
        }
        rx
    }

    /// Number of currently bound sessions.
    pub fn bound_sessions(&self) -> usize {
        self.inner
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// Wait until at least `n` sessions are bound, up to `timeout`. Returns whether they are.
    pub async fn wait_bound(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            if self.bound_sessions() >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline.into(), notified)
                .await
                .is_err()
            {
                return self.bound_sessions() >= n;
            }
        }
    }

    fn pick(&self) -> Option<Arc<Session>> {
        let sessions = self
            .inner
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner());
        let n = sessions.len();
        if n == 0 {
            return None;
        }
        let start = self.inner.rr.fetch_add(1, Ordering::Relaxed);
        let mut best: Option<&Arc<Session>> = None;
        for i in 0..n {
            let s = &sessions[(start + i) % n];
            if s.is_closed() {
                continue;
            }
            if best.is_none_or(|b| s.available() > b.available()) {
                best = Some(s);
            }
        }
        best.cloned()
    }

    /// A bound session, waiting for one up to `wait` (the clock is read only if it must wait).
    /// An admitted submission may wait while a shutdown drains (a bind may come back); once the
    /// binds are being unbound there is nothing to wait for.
    async fn session(&self, wait: Duration) -> Result<Arc<Session>, SubmitError> {
        if let Some(s) = self.pick() {
            return Ok(s);
        }
        let deadline = Instant::now() + wait;
        loop {
            let notified = self.inner.changed.notified();
            if let Some(s) = self.pick() {
                return Ok(s);
            }
            if *self.inner.stop.borrow() {
                return Err(SubmitError::ShuttingDown);
            }
            if tokio::time::timeout_at(deadline.into(), notified)
                .await
                .is_err()
            {
                return Err(SubmitError::NotConnected);
            }
        }
    }

    /// Submit one submit_sm and wait for its message id.
    ///
    /// Resolves exactly once. The only automatic resubmission is after throttling
    /// (`ESME_RTHROTTLED`, `ESME_RMSGQFUL`): the bind pauses and the message is resubmitted, up to
    /// `throttle_retries` times — safe, since those statuses mean the SMSC did not accept it.
    /// A PDU that was still in the write queue when its bind closed was withdrawn from it (it
    /// was never sent and never will be) and goes out on another bind. A PDU the writer had
    /// taken is *never* resent, as the SMSC may have accepted it: the error says
    /// `written: true`. Dropping this future withdraws the request: if the PDU was not written
    /// yet it never will be, and its window slot is freed either way.
    pub async fn submit_sm(&self, sm: SubmitSm) -> Result<String, SubmitError> {
        self.submit_body(&Body::SubmitSm(sm)).await
    }

    /// Like [`Client::submit_sm`] for a prepared body (submit_sm or data_sm).
    pub async fn submit_body(&self, body: &Body) -> Result<String, SubmitError> {
        let _active = self.admit()?;
        self.pace(1).await?;
        self.submit_inner(body).await
    }

    /// Waits for the message limiter to allow `parts` more messages.
    async fn pace(&self, parts: usize) -> Result<(), SubmitError> {
        match &self.inner.limiter {
            Some(l) => l
                .acquire(u32::try_from(parts).unwrap_or(u32::MAX))
                .await
                .map_err(|e| SubmitError::RateLimit(e.to_string())),
            None => Ok(()),
        }
    }

    /// Count a new submission as active, unless a shutdown has started. Counting first and
    /// checking second means a shutdown that saw no active submission also stopped this one
    /// from starting.
    fn admit(&self) -> Result<Active<'_>, SubmitError> {
        let active = Active::enter(&self.inner.active);
        if self.inner.accepting.load(Ordering::SeqCst) {
            Ok(active)
        } else {
            Err(SubmitError::ShuttingDown)
        }
    }

    /// Submit one PDU (resubmitting while throttled), counted in the SMPP metrics.
    async fn submit_inner(&self, body: &Body) -> Result<String, SubmitError> {
        let result = self.submit_until_answered(body).await;
        crate::metrics::smpp_submit(submit_outcome(&result));
        result
    }

    async fn submit_until_answered(&self, body: &Body) -> Result<String, SubmitError> {
        let cfg = &self.inner.config;
        let mut throttled = 0u32;
        let mut unsent = 0u32;
        loop {
            let session = self.session(cfg.request_timeout).await?;
            // Without the metrics feature nothing records the duration: skip the clock.
            let started = cfg!(feature = "metrics").then(Instant::now);
            match session.request(body, true).await {
                Ok(p) => {
                    let status = p.command_status;
                    if let Some(t) = started {
                        crate::metrics::smpp_submit_duration(t.elapsed());
                    }
                    if status.is_transient_rejection() {
                        crate::metrics::smpp_throttle();
                    }
                    match p.body {
                        Body::SubmitSmResp(m) | Body::DataSmResp(m) if status.is_ok() => {
                            return Ok(m.message_id);
                        }
                        _ if status.is_transient_rejection()
                            && throttled < cfg.throttle_retries =>
                        {
                            let d = cfg.throttle_backoff.delay(throttled);
                            throttled += 1;
                            debug!(session = %session.label, "{status:?}; pausing {d:?} and resubmitting");
                            session.pause_for(d);
                        }
                        Body::GenericNack | Body::SubmitSmResp(_) | Body::DataSmResp(_)
                            if !status.is_ok() =>
                        {
                            return Err(SubmitError::rejected(status));
                        }
                        other => {
                            return Err(SubmitError::Protocol(format!(
                                "unexpected {} in reply",
                                other.name()
                            )));
                        }
                    }
                }
                Err(Failure::NotSent(reason))
                | Err(Failure::Lost {
                    written: false,
                    reason,
                }) => {
                    unsent += 1;
                    debug!("not sent ({reason}); trying another bind");
                    if unsent > 32 {
                        return Err(SubmitError::ConnectionLost {
                            written: false,
                            reason,
                        });
                    }
                    tokio::task::yield_now().await;
                }
                Err(Failure::Lost {
                    written: true,
                    reason,
                }) => {
                    return Err(SubmitError::ConnectionLost {
                        written: true,
                        reason,
                    });
                }
                Err(Failure::Timeout { written }) => return Err(SubmitError::Timeout { written }),
                Err(Failure::Encode(e)) => return Err(SubmitError::Encode(e.to_string())),
            }
        }
    }

    /// Send a text message, split into parts as needed; returns one message id per part.
    ///
    /// ```no_run
    /// # async fn f(client: qikberry_smpp::Client) {
    /// use qikberry_smpp::Sms;
    /// let mut sms = Sms::new("QIKBRY", "919999999999", "Hello");
    /// sms.pe_id = Some("1201159100000000001".into());
    /// let ids = client.send(&sms).await.unwrap();
    /// # }
    /// ```
    ///
    /// A text longer than [`Config::max_parts`] parts fails with
    /// [`SubmitError::TooManyParts`] (`segment` 0) before anything is sent.
    ///
    /// The parts of one text are one unit for [`Client::shutdown`]: a send admitted before the
    /// shutdown started submits every remaining part during the drain (a handset that got some
    /// parts should get all of them); a send that starts after it fails at part 1 with
    /// [`SubmitError::ShuttingDown`] with nothing sent. Only when the drain period runs out
    /// are the remaining parts refused.
    pub async fn send(&self, sms: &Sms) -> Result<Vec<String>, SendError> {
        let cfg = &self.inner.config;
        let size = cfg.concat_reference;
        let needed = text::segments_with(&sms.text, sms.encoding, size).count;
        let reference = if needed > 1 {
            self.inner.next_reference(&sms.to, size)
        } else {
            ConcatRef::new(size, 0)
        };
        let parts = sms
            .to_submit_sms(reference, cfg.max_parts)
            .map_err(|e| SendError {
                segment: 0,
                of: e.parts,
                accepted: Vec::new(),
                error: SubmitError::TooManyParts(e),
            })?;
        let of = parts.len();
        let _unit = self.admit().map_err(|error| SendError {
            segment: 1,
            of,
            accepted: Vec::new(),
            error,
        })?;
        // Every part at once, before the first: a text is never held up halfway.
        self.pace(of).await.map_err(|error| SendError {
            segment: 1,
            of,
            accepted: Vec::new(),
            error,
        })?;
        let mut ids = Vec::with_capacity(of);
        for (i, sm) in parts.into_iter().enumerate() {
            match self.submit_inner(&Body::SubmitSm(sm)).await {
                Ok(id) => ids.push(id),
                Err(error) => {
                    return Err(SendError {
                        segment: i + 1,
                        of,
                        accepted: ids,
                        error,
                    });
                }
            }
        }
        Ok(ids)
    }

    /// Graceful shutdown: stop accepting new submissions, wait up to `drain` for the ones in
    /// flight (a multi-part [`Client::send`] that has started counts until its last part is
    /// answered), unbind every session (waiting for unbind_resp or the server's close, at least
    /// [`UNBIND_WAIT`](Self::UNBIND_WAIT) and at most `request_timeout`) and stop reconnecting.
    /// Submissions still queued when a session closes are withdrawn and fail with
    /// `written: false` (certainly never sent); those already written fail with `written: true`.
    ///
    /// Cancel-safe: the first call starts the shutdown in a task of its own, which runs to its
    /// end whatever happens to this future; the future only waits for it. Dropping it midway
    /// (e.g. under a timeout) therefore never leaves the client refusing submissions without
    /// unbinding: the drain, the unbind and the stop still happen. Later calls wait for the same
    /// shutdown (their `drain` is ignored).
    pub async fn shutdown(&self, drain: Duration) {
        let mut done = self.inner.shutdown_done.subscribe();
        if !self.inner.shutdown_started.swap(true, Ordering::SeqCst) {
            // Refuse new submissions from this poll on, and start what finishes the job in the
            // same step: there is no point at which the first is done and the second is not.
            self.inner.accepting.store(false, Ordering::SeqCst);
            self.inner.changed.notify_waiters();
            let deadline = Instant::now() + drain;
            *self
                .inner
                .drain_deadline
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(deadline);
            tokio::spawn(finish_shutdown(self.inner.clone(), deadline));
        }
        let _ = done.wait_for(|d| *d).await;
    }
}

/// The rest of [`Client::shutdown`], in its own task: drain, unbind, stop, then report done.
async fn finish_shutdown(inner: Arc<Inner>, deadline: Instant) {
    while inner.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    inner.stop.send_replace(true);
    // Submissions waiting for a bind re-check: there will be none.
    inner.changed.notify_waiters();
    let handles: Vec<_> = inner
        .supervisors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect();
    for h in handles {
        let _ = h.await;
    }
    inner.shutdown_done.send_replace(true);
}
