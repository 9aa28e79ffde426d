//! SMPP PDU encode and decode time per PDU, plus segment counting and receipt parsing.
//!
//! Run: `cargo bench -p qikberry --no-default-features --features smpp --bench smpp_pdu`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qikberry::smpp::pdu::{Bind, Body, MessageIdResp, Pdu, SubmitSm};
use qikberry::smpp::tlv::{Tlv, Tlvs, tag};
use qikberry::smpp::{CommandStatus, EncodingChoice, receipt, segments};

fn cases() -> Vec<(&'static str, Pdu)> {
    let mut dlt = Tlvs::new();
    dlt.push(Tlv::cstr(tag::PE_ID, "1201159100000000001"));
    dlt.push(Tlv::cstr(tag::TEMPLATE_ID, "1207161234567890123"));
    dlt.push(Tlv::cstr(tag::TM_ID, "1702159100000000002"));
    let submit = SubmitSm {
        source_addr_ton: 5,
        source_addr: "QIKBRY".into(),
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: "919900000001".into(),
        registered_delivery: 1,
        short_message: b"Your one-time password is 482913. It expires in 10 minutes.".to_vec(),
        tlvs: dlt,
        ..SubmitSm::default()
    };
    let mut rtlvs = Tlvs::new();
    rtlvs.push(Tlv::cstr(tag::RECEIPTED_MESSAGE_ID, "5A3F09"));
    rtlvs.push(Tlv::u8(tag::MESSAGE_STATE, 2));
    let receipt = SubmitSm {
        source_addr: "919900000001".into(),
        destination_addr: "QIKBRY".into(),
        esm_class: 0x04,
        short_message: b"id:5913353 sub:001 dlvrd:001 submit date:2611251010 done date:2611251011 stat:DELIVRD err:000 text:Your one-time"
            .to_vec(),
        tlvs: rtlvs,
        ..SubmitSm::default()
    };
    vec![
        ("submit_sm", Pdu::request(1, Body::SubmitSm(submit))),
        (
            "submit_sm_resp",
            Pdu::response(
                1,
                CommandStatus::OK,
                Body::SubmitSmResp(MessageIdResp {
                    message_id: "5A3F09".into(),
                    tlvs: Tlvs::new(),
                }),
            ),
        ),
        (
            "deliver_sm_receipt",
            Pdu::request(2, Body::DeliverSm(receipt)),
        ),
        (
            "deliver_sm_resp",
            Pdu::response(
                2,
                CommandStatus::OK,
                Body::DeliverSmResp(MessageIdResp::default()),
            ),
        ),
        ("enquire_link", Pdu::request(3, Body::EnquireLink)),
        (
            "bind_transceiver",
            Pdu::request(
                4,
                Body::BindTransceiver(Bind {
                    system_id: "esme1".into(),
                    password: "secret".into(),
                    ..Bind::default()
                }),
            ),
        ),
    ]
}

fn pdus(c: &mut Criterion) {
    for (name, pdu) in cases() {
        let bytes = pdu.to_bytes().unwrap();
        let mut g = c.benchmark_group(format!("smpp_pdu/{name}"));
        g.throughput(Throughput::Elements(1));
        let mut buf = Vec::with_capacity(512);
        g.bench_function("encode", |b| {
            b.iter(|| {
                buf.clear();
                black_box(&pdu).encode(&mut buf).unwrap();
                black_box(buf.len())
            })
        });
        g.bench_function("decode", |b| {
            b.iter(|| Pdu::decode(black_box(&bytes)).unwrap())
        });
        g.finish();
    }
}

fn text(c: &mut Criterion) {
    let mut g = c.benchmark_group("smpp_text");
    let gsm =
        "Your one-time password is 482913. It expires in 10 minutes. [Do not share] ".repeat(4);
    let ucs2 = "आपका ओटीपी 482913 है। इसे किसी के साथ साझा न करें। ".repeat(4);
    g.bench_function("segments_gsm_300", |b| {
        b.iter(|| segments(black_box(&gsm), EncodingChoice::Auto))
    });
    g.bench_function("segments_ucs2_200", |b| {
        b.iter(|| segments(black_box(&ucs2), EncodingChoice::Auto))
    });
    let dlr = "id:5913353 sub:001 dlvrd:001 submit date:2611251010 done date:2611251011 stat:DELIVRD err:000 text:Your one-time";
    g.bench_function("parse_receipt_text", |b| {
        b.iter(|| receipt::parse_receipt_text(black_box(dlr)))
    });
    g.finish();
}

criterion_group!(benches, pdus, text);
criterion_main!(benches);
