//! The future a generated `.send()` returns (`qikberry::client::Sending`), over real HTTP on
//! 127.0.0.1: nothing leaves the machine before it is polled, it can be spawned (`Send`,
//! `'static`) and moved after a poll (`Unpin`), dropping it unpolled sends nothing, and one whose
//! body cannot be written resolves once, to that error, without a request.

mod support;

use std::future::Future;
use std::time::Duration;

use qikberry::client::Sending;
use serde_json::json;
use support::server::{Expect, Reply, TestServer};

const TOKEN: &str = "sending-token-1";

fn balance_reply() -> Expect {
    Expect::get(
        "finance/balance",
        "",
        TOKEN,
        Reply::json(
            200,
            &json!({"status": "OK", "message": "Balance", "data": {"credits": 12.5}}),
        ),
    )
}

/// Compiles only for a future that can be spawned and moved freely.
fn spawnable<F: Future + Send + Unpin + 'static>(f: F) -> F {
    f
}

#[tokio::test]
async fn nothing_leaves_before_the_first_poll_and_a_spawned_send_completes() {
    let server = TestServer::start().await;
    server.expect(balance_reply());
    let client = server.client(TOKEN);
    let sending: Sending<_> = spawnable(client.account().get_balance().send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.seen().is_empty(), "sent before it was polled");
    assert!(format!("{sending:?}").contains("calling"), "{sending:?}");
    let balance = tokio::spawn(sending).await.expect("join").expect("send");
    assert_eq!(balance.message, "Balance");
    assert_eq!(server.seen().len(), 1);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn a_send_dropped_unpolled_sends_nothing() {
    let server = TestServer::start().await;
    server.expect(balance_reply());
    drop(server.client(TOKEN).account().get_balance().send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        server.seen().is_empty(),
        "a dropped, unpolled send left the machine"
    );
    assert_eq!(server.pending(), 1);
}

#[tokio::test]
async fn a_send_whose_body_fails_resolves_once_and_panics_if_polled_again() {
    let server = TestServer::start().await;
    let client = server.client(TOKEN);
    let bad = qikberry::sms::SmsSendDirect::new("QIKBRY", "12ab", "hi", "T");
    let mut sending = client.sms().send_message(bad).send();
    let err = (&mut sending)
        .await
        .expect_err("a recipient that is not a number");
    assert!(matches!(err, qikberry::Error::Encode { .. }), "{err:?}");
    assert!(format!("{sending:?}").contains("done"), "{sending:?}");
    assert!(server.seen().is_empty(), "a body that failed was sent");
    let again = tokio::spawn(async move { (&mut sending).await.map(drop) }).await;
    let panic = again
        .expect_err("a second poll after completion")
        .into_panic();
    let text = panic.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(text.contains("polled after it completed"), "{text:?}");
}
