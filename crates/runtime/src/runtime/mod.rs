//! The middleware seam: every request passes through the [`Layer`]s registered on the
//! [`ClientBuilder`](crate::ClientBuilder), in order, before it reaches the network.
//!
//! Retries ([`RetryLayer`]), rate limiting, tracing or test doubles plug in here without any
//! change to the generated code. A layer sees a [`PreparedRequest`] (URL with the encoded query,
//! headers, body) *without* the API token: authentication is applied by the innermost step, so a
//! logging layer cannot leak it.
//!
//! ```
//! use futures_util::future::BoxFuture;
//! use qikberry::runtime::{Layer, Next, PreparedRequest, Response};
//! use qikberry::Error;
//!
//! /// Prints one line per call.
//! struct LogLayer;
//!
//! impl Layer for LogLayer {
//!     fn handle<'a>(
//!         &'a self,
//!         req: PreparedRequest,
//!         next: Next<'a>,
//!     ) -> BoxFuture<'a, Result<Response, Error>> {
//!         Box::pin(async move {
//!             let op = req.operation_id();
//!             let result = next.run(req).await;
//!             match &result {
//!                 Ok(resp) => eprintln!("{op}: {}", resp.status),
//!                 Err(e) => eprintln!("{op}: {e}"),
//!             }
//!             result
//!         })
//!     }
//! }
//!
//! let client = qikberry::Client::builder()
//!     .token("test-token")
//!     .layer(LogLayer)
//!     .build()?;
//! # Ok::<(), qikberry::Error>(())
//! ```

mod prepared;
mod rate_limit;
mod retry;
mod retry_after;
mod token_cell;
#[cfg(feature = "tracing")]
mod tracing;
mod transport;

#[cfg(feature = "tracing")]
pub use self::tracing::TracingLayer;
pub use prepared::{PreparedBody, PreparedRequest};
pub use rate_limit::RateLimitLayer;
pub use retry::RetryLayer;
pub use retry_after::parse_retry_after;
pub(crate) use token_cell::TokenCell;
pub use transport::AuthMode;
pub(crate) use transport::Transport;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::Error;

/// A response as seen by middleware: status, headers and the complete body.
#[derive(Clone, Debug)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The complete body.
    pub body: Bytes,
}

/// A middleware step. Implementations call `next.run(req)` zero or more times.
///
/// See the [module documentation](self) for an example.
pub trait Layer: Send + Sync + 'static {
    /// Handles one request; `next` runs the remaining layers and then the network call.
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>>;
}

/// The rest of the chain after the current layer. It is `Copy`, so a layer may run it several
/// times (retries).
#[derive(Clone, Copy)]
pub struct Next<'a> {
    layers: &'a [Arc<dyn Layer>],
    transport: &'a Transport,
}

impl<'a> Next<'a> {
    pub(crate) fn new(layers: &'a [Arc<dyn Layer>], transport: &'a Transport) -> Self {
        Next { layers, transport }
    }

    /// Runs the remaining layers and the network call.
    pub fn run(self, req: PreparedRequest) -> BoxFuture<'a, Result<Response, Error>> {
        match self.layers.split_first() {
            Some((first, rest)) => first.handle(
                req,
                Next {
                    layers: rest,
                    transport: self.transport,
                },
            ),
            None => Box::pin(self.transport.send(req)),
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("remaining_layers", &self.layers.len())
            .finish()
    }
}
