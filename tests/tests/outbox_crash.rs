//! The outbox's crash test (issue 29): a campaign of `OUTBOX_CRASH_N` messages (default 2,000;
//! the full run is 100,000, see `tests/README.md`) sent by four `outbox_worker` processes on one
//! store, against the stateful sandbox (`cargo xtask sandbox`, REST with
//! `--drop-after-accept`, and its npm SMSC), while a killer SIGKILLs a random worker every few
//! hundred milliseconds to a few seconds (scaled with N) and starts it again, until every message
//! is settled. Then, counted by the fakes by reference:
//!
//! * REST: every reference was accepted by the platform exactly once (none twice, none lost:
//!   crashed sends were looked up by `cid`, resent only when not found), and every message
//!   reaches a final status (the REST status pull by `cid` after the sends: the sandbox's
//!   webhook emitter starts one node process per event, too slow for thousands);
//! * SMPP: no reference reached the SMSC twice; every message is final (its receipt applied
//!   before it was acknowledged) or parked as `unknown`; the unknowns are claims held by killed
//!   workers, at most `kills × batch` (both printed, with how many of them the SMSC did get).
//!
//! Each on SQLite (one file, four processes) and PostgreSQL (four processes). Needs the xtask
//! binary and the example: `cargo build -p xtask && cargo build -p qikberry-examples --example
//! outbox_worker` (`cargo test --workspace --all-features` builds both).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use qikberry::outbox::{
    Message, NewMessage, Outbox, PostgresStore, RestApi, SqliteStore, State, StatusEvent, Store,
    Summary,
};
use qikberry_tests::built::example;
use qikberry_tests::servers::Postgres;
use support::sandbox::Sandbox;

const WORKERS: usize = 4;
/// Claims a worker holds at once: the most a kill can leave in doubt.
const BATCH: u64 = 32;
const CAMPAIGN: &str = "crash";

/// One test at a time: each starts its own sandbox, store and four workers.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn messages() -> usize {
    std::env::var("OUTBOX_CRASH_N")
        .ok()
        .map(|n| n.parse().expect("OUTBOX_CRASH_N is a number"))
        .unwrap_or(2_000)
}

/// A small seeded generator for the killer (the seed is printed, `OUTBOX_CRASH_SEED` repeats it).
struct Rng(u64);

