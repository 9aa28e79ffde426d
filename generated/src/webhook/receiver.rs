//! An axum receiver: mount it at your webhook path and get verified, de-duplicated events.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::mpsc;

use super::dedupe::{BoxFuture, DedupeStore, InMemoryDedupe};
use super::verify::{
    Delivery, IncomingRequest, Outcome, SignaturePolicy, SignatureStatus, Verifier,
};

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

type Callback = dyn Fn(Delivery) -> BoxFuture<'static, ()> + Send + Sync;

enum Sink {
    Channel(mpsc::Sender<Delivery>),
    Callback(Arc<Callback>),
}

struct Inner {
    verifier: Verifier,
    dedupe: Option<Arc<dyn DedupeStore>>,
    sink: Sink,
    body_limit: usize,
}

/// A webhook endpoint as an axum [`Router`].
///
/// Per request: method (POST for events and the handshake; GET answers 200 when the Bearer
/// secret passes, as a liveness probe), `Content-Length` over the limit → 413,
/// `Content-Type` not JSON → 415, body over the limit → 413, then [`Verifier::process`]:
/// handshake → `200 {"challenge": ...}`, bad or missing secret or signature → 401, malformed
/// body → 400, unknown event → accepted as [`super::Event::Unknown`]. Accepted events are
/// de-duplicated by [`super::IdempotencyKey`] (duplicates get 200 and are not handed on) and
/// handed to your channel or callback without waiting for your code; the answer is a fast
/// `200 {"status": "OK"}`. If the channel is full or closed the answer is 503 and the key is
/// forgotten, so the platform's retry delivers the event later rather than losing it.
///
/// ```no_run
/// use qikberry::webhook::{Receiver, Verifier};
///
/// # async fn run() -> std::io::Result<()> {
/// let verifier = Verifier::new()
///     .validation_key("9012XX")
///     .bearer_secret("1233XXX")
///     .signature_key("dd4b91af-167d-48e6-901d-ae181ff6e80d");
/// let (receiver, mut events) = Receiver::with_channel(verifier, 1024);
/// let app = axum::Router::new().nest("/qikberry/webhook", receiver.router());
/// tokio::spawn(async move {
///     while let Some(d) = events.recv().await {
///         println!("{} {}", d.event.name(), d.key);
///     }
/// });
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
pub struct Receiver {
    inner: Inner,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("verifier", &self.inner.verifier)
            .field("dedupe", &self.inner.dedupe.is_some())
            .field("body_limit", &self.inner.body_limit)
            .finish()
    }
}

impl Receiver {
    /// A receiver that sends each accepted event into a bounded channel of `capacity`.
    pub fn with_channel(verifier: Verifier, capacity: usize) -> (Self, mpsc::Receiver<Delivery>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (Self::build(verifier, Sink::Channel(tx)), rx)
    }

    /// A receiver that spawns `callback(delivery)` as a task for each accepted event. The HTTP
    /// answer does not wait for it; a panic in it stays inside its task.
    pub fn with_callback<F, Fut>(verifier: Verifier, callback: F) -> Self
    where
        F: Fn(Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let cb: Arc<Callback> = Arc::new(move |d| Box::pin(callback(d)));
        Self::build(verifier, Sink::Callback(cb))
    }

    fn build(verifier: Verifier, sink: Sink) -> Self {
        Receiver {
            inner: Inner {
                verifier,
                dedupe: Some(Arc::new(InMemoryDedupe::default())),
                sink,
                body_limit: DEFAULT_BODY_LIMIT,
            },
        }
    }

