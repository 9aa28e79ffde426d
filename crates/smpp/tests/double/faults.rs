//! Exactly-once under faults. Every test checks the same two things: each caller got exactly one
//! outcome, and the SMSC double received each message at most once and never one the client
//! reported "not written".

use super::*;
use std::collections::HashMap;
use tokio::task::JoinHandle;

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

fn small(key: &str) -> SubmitSm {
    SubmitSm {
        short_message: key.as_bytes().to_vec(),
        ..sm("91")
    }
}

type Outcome = Result<String, SubmitError>;

/// Start `n` concurrent submissions keyed `m0`, `m1`, ….
fn spawn_submits(
    client: &Client,
    n: usize,
    make: impl Fn(&str) -> SubmitSm,
) -> Vec<(String, JoinHandle<Outcome>)> {
    (0..n)
        .map(|i| {
            let key = format!("m{i}");
            let (c, sm) = (client.clone(), make(&key));
            (key, tokio::spawn(async move { c.submit_sm(sm).await }))
        })
        .collect()
}

/// Every caller's single outcome (a caller that never resolves fails the test).
async fn outcomes(handles: Vec<(String, JoinHandle<Outcome>)>) -> Vec<(String, Outcome)> {
    let mut out = Vec::new();
    for (key, h) in handles {
        let r = tokio::time::timeout(Duration::from_secs(20), h)
            .await
            .unwrap_or_else(|_| panic!("{key}: no outcome"))
            .expect("submit task panicked");
        out.push((key, r));
    }
    out
}

/// Wait until the double has received nothing new for a while (its buffered input is read).
async fn settle(st: &Stats) {
    let mut last = usize::MAX;
    loop {
        let n = st.received.lock().unwrap().len();
        if n == last {
            return;
        }
        last = n;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    written: usize,
    not_written: usize,
}

/// The exactly-once properties. `strict`: no message was refused and resubmitted, so each must
/// have been *received* at most once (otherwise at most once *accepted*).
fn assert_exactly_once(outcomes: &[(String, Outcome)], st: &Stats, strict: bool) -> Tally {
    let count = |v: &Mutex<Vec<String>>| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for k in v.lock().unwrap().iter() {
            *m.entry(k.clone()).or_default() += 1;
        }
        m
    };
    let received = count(&st.received);
    let accepted = count(&st.accepted_keys);
    for (k, n) in &accepted {
        assert_eq!(*n, 1, "{k} accepted {n} times");
    }
    if strict {
        for (k, n) in &received {
            assert_eq!(*n, 1, "{k} received {n} times");
        }
    }
    let mut t = Tally::default();
    for (k, r) in outcomes {
        match r {
            Ok(_) => {
                t.ok += 1;
                assert_eq!(accepted.get(k), Some(&1), "{k} reported accepted");
            }
            Err(e) if e.written() => t.written += 1,
            Err(e) => {
                t.not_written += 1;
                assert_eq!(
                    received.get(k),
                    None,
                    "{k} reported not written ({e}) but the SMSC received it"
                );
            }
        }
    }
    t
}

#[tokio::test]
async fn shutdown_with_a_full_queue() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.window = 400;
    c.request_timeout = Duration::from_secs(5);
    let client = Client::connect(c).await.unwrap();
    d.pause_first.store(true, Ordering::SeqCst);
    let handles = spawn_submits(&client, 300, |k| big(k, 60_000));
    tokio::time::sleep(Duration::from_millis(200)).await;
    client.shutdown(Duration::from_millis(300)).await;
    let out = outcomes(handles).await;
    d.pause_first.store(false, Ordering::SeqCst);
    settle(&d.stats).await;
    let t = assert_exactly_once(&out, &d.stats, true);
    assert!(
        t.not_written > 0,
        "the queue was not full at shutdown: {t:?}"
    );
    assert!(t.written > 0, "{t:?}");
    assert_eq!(t.ok, 0, "{t:?}");
}

#[tokio::test]
async fn smsc_unbind_mid_window() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.window = 400;
    c.request_timeout = Duration::from_secs(5);
    let client = Client::connect(c).await.unwrap();
    d.pause_first.store(true, Ordering::SeqCst);
    let handles = spawn_submits(&client, 200, |k| big(k, 60_000));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let unbind = Pdu::request(77, Body::Unbind).to_bytes().unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    inject.send(unbind).unwrap();
    // The withdrawn ones go out on a new bind, which the double answers.
    let out = outcomes(handles).await;
    d.pause_first.store(false, Ordering::SeqCst);
    settle(&d.stats).await;
    let t = assert_exactly_once(&out, &d.stats, true);
    assert!(t.ok > 0, "nothing was resent on the new bind: {t:?}");
    assert!(t.written > 0, "{t:?}");
    assert!(d.stats.connections.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn smsc_stops_reading_while_requests_time_out() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.window = 400;
    c.request_timeout = Duration::from_millis(300);
    c.enquire_link_interval = Duration::from_millis(200);
    let client = Client::connect(c).await.unwrap();
    d.pause_first.store(true, Ordering::SeqCst);
    let handles = spawn_submits(&client, 200, |k| big(k, 60_000));
    let out = outcomes(handles).await;
    for (k, r) in &out {
        assert!(matches!(r, Err(SubmitError::Timeout { .. })), "{k}: {r:?}");
    }
    // The keepalive times out too: the client rebinds and carries on.
    assert!(
        client
            .submit_sm(small("after"))
            .await
            .is_ok_and(|id| !id.is_empty())
    );
    d.pause_first.store(false, Ordering::SeqCst);
    settle(&d.stats).await;
    let t = assert_exactly_once(&out, &d.stats, true);
    assert!(t.not_written > 0, "{t:?}");
    assert!(t.written > 0, "{t:?}");
}

