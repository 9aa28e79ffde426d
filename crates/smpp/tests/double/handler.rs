//! Handler mode (`Client::connect_with_handler`) against the SMSC double: a receipt is
//! acknowledged only after the handler's `Ok`; `Err`, a panic, a timeout or a full set of
//! handler slots answer the (configurable) temporary error; the reader keeps answering while
//! handlers run; a graceful shutdown sends the answers of handlers still running.

use super::receipts::receipt;
use super::shutdown::eventually;
use super::*;
use tokio::sync::Notify;

type Store = Arc<Mutex<Vec<String>>>;

/// The standard double, also recording how many receipts the handler had stored when each
/// deliver_sm_resp arrived.
fn watching(store: Store, seen_at_answer: Arc<Mutex<Vec<usize>>>) -> Arc<Handler> {
    let inner = standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]);
    Arc::new(move |st: &Stats, conn: usize, p: &Pdu| {
        if matches!(p.body, Body::DeliverSmResp(_)) {
            let stored = store.lock().unwrap().len();
            seen_at_answer.lock().unwrap().push(stored);
        }
        inner(st, conn, p)
    })
}

fn id_of(ev: &Inbound) -> String {
    match ev {
        Inbound::Receipt(r) => r.message_id.clone(),
        _ => "mo".into(),
    }
}

fn statuses(d: &Double) -> Vec<(u32, u32)> {
    let mut s = d.stats.deliver_resp_status.lock().unwrap().clone();
    s.sort();
    s
}

fn answered(d: &Double, n: usize) -> impl Fn() -> bool + use<> {
    let st = d.stats.clone();
    move || st.deliver_resp_status.lock().unwrap().len() >= n
}

#[tokio::test]
async fn ok_is_answered_only_after_the_handler_stored_the_receipt() {
    let store: Store = Arc::default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let d = double(
        watching(store.clone(), seen.clone()),
        Opts { dribble: false },
    )
    .await;
    let s = store.clone();
    let client = Client::connect_with_handler(config(&[&d.addr]), move |ev| {
        let s = s.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            s.lock().unwrap().push(id_of(&ev));
            Ok::<(), std::io::Error>(())
        }
    })
    .await
    .unwrap();
    assert!(
        client.events().is_none(),
        "handler mode has no event channel"
    );
    let inject = d.inject.lock().unwrap().clone().unwrap();
    let t0 = Instant::now();
    inject.send(receipt(601, "7")).unwrap();
    eventually("deliver_sm_resp", Duration::from_secs(3), answered(&d, 1)).await;
    assert!(t0.elapsed() >= Duration::from_millis(150), "answered early");
    assert_eq!(statuses(&d), vec![(601, 0)]);
    assert_eq!(*store.lock().unwrap(), vec!["7".to_string()]);
    // When the ESME_ROK arrived, the receipt was already stored.
    assert_eq!(*seen.lock().unwrap(), vec![1]);
}

#[tokio::test]
async fn err_panic_and_timeout_answer_the_temporary_error() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.handler.timeout = Duration::from_millis(300);
    let client = Client::connect_with_handler(c, |ev| async move {
        match id_of(&ev).as_str() {
            "err" => Err("database down".into()),
            "panic" => panic!("handler bug"),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(())
            }
            _ => Ok::<(), HandlerError>(()),
        }
    })
    .await
    .unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    let t0 = Instant::now();
    for (seq, id) in [(701, "err"), (702, "panic"), (703, "slow"), (704, "fine")] {
        inject.send(receipt(seq, id)).unwrap();
    }
    eventually(
        "4 deliver_sm_resps",
        Duration::from_secs(3),
        answered(&d, 4),
    )
    .await;
    assert!(
        t0.elapsed() >= Duration::from_millis(300),
        "timeout not awaited"
    );
    assert_eq!(
        statuses(&d),
        vec![(701, 0x64), (702, 0x64), (703, 0x64), (704, 0)]
    );
    // The client still works after a handler panicked.
    client.submit_sm(sm("91")).await.unwrap();
}

