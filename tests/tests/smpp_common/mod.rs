//! Shared helpers for the SMPP integration tests: start the npm `smpp` SMSC script and read its
//! event log. A missing Node or npm package fails the test with a message saying how to fix it.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// `$QIKBERRY_TOOLS`, checked to contain the npm packages the SMPP tests use.
pub fn tools() -> PathBuf {
    let dir = std::env::var_os("QIKBERRY_TOOLS").unwrap_or_else(|| {
        panic!(
            "QIKBERRY_TOOLS is not set. Run the suite with `cargo xtask test`, or install the tools \
             (mkdir -p .tools && cp xtask/tools/package.json .tools/ && (cd .tools && npm install)) \
             and export QIKBERRY_TOOLS=$PWD/.tools"
        )
    });
    let dir = PathBuf::from(dir);
    for pkg in ["smpp", "sms-segments-calculator"] {
        let p = dir.join("node_modules").join(pkg).join("package.json");
        assert!(
            p.exists(),
            "npm package `{pkg}` is missing from {} (expected {}); run `cargo xtask test` or \
             `cd .tools && npm install`",
            dir.display(),
            p.display()
        );
    }
    dir
}

/// Path of a script in `tests/peers/smpp/`.
pub fn peer_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("peers/smpp")
        .join(name)
}

/// The example `name`, built by `cargo test --workspace --all-features` (or in
/// `$QIKBERRY_EXAMPLES_DIR`, e.g. a release build for measurements).
pub fn example_binary(name: &str) -> PathBuf {
    qikberry_tests::built::example(
        name,
        &format!("cargo build -p qikberry-examples --example {name}"),
    )
}

/// A running npm-smpp SMSC.
pub struct Smsc {
    pub port: u16,
    child: Child,
    events: Arc<Mutex<Vec<Value>>>,
}

impl Smsc {
    /// Start `smsc.js` with these options (see the script's header).
    pub async fn start(opts: Value) -> Smsc {
        let tools = tools();
        let mut child = Command::new("node")
            .arg(peer_script("smsc.js"))
            .arg(opts.to_string())
            .env("QIKBERRY_TOOLS", &tools)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `node` (needed for the npm smpp SMSC): {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let events = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = tokio::sync::oneshot::channel();
        let ev = events.clone();
        tokio::spawn(async move {
            let mut port_tx = Some(port_tx);
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(v) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if v["event"] == "listening"
                    && let Some(tx) = port_tx.take()
                {
                    let _ = tx.send(v["port"].as_u64().unwrap_or(0) as u16);
                }
                ev.lock().unwrap().push(v);
            }
        });
        let port = tokio::time::timeout(Duration::from_secs(20), port_rx)
            .await
            .expect("the npm smpp SMSC did not start listening within 20 s")
            .expect("the npm smpp SMSC exited before listening (see stderr)");
        Smsc {
            port,
            child,
            events,
        }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// All events so far.
    pub fn events(&self) -> Vec<Value> {
        self.events.lock().unwrap().clone()
    }

    /// Events named `name`.
    pub fn named(&self, name: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["event"] == name)
            .collect()
    }

    /// Wait until `n` events named `name` were seen.
    pub async fn wait_for(&self, name: &str, n: usize, timeout: Duration) -> Vec<Value> {
        let t0 = Instant::now();
        loop {
            let v = self.named(name);
            if v.len() >= n {
                return v;
            }
            assert!(
                t0.elapsed() < timeout,
                "waited {timeout:?} for {n} `{name}` events from the SMSC; saw {}: {:?}",
                v.len(),
                self.events()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Kill the SMSC process.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// A whole number from the environment variable `name`, or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts the `smpp_receipts` example against `smsc` with extra arguments.
pub fn receipts_client(smsc: &Smsc, extra: &[&str]) -> Child {
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
