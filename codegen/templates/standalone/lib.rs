#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

// Everything below `api` is emitted from the spec; the client core is `qikberry-runtime`.
#[cfg(feature = "client")]
#[rustfmt::skip]
mod api;
#[cfg(feature = "client")]
#[allow(unused_imports)]
pub use api::*;

#[cfg(all(feature = "client", feature = "tracing"))]
pub use qikberry_runtime::TracingLayer;
pub use qikberry_runtime::{drift, types};
#[cfg(feature = "client")]
pub use qikberry_runtime::{AuthMode, Error, ErrorBody, RateLimitLayer, RawBody, RetryLayer};
#[cfg(feature = "client")]
pub use qikberry_runtime::{error, multipart, pagination, request, reqwest, runtime};

/// The API client: one handle per tag (each behind its Cargo feature), each with one method
/// per operation that returns a request builder. Set the API's address with
/// [`Client::builder`]`().base_url(…)`; every method of the runtime's client is available
/// through `Deref`. The token is never printed.
#[cfg(feature = "client")]
#[derive(Clone)]
pub struct Client(qikberry_runtime::Client);

/// Every option of a [`Client`]: base URL, token and auth mode, timeouts, layers.
#[cfg(feature = "client")]
pub type ClientBuilder = qikberry_runtime::ClientBuilder<Client>;

#[cfg(feature = "client")]
impl Client {
    /// A builder for every option (base URL, auth mode, timeouts, middleware).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}
