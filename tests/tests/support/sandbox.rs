//! `cargo xtask sandbox` as a test peer: Prism on the spec behind the sandbox's proxy, the npm
//! SMSC and the webhook emitter, started from the xtask binary and stopped on drop.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A binary of this build (`xtask`, `examples/send_sms`): built by `cargo test --workspace
/// --all-features`; alone, `cargo build -p xtask` / `cargo build -p qikberry --examples
/// --all-features` first.
pub fn built(relative: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("test binary lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("{relative}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not built: run `cargo build -p xtask && cargo build -p qikberry --examples \
         --all-features` (or `cargo test --workspace --all-features`, which builds both)",
        bin.display()
    );
    bin
}

/// A running sandbox and the environment it printed.
pub struct Sandbox {
    /// The `xtask sandbox` process.
    pub child: Child,
    /// The `KEY=value` lines of `--print-env`.
    pub env: Vec<(String, String)>,
    log: PathBuf,
}

impl Sandbox {
    /// Starts `xtask sandbox --port 0 --smpp-port 0 --print-env <extra>` and waits until ready.
    pub fn start(extra: &[&str]) -> Sandbox {
        // Named by a counter, never by the arguments (they may carry a webhook secret).
        static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let log = std::env::temp_dir().join(format!(
            "qikberry-sandbox-test-{}-{}.log",
            std::process::id(),
            STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut child = Command::new(built("xtask"))
            .args(["sandbox", "--port", "0", "--smpp-port", "0", "--print-env"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start the sandbox");
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut env = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) if line == "# ready" => break,
                Ok(line) => {
                    let (k, v) = line.split_once('=').expect("KEY=value lines");
                    env.push((k.to_string(), v.to_string()));
                }
                Err(_) => panic!(
                    "sandbox not ready:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            }
        }
        Sandbox { child, env, log }
    }

    /// A printed variable.
    pub fn var(&self, key: &str) -> &str {
        self.env
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{key} not printed: {:?}", self.env))
    }

    /// Where its log (stderr) goes.
    pub fn log_path(&self) -> &PathBuf {
        &self.log
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return; // already reaped: its pid may belong to someone else now
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
