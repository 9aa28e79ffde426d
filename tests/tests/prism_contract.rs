//! Contract test against Stoplight Prism (`prism mock spec/qikberry.yaml`), an independent
//! implementation of the spec: every operation is called through its typed generated method
//! with valid inputs (each request example of the spec), must get a 2xx — Prism answers 422
//! with an `sl-violations` header when a request breaks the spec — and the decoded response
//! must equal the spec's (first) response example, which Prism serves.
//!
//! Prism comes from `cargo xtask test`, which installs it under `.tools/` and sets
//! `QIKBERRY_TOOLS`.

#[path = "support/calls.rs"]
mod calls;
mod support;

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use qikberry::runtime::{Layer, Next, PreparedRequest, Response};
use qikberry::{AuthMode, Client, Error};
use support::contract;
use support::ops::Ctx;
use support::spec;

/// The Prism process; killed when dropped.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tools_dir() -> PathBuf {
    std::env::var_os("QIKBERRY_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| spec::workspace_root().join(".tools"))
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn start_prism() -> Prism {
    let bin = tools_dir().join("node_modules/.bin/prism");
    assert!(
        bin.exists(),
        "Prism not found at {} — run `cargo xtask test` to install it (or set QIKBERRY_TOOLS)",
        bin.display()
    );
    let port = free_port();
    let log =
        std::env::temp_dir().join(format!("qikberry-prism-{}-{port}.log", std::process::id()));
    let out = std::fs::File::create(&log).expect("prism log file");
    let err = out.try_clone().expect("prism log file");
    let child = Command::new(&bin)
        .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
        .arg(spec::spec_path())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let mut prism = Prism { child, port, log };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(Some(status)) = prism.child.try_wait() {
            panic!(
                "prism exited with {status} before listening:\n{}",
                std::fs::read_to_string(&prism.log).unwrap_or_default()
            );
        }
        let log_text = std::fs::read_to_string(&prism.log).unwrap_or_default();
        if log_text.contains("Prism is listening")
            && TcpStream::connect(("127.0.0.1", prism.port)).is_ok()
        {
            return prism;
        }
        if Instant::now() > deadline {
            let text = std::fs::read_to_string(&prism.log).unwrap_or_default();
            prism.port = 0;
            panic!("prism did not start listening within 90 s:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Keeps the `sl-violations` header of the last response (the middleware seam at work).
#[derive(Clone, Default)]
struct Violations(Arc<Mutex<Option<String>>>);

impl Layer for Violations {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            let resp = next.run(req).await?;
            *self.0.lock().unwrap() = resp
                .headers
                .get("sl-violations")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            Ok(resp)
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism() {
    run_against_prism(AuthMode::Header).await;
}

/// The same with `?access_token=`: Prism checks it against the spec's `accessTokenQuery` scheme.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism_with_query_token() {
    run_against_prism(AuthMode::QueryParameter).await;
}

async fn run_against_prism(mode: AuthMode) {
    let spec_json = spec::load_spec();
    let ops = spec::operations(&spec_json);
    let table = calls::all();
    contract::check_coverage(&ops, &table);

    let prism = start_prism();
    let origin = format!("http://127.0.0.1:{}/", prism.port);
    let violations = Violations::default();
    let client = Client::builder()
        .token("prism-test-token")
        .base_url(&origin)
        .v3_base_url(&origin)
        .timeout(Duration::from_secs(30))
        .auth_mode(mode)
        .layer(violations.clone())
        .build()
        .expect("client");

    let mut failures = Vec::new();
    for call in &table {
        let op = &ops[call.id];
        let Some(expected) = contract::response_bodies(&spec_json, op).into_iter().next() else {
            continue;
        };
        for (i, body) in contract::request_bodies(op).into_iter().enumerate() {
            let ctx = Ctx {
                body,
                id: "abc123".into(),
                num: 42,
                file: b"mobile\n919999999999\n".to_vec(),
                op: call.id,
            };
            *violations.0.lock().unwrap() = None;
            let result = tokio::spawn((call.run)(client.clone(), ctx)).await;
            match result {
                Ok(Ok(got)) => {
                    if op.response_examples.is_empty() {
                        continue; // Prism invents a body from the schema; decoding it is the check.
                    }
                    if let Err(e) = support::json_equivalent(&expected, &got) {
                        failures.push(format!(
                            "{} (request example #{i}): decoded response differs from the spec example at {e}",
                            op.id
                        ));
                    }
                }
                Ok(Err(e)) => {
                    let v = violations.0.lock().unwrap().clone();
                    failures.push(format!(
                        "{} (request example #{i}): {e}\n    sl-violations: {}",
                        op.id,
                        v.as_deref().unwrap_or("(none)")
                    ));
                }
                Err(panic) => failures.push(format!(
                    "{} (request example #{i}): panicked: {panic}",
                    op.id
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} calls failed against Prism ({mode:?} auth; log: {}):\n{}",
        failures.len(),
        prism.log.display(),
        failures.join("\n")
    );
}
