//! Messages per second through the outbox (issue 29), against direct
//! `client.sms().send_message(..)` in the same run: an in-process axum fake answers
//! `POST /api/v2/sms/send` with fixed bytes on 127.0.0.1, one multi-thread tokio runtime drives
//! everything. Each round sends `OUTBOX_BENCH_N` messages (default 3,000) directly (16 in flight)
//! and through the outbox with 1, 2 and 4 in-process workers (batch 64, 16 in flight each, every
//! claim and outcome a store transaction; workers on PostgreSQL have a store, hence connections,
//! of their own), rotating which goes first; the figures are medians over
//! `OUTBOX_BENCH_ROUNDS` rounds (default 5) of the rate and of the rate divided by the direct
//! rate of the same round. Then the store's own cost per message (enqueue in batches of 1,000 +
//! claim 64 at a time + record accepted), no transport, on SQLite and PostgreSQL.
//!
//! `OUTBOX_BENCH_DELAY_MS` (default 0) makes the fake answer each send after that many
//! milliseconds, as a real platform does (tens of ms): the workers are then bound by latency, not
//! by CPU, and direct sends keep as many in flight as the four workers together (4 × 16), so
//! the direct rate is the limit that latency sets. At 0 direct keeps 16 in flight.
//!
//! `QIKBERRY_TOOLS=… cargo bench -p qikberry-tests --bench outbox` (PostgreSQL from
//! `$QIKBERRY_TOOLS`, as in the tests).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use futures_util::StreamExt;
use qikberry::Client;
use qikberry::outbox::{
    Accepted, Channel, Message, NewMessage, Outbox, Outcome, PostgresStore, RestTransport,
    SqliteStore, Store, Worker, WorkerConfig,
};
use qikberry::sms::{SmsDestinations, SmsSendDirect};
use qikberry_tests::servers::Postgres;
use serde_json::json;