#[tokio::test]
async fn busy_handlers_answer_at_once_and_the_reader_keeps_flowing() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.handler.max_concurrent = 1;
    c.handler.error_status = CommandStatus(0x0400);
    let gate = Arc::new(Notify::new());
    let started = Arc::new(AtomicUsize::new(0));
    let (g, n) = (gate.clone(), started.clone());
    let client = Client::connect_with_handler(c, move |_ev| {
        let (g, n) = (g.clone(), n.clone());
        async move {
            n.fetch_add(1, Ordering::SeqCst);
            g.notified().await;
            Ok::<(), std::io::Error>(())
        }
    })
    .await
    .unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    inject.send(receipt(801, "a")).unwrap();
    let n = started.clone();
    eventually("handler started", Duration::from_secs(3), move || {
        n.load(Ordering::SeqCst) == 1
    })
    .await;
    // The only slot is taken: the next receipt is refused at once with the configured status.
    inject.send(receipt(802, "b")).unwrap();
    eventually("refusal", Duration::from_secs(3), answered(&d, 1)).await;
    assert_eq!(statuses(&d), vec![(802, 0x0400)]);
    // While the handler is blocked, the SMSC's enquire_link is answered and a submit resolves.
    let enquire = Pdu::request(803, Body::EnquireLink).to_bytes().unwrap();
    inject.send(enquire).unwrap();
    let st = d.stats.clone();
    eventually("enquire_link_resp", Duration::from_secs(3), move || {
        st.enquire_resp_from_client.load(Ordering::SeqCst) == 1
    })
    .await;
    tokio::time::timeout(Duration::from_secs(3), client.submit_sm(sm("91")))
        .await
        .expect("submit blocked behind the handler")
        .unwrap();
    assert_eq!(
        started.load(Ordering::SeqCst),
        1,
        "refused receipt reached the handler"
    );
    assert_eq!(d.stats.deliver_resps.load(Ordering::SeqCst), 1);
    gate.notify_one();
    eventually(
        "answer after the handler",
        Duration::from_secs(3),
        answered(&d, 2),
    )
    .await;
    assert_eq!(statuses(&d), vec![(801, 0), (802, 0x0400)]);
}

#[tokio::test]
async fn shutdown_sends_the_answer_of_a_running_handler_before_unbinding() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let started = Arc::new(AtomicUsize::new(0));
    let n = started.clone();
    let client = Client::connect_with_handler(config(&[&d.addr]), move |_ev| {
        let n = n.clone();
        async move {
            n.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok::<(), std::io::Error>(())
        }
    })
    .await
    .unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    inject.send(receipt(901, "x")).unwrap();
    eventually("handler started", Duration::from_secs(3), move || {
        started.load(Ordering::SeqCst) == 1
    })
    .await;
    client.shutdown(Duration::from_secs(3)).await;
    assert_eq!(statuses(&d), vec![(901, 0)]);
    assert_eq!(d.stats.unbinds.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn data_sm_from_the_smsc_gets_data_sm_resp_with_the_handler_verdict() {
    let answers: Arc<Mutex<Vec<(u32, u32)>>> = Arc::default();
    let inner = standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]);
    let a = answers.clone();
    let smsc: Arc<Handler> = Arc::new(move |st: &Stats, conn: usize, p: &Pdu| {
        if matches!(p.body, Body::DataSmResp(_)) {
            a.lock()
                .unwrap()
                .push((p.sequence_number, p.command_status.0));
        }
        inner(st, conn, p)
    });
    let d = double(smsc, Opts { dribble: false }).await;
    let _client = Client::connect_with_handler(config(&[&d.addr]), |ev| async move {
        match ev {
            Inbound::Message(m) if m.text == "fail" => Err("no".into()),
            _ => Ok::<(), HandlerError>(()),
        }
    })
    .await
    .unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    for (seq, text) in [(951, "fail"), (952, "fine")] {
        let mut tlvs = Tlvs::new();
        tlvs.push(Tlv::octets(tag::MESSAGE_PAYLOAD, text.as_bytes().to_vec()));
        let ds = pdu::DataSm {
            source_addr: "919811111111".into(),
            destination_addr: "QIK".into(),
            tlvs,
            ..pdu::DataSm::default()
        };
        inject
            .send(Pdu::request(seq, Body::DataSm(ds)).to_bytes().unwrap())
            .unwrap();
    }
    let a = answers.clone();
    eventually("2 data_sm_resps", Duration::from_secs(3), move || {
        a.lock().unwrap().len() == 2
    })
    .await;
    let mut got = answers.lock().unwrap().clone();
    got.sort();
    assert_eq!(got, vec![(951, 0x64), (952, 0)]);
    assert!(d.stats.deliver_resp_status.lock().unwrap().is_empty());
}
