//! Fault-injection tests against an in-crate SMSC double built on this module's own codec.

use super::pdu::{self, BindResp, Body, MessageIdResp, Pdu, SubmitSm};
use super::tlv::{Tlv, Tlvs, tag};
use super::*;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the double does with one incoming PDU.
enum Act {
    Reply(Pdu),
    ReplyAfter(Duration, Pdu),
    Raw(Vec<u8>),
    /// Send a request of the double's own after a delay (e.g. a redelivery).
    SendAfter(Duration, Pdu),
    Close,
    Nothing,
}

#[derive(Default)]
struct Stats {
    connections: AtomicUsize,
    submits: AtomicUsize,
    outstanding: AtomicUsize,
    max_outstanding: AtomicUsize,
    enquire_from_client: AtomicUsize,
    enquire_resp_from_client: AtomicUsize,
    deliver_resps: AtomicUsize,
    unbinds: AtomicUsize,
    generic_nacks: AtomicUsize,
    accepted: Mutex<Vec<String>>,
    arrivals: Mutex<Vec<Instant>>,
    /// Key ([`key_of`]) of every submit received, in order, over all connections.
    received: Mutex<Vec<String>>,
    /// Key of every submit answered with a message id.
    accepted_keys: Mutex<Vec<String>>,
    /// Destination and UDH of every concatenated part (filled by tests that want them).
    parts: Mutex<Vec<(String, Vec<u8>)>>,
    /// Status of every deliver_sm_resp from the client.
    deliver_resp_status: Mutex<Vec<(u32, u32)>>,
}

/// The message a submit carries: its short_message, or its message_payload up to the first `|`.
fn key_of(p: &Pdu) -> String {
    let bytes = match &p.body {
        Body::SubmitSm(sm) if sm.short_message.is_empty() => {
            sm.tlvs.message_payload().unwrap_or_default()
        }
        Body::SubmitSm(sm) => &sm.short_message[..],
        Body::DataSm(ds) => ds.tlvs.message_payload().unwrap_or_default(),
        _ => &[],
    };
    let text = String::from_utf8_lossy(bytes);
    text.split('|').next().unwrap_or_default().to_string()
}

type Handler = dyn Fn(&Stats, usize, &Pdu) -> Vec<Act> + Send + Sync;

struct Double {
    addr: String,
    stats: Arc<Stats>,
    /// Send raw bytes to the most recent connection.
    inject: Arc<Mutex<Option<mpsc::UnboundedSender<Vec<u8>>>>>,
    /// While set, the double does not read from its first connection (its socket buffers fill).
    pause_first: Arc<std::sync::atomic::AtomicBool>,
}

struct Opts {
    dribble: bool,
}

fn resp(p: &Pdu, status: u32, body: Body) -> Pdu {
    Pdu::response(p.sequence_number, CommandStatus(status), body)
}

/// Standard answers: bind OK, enquire_link, unbind; submit handled by `on_submit`.
fn standard(
    on_submit: impl Fn(&Stats, usize, &Pdu) -> Vec<Act> + Send + Sync + 'static,
) -> Arc<Handler> {
    Arc::new(move |st: &Stats, conn: usize, p: &Pdu| match &p.body {
        Body::BindTransceiver(_) | Body::BindTransmitter(_) | Body::BindReceiver(_) => {
            let mut tlvs = Tlvs::new();
            tlvs.push(Tlv::u8(tag::SC_INTERFACE_VERSION, 0x34));
            let b = BindResp {
                system_id: "double".into(),
                tlvs,
            };
            let body = match p.body {
                Body::BindTransceiver(_) => Body::BindTransceiverResp(b),
                Body::BindTransmitter(_) => Body::BindTransmitterResp(b),
                _ => Body::BindReceiverResp(b),
            };
            vec![Act::Reply(resp(p, 0, body))]
        }
        Body::EnquireLink => {
            st.enquire_from_client.fetch_add(1, Ordering::SeqCst);
            vec![Act::Reply(resp(p, 0, Body::EnquireLinkResp))]
        }
        Body::Unbind => {
            st.unbinds.fetch_add(1, Ordering::SeqCst);
            vec![Act::Reply(resp(p, 0, Body::UnbindResp)), Act::Close]
        }
        Body::SubmitSm(_) | Body::DataSm(_) => {
            st.submits.fetch_add(1, Ordering::SeqCst);
            st.arrivals.lock().unwrap().push(Instant::now());
            st.received.lock().unwrap().push(key_of(p));
            on_submit(st, conn, p)
        }
        Body::EnquireLinkResp => {
            st.enquire_resp_from_client.fetch_add(1, Ordering::SeqCst);
            vec![]
        }
        Body::DeliverSmResp(_) => {
            st.deliver_resps.fetch_add(1, Ordering::SeqCst);
            let s = (p.sequence_number, p.command_status.0);
            st.deliver_resp_status.lock().unwrap().push(s);
            vec![]
        }
        Body::GenericNack => {
            st.generic_nacks.fetch_add(1, Ordering::SeqCst);
            vec![]
        }
        _ => vec![Act::Nothing],
    })
}