    /// Sets the body size limit in bytes (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.inner.body_limit = bytes;
        self
    }

    /// Uses your own de-duplication store instead of the default [`InMemoryDedupe`].
    pub fn dedupe(mut self, store: Arc<dyn DedupeStore>) -> Self {
        self.inner.dedupe = Some(store);
        self
    }

    /// Turns de-duplication off: every accepted delivery is handed on, retries included.
    pub fn without_dedupe(mut self) -> Self {
        self.inner.dedupe = None;
        self
    }

    /// The router. It answers on every path, so mount it with `Router::nest`,
    /// `Router::nest_service` or `Router::route_service` at your webhook path.
    pub fn router(self) -> Router {
        Router::new()
            .fallback(handle)
            .with_state(Arc::new(self.inner))
    }
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn reject(status: StatusCode, message: &str) -> Response {
    reply(status, json!({ "status": "error", "message": message }))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let media = ct.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json")
        || (media.len() > 5
            && media.is_char_boundary(media.len() - 5)
            && media[media.len() - 5..].eq_ignore_ascii_case("+json")
            && media
                .get(..12)
                .is_some_and(|p| p.eq_ignore_ascii_case("application/")))
}

async fn read_limited(body: Body, limit: usize) -> Result<Bytes, StatusCode> {
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(StatusCode::PAYLOAD_TOO_LARGE);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let query = uri.query();
    if method == Method::GET || method == Method::HEAD {
        return match inner
            .verifier
            .check_bearer(header_str(&headers, "authorization"))
        {
            Ok(()) => reply(StatusCode::OK, json!({ "status": "OK" })),
            Err(r) => reject(StatusCode::UNAUTHORIZED, &r.to_string()),
        };
    }
    if method != Method::POST {
        return reject(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    if let Some(len) = header_str(&headers, "content-length").and_then(|v| v.parse::<u64>().ok())
        && len > inner.body_limit as u64
    {
        return reject(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    }
    if !is_json(header_str(&headers, header::CONTENT_TYPE.as_str())) {
        return reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let bytes = match read_limited(body, inner.body_limit).await {
        Ok(b) => b,
        Err(status) => {
            let msg = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "body too large"
            } else {
                "could not read body"
            };
            return reject(status, msg);
        }
    };
    let req = IncomingRequest {
        query,
        authorization: header_str(&headers, "authorization"),
        signature: header_str(&headers, "signature"),
        body: &bytes,
    };
    let delivery = match inner.verifier.process(&req) {
        Ok(Outcome::Handshake { challenge }) => {
            return reply(StatusCode::OK, json!({ "challenge": challenge }));
        }
        Ok(Outcome::Event(d)) => *d,
        Err(r) => {
            let status = if r.http_status() == 400 {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNAUTHORIZED
            };
            if status == StatusCode::UNAUTHORIZED {
                tracing::warn!(reason = %r, "webhook request rejected");
                // Do not tell an unauthenticated caller which check failed.
                return reject(status, "unauthorized");
            }
            tracing::debug!(reason = %r, "webhook body rejected");
            return reject(status, &r.to_string());
        }
    };
    if inner.verifier.current_signature_policy() == SignaturePolicy::Monitor
        && delivery.signature != SignatureStatus::Valid
    {
        tracing::warn!(
            event = delivery.event.name(),
            signature = ?delivery.signature,
            "webhook signature did not verify (monitor mode: accepted)"
        );
    }
    if let Some(store) = &inner.dedupe {
        match store.insert_if_new(&delivery.key).await {
            Ok(true) => {}
            Ok(false) => {
                return reply(StatusCode::OK, json!({ "status": "OK", "duplicate": true }));
            }
            Err(e) => {
                tracing::error!(error = %e, "webhook de-duplication store failed");
                return reject(StatusCode::SERVICE_UNAVAILABLE, "try again later");
            }
        }
    }
    match &inner.sink {
        Sink::Channel(tx) => {
            if let Err(e) = tx.try_send(delivery) {
                let d = match e {
                    mpsc::error::TrySendError::Full(d) | mpsc::error::TrySendError::Closed(d) => d,
                };
                tracing::warn!(event = d.event.name(), "webhook consumer is not keeping up");
                if let Some(store) = &inner.dedupe
                    && let Err(e) = store.remove(&d.key).await
                {
                    tracing::error!(error = %e, "webhook de-duplication store failed");
                }
                return reject(StatusCode::SERVICE_UNAVAILABLE, "try again later");
            }
        }
        Sink::Callback(cb) => {
            tokio::spawn(cb(delivery));
        }
    }
    reply(StatusCode::OK, json!({ "status": "OK" }))
}
