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
//! And the stateful sandbox with its faults: a status query by `cid` or `group_id` returns the
//! messages it accepted with the ids it answered (status `AWAITING-DLR`, then the receipt's),
//! an unknown `cid` gets an empty `data`; a failed receipt shows in the status query and the
//! webhook; an accepted-then-dropped send is found by `cid` though the client saw the
//! connection close; `--throttle` answers 429 with `Retry-After`; the SMSC's throttling and
//! failed receipts reach the SMPP client; the `/__sandbox/` endpoints count it all.
//!
//! The xtask binary and the examples are built by `cargo test --workspace --all-features`;
//! alone: `cargo build -p xtask && cargo build -p qikberry-examples --examples --all-features`.

use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

mod support;

use qikberry::Client;
use qikberry::smpp::{self, Inbound, Server, Sms};
use qikberry::sms::{SmsDeliveryStatusFilter, SmsDestinations, SmsSendDirect};
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
            SmsDestinations::from(vec!["919811111111", "919822222222"]),
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

/// A client for `sandbox`.
fn client_for(sandbox: &Sandbox) -> Client {
    Client::builder()
        .token(sandbox.var("QIKBERRY_TOKEN"))
        .host(sandbox.var("QIKBERRY_HOST"))
        .build()
        .expect("client")
}

/// An SMS to `to` with the reference `custom`.
fn sms_with_reference(to: impl Into<SmsDestinations>, custom: &str) -> SmsSendDirect {
    let mut sms = SmsSendDirect::new("TXTSMS", to.into(), "Your order is on its way", "T");
    sms.custom = Some(custom.into());
    sms
}

/// `GET <host><path>` with the sandbox token, as JSON (status and body).
async fn get_json(sandbox: &Sandbox, path: &str) -> (u16, serde_json::Value) {
    sandbox.get_json(path).await
}

/// The status query by `cid`, through the generated client.
async fn status_by_cid(client: &Client, cid: &str) -> Vec<qikberry::sms::SmsDeliveryStatus> {
    client
        .sms()
        .get_delivery_status()
        .filter(SmsDeliveryStatusFilter::new().cid(cid))
        .send()
        .await
        .expect("status by cid")
        .data
        .unwrap_or_default()
}

