//! Receipts acknowledged only once stored, proven with real processes: the npm `smpp` server
//! (`tests/peers/smpp/smsc.js`, `receipts` pool: it redelivers every receipt until answered
//! ESME_ROK, across connections) sends N receipts to `generated/examples/smpp_receipts.rs` in
//! handler mode, which appends each id to a file with fsync; the client is SIGKILLed at random
//! points and restarted. Afterwards every receipt the SMSC saw acknowledged must be in the file.
//!
//! N is `SMPP_CRASH_RECEIPTS` (default 2,000 for CI; the full run is 10,000, see BENCHMARKS.md),
//! kills `SMPP_CRASH_KILLS` (default 12).
//!
//! The receipts-per-second comparison of the two modes is a bench:
//! `tests/benches/smpp_receipts.rs` (see BENCHMARKS.md).

mod smpp_common;

use serde_json::json;
use smpp_common::{Smsc, env_usize, receipts_client as client};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

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
