//! The metrics this crate emits through the [`metrics`](https://docs.rs/metrics) facade
//! (feature `metrics`): install any `metrics` recorder or exporter (Prometheus, StatsD,
//! OpenTelemetry…) in your application and they appear there. Without the feature nothing is
//! recorded and the calls compile to nothing; the names below are defined either way.
//!
//! Labels carry only operation ids, event names, fixed words and status codes — never tokens,
//! phone numbers, message ids or texts.
//!
//! | Name | Kind | Labels | Meaning |
//! |---|---|---|---|
//! | `qikberry_rest_requests_total` | counter | `operation`, `status` | REST HTTP requests sent (every attempt, retries included) by operationId and outcome: the HTTP status code (`200`, `503`…), `transport_error` (connect, timeout, body read) or `error` (the request could not be built) |
//! | `qikberry_rest_request_duration_seconds` | histogram | `operation` | Time from sending one REST HTTP request to having its whole response body (or its failure) |
//! | `qikberry_rest_retries_total` | counter | `operation` | Attempts repeated by `RetryLayer` (after a retryable status or a connect/timeout failure) |
//! | `qikberry_rest_rate_limit_wait_seconds` | histogram | — | Time a REST call waited in `RateLimitLayer` for its permit (calls a limit applies to) |
//! | `qikberry_smpp_submits_total` | counter | `outcome` | submit_sm / data_sm PDUs finished, by outcome: `ok`, `rejected` (an error status), `throttled` (still throttled after every resubmission), `timeout`, `connection_lost`, `error` (no bind, encoding, protocol, shutdown) |
//! | `qikberry_smpp_submit_duration_seconds` | histogram | — | Time from handing a submit to a bind (including the waits for a window slot and for a throttling pause) to its response, for every response received |
//! | `qikberry_smpp_window_in_flight` | gauge | — | Requests holding a window slot, over all binds of all clients |
//! | `qikberry_smpp_throttles_total` | counter | — | Submit responses `ESME_RTHROTTLED` / `ESME_RMSGQFUL` (each pauses its bind) |
//! | `qikberry_smpp_receipts_total` | counter | `answer` | deliver_sm / data_sm from the SMSC answered: `ok` (`ESME_ROK`) or `refused` (an error status: the SMSC redelivers) |
//! | `qikberry_smpp_reconnects_total` | counter | — | Binds established again after a bind of the same slot had closed |
//! | `qikberry_webhook_deliveries_total` | counter | `outcome` | Webhook POSTs answered: `accepted` (handed on, 200), `duplicate` (already handled, 200), `in_flight` (being handled elsewhere, 503), `rejected` (4xx: authentication, size, media type, body), `failed` (the consumer or handler failed, 5xx), `store_error` (the dedupe store failed, 503) |
//! | `qikberry_webhook_dedupe_hits_total` | counter | — | Deliveries the dedupe store recognised (`duplicate` plus `in_flight`) |
//! | `qikberry_drift_reports_total` | counter | `source` | New (first-seen) drift reports of a `DriftLog`, by the operationId or webhook event name that carried them |

use std::time::Duration;

/// Counter `qikberry_rest_requests_total{operation,status}`.
pub const REST_REQUESTS_TOTAL: &str = "qikberry_rest_requests_total";
/// Histogram `qikberry_rest_request_duration_seconds{operation}`.
pub const REST_REQUEST_DURATION_SECONDS: &str = "qikberry_rest_request_duration_seconds";
/// Counter `qikberry_rest_retries_total{operation}`.
pub const REST_RETRIES_TOTAL: &str = "qikberry_rest_retries_total";
/// Histogram `qikberry_rest_rate_limit_wait_seconds`.
pub const REST_RATE_LIMIT_WAIT_SECONDS: &str = "qikberry_rest_rate_limit_wait_seconds";
/// Counter `qikberry_smpp_submits_total{outcome}`.
pub const SMPP_SUBMITS_TOTAL: &str = "qikberry_smpp_submits_total";
/// Histogram `qikberry_smpp_submit_duration_seconds`.
pub const SMPP_SUBMIT_DURATION_SECONDS: &str = "qikberry_smpp_submit_duration_seconds";
/// Gauge `qikberry_smpp_window_in_flight`.
pub const SMPP_WINDOW_IN_FLIGHT: &str = "qikberry_smpp_window_in_flight";
/// Counter `qikberry_smpp_throttles_total`.
pub const SMPP_THROTTLES_TOTAL: &str = "qikberry_smpp_throttles_total";
/// Counter `qikberry_smpp_receipts_total{answer}`.
pub const SMPP_RECEIPTS_TOTAL: &str = "qikberry_smpp_receipts_total";
/// Counter `qikberry_smpp_reconnects_total`.
pub const SMPP_RECONNECTS_TOTAL: &str = "qikberry_smpp_reconnects_total";
/// Counter `qikberry_webhook_deliveries_total{outcome}`.
pub const WEBHOOK_DELIVERIES_TOTAL: &str = "qikberry_webhook_deliveries_total";
/// Counter `qikberry_webhook_dedupe_hits_total`.
pub const WEBHOOK_DEDUPE_HITS_TOTAL: &str = "qikberry_webhook_dedupe_hits_total";
/// Counter `qikberry_drift_reports_total{source}`.
pub const DRIFT_REPORTS_TOTAL: &str = "qikberry_drift_reports_total";

