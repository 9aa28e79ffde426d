//! One process drawing from an account-wide rate kept in Redis (`RedisLimiter`): run several
//! at once and together they never exceed the rate.
//!
//! ```text
//! cargo run -p qikberry-examples --example ratelimit_worker -- \
//!     --redis redis://127.0.0.1:6379/ --key qikberry:rate --rate 200 --burst 10 \
//!     --start-at-ms <unix ms> --until-ms <unix ms>
//! ```
//!
//! Waits until `--start-at-ms` (default: now), then acquires one permit at a time, from
//! `--tasks` concurrent tasks (default 2), until `--until-ms`, printing on stdout the Unix time
//! in microseconds at which each permit was granted, one per line. A limiter error (Redis
//! unreachable) is printed on stderr and ends the process with status 1.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qikberry::ratelimit::{Rate, RateLimiter, RedisLimiter};

struct Args {
    redis: String,
    key: String,
    rate: f64,
    burst: u32,
    tasks: usize,
    start_at_ms: Option<u64>,
    until_ms: u64,
}

fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        redis: "redis://127.0.0.1:6379/".into(),
        key: "qikberry:rate".into(),
        rate: 200.0,
        burst: 10,
        tasks: 2,
        start_at_ms: None,
        until_ms: unix_micros() / 1000 + 5000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--redis" => a.redis = v,
            "--key" => a.key = v,
            "--rate" => a.rate = v.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--burst" => a.burst = u32::try_from(num(&v)?).map_err(|e| e.to_string())?,
            "--tasks" => a.tasks = usize::try_from(num(&v)?).map_err(|e| e.to_string())?,
            "--start-at-ms" => a.start_at_ms = Some(num(&v)?),
            "--until-ms" => a.until_ms = num(&v)?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

/// Acquires until `until_us`, returning the grant times.
async fn work(limiter: Arc<RedisLimiter>, until_us: u64) -> Result<Vec<u64>, String> {
    let mut granted = Vec::new();
    while unix_micros() < until_us {
        limiter.acquire(1).await.map_err(|e| e.to_string())?;
        let now = unix_micros();
        if now < until_us {
            granted.push(now);
        }
    }
    Ok(granted)
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("ratelimit_worker: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let a = parse()?;
    let rate = Rate::per_second(a.rate).with_burst(a.burst);
    let limiter = Arc::new(
        RedisLimiter::connect(&a.redis, a.key, rate)
            .await
            .map_err(|e| e.to_string())?,
    );
    if let Some(start) = a.start_at_ms {
        let wait = (start * 1000).saturating_sub(unix_micros());
        tokio::time::sleep(Duration::from_micros(wait)).await;
    }
    let until_us = a.until_ms.saturating_mul(1000);
    let tasks: Vec<_> = (0..a.tasks.max(1))
        .map(|_| tokio::spawn(work(limiter.clone(), until_us)))
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    all.sort_unstable();
    let mut out = std::io::stdout().lock();
    for t in all {
        writeln!(out, "{t}").map_err(|e| e.to_string())?;
    }
    Ok(())
}
