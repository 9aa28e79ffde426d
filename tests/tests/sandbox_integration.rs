//! `cargo xtask sandbox` end to end, as a user runs it: start it, read the environment it
//! prints, then
//! - the generated client and the unchanged `list_senders` / `send_sms` examples work against
//!   it (and a wrong token gets 401),
//! - a send through the REST API is followed by its signed `sms:message:status` event at the
//!   `--webhook-url` receiver (this crate's `webhook::Receiver`, signature enforced) after the
//!   validation handshake, and a webhook registered through the webhooks API gets the events
//!   of later sends too,
//! - an SMPP submit with DLT TLVs gets a text-format delivery receipt, with the TLVs echoed,
//! - SIGTERM stops it and its children (nothing listens on its ports any more).
//!
//! The xtask binary and the examples are built by `cargo test --workspace --all-features`;
//! alone: `cargo build -p xtask && cargo build -p qikberry-examples --examples --all-features`.

use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

mod support;

use qikberry::Client;
use qikberry::smpp::{self, Inbound, Server, Sms};
use qikberry::sms::{SmsDestinations, SmsSendDirect};
use qikberry::webhook::{Delivery, Event, Receiver, SignaturePolicy, SignatureStatus, Verifier};
use support::sandbox::{Sandbox, built};
use tokio::sync::mpsc as tokio_mpsc;

async fn receiver(verifier: Verifier) -> (String, tokio_mpsc::Receiver<Delivery>) {
    let (receiver, rx) = Receiver::with_channel(verifier, 64);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().nest(
        "/hook",
        receiver
            .router()
            .expect("the verifier authenticates events"),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), rx)
}

