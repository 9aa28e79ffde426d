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
