//! Session-level: what a caller that gives up leaves behind in the write queue.

use crate::events::EventSink;
use crate::pdu::{Body, SubmitSm};
use crate::quickack::QuickAck;
use crate::session::{Failure, Session, SessionSettings};
use crate::tlv::{Tlv, Tlvs, tag};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// A submit whose message_payload is `key|` padded to `bytes` bytes (big PDUs fill socket
/// buffers quickly, so the client's write queue backs up).
fn big(key: &str, bytes: usize) -> SubmitSm {
    let mut payload = format!("{key}|").into_bytes();
    payload.resize(bytes, b'x');
    let mut tlvs = Tlvs::new();
    tlvs.push(Tlv::octets(tag::MESSAGE_PAYLOAD, payload));
    SubmitSm {
        source_addr: "QIK".into(),
        destination_addr: "91".into(),
        tlvs,
        ..SubmitSm::default()
    }
}

/// Session-level: a peer that reads nothing (a 1 KiB pipe) keeps the first PDU stuck in the
/// writer; what is still queued when the caller gives up is withdrawn and never written.
#[tokio::test]
async fn timed_out_and_dropped_requests_are_withdrawn_from_the_queue() {
    let (ours, mut theirs) = tokio::io::duplex(1024);
    let (rd, wr) = tokio::io::split(ours);
    let settings = SessionSettings {
        window: 10,
        request_timeout: Duration::from_millis(200),
        enquire_link_interval: Duration::ZERO,
        max_command_length: 100_000,
        label: "pipe".into(),
        coalesce: false,
        close_timeout: Duration::from_secs(1),
    };
    let (events, _ev_rx) = EventSink::queue(4);
    let s = Session::start(
        (Box::new(rd), Box::new(wr), QuickAck::none()),
        settings,
        Arc::new(events),
    );
    let body = |k: &str| Body::SubmitSm(big(k, 4_000));
    let (first, second, third) = (body("first"), body("second"), body("third"));
    let t0 = std::time::Instant::now();
    let (a, b) = tokio::join!(s.request(&first, false), async {
        tokio::task::yield_now().await;
        s.request(&second, false).await
    });
    assert_eq!(a.unwrap_err(), Failure::Timeout { written: true });
    assert_eq!(b.unwrap_err(), Failure::Timeout { written: false });
    // The timeout sweep never times a request out early.
    assert!(
        t0.elapsed() >= Duration::from_millis(200),
        "{:?}",
        t0.elapsed()
    );
    // A caller that stops waiting (future dropped) withdraws its request as well.
    let third = tokio::time::timeout(Duration::from_millis(50), s.request(&third, false));
    assert!(third.await.is_err());
    assert_eq!(s.in_flight(), 0);
    assert_eq!(s.available(), 10);
    // Now read everything the client ever writes.
    s.shutdown("test over");
    let mut all = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), theirs.read_to_end(&mut all)).await;
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("first|"));
    assert!(!text.contains("second|"), "a withdrawn PDU was written");
    assert!(
        !text.contains("third|"),
        "a dropped request's PDU was written"
    );
}
