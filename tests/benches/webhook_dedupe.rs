//! Deliveries per second of one webhook receiver replica (acknowledge-after-handler mode, a
//! handler that does nothing) with each dedupe store: in-memory, Redis and PostgreSQL (real
//! servers from `.tools/`, started here). Every delivery is a new event, so each costs a claim
//! and a complete. The sender runs in the same process over loopback HTTP with 64 requests in
//! flight. Rounds alternate between the stores; the median of the rounds is printed.
//!
//! `QIKBERRY_TOOLS=$PWD/.tools cargo bench -p qikberry-tests --bench webhook_dedupe`
//! (`QIKBERRY_BENCH_EVENTS`, default 20,000 per round; `QIKBERRY_BENCH_ROUNDS`, default 3).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use qikberry::webhook::{
    DedupeStore, Delivery, InMemoryDedupe, PostgresDedupe, Receiver, RedisDedupe, Verifier,
};
use qikberry_tests::servers::{Postgres, Redis};

const SECRET: &str = "bench-secret";

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn serve(store: Arc<dyn DedupeStore>) -> String {
    let receiver = Receiver::with_handler(
        Verifier::new().bearer_secret(SECRET),
        |_d: Delivery| async { Ok::<(), std::io::Error>(()) },
    )
    .dedupe(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = receiver.router().expect("authenticated");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}/")
}

/// Sends `events` new events to `url`; deliveries per second.
async fn round(client: &reqwest::Client, url: &str, tag: &str, events: usize) -> f64 {
    let started = Instant::now();
    futures_util::stream::iter(0..events)
        .for_each_concurrent(64, |i| {
            let body = format!(
                r#"{{"event":"sms:message:status","payload":{{"id":"{tag}-{i}:1","status":"DELIVRD"}}}}"#
            );
            async move {
                let r = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {SECRET}"))
                    .body(body)
                    .send()
                    .await
                    .expect("request");
                assert_eq!(r.status(), 200, "every delivery acknowledged");
            }
        })
        .await;
    events as f64 / started.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events = env_or("QIKBERRY_BENCH_EVENTS", 20_000);
    let rounds = env_or("QIKBERRY_BENCH_ROUNDS", 3);
    let redis = Redis::start();
    let pg = Postgres::start();
    let stores: Vec<(&str, Arc<dyn DedupeStore>)> = vec![
        ("in-memory", Arc::new(InMemoryDedupe::default())),
        (
            "redis",
            Arc::new(
                RedisDedupe::connect(&redis.url, "bench:")
                    .await
                    .expect("redis"),
            ),
        ),
        (
            "postgres",
            Arc::new(PostgresDedupe::connect(&pg.config).await.expect("postgres")),
        ),
    ];
    let mut urls = Vec::new();
    for (name, store) in &stores {
        urls.push((*name, serve(store.clone()).await));
    }
    let client = qikberry::tls::http_client_builder()
        .unwrap()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); urls.len()];
    for r in 0..rounds {
        for (i, (name, url)) in urls.iter().enumerate() {
            let rate = round(&client, url, &format!("{name}-{r}"), events).await;
            eprintln!("round {r}: {name}: {rate:.0} deliveries/s");
            rates[i].push(rate);
        }
    }
    println!("| dedupe store | deliveries/s (median of {rounds} rounds of {events}) |");
    println!("|---|---|");
    for (i, (name, _)) in urls.iter().enumerate() {
        println!("| {name} | {:.0} |", median(rates[i].clone()));
    }
}
