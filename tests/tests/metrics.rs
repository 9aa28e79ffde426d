//! Issue 30, metrics: a `metrics` recorder installed for the whole process sees every metric
//! of `qikberry::metrics::ALL` after a scripted run against real loopback peers — an HTTP
//! server answering 503 then a drifted 200 (retried by `RetryLayer`, paced by
//! `RateLimitLayer`), a webhook `Receiver` given the same event twice and one unauthenticated
//! POST, and the npm `smpp` SMSC (throttling, receipts, an MO refused before anyone listens,
//! a dropped connection).
//!
//! One test function: the recorder is global, and the SMPP client's tasks run outside any
//! thread-local recorder.

mod smpp_common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::routing::get;
use hmac::{Hmac, Mac};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use qikberry::runtime::{RateLimitLayer, RetryLayer};
use qikberry::smpp::{Backoff, Client as SmppClient, Config, Server, Sms};
use qikberry::webhook::{Receiver, Verifier};
use serde_json::json;
use sha2::Sha256;
use smpp_common::Smsc;

const SECRET: &str = "1233XXX";
const WEBHOOK_ID: &str = "dd4b91af-167d-48e6-901d-ae181ff6e80d";

/// What the recorder saw so far: names, and counter totals per `name{label=value,…}`
/// (a snapshot resets the recorder's values, so they are summed here).
#[derive(Default)]
struct Seen {
    names: BTreeSet<String>,
    counters: BTreeMap<String, u64>,
}

impl Seen {
    fn take(&mut self, snapshotter: &Snapshotter) {
        for (key, _, _, value) in snapshotter.snapshot().into_vec() {
            let key = key.key();
            self.names.insert(key.name().to_owned());
            if let DebugValue::Counter(n) = value {
                let labels: Vec<String> = key
                    .labels()
                    .map(|l| format!("{}={}", l.key(), l.value()))
                    .collect();
                let id = format!("{}{{{}}}", key.name(), labels.join(","));
                *self.counters.entry(id).or_default() += n;
            }
        }
    }

    fn count(&self, id: &str) -> u64 {
        self.counters.get(id).copied().unwrap_or(0)
    }
}

/// `GET /api/v2/sms/senders`: 503 the first time, then 200 with a field the spec lacks.
async fn rest_server() -> String {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/api/v2/sms/senders",
        get(move || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        "busy".to_owned(),
                    )
                } else {
                    let body = json!({"status": "OK", "message": "Senders",
                        "data": [{"name": "A"}], "x_metrics_drift": 1});
                    (axum::http::StatusCode::OK, body.to_string())
                }
            }
        }),
    );
    serve(app).await
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn rest_scenario() {
    let origin = rest_server().await;
    let client = qikberry::Client::builder()
        .token("metrics-token")
        .host(origin)
        .layer(RetryLayer::new().base_delay(Duration::from_millis(10)))
        .layer(RateLimitLayer::new(100, Duration::from_secs(1)))
        .build()
        .unwrap();
    let page = client.sms().list_senders().send().await.unwrap();
    assert_eq!(page.data.unwrap()[0].name.as_deref(), Some("A"));
    assert!(client.drift_count() >= 1, "{:?}", client.drift_reports());
}

fn sign(body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(WEBHOOK_ID.as_bytes()).unwrap();
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

async fn webhook_scenario() {
    let verifier = Verifier::new()
        .bearer_secret(SECRET)
        .signature_key(WEBHOOK_ID);
    let (receiver, mut rx) = Receiver::with_channel(verifier, 8);
    let url = serve(receiver.router().unwrap()).await;
    let body = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/webhooks/sms_message_status.json"),
    )
    .unwrap();
    let http = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let post = |bearer: &'static str| {
        http.post(&url)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {bearer}"))
            .header("signature", sign(&body))
            .body(body.clone())
            .send()
    };
    for _ in 0..2 {
        assert_eq!(post(SECRET).await.unwrap().status(), 200);
    }
    assert_eq!(post("wrong").await.unwrap().status(), 401);
    rx.recv().await.expect("the event, once");
    assert!(rx.try_recv().is_err(), "the duplicate was handed on");
}

