//! [`TracingLayer`]: one `tracing` span per API call.

use futures_util::future::BoxFuture;

use super::{Layer, Next, PreparedRequest, Response};
use crate::Error;

/// Emits one `tracing` span per API call (feature `tracing`), named `qikberry.request`, with
/// the fields `operation`, `method`, `path` — the path **template**
/// (`/api/v2/verify/check/{otp_id}/{token}`), never the real path, which can hold an OTP; the
/// query string is left out too (phone numbers) — and, when the call ends, `status` and
/// `elapsed_ms`; failures (transport errors and non-2xx statuses) are logged as `warn` events
/// inside the span. Hand-built requests without operation metadata show `path="?"`.
///
/// Register it first to see one span per call, or after a [`RetryLayer`](super::RetryLayer) to see one per attempt.
/// The token is never recorded: layers do not see it.
///
/// ```
/// let client = qikberry::Client::builder()
///     .token("test-token")
///     .layer(qikberry::runtime::TracingLayer)
///     .build()?;
/// # Ok::<(), qikberry::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TracingLayer;

impl Layer for TracingLayer {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "qikberry.request",
            operation = req.operation_id(),
            method = %req.method(),
            path = req.path_template().as_deref().unwrap_or("?"),
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let inner = span.clone();
        Box::pin(
            async move {
                let started = std::time::Instant::now();
                let result = next.run(req).await;
                let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                inner.record("elapsed_ms", elapsed);
                match &result {
                    Ok(resp) => {
                        inner.record("status", resp.status.as_u16());
                        if !resp.status.is_success() {
                            tracing::warn!(status = resp.status.as_u16(), "API call failed");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "API call failed"),
                }
                result
            }
            .instrument(span),
        )
    }
}
