//! The SMPP client against the npm `smpp` package's server (tests/peers/smpp/smsc.js) on loopback.

mod smpp_common;

use qikberry::smpp::{
    Backoff, Client, Config, ConnectError, Inbound, MessageState, Server, Sms, SubmitError,
    same_message_id,
};
use serde_json::json;
use smpp_common::Smsc;
use std::time::Duration;

fn config(servers: &[String]) -> Config {
    let mut c = Config::new(
        "esme1",
        "secret",
        servers.iter().map(|a| Server::plain(a.clone())).collect(),
    );
    c.request_timeout = Duration::from_secs(5);
    c.reconnect_backoff = Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(300),
    };
    c.throttle_backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    c.throttle_retries = 50;
    c
}

#[tokio::test]
async fn bind_submit_and_the_smsc_decodes_our_text() {
    let smsc = Smsc::start(json!({})).await;
    let client = Client::connect(config(&[smsc.addr()])).await.unwrap();
    let bind = smsc.wait_for("bind", 1, Duration::from_secs(5)).await;
    assert_eq!(bind[0]["interface_version"], 0x34);
    assert_eq!(bind[0]["system_type"], "smpp");
    assert_eq!(bind[0]["command"], "bind_transceiver");

    let mut sms = Sms::new(
        "QIKBRY",
        "919900000001",
        "Hello € [world] {ok} ^_^ ~|\\ @£$¥",
    );
    sms.pe_id = Some("1201159100000000001".into());
    sms.template_id = Some("1207161234567890123".into());
    sms.tm_id = Some("1702159100000000002".into());
    let ids = client.send(&sms).await.unwrap();
    assert_eq!(ids.len(), 1);
    let sub = smsc.wait_for("submit", 1, Duration::from_secs(5)).await;
    assert_eq!(sub[0]["id"], ids[0].as_str());
    // The npm package decodes GSM 03.38 (with the escape table) on its own.
    assert_eq!(sub[0]["text"], sms.text.as_str());
    assert_eq!(sub[0]["data_coding"], 0);
    assert_eq!(sub[0]["pe_id"], "1201159100000000001");
    assert_eq!(sub[0]["template_id"], "1207161234567890123");
    assert_eq!(sub[0]["tm_id"], "1702159100000000002");

    // A long UCS-2 text goes out as 3 parts with a concatenation UDH.
    let long = "नमस्ते दुनिया ".repeat(12);
    let ids = client
        .send(&Sms::new("QIKBRY", "919900000002", long.clone()))
        .await
        .unwrap();
    let info = qikberry::smpp::segments(&long, Default::default());
    assert_eq!(ids.len(), info.count);
    let sub = smsc
        .wait_for("submit", 1 + info.count, Duration::from_secs(5))
        .await;
    let parts = &sub[1..];
    let mut joined = String::new();
    for (i, p) in parts.iter().enumerate() {
        assert_eq!(p["data_coding"], 8);
        let udh = p["udh"][0].as_str().unwrap();
        // IE 00 (8-bit reference), length 3: ref, total, index.
        assert_eq!(&udh[..4], "0003");
        assert_eq!(&udh[6..], format!("{:02x}{:02x}", info.count, i + 1));
        joined.push_str(p["text"].as_str().unwrap());
    }
    assert_eq!(joined, long);
    client.shutdown(Duration::from_secs(2)).await;
    smsc.wait_for("unbind", 1, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn receipts_in_text_form_match_hex_ids() {
    let smsc = Smsc::start(json!({"dlr": "text"})).await;
    let client = Client::connect(config(&[smsc.addr()])).await.unwrap();
    let mut events = client.events().unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.extend(
            client
                .send(&Sms::new(
                    "QIKBRY",
                    format!("91990000001{i}"),
                    "receipt please",
                ))
                .await
                .unwrap(),
        );
    }
    let mut matched = 0;
    while matched < ids.len() {
        let ev = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("receipt")
            .unwrap();
        let Inbound::Receipt(r) = ev else {
            panic!("expected a receipt, got {ev:?}")
        };
        // The SMSC answers with a hex id and writes the receipt id in decimal.
        assert!(
            ids.iter()
                .any(|id| id != &r.message_id && same_message_id(id, &r.message_id)),
            "{r:?} vs {ids:?}"
        );
        assert_eq!(r.state, Some(MessageState::Delivered));
        assert_eq!(r.stat, "DELIVRD");
        assert_eq!(r.error().unwrap().status, "DELIVRD");
        assert!(r.done_date.is_some());
        matched += 1;
    }
    smsc.wait_for("deliver_sm_resp", 5, Duration::from_secs(5))
        .await;
}

#[tokio::test]
async fn receipts_with_tlvs_and_an_error_code() {
    let smsc = Smsc::start(json!({"dlr": "tlv", "dlr_err": "013"})).await;
    let client = Client::connect(config(&[smsc.addr()])).await.unwrap();
    let mut events = client.events().unwrap();
    let ids = client
        .send(&Sms::new("QIKBRY", "919900000020", "x"))
        .await
        .unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    let Inbound::Receipt(r) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(r.message_id, ids[0]);
    assert_eq!(r.state, Some(MessageState::Undeliverable));
    assert_eq!(r.err, "013");
    assert_eq!(r.error().unwrap().status, "MOB-OFF");
}

#[tokio::test]
async fn mo_messages_are_surfaced() {
    let smsc = Smsc::start(json!({"mo": "Hi from a phone"})).await;
    let client = Client::connect(config(&[smsc.addr()])).await.unwrap();
    let mut events = client.events().unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    let Inbound::Message(m) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(m.text, "Hi from a phone");
    assert_eq!(m.source_addr, "919811111111");
    smsc.wait_for("deliver_sm_resp", 1, Duration::from_secs(5))
        .await;
}

#[tokio::test]
async fn receipts_are_refused_until_events_are_taken() {
    // The SMSC sends an MO right after the bind and retries it every 100 ms until acknowledged.
    let smsc = Smsc::start(json!({"mo": "before anyone listens", "redeliver_ms": 100})).await;
    let client = Client::connect(config(&[smsc.addr()])).await.unwrap();
    // Nobody has taken the events: ESME_RX_T_APPN (0x64), the SMSC keeps the message.
    let refused = smsc
        .wait_for("deliver_sm_resp", 1, Duration::from_secs(5))
        .await;
    assert_eq!(refused[0]["status"], 0x64, "{refused:?}");
    let mut events = client.events().unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("the redelivered MO")
        .unwrap();
    let Inbound::Message(m) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(m.text, "before anyone listens");
    // Acknowledged once taken, and then no more retries.
    let t0 = std::time::Instant::now();
    while !smsc
        .named("deliver_sm_resp")
        .iter()
        .any(|e| e["status"] == 0)
    {
        assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", smsc.events());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answers = smsc.named("deliver_sm_resp");
    assert_eq!(answers.last().unwrap()["status"], 0, "{answers:?}");
    assert!(
        answers[..answers.len() - 1]
            .iter()
            .all(|e| e["status"] == 0x64)
    );
    assert!(events.try_recv().is_err(), "the MO arrived twice");
}

#[tokio::test]
async fn enquire_link_both_ways() {
    let smsc = Smsc::start(json!({"enquire_ms": 400})).await;
    let mut c = config(&[smsc.addr()]);
    c.enquire_link_interval = Duration::from_millis(150);
    let _client = Client::connect(c).await.unwrap();
    // The SMSC's enquire_links are answered, and ours are sent when the link is idle.
    smsc.wait_for("enquire_link_resp", 2, Duration::from_secs(5))
        .await;
    smsc.wait_for("enquire_link", 2, Duration::from_secs(5))
        .await;
}

#[tokio::test]
async fn throttled_burst_is_resubmitted_exactly_once_each() {
    let smsc = Smsc::start(json!({"throttle": {"capacity": 5, "per_second": 100}})).await;
    let mut c = config(&[smsc.addr()]);
    c.window = 20;
    let client = Client::connect(c).await.unwrap();
    let futs = (0..40).map(|i| {
        let client = client.clone();
        async move {
            client
                .send(&Sms::new(
                    "QIKBRY",
                    format!("9199{i:08}"),
                    format!("burst {i}"),
                ))
                .await
        }
    });
    let results = futures_util::future::join_all(futs).await;
    let mut ids: Vec<String> = results.into_iter().map(|r| r.unwrap().remove(0)).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let throttled = smsc.named("throttled").len();
    assert!(throttled > 0, "the burst should have been throttled");
    // Every message was accepted exactly once.
    let accepted = smsc.named("submit");
    assert_eq!(accepted.len(), 40);
    let mut texts: Vec<_> = accepted
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 40);
}

#[tokio::test]
async fn connection_dropped_mid_window() {
    // The SMSC holds answers for 300 ms and kills the first connection at the 5th submit.
    let smsc = Smsc::start(json!({"drop_after": 5, "resp_delay_ms": 300})).await;
    let mut c = config(&[smsc.addr()]);
    c.window = 10;
    let client = Client::connect(c).await.unwrap();
    let futs = (0..8).map(|i| {
        let client = client.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(i * 10)).await;
            client
                .send(&Sms::new("QIKBRY", "919900000030", format!("m{i}")))
                .await
        }
    });
    let results = futures_util::future::join_all(futs).await;
    let mut lost = 0;
    for r in &results {
        match r {
            Ok(ids) => assert_eq!(ids.len(), 1),
            Err(e) => match &e.error {
                SubmitError::ConnectionLost { written: true, .. } => lost += 1,
                other => panic!("unexpected error {other:?}"),
            },
        }
    }
    // At least the five submits the SMSC saw on the dropped connection report the loss.
    assert!(lost >= 5, "{results:?}");
    // Every id the client reports was really issued by the SMSC.
    let issued: Vec<String> = smsc
        .named("submit")
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    for ids in results.iter().flatten() {
        assert!(issued.contains(&ids[0]));
    }
    assert!(client.wait_bound(1, Duration::from_secs(5)).await);
    client
        .send(&Sms::new("QIKBRY", "919900000031", "after"))
        .await
        .unwrap();
    assert!(smsc.named("connect").len() >= 2);
}

