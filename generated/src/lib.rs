//! Typed async client for the Qikberry CPaaS API: SMS, WhatsApp, RCS, Viber, voice, OTP
//! verification, contacts, webhooks administration and integrations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), qikberry::Error> {
//! use qikberry::Client;
//! use qikberry::runtime::RetryLayer;
//!
//! let client = Client::builder()
//!     .token_from_env()             // QIKBERRY_TOKEN
//!     .layer(RetryLayer::new())     // retries GET/PUT/DELETE on 429/5xx; never a send
//!     .build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! Every product has a handle on [`Client`] with one method per API operation, returning a
//! request builder: required parameters are arguments, optional ones are setters, and
//! `.send().await` runs the call. Paginated lists also offer `.items()` and `.pages()` streams
//! (see [`pagination`]). Errors are [`Error`]s with matchable helpers.
//!
//! Product modules are compiled only when their cargo feature is on (all are, by default,
//! through the `rest` feature).
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod client;
pub mod error;
pub mod multipart;
pub mod pagination;
pub mod request;
pub mod runtime;
pub mod types;

/// Code generated from `spec/qikberry.yaml` (product modules, re-exported at the crate root).
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod r#gen;
#[allow(unused_imports)]
pub use r#gen::*;

pub use client::{Client, ClientBuilder};
pub use error::{Error, ErrorBody};
pub use runtime::{AuthMode, RetryLayer};

/// The HTTP client crate this client is built on (for [`ClientBuilder::http_client`] and
/// custom [`runtime::Layer`]s), re-exported so that versions always match.
pub use reqwest;

#[cfg(feature = "smpp")]
pub mod smpp;
#[cfg(feature = "webhook-events")]
pub mod webhook;