fn ok_submit(st: &Stats, p: &Pdu) -> Pdu {
    let n = st.accepted.lock().unwrap().len() + 1;
    let id = format!("{:x}", 0x1000 + n);
    st.accepted.lock().unwrap().push(id.clone());
    st.accepted_keys.lock().unwrap().push(key_of(p));
    resp(
        p,
        0,
        Body::SubmitSmResp(MessageIdResp {
            message_id: id,
            tlvs: Tlvs::new(),
        }),
    )
}

async fn double(handler: Arc<Handler>, opts: Opts) -> Double {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stats = Arc::new(Stats::default());
    let inject: Arc<Mutex<Option<mpsc::UnboundedSender<Vec<u8>>>>> = Arc::new(Mutex::new(None));
    let pause_first = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (st, inj, pause) = (stats.clone(), inject.clone(), pause_first.clone());
    let dribble = opts.dribble;
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let conn = st.connections.fetch_add(1, Ordering::SeqCst);
            let (tx, rx) = mpsc::unbounded_channel::<Vec<u8>>();
            *inj.lock().unwrap() = Some(tx.clone());
            let pause = (conn == 0).then(|| pause.clone());
            tokio::spawn(serve(
                sock,
                conn,
                st.clone(),
                handler.clone(),
                (tx, rx),
                dribble,
                pause,
            ));
        }
    });
    Double {
        addr,
        stats,
        inject,
        pause_first,
    }
}

async fn serve(
    sock: TcpStream,
    conn: usize,
    st: Arc<Stats>,
    handler: Arc<Handler>,
    (tx, mut rx): (
        mpsc::UnboundedSender<Vec<u8>>,
        mpsc::UnboundedReceiver<Vec<u8>>,
    ),
    dribble: bool,
    pause: Option<Arc<std::sync::atomic::AtomicBool>>,
) {
    let (mut rd, mut wr) = sock.into_split();
    let writer = tokio::spawn(async move {
        while let Some(mut bytes) = rx.recv().await {
            if bytes.is_empty() {
                let _ = wr.shutdown().await;
                return;
            }
            // Merge whatever else is queued into the same write.
            while let Ok(more) = rx.try_recv() {
                if more.is_empty() {
                    let _ = wr.write_all(&bytes).await;
                    let _ = wr.shutdown().await;
                    return;
                }
                bytes.extend(more);
            }
            if dribble {
                for b in bytes {
                    if wr.write_all(&[b]).await.is_err() {
                        return;
                    }
                    let _ = wr.flush().await;
                    tokio::task::yield_now().await;
                }
            } else if wr.write_all(&bytes).await.is_err() {
                return;
            }
        }
    });
    let mut buf = Vec::new();
    'conn: loop {
        while pause.as_ref().is_some_and(|p| p.load(Ordering::SeqCst)) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut chunk = [0u8; 4096];
        let n = match rd.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        while let Ok(Some(len)) = pdu::frame_length(&buf, 100_000) {
            let frame: Vec<u8> = buf.drain(..len).collect();
            let p = Pdu::decode(&frame).expect("client sent a valid PDU");
            if matches!(p.body, Body::SubmitSm(_)) {
                let o = st.outstanding.fetch_add(1, Ordering::SeqCst) + 1;
                st.max_outstanding.fetch_max(o, Ordering::SeqCst);
            }
            for act in handler(&st, conn, &p) {
                match act {
                    Act::Reply(r) => {
                        if matches!(r.body, Body::SubmitSmResp(_) | Body::GenericNack) {
                            st.outstanding.fetch_sub(1, Ordering::SeqCst);
                        }
                        let _ = tx.send(r.to_bytes().unwrap());
                    }
                    Act::ReplyAfter(d, r) => {
                        let (tx, st) = (tx.clone(), st.clone());
                        tokio::spawn(async move {
                            tokio::time::sleep(d).await;
                            st.outstanding.fetch_sub(1, Ordering::SeqCst);
                            let _ = tx.send(r.to_bytes().unwrap());
                        });
                    }
                    Act::Raw(b) => {
                        let _ = tx.send(b);
                    }
                    Act::SendAfter(d, r) => {
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(d).await;
                            let _ = tx.send(r.to_bytes().unwrap());
                        });
                    }
                    Act::Close => {
                        let _ = tx.send(Vec::new());
                        break 'conn;
                    }
                    Act::Nothing => {}
                }
            }
        }
    }
    let _ = tx.send(Vec::new());
    let _ = writer.await;
}

fn config(addrs: &[&str]) -> Config {
    let mut c = Config::new(
        "esme",
        "pw",
        addrs.iter().map(|a| Server::plain(*a)).collect(),
    );
    c.request_timeout = Duration::from_secs(3);
    c.reconnect_backoff = Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(200),
    };
    c.throttle_backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(100),
    };
    c
}

fn sm(to: &str) -> SubmitSm {
    SubmitSm {
        source_addr: "QIK".into(),
        destination_addr: to.into(),
        short_message: b"hi".to_vec(),
        ..SubmitSm::default()
    }
}

