//! Contract test against Stoplight Prism (`prism mock spec/qikberry.yaml`), an independent
//! implementation of the spec: every operation is called through its typed generated method
//! with valid inputs (each request example of the spec), must get a 2xx — Prism answers 422
//! with an `sl-violations` header when a request breaks the spec — and the decoded response
//! must equal the spec's (first) response example, which Prism serves.
//!
//! Prism runs as part of `cargo xtask sandbox` (the same Prism users try the client against),
//! reached through the sandbox's proxy, which passes these root-relative paths through and
//! checks the token (header or `access_token` query). Prism comes from `cargo xtask test`,
//! which installs it under `.tools/` and sets `QIKBERRY_TOOLS`.

#[path = "support/calls.rs"]
mod calls;
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use qikberry::runtime::{Layer, Next, PreparedRequest, Response};
use qikberry::{AuthMode, Client, Error};
use support::contract;
use support::ops::Ctx;
use support::sandbox::Sandbox;
use support::spec;

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

    let sandbox = Sandbox::start(&["--token", "prism-test-token", "--stateless"]);
    let origin = format!("{}/", sandbox.var("QIKBERRY_HOST"));
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
        sandbox.log_path().display(),
        failures.join("\n")
    );
}
