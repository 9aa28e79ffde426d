//! In-crate tests of private parts: the session's write queue, and property tests of the PDU
//! codec, the receipt parser, text splitting and sequence allocation. The client against an
//! SMSC is tested in `tests/double/` with the testkit's SMSC.

mod session;

mod props {
    use super::super::CommandStatus;
    use super::super::pdu::*;
    use super::super::session::{MAX_SEQUENCE, SeqAlloc};
    use super::super::text::{self, EncodingChoice};
    use super::super::tlv::{Tlv, Tlvs};
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
