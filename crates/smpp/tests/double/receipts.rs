//! Receipts are only acknowledged once someone can read them (`Client::events` taken).

use super::shutdown::eventually;
use super::*;

pub(super) fn receipt(seq: u32, id: &str) -> Vec<u8> {
    let text = format!(
        "id:{id} sub:001 dlvrd:001 submit date:2611251010 done date:2611251011 stat:DELIVRD err:000 text:"
    );
    let sm = SubmitSm {
        esm_class: 0x04,
        short_message: text.into_bytes(),
        ..SubmitSm::default()
    };
    Pdu::request(seq, Body::DeliverSm(sm)).to_bytes().unwrap()
}

#[tokio::test]
async fn receipts_are_refused_until_events_are_taken() {
    let d = double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await;
    let client = Client::connect(config(&[&d.addr])).await.unwrap();
    let inject = d.inject.lock().unwrap().clone().unwrap();
    let answered = |n: usize| {
        let st = d.stats.clone();
        move || st.deliver_resp_status.lock().unwrap().len() >= n
    };
    // Nobody has taken the events: a temporary error, so the SMSC keeps it and retries.
    inject.send(receipt(501, "1")).unwrap();
    eventually("deliver_sm_resp", Duration::from_secs(3), answered(1)).await;
    let mut events = client.events().unwrap();
    // The SMSC's retry, and a new receipt, are now acknowledged.
    inject.send(receipt(502, "1")).unwrap();
    inject.send(receipt(503, "2")).unwrap();
    eventually("deliver_sm_resps", Duration::from_secs(3), answered(3)).await;
    let statuses = d.stats.deliver_resp_status.lock().unwrap().clone();
    assert_eq!(statuses, vec![(501, 0x64), (502, 0), (503, 0)]);
    // The refused one was not kept: the retry is the only copy.
    for id in ["1", "2"] {
        let Ok(Inbound::Receipt(r)) = events.try_recv() else {
            panic!("receipt {id} missing")
        };
        assert_eq!(r.message_id, id);
    }
    assert!(events.try_recv().is_err(), "a refused receipt was queued");
}
