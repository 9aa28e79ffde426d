//! `Client::shutdown` against the SMSC double: a started multi-part text is one unit for the
//! drain, and the shutdown finishes even when its future is dropped.

use super::*;

/// Wait up to `limit` for `cond`, failing the test with `what` otherwise.
pub(super) async fn eventually(what: &str, limit: Duration, cond: impl Fn() -> bool) {
    let t0 = Instant::now();
    while !cond() {
        assert!(t0.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// An SMSC that answers every submit after `delay`.
async fn slow_double(delay: Duration) -> Double {
    double(
        standard(move |st, _, p| vec![Act::ReplyAfter(delay, ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await
}

#[tokio::test]
async fn shutdown_lets_a_started_multi_part_send_finish() {
    let d = slow_double(Duration::from_millis(150)).await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    // 4 GSM-7 parts (153 characters each with the UDH).
    let text = "x".repeat(153 * 3 + 10);
    let c = client.clone();
    let send = tokio::spawn(async move { c.send(&Sms::new("QIKBRY", "919900000001", text)).await });
    // Part 1 has reached the SMSC and waits for its answer: shut down now.
    let st = d.stats.clone();
    eventually("part 1", Duration::from_secs(3), || {
        st.submits.load(Ordering::SeqCst) >= 1
    })
    .await;
    let c = client.clone();
    let shutdown = tokio::spawn(async move { c.shutdown(Duration::from_secs(5)).await });
    tokio::time::sleep(Duration::from_millis(20)).await;
    // A new text during the drain is refused before anything is sent.
    let late = client
        .send(&Sms::new("QIKBRY", "919900000002", "late"))
        .await
        .unwrap_err();
    assert_eq!(late.error, SubmitError::ShuttingDown);
    assert_eq!((late.segment, late.accepted.len()), (1, 0));
    // The started one gets every part submitted and answered.
    let ids = send.await.unwrap().expect("the started send finishes");
    assert_eq!(ids.len(), 4);
    shutdown.await.unwrap();
    assert_eq!(d.stats.submits.load(Ordering::SeqCst), 4);
    assert_eq!(d.stats.accepted.lock().unwrap().len(), 4);
    assert_eq!(d.stats.unbinds.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_dropped_shutdown_future_still_drains_and_unbinds() {
    let d = slow_double(Duration::from_millis(300)).await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let c = client.clone();
    let in_flight = tokio::spawn(async move { c.submit_sm(sm("91")).await });
    let st = d.stats.clone();
    eventually("the submit", Duration::from_secs(3), || {
        st.submits.load(Ordering::SeqCst) >= 1
    })
    .await;
    // The caller gives up on the shutdown mid-drain: its future is dropped.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        client.shutdown(Duration::from_secs(5)),
    )
    .await;
    assert!(gave_up.is_err(), "the drain should still be running");
    assert_eq!(
        client.submit_sm(sm("91")).await.unwrap_err(),
        SubmitError::ShuttingDown
    );
    // The shutdown carries on: the in-flight submit is drained, then the bind is unbound.
    in_flight.await.unwrap().expect("drained");
    let st = d.stats.clone();
    eventually("unbind", Duration::from_secs(3), || {
        st.unbinds.load(Ordering::SeqCst) == 1
    })
    .await;
    eventually("no bound session", Duration::from_secs(3), || {
        client.bound_sessions() == 0
    })
    .await;
    // A later call waits for that same shutdown, which is over.
    tokio::time::timeout(
        Duration::from_secs(1),
        client.shutdown(Duration::from_secs(5)),
    )
    .await
    .expect("the shutdown had finished");
    assert_eq!(d.stats.connections.load(Ordering::SeqCst), 1, "reconnected");
}
