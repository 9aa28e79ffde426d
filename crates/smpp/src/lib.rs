//! Async SMPP 3.4 client for the Qikberry gateway (feature `smpp` of `qikberry`).
//!
//! * [`pdu`] — the PDU codec (every ESME-relevant PDU, TLVs by name, unknown ones kept raw).
//! * [`text`] — GSM 03.38 / Latin-1 / UCS-2 encoding and segment counting ([`segments`]); the
//!   same module as `qikberry::sms_text`, which REST users get without the `smpp` feature.
//! * [`receipt`] — delivery receipts (TLVs first, tolerant text parsing) and MO messages.
//! * [`Client`] — a pool of binds over several servers, with a request window, timeouts,
//!   keepalive, reconnect with backoff, a message rate over all binds (in process, or shared
//!   with REST and other processes through a [`RateLimiter`](qikberry_runtime::ratelimit::RateLimiter)), throttling
//!   backoff, TLS and graceful shutdown. Receipts and MO messages arrive on a channel
//!   ([`Client::events`], acknowledged once queued) or go to your handler
//!   ([`Client::connect_with_handler`], acknowledged only after it returned `Ok`, so a crash
//!   loses nothing the SMSC saw acknowledged).
//!
//! Gateway facts this module follows: servers `smpp1`/`smpp2.txtsms.me`, plain port 3634, TLS
//! port 3635; `system_type` `"smpp"`; `interface_version` 0x34; enquire_link at least once a
//! minute; DLT TLVs PE_ID 0x1400, Template_ID 0x1401, TM_ID 0x1402 (the reference's decimal
//! column prints 51212 for TM_ID, but 0x1402 is 5122 — the hex value is used).
//!
//! ```no_run
//! use qikberry_smpp::{Client, Config, Sms, segments, EncodingChoice};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let text = "Your OTP is 123456";
//! println!("{} part(s)", segments(text, EncodingChoice::Auto).count);
//! let client = Client::connect(Config::qikberry("system_id", "password", true)).await?;
//! let ids = client.send(&Sms::new("QIKBRY", "919999999999", text)).await?;
//! println!("{ids:?}");
//! client.shutdown(std::time::Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The shared parts, under the paths this crate has always used (`crate::phone`, …).
use qikberry_runtime::{metrics, ratelimit};
use qikberry_text::{phone, sms_text};

mod client;
mod events;
pub mod pdu;
mod quickack;
pub mod receipt;
mod session;
pub mod status;
pub use qikberry_text::sms_text as text;
pub mod tls;
pub mod tlv;

pub use crate::phone::{Address, AddressError, PhoneNumber};
pub use crate::sms_text::{
    ConcatRef, ConcatRefSize, Encoding, EncodingChoice, SegmentInfo, TooManyParts, segments,
};
pub use client::{
    Backoff, BindMode, Client, Config, ConnectError, DEFAULT_EVENT_CAPACITY, DEFAULT_MAX_PARTS,
    QIKBERRY_HOSTS, SendError, Server, Sms, SubmitError,
};
pub use events::{
    DEFAULT_HANDLER_CONCURRENCY, DEFAULT_HANDLER_TIMEOUT, HandlerError, HandlerOptions,
};
pub use receipt::{DeliveryReceipt, Inbound, InboundMessage, MessageState, same_message_id};
pub use status::CommandStatus;
pub use tls::TlsOptions;

#[cfg(test)]
mod tests;