/// Every metric name above, in table order.
pub const ALL: &[&str] = &[
    REST_REQUESTS_TOTAL,
    REST_REQUEST_DURATION_SECONDS,
    REST_RETRIES_TOTAL,
    REST_RATE_LIMIT_WAIT_SECONDS,
    SMPP_SUBMITS_TOTAL,
    SMPP_SUBMIT_DURATION_SECONDS,
    SMPP_WINDOW_IN_FLIGHT,
    SMPP_THROTTLES_TOTAL,
    SMPP_RECEIPTS_TOTAL,
    SMPP_RECONNECTS_TOTAL,
    WEBHOOK_DELIVERIES_TOTAL,
    WEBHOOK_DEDUPE_HITS_TOTAL,
    DRIFT_REPORTS_TOTAL,
];

/// Increments a counter (a no-op without the feature).
macro_rules! count {
    ($name:expr $(, $k:literal => $v:expr)*) => {{
        #[cfg(feature = "metrics")]
        ::metrics::counter!($name $(, $k => $v)*).increment(1);
        #[cfg(not(feature = "metrics"))]
        let _ = ($name $(, &$v)*);
    }};
}

/// Records seconds in a histogram (a no-op without the feature).
macro_rules! seconds {
    ($name:expr, $d:expr $(, $k:literal => $v:expr)*) => {{
        #[cfg(feature = "metrics")]
        ::metrics::histogram!($name $(, $k => $v)*).record($d.as_secs_f64());
        #[cfg(not(feature = "metrics"))]
        let _ = ($name, $d $(, &$v)*);
    }};
}

/// One REST HTTP request ended: `status` is its HTTP status, or `None` with `transport`
/// telling a transport failure from a request that could not be built.
pub fn rest_request(operation: &'static str, status: Option<u16>, transport: bool, took: Duration) {
    #[cfg(feature = "metrics")]
    {
        let status = match status {
            Some(code) => code.to_string(),
            None if transport => "transport_error".to_owned(),
            None => "error".to_owned(),
        };
        count!(REST_REQUESTS_TOTAL, "operation" => operation, "status" => status);
        seconds!(REST_REQUEST_DURATION_SECONDS, took, "operation" => operation);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (operation, status, transport, took);
}

/// `RetryLayer` is about to repeat a call.
pub fn rest_retry(operation: &'static str) {
    count!(REST_RETRIES_TOTAL, "operation" => operation);
}

/// A REST call waited `waited` for its rate-limit permit.
pub fn rest_rate_limit_wait(waited: Duration) {
    seconds!(REST_RATE_LIMIT_WAIT_SECONDS, waited);
}

/// A submit PDU finished with `outcome` (one of the words of the table).
pub fn smpp_submit(outcome: &'static str) {
    count!(SMPP_SUBMITS_TOTAL, "outcome" => outcome);
}

/// A submit got its response `took` after it was handed to a bind.
pub fn smpp_submit_duration(took: Duration) {
    seconds!(SMPP_SUBMIT_DURATION_SECONDS, took);
}

/// A submit response said throttled / queue full.
pub fn smpp_throttle() {
    count!(SMPP_THROTTLES_TOTAL);
}

/// A deliver_sm / data_sm was answered; `ok`: with `ESME_ROK`.
pub fn smpp_receipt_answered(ok: bool) {
    count!(SMPP_RECEIPTS_TOTAL, "answer" => if ok { "ok" } else { "refused" });
}

/// A bind slot bound again after its previous bind closed.
pub fn smpp_reconnect() {
    count!(SMPP_RECONNECTS_TOTAL);
}

/// One occupied SMPP window slot: raises `qikberry_smpp_window_in_flight` while it lives.
pub struct WindowSlot(());

impl WindowSlot {
    /// Counts a slot as taken until the returned value is dropped.
    pub fn taken() -> WindowSlot {
        #[cfg(feature = "metrics")]
        ::metrics::gauge!(SMPP_WINDOW_IN_FLIGHT).increment(1.0);
        WindowSlot(())
    }
}

impl Drop for WindowSlot {
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        ::metrics::gauge!(SMPP_WINDOW_IN_FLIGHT).decrement(1.0);
    }
}

/// Outcome words of `qikberry_webhook_deliveries_total`.
pub mod webhook_outcome {
    /// Handed on (200).
    pub const ACCEPTED: &str = "accepted";
    /// Already handled (200).
    pub const DUPLICATE: &str = "duplicate";
    /// Being handled by another request (503).
    pub const IN_FLIGHT: &str = "in_flight";
    /// Refused before verification succeeded (4xx).
    pub const REJECTED: &str = "rejected";
    /// The consumer or handler failed (5xx).
    pub const FAILED: &str = "failed";
    /// The dedupe store failed (503).
    pub const STORE_ERROR: &str = "store_error";
}

/// A webhook delivery was answered with `outcome` (a [`webhook_outcome`] word); duplicates
/// and in-flight ones also count as dedupe hits.
pub fn webhook_delivery(outcome: &'static str) {
    count!(WEBHOOK_DELIVERIES_TOTAL, "outcome" => outcome);
    if outcome == webhook_outcome::DUPLICATE || outcome == webhook_outcome::IN_FLIGHT {
        count!(WEBHOOK_DEDUPE_HITS_TOTAL);
    }
}

/// A drift log saw a new report from `source` (an operationId or event name).
pub fn drift_report(source: &str) {
    count!(DRIFT_REPORTS_TOTAL, "source" => source.to_owned());
}
