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

use super::dedupe::{BoxFuture, Claim, DedupeStore, InMemoryDedupe};
use super::verify::{
    Delivery, IncomingRequest, Outcome, SignaturePolicy, SignatureStatus, Verifier, query_param,
};
use crate::metrics::{self, webhook_outcome};

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The body limit of a POST without a valid Bearer secret that may be a validation handshake
/// (a `token` in its query): 8 KiB, enough for `{"validation_key": .., "challenge": ..}`.
pub const HANDSHAKE_BODY_LIMIT: usize = 8 * 1024;

type Callback = dyn Fn(Delivery) -> BoxFuture<'static, ()> + Send + Sync;

/// The error a handler of [`Receiver::with_handler`] returns to get a redelivery.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type Handler = dyn Fn(Delivery) -> BoxFuture<'static, Result<(), HandlerError>> + Send + Sync;

enum Sink {
    Channel(mpsc::Sender<Delivery>),
    Callback(Arc<Callback>),
    Handler(Arc<Handler>),
}

struct Inner {
    verifier: Verifier,
    dedupe: Option<Arc<dyn DedupeStore>>,
    sink: Sink,
    body_limit: usize,
}

/// A webhook endpoint as an axum [`Router`].
///
/// Per request: method (POST for events and the handshake; GET/HEAD is a health check, see
/// below), then, **from the headers alone, before any body is read**, the Bearer secret (a
/// request without it → 401, unless its query carries `token` and it may be a validation
/// handshake, whose body may then be at most [`HANDSHAKE_BODY_LIMIT`]), `Content-Length`
/// over the limit → 413, `Content-Type` not JSON → 415, body over the limit → 413, then
/// [`Verifier::process`]:
/// handshake → `200 {"challenge": ...}`, bad or missing secret or signature → 401, a body
/// that is not JSON → 400. **Every other authenticated delivery is accepted**: an unknown event
/// as [`super::Event::Unknown`], a known one whose payload does not fit as
/// [`super::Event::Unparsed`] (with its drift reported), so nothing the platform sends is
/// answered 4xx and dropped.
///
/// Accepted events are de-duplicated by [`super::IdempotencyKey`] through a
/// [`DedupeStore`] (default: [`InMemoryDedupe`], 36 h): a handled duplicate gets 200 and is not
/// handed on; a duplicate arriving while the first copy is still being handled gets 503 (the
/// platform retries later). Two ways to hand events on:
///
/// * **Fast ack** ([`Receiver::with_channel`], [`Receiver::with_callback`]): the event is
///   queued or spawned and the answer is an immediate `200 {"status": "OK"}`. A full or closed
///   channel answers 503 and releases the key, so the platform's retry delivers it later.
///   What happens after the 200 is your code's business: a crash there loses the event.
/// * **Acknowledge after the handler** ([`Receiver::with_handler`]): the answer waits for
///   your handler's `Result`. `Ok` → 200 and the key is kept; `Err` or a panic → 500 and the
///   key is released, so the platform redelivers and the handler runs again (at-least-once,
///   exactly once per success). Keep the handler under the platform's 3-second timeout; a
///   slower success still counts: claim, handler and settling run in a task of their own,
///   which a caller hanging up does not cancel, so the retry finds the key done (200, not
///   handled again) — or, while the handler still runs, in flight (503, retried later).
///
/// **Health checks**: GET or HEAD without an `Authorization` header answers `200
/// {"status": "OK"}` (nothing about the configuration); with one, the Bearer secret is
/// checked (200 or 401), to test the secret you gave the platform.
///
/// ```no_run
/// use qikberry_webhook::{Receiver, Verifier};
///
/// # async fn run() -> std::io::Result<()> {
/// let verifier = Verifier::new()
///     .validation_key("9012XX")
///     .bearer_secret("1233XXX")
///     .signature_key("dd4b91af-167d-48e6-901d-ae181ff6e80d");
/// let (receiver, mut events) = Receiver::with_channel(verifier, 1024);
/// let app = axum::Router::new().nest("/qikberry/webhook", receiver.router().expect("secured"));
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

    /// A receiver that acknowledges only after `handler(delivery)` returned `Ok`: an `Err` (or
    /// a panic) answers 500, so the platform redelivers the event. The handler runs in its own
    /// task, so a caller that hangs up does not cancel it halfway.
    ///
    /// ```no_run
    /// use qikberry_webhook::{Receiver, Verifier};
    ///
    /// let receiver = Receiver::with_handler(Verifier::new().bearer_secret("s"), |d| async move {
    ///     // store d.event in your database; an error makes the platform deliver it again
    ///     println!("{} {}", d.event.name(), d.key);
    ///     Ok::<(), std::io::Error>(())
    /// });
    /// let app = axum::Router::new().nest("/qikberry/webhook", receiver.router().expect("secured"));
    /// ```
    pub fn with_handler<F, Fut, E>(verifier: Verifier, handler: F) -> Self
    where
        F: Fn(Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<HandlerError> + 'static,
    {
        let h: Arc<Handler> = Arc::new(move |d| {
            let fut = handler(d);
            Box::pin(async move { fut.await.map_err(Into::into) })
        });
        Self::build(verifier, Sink::Handler(h))
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
    ///
    /// Refused when the verifier authenticates no event (no Bearer secret, no enforced
    /// signature key), unless you said so with [`Verifier::allow_unauthenticated`].
    pub fn router(self) -> Result<Router, UnauthenticatedReceiver> {
        if !self.inner.verifier.may_serve() {
            return Err(UnauthenticatedReceiver);
        }
        Ok(Router::new()
            .fallback(handle)
            .with_state(Arc::new(self.inner)))
    }
}

/// [`Receiver::router`] refused a verifier that authenticates no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the webhook Verifier authenticates no event (no bearer_secret, no enforced signature_key): \
     anyone could post events; configure one, or call Verifier::allow_unauthenticated()"
)]
pub struct UnauthenticatedReceiver;

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
        return health(&inner.verifier, &headers);
    }
    let response = handle_post(inner, method, query, headers, body).await;
    if response.status().is_client_error() {
        metrics::webhook_delivery(webhook_outcome::REJECTED);
    }
    response
}

