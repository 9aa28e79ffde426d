//! Receipts acknowledged only once stored, proven with real processes: the npm `smpp` server
//! (`tests/peers/smpp/smsc.js`, `receipts` pool: it redelivers every receipt until answered
//! ESME_ROK, across connections) sends N receipts to `generated/examples/smpp_receipts.rs` in
//! handler mode, which appends each id to a file with fsync; the client is SIGKILLed at random
//! points and restarted. Afterwards every receipt the SMSC saw acknowledged must be in the file.
//!
//! N is `SMPP_CRASH_RECEIPTS` (default 2,000 for CI; the full run is 10,000, see BENCHMARKS.md),
//! kills `SMPP_CRASH_KILLS` (default 12).
//!
//! `receipts_per_second_handler_vs_queue` (ignored; run with a release build of the example,
//! see BENCHMARKS.md) measures the two modes against the same server.

mod smpp_common;

use serde_json::json;
use smpp_common::{Smsc, example_binary};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Start the example against `smsc` with extra arguments.
fn client(smsc: &Smsc, extra: &[&str]) -> Child {
    Command::new(example_binary("smpp_receipts"))
        .args([
            "--addr",
            &smsc.addr(),
            "--system-id",
            "esme",
            "--password",
            "pw",
        ])
        .args(extra)
        .kill_on_drop(true)
        .spawn()
        .expect("run the smpp_receipts example")
}

/// xorshift64: random kill points without a dependency; the seed is printed.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn done(smsc: &Smsc) -> bool {
    !smsc.named("all_acked").is_empty()
}

/// Run the client, SIGKILLing it after a random 30–400 ms `kills` times, then let the last one
/// finish. Returns how many times it was killed while receipts were still pending.
async fn run_with_kills(smsc: &Smsc, n: usize, store: &Path, kills: usize, seed: u64) -> usize {
    let mut rng = seed | 1;
    let mut killed = 0;
    let store = store.to_str().unwrap();
    while killed < kills && !done(smsc) {
        let mut child = client(smsc, &["--store", store]);
        let wait = Duration::from_millis(30 + next(&mut rng) % 370);
        tokio::time::sleep(wait).await;
        child.kill().await.expect("SIGKILL the client");
        killed += 1;
    }
    let mut child = client(smsc, &["--store", store]);
    smsc.wait_for("all_acked", 1, Duration::from_secs(60 + n as u64 / 50))
        .await;
    child.kill().await.expect("stop the last client");
    killed
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkilled_client_loses_no_acknowledged_receipt() {
    let n = env_usize("SMPP_CRASH_RECEIPTS", 2_000);
    let kills = env_usize("SMPP_CRASH_KILLS", 12);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let smsc = Smsc::start(json!({
        "receipts": {"count": n, "window": 64},
        "redeliver_ms": 50,
    }))
    .await;
    let store = std::env::temp_dir().join(format!(
        "qikberry-smpp-receipts-{}-{seed}",
        std::process::id()
    ));
    let t0 = Instant::now();
    let killed = run_with_kills(&smsc, n, &store, kills, seed).await;
    let elapsed = t0.elapsed();

    let text = std::fs::read_to_string(&store).expect("the store file");
    let _ = std::fs::remove_file(&store);
    let lines: Vec<&str> = text.lines().collect();
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for l in &lines {
        *copies.entry(l).or_default() += 1;
    }
    let acked = smsc.named("acked");
    let attempts: HashMap<String, u64> = acked
        .iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap().to_string();
            (id, e["attempts"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        attempts.len(),
        n,
        "every receipt acknowledged once in the end"
    );
    let lost: Vec<&String> = attempts
        .keys()
        .filter(|id| !copies.contains_key(id.as_str()))
        .collect();
    let duplicated: Vec<(&str, usize)> = copies
        .iter()
        .filter(|(_, c)| **c > 1)
        .map(|(id, c)| (*id, *c))
        .collect();
    let extra: usize = duplicated.iter().map(|(_, c)| c - 1).sum();
    let redelivered = attempts.values().filter(|a| **a > 1).count();
    let requeued: u64 = smsc
        .named("requeued")
        .iter()
        .map(|e| e["count"].as_u64().unwrap_or(0))
        .sum();
    println!(
        "smpp crash run: seed {seed}, {n} receipts, {killed} SIGKILLs, {elapsed:?}; store lines \
         {}, lost {}, duplicated ids {} ({extra} extra lines), receipts sent more than once {redelivered}, \
         unanswered at a kill {requeued}",
        lines.len(),
        lost.len(),
        duplicated.len(),
    );
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    let unknown: Vec<&&str> = copies
        .keys()
        .filter(|id| !attempts.contains_key(**id))
        .collect();
    assert!(
        unknown.is_empty(),
        "stored ids the SMSC never sent: {unknown:?}"
    );
    // A duplicate is only ever a receipt the SMSC had to send again.
    for (id, _) in &duplicated {
        assert!(attempts[*id] > 1, "{id} stored twice but sent once");
    }
    assert!(killed >= 1, "the client was never killed mid-run (raise N)");
}

/// One timed run: `n` receipts to one client in `mode`; receipts per second from the first bind
/// to the last acknowledgement, and the client's CPU µs per receipt. No store, or with `SMPP_RATE_STORE=1` the same fsynced file
/// store as the crash test.
async fn rate(mode: &str, n: usize) -> (f64, f64) {
    let smsc = Smsc::start(json!({"receipts": {"count": n, "window": 64}, "quiet": true})).await;
    let store = std::env::temp_dir().join(format!("qikberry-smpp-rate-{}", std::process::id()));
    let store = store.to_str().unwrap();
    let mut args = vec!["--mode", mode];
    if env_usize("SMPP_RATE_STORE", 0) == 1 {
        args.extend(["--store", store]);
    }
    let mut child = client(&smsc, &args);
    let done = smsc
        .wait_for("all_acked", 1, Duration::from_secs(300))
        .await;
    let cpu = child.id().and_then(cpu_seconds).unwrap_or(f64::NAN);
    child.kill().await.unwrap();
    let _ = std::fs::remove_file(store);
    let ms = done[0]["ms"].as_f64().unwrap().max(1.0);
    (n as f64 * 1000.0 / ms, cpu * 1e6 / n as f64)
}

/// User + system CPU time of process `pid` so far (Linux `/proc`, 100 ticks per second).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "measurement; see BENCHMARKS.md (SMPP receipts: handler vs queue mode)"]
async fn receipts_per_second_handler_vs_queue() {
    let n = env_usize("SMPP_RATE_RECEIPTS", 10_000);
    let rounds = env_usize("SMPP_RATE_ROUNDS", 5);
    let (mut queue, mut handler) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        queue.push(rate("queue", n).await);
        handler.push(rate("handler", n).await);
    }
    println!("queue rounds (receipts/s, CPU µs/receipt): {queue:.0?}");
    println!("handler rounds (receipts/s, CPU µs/receipt): {handler:.0?}");
    let median = |v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
        let mut x: Vec<f64> = v.iter().map(pick).collect();
        x.sort_by(f64::total_cmp);
        x[x.len() / 2]
    };
    let (q, h) = (median(&queue, |r| r.0), median(&handler, |r| r.0));
    let (qc, hc) = (median(&queue, |r| r.1), median(&handler, |r| r.1));
    println!(
        "medians of {rounds} rounds of {n}: queue {q:.0} receipts/s ({qc:.0} µs CPU each), \
         handler {h:.0} receipts/s ({hc:.0} µs CPU each); handler/queue {:.2}x",
        h / q
    );
}
