//! Runs the REST examples (`send_sms`, `send_whatsapp_template`, `list_senders`) as
//! subprocesses against a loopback server (`QIKBERRY_HOST`) that checks their requests, and
//! checks what they print.
//!
//! The binaries are built by `cargo test --workspace --all-features` (examples are built with the
//! tests); when running this file alone, build them first with `cargo build -p qikberry-examples --examples`.

mod support;

use std::path::PathBuf;

use serde_json::{Value, json};
use support::server::{Expect, Reply, TestServer};
use tokio::process::Command;

const TOKEN: &str = "example-token-9";

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("test binary lives in target/<profile>/deps");
    let bin = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "example binary {} not built: run `cargo build -p qikberry-examples --examples` (or `cargo test \
         --workspace --all-features`, which builds it)",
        bin.display()
    );
    bin
}

fn spec_response(op_id: &str) -> Value {
    let spec_json = support::spec::load_spec();
    let ops = support::spec::operations(&spec_json);
    ops[op_id].response_examples[0].1.clone()
}

async fn run(server: &TestServer, name: &str, args: &[&str]) -> std::process::Output {
    Command::new(example(name))
        .args(args)
        .env("QIKBERRY_TOKEN", TOKEN)
        .env("QIKBERRY_HOST", server.origin())
        .kill_on_drop(true)
        .output()
        .await
        .expect("run example")
}

fn post(path: &str, body: Value, reply: Reply) -> Expect {
    Expect::post_json(path, body, TOKEN, reply)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn send_sms_example() {
    let server = TestServer::start().await;
    let reply = spec_response("sms_send_message");
    server.expect(post(
        "sms/send",
        json!({"sender": "TXTSMS", "to": "919999999999", "message": "Your OTP is 1234", "service": "T"}),
        Reply::json(200, &reply),
    ));
    let out = run(
        &server,
        "send_sms",
        &["919999999999", "Your OTP is 1234", "TXTSMS", "T"],
    )
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{}", stdout, text(&out.stderr));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert!(
        stdout.contains(reply["message"].as_str().unwrap()),
        "{stdout}"
    );
    assert!(
        stdout.contains(reply["group_id"].as_str().unwrap()),
        "{stdout}"
    );

    // A validation failure on the server: exit code 1, the field errors on stderr. (A number
    // that cannot be one, such as "1", never leaves the client: see http_phone_numbers.rs.)
    server.expect(post(
        "sms/send",
        json!({"sender": "X", "to": "447700900123", "message": "m", "service": "T"}),
        Reply::json(
            422,
            &json!({"status": "FAIL", "code": 422, "message": "The given data was invalid.",
                    "errors": {"to": ["The to must be a valid mobile number."]}}),
        ),
    ));
    let out = run(&server, "send_sms", &["447700900123", "m", "X"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("The given data was invalid."), "{stderr}");
    assert!(
        stderr.contains("to: The to must be a valid mobile number."),
        "{stderr}"
    );
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn send_whatsapp_template_example() {
    let server = TestServer::start().await;
    let reply = spec_response("whatsapp_send_template");
    server.expect(post(
        "whatsapp/send/template",
        json!({"alias": "order_update", "data": {"name": "Asha", "order": "A-1042"},
               "recipient": {"to": ["919999999999"]}}),
        Reply::json(200, &reply),
    ));
    let out = run(
        &server,
        "send_whatsapp_template",
        &["order_update", "919999999999", "name=Asha", "order=A-1042"],
    )
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{}", stdout, text(&out.stderr));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert!(
        stdout.contains(reply["message"].as_str().unwrap()),
        "{stdout}"
    );
    assert!(
        stdout.contains(reply["data"][0]["id"].as_str().unwrap()),
        "{stdout}"
    );
}

#[tokio::test]
async fn list_senders_example_walks_all_pages() {
    let server = TestServer::start().await;
    for (page, names) in [(1u64, vec!["BANKA", "BANKB"]), (2, vec!["BANKC"])] {
        let data: Vec<Value> = names
            .iter()
            .map(|n| json!({"id": n, "name": n, "entity_name": format!("{n} LTD"), "status": 1}))
            .collect();
        let next = (page == 1).then_some("https://x/api/v2/sms/senders?page=2");
        server.expect(Expect::get(
            "sms/senders",
            &format!("filter%5Bname%5D=BANK&page={page}"),
            TOKEN,
            Reply::json(
                200,
                &json!({"status": "OK", "code": 200, "message": "Senders List", "data": data,
                        "links": {"next": next}, "meta": {"current_page": page, "last_page": 2}}),
            ),
        ));
    }
    let out = run(&server, "list_senders", &["BANK"]).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{}", stdout, text(&out.stderr));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    for name in ["BANKA LTD", "BANKB LTD", "BANKC LTD"] {
        assert!(stdout.contains(name), "{stdout}");
    }
    assert!(stdout.contains("3 senders"), "{stdout}");
    assert_eq!(server.pending(), 0);
}

/// Without `QIKBERRY_TOKEN`, every REST example says how to start the sandbox (and sends
/// nothing: the server expects no request).
#[tokio::test]
async fn examples_without_a_token_explain_the_sandbox() {
    let server = TestServer::start().await;
    for (name, args) in [
        ("send_sms", &["919999999999", "hi"][..]),
        (
            "send_whatsapp_template",
            &["919999999999", "funny_video_2"][..],
        ),
        ("list_senders", &[][..]),
    ] {
        let out = Command::new(example(name))
            .args(args)
            .env_remove("QIKBERRY_TOKEN")
            .env("QIKBERRY_HOST", server.origin())
            .kill_on_drop(true)
            .output()
            .await
            .expect("run example");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains("QIKBERRY_TOKEN is not set") && err.contains("    cargo xtask sandbox\n"),
            "{name} printed: {err}"
        );
        assert!(
            err.contains("export QIKBERRY_HOST=http://127.0.0.1:4010")
                && err.contains("export QIKBERRY_TOKEN=sandbox-token"),
            "{name} printed: {err}"
        );
    }
}
