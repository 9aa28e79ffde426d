//! `qikberry-outbox` end to end against the stateful sandbox (a real `cargo xtask sandbox`
//! process, which drops the connection after accepting 3 % of the sends): a 1,000-line CSV
//! sent on SQLite, the sender SIGKILLed while the store shows some but not all accepted,
//! `resume`, then
//! - the sandbox accepted every reference exactly once (no duplicates: neither the sends the
//!   sandbox dropped after accepting nor the ones the kill left in flight were resent blind:
//!   they were looked up by `cid`),
//! - the resumed run's `--json` summary counts equal what the sandbox saw (accepted,
//!   delivered and failed receipts), every message is final, none in doubt.
//!
//! Needs the xtask binary (`cargo build -p xtask`; `cargo test --workspace` builds it) and
//! QIKBERRY_TOOLS for the sandbox's peers.

// The workspace tests' sandbox launcher, shared rather than copied.
#[allow(dead_code)]
#[path = "../../../tests/tests/support/sandbox.rs"]
mod sandbox;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sandbox::Sandbox;
use serde_json::Value;

const MESSAGES: usize = 1000;
const CAMPAIGN: &str = "spring";

fn cli(sandbox: &Sandbox) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qikberry-outbox"));
    for (k, v) in &sandbox.env {
        c.env(k, v);
    }
    c.env_remove("QIKBERRY_OUTBOX_STORE");
    c
}

/// The flags `send` and `resume` share: short leases and grace so a killed run's claims are
/// settled within seconds.
fn run_flags(store: &str) -> Vec<String> {
    let flags = [
        "--store",
        store,
        "--workers",
        "2",
        "--concurrency",
        "4",
        "--rate",
        "400/s",
        "--lease",
        "1.5",
        "--grace",
        "1.5",
        "--lookup-interval",
        "0.3",
        "--quiet",
        "--json",
    ];
    flags.iter().map(|s| s.to_string()).collect()
}