/// Everything but the health check: verify, then claim, hand on and settle.
async fn handle_post(
    inner: Arc<Inner>,
    method: Method,
    query: Option<&str>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return reject(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    let Some(limit) = body_limit_for(&inner, query, &headers) else {
        // Do not tell an unauthenticated caller which check failed.
        return reject(StatusCode::UNAUTHORIZED, "unauthorized");
    };
    if let Some(len) = header_str(&headers, "content-length").and_then(|v| v.parse::<u64>().ok())
        && len > limit as u64
    {
        return reject(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    }
    if !is_json(header_str(&headers, header::CONTENT_TYPE.as_str())) {
        return reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let bytes = match read_limited(body, limit).await {
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
        content_type: header_str(&headers, header::CONTENT_TYPE.as_str()),
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
    // Claim, hand on and settle run in their own task: a caller that hangs up (the platform
    // waits 3 s) drops this future, not the sequence, so a slow success is still recorded as
    // done and its retries are acknowledged without being handled again.
    let settle = tokio::spawn(claim_hand_on_settle(inner.clone(), delivery));
    match settle.await {
        Ok(response) => response,
        Err(_) => {
            metrics::webhook_delivery(webhook_outcome::FAILED);
            tracing::error!("webhook delivery task panicked; asking for a redelivery");
            reject(StatusCode::INTERNAL_SERVER_ERROR, "handler failed")
        }
    }
}

/// The de-duplicated hand-on of one authenticated delivery, from claim to settle. Runs to its
/// end whatever happens to the HTTP request that carried it.
async fn claim_hand_on_settle(inner: Arc<Inner>, delivery: Delivery) -> Response {
    let Some(store) = &inner.dedupe else {
        return hand_on(&inner.sink, delivery).await;
    };
    match store.claim(&delivery.key).await {
        Ok(Claim::New) => {}
        Ok(Claim::Done) => {
            metrics::webhook_delivery(webhook_outcome::DUPLICATE);
            return reply(StatusCode::OK, json!({ "status": "OK", "duplicate": true }));
        }
        Ok(Claim::InFlight) => {
            metrics::webhook_delivery(webhook_outcome::IN_FLIGHT);
            return reject(StatusCode::SERVICE_UNAVAILABLE, "already being handled");
        }
        Err(e) => {
            metrics::webhook_delivery(webhook_outcome::STORE_ERROR);
            tracing::error!(error = %e, "webhook de-duplication store failed");
            return reject(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
    }
    let key = delivery.key.clone();
    let handed_on = hand_on(&inner.sink, delivery).await;
    let settled = if handed_on.status().is_success() {
        store.complete(&key).await
    } else {
        store.release(&key).await
    };
    if let Err(e) = settled {
        // A success is still answered 200: the platform then stops retrying, and the claim
        // left behind only blocks redeliveries until its lease runs out.
        tracing::error!(error = %e, "webhook de-duplication store failed");
    }
    handed_on
}

/// The GET/HEAD answer: without an `Authorization` header, a health check (`200
/// {"status": "OK"}`, which tells nothing about the configuration); with one, the Bearer
/// secret is checked (200 or 401), so you can test the secret you gave the platform.
fn health(verifier: &Verifier, headers: &HeaderMap) -> Response {
    let Some(authorization) = header_str(headers, "authorization") else {
        return reply(StatusCode::OK, json!({ "status": "OK" }));
    };
    match verifier.check_bearer(Some(authorization)) {
        Ok(()) => reply(StatusCode::OK, json!({ "status": "OK" })),
        Err(r) => reject(StatusCode::UNAUTHORIZED, &r.to_string()),
    }
}

/// How much body a POST may send, decided from its headers before a byte is read: the
/// configured limit when the Bearer secret passes; [`HANDSHAKE_BODY_LIMIT`] for a request
/// that can only be a validation handshake (a `token` in the query, no valid Bearer);
/// `None` (401) for anything else.
fn body_limit_for(inner: &Inner, query: Option<&str>, headers: &HeaderMap) -> Option<usize> {
    match inner
        .verifier
        .check_bearer(header_str(headers, "authorization"))
    {
        Ok(()) => Some(inner.body_limit),
        Err(_) if query_param(query, "token").is_some() => {
            Some(HANDSHAKE_BODY_LIMIT.min(inner.body_limit))
        }
        Err(r) => {
            tracing::warn!(reason = %r, "webhook request rejected before its body was read");
            None
        }
    }
}

/// Gives the event to the user's code and counts the delivery as accepted or failed.
async fn hand_on(sink: &Sink, delivery: Delivery) -> Response {
    let response = give(sink, delivery).await;
    metrics::webhook_delivery(if response.status().is_success() {
        webhook_outcome::ACCEPTED
    } else {
        webhook_outcome::FAILED
    });
    response
}

/// Gives the event to the user's code; the answer says whether it was taken.
async fn give(sink: &Sink, delivery: Delivery) -> Response {
    match sink {
        Sink::Channel(tx) => {
            if let Err(e) = tx.try_send(delivery) {
                let d = match e {
                    mpsc::error::TrySendError::Full(d) | mpsc::error::TrySendError::Closed(d) => d,
                };
                tracing::warn!(event = d.event.name(), "webhook consumer is not keeping up");
                return reject(StatusCode::SERVICE_UNAVAILABLE, "try again later");
            }
        }
        Sink::Callback(cb) => {
            tokio::spawn(cb(delivery));
        }
        Sink::Handler(h) => {
            let name = delivery.event.name().to_owned();
            match tokio::spawn(h(delivery)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(event = %name, error = %e, "webhook handler failed; asking for a redelivery");
                    return reject(StatusCode::INTERNAL_SERVER_ERROR, "handler failed");
                }
                Err(_) => {
                    tracing::error!(event = %name, "webhook handler panicked; asking for a redelivery");
                    return reject(StatusCode::INTERNAL_SERVER_ERROR, "handler failed");
                }
            }
        }
    }
    reply(StatusCode::OK, json!({ "status": "OK" }))
}