/// Starts the `webhook_receiver` example with the sandbox's `--webhook-url` settings; its URL
/// and its stdout lines.
async fn receiver_example() -> (
    String,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) {
    use tokio::io::AsyncBufReadExt;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").port()
    };
    let mut child = tokio::process::Command::new(built("examples/webhook_receiver"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--validation-key",
            "sandbox-validation-key",
            "--secret",
            "sandbox-secret",
        ])
        .args(["--webhook-id", "sandbox-webhook"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start webhook_receiver");
    let stdout = child.stdout.take().expect("piped");
    // Kept alive (and killed) with the test's runtime.
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (
        format!("http://127.0.0.1:{port}/"),
        tokio::io::BufReader::new(stdout).lines(),
    )
}

async fn next_sms_status(rx: &mut tokio_mpsc::Receiver<Delivery>, sandbox: &Sandbox) -> Delivery {
    let delivery = tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .unwrap_or_else(|_| panic!("no webhook delivered:\n{}", sandbox.log()))
        .expect("receiver open");
    assert_eq!(delivery.signature, SignatureStatus::Valid);
    delivery
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_end_to_end() {
    let verifier = Verifier::new()
        .validation_key("sandbox-validation-key")
        .bearer_secret("sandbox-secret")
        .signature_key("sandbox-webhook")
        .signature_policy(SignaturePolicy::Enforce);
    let (hook_url, mut deliveries) = receiver(verifier).await;
    let prism_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").port()
    };
    // The webhook_receiver example, unchanged, as a second `--webhook-url`.
    let (example_hook, mut example_events) = receiver_example().await;
    let prism_port = prism_port.to_string();
    let sandbox = Sandbox::start(&[
        "--webhook-url",
        &hook_url,
        "--webhook-url",
        &example_hook,
        "--prism-port",
        &prism_port,
    ]);
    let prism_port: u16 = prism_port.parse().unwrap();
    let host = sandbox.var("QIKBERRY_HOST").to_string();
    let token = sandbox.var("QIKBERRY_TOKEN").to_string();
    assert!(host.starts_with("http://127.0.0.1:"), "{host}");
    assert_eq!(sandbox.var("QIKBERRY_WEBHOOK_ID"), "sandbox-webhook");

    // The client, and the 401 a wrong token gets.
    let client = Client::builder()
        .token(&token)
        .host(&host)
        .build()
        .expect("client");
    let sent = client
        .sms()
        .send_message(SmsSendDirect::new(
            "TXTSMS",
            SmsDestinations::from("919876543210".to_owned()),
            "Hello from the sandbox",
            "T",
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("send: {e}\n{}", sandbox.log()));
    assert!(sent.message.contains("accepted"), "{}", sent.message);
    let wrong = Client::builder()
        .token("nope")
        .host(&host)
        .build()
        .expect("client");
    let err = wrong
        .account()
        .get_balance()
        .send()
        .await
        .expect_err("wrong token");
    assert!(err.is_unauthorized(), "{err}");

    // The send's signed event, after the handshake.
    let delivery = next_sms_status(&mut deliveries, &sandbox).await;
    let Event::SmsStatus(report) = &delivery.event else {
        panic!("expected an SMS status, got {:?}", delivery.event)
    };
    assert_eq!(report.mobile.as_deref(), Some("919876543210"));
    assert!(sandbox.log().contains("validated"), "{}", sandbox.log());

    // A webhook registered through the API is validated and gets the next send's events.
    let api_verifier = Verifier::new()
        .validation_key("api-key")
        .bearer_secret("api-secret")
        .signature_key("dd4b91af-167d-48e6-901d-ae181ff6e80d") // the id Prism answers with
        .signature_policy(SignaturePolicy::Enforce);
    let (api_url, mut api_deliveries) = receiver(api_verifier).await;
    let created = qikberry::tls::http_client_builder().unwrap().build().unwrap()
        .post(format!("{host}/api/v2/developer/webhooks"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "t", "uri": api_url, "secret": "api-secret", "token": "api-key", "status": "1"}))
        .send()
        .await
        .expect("create webhook");
    assert_eq!(created.status(), 200);
    client
        .sms()
        .send_message(SmsSendDirect::new(
            "TXTSMS",
            SmsDestinations::from("919811111111,919822222222".to_owned()),
            "Second",
            "T",
        ))
        .send()
        .await
        .expect("second send");
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let delivery = next_sms_status(&mut api_deliveries, &sandbox).await;
        if let Event::SmsStatus(r) = delivery.event {
            numbers.extend(r.mobile);
        }
    }
    numbers.sort();
    assert_eq!(numbers, ["919811111111", "919822222222"]);

    // The unchanged examples: the receiver printed the first send's event, verified.
    let line = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let line = example_events
                .next_line()
                .await
                .expect("read")
                .expect("receiver example exited");
            let v: serde_json::Value =
                serde_json::from_str(&line).expect("one JSON line per event");
            if v["payload"]["mobile"] == "919876543210" {
                return v;
            }
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "the webhook_receiver example printed no event:\n{}",
            sandbox.log()
        )
    });
    assert_eq!(line["event"], "sms:message:status", "{line}");
    assert_eq!(line["signature"], "valid", "{line}");
    let out = tokio::process::Command::new(built("examples/send_whatsapp_template"))
        .args(["funny_video_2", "919855555555", "name=Demo"])
        .env("QIKBERRY_HOST", &host)
        .env("QIKBERRY_TOKEN", &token)
        .output()
        .await
        .expect("run send_whatsapp_template");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tokio::process::Command::new(built("examples/list_senders"))
        .env("QIKBERRY_HOST", &host)
        .env("QIKBERRY_TOKEN", &token)
        .output()
        .await
        .expect("run list_senders");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("SENDER"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tokio::process::Command::new(built("examples/send_sms"))
        .args(["919833333333", "Hi"])
        .env("QIKBERRY_HOST", &host)
        .env("QIKBERRY_TOKEN", &token)
        .output()
        .await
        .expect("run send_sms");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // SMPP: the smpp_send example, then the client: any credentials bind; a receipt in text
    // form comes back with the DLT TLVs echoed.
    let out = tokio::process::Command::new(built("examples/smpp_send"))
        .args([
            "--addr",
            sandbox.var("QIKBERRY_SMPP_ADDR"),
            "--system-id",
            "me",
            "--password",
            "pw",
        ])
        .args([
            "--from",
            "QIKBRY",
            "--to",
            "919866666666",
            "--text",
            "Hello",
            "--wait-dlr",
            "10",
        ])
        .output()
        .await
        .expect("run smpp_send");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("\"stat\":\"DELIVRD\""),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let addr = sandbox.var("QIKBERRY_SMPP_ADDR").to_string();
    let smpp_client = smpp::Client::connect(smpp::Config::new(
        "anyone",
        "anything",
        vec![Server::plain(addr)],
    ))
    .await
    .expect("bind");
    let mut inbound = smpp_client.events().expect("events");
    let mut sms = Sms::new("QIKBRY", "919844444444", "DLT test");
    sms.pe_id = Some("1201159100000000001".into());
    sms.template_id = Some("1207161234567890123".into());
    sms.tm_id = Some("1702159100000000002".into());
    let ids = smpp_client.send(&sms).await.expect("submit");
    let event = tokio::time::timeout(Duration::from_secs(15), inbound.recv())
        .await
        .expect("receipt in time")
        .expect("events open");
    let Inbound::Receipt(receipt) = event else {
        panic!("expected a receipt, got {event:?}")
    };
    assert!(
        smpp::same_message_id(&ids[0], &receipt.message_id),
        "{ids:?} {receipt:?}"
    );
    assert_eq!(receipt.stat, "DELIVRD");
    assert!(
        receipt.submit_date.is_some() && receipt.done_date.is_some(),
        "text format: {receipt:?}"
    );
    smpp_client.shutdown(Duration::from_secs(2)).await;
    // The SMSC logs the receipt once our answer to it arrives; the log may lag the receipt.
    let echoed = |log: &str| {
        log.lines().any(|l| {
            l.contains("deliver_sm_resp")
                && l.contains("\"pe_id\":\"1201159100000000001\"")
                && l.contains("\"template_id\":\"1207161234567890123\"")
                && l.contains("\"tm_id\":\"1702159100000000002\"")
        })
    };
    for _ in 0..100 {
        if echoed(&sandbox.log()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        echoed(&sandbox.log()),
        "receipt without the DLT TLVs:\n{}",
        sandbox.log()
    );

    // Clean shutdown: SIGTERM, exit 0, nothing listens any more.
    let rest_port: u16 = host.rsplit(':').next().unwrap().parse().unwrap();
    let mut sandbox = sandbox;
    let status = Command::new("kill")
        .args(["-TERM", &sandbox.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = sandbox.child.wait().expect("wait");
    assert!(exit.success(), "{exit}\n{}", sandbox.log());
    assert!(sandbox.log().contains("sandbox: stopping"));
    let smpp_port: u16 = sandbox
        .var("QIKBERRY_SMPP_ADDR")
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for port in [rest_port, smpp_port, prism_port] {
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "port {port} still open"
        );
    }
}