fn status_text(item: &qikberry::sms::SmsDeliveryStatus) -> String {
    item.status
        .as_ref()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_query_by_cid_or_group_id_returns_the_accepted_messages() {
    let sandbox = Sandbox::start(&["--receipt-delay", "3000"]);
    let client = client_for(&sandbox);
    let sent = client
        .sms()
        .send_message(sms_with_reference(
            vec!["919811100001", "919811100002"],
            "order-7731",
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("send: {e}\n{}", sandbox.log()));
    let group = sent.group_id.clone().expect("a group id");
    let sent_ids: Vec<String> = sent
        .data
        .iter()
        .flatten()
        .filter_map(|m| m.id.clone())
        .collect();
    assert_eq!(sent_ids.len(), 2, "{sent:?}");
    assert!(sent_ids.iter().all(|id| id.starts_with(&group)), "{sent:?}");

    // By cid: these two messages, before their receipt.
    let found = status_by_cid(&client, "order-7731").await;
    let ids: Vec<String> = found.iter().filter_map(|m| m.id.clone()).collect();
    assert_eq!(ids, sent_ids, "{found:?}");
    for (item, number) in found.iter().zip(["919811100001", "919811100002"]) {
        assert_eq!(item.mobile.as_deref(), Some(number));
        assert_eq!(item.custom.as_deref(), Some("order-7731"));
        assert_eq!(status_text(item), "AWAITING-DLR", "{item:?}");
    }
    // By group id: the same messages.
    let by_group = client
        .sms()
        .get_delivery_status()
        .filter(SmsDeliveryStatusFilter::new().group_id(&group))
        .send()
        .await
        .expect("status by group id");
    let ids: Vec<String> = by_group
        .data
        .iter()
        .flatten()
        .filter_map(|m| m.id.clone())
        .collect();
    assert_eq!(ids, sent_ids, "{by_group:?}");
    // An unknown reference: the success envelope with no data.
    assert!(status_by_cid(&client, "never-sent").await.is_empty());

    // After the receipt: delivered, with a delivery time.
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered = status_by_cid(&client, "order-7731").await;
        if delivered.iter().all(|m| status_text(m) == "DELIVRD") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        delivered
            .iter()
            .all(|m| status_text(m) == "DELIVRD" && m.delivered_at.is_some()),
        "{delivered:?}"
    );
    let (_, stats) = get_json(&sandbox, "/__sandbox/stats").await;
    assert_eq!(stats["accepted_by_custom"]["order-7731"], 1, "{stats}");
    assert_eq!(stats["sends"]["messages"], 2, "{stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_receipt_shows_in_the_status_query_and_the_webhook() {
    let verifier = Verifier::new()
        .validation_key("sandbox-validation-key")
        .bearer_secret("sandbox-secret")
        .signature_key("sandbox-webhook")
        .signature_policy(SignaturePolicy::Enforce);
    let (hook_url, mut deliveries) = receiver(verifier).await;
    let sandbox = Sandbox::start(&[
        "--webhook-url",
        &hook_url,
        "--receipt-fail-rate",
        "1",
        "--receipt-delay",
        "200",
    ]);
    let client = client_for(&sandbox);
    let sent = client
        .sms()
        .send_message(sms_with_reference("919811100003", "invoice-55"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("send: {e}\n{}", sandbox.log()));
    let id = sent
        .data
        .iter()
        .flatten()
        .find_map(|m| m.id.clone())
        .expect("an id");
    let delivery = next_sms_status(&mut deliveries, &sandbox).await;
    let Event::SmsStatus(report) = &delivery.event else {
        panic!("expected an SMS status, got {:?}", delivery.event)
    };
    assert_eq!(report.id.to_string(), id);
    assert_eq!(report.status.as_str(), "UNDELIV");
    assert!(
        report.status.is_final() && !report.status.is_delivered(),
        "{report:?}"
    );
    assert_eq!(report.custom.as_deref(), Some("invoice-55"));
    assert_eq!(report.cid.as_deref(), Some("invoice-55"));
    assert_eq!(report.mobile.as_deref(), Some("919811100003"));
    let found = status_by_cid(&client, "invoice-55").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id.as_deref(), Some(id.as_str()));
    assert_eq!(status_text(&found[0]), "UNDELIV");
    assert!(found[0].delivered_at.is_none(), "{found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_then_dropped_send_is_found_by_cid() {
    let sandbox = Sandbox::start(&["--drop-after-accept", "1"]);
    let client = client_for(&sandbox);
    let err = client
        .sms()
        .send_message(sms_with_reference("919811100004", "lost-answer-1"))
        .send()
        .await
        .expect_err("the connection closes without an answer");
    assert_eq!(err.status(), None, "no HTTP answer: {err}");
    // The platform has it: the reconciliation finds it by the reference.
    let found = status_by_cid(&client, "lost-answer-1").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].mobile.as_deref(), Some("919811100004"));
    let (_, seen) = get_json(&sandbox, "/__sandbox/messages?cid=lost-answer-1").await;
    assert_eq!(seen["accepted_sends"], 1, "{seen}");
    assert_eq!(seen["messages"][0]["answered"], false, "{seen}");
    assert_eq!(seen["messages"][0]["id"].as_str(), found[0].id.as_deref());
    let (_, stats) = get_json(&sandbox, "/__sandbox/stats").await;
    assert_eq!(stats["sends"]["dropped"], 1, "{stats}");
    // The admin endpoints want the token too.
    let anonymous = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap()
        .get(format!("{}/__sandbox/stats", sandbox.var("QIKBERRY_HOST")))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_answers_429_with_retry_after_and_accepts_nothing() {
    let sandbox = Sandbox::start(&["--throttle", "1/s"]);
    let http = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let mut throttled = Vec::new();
    for i in 0..4 {
        let response = http
            .post(format!("{}/api/v2/sms/send", sandbox.var("QIKBERRY_HOST")))
            .bearer_auth(sandbox.var("QIKBERRY_TOKEN"))
            .json(&serde_json::json!({"sender": "TXTSMS", "to": "919811100005", "message": "hi", "service": "T", "custom": format!("burst-{i}")}))
            .send()
            .await
            .expect("send");
        if response.status() == 429 {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            assert!(
                retry_after.is_some_and(|s| s >= 1),
                "{:?}",
                response.headers()
            );
            throttled.push(format!("burst-{i}"));
        } else {
            assert_eq!(response.status(), 200);
        }
    }
    assert!(
        !throttled.is_empty(),
        "four sends in a burst at 1/s: some must be refused"
    );
    let (_, stats) = get_json(&sandbox, "/__sandbox/stats").await;
    assert_eq!(stats["sends"]["throttled"], throttled.len(), "{stats}");
    for cid in &throttled {
        let (_, seen) = get_json(&sandbox, &format!("/__sandbox/messages?cid={cid}")).await;
        assert_eq!(seen["accepted_sends"], 0, "{seen}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smpp_throttling_and_failed_receipts_reach_the_client() {
    let sandbox = Sandbox::start(&["--smpp-throttle", "1/s", "--receipt-fail-rate", "1"]);
    let mut config = smpp::Config::new(
        "anyone",
        "anything",
        vec![Server::plain(sandbox.var("QIKBERRY_SMPP_ADDR").to_string())],
    );
    config.throttle_retries = 0;
    let client = smpp::Client::connect(config).await.expect("bind");
    let mut inbound = client.events().expect("events");
    let ids = client
        .send(&Sms::new("QIKBRY", "919844400001", "first ref:smpp-1"))
        .await
        .unwrap_or_else(|e| panic!("first submit: {e}\n{}", sandbox.log()));
    let refused = client
        .send(&Sms::new("QIKBRY", "919844400002", "second ref:smpp-2"))
        .await
        .expect_err("a second submit within the second is throttled");
    assert!(
        matches!(
            refused.error,
            smpp::SubmitError::Rejected {
                name: "ESME_RTHROTTLED",
                ..
            }
        ),
        "{refused:?}"
    );
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
    assert_eq!(receipt.stat, "UNDELIV");
    assert_eq!(receipt.err, "001");
    client.shutdown(Duration::from_secs(2)).await;
    let (_, counts) = get_json(&sandbox, "/__sandbox/smpp?ref=smpp-1").await;
    assert_eq!(counts["count"], 1, "{counts}");
    assert_eq!(counts["events"]["throttled"], 1, "{counts}");
    let (_, counts) = get_json(&sandbox, "/__sandbox/smpp?ref=smpp-2").await;
    assert_eq!(
        counts["count"], 0,
        "a throttled submit is not a message: {counts}"
    );
}
