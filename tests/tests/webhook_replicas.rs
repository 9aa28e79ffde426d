//! Three receiver replicas — real processes of the `webhook_receiver` example — sharing one
//! dedupe store (a real Redis, then a real PostgreSQL). A sender delivers every event to two or
//! three replicas at once, signed as the platform signs (Bearer secret and `Signature` HMAC, both
//! enforced), repeats each delivery until it is acknowledged (as the platform
//! does on 503), and delivers every event once more later: every event must be handled exactly
//! once over all replicas. A replica SIGKILLed mid-handler: its events are handled once, by
//! another replica, after the claim lease.
//!
//! The run is scaled down for CI (300 events); `QIKBERRY_REPLICA_EVENTS=10000 cargo test -p
//! qikberry-tests --test webhook_replicas -- --test-threads 1` is the full run (BENCHMARKS.md).

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use qikberry_tests::servers::{Postgres, Redis};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

const SECRET: &str = "replica-secret";
/// The webhook id: the key of the `Signature` header every replica enforces.
const WEBHOOK_ID: &str = "5f0c2a8e-replica-webhook-id";
const LEASE_MS: u64 = 1500;

fn example_binary() -> std::path::PathBuf {
    qikberry_tests::built::example(
        "webhook_receiver",
        "cargo build -p qikberry-examples --example webhook_receiver",
    )
}

/// One replica: its URL, and the keys its handler printed (filled by a reader task).
struct Replica {
    child: Child,
    url: String,
    handled: Arc<Mutex<Vec<String>>>,
}

async fn replica(dedupe: &str, handler_delay_ms: u64) -> Replica {
    let mut child = Command::new(example_binary())
        .args([
            "--listen",
            "127.0.0.1:0",
            "--secret",
            SECRET,
            "--dedupe",
            dedupe,
        ])
        .args(["--webhook-id", WEBHOOK_ID])
        .args(["--claim-lease-ms", &LEASE_MS.to_string()])
        .args(["--handler-delay-ms", &handler_delay_ms.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start a replica");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let url = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), stderr.next_line())
            .await
            .expect("replica did not start within 30 s")
            .expect("read stderr")
            .expect("replica exited before listening");
        if let Some(addr) = line.strip_prefix("listening on ") {
            break format!("http://{addr}/");
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
    let handled = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let h = handled.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = stdout.next_line().await {
            let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
            h.lock()
                .await
                .push(v["key"].as_str().expect("key").to_owned());
        }
    });
    Replica {
        child,
        url,
        handled,
    }
}

/// Lowercase hex HMAC-SHA256 of the body keyed by the webhook id, as the platform signs,
/// computed here independently of the receiver's code.
fn sign(body: &str) -> String {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(WEBHOOK_ID.as_bytes()).expect("key");
    m.update(body.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn body(id: usize) -> String {
    format!(r#"{{"event":"sms:message:status","payload":{{"id":"r{id}:1","status":"DELIVRD"}}}}"#)
}

/// One delivery as the platform makes it: repeated (50 ms apart) until a 2xx. Returns the
/// number of attempts.
async fn deliver(client: &reqwest::Client, url: &str, body: &str) -> u32 {
    for attempt in 1..=400 {
        let r = client
            .post(url)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {SECRET}"))
            .header("signature", sign(body))
            .body(body.to_owned())
            .send()
            .await;
        if r.is_ok_and(|r| r.status().is_success()) {
            return attempt;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a delivery was not acknowledged after 400 attempts");
}

async fn handled_per_key(replicas: &[Replica]) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    for r in replicas {
        for k in r.handled.lock().await.iter() {
            *counts.entry(k.clone()).or_insert(0) += 1;
        }
    }
    counts
}

async fn exactly_once_over_three_replicas(dedupe: &str) {
    let events: usize = std::env::var("QIKBERRY_REPLICA_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let replicas = vec![
        replica(dedupe, 0).await,
        replica(dedupe, 0).await,
        replica(dedupe, 0).await,
    ];
    let urls: Vec<String> = replicas.iter().map(|r| r.url.clone()).collect();
    let client = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    // The signature is enforced: a delivery signed with another key is refused.
    let forged = client
        .post(&urls[0])
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", "00".repeat(32))
        .body(body(0))
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 401);
    // Each event to two or three replicas at once, 32 events in flight.
    futures_util::stream::iter(0..events)
        .for_each_concurrent(32, |i| {
            let (client, urls) = (client.clone(), urls.clone());
            async move {
                let copies = 2 + i % 2;
                let b = body(i);
                let sends = (0..copies).map(|c| {
                    let url = urls[(i + c) % 3].clone();
                    let (client, b) = (client.clone(), b.clone());
                    async move { deliver(&client, &url, &b).await }
                });
                futures_util::future::join_all(sends).await;
            }
        })
        .await;
    // And every event once more, later, to another replica.
    futures_util::stream::iter(0..events)
        .for_each_concurrent(32, |i| {
            let (client, url) = (client.clone(), urls[(i + 2) % 3].clone());
            async move {
                deliver(&client, &url, &body(i)).await;
            }
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let counts = handled_per_key(&replicas).await;
    assert_eq!(counts.len(), events, "every event handled");
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "handled more than once: {twice:?}");
    for r in &replicas {
        assert!(
            !r.handled.lock().await.is_empty(),
            "every replica took part"
        );
    }
}

async fn a_replica_killed_mid_handler(dedupe: &str) {
    let mut slow = replica(dedupe, 60_000).await;
    let others = vec![replica(dedupe, 0).await, replica(dedupe, 0).await];
    let impatient = qikberry::tls::http_client_builder()
        .unwrap()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let events = 20;
    // The slow replica claims every event and sits in its handler; the sender gives up.
    let gave_up = futures_util::future::join_all((0..events).map(|i| {
        let (client, url) = (impatient.clone(), slow.url.clone());
        async move {
            client
                .post(&url)
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {SECRET}"))
                .header("signature", sign(&body(100_000 + i)))
                .body(body(100_000 + i))
                .send()
                .await
                .is_err()
        }
    }))
    .await;
    assert!(
        gave_up.iter().all(|g| *g),
        "the slow replica must still be in its handler"
    );
    slow.child.kill().await.expect("SIGKILL the slow replica");
    // The platform retries on the others: 503 while the dead claim's lease runs, then handled.
    let client = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    futures_util::future::join_all((0..events).map(|i| {
        let (client, url) = (client.clone(), others[i % 2].url.clone());
        async move { deliver(&client, &url, &body(100_000 + i)).await }
    }))
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(LEASE_MS / 2),
        "the retries had to wait for the dead replica's claims to lapse"
    );
    let counts = handled_per_key(&others).await;
    assert_eq!(
        counts.len(),
        events,
        "every event of the dead replica handled"
    );
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert!(slow.handled.lock().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_sharing_redis_handle_every_event_exactly_once() {
    let redis = Redis::start();
    exactly_once_over_three_replicas(&redis.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_sharing_postgres_handle_every_event_exactly_once() {
    let pg = Postgres::start();
    exactly_once_over_three_replicas(&pg.config).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_replica_killed_mid_handler_leaves_its_events_to_the_others() {
    let redis = Redis::start();
    a_replica_killed_mid_handler(&redis.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_replica_killed_mid_handler_leaves_its_events_to_the_others() {
    let pg = Postgres::start();
    a_replica_killed_mid_handler(&pg.config).await;
}