impl Rng {
    fn seeded() -> Rng {
        let seed = std::env::var("OUTBOX_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        println!("OUTBOX_CRASH_SEED={seed}");
        Rng(seed | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Transport {
    Rest,
    Smpp,
}

/// Where the outbox lives: what the workers are given, and this process's view of it.
struct Db {
    arg: String,
    store: Arc<dyn Store>,
    _dir: Option<PathBuf>,
    _postgres: Option<Postgres>,
}

impl Db {
    async fn sqlite() -> Db {
        let dir = std::env::temp_dir().join(format!("outbox-crash-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("outbox.db");
        let store = SqliteStore::open(&file).await.expect("open sqlite");
        Db {
            arg: file.display().to_string(),
            store: Arc::new(store),
            _dir: Some(dir),
            _postgres: None,
        }
    }

    async fn postgres() -> Db {
        let pg = Postgres::start();
        let store = PostgresStore::connect(&pg.config).await.expect("postgres");
        Db {
            arg: pg.config.clone(),
            store: Arc::new(store),
            _dir: None,
            _postgres: Some(pg),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The four worker processes, restarted by the killer.
struct Workers {
    sandbox_env: Vec<(String, String)>,
    store: String,
    transport: Transport,
    children: Vec<(Child, PathBuf)>,
    started: usize,
    logs: PathBuf,
}

impl Workers {
    fn start(sandbox: &Sandbox, db: &Db, transport: Transport, logs: PathBuf) -> Workers {
        let mut w = Workers {
            sandbox_env: sandbox.env.clone(),
            store: db.arg.clone(),
            transport,
            children: Vec::new(),
            started: 0,
            logs,
        };
        for _ in 0..WORKERS {
            let child = w.spawn();
            w.children.push(child);
        }
        w
    }

    fn spawn(&mut self) -> (Child, PathBuf) {
        self.started += 1;
        let name = format!("w{}", self.started);
        let log = self.logs.join(format!("{name}.log"));
        let transport = match self.transport {
            Transport::Rest => "rest",
            Transport::Smpp => "smpp",
        };
        let bin = example(
            "outbox_worker",
            "cargo build -p qikberry-examples --example outbox_worker",
        );
        let child = Command::new(bin)
            .envs(self.sandbox_env.iter().map(|(k, v)| (k, v)))
            .args(["--store", &self.store, "--transport", transport])
            .args(["--name", &name, "--batch", &BATCH.to_string()])
            .args([
                "--concurrency",
                "8",
                "--lease-ms",
                "2000",
                "--grace-ms",
                "1000",
            ])
            .args(["--min-lookups", "2", "--lookup-interval-ms", "300"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start outbox_worker");
        (child, log)
    }

    /// SIGKILLs worker `i` if it runs (true) and starts another in its place.
    fn kill_and_restart(&mut self, i: usize) -> bool {
        let alive = self.check(i);
        if alive {
            self.children[i].0.kill().expect("SIGKILL");
            let _ = self.children[i].0.wait();
        }
        self.children[i] = self.spawn();
        alive
    }

    /// Whether worker `i` still runs; a worker that failed on its own fails the test.
    fn check(&mut self, i: usize) -> bool {
        let (child, log) = &mut self.children[i];
        match child.try_wait().expect("try_wait") {
            None => true,
            Some(status) => {
                assert!(
                    status.success(),
                    "worker failed ({status}):\n{}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
                false
            }
        }
    }

    /// Waits for every worker to finish on its own.
    async fn wait_all(&mut self, timeout: Duration) {
        let until = Instant::now() + timeout;
        while (0..self.children.len()).any(|i| self.check(i)) {
            assert!(Instant::now() < until, "workers did not finish");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for (child, _) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The REST status pull: every submitted message of the campaign looked up by `cid` (its
/// reference), its reported status applied to the outbox.
async fn pull_statuses(sandbox: &Sandbox, outbox: &Outbox) {
    use futures_util::StreamExt;
    let client = qikberry::Client::builder()
        .token(sandbox.var("QIKBERRY_TOKEN"))
        .host(sandbox.var("QIKBERRY_HOST"))
        .build()
        .unwrap();
    let submitted = outbox
        .list(State::Submitted, Some(CAMPAIGN), usize::MAX)
        .await
        .unwrap();
    futures_util::stream::iter(submitted)
        .for_each_concurrent(16, |reference| {
            let (client, outbox) = (&client, outbox);
            async move {
                let found = client.find_by_reference(&reference).await.unwrap();
                for f in found {
                    if let Some(status) = f.status {
                        let event = StatusEvent::new(f.message_id, status).reference(&reference);
                        outbox.apply(event).await.unwrap();
                    }
                }
            }
        })
        .await;
}

async fn enqueue(outbox: &Outbox, n: usize) {
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
        let batch = chunk
            .iter()
            .map(|i| {
                let reference = format!("c-{i:06}");
                let to = format!("9199{:08}", i);
                let text = format!("crash test ref:{reference} end");
                NewMessage::new(reference, Message::new("QIKBRY", to, text))
            })
            .collect();
        outbox.enqueue_batch(Some(CAMPAIGN), batch).await.unwrap();
    }
    println!("enqueued {n} in {:?}", started.elapsed());
}

fn settled(s: &Summary, transport: Transport) -> bool {
    let mut busy = vec![State::Queued, State::Sending, State::Reconciling];
    if transport == Transport::Smpp {
        busy.push(State::Submitted);
    }
    busy.iter().all(|b| s.get(*b) == 0)
}

/// Kills and restarts workers until the campaign is settled; returns the kills.
async fn kill_until_settled(outbox: &Outbox, workers: &mut Workers, n: usize) -> u64 {
    let mut rng = Rng::seeded();
    let base = (n as u64 / 20).clamp(300, 3_000);
    let deadline = Instant::now() + Duration::from_secs(60 + n as u64 / 50);
    let mut kills = 0;
    loop {
        let pause = Duration::from_millis(base / 2 + rng.below(base));
        let until = Instant::now() + pause;
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let s = outbox.summary(Some(CAMPAIGN)).await.unwrap();
            if settled(&s, workers.transport) {
                return kills;
            }
        }
        let s = outbox.summary(Some(CAMPAIGN)).await.unwrap();
        assert!(Instant::now() < deadline, "not settled in time: {s:?}");
        let victim = rng.below(WORKERS as u64) as usize;
        if workers.kill_and_restart(victim) {
            kills += 1;
        }
    }
}

async fn crash_test(db: Db, transport: Transport) {
    let _serial = SERIAL.lock().await;
    let n = messages();
    let outbox = Outbox::new(db.store.clone());
    let sandbox = Sandbox::start(&["--quiet", "--drop-after-accept", "0.01", "--seed", "29"]);
    enqueue(&outbox, n).await;
    let logs = std::env::temp_dir().join(format!("outbox-crash-logs-{}", std::process::id()));
    std::fs::create_dir_all(&logs).unwrap();
    let started = Instant::now();
    let mut workers = Workers::start(&sandbox, &db, transport, logs.clone());
    let kills = kill_until_settled(&outbox, &mut workers, n).await;
    let sent_in = started.elapsed();
    workers.wait_all(Duration::from_secs(60)).await;
    let summary = match transport {
        Transport::Rest => {
            let pulled = Instant::now();
            pull_statuses(&sandbox, &outbox).await;
            println!("statuses pulled in {:?}", pulled.elapsed());
            outbox.summary(Some(CAMPAIGN)).await.unwrap()
        }
        Transport::Smpp => outbox.summary(Some(CAMPAIGN)).await.unwrap(),
    };
    println!(
        "{n} messages, {WORKERS} workers, {kills} kills, {} worker starts, settled in {sent_in:?}, \
         all done in {:?}: {:?}",
        workers.started,
        started.elapsed(),
        summary.counts
    );
    assert_eq!(summary.total(), n as u64);
    match transport {
        Transport::Rest => check_rest(&sandbox, &outbox, &summary, n).await,
        Transport::Smpp => check_smpp(&sandbox, &outbox, &summary, n, kills).await,
    }
    let _ = std::fs::remove_dir_all(&logs);
}

async fn check_rest(sandbox: &Sandbox, outbox: &Outbox, summary: &Summary, n: usize) {
    let (_, stats) = sandbox.get_json("/__sandbox/stats").await;
    println!("sandbox sends: {}", stats["sends"]);
    assert_eq!(stats["duplicates"], serde_json::json!({}), "sent twice");
    let by_custom = stats["accepted_by_custom"].as_object().unwrap();
    assert_eq!(by_custom.len(), n, "references accepted");
    assert!(by_custom.values().all(|v| v == 1), "accepted once each");
    let stuck = outbox
        .list(State::Submitted, Some(CAMPAIGN), 1)
        .await
        .unwrap();
    if let Some(reference) = stuck.first() {
        let (_, seen) = sandbox
            .get_json(&format!("/__sandbox/messages?cid={reference}"))
            .await;
        let state = outbox.state(reference).await.unwrap();
        panic!(
            "{reference} is not final: {state:?}\nthe sandbox has {seen}\nreceipts {}",
            stats["receipts"]
        );
    }
    assert_eq!(summary.finished(), n as u64, "every message final");
}

async fn check_smpp(sandbox: &Sandbox, outbox: &Outbox, summary: &Summary, n: usize, kills: u64) {
    let (_, smsc) = sandbox.get_json("/__sandbox/smpp").await;
    assert_eq!(
        smsc["duplicate_refs"],
        serde_json::json!({}),
        "submitted twice"
    );
    let unknown = outbox
        .list(State::Unknown, Some(CAMPAIGN), usize::MAX)
        .await
        .unwrap();
    let mut unknown_seen = 0;
    for reference in &unknown {
        let (_, r) = sandbox
            .get_json(&format!("/__sandbox/smpp?ref={reference}"))
            .await;
        unknown_seen += r["count"].as_u64().unwrap();
    }
    println!(
        "SMPP: {} unknown ({unknown_seen} of them reached the SMSC) after {kills} kills; \
         SMSC events {}",
        unknown.len(),
        smsc["events"]
    );
    assert_eq!(
        summary.finished() + unknown.len() as u64,
        n as u64,
        "every message final or unknown"
    );
    assert!(
        unknown.len() as u64 <= kills * BATCH,
        "{} unknown after {kills} kills of workers holding at most {BATCH} claims",
        unknown.len()
    );
    // Every final message reached the SMSC once; an unknown one at most once.
    let distinct = smsc["distinct_refs"].as_u64().unwrap();
    assert_eq!(distinct, summary.finished() + unknown_seen, "{smsc}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_sqlite_four_processes_killed_at_random() {
    crash_test(Db::sqlite().await, Transport::Rest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_postgres_four_processes_killed_at_random() {
    crash_test(Db::postgres().await, Transport::Rest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smpp_sqlite_four_processes_killed_at_random() {
    crash_test(Db::sqlite().await, Transport::Smpp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smpp_postgres_four_processes_killed_at_random() {
    crash_test(Db::postgres().await, Transport::Smpp).await;
}