mod closing;
mod faults;
mod handler;
mod pacing;
mod receipts;
mod shutdown;

#[tokio::test]
async fn window_is_respected_and_every_submit_resolves_once() {
    let d = double(
        standard(|st, _, p| vec![Act::ReplyAfter(Duration::from_millis(5), ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.window = 4;
    let client = Client::connect(c).await.unwrap();
    let futs = (0..60).map(|i| {
        let client = client.clone();
        async move { client.submit_sm(sm(&format!("9190000{i:05}"))).await }
    });
    let ids: Vec<_> = futures_util::future::join_all(futs).await;
    let mut ids: Vec<String> = ids.into_iter().map(Result::unwrap).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60);
    assert_eq!(d.stats.submits.load(Ordering::SeqCst), 60);
    let max = d.stats.max_outstanding.load(Ordering::SeqCst);
    assert!((2..=4).contains(&max), "max outstanding {max}");
    client.shutdown(Duration::from_secs(2)).await;
    assert_eq!(d.stats.unbinds.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn throttled_is_resubmitted_without_duplicates() {
    let d = double(
        standard(|st, _, p| {
            // Throttle every other attempt, and the first three outright.
            let n = st.submits.load(Ordering::SeqCst);
            if n <= 3 || n % 2 == 0 {
                vec![Act::Reply(resp(
                    p,
                    0x58,
                    Body::SubmitSmResp(MessageIdResp::default()),
                ))]
            } else {
                vec![Act::Reply(ok_submit(st, p))]
            }
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    for i in 0..5 {
        client.submit_sm(sm(&format!("91{i}"))).await.unwrap();
    }
    assert_eq!(d.stats.accepted.lock().unwrap().len(), 5);
    assert!(d.stats.submits.load(Ordering::SeqCst) > 5);
}

#[tokio::test]
async fn throttle_gives_up_with_the_status_name() {
    let d = double(
        standard(|_, _, p| {
            vec![Act::Reply(resp(
                p,
                0x14,
                Body::SubmitSmResp(MessageIdResp::default()),
            ))]
        }),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.throttle_retries = 2;
    let client = Client::connect(c).await.unwrap();
    let e = client.submit_sm(sm("91")).await.unwrap_err();
    assert_eq!(e.command_status().unwrap().name(), "ESME_RMSGQFUL");
    assert!(e.written());
    assert_eq!(d.stats.submits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn rejection_carries_name_and_description() {
    let d = double(
        standard(|_, _, p| {
            vec![Act::Reply(resp(
                p,
                0x40B,
                Body::SubmitSmResp(MessageIdResp::default()),
            ))]
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    match client.submit_sm(sm("91")).await.unwrap_err() {
        SubmitError::Rejected {
            name, description, ..
        } => {
            assert_eq!(name, "ESME_RINVBALANCE");
            assert!(description.contains("credits"));
        }
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn generic_nack_resolves_the_caller() {
    let d = double(
        standard(|_, _, p| vec![Act::Reply(resp(p, 0x03, Body::GenericNack))]),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let e = client.submit_sm(sm("91")).await.unwrap_err();
    assert_eq!(e.command_status(), Some(CommandStatus::INVALID_COMMAND_ID));
}

#[tokio::test]
async fn drop_mid_window_fails_written_callers_then_reconnects() {
    // First connection: answer two submits, then drop with the rest in flight.
    let d = double(
        standard(|st, conn, p| {
            if conn == 0 {
                let n = st.submits.load(Ordering::SeqCst);
                if n <= 2 {
                    vec![Act::Reply(ok_submit(st, p))]
                } else if n == 6 {
                    vec![Act::Close]
                } else {
                    vec![]
                }
            } else {
                vec![Act::Reply(ok_submit(st, p))]
            }
        }),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.window = 10;
    let client = Client::connect(c).await.unwrap();
    let futs = (0..6).map(|i| {
        let client = client.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(i * 20)).await;
            client.submit_sm(sm("91")).await
        }
    });
    let results = futures_util::future::join_all(futs).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 2, "{results:?}");
    for r in results.iter().filter(|r| r.is_err()) {
        match r {
            Err(SubmitError::ConnectionLost { written: true, .. }) => {}
            other => panic!("expected ConnectionLost written, got {other:?}"),
        }
    }
    // The client rebinds and carries on.
    assert!(client.wait_bound(1, Duration::from_secs(3)).await);
    client.submit_sm(sm("91")).await.unwrap();
    assert!(d.stats.connections.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn timeout_reports_written() {
    let d = double(standard(|_, _, _| vec![]), Opts { dribble: false }).await;
    let mut c = config(&[&d.addr]);
    c.request_timeout = Duration::from_millis(300);
    let client = Client::connect(c).await.unwrap();
    assert_eq!(
        client.submit_sm(sm("91")).await.unwrap_err(),
        SubmitError::Timeout { written: true }
    );
}

#[tokio::test]
async fn split_and_merged_pdus_and_server_enquire_link() {
    let d = double(
        standard(|st, _, p| {
            // Respond, then an enquire_link of our own, merged into one write and dribbled.
            vec![
                Act::Reply(ok_submit(st, p)),
                Act::Reply(Pdu::request(900_000 + p.sequence_number, Body::EnquireLink)),
            ]
        }),
        Opts { dribble: true },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let futs = (0..10).map(|_| client.submit_sm(sm("91")));
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(d.stats.enquire_resp_from_client.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn client_sends_enquire_link_when_idle() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.enquire_link_interval = Duration::from_millis(100);
    let _client = Client::connect(c).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(d.stats.enquire_from_client.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn receipts_are_acknowledged_first_and_matched_across_bases() {
    let d = double(
        standard(|st, _, p| {
            let r = ok_submit(st, p);
            let Body::SubmitSmResp(m) = &r.body else { unreachable!() };
            // The receipt writes the id in decimal, the response in hex.
            let dec = u64::from_str_radix(&m.message_id, 16).unwrap();
            let text = format!(
                "id:{dec} sub:001 dlvrd:001 submit date:2611251010 done date:2611251011 stat:DELIVRD err:000 text:hi"
            );
            let dlr = Pdu::request(
                7_000 + p.sequence_number,
                Body::DeliverSm(SubmitSm { esm_class: 0x04, short_message: text.into_bytes(), ..SubmitSm::default() }),
            );
            vec![Act::Reply(r), Act::Reply(dlr)]
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    // Taken (receipts are accepted from now on) but not read yet.
    let mut ev = client.events().unwrap();
    let id = client.submit_sm(sm("91")).await.unwrap();
    // deliver_sm_resp is sent before anyone reads the event.
    let t0 = Instant::now();
    while d.stats.deliver_resps.load(Ordering::SeqCst) == 0 {
        assert!(t0.elapsed() < Duration::from_secs(3), "no deliver_sm_resp");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let Some(Inbound::Receipt(r)) = ev.recv().await else {
        panic!()
    };
    assert!(
        same_message_id(&id, &r.message_id),
        "{id} vs {}",
        r.message_id
    );
    assert_ne!(id, r.message_id);
    assert_eq!(r.state, Some(MessageState::Delivered));
    assert_eq!(r.error().unwrap().code, 0);
}

#[tokio::test]
async fn bind_refusal_names_the_status() {
    let h: Arc<Handler> = Arc::new(|_, _, p: &Pdu| {
        vec![Act::Reply(resp(
            p,
            0x0E,
            Body::BindTransceiverResp(BindResp::default()),
        ))]
    });
    let d = double(h, Opts { dribble: false }).await;
    let e = Client::connect(config(&[&d.addr])).await.unwrap_err();
    match e {
        ConnectError::Bind { status, .. } => assert_eq!(status.name(), "ESME_RINVPASWD"),
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn eof_after_unbind_is_a_clean_close() {
    // Like smpp34: closes the socket on unbind without unbind_resp.
    let h = standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]);
    let h2: Arc<Handler> = Arc::new(move |st, c, p| match p.body {
        Body::Unbind => {
            st.unbinds.fetch_add(1, Ordering::SeqCst);
            vec![Act::Close]
        }
        _ => h(st, c, p),
    });
    let d = double(h2, Opts { dribble: false }).await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    client.submit_sm(sm("91")).await.unwrap();
    let t0 = Instant::now();
    client.shutdown(Duration::from_secs(2)).await;
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!(d.stats.unbinds.load(Ordering::SeqCst), 1);
    assert_eq!(
        client.submit_sm(sm("91")).await.unwrap_err(),
        SubmitError::ShuttingDown
    );
}

#[tokio::test]
async fn shutdown_drains_in_flight() {
    let d = double(
        standard(|st, _, p| {
            vec![Act::ReplyAfter(
                Duration::from_millis(200),
                ok_submit(st, p),
            )]
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let futs: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.submit_sm(sm("91")).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    client.shutdown(Duration::from_secs(3)).await;
    for f in futs {
        f.await.unwrap().unwrap();
    }
    assert_eq!(d.stats.unbinds.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn hostile_command_length_closes_and_reconnects() {
    let d = double(
        standard(|st, conn, p| {
            if conn == 0 {
                vec![Act::Raw(vec![0xFF, 0xFF, 0xFF, 0xF0, 0, 0, 0, 4])]
            } else {
                vec![Act::Reply(ok_submit(st, p))]
            }
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let e = client.submit_sm(sm("91")).await.unwrap_err();
    assert!(
        matches!(e, SubmitError::ConnectionLost { written: true, ref reason } if reason.contains("command_length")),
        "{e:?}"
    );
    assert!(client.wait_bound(1, Duration::from_secs(3)).await);
    client.submit_sm(sm("91")).await.unwrap();
}

#[tokio::test]
async fn malformed_request_from_smsc_gets_generic_nack() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    // deliver_sm truncated inside source_addr; then an unknown command.
    let bad = vec![
        0, 0, 0, 20, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1, b'9',
    ];
    let unknown = vec![0, 0, 0, 16, 0, 0, 0x0F, 0xFF, 0, 0, 0, 0, 0, 0, 0, 10];
    let tx = d.inject.lock().unwrap().clone().unwrap();
    tx.send(bad).unwrap();
    tx.send(unknown).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(d.stats.generic_nacks.load(Ordering::SeqCst), 2);
    client.submit_sm(sm("91")).await.unwrap();
}

#[tokio::test]
async fn failover_and_load_spreading_across_servers() {
    let a = double(
        standard(|st, _, p| vec![Act::ReplyAfter(Duration::from_millis(2), ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let b = double(
        standard(|st, _, p| vec![Act::ReplyAfter(Duration::from_millis(2), ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    // A third server that is down: connect refused.
    let down = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let down_addr = down.local_addr().unwrap().to_string();
    drop(down);
    let mut c = config(&[&a.addr, &b.addr, &down_addr]);
    c.binds_per_server = 2;
    c.window = 2;
    let client = Client::connect(c).await.unwrap();
    assert!(client.wait_bound(4, Duration::from_secs(3)).await);
    let futs = (0..80).map(|_| client.submit_sm(sm("91")));
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    let (na, nb) = (
        a.stats.submits.load(Ordering::SeqCst),
        b.stats.submits.load(Ordering::SeqCst),
    );
    assert_eq!(na + nb, 80);
    assert!(na >= 10 && nb >= 10, "{na} / {nb}");
    assert_eq!(a.stats.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
#[allow(deprecated)] // the old per-bind `rate_limit`, kept as an alias
async fn rate_limit_spaces_submissions() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.rate_limit = Some(50.0);
    let client = Client::connect(c).await.unwrap();
    let futs = (0..11).map(|_| client.submit_sm(sm("91")));
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    let arr = d.stats.arrivals.lock().unwrap().clone();
    let span = *arr.last().unwrap() - arr[0];
    // 11 messages at 50/s cannot arrive in less than 10 intervals of 20 ms.
    assert!(span >= Duration::from_millis(180), "{span:?}");
}

#[tokio::test]
async fn long_text_goes_out_as_concatenated_parts() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let mut sms = Sms::new("QIKBRY", "919900000000", "€".repeat(100));
    sms.pe_id = Some("1201".into());
    let ids = client.send(&sms).await.unwrap();
    assert_eq!(ids.len(), segments(&sms.text, EncodingChoice::Auto).count);
    assert_eq!(ids.len(), 2);
}

#[tokio::test]
async fn plus_numbers_are_normalised_with_international_ton() {
    let d = double(
        standard(|st, _, p| {
            if let Body::SubmitSm(sm) = &p.body {
                let a = format!(
                    "{}/{}/{} {}/{}/{}",
                    sm.source_addr,
                    sm.source_addr_ton,
                    sm.source_addr_npi,
                    sm.destination_addr,
                    sm.dest_addr_ton,
                    sm.dest_addr_npi
                );
                st.received.lock().unwrap().push(a);
            }
            vec![Act::Reply(ok_submit(st, p))]
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    client
        .send(&Sms::new("+91 99999-99999", "0044 7700 900123", "a"))
        .await
        .unwrap();
    client
        .send(&Sms::new("QIKBRY", "+1 (415) 555-0101", "b"))
        .await
        .unwrap();
    let got = d.stats.received.lock().unwrap().clone();
    assert!(
        got.contains(&"919999999999/1/1 447700900123/1/1".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"QIKBRY/5/0 14155550101/1/1".to_string()),
        "{got:?}"
    );
}

#[tokio::test]
async fn too_many_parts_is_refused_before_anything_is_sent() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let mut c = config(&[&d.addr]);
    c.max_parts = 3;
    let client = Client::connect(c).await.unwrap();
    let e = client
        .send(&Sms::new("QIKBRY", "919900000000", "a".repeat(153 * 3 + 1)))
        .await
        .unwrap_err();
    assert_eq!((e.segment, e.of), (0, 4));
    assert!(matches!(e.error, SubmitError::TooManyParts(_)) && !e.error.written());
    assert!(e.to_string().contains("limit of 3"), "{e}");
    assert_eq!(d.stats.submits.load(Ordering::SeqCst), 0);
}

/// The UDH of every part the double received, by destination.
fn udhs(st: &Stats) -> Vec<(String, Vec<u8>)> {
    st.parts.lock().unwrap().clone()
}

#[tokio::test]
async fn concat_references_are_per_destination_and_16_bit_on_request() {
    let d = double(
        standard(|st, _, p| {
            if let Body::SubmitSm(sm) = &p.body
                && sm.esm_class & 0x40 != 0
            {
                let udh_len = usize::from(sm.short_message[0]) + 1;
                let udh = sm.short_message[..udh_len].to_vec();
                st.parts
                    .lock()
                    .unwrap()
                    .push((sm.destination_addr.clone(), udh));
            }
            vec![Act::Reply(ok_submit(st, p))]
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let long = "a".repeat(200);
    for to in ["441", "442", "441"] {
        client
            .send(&Sms::new("QIKBRY", to, long.clone()))
            .await
            .unwrap();
    }
    let u = udhs(&d.stats);
    assert_eq!(u.len(), 6);
    // 8-bit: 05 00 03 ref count index; the two texts to 441 use consecutive references, the
    // one to 442 starts where a new destination starts.
    let r = |i: usize| u[i].1[3];
    assert!(u.iter().all(|(_, h)| h[..3] == [5, 0, 3]));
    assert_eq!(r(0), r(1));
    assert_eq!(r(4), r(0).wrapping_add(1));
    assert_eq!(r(2), r(0));
    let mut c = config(&[&d.addr]);
    c.concat_reference = ConcatRefSize::Bits16;
    let client = Client::connect(c).await.unwrap();
    let ids = client
        .send(&Sms::new("QIKBRY", "443", "a".repeat(305)))
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    let u = udhs(&d.stats);
    assert!(u[6..].iter().all(|(_, h)| h[..3] == [6, 8, 4] && h[5] == 3));
}

#[tokio::test]
async fn keepalive_is_not_blocked_by_a_full_window() {
    let d = double(standard(|_, _, _| vec![]), Opts { dribble: false }).await;
    let mut c = config(&[&d.addr]);
    c.window = 2;
    c.enquire_link_interval = Duration::from_millis(100);
    let client = Client::connect(c).await.unwrap();
    let hung: Vec<_> = (0..2)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.submit_sm(sm("91")).await })
        })
        .collect();
    let t0 = Instant::now();
    while d.stats.enquire_from_client.load(Ordering::SeqCst) == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(2),
            "no enquire_link while the window was full"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(d.stats.submits.load(Ordering::SeqCst), 2);
    for h in hung {
        h.abort();
    }
}

#[tokio::test]
async fn silent_link_is_detected_by_enquire_link_and_replaced() {
    // The first connection goes silent after the bind (no answers at all, not even to
    // enquire_link); the second behaves.
    let h = standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]);
    let h2: Arc<Handler> = Arc::new(move |st, conn, p| match (&p.body, conn) {
        (Body::BindTransceiver(_), _) => h(st, conn, p),
        (_, 0) => vec![],
        _ => h(st, conn, p),
    });
    let d = double(h2, Opts { dribble: false }).await;
    let mut c = config(&[&d.addr]);
    c.enquire_link_interval = Duration::from_millis(100);
    c.request_timeout = Duration::from_millis(300);
    let client = Client::connect(c).await.unwrap();
    let t0 = Instant::now();
    while d.stats.connections.load(Ordering::SeqCst) < 2 {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "silent link never replaced"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(client.wait_bound(1, Duration::from_secs(3)).await);
    client.submit_sm(sm("91")).await.unwrap();
}

#[tokio::test]
async fn data_sm_with_message_payload() {
    let d = double(
        standard(|_, _, p| {
            let Body::DataSm(ds) = &p.body else {
                return vec![Act::Reply(resp(p, 0x03, Body::GenericNack))];
            };
            let payload = ds.tlvs.message_payload().unwrap_or_default();
            let id = format!("ds-{}", payload.len());
            vec![Act::Reply(resp(
                p,
                0,
                Body::DataSmResp(MessageIdResp {
                    message_id: id,
                    tlvs: Tlvs::new(),
                }),
            ))]
        }),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let mut tlvs = Tlvs::new();
    tlvs.push(Tlv::octets(tag::MESSAGE_PAYLOAD, vec![b'a'; 400]));
    let body = Body::DataSm(pdu::DataSm {
        source_addr: "QIK".into(),
        destination_addr: "91".into(),
        tlvs,
        ..pdu::DataSm::default()
    });
    assert_eq!(client.submit_body(&body).await.unwrap(), "ds-400");
}

mod props {
    use super::super::pdu::*;
    use super::super::session::{MAX_SEQUENCE, SeqAlloc};
    use super::super::text::{self, EncodingChoice};
    use super::super::tlv::{Tlv, Tlvs};
    use super::CommandStatus;
    use proptest::prelude::*;

    fn s(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("[ -~]{{0,{max}}}")).unwrap()
    }
    fn tlvs() -> impl Strategy<Value = Tlvs> {
        let one = prop_oneof![
            (any::<u8>()).prop_map(|v| Tlv::u8(0x0427, v)),
            (any::<u16>()).prop_map(|v| Tlv::u16(0x020C, v)),
            s(20).prop_map(|v| Tlv::cstr(0x001E, &v)),
            s(20).prop_map(|v| Tlv::cstr(0x1402, &v)),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(|v| Tlv::octets(0x0424, v)),
            (
                0x2000u16..0x3000,
                proptest::collection::vec(any::<u8>(), 0..20)
            )
                .prop_map(|(t, v)| Tlv::octets(t, v)),
        ];
        proptest::collection::vec(one, 0..4).prop_map(Tlvs)
    }
    fn sm() -> impl Strategy<Value = SubmitSm> {
        (
            (s(5), any::<(u8, u8)>(), s(20), any::<(u8, u8)>(), s(20)),
            (any::<(u8, u8, u8)>(), s(16), s(16)),
            (
                any::<(u8, u8, u8, u8)>(),
                proptest::collection::vec(any::<u8>(), 0..=254),
                tlvs(),
            ),
        )
            .prop_map(|((st, (a, b), src, (c, d), dst), (e, sd, vp), (f, m, t))| {
                SubmitSm {
                    service_type: st,
                    source_addr_ton: a,
                    source_addr_npi: b,
                    source_addr: src,
                    dest_addr_ton: c,
                    dest_addr_npi: d,
                    destination_addr: dst,
                    esm_class: e.0,
                    protocol_id: e.1,
                    priority_flag: e.2,
                    schedule_delivery_time: sd,
                    validity_period: vp,
                    registered_delivery: f.0,
                    replace_if_present_flag: f.1,
                    data_coding: f.2,
                    sm_default_msg_id: f.3,
                    short_message: m,
                    tlvs: t,
                }
            })
    }
    fn bind() -> impl Strategy<Value = Bind> {
        (s(15), s(8), s(12), any::<(u8, u8, u8)>(), s(40)).prop_map(|(a, b, c, (v, t, n), r)| {
            Bind {
                system_id: a,
                password: b,
                system_type: c,
                interface_version: v,
                addr_ton: t,
                addr_npi: n,
                address_range: r,
            }
        })
    }
    fn body() -> impl Strategy<Value = Body> {
        prop_oneof![
            Just(Body::GenericNack),
            Just(Body::Unbind),
            Just(Body::UnbindResp),
            Just(Body::EnquireLink),
            Just(Body::EnquireLinkResp),
            Just(Body::CancelSmResp),
            Just(Body::ReplaceSmResp),
            bind().prop_map(Body::BindTransmitter),
            bind().prop_map(Body::BindReceiver),
            bind().prop_map(Body::BindTransceiver),
            (s(15), tlvs()).prop_map(|(a, t)| Body::BindTransceiverResp(BindResp {
                system_id: a,
                tlvs: t
            })),
            (s(15), tlvs()).prop_map(|(a, t)| Body::BindTransmitterResp(BindResp {
                system_id: a,
                tlvs: t
            })),
            (s(15), tlvs()).prop_map(|(a, t)| Body::BindReceiverResp(BindResp {
                system_id: a,
                tlvs: t
            })),
            (s(15), s(8)).prop_map(|(a, b)| Body::Outbind(Outbind {
                system_id: a,
                password: b
            })),
            sm().prop_map(Body::SubmitSm),
            sm().prop_map(Body::DeliverSm),
            (s(64), tlvs()).prop_map(|(a, t)| Body::SubmitSmResp(MessageIdResp {
                message_id: a,
                tlvs: t
            })),
            (s(64), tlvs()).prop_map(|(a, t)| Body::DeliverSmResp(MessageIdResp {
                message_id: a,
                tlvs: t
            })),
            (s(64), tlvs()).prop_map(|(a, t)| Body::DataSmResp(MessageIdResp {
                message_id: a,
                tlvs: t
            })),
            (s(5), s(64), s(64), any::<[u8; 7]>(), tlvs()).prop_map(|(st, a, b, n, t)| {
                Body::DataSm(DataSm {
                    service_type: st,
                    source_addr_ton: n[0],
                    source_addr_npi: n[1],
                    source_addr: a,
                    dest_addr_ton: n[2],
                    dest_addr_npi: n[3],
                    destination_addr: b,
                    esm_class: n[4],
                    registered_delivery: n[5],
                    data_coding: n[6],
                    tlvs: t,
                })
            }),
            (s(64), s(20), any::<(u8, u8)>()).prop_map(|(m, a, (t, n))| Body::QuerySm(QuerySm {
                message_id: m,
                source_addr_ton: t,
                source_addr_npi: n,
                source_addr: a,
            })),
            (s(64), s(16), any::<(u8, u8)>()).prop_map(|(m, f, (st, e))| Body::QuerySmResp(
                QuerySmResp {
                    message_id: m,
                    final_date: f,
                    message_state: st,
                    error_code: e,
                }
            )),
            (s(5), s(64), s(20), s(20), any::<[u8; 4]>()).prop_map(|(st, m, a, b, n)| {
                Body::CancelSm(CancelSm {
                    service_type: st,
                    message_id: m,
                    source_addr_ton: n[0],
                    source_addr_npi: n[1],
                    source_addr: a,
                    dest_addr_ton: n[2],
                    dest_addr_npi: n[3],
                    destination_addr: b,
                })
            }),
            (
                s(64),
                s(20),
                s(16),
                s(16),
                any::<[u8; 4]>(),
                proptest::collection::vec(any::<u8>(), 0..=254)
            )
                .prop_map(|(m, a, sd, vp, n, msg)| Body::ReplaceSm(ReplaceSm {
                    message_id: m,
                    source_addr_ton: n[0],
                    source_addr_npi: n[1],
                    source_addr: a,
                    schedule_delivery_time: sd,
                    validity_period: vp,
                    registered_delivery: n[2],
                    sm_default_msg_id: n[3],
                    short_message: msg,
                })),
            (s(64), s(64), any::<[u8; 4]>(), tlvs()).prop_map(|(a, b, n, t)| {
                Body::AlertNotification(AlertNotification {
                    source_addr_ton: n[0],
                    source_addr_npi: n[1],
                    source_addr: a,
                    esme_addr_ton: n[2],
                    esme_addr_npi: n[3],
                    esme_addr: b,
                    tlvs: t,
                })
            }),
            (
                0x0000_0200u32..0x0000_0300,
                proptest::collection::vec(any::<u8>(), 0..64)
            )
                .prop_map(|(id, b)| Body::Unknown {
                    command_id: id,
                    body: b
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

        #[test]
        fn every_pdu_round_trips(b in body(), seq in any::<u32>(), st in prop_oneof![Just(0u32), any::<u32>()]) {
            // Requests always carry status 0; responses may carry anything.
            let status = if b.is_response() { st } else { 0 };
            let p = Pdu::response(seq, CommandStatus(status), b);
            let bytes = p.to_bytes().unwrap();
            prop_assert_eq!(frame_length(&bytes, DEFAULT_MAX_COMMAND_LENGTH).unwrap(), Some(bytes.len()));
            let d = Pdu::decode(&bytes).unwrap();
            // An error response without content is sent header-only and reads back as empty.
            prop_assert_eq!(d.to_bytes().unwrap(), bytes);
            if status == 0 { prop_assert_eq!(d, p); }
        }

        #[test]
        fn decoder_never_panics(mut bytes in proptest::collection::vec(any::<u8>(), 0..400), id in prop_oneof![Just(4u32), Just(5), Just(0x80000004), Just(0x80000009), Just(0x103), any::<u32>()]) {
            if bytes.len() >= 16 {
                let n = bytes.len() as u32;
                bytes[..4].copy_from_slice(&n.to_be_bytes());
                bytes[4..8].copy_from_slice(&id.to_be_bytes());
            }
            let _ = Pdu::decode(&bytes);
            let _ = frame_length(&bytes, DEFAULT_MAX_COMMAND_LENGTH);
        }

        #[test]
        fn receipt_parser_never_panics(t in "((id|sub|dlvrd|submit date|done date|stat|err|text|ID|Stat)[ ]?:?[ ]?[0-9a-zA-Zé€ ]{0,12}[ ]?){0,10}") {
            if let Some(r) = super::super::receipt::parse_receipt_text(&t) {
                prop_assert!(!r.message_id.is_empty());
            }
        }

        #[test]
        fn split_matches_segments(t in "[a-zA-Z0-9 €\\[\\]{}^жд😀é]{0,400}") {
            let info = text::segments(&t, EncodingChoice::Auto);
            let (enc, parts) = text::split(&t, EncodingChoice::Auto, text::ConcatRef::Bits8(9), 255).unwrap();
            prop_assert_eq!(enc, info.encoding);
            prop_assert_eq!(parts.len(), info.count);
            let mut joined = Vec::new();
            for p in &parts {
                let body = if p.has_udh { &p.bytes[6..] } else { &p.bytes[..] };
                let cap = if enc == text::Encoding::Ucs2 { 140 } else { 160 };
                prop_assert!(body.len() <= cap);
                // Never ends inside an escape or a surrogate pair.
                if enc == text::Encoding::Gsm7 { prop_assert_ne!(body.last(), Some(&0x1B)); }
                if enc == text::Encoding::Ucs2 && body.len() >= 2 {
                    let last = u16::from_be_bytes([body[body.len() - 2], body[body.len() - 1]]);
                    prop_assert!(!(0xD800..0xDC00).contains(&last));
                }
                joined.extend_from_slice(body);
            }
            prop_assert_eq!(text::decode(&joined, enc.data_coding()), t);
        }

        /// Starting anywhere near the wrap, with numbers held in flight and released at random,
        /// allocation stays in 1..=0x7FFF_FFFF and never yields one still in flight.
        #[test]
        fn sequence_allocation_under_wrap_skips_numbers_in_flight(
            back in 0u32..64,
            held in proptest::collection::btree_set(prop_oneof![1u32..64, (MAX_SEQUENCE - 64)..=MAX_SEQUENCE], 0..60),
            steps in proptest::collection::vec((any::<bool>(), any::<prop::sample::Index>()), 1..400),
        ) {
            let mut alloc = SeqAlloc::starting_at(MAX_SEQUENCE - back);
            let mut in_flight: Vec<u32> = held.into_iter().collect();
            for (release, pick) in steps {
                if release && !in_flight.is_empty() {
                    in_flight.swap_remove(pick.index(in_flight.len()));
                }
                let seq = alloc.allocate(|q| in_flight.contains(&q));
                prop_assert!((1..=MAX_SEQUENCE).contains(&seq), "{} out of range", seq);
                prop_assert!(!in_flight.contains(&seq), "{} is in flight", seq);
                in_flight.push(seq);
            }
        }
    }
}