/// A child process killed (SIGKILL) when the test ends, whatever happens.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Runs `cmd` to its end, or kills it and fails after `limit`.
fn output_within(mut cmd: Command, limit: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the CLI");
    let mut child = Killed(child);
    let started = Instant::now();
    while child.0.try_wait().expect("wait").is_none() {
        assert!(
            started.elapsed() < limit,
            "{cmd:?} still running after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut out = Output {
        status: child.0.wait().expect("status"),
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    child
        .0
        .stdout
        .take()
        .expect("piped")
        .read_to_end(&mut out.stdout)
        .expect("stdout");
    child
        .0
        .stderr
        .take()
        .expect("piped")
        .read_to_end(&mut out.stderr)
        .expect("stderr");
    out
}

fn json_of(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "not one JSON object ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `status --json` of the campaign; `None` while it is not enqueued yet.
fn try_status(sandbox: &Sandbox, store: &str) -> Option<Value> {
    let mut cmd = cli(sandbox);
    cmd.args(["status", "--campaign", CAMPAIGN, "--store", store, "--json"]);
    let out = output_within(cmd, Duration::from_secs(20));
    out.status.success().then(|| json_of(&out))
}

fn status(sandbox: &Sandbox, store: &str) -> Value {
    try_status(sandbox, store).expect("the campaign is in the store")
}

/// `GET` on the sandbox, as JSON (plain HTTP/1.0 over loopback).
fn sandbox_get(sandbox: &Sandbox, path: &str) -> Value {
    let host = sandbox
        .var("QIKBERRY_HOST")
        .trim_start_matches("http://")
        .to_owned();
    let mut s = std::net::TcpStream::connect(&host).expect("connect to the sandbox");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let token = sandbox.var("QIKBERRY_TOKEN");
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "{head}"
    );
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

fn write_csv(dir: &Path) -> PathBuf {
    let mut csv = String::from("reference,to,text\n");
    for i in 0..MESSAGES {
        csv.push_str(&format!(
            "ref-{i:04},9199{i:08},\"Hello {i}, your code is {}\"\n",
            1000 + i
        ));
    }
    let path = dir.join("campaign.csv");
    std::fs::write(&path, csv).expect("write the CSV");
    path
}

#[test]
fn a_campaign_killed_midway_and_resumed_reaches_the_platform_exactly_once() {
    let sandbox = Sandbox::start(&[
        "--quiet",
        "--seed",
        "29",
        "--drop-after-accept",
        "0.03",
        "--receipt-delay",
        "1",
        "--receipt-fail-rate",
        "0.1",
    ]);
    let dir = std::env::temp_dir().join(format!("qikberry-cli-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = write_csv(&dir);
    let store = format!("sqlite:{}", dir.join("outbox.db").display());

    // Send, and SIGKILL the sender once the store shows some but not all accepted.
    let started = Instant::now();
    let sender = cli(&sandbox)
        .args(["send", "--campaign", CAMPAIGN, "--from", "QIKBRY", "--file"])
        .arg(&csv)
        .args(run_flags(&store))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start send");
    let mut sender = Killed(sender);
    let accepted_at_kill = loop {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "send never got under way"
        );
        if let Some(code) = sender.0.try_wait().expect("wait") {
            panic!("send ended before the kill ({code}): the test must kill it midway");
        }
        let accepted =
            try_status(&sandbox, &store).map_or(0, |s| s["accepted"].as_u64().unwrap_or(0));
        if accepted >= 200 {
            sender.0.kill().expect("SIGKILL the sender");
            sender.0.wait().expect("reap");
            break accepted;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let send_secs = started.elapsed().as_secs_f64();
    let after_kill = status(&sandbox, &store);
    let left = after_kill["accepted"].as_u64().unwrap();
    assert!(
        left < MESSAGES as u64,
        "everything was accepted before the kill: {after_kill}"
    );
    assert_eq!(after_kill["total"], MESSAGES, "{after_kill}");

    // Resume until every message has a final status.
    let resumed_at = Instant::now();
    let mut resume = cli(&sandbox);
    resume
        .args(["resume", "--campaign", CAMPAIGN, "--wait-final"])
        .args(run_flags(&store));
    let out = output_within(resume, Duration::from_secs(60));
    let resume_secs = resumed_at.elapsed().as_secs_f64();
    let summary = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");

    let stats = sandbox_get(&sandbox, "/__sandbox/stats");
    let by_ref = stats["accepted_by_custom"]
        .as_object()
        .expect("accepted_by_custom");
    for i in 0..MESSAGES {
        let reference = format!("ref-{i:04}");
        assert_eq!(
            by_ref.get(&reference),
            Some(&Value::from(1)),
            "{reference}: {stats}"
        );
    }
    assert_eq!(by_ref.len(), MESSAGES, "{stats}");
    assert_eq!(
        stats["duplicates"],
        serde_json::json!({}),
        "resent blind: {stats}"
    );
    let dropped = stats["sends"]["dropped"].as_u64().unwrap();
    assert!(
        dropped > 0,
        "no send was dropped after accept: the doubt path was not run: {stats}"
    );

    // The summary's counts are what the sandbox saw.
    assert_eq!(summary["total"], MESSAGES);
    assert_eq!(
        summary["accepted"], stats["sends"]["messages"],
        "{summary}\n{stats}"
    );
    assert_eq!(
        summary["delivered"], stats["receipts"]["delivered"],
        "{summary}\n{stats}"
    );
    assert_eq!(
        summary["failed"], stats["receipts"]["failed"],
        "{summary}\n{stats}"
    );
    for field in ["unknown", "queued", "refused"] {
        assert_eq!(summary[field], 0, "{field}: {summary}");
    }
    let states = &summary["states"];
    assert_eq!(states["submitted"], 0, "not all final: {summary}");
    let run = &summary["this_run"];
    assert!(
        run["reconciled_found"].as_u64().unwrap() > 0,
        "resume found nothing by reference: {summary}"
    );
    eprintln!(
        "send: {accepted_at_kill} accepted in {send_secs:.1} s before SIGKILL; resume: {} sent, \
         {} claims of the killed sender settled, {} found by reference, all final in \
         {resume_secs:.1} s ({:.0} msg/s sending); sandbox dropped {dropped} answers",
        run["accepted"], run["expired"], run["reconciled_found"], summary["messages_per_second"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the CLI with `args` (no sandbox needed for the store-only commands) and returns its
/// output.
fn run_cli(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut cmd = cli(sandbox);
    cmd.args(args);
    output_within(cmd, Duration::from_secs(30))
}

/// Three messages of campaign `parked`, each claimed for SMPP and recorded as unknown (what a
/// worker records when a `submit_sm` was written and no answer came): parked.
fn park_three(db: &Path) {
    use qikberry::outbox::{Channel, Message, NewMessage, Outcome, SqliteStore, Store};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(db).await.expect("open the store");
        let messages = (1..=3)
            .map(|i| {
                let m = Message::new("QIKBRY", format!("91990000000{i}"), format!("parked {i}"));
                NewMessage::new(format!("p-{i}"), m)
            })
            .collect();
        store
            .enqueue(Some("parked".into()), messages)
            .await
            .expect("enqueue");
        let lease = Duration::from_secs(60);
        let claims = store
            .claim("test".into(), Channel::Smpp, 3, lease)
            .await
            .expect("claim");
        assert_eq!(claims.len(), 3);
        let unknown = |c| {
            let error = "submit_sm written, the connection closed before its answer".into();
            let outcome = Outcome::Unknown {
                error,
                accepted_parts: Vec::new(),
            };
            (c, outcome)
        };
        store
            .record(claims.into_iter().map(unknown).collect())
            .await
            .expect("record unknown");
    });
}

fn references(parked: &Value) -> Vec<&str> {
    let list = parked.as_array().expect("a JSON array");
    list.iter()
        .map(|m| m["reference"].as_str().unwrap())
        .collect()
}

#[test]
fn parked_messages_are_listed_and_resent_or_failed_only_on_the_users_decision() {
    let sandbox = Sandbox::start(&["--quiet", "--seed", "29"]);
    let dir = std::env::temp_dir().join(format!("qikberry-cli-parked-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("outbox.db");
    park_three(&db);
    let store = format!("sqlite:{}", db.display());
    let store_flags = ["--store", &store, "--json"];
    let parked = |sandbox: &Sandbox| {
        let out = run_cli(
            sandbox,
            &[&["parked", "--campaign", "parked"], &store_flags[..]].concat(),
        );
        assert!(out.status.success(), "{out:?}");
        json_of(&out)
    };
    let listed = parked(&sandbox);
    assert_eq!(references(&listed), ["p-1", "p-2", "p-3"], "{listed}");
    assert_eq!(listed[0]["state"], "unknown", "{listed}");

    // Nothing is resent without a decision: resume sends nothing, and says some are in doubt.
    let resume = ["resume", "--campaign", "parked", "--quiet", "--lease", "2"];
    let out = run_cli(&sandbox, &[&resume[..], &store_flags[..]].concat());
    assert_eq!(out.status.code(), Some(2), "{}", json_of(&out));
    let stats = sandbox_get(&sandbox, "/__sandbox/stats");
    assert_eq!(
        stats["sends"]["requests"], 0,
        "sent without a decision: {stats}"
    );

    // p-1 given up with a note, p-2 resent (recorded as the user's decision).
    let note = "checked with the SMSC: not delivered";
    let fail = ["resolve", "p-1", "--mark-failed", "--note", note];
    let out = run_cli(&sandbox, &[&fail[..], &store_flags[..]].concat());
    let failed = json_of(&out);
    assert!(out.status.success(), "{failed}");
    assert_eq!(
        (&failed["state"], &failed["last_error"]),
        (&"failed".into(), &note.into())
    );
    let out = run_cli(
        &sandbox,
        &[&["resolve", "p-2", "--resend"], &store_flags[..]].concat(),
    );
    let resent = json_of(&out);
    assert!(out.status.success(), "{resent}");
    assert_eq!(resent["state"], "queued", "{resent}");
    assert!(
        resent["last_error"]
            .as_str()
            .unwrap()
            .contains("user's decision"),
        "{resent}"
    );
    // A message no longer parked cannot be resent; no decision at all is refused.
    let out = run_cli(
        &sandbox,
        &[&["resolve", "p-1", "--resend"], &store_flags[..]].concat(),
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("p-1"),
        "{out:?}"
    );
    let out = run_cli(&sandbox, &[&["resolve", "p-3"], &store_flags[..]].concat());
    assert!(!out.status.success(), "{out:?}");

    // resume sends p-2 (and only p-2) to the platform; p-3 stays parked.
    let out = run_cli(&sandbox, &[&resume[..], &store_flags[..]].concat());
    let summary = json_of(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "p-3 is still in doubt: {summary}"
    );
    let stats = sandbox_get(&sandbox, "/__sandbox/stats");
    let by_ref = stats["accepted_by_custom"]
        .as_object()
        .expect("accepted_by_custom");
    assert_eq!(by_ref.len(), 1, "{stats}");
    assert_eq!(by_ref.get("p-2"), Some(&Value::from(1)), "{stats}");
    assert_eq!(references(&parked(&sandbox)), ["p-3"]);
    let _ = std::fs::remove_dir_all(&dir);
}
