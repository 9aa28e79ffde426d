//! One account-wide rate over several processes: `RedisLimiter` on a real Redis.
//!
//! - Three processes of the `ratelimit_worker` example share a 200/s rate (burst 10): in every
//!   1-second window they are granted at most 200 + 10 permits together, and on average at
//!   least 95 % of 200 per second. The run lasts 5 s; `QIKBERRY_RATELIMIT_SECS=30 cargo test -p
//!   qikberry-tests --test ratelimit_shared three_processes -- --nocapture` is the long run
//!   (BENCHMARKS.md).
//! - Redis down: REST calls and acquires fail with a clear error and nothing is sent; back up:
//!   they work again.
//! - REST calls and SMPP texts given one limiter share its rate.

mod smpp_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qikberry::ratelimit::{Rate, RateLimiter, RedisLimiter};
use qikberry::request::{Request, Server};
use qikberry::reqwest::Method;
use qikberry::{Client, Error, RateLimitLayer};
use qikberry_tests::servers::Redis;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const RATE: u64 = 200;
const BURST: u64 = 10;

fn worker_binary() -> std::path::PathBuf {
    qikberry_tests::built::example(
        "ratelimit_worker",
        "cargo build -p qikberry-examples --example ratelimit_worker",
    )
}

fn unix_ms() -> u64 {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock");
    u64::try_from(d.as_millis()).expect("ms fit")
}

/// The most timestamps (µs, sorted) within any window of `width` µs.
fn densest(times: &[u64], width: u64) -> usize {
    let mut best = 0;
    let mut end = 0;
    for (i, t) in times.iter().enumerate() {
        while end < times.len() && times[end] < t + width {
            end += 1;
        }
        best = best.max(end - i);
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_share_one_rate() {
    let secs: u64 = std::env::var("QIKBERRY_RATELIMIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let redis = Redis::start();
    // Every worker starts at the same instant, once all of them have connected.
    let start = unix_ms() + 2000;
    let until = start + secs * 1000;
    let workers: Vec<_> = (0..3)
        .map(|_| {
            tokio::process::Command::new(worker_binary())
                .args(["--redis", &redis.url, "--key", "test:three"])
                .args(["--rate", &RATE.to_string(), "--burst", &BURST.to_string()])
                .args(["--start-at-ms", &start.to_string()])
                .args(["--until-ms", &until.to_string()])
                .stdout(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("start a worker")
        })
        .collect();
    let mut all = Vec::new();
    let mut shares = Vec::new();
    for w in workers {
        let out = tokio::time::timeout(Duration::from_secs(secs + 30), w.wait_with_output())
            .await
            .expect("worker finished")
            .expect("worker output");
        assert!(out.status.success(), "worker failed: {:?}", out.status);
        let times: Vec<u64> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.parse().expect("a timestamp per line"))
            .collect();
        shares.push(times.len());
        all.extend(times);
    }
    all.sort_unstable();
    let max_window = densest(&all, 1_000_000);
    let mean = all.len() as f64 / secs as f64;
    eprintln!(
        "3 processes, {RATE}/s burst {BURST}, {secs} s: {} permits ({shares:?}), mean {mean:.1}/s \
         ({:.1} %), densest 1-s window {max_window}",
        all.len(),
        mean * 100.0 / RATE as f64
    );
    // The timestamps are when each worker woke up with its permit, not when the limiter
    // granted it: a worker the OS wakes late (CI runs other tests beside this one) carries an
    // earlier grant into a later window. The algorithm's own bound is RATE + BURST (210, met
    // exactly in the runs recorded in BENCHMARKS.md); two permits of scheduling lateness are
    // tolerated so that a loaded machine does not fail the test.
    const LATE_WAKEUPS: u64 = 2;
    assert!(
        max_window as u64 <= RATE + BURST + LATE_WAKEUPS,
        "{max_window} permits within one second"
    );
    assert!(mean >= 0.95 * RATE as f64, "mean {mean:.1}/s");
    assert!(shares.iter().all(|n| *n > 0), "{shares:?}");
}

/// A loopback HTTP server answering `{}` to every request, counting them.
async fn http_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = s.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        count.fetch_add(1, Ordering::SeqCst);
                        buf.clear();
                        let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                      content-length: 2\r\n\r\n{}";
                        if s.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn get() -> Request {
    Request::new("test_op", Method::GET, Server::V2, "sms/senders".to_owned())
}

fn rest_client(origin: &str, limiter: Arc<dyn RateLimiter>) -> Client {
    Client::builder()
        .token("tok")
        .host(origin)
        .layer(RateLimitLayer::shared(limiter))
        .build()
        .expect("client")
}

#[tokio::test]
async fn redis_outage_fails_calls_unsent_then_recovers() {
    let redis = Redis::start();
    let port = redis.port;
    let limiter = Arc::new(
        RedisLimiter::connect(&redis.url, "test:outage", Rate::per_second(1000.0))
            .await
            .expect("connect"),
    );
    let (origin, seen) = http_server().await;
    let client = rest_client(&origin, limiter.clone());
    client.execute::<Value>(get()).await.expect("paced call");
    assert_eq!(seen.load(Ordering::SeqCst), 1);

    drop(redis);
    let t0 = Instant::now();
    let e = limiter.acquire(1).await.expect_err("Redis is down");
    assert!(e.to_string().contains("rate limiter unavailable"), "{e}");
    let e = client
        .execute::<Value>(get())
        .await
        .expect_err("Redis is down");
    assert!(matches!(e, Error::RateLimit { .. }), "{e:?}");
    assert!(e.to_string().contains("request not sent"), "{e}");
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    assert_eq!(seen.load(Ordering::SeqCst), 1, "a call went out unpaced");

    let _redis = Redis::start_on(port);
    let t0 = Instant::now();
    loop {
        match client.execute::<Value>(get()).await {
            Ok(_) => break,
            Err(e) => assert!(
                t0.elapsed() < Duration::from_secs(15),
                "not back after Redis returned: {e}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn rest_calls_and_smpp_texts_share_one_rate() {
    let redis = Redis::start();
    let limiter: Arc<dyn RateLimiter> = Arc::new(
        RedisLimiter::connect(&redis.url, "test:mixed", Rate::per_second(20.0))
            .await
            .expect("connect"),
    );
    let (origin, seen) = http_server().await;
    let rest = rest_client(&origin, limiter.clone());
    let smsc = smpp_common::Smsc::start(serde_json::json!({})).await;
    let mut config = qikberry::smpp::Config::new(
        "esme1",
        "secret",
        vec![qikberry::smpp::Server::plain(smsc.addr())],
    );
    config.message_limiter = Some(limiter);
    let smpp = qikberry::smpp::Client::connect(config).await.expect("bind");

    let t0 = Instant::now();
    let calls = (0..10).map(|_| rest.execute::<Value>(get()));
    let sms = qikberry::smpp::Sms::new("QIKBRY", "919900000001", "hi");
    let texts = (0..10).map(|_| smpp.send(&sms));
    let (calls, texts) = tokio::join!(
        futures_util::future::join_all(calls),
        futures_util::future::join_all(texts)
    );
    let took = t0.elapsed();
    assert!(calls.iter().all(Result::is_ok) && texts.iter().all(Result::is_ok));
    assert_eq!(seen.load(Ordering::SeqCst), 10);
    assert_eq!(smsc.named("submit").len(), 10);
    // 20 permits at 20/s from one bucket: at least 19 intervals of 50 ms (each side alone
    // would be done in half that).
    assert!(took >= Duration::from_millis(900), "{took:?}");
}
