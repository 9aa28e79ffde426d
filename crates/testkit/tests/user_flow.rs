//! A user's own test, written only against the testkit's public API and the `qikberry` crate:
//! everything runs in this process (no Node.js, Python or Prism on `PATH` is needed).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use qikberry::RetryLayer;
use qikberry::smpp::{Config, Inbound, Server, Sms, same_message_id};
use qikberry::sms::{SmsDeliveryStatusFilter, SmsSendDirect};
use qikberry::webhook::{Receiver, Verifier};
use qikberry_testkit::rest::{Answer, FakeApi};
use qikberry_testkit::smsc::{Receipts, Smsc};
use qikberry_testkit::webhook::WebhookSender;

#[tokio::test]
async fn a_send_is_found_again_by_its_custom_reference() {
    let api = FakeApi::start().await.unwrap();
    let client = api.client().unwrap();
    let body = SmsSendDirect::new("TXTSMS", "919999999999", "Hello", "T").custom("order-42");
    let sent = client.sms().send_message(body).send().await.unwrap();
    let group_id = sent.group_id.clone().expect("the send answers a group_id");

    let by_custom = SmsDeliveryStatusFilter::new().cid("order-42");
    let status = client
        .sms()
        .get_delivery_status()
        .filter(by_custom)
        .send()
        .await
        .unwrap();
    let reports = status.data.unwrap_or_default();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0].custom.as_deref(), Some("order-42"));
    assert_eq!(reports[0].mobile.as_deref(), Some("919999999999"));
    assert!(reports[0].id.as_deref().unwrap().starts_with(&group_id));
    // Another reference finds nothing; the fake recorded both calls.
    let other = SmsDeliveryStatusFilter::new().cid("order-43");
    let none = client
        .sms()
        .get_delivery_status()
        .filter(other)
        .send()
        .await;
    assert_eq!(none.unwrap().data.unwrap_or_default().len(), 0);
    assert_eq!(api.requests_to("sms_send_message").len(), 1);
    assert_eq!(
        api.accepted_messages()[0].custom.as_deref(),
        Some("order-42")
    );
}

#[tokio::test]
async fn a_502_is_retried_on_an_idempotent_call_and_not_on_a_send() {
    let api = FakeApi::start().await.unwrap();
    let retry = RetryLayer::new().base_delay(Duration::from_millis(5));
    let client = api.client_builder().layer(retry).build().unwrap();

    api.script("sms_list_senders", Answer::status(502));
    let senders = client.sms().list_senders().send().await;
    assert!(senders.is_ok(), "{senders:?}");
    assert_eq!(api.requests_to("sms_list_senders").len(), 2);

    api.script("sms_send_message", Answer::status(502));
    let body = SmsSendDirect::new("TXTSMS", "919999999999", "Hello", "T");
    let err = client.sms().send_message(body).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502), "{err}");
    assert_eq!(api.requests_to("sms_send_message").len(), 1);
    assert!(api.accepted_messages().is_empty());
}

#[tokio::test]
async fn a_signed_webhook_reaches_the_receiver_and_a_forged_one_does_not() {
    let handled: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let store = handled.clone();
    let verifier = Verifier::new()
        .bearer_secret("hook-secret")
        .signature_key("hook-id");
    let receiver = Receiver::with_handler(verifier, move |delivery| {
        let store = store.clone();
        async move {
            store.lock().unwrap().push(delivery.body.to_vec());
            Ok::<(), std::io::Error>(())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = receiver.router().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let event = serde_json::json!({
        "event": "sms:message:status",
        "payload": {"id": "g:1", "mobile": "919999999999", "status": "DELIVRD", "custom": "order-42"}
    });
    let sent = WebhookSender::new("hook-id", "hook-secret");
    let delivered = sent.send(&url, &event).await.unwrap();
    assert_eq!(delivered.status, 200, "{delivered:?}");
    assert_eq!(*handled.lock().unwrap(), vec![delivered.sent.clone()]);

    let forged = WebhookSender::new("another-id", "hook-secret");
    let refused = forged.send(&url, &event).await.unwrap();
    assert!((400..500).contains(&refused.status), "{refused:?}");
    assert_eq!(handled.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_smpp_send_gets_its_failed_receipt() {
    let smsc = Smsc::builder()
        .receipts(Receipts::failed(
            Duration::from_millis(50),
            "UNDELIV",
            "001",
        ))
        .start()
        .await;
    let config = Config::new("esme", "password", vec![Server::plain(smsc.addr())]);
    let client = qikberry::smpp::Client::connect(config).await.unwrap();
    let mut events = client.events().unwrap();
    let ids = client
        .send(&Sms::new("QIKBRY", "919999999999", "Hello"))
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("a receipt within 5 s")
        .expect("the event channel is open");
    let Inbound::Receipt(receipt) = event else {
        panic!("expected a receipt, got {event:?}");
    };
    assert!(same_message_id(&receipt.message_id, &ids[0]));
    assert_eq!(
        (receipt.stat.as_str(), receipt.err.as_str()),
        ("UNDELIV", "001")
    );
    client.shutdown(Duration::from_secs(1)).await;
    assert_eq!(
        smsc.stats()
            .unbinds
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}