fn smpp_config(addr: String) -> Config {
    let mut c = Config::new("esme1", "secret", vec![Server::plain(addr)]);
    c.request_timeout = Duration::from_secs(5);
    c.reconnect_backoff = Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(300),
    };
    c.throttle_backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    c.throttle_retries = 50;
    c
}

async fn smpp_scenario() {
    // An MO before anyone listens is refused; a burst is throttled; receipts are taken.
    let smsc = Smsc::start(json!({"dlr": "text", "mo": "early", "redeliver_ms": 100,
        "throttle": {"capacity": 2, "per_second": 20}}))
    .await;
    let client = SmppClient::connect(smpp_config(smsc.addr())).await.unwrap();
    smsc.wait_for("deliver_sm_resp", 1, Duration::from_secs(5))
        .await;
    let mut events = client.events().unwrap();
    let sends = (0..6).map(|i| {
        let client = client.clone();
        async move {
            client
                .send(&Sms::new("QIKBRY", format!("9199{i:08}"), "metrics"))
                .await
        }
    });
    for r in futures_util::future::join_all(sends).await {
        r.unwrap();
    }
    assert!(!smsc.named("throttled").is_empty(), "nothing was throttled");
    for _ in 0..7 {
        tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("six receipts and the MO")
            .unwrap();
    }
    client.shutdown(Duration::from_secs(1)).await;

    // The SMSC drops the first connection at its first submit: the bind comes back.
    let dropping = Smsc::start(json!({"drop_after": 1})).await;
    let client = SmppClient::connect(smpp_config(dropping.addr()))
        .await
        .unwrap();
    assert!(
        client
            .send(&Sms::new("QIKBRY", "919900000001", "lost"))
            .await
            .is_err()
    );
    let t0 = Instant::now();
    while dropping.named("connect").len() < 2 || client.bound_sessions() < 1 {
        assert!(t0.elapsed() < Duration::from_secs(10), "no reconnect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    client
        .send(&Sms::new("QIKBRY", "919900000002", "after"))
        .await
        .unwrap();
    client.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_run_emits_every_documented_metric() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder
        .install()
        .expect("the only recorder of this test binary");

    rest_scenario().await;
    webhook_scenario().await;
    smpp_scenario().await;

    let mut seen = Seen::default();
    let t0 = Instant::now();
    loop {
        seen.take(&snapshotter);
        let missing: Vec<&str> = qikberry::metrics::ALL
            .iter()
            .copied()
            .filter(|n| !seen.names.contains(*n))
            .collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "never recorded: {missing:?}; seen {:?}",
            seen.counters
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The labels say what happened, and nothing more.
    let op = "operation=sms_list_senders";
    for id in [
        format!("qikberry_rest_requests_total{{{op},status=503}}"),
        format!("qikberry_rest_requests_total{{{op},status=200}}"),
        format!("qikberry_rest_retries_total{{{op}}}"),
        "qikberry_webhook_deliveries_total{outcome=accepted}".to_owned(),
        "qikberry_webhook_deliveries_total{outcome=duplicate}".to_owned(),
        "qikberry_webhook_deliveries_total{outcome=rejected}".to_owned(),
        "qikberry_webhook_dedupe_hits_total{}".to_owned(),
        "qikberry_drift_reports_total{source=sms_list_senders}".to_owned(),
        "qikberry_smpp_submits_total{outcome=ok}".to_owned(),
        "qikberry_smpp_submits_total{outcome=connection_lost}".to_owned(),
        "qikberry_smpp_throttles_total{}".to_owned(),
        "qikberry_smpp_receipts_total{answer=ok}".to_owned(),
        "qikberry_smpp_receipts_total{answer=refused}".to_owned(),
        "qikberry_smpp_reconnects_total{}".to_owned(),
    ] {
        assert!(
            seen.count(&id) >= 1,
            "{id} not counted; saw {:?}",
            seen.counters
        );
    }
    assert_eq!(
        seen.count("qikberry_webhook_deliveries_total{outcome=accepted}"),
        1
    );
    assert_eq!(
        seen.count("qikberry_webhook_deliveries_total{outcome=duplicate}"),
        1
    );
    // Submits: 6 accepted, and the 7th after the reconnect.
    assert_eq!(seen.count("qikberry_smpp_submits_total{outcome=ok}"), 7);
}
