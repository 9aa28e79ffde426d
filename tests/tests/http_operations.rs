//! Every operation of `spec/qikberry.yaml`, called through its typed generated method against a
//! loopback server that checks method, raw path, raw query string, `Authorization`,
//! `Content-Type` and body (JSON equivalent to the spec's request example, form fields, multipart
//! parts), and answers with the spec's response example; the decoded response must serialize
//! back to JSON equivalent to that example.
//!
//! Operations with several request examples (the `oneOf` send bodies) are called once per
//! example; operations with several response examples once per response example.

#[path = "support/calls.rs"]
mod calls;
mod support;

use std::time::Duration;

use qikberry::{AuthMode, Client};
use support::contract::{self, pct_encode};
use support::ops::Ctx;
use support::server::{Auth, Expect, Reply, TestServer};
use support::spec::{self, Operation};

const TOKEN: &str = "test-token-7f3a";

/// Path parameter values chosen to exercise encoding: a space, a slash and a non-ASCII letter.
const PATH_ID: &str = "id 1/é";
const PATH_NUM: i64 = 42;
const FILE: &[u8] = b"mobile\n919999999999\n";

fn expected_path(op: &Operation) -> String {
    let prefix = if op.v3 { "/api/v3" } else { "/api/v2" };
    let path = spec::fill_path(&op.path, |name| {
        let p = op
            .params
            .iter()
            .find(|p| p.location == "path" && p.name == name)
            .unwrap_or_else(|| panic!("{}: path parameter {name} not declared", op.id));
        match p.schema.get("type").and_then(|t| t.as_str()) {
            Some("integer") => PATH_NUM.to_string(),
            _ => pct_encode(PATH_ID),
        }
    });
    format!("{prefix}{path}")
}

async fn run_all(mode: AuthMode) -> Vec<String> {
    let spec_json = spec::load_spec();
    let ops = spec::operations(&spec_json);
    let table = calls::all();
    contract::check_coverage(&ops, &table);

    let server = TestServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .auth_mode(mode)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let auth = match mode {
        AuthMode::QueryParameter => Auth::Query(TOKEN.into()),
        _ => Auth::Bearer(TOKEN.into()),
    };

    let mut failures = Vec::new();
    let mut calls_made = 0usize;
    for call in &table {
        let op = &ops[call.id];
        if let Err(e) = contract::check_query(&spec_json, op, call.query) {
            failures.push(format!("{}: {e}", op.id));
            continue;
        }
        let bodies = contract::request_bodies(op);
        let replies = contract::response_bodies(&spec_json, op);
        for i in 0..bodies.len().max(replies.len()) {
            let ctx = Ctx {
                body: bodies[i % bodies.len()].clone(),
                id: PATH_ID.into(),
                num: PATH_NUM,
                file: FILE.to_vec(),
                op: call.id,
            };
            let reply = &replies[i % replies.len()];
            let body = match contract::body_expectation(&spec_json, op, call, &ctx) {
                Ok(b) => b,
                Err(e) => {
                    failures.push(format!("{}: {e}", op.id));
                    continue;
                }
            };
            server.expect(Expect {
                method: op.method.clone(),
                path: expected_path(op),
                query: call.query.to_owned(),
                auth: auth.clone(),
                body,
                reply: Reply::json(op.success, reply),
            });
            calls_made += 1;
            // Run in a task so that a panic (an example the generated type cannot hold) is
            // reported with the operation instead of aborting the whole table.
            let fut = (call.run)(client.clone(), ctx);
            let outcome = tokio::spawn(fut).await;
            let server_failures = server.failures();
            if !server_failures.is_empty() {
                // The client error is the server's 418 echoing the same text.
                for f in server_failures {
                    failures.push(format!("{} (example #{i}): request: {f}", op.id));
                }
            } else {
                match outcome {
                    Ok(Ok(got)) => {
                        if let Err(e) = support::json_equivalent(reply, &got) {
                            failures.push(format!(
                                "{} (example #{i}): decoded response differs from the spec example at {e}",
                                op.id
                            ));
                        }
                    }
                    Ok(Err(e)) => failures.push(format!("{} (example #{i}): {e}", op.id)),
                    Err(panic) => {
                        failures.push(format!("{} (example #{i}): panicked: {panic}", op.id))
                    }
                }
            }
            // A call that never reached the server leaves its expectation queued.
            if server.clear() > 0 {
                failures.push(format!(
                    "{} (example #{i}): no request reached the server",
                    op.id
                ));
            }
        }
    }
    assert!(calls_made >= ops.len(), "fewer calls than operations");
    failures
}

#[tokio::test]
async fn every_operation_with_bearer_header() {
    let failures = run_all(AuthMode::Header).await;
    assert!(
        failures.is_empty(),
        "{} failing calls:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_operation_with_query_token() {
    let failures = run_all(AuthMode::QueryParameter).await;
    assert!(
        failures.is_empty(),
        "{} failing calls:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