#[tokio::test]
async fn failover_between_two_servers() {
    let a = Smsc::start(json!({})).await;
    let mut b = Smsc::start(json!({})).await;
    let mut c = config(&[a.addr(), b.addr()]);
    c.window = 2;
    let client = Client::connect(c).await.unwrap();
    assert!(client.wait_bound(2, Duration::from_secs(5)).await);
    let futs = (0..30).map(|i| {
        let client = client.clone();
        async move {
            client
                .send(&Sms::new("QIKBRY", "919900000040", format!("a{i}")))
                .await
        }
    });
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    let (na, nb) = (a.named("submit").len(), b.named("submit").len());
    assert_eq!(na + nb, 30);
    assert!(na > 0 && nb > 0, "load spread: {na}/{nb}");
    // Server B goes away for maintenance; A carries on alone.
    b.kill().await;
    assert!(
        tokio::time::timeout(Duration::from_secs(5), async {
            while client.bound_sessions() > 1 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .is_ok()
    );
    for i in 0..10 {
        client
            .send(&Sms::new("QIKBRY", "919900000041", format!("b{i}")))
            .await
            .unwrap();
    }
    assert_eq!(a.named("submit").len(), na + 10);
}

#[tokio::test]
async fn bind_refused_names_the_status() {
    let smsc = Smsc::start(json!({"password": "right"})).await;
    let mut c = config(&[smsc.addr()]);
    c.password = "wrong".to_string().into();
    match Client::connect(c).await.unwrap_err() {
        ConnectError::Bind { status, .. } => {
            assert_eq!(status.name(), "ESME_RINVPASWD");
            assert_eq!(status.description(), "Invalid password");
        }
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn graceful_shutdown_drains_then_unbinds() {
    let smsc = Smsc::start(json!({"resp_delay_ms": 150})).await;
    let client = Client::connect(config(&[smsc.addr()])).await.unwrap();
    let tasks: Vec<_> = (0..5)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move {
                c.send(&Sms::new("QIKBRY", "919900000050", format!("d{i}")))
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    client.shutdown(Duration::from_secs(3)).await;
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    smsc.wait_for("unbind", 1, Duration::from_secs(3)).await;
    let e = client
        .send(&Sms::new("QIKBRY", "919900000051", "late"))
        .await
        .unwrap_err();
    assert_eq!(e.error, SubmitError::ShuttingDown);
    assert!(!e.error.written());
}

#[tokio::test]
async fn receipts_from_every_server_reach_one_consumer() {
    let a = Smsc::start(json!({"dlr": "tlv"})).await;
    let b = Smsc::start(json!({"dlr": "tlv"})).await;
    let mut c = config(&[a.addr(), b.addr()]);
    c.binds_per_server = 2;
    c.window = 1;
    let client = Client::connect(c).await.unwrap();
    assert!(client.wait_bound(4, Duration::from_secs(5)).await);
    let mut events = client.events().unwrap();
    let futs = (0..20).map(|i| {
        let client = client.clone();
        async move {
            client
                .send(&Sms::new("QIKBRY", "919900000060", format!("r{i}")))
                .await
        }
    });
    let mut ids: Vec<String> = futures_util::future::join_all(futs)
        .await
        .into_iter()
        .map(|r| r.unwrap().remove(0))
        .collect();
    assert!(!a.named("submit").is_empty() && !b.named("submit").is_empty());
    while !ids.is_empty() {
        let ev = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("receipt")
            .unwrap();
        let Inbound::Receipt(r) = ev else {
            panic!("{ev:?}")
        };
        let pos = ids
            .iter()
            .position(|id| same_message_id(id, &r.message_id))
            .expect("receipt for a sent id");
        ids.remove(pos);
    }
}

/// A submit_sm to `to` carrying a 15,000-byte message_payload (under the npm server's 16 KiB
/// PDU limit) so that the client's write queue backs up as soon as the server stops reading.
fn bulky(to: &str) -> qikberry::smpp::pdu::SubmitSm {
    use qikberry::smpp::tlv::{Tlv, Tlvs, tag};
    let mut tlvs = Tlvs::new();
    tlvs.push(Tlv::octets(tag::MESSAGE_PAYLOAD, vec![b'x'; 15_000]));
    qikberry::smpp::pdu::SubmitSm {
        source_addr: "QIKBRY".into(),
        destination_addr: to.into(),
        tlvs,
        ..Default::default()
    }
}

#[tokio::test]
async fn smsc_unbind_mid_window_sends_nothing_twice() {
    // At its 40th submit the server stops reading for 1.5 s and sends unbind: the client
    // answers, closes that bind with hundreds of PDUs still queued, and sends those (and only
    // those) on a new bind.
    let smsc = Smsc::start(json!({"unbind_after": 40, "pause_ms": 1500, "quiet": false})).await;
    let mut c = config(&[smsc.addr()]);
    c.window = 1000;
    let client = Client::connect(c).await.unwrap();
    let handles: Vec<_> = (0..600)
        .map(|i| {
            let to = format!("4477009{i:05}");
            let c = client.clone();
            let sm = bulky(&to);
            (to, tokio::spawn(async move { c.submit_sm(sm).await }))
        })
        .collect();
    let mut outcomes = Vec::new();
    for (to, h) in handles {
        let r = tokio::time::timeout(Duration::from_secs(30), h)
            .await
            .unwrap_or_else(|_| panic!("{to}: no outcome"))
            .unwrap();
        outcomes.push((to, r));
    }
    // Let the paused connection's buffered bytes reach the server.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut received = std::collections::HashMap::<String, usize>::new();
    let mut on_new_bind = std::collections::HashSet::new();
    for e in smsc.named("submit") {
        let to = e["destination_addr"].as_str().unwrap().to_string();
        if e["conn"].as_u64() != Some(0) {
            on_new_bind.insert(to.clone());
        }
        *received.entry(to).or_default() += 1;
    }
    let (mut ok, mut written) = (0, 0);
    for (to, r) in &outcomes {
        assert!(
            received.get(to).is_none_or(|n| *n == 1),
            "{to} received twice"
        );
        match r {
            Ok(_) => {
                ok += 1;
                assert_eq!(
                    received.get(to),
                    Some(&1),
                    "{to} accepted but never received"
                );
            }
            Err(e) if e.written() => written += 1,
            Err(e) => assert_eq!(received.get(to), None, "{to} reported {e} but was received"),
        }
    }
    assert!(!smsc.named("pause_and_unbind").is_empty());
    assert!(smsc.named("connect").len() >= 2, "no second bind");
    let resent = outcomes
        .iter()
        .filter(|(to, r)| r.is_ok() && on_new_bind.contains(to))
        .count();
    assert!(
        resent > 0,
        "no withdrawn PDU was sent on the new bind ({ok} ok)"
    );
    assert!(written > 0, "no PDU was in flight at the unbind");
}
