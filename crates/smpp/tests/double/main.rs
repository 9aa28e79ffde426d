//! The SMPP client against the testkit's programmable SMSC (`qikberry_testkit::smsc::double`):
//! windows, throttling, receipts, reconnects, failover, and (in the modules) exactly-once under
//! faults, handler mode, pacing, shutdown and closing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use qikberry_smpp::pdu::{self, BindResp, Body, MessageIdResp, Pdu, SubmitSm};
use qikberry_smpp::tlv::{Tlv, Tlvs, tag};
use qikberry_smpp::*;
use qikberry_testkit::smsc::double::{
    Act, Double, Handler, Opts, Stats, double, key_of, ok_submit, resp, standard,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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
