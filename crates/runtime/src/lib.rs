//! The client core behind the generated `qikberry` crate, and the parts its SMPP and webhook
//! crates share.
//!
//! With the default feature `client`: [`Client`] and [`ClientBuilder`] (hosts, auth, timeouts,
//! [`runtime::Layer`]s), [`request::Request`] and the per-operation facts
//! ([`request::Operation`]) the generated code passes in, [`Error`], [`pagination`],
//! [`multipart`], and token renewal (`token`, feature `auth`). Always: [`drift`] reports,
//! [`ratelimit`] (in process, or one account-wide rate over Redis with feature `redis`),
//! [`metrics`] names, and the lenient wire [`types`].
//!
//! Users depend on `qikberry`, which re-exports all of this under the same paths
//! (`qikberry::runtime`, `qikberry::drift`, …); the generated code calls only this crate's
//! public API.
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod drift;
pub mod metrics;
mod open_enum;
mod open_int_enum;
pub mod ratelimit;
#[cfg(feature = "redis")]
pub mod redis_conn;
#[cfg(feature = "tls")]
pub mod tls;
pub mod types;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod multipart;
#[cfg(feature = "client")]
pub mod pagination;
#[cfg(feature = "client")]
mod redact;
#[cfg(feature = "client")]
pub mod request;
#[cfg(feature = "client")]
pub mod runtime;
#[cfg(feature = "auth")]
pub mod token;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder};
#[cfg(feature = "client")]
pub use error::{Error, ErrorBody, RawBody, SentIds};
#[cfg(all(feature = "client", feature = "tracing"))]
pub use runtime::TracingLayer;
#[cfg(feature = "client")]
pub use runtime::{AuthMode, RateLimitLayer, RetryLayer};

/// What the exported macros (`open_enum!`) name through `$crate`, so that their callers need no
/// `serde` dependency of their own. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::open_enum::support as open_enum;
    pub use serde;
}

/// The HTTP client crate this client is built on (for [`ClientBuilder::http_client`] and
/// custom [`runtime::Layer`]s), re-exported so that versions always match.
#[cfg(feature = "client")]
pub use reqwest;
