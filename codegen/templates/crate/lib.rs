#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Everything below `api` is emitted from the spec; the runtime, text, webhook and SMPP parts
// are hand-written crates, re-exported under the paths they have always had here.
#[cfg(feature = "client")]
#[rustfmt::skip]
mod api;
#[cfg(feature = "client")]
#[allow(unused_imports)]
pub use api::*;

#[cfg(all(feature = "client", feature = "tracing"))]
pub use qikberry_runtime::TracingLayer;
#[cfg(any(feature = "client", feature = "smpp"))]
pub use qikberry_runtime::tls;
#[cfg(feature = "auth")]
pub use qikberry_runtime::token;
#[cfg(feature = "client")]
pub use qikberry_runtime::{
    AuthMode, Error, ErrorBody, RateLimitLayer, RawBody, RetryLayer, SentIds,
};
pub use qikberry_runtime::{drift, metrics, ratelimit, types};
#[cfg(feature = "client")]
pub use qikberry_runtime::{error, multipart, pagination, request, reqwest, runtime};
#[cfg(feature = "smpp")]
pub use qikberry_smpp as smpp;
pub use qikberry_text::{phone, sms_text};
#[cfg(feature = "webhook-events")]
pub use qikberry_webhook as webhook;

#[cfg(feature = "outbox")]
pub mod outbox;

/// The client and its builder: [`Client`] with one handle per product, and the runtime's
/// builder options and helpers.
#[cfg(feature = "client")]
pub mod client {
    pub use crate::{Client, ClientBuilder};
    pub use qikberry_runtime::client::*;
}

/// A Qikberry API client: one handle per product (`client.sms()`, `client.whatsapp()`, … each
/// behind its Cargo feature), each with one method per operation that returns a request
/// builder. Every method of the runtime's client ([`qikberry_runtime::Client`]: base URLs,
/// token, drift reports) is available through `Deref`.
///
/// Cloning is cheap (one shared connection pool, token and layer stack). The token is never
/// printed: `{:?}` of a client shows `[REDACTED]`.
#[cfg(feature = "client")]
#[derive(Clone)]
pub struct Client(qikberry_runtime::Client);

/// Every option of a [`Client`]: hosts, token and auth mode, timeouts, layers, drift handling.
#[cfg(feature = "client")]
pub type ClientBuilder = qikberry_runtime::ClientBuilder<Client>;

#[cfg(feature = "client")]
impl Client {
    /// A builder for every option (hosts, auth mode, timeouts, middleware).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the default hosts and the given token.
    ///
    /// # Panics
    /// Only if the TLS backend cannot be initialised (like `reqwest::Client::new`). Use
    /// [`Client::builder`] to get that as an error instead.
    pub fn new(token: impl Into<String>) -> Client {
        Client(qikberry_runtime::Client::new(token))
    }

    /// A client with the token from `QIKBERRY_TOKEN`, and the host from `QIKBERRY_HOST` when
    /// that is set (default hosts otherwise).
    #[allow(clippy::result_large_err)] // the same `Error` every call returns
    pub fn from_env() -> Result<Client, Error> {
        qikberry_runtime::Client::from_env().map(Client)
    }
}
