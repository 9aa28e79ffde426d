//! `generated/examples/smpp_send.rs` run as a subprocess against the npm `smpp` server.

mod smpp_common;

use serde_json::{Value, json};
use smpp_common::Smsc;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(smpp_common::example_binary("smpp_send"))
        .args(args)
        .output()
        .expect("run smpp_send")
}

#[tokio::test(flavor = "multi_thread")]
async fn example_sends_segments_and_prints_receipts() {
    let smsc = Smsc::start(json!({"dlr": "text"})).await;
    let addr = smsc.addr();
    let text = "x".repeat(200); // two GSM parts
    let args = [
        "--addr",
        &addr,
        "--system-id",
        "esme1",
        "--password",
        "pw",
        "--from",
        "QIKBRY",
        "--to",
        "919900000001",
        "--text",
        &text,
        "--pe-id",
        "1201",
        "--template-id",
        "1207",
        "--tm-id",
        "1702",
        "--data-coding",
        "gsm",
        "--wait-dlr",
        "10",
    ];
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let out = tokio::task::spawn_blocking(move || {
        run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let segs: Vec<&Value> = lines
        .iter()
        .filter(|l| l.get("segment").is_some())
        .collect();
    let receipts: Vec<&Value> = lines
        .iter()
        .filter(|l| l.get("receipt").is_some())
        .collect();
    assert_eq!(segs.len(), 2, "{stdout}");
    assert_eq!(segs[0]["segment"], 1);
    assert_eq!(segs[1]["of"], 2);
    let submits = smsc.named("submit");
    assert_eq!(submits.len(), 2);
    for (s, e) in segs.iter().zip(&submits) {
        assert_eq!(s["message_id"], e["id"]);
        assert_eq!(e["pe_id"], "1201");
        assert_eq!(e["tm_id"], "1702");
    }
    assert_eq!(receipts.len(), 2, "{stdout}");
    for r in receipts {
        assert_eq!(r["receipt"]["stat"], "DELIVRD");
        assert_eq!(r["receipt"]["err"], "000");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn example_exits_non_zero_with_the_status_name_on_bind_failure() {
    let smsc = Smsc::start(json!({"password": "right"})).await;
    let addr = smsc.addr();
    let out = tokio::task::spawn_blocking(move || {
        run(&[
            "--addr",
            &addr,
            "--system-id",
            "esme1",
            "--password",
            "wrong",
            "--from",
            "QIKBRY",
            "--to",
            "91990",
            "--text",
            "hi",
        ])
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ESME_RINVPASWD"), "stderr: {stderr}");
    assert!(out.stdout.is_empty());
}