#[tokio::test]
async fn dropped_connection_mid_window_with_resubmission() {
    // Every message is throttled once (so the client resubmits it); accepted attempts are
    // answered after 20 ms. Mid-window the first connection stops reading and then closes its
    // side, with the client's queue full of big PDUs; later it reads what had reached it.
    let d = double(
        standard(|st, _, p| {
            let key = key_of(p);
            let attempts = st
                .received
                .lock()
                .unwrap()
                .iter()
                .filter(|k| **k == key)
                .count();
            if attempts == 1 {
                let body = Body::SubmitSmResp(MessageIdResp::default());
                vec![Act::Reply(resp(p, 0x58, body))]
            } else {
                vec![Act::ReplyAfter(Duration::from_millis(20), ok_submit(st, p))]
            }
        }),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.window = 400;
    c.request_timeout = Duration::from_secs(5);
    let client = Client::connect(c).await.unwrap();
    let handles = spawn_submits(&client, 300, |k| big(k, 30_000));
    tokio::time::sleep(Duration::from_millis(50)).await;
    d.pause_first.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // An empty write tells the double's writer to shut its side: the client sees EOF.
    let inject = d.inject.lock().unwrap().clone().unwrap();
    inject.send(Vec::new()).unwrap();
    let out = outcomes(handles).await;
    d.pause_first.store(false, Ordering::SeqCst);
    settle(&d.stats).await;
    let t = assert_exactly_once(&out, &d.stats, false);
    assert!(t.ok > 0, "{t:?}");
    assert!(
        t.written > 0,
        "no submit was in flight when the connection dropped: {t:?}"
    );
    assert_eq!(t.ok + t.written + t.not_written, 300);
    assert!(d.stats.connections.load(Ordering::SeqCst) >= 2);
}

const RECEIPT_SEQ: u32 = 1_000_000;

fn receipt(i: u32) -> Pdu {
    let text = format!(
        "id:{i} sub:001 dlvrd:001 submit date:2611251010 done date:2611251011 stat:DELIVRD err:000 text:"
    );
    let sm = SubmitSm {
        esm_class: 0x04,
        short_message: text.into_bytes(),
        ..SubmitSm::default()
    };
    Pdu::request(RECEIPT_SEQ + i, Body::DeliverSm(sm))
}

#[tokio::test]
async fn ten_thousand_receipts_to_a_slow_consumer() {
    const N: u32 = 10_000;
    // A deliver_sm answered with an error is redelivered 300 ms later, as an SMSC would.
    let h = standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]);
    let h2: Arc<Handler> = Arc::new(move |st, c, p| {
        let acts = h(st, c, p);
        match p.body {
            Body::DeliverSmResp(_) if !p.command_status.is_ok() => vec![Act::SendAfter(
                Duration::from_millis(300),
                receipt(p.sequence_number - RECEIPT_SEQ),
            )],
            _ => acts,
        }
    });
    let d = double(h2, Opts { dribble: false }).await;
    let mut c = config(&[&d.addr]);
    c.event_capacity = 256;
    c.request_timeout = Duration::from_secs(1);
    c.enquire_link_interval = Duration::from_millis(200);
    let client = Client::connect(c).await.unwrap();
    let mut events = client.events().unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    // The SMSC pushes receipts at about 2 per ms and an enquire_link every 100 ms.
    let feeder = tokio::spawn(async move {
        let mut pings = 0u32;
        for i in 0..N {
            inject.send(receipt(i).to_bytes().unwrap()).unwrap();
            if i % 200 == 0 {
                let el = Pdu::request(900_000_000 + pings, Body::EnquireLink);
                inject.send(el.to_bytes().unwrap()).unwrap();
                pings += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        pings
    });
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (c2, done2) = (client.clone(), done.clone());
    let submitter = tokio::spawn(async move {
        let mut n = 0;
        while !done2.load(Ordering::SeqCst) {
            c2.submit_sm(small(&format!("s{n}"))).await.unwrap();
            n += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        n
    });
    let mut seen = std::collections::HashSet::new();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    while seen.len() < N as usize {
        tick.tick().await;
        let ev = tokio::time::timeout(Duration::from_secs(5), events.recv()).await;
        let Ok(Some(Inbound::Receipt(r))) = ev else {
            panic!("receipt stream stalled after {}: {ev:?}", seen.len());
        };
        assert!(seen.insert(r.message_id.clone()), "{} twice", r.message_id);
    }
    done.store(true, Ordering::SeqCst);
    let submitted = submitter.await.unwrap();
    let pings = feeder.await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(events.try_recv().is_err(), "a receipt arrived twice");
    let statuses = d.stats.deliver_resp_status.lock().unwrap().clone();
    let refused = statuses.iter().filter(|(_, s)| *s != 0).count();
    assert!(refused > 0, "the buffer never overflowed");
    assert!(statuses.iter().all(|(_, s)| *s == 0 || *s == 0x64));
    assert_eq!(
        statuses.len() - refused,
        N as usize,
        "acknowledged receipts"
    );
    assert!(submitted > 100, "{submitted} submits");
    assert_eq!(
        d.stats.connections.load(Ordering::SeqCst),
        1,
        "a bind was lost"
    );
    let answered = d.stats.enquire_resp_from_client.load(Ordering::SeqCst);
    assert_eq!(answered, pings as usize);
}
