//! Typed async client for the Qikberry CPaaS API: SMS, WhatsApp, RCS, Viber, voice, OTP
//! verification, contacts, webhooks administration and integrations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), qikberry::Error> {
//! use futures_util::TryStreamExt;
//! use qikberry::{Client, RetryLayer};
//! use qikberry::sms::{SmsDestinations, SmsSendDirect};
//!
//! let client = Client::builder()
//!     .token_from_env()             // QIKBERRY_TOKEN
//!     .layer(RetryLayer::new())     // repeats x-idempotent calls on 429/5xx; never a send
//!     .build()?;
//!
//! // Send an SMS.
//! let message = SmsSendDirect::new(
//!     "TXTSMS",
//!     SmsDestinations::from("919999999999".to_owned()),
//!     "Hello from Rust",
//!     "T",
//! );
//! let sent = client.sms().send_message(message).send().await?;
//! println!("{}", sent.message);
//!
//! // Walk every page of a list, one page in memory at a time.
//! let mut senders = std::pin::pin!(client.sms().list_senders().items());
//! while let Some(sender) = senders.try_next().await? {
//!     println!("{:?}", sender.name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every product has a handle on [`Client`] with one method per API operation, returning a
//! request builder: required parameters are arguments, optional ones are setters, and
//! `.send().await` runs the call. Paginated lists also offer `.items()` and `.pages()` streams
//! (see [`pagination`]). Errors are [`Error`]s with matchable helpers
//! ([`Error::is_rate_limited`], [`Error::retry_after`], …).
//!
//! Every request passes through the [`runtime::Layer`]s registered on the [`ClientBuilder`]
//! (retries, rate limiting, logging), which never see the token. Rate limits can be one
//! account-wide rate over many processes ([`ratelimit`], `RedisLimiter`).
//!
//! Product modules are compiled only when their cargo feature is on (all are, by default,
//! through the `rest` feature). Models the client only ever sends (request bodies and their
//! parts) implement `serde::Serialize`; their `serde::Deserialize` comes with the
//! `deserialize-requests` feature, for reading request bodies back (fixtures, proxies). Response
//! models always decode.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod client;
pub mod drift;
pub mod error;
pub mod metrics;
pub mod multipart;
pub mod pagination;
pub mod ratelimit;
mod redact;
#[cfg(any(feature = "dedupe-redis", feature = "ratelimit-redis"))]
mod redis_conn;
pub mod request;
pub mod runtime;
#[cfg(feature = "auth")]
pub mod token;
pub mod types;

// Code generated from `spec/qikberry.yaml` into `src/api/` (product modules and `common`),
// private and re-exported once at the crate root: `qikberry::sms`, `qikberry::common`, ….
#[rustfmt::skip]
mod api;
#[allow(unused_imports)]
pub use api::*;

pub use client::{Client, ClientBuilder};
pub use error::{Error, ErrorBody, RawBody, SentIds};
#[cfg(feature = "tracing")]
pub use runtime::TracingLayer;
pub use runtime::{AuthMode, RateLimitLayer, RetryLayer};

/// The HTTP client crate this client is built on (for [`ClientBuilder::http_client`] and
/// custom [`runtime::Layer`]s), re-exported so that versions always match.
pub use reqwest;

pub mod phone;
#[cfg(feature = "smpp")]
pub mod smpp;
pub mod sms_text;
#[cfg(feature = "webhook-events")]
pub mod webhook;
