//! Receipts per second of the SMPP client in handler mode (`Client::connect_with_handler`,
//! acknowledged after the handler's `Ok`) against queue mode (`Client::events`, acknowledged
//! once queued): the npm `smpp` server sends N receipts (at most 64 unanswered) to one process
//! of the `smpp_receipts` example; a round is timed by the server, from the first bind to the
//! last receipt acknowledged. The modes alternate, each against a fresh server; medians are
//! printed, with the client's CPU µs per receipt (`/proc`, 10 ms ticks).
//!
//! ```text
//! cargo build --release -p qikberry --no-default-features --features smpp --example smpp_receipts
//! QIKBERRY_TOOLS=$PWD/.tools QIKBERRY_EXAMPLES_DIR=target/release/examples \
//!   cargo bench -p qikberry-tests --bench smpp_receipts
//! ```
//!
//! `SMPP_RATE_RECEIPTS` (default 10,000), `SMPP_RATE_ROUNDS` (default 5), `SMPP_RATE_STORE=1`:
//! each receipt stored as an fsynced line, as in the crash test.

#[path = "../tests/smpp_common/mod.rs"]
mod smpp_common;

use std::time::Duration;

use serde_json::json;
use smpp_common::{Smsc, env_usize, receipts_client};

/// One timed run: `n` receipts to one client in `mode`; receipts per second and the client's
/// CPU µs per receipt.
async fn rate(mode: &str, n: usize) -> (f64, f64) {
    let smsc = Smsc::start(json!({"receipts": {"count": n, "window": 64}, "quiet": true})).await;
    let store = std::env::temp_dir().join(format!("qikberry-smpp-rate-{}", std::process::id()));
    let store = store.to_string_lossy().into_owned();
    let mut args = vec!["--mode", mode];
    if env_usize("SMPP_RATE_STORE", 0) == 1 {
        args.extend(["--store", &store]);
    }
    let mut child = receipts_client(&smsc, &args);
    let done = smsc
        .wait_for("all_acked", 1, Duration::from_secs(300))
        .await;
    let cpu = child.id().and_then(cpu_seconds).unwrap_or(f64::NAN);
    let _ = child.kill().await;
    let _ = std::fs::remove_file(&store);
    let ms = done[0]["ms"].as_f64().unwrap_or(f64::NAN).max(1.0);
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

fn median(v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64) -> f64 {
    let mut x: Vec<f64> = v.iter().map(pick).collect();
    x.sort_by(f64::total_cmp);
    x[x.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n = env_usize("SMPP_RATE_RECEIPTS", 10_000);
    let rounds = env_usize("SMPP_RATE_ROUNDS", 5).max(1);
    let (mut queue, mut handler) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        queue.push(rate("queue", n).await);
        handler.push(rate("handler", n).await);
    }
    println!("queue rounds (receipts/s, CPU µs/receipt): {queue:.0?}");
    println!("handler rounds (receipts/s, CPU µs/receipt): {handler:.0?}");
    let (q, h) = (median(&queue, |r| r.0), median(&handler, |r| r.0));
    let (qc, hc) = (median(&queue, |r| r.1), median(&handler, |r| r.1));
    println!(
        "medians of {rounds} rounds of {n}: queue {q:.0} receipts/s ({qc:.0} µs CPU each), \
         handler {h:.0} receipts/s ({hc:.0} µs CPU each); handler/queue {:.2}x",
        h / q
    );
}
