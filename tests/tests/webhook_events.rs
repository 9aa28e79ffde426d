//! Webhook event parsing against hand-typed fixtures (tests/fixtures/webhooks/), taken from the
//! reference's examples and wire-shapes.md — not produced by the code under test.

use std::path::PathBuf;

use qikberry::webhook::{
    CallStatus, ChannelStatus, ContactChange, Event, EventTime, Id, IncomingRequest,
    MessageContent, OptOutScope, Outcome, ParseError, Rejection, SMS_ERROR_CODES, SignaturePolicy,
    SignatureScheme, SignatureStatus, SmsStatus, Verifier, encode_like_sender, names,
    sms_error_code,
};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

fn parse(name: &str) -> Event {
    Event::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn civil(s: &str) -> EventTime {
    EventTime::Civil(s.replace(' ', "T").parse().expect("test datetime"))
}

#[test]
fn every_subscribable_event_has_a_fixture_that_parses_to_its_variant() {
    let files = [
        ("sms_message_status.json", names::SMS_MESSAGE_STATUS),
        ("sms_unsubscription.json", names::SMS_UNSUBSCRIPTION),
        ("whatsapp_message_in.json", names::WHATSAPP_MESSAGE_IN),
        (
            "whatsapp_message_status.json",
            names::WHATSAPP_MESSAGE_STATUS,
        ),
        (
            "whatsapp_unsubscription.json",
            names::WHATSAPP_UNSUBSCRIPTION,
        ),
        ("rcs_message_in.json", names::RCS_MESSAGE_IN),
        ("rcs_message_status.json", names::RCS_MESSAGE_STATUS),
        ("rcs_unsubscription.json", names::RCS_UNSUBSCRIPTION),
        ("voice_message_out.json", names::VOICE_MESSAGE_OUT),
        ("voice_unsubscription.json", names::VOICE_UNSUBSCRIPTION),
        ("viber_message_status.json", names::VIBER_MESSAGE_STATUS),
        ("viber_message_in.json", names::VIBER_MESSAGE_IN),
        ("viber_unsubscription.json", names::VIBER_UNSUBSCRIPTION),
        ("vmn_message_in.json", names::VMN_MESSAGE_IN),
        (
            "contacts_subscriber_created.json",
            names::CONTACTS_SUBSCRIBER_SUBSCRIPTION,
        ),
    ];
    let mut covered: Vec<&str> = Vec::new();
    for (file, name) in files {
        let ev = parse(file);
        assert_eq!(ev.name(), name, "{file}");
        assert!(
            !matches!(ev, Event::Unknown { .. }),
            "{file} parsed as Unknown"
        );
        covered.push(name);
    }
    for n in names::SUBSCRIBABLE {
        assert!(covered.contains(&n), "no fixture for {n}");
    }
    assert_eq!(names::SUBSCRIBABLE.len(), 15);
}

#[test]
fn flat_sms_dlr_from_webhook_verification_section() {
    let Event::SmsStatus(r) = parse("sms_dlr_flat.json") else {
        panic!("not an SMS DLR")
    };
    assert_eq!(
        r.id,
        Id::Text("b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1".into())
    );
    assert_eq!(r.status, SmsStatus::Delivered);
    assert!(r.is_delivered());
    // Exact decimal: four places kept.
    assert_eq!(r.credits.map(|c| c.to_string()).as_deref(), Some("2.0000"));
    assert_eq!(r.units, Some(2));
    assert_eq!(r.deliv_time, Some(civil("2021-04-09 16:27:51")));
    assert_eq!(r.sent_time, Some(civil("2021-04-09 16:27:35")));
    assert_eq!(r.submit_time, Some(civil("2021-04-09 16:27:39")));
    assert_eq!(r.custom1.as_deref(), Some("campaign-3344"));
    assert_eq!(r.region.as_deref(), Some("Bangalore"));
    assert_eq!(r.provider_code.as_deref(), Some("RJ"));
    // Every member of the reference's example has a field: no drift.
    let parsed = Event::parse(&fixture("sms_dlr_flat.json")).unwrap();
    assert!(
        parsed.drift.is_empty(),
        "unexpected drift: {:?}",
        parsed.drift
    );
}

#[test]
fn enveloped_and_flat_sms_dlr_share_a_key() {
    let env = fixture("sms_message_status.json");
    let flat = fixture("sms_dlr_flat.json");
    let a = Event::from_slice(&env).unwrap();
    let b = Event::from_slice(&flat).unwrap();
    assert_eq!(a.idempotency_key(&env), b.idempotency_key(&flat));
    assert_eq!(
        a.idempotency_key(&env).as_str(),
        "sms:message:status/b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1/DELIVRD"
    );
}

#[test]
fn dlt_rejection_maps_to_error_code_table() {
    let Event::SmsStatus(r) = parse("sms_dlr_flat_dlt_rejected.json") else {
        panic!("not an SMS DLR")
    };
    assert_eq!(r.status, SmsStatus::DltInvalidTemplateId);
    assert!(r.status.is_dlt_rejection());
    assert!(!r.is_delivered());
    // Empty strings read as absent for typed fields.
    assert_eq!(r.deliv_time, None);
    // Unknown members are reported with their pointer (the raw body keeps them).
    let parsed = Event::parse(&fixture("sms_dlr_flat_dlt_rejected.json")).unwrap();
    let unknown: Vec<&str> = parsed
        .drift
        .iter()
        .filter(|d| d.kind == qikberry::drift::DriftKind::UnknownField)
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(unknown, ["/err_code"]);
    let codes: Vec<u16> = r.status.error_codes().map(|c| c.code).collect();
    assert_eq!(codes, vec![782]);
    let c = sms_error_code("782").expect("782 in table");
    assert_eq!(c.description, "Invalid DLT template id.");
}

#[test]
fn error_code_table_matches_reference_rows() {
    // Spot rows typed from the reference table.
    let rows = [
        ("000", "DELIVRD"),
        ("009", "MEMEXEC"),
        ("013", "MOB-OFF"),
        ("021", "EXPIRED"),
        ("408", "DNDNUMB"),
        ("463", "THROTTLED"),
        ("777", "DLT-REJECTED"),
        ("778", "REJ-MULTIPART"),
        ("789", "DLT-SENDER-NOT-REG-TM"),
        ("792", "INV-SCHEDULE"),
    ];
    for (code, status) in rows {
        let c = sms_error_code(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(c.status, status, "code {code}");
        assert_eq!(c.code_str(), code);
    }
    assert_eq!(SMS_ERROR_CODES.len(), 67);
    let net: Vec<u16> = SmsStatus::NetworkError
        .error_codes()
        .map(|c| c.code)
        .collect();
    assert_eq!(net, vec![8, 12, 17, 19]);
    assert!(sms_error_code("500").is_none());
    assert!(sms_error_code("abc").is_none());
}

#[test]
fn chat_status_events() {
    let Event::WhatsappStatus(s) = parse("whatsapp_message_status.json") else {
        panic!()
    };
    assert_eq!(s.status, ChannelStatus::Read);
    assert!(s.status.is_final());
    let EventTime::Instant(ts) = s.read_at.expect("read_at") else {
        panic!("expected an instant")
    };
    assert_eq!(ts.to_string(), "2021-06-18T14:48:06.886358Z");
    assert_eq!(s.foreign_id.as_deref(), Some("your-business-identifier"));

    let Event::RcsStatus(s) = parse("rcs_message_status.json") else {
        panic!()
    };
    assert_eq!(s.status, ChannelStatus::Delivered);
    assert_eq!(s.read_at, None);
    assert_eq!(s.from.as_deref(), Some("700969ca-0cb2-11ec-a2cxxxx"));

    let Event::ViberStatus(s) = parse("viber_message_status.json") else {
        panic!()
    };
    assert_eq!(s.status, ChannelStatus::Expired);
    assert!(s.status.is_failure());
    assert_eq!(s.delivered_at, None);
}

#[test]
fn unknown_status_values_are_kept() {
    let body =
        br#"{"event":"whatsapp:message:status","payload":{"id":"m","status":"pending_review"}}"#;
    let Event::WhatsappStatus(s) = Event::from_slice(body).unwrap() else {
        panic!()
    };
    assert_eq!(s.status, ChannelStatus::Unknown("pending_review".into()));
    assert_eq!(s.status.as_str(), "pending_review");
}

#[test]
fn inbound_messages() {
    let Event::WhatsappIn(m) = parse("whatsapp_message_in.json") else {
        panic!()
    };
    assert_eq!(
        m.text(),
        Some("This is a simple text message from whatsapp channel")
    );
    assert_eq!(m.from(), Some("91XXXXXX"));
    assert_eq!(m.channels[0].name.as_deref(), Some("whatsapp"));
    let user = m.recipient.as_ref().and_then(|r| r.user.as_ref()).unwrap();
    assert_eq!(
        user.subscriber_id,
        Some(Id::Text("unique-subscriber-id".into()))
    );

    let Event::RcsIn(m) = parse("rcs_message_in.json") else {
        panic!()
    };
    let user = m.recipient.as_ref().and_then(|r| r.user.as_ref()).unwrap();
    assert_eq!(user.email, None);
    assert_eq!(user.user_info.as_ref().and_then(|u| u.gender.clone()), None);

    let Event::ViberIn(m) = parse("viber_message_in.json") else {
        panic!()
    };
    let Some(MessageContent::Image(img)) = &m.message else {
        panic!("expected image, got {:?}", m.message)
    };
    assert_eq!(img.url.as_deref(), Some("https://cdn.example/p/1.jpg"));
    assert_eq!(img.caption.as_deref(), Some("look"));

    let Event::VmnIn(m) = parse("vmn_message_in.json") else {
        panic!()
    };
    assert_eq!(m.text(), Some("This is a simple text message"));
    assert_eq!(m.channels[0].to.as_deref(), Some("919019XXXXXX"));

    let other = br#"{"event":"vmn:message:in","payload":{"id":"q","message":{"type":"carousel","payload":{"cards":[1,2]}}}}"#;
    let Event::VmnIn(m) = Event::from_slice(other).unwrap() else {
        panic!()
    };
    let Some(MessageContent::Other { kind, payload }) = &m.message else {
        panic!()
    };
    assert_eq!(kind, "carousel");
    assert_eq!(payload["cards"][1], 2);
}

#[test]
fn unsubscriptions_with_numeric_and_string_ids() {
    let Event::SmsUnsubscription(u) = parse("sms_unsubscription.json") else {
        panic!()
    };
    assert_eq!(
        u.id,
        Some(Id::Text("d105a1ef-6728-4563-8b85-7f5356c8axxx".into()))
    );
    assert_eq!(u.scope, Some(OptOutScope::Sender));
    assert_eq!(u.value.as_deref(), Some("Demo12"));

    let Event::WhatsappUnsubscription(u) = parse("whatsapp_unsubscription.json") else {
        panic!()
    };
    assert_eq!(u.id, Some(Id::Number(436)));
    assert_eq!(u.scope, Some(OptOutScope::Category));

    let Event::RcsUnsubscription(u) = parse("rcs_unsubscription.json") else {
        panic!()
    };
    assert_eq!(u.id, Some(Id::Number(73)));
    assert_eq!(u.scope, Some(OptOutScope::All));

    let Event::VoiceUnsubscription(u) = parse("voice_unsubscription.json") else {
        panic!()
    };
    assert_eq!(u.receiver.as_deref(), Some("917002088xxx"));

    let Event::ViberUnsubscription(u) = parse("viber_unsubscription.json") else {
        panic!()
    };
    assert_eq!(u.id, Some(Id::Number(173)));
}

#[test]
fn voice_call_record() {
    let Event::VoiceCall(c) = parse("voice_message_out.json") else {
        panic!()
    };
    assert_eq!(c.status, Some(CallStatus::Answer));
    assert_eq!(c.duration_seconds(), Some(19));
    assert_eq!(c.pulsing, Some(30));
    assert_eq!(c.charges.map(|d| d.to_string()).as_deref(), Some("0.1500"));
    assert_eq!(c.start_at, Some(civil("2019-07-16 18:13:44")));
    assert_eq!(c.dtmf, None);
}

#[test]
fn contact_created_and_updated_have_distinct_keys() {
    let a = fixture("contacts_subscriber_created.json");
    let b = fixture("contacts_subscriber_updated.json");
    let (Event::Contact(ca), Event::Contact(cb)) = (
        Event::from_slice(&a).unwrap(),
        Event::from_slice(&b).unwrap(),
    ) else {
        panic!()
    };
    assert_eq!(ca.change(), ContactChange::Created);
    assert_eq!(cb.change(), ContactChange::Updated);
    assert_eq!(
        ca.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1996-07-16")
    );
    assert_eq!(
        ca.attributes
            .as_ref()
            .and_then(|a| a.get("membership"))
            .and_then(|v| v.as_str()),
        Some("platinum")
    );
    let ka = Event::Contact(ca).idempotency_key(&a);
    let kb = Event::Contact(cb).idempotency_key(&b);
    assert_ne!(ka, kb);
}

#[test]
fn smart_link_visit_is_flat() {
    let Event::LinkVisit(v) = parse("link_visit.json") else {
        panic!()
    };
    assert_eq!(v.link_id, Some(Id::Number(246)));
    assert_eq!(v.device_brand.as_deref(), Some("Redmi"));
    assert_eq!(v.created_at, Some(civil("2021-04-09 16:27:39")));
}

#[test]
fn unknown_event_keeps_payload() {
    let body = fixture("unknown_event.json");
    let ev = Event::from_slice(&body).unwrap();
    let Event::Unknown { event, payload } = &ev else {
        panic!()
    };
    assert_eq!(event, "email:message:status");
    assert_eq!(payload.to_value().unwrap()["reason"], "mailbox full");
    // Key falls back to the body hash.
    assert!(
        ev.idempotency_key(&body)
            .as_str()
            .starts_with("email:message:status/xxh3-128:")
    );
}

#[test]
fn unknown_payload_keeps_every_byte_and_serializes_verbatim() {
    // Precision beyond f64, member order, escapes: a Value would change all three.
    let payload = r#"{"z":1.000000000000000000001,"a":"caf\u00e9 \/","n":[1e400]}"#;
    let body = format!(r#"{{"event":"fax:message:in","payload":{payload}}}"#);
    let ev = Event::from_slice(body.as_bytes()).unwrap();
    let Event::Unknown { payload: raw, .. } = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(raw.get(), payload);
    assert_eq!(serde_json::to_string(&ev).unwrap(), body);
    // An unrecognised flat body is kept whole, without its surrounding whitespace.
    let ev = Event::from_slice(b" {\"odd\":true}\n").unwrap();
    assert!(
        matches!(&ev, Event::Unknown { event, payload } if event.is_empty() && payload.get() == r#"{"odd":true}"#)
    );
}

#[test]
fn only_non_json_is_an_error_everything_else_is_an_event() {
    assert!(matches!(
        Event::from_slice(&fixture("malformed.json")),
        Err(ParseError::Syntax(_))
    ));
    // JSON that is not an object, or an envelope with a non-string name: kept as Unknown.
    for body in [&b"[1,2]"[..], b"\"x\"", br#"{"event":5,"payload":{}}"#] {
        let ev = Event::from_slice(body).unwrap();
        assert!(matches!(ev, Event::Unknown { .. }), "{ev:?}");
    }
    // A known event whose payload does not fit: Unparsed, with the pointer in the error.
    let body = fixture("bad_payload_type.json");
    match Event::from_slice(&body) {
        Ok(Event::Unparsed {
            event,
            payload,
            error: ParseError::Payload { path, .. },
        }) => {
            assert_eq!(event, "sms:message:status");
            assert_eq!(path, "/payload/credits");
            assert_eq!(payload.to_value().unwrap()["credits"], "two");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Event::from_slice(br#"{"event":"rcs:message:status"}"#),
        Ok(Event::Unparsed {
            error: ParseError::MissingPayload { .. },
            ..
        })
    ));
}

#[test]
fn raw_bytes_verify_but_reserialized_json_does_not() {
    // The fixture is escaped the way the PHP sender escapes (`\/`, `\u00e9`, surrogates).
    let raw = fixture("sms_message_status_escaped.json");
    let raw = raw.trim_ascii_end();
    let key = "dd4b91af-167d-48e6-901d-ae181ff6e80d";
    let sig = SignatureScheme::HmacSha256Hex
        .sign(key.as_bytes(), raw)
        .unwrap();
    let v = Verifier::new().signature_key(key);
    let req = IncomingRequest {
        signature: Some(&sig),
        body: raw,
        ..Default::default()
    };
    let Ok(Outcome::Event(d)) = v.process(&req) else {
        panic!("raw bytes did not verify")
    };
    let Event::SmsStatus(r) = &d.event else {
        panic!()
    };
    assert_eq!(r.custom.as_deref(), Some("https://shop.example/o/42"));
    assert_eq!(r.custom1.as_deref(), Some("José ₹"));
    assert_eq!(r.custom2.as_deref(), Some("😀"));

    // serde_json's own output differs from the sender's bytes …
    let value: serde_json::Value = serde_json::from_slice(raw).unwrap();
    let reserialized = serde_json::to_vec(&value).unwrap();
    let req2 = IncomingRequest {
        body: &reserialized,
        ..req
    };
    assert_eq!(v.process(&req2), Err(Rejection::BadSignature));
    // … while the sender-style encoder reproduces them exactly.
    assert_eq!(encode_like_sender(&value), raw);
}

#[test]
fn signature_schemes_keys_and_policies() {
    let body = fixture("rcs_message_status.json");
    let hmac512 = SignatureScheme::HmacSha512Base64;
    let sig = hmac512.sign(b"old", &body).unwrap();
    let v = Verifier::new()
        .signature_key("new")
        .signature_key("old")
        .signature_scheme(hmac512.clone());
    assert_eq!(v.check_signature(&body, Some(&sig)), SignatureStatus::Valid);
    assert_eq!(
        Verifier::new()
            .signature_key("new")
            .signature_scheme(hmac512)
            .check_signature(&body, Some(&sig)),
        SignatureStatus::Invalid
    );

    // A closure scheme.
    let custom = Verifier::new()
        .signature_key("k")
        .signature_scheme(SignatureScheme::custom(|key, body, sig| {
            key == b"k" && sig == format!("len={}", body.len())
        }));
    let good = format!("len={}", body.len());
    assert_eq!(
        custom.check_signature(&body, Some(&good)),
        SignatureStatus::Valid
    );
    assert_eq!(
        custom.check_signature(&body, Some("len=0")),
        SignatureStatus::Invalid
    );

    // Monitor: a bad signature is reported, not rejected.
    let monitor = Verifier::new()
        .signature_key("k")
        .signature_policy(SignaturePolicy::Monitor);
    let req = IncomingRequest {
        signature: Some("00"),
        body: &body,
        ..Default::default()
    };
    let Ok(Outcome::Event(d)) = monitor.process(&req) else {
        panic!()
    };
    assert_eq!(d.signature, SignatureStatus::Invalid);

    // Off: not checked.
    let off = Verifier::new()
        .signature_key("k")
        .signature_policy(SignaturePolicy::Off);
    let Ok(Outcome::Event(d)) = off.process(&req) else {
        panic!()
    };
    assert_eq!(d.signature, SignatureStatus::NotChecked);

    // Enforce without a key rejects rather than silently passing.
    let misconfigured = Verifier::new().signature_policy(SignaturePolicy::Enforce);
    assert_eq!(misconfigured.process(&req), Err(Rejection::BadSignature));
}

#[test]
fn truncated_signature_is_rejected_regression() {
    // A verifier once accepted any prefix of the MAC (RUSTSEC-2024-0010 class of bug).
    let body = fixture("sms_message_status.json");
    let v = Verifier::new().signature_key("key");
    let full = SignatureScheme::HmacSha256Hex.sign(b"key", &body).unwrap();
    assert_eq!(
        v.check_signature(&body, Some(&full)),
        SignatureStatus::Valid
    );
    for n in [0, 2, 8, 32, 62] {
        assert_eq!(
            v.check_signature(&body, Some(&full[..n])),
            SignatureStatus::Invalid,
            "prefix of {n} chars accepted"
        );
    }
    let b64 = Verifier::new()
        .signature_key("key")
        .signature_scheme(SignatureScheme::HmacSha256Base64);
    let full = SignatureScheme::HmacSha256Base64
        .sign(b"key", &body)
        .unwrap();
    assert_eq!(
        b64.check_signature(&body, Some(&full)),
        SignatureStatus::Valid
    );
    assert_eq!(
        b64.check_signature(&body, Some("")),
        SignatureStatus::Invalid
    );
    assert_eq!(
        b64.check_signature(&body, Some(&full[..24])),
        SignatureStatus::Invalid
    );
}

#[test]
fn handshake_rules() {
    let v = Verifier::new().validation_key("9012XX");
    let body = fixture("handshake.json");
    let ok = IncomingRequest {
        query: Some("token=9012XX"),
        body: &body,
        ..Default::default()
    };
    assert_eq!(
        v.process(&ok),
        Ok(Outcome::Handshake {
            challenge: serde_json::json!("a234qwe")
        })
    );
    let wrong = IncomingRequest {
        query: Some("token=9012XY"),
        ..ok
    };
    assert_eq!(v.process(&wrong), Err(Rejection::HandshakeKey));
    // Not configured at all → never succeeds.
    assert_eq!(Verifier::new().process(&ok), Err(Rejection::HandshakeKey));
    // Body key disagrees with the query token.
    let other = br#"{"validation_key":"nope","challenge":"c"}"#;
    let mismatch = IncomingRequest { body: other, ..ok };
    assert_eq!(v.process(&mismatch), Err(Rejection::HandshakeKey));
    // No challenge.
    let nochal = IncomingRequest {
        body: br#"{"validation_key":"9012XX"}"#,
        ..ok
    };
    assert_eq!(v.process(&nochal), Err(Rejection::HandshakeBody));
    // A webhook URL carrying its own `token` parameter still receives events.
    let ev_body = fixture("sms_message_status.json");
    let ev_req = IncomingRequest {
        query: Some("token=mine"),
        body: &ev_body,
        ..Default::default()
    };
    assert!(matches!(v.process(&ev_req), Ok(Outcome::Event(_))));
}

#[test]
fn bearer_secret_rules() {
    let v = Verifier::new()
        .bearer_secret("1233XXX")
        .bearer_secret("rotated");
    let body = fixture("sms_message_status.json");
    let mk = |auth: Option<&'static str>| IncomingRequest {
        authorization: auth,
        body: &body,
        ..Default::default()
    };
    assert!(matches!(
        v.process(&mk(Some("Bearer 1233XXX"))),
        Ok(Outcome::Event(_))
    ));
    assert!(matches!(
        v.process(&mk(Some("bearer rotated"))),
        Ok(Outcome::Event(_))
    ));
    assert_eq!(v.process(&mk(None)), Err(Rejection::MissingBearer));
    assert_eq!(
        v.process(&mk(Some("Basic 1233XXX"))),
        Err(Rejection::MissingBearer)
    );
    assert_eq!(
        v.process(&mk(Some("Bearer 1233XX"))),
        Err(Rejection::WrongBearer)
    );
    assert_eq!(
        v.process(&mk(Some("Bearer 1233XXXX"))),
        Err(Rejection::WrongBearer)
    );
    // Secrets never show in Debug.
    let dbg = format!("{v:?}");
    assert!(
        !dbg.contains("1233XXX") && !dbg.contains("rotated"),
        "{dbg}"
    );
}

#[test]
fn events_serialize_back_to_envelope() {
    let ev = parse("voice_message_out.json");
    let v = serde_json::to_value(&ev).unwrap();
    assert_eq!(v["event"], "voice:message:out");
    assert_eq!(v["payload"]["charges"], "0.1500");
    assert_eq!(v["payload"]["start_at"], "2019-07-16 18:13:44");
    let again = Event::from_slice(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(again, ev);
}

/// Cross-check: every webhook event example in the spec (written separately from this code)
/// parses to its typed variant.
#[test]
fn spec_webhook_examples_parse_to_their_variants() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/qikberry.yaml");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("spec is YAML");
    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let mut checked = 0;
    for (name, schema) in schemas {
        let is_event = name.starts_with("WebhookEvent")
            && name != "WebhookEventName"
            && name != "WebhookEventEnvelope";
        if !(is_event || name == "WebhookSmartLinkVisit") {
            continue;
        }
        let Some(example) = schema.get("example") else {
            continue;
        };
        let body = serde_json::to_vec(example).unwrap();
        let ev = Event::from_slice(&body).unwrap_or_else(|e| panic!("{name} example: {e}"));
        assert!(
            !matches!(ev, Event::Unknown { .. } | Event::Unparsed { .. }),
            "{name} example parsed as {ev:?}"
        );
        if let Some(expected) = example.get("event").and_then(|e| e.as_str()) {
            assert_eq!(ev.name(), expected, "{name}");
        }
        checked += 1;
    }
    assert!(
        checked >= 15,
        "only {checked} webhook examples found in the spec"
    );
}

/// Every prefix and every single-byte corruption of every fixture is an error or an event —
/// never a panic — and whatever parses has a non-empty key.
#[test]
fn truncated_and_corrupted_fixtures_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/webhooks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "fixtures missing in {}", dir.display());
    let v = Verifier::new()
        .signature_key("k")
        .signature_policy(SignaturePolicy::Monitor);
    for f in files {
        let body = std::fs::read(&f).unwrap();
        for cut in 0..body.len() {
            let part = &body[..cut];
            if let Ok(ev) = Event::from_slice(part) {
                assert!(!ev.idempotency_key(part).as_str().is_empty());
            }
        }
        for (i, replacement) in [
            (0usize, b'['),
            (body.len() / 2, b'"'),
            (body.len() / 3, 0xff),
        ] {
            let mut bad = body.clone();
            if let Some(b) = bad.get_mut(i) {
                *b = replacement;
            }
            let req = IncomingRequest {
                signature: Some("zz"),
                body: &bad,
                ..Default::default()
            };
            let _ = v.process(&req);
        }
    }
}

/// The platform's samples of the `*:unsubscription` pushes (wire-shapes.md `event/index`, lines
/// 1287 (SMS, UUID id) and 1371 (RCS, numeric id)) are bare records without the envelope: they
/// parse to [`Event::Unsubscription`] with every field, not to a flat SMS delivery report
/// (they also carry `id` and `status`) and not to `Unknown`.
#[test]
fn bare_unsubscription_records_from_the_platform_samples_parse() {
    let Event::Unsubscription(u) = parse("unsubscription_bare_sms.json") else {
        panic!("expected a bare unsubscription");
    };
    assert_eq!(
        u.id,
        Some(Id::Text("d105a1ef-6728-4563-8b85-7f5356c8axxx".into()))
    );
    assert_eq!(u.receiver.as_deref(), Some("917002088xxx"));
    assert_eq!(u.scope, Some(OptOutScope::Sender));
    assert_eq!(u.value.as_deref(), Some("Demo12"));
    assert_eq!(
        u.status.as_deref(),
        Some("Unsubscriber created successfully")
    );
    let parsed = Event::parse(&fixture("unsubscription_bare_rcs.json")).unwrap();
    assert!(parsed.drift.is_empty(), "{:?}", parsed.drift);
    let Event::Unsubscription(u) = &parsed.event else {
        panic!("expected a bare unsubscription, got {:?}", parsed.event);
    };
    assert_eq!(u.id, Some(Id::Number(73)));
    assert_eq!(u.scope, Some(OptOutScope::All));
    assert_eq!(parsed.event.name(), names::UNSUBSCRIPTION);
    // Re-serialized in the envelope form, the record is the payload.
    let json = serde_json::to_value(&parsed.event).unwrap();
    assert_eq!(json["event"], "unsubscription");
    assert_eq!(json["payload"]["receiver"], "917002088xxx");
}