#[allow(dead_code)] // the allocation counter and `interleaved` serve the other benches
mod common;
use common::median;

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Sends in flight per worker (`WorkerConfig`'s default), and the most workers in a variant.
const IN_FLIGHT: usize = 16;
const MOST_WORKERS: usize = 4;

/// The fake platform: every send accepted with the same fixed answer, after `delay`.
async fn fake(delay: Duration) -> String {
    let body = json!({
        "status": 200, "message": "1 numbers accepted for delivery.",
        "group_id": "1a772ff9-26ff-4e2c-9921-93ba453ef967",
        "data": [{"id": "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1", "mobile": "919999999999",
                  "status": "AWAITING-DLR", "units": 1, "length": 7, "charges": 1,
                  "customid": "", "iso_code": null, "submitted_at": "2018-07-09 16:27:35"}]
    });
    let reply = Bytes::from(serde_json::to_vec(&body).unwrap());
    let app = axum::Router::new().route(
        "/api/v2/sms/send",
        post(move || {
            let reply = reply.clone();
            async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                ([("content-type", "application/json")], reply)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn message(i: usize) -> Message {
    Message::new("TXTSMS", format!("9199{i:08}"), "Your OTP is 123456")
}

fn batch(prefix: &str, from: usize, to: usize) -> Vec<NewMessage> {
    (from..to)
        .map(|i| NewMessage::new(format!("{prefix}-{i}"), message(i)))
        .collect()
}

async fn enqueue(store: &Arc<dyn Store>, prefix: &str, n: usize) {
    for from in (0..n).step_by(1_000) {
        let b = batch(prefix, from, (from + 1_000).min(n));
        store.enqueue(None, b).await.unwrap();
    }
}

/// Direct sends, `in_flight` at once: seconds for `n`.
async fn direct(client: &Client, n: usize, in_flight: usize) -> f64 {
    let start = Instant::now();
    futures_util::stream::iter(0..n)
        .for_each_concurrent(in_flight, |i| async move {
            let body = SmsSendDirect::new(
                "TXTSMS",
                SmsDestinations::from(format!("9199{i:08}")),
                "Your OTP is 123456",
                "T",
            )
            .custom(format!("d-{i}"));
            client.sms().send_message(body).send().await.unwrap();
        })
        .await;
    start.elapsed().as_secs_f64()
}

/// `n` messages enqueued (not timed), then sent by `stores.len()` workers until none is
/// left: seconds for the sends.
async fn through_outbox(client: &Client, stores: &[Arc<dyn Store>], prefix: &str, n: usize) -> f64 {
    enqueue(&stores[0], prefix, n).await;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (i, store) in stores.iter().enumerate() {
        let outbox = Outbox::new(store.clone());
        let transport = Arc::new(RestTransport::new(client.clone()));
        let worker = Worker::new(&outbox, transport, WorkerConfig::named(format!("b{i}")));
        tasks.push(tokio::spawn(async move {
            while worker.send_batch().await.unwrap().claimed > 0 {}
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed().as_secs_f64()
}

/// The store's cost per message in µs: enqueue, claim 64 at a time, record each accepted.
async fn store_cost(store: &Arc<dyn Store>, prefix: &str, n: usize) -> (f64, f64) {
    let start = Instant::now();
    enqueue(store, prefix, n).await;
    let enqueued = start.elapsed().as_secs_f64();
    let lease = Duration::from_secs(60);
    loop {
        let claims = store
            .claim("cost".into(), Channel::Rest, 64, lease)
            .await
            .unwrap();
        if claims.is_empty() {
            break;
        }
        let outcomes = claims
            .into_iter()
            .map(|c| {
                let ids = vec![format!("id-{}", c.id)];
                (c, Outcome::Accepted(Accepted::new(ids, None)))
            })
            .collect();
        store.record(outcomes).await.unwrap();
    }
    let total = start.elapsed().as_secs_f64();
    (
        enqueued * 1e6 / n as f64,
        (total - enqueued) * 1e6 / n as f64,
    )
}

type Open<'a> = &'a dyn Fn(usize) -> futures_util::future::BoxFuture<'static, Arc<dyn Store>>;

/// What every store's run shares: the client of the fake, messages per variant, rounds, and
/// the direct sends' in-flight count.
struct Run {
    client: Client,
    n: usize,
    rounds: usize,
    direct_in_flight: usize,
}

async fn bench_store(name: &str, open: Open<'_>, run: &Run) {
    let Run {
        client,
        n,
        rounds,
        direct_in_flight,
    } = run;
    let (n, rounds) = (*n, *rounds);
    let variants = [
        "direct",
        "outbox 1 worker",
        "outbox 2 workers",
        "outbox 4 workers",
    ];
    let mut rates = vec![Vec::new(); variants.len()];
    let mut ratios = vec![Vec::new(); variants.len()];
    let mut per_worker = vec![Vec::new(); variants.len()];
    for round in 0..rounds {
        let mut secs = [0.0; 4];
        for k in 0..variants.len() {
            let i = (round + k) % variants.len();
            secs[i] = if i == 0 {
                direct(client, n, *direct_in_flight).await
            } else {
                let workers = 1 << (i - 1);
                let store = open(round * 10 + i).await;
                let mut stores = vec![store];
                for _ in 1..workers {
                    stores.push(open(round * 10 + i).await);
                }
                through_outbox(client, &stores, &format!("r{round}v{i}"), n).await
            };
        }
        for i in 0..variants.len() {
            rates[i].push(n as f64 / secs[i]);
            ratios[i].push(secs[0] / secs[i]);
            per_worker[i].push(secs[1] / secs[i]);
        }
    }
    println!(
        "\n{name}: {n} messages per variant, median of {rounds} rounds, direct {direct_in_flight} in flight"
    );
    println!(
        "{:<18} {:>10} {:>10} {:>12}",
        "variant", "msg/s", "÷ direct", "÷ 1 worker"
    );
    for (i, v) in variants.iter().enumerate() {
        let rate = median(rates[i].clone());
        let (ratio, scale) = (median(ratios[i].clone()), median(per_worker[i].clone()));
        println!("{v:<18} {rate:>10.0} {ratio:>10.2} {scale:>12.2}");
    }
    let store = open(999).await;
    let (enq, sent) = store_cost(&store, "cost", n).await;
    println!(
        "{name} store cost per message: enqueue {enq:.1} µs + claim & record {sent:.1} µs = {:.1} µs",
        enq + sent
    );
}

fn main() {
    let n = env_or("OUTBOX_BENCH_N", 3_000);
    let rounds = env_or("OUTBOX_BENCH_ROUNDS", 5);
    let delay = Duration::from_millis(env_or("OUTBOX_BENCH_DELAY_MS", 0) as u64);
    let direct_in_flight = if delay.is_zero() {
        IN_FLIGHT
    } else {
        IN_FLIGHT * MOST_WORKERS
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let host = fake(delay).await;
        let client = Client::builder().token("bench").host(host).build().unwrap();
        println!("fake answers after {delay:?}");
        let run = Run {
            client,
            n,
            rounds,
            direct_in_flight,
        };
        let dir = std::env::temp_dir().join(format!("outbox-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.clone();
        let sqlite = move |k: usize| {
            let file = d.join(format!("outbox-{k}.db"));
            Box::pin(
                async move { Arc::new(SqliteStore::open(file).await.unwrap()) as Arc<dyn Store> },
            ) as futures_util::future::BoxFuture<'static, _>
        };
        bench_store("SQLite", &sqlite, &run).await;
        std::fs::remove_dir_all(&dir).ok();

        let pg = Postgres::start();
        let config = pg.config.clone();
        let postgres = move |_: usize| {
            let config = config.clone();
            Box::pin(async move {
                Arc::new(PostgresStore::connect(&config).await.unwrap()) as Arc<dyn Store>
            }) as futures_util::future::BoxFuture<'static, _>
        };
        bench_store("PostgreSQL", &postgres, &run).await;
    });
}
