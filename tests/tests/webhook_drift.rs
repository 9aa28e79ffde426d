//! Drift in webhook payloads: the forms the platform's PHP sender really produces parse into
//! typed events, and every difference from the spec is reported once with its JSON pointer —
//! as `Delivery::drift`, in the verifier's `DriftLog` (hook, reports, count), and as a
//! `tracing` event.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use qikberry::drift::{DriftKind, DriftLog, DriftReport as Drift};
use qikberry::webhook::{
    CallStatus, ChannelStatus, Event, IncomingRequest, Outcome, ParseError, SmsStatus, Verifier,
};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// `(pointer, kind)` of each report, sorted.
fn reports(drift: &[Drift]) -> Vec<(String, String)> {
    let mut v: Vec<_> = drift
        .iter()
        .map(|d| (d.pointer.clone(), d.kind.to_string()))
        .collect();
    v.sort();
    v
}

fn lenient(pointer: &str, what: &str) -> (String, String) {
    (
        pointer.to_owned(),
        DriftKind::Lenient {
            detail: what.to_owned().into(),
        }
        .to_string(),
    )
}

#[test]
fn voice_push_with_numeric_numbers_and_zero_end_time() {
    let parsed = Event::parse(&fixture("voice_message_out_numeric.json")).unwrap();
    let Event::VoiceCall(c) = &parsed.event else {
        panic!("{:?}", parsed.event)
    };
    assert_eq!(c.bridge.as_deref(), Some("918068057123"));
    assert_eq!(c.from.as_deref(), Some("918068287602"));
    assert_eq!(c.to.as_deref(), Some("918919525224"));
    assert_eq!(c.id, None);
    assert_eq!(c.end_at, None);
    assert_eq!(c.status, Some(CallStatus::Answer));
    assert_eq!(
        reports(&parsed.drift),
        vec![
            lenient("/payload/bridge", "number as string"),
            lenient("/payload/end_at", "zero date as no time"),
            lenient("/payload/from", "number as string"),
            lenient("/payload/to", "number as string"),
        ]
    );
    assert!(parsed.drift.iter().all(|d| d.source == "voice:message:out"));
}

#[test]
fn pulsing_is_a_numeric_string_and_a_bare_number_is_drift() {
    let documented = Event::parse(&fixture("voice_message_out.json")).unwrap();
    let Event::VoiceCall(c) = &documented.event else {
        panic!("{:?}", documented.event)
    };
    assert_eq!(c.pulsing, Some(30));
    assert_eq!(reports(&documented.drift), vec![]);
    let body = br#"{"event":"voice:message:out","payload":{"id":"a:1","pulsing":60}}"#;
    let numeric = Event::parse(body).unwrap();
    let Event::VoiceCall(c) = &numeric.event else {
        panic!("{:?}", numeric.event)
    };
    assert_eq!(c.pulsing, Some(60));
    assert_eq!(
        reports(&numeric.drift),
        vec![lenient("/payload/pulsing", "number as numeric string")]
    );
}

#[test]
fn flat_dlr_with_zero_date_zero_credits_and_string_units() {
    let parsed = Event::parse(&fixture("sms_dlr_flat_zero_date.json")).unwrap();
    let Event::SmsStatus(r) = &parsed.event else {
        panic!("{:?}", parsed.event)
    };
    assert_eq!(r.status, SmsStatus::Undelivered);
    assert_eq!(r.deliv_time, None);
    assert_eq!(r.credits.map(|c| c.to_string()).as_deref(), Some("0"));
    assert_eq!(r.units, Some(1));
    assert_eq!(r.mobile.as_deref(), Some("919876543210"));
    assert_eq!(r.cid, None);
    assert_eq!(
        reports(&parsed.drift),
        vec![
            lenient("/credits", "number as decimal string"),
            lenient("/deliv_time", "zero date as no time"),
            lenient("/mobile", "number as string"),
            lenient("/units", "string as integer"),
        ]
    );
}

#[test]
fn unknown_status_values_are_kept_and_reported() {
    let body =
        br#"{"event":"viber:message:status","payload":{"id":7,"status":"wobbling","to":9190199}}"#;
    let parsed = Event::parse(body).unwrap();
    let Event::ViberStatus(s) = &parsed.event else {
        panic!("{:?}", parsed.event)
    };
    assert_eq!(s.status, ChannelStatus::Unknown("wobbling".into()));
    assert_eq!(
        reports(&parsed.drift),
        vec![
            (
                "/payload/status".to_owned(),
                DriftKind::UnknownEnumValue {
                    type_name: "ChannelStatus".into(),
                    value: "wobbling".into(),
                }
                .to_string()
            ),
            lenient("/payload/to", "number as string"),
        ]
    );
    // The documented Viber "expired" is known: no drift.
    let parsed = Event::parse(&fixture("viber_message_status.json")).unwrap();
    let Event::ViberStatus(s) = &parsed.event else {
        panic!()
    };
    assert_eq!(s.status, ChannelStatus::Expired);
    assert!(
        parsed
            .drift
            .iter()
            .all(|d| !matches!(d.kind, DriftKind::UnknownEnumValue { .. })),
        "{:?}",
        parsed.drift
    );
}

#[test]
fn unknown_members_are_reported_at_any_depth() {
    let body = br#"{"event":"whatsapp:message:in","payload":{"id":"m1","brand_new":1,"recipient":{"from":"91999","user":{"id":3,"nick/name":"x"}},"message":{"type":"text","payload":{"text":"hi"}}}}"#;
    let parsed = Event::parse(body).unwrap();
    assert_eq!(parsed.event.name(), "whatsapp:message:in");
    let unknown: Vec<_> = parsed
        .drift
        .iter()
        .filter(|d| d.kind == DriftKind::UnknownField)
        .map(|d| d.pointer.as_str())
        .collect();
    // RFC 6901 escaping: `/` in a member name becomes `~1`.
    assert_eq!(
        unknown,
        ["/payload/brand_new", "/payload/recipient/user/nick~1name"]
    );
}

#[test]
fn unknown_and_unparsed_events_are_reported() {
    let parsed = Event::parse(br#"{"event":"fax:message:in","payload":{"pages":3}}"#).unwrap();
    assert!(matches!(parsed.event, Event::Unknown { .. }));
    assert_eq!(
        reports(&parsed.drift),
        vec![(
            "/event".to_owned(),
            DriftKind::UnknownEnumValue {
                type_name: "WebhookEventName".into(),
                value: "fax:message:in".into(),
            }
            .to_string()
        )]
    );

    let parsed = Event::parse(
        br#"{"event":"rcs:message:status","payload":{"id":{"nested":1},"status":"read"}}"#,
    )
    .unwrap();
    let Event::Unparsed {
        event,
        payload,
        error,
    } = &parsed.event
    else {
        panic!("{:?}", parsed.event)
    };
    assert_eq!(event, "rcs:message:status");
    assert_eq!(payload.get(), r#"{"id":{"nested":1},"status":"read"}"#);
    assert!(matches!(error, ParseError::Payload { path, .. } if path == "/payload/id"));
    assert_eq!(parsed.drift.len(), 1);
    assert_eq!(parsed.drift[0].pointer, "/payload/id");
    assert!(matches!(parsed.drift[0].kind, DriftKind::Unparsed { .. }));
}

#[test]
fn bare_contact_payload_is_the_contacts_event() {
    let body = fixture("contacts_bare.json");
    let parsed = Event::parse(&body).unwrap();
    let Event::Contact(c) = &parsed.event else {
        panic!("{:?}", parsed.event)
    };
    assert_eq!(c.identity.as_deref(), Some("demo@gmail.com"));
    assert!(parsed.drift.is_empty(), "{:?}", parsed.drift);
    // Same key as the enveloped form of the same contact change.
    let env = fixture("contacts_subscriber_created.json");
    let enveloped = Event::from_slice(&env).unwrap();
    assert_eq!(
        parsed.event.idempotency_key(&body),
        enveloped.idempotency_key(&env)
    );
}

/// Captures `tracing` events as lines.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut f = Fields(event.metadata().target().to_owned());
        event.record(&mut f);
        self.0.lock().unwrap().push(f.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn verifier_reports_to_hook_counter_and_tracing() {
    let capture = Capture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));
    let hooked = Arc::new(Mutex::new(Vec::new()));
    let sink = hooked.clone();
    let verifier =
        Verifier::new()
            .bearer_secret("s3cret")
            .drift_log(Arc::new(DriftLog::new().with_hook(move |d: &Drift| {
                sink.lock().unwrap().push(d.clone());
            })));
    let body = fixture("sms_dlr_flat_zero_date.json");
    let req = IncomingRequest {
        authorization: Some("Bearer s3cret"),
        body: &body,
        ..Default::default()
    };
    let Ok(Outcome::Event(d)) = verifier.process(&req) else {
        panic!()
    };
    assert_eq!(d.drift.len(), 4);
    assert_eq!(*hooked.lock().unwrap(), d.drift);
    assert_eq!(verifier.drift_reports().count(), 4);
    assert_eq!(verifier.drift_reports().reports(), d.drift);
    // The same drift again is in the delivery, but the log reports each drift once.
    let Ok(Outcome::Event(again)) = verifier.process(&req) else {
        panic!()
    };
    assert_eq!(again.drift.len(), 4);
    assert_eq!(verifier.drift_reports().count(), 4);
    assert_eq!(hooked.lock().unwrap().len(), 4);
    let lines = capture.0.lock().unwrap().clone();
    let drift_lines: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("qikberry::drift"))
        .collect();
    assert_eq!(drift_lines.len(), 4, "{lines:?}");
    assert!(
        drift_lines
            .iter()
            .any(|l| l.contains("pointer=/deliv_time") && l.contains("source=sms:message:status")),
        "{drift_lines:?}"
    );
    // The Bearer secret is nowhere in the reports.
    assert!(lines.iter().all(|l| !l.contains("s3cret")));
    // The raw body is kept for what the typed event has no field for.
    assert_eq!(&d.body[..], &body[..]);
}

/// Every push example of the spec's callbacks (the drifted ones included: the Viber "expired"
/// status, the voice push with numeric numbers, the zero-date DLR) parses to its typed event,
/// with a drift report for each undocumented form and none for a documented one.
#[test]
fn every_callback_example_in_the_spec_parses_typed() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/qikberry.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let spec: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let callbacks = spec
        .pointer("/paths/~1developer~1webhooks/post/callbacks")
        .and_then(|c| c.as_object())
        .expect("callbacks on POST /developer/webhooks");
    let mut checked = Vec::new();
    for (cb, expr) in callbacks {
        if cb == "validation" {
            continue; // the handshake, not an event (tested in webhook_events.rs)
        }
        let examples = expr
            .as_object()
            .and_then(|m| m.values().next())
            .and_then(|p| p.pointer("/post/requestBody/content/application~1json/examples"))
            .and_then(|e| e.as_object())
            .unwrap_or_else(|| panic!("{cb}: no examples"));
        for (name, ex) in examples {
            let body = serde_json::to_vec(&ex["value"]).unwrap();
            let parsed = Event::parse(&body).unwrap();
            assert!(
                !matches!(parsed.event, Event::Unknown { .. } | Event::Unparsed { .. }),
                "{cb}/{name}: {:?}",
                parsed.event
            );
            checked.push(format!("{cb}/{name}"));
        }
    }
    for must in [
        "viber_message_status/expired",
        "voice_message_out/numeric_numbers",
        "sms_delivery_report_flat/zero_date",
    ] {
        assert!(
            checked.iter().any(|c| c == must),
            "{must} missing: {checked:?}"
        );
    }
}

/// JSON with a member given twice (valid JSON; serde's derive refuses it) is still an event:
/// the last duplicate wins, as in PHP, and the re-read is reported.
#[test]
fn duplicate_members_are_read_like_php_and_reported() {
    let body = br#"{"event":"sms:message:status","payload":{"id":"x:1","status":"FAILED"},"payload":{"id":"x:1","status":"DELIVRD"}}"#;
    let parsed = Event::parse(body).unwrap();
    let Event::SmsStatus(r) = &parsed.event else {
        panic!("{:?}", parsed.event)
    };
    assert_eq!(r.status, SmsStatus::Delivered);
    assert_eq!(parsed.drift.len(), 1, "{:?}", parsed.drift);
    assert!(
        matches!(&parsed.drift[0].kind, DriftKind::Lenient { detail } if detail.contains("duplicate"))
    );
}

/// The fixtures that are events (not the handshake, not the deliberately broken body).
const EVENT_FIXTURES: [&str; 25] = [
    "bad_payload_type.json",
    "contacts_bare.json",
    "contacts_subscriber_created.json",
    "contacts_subscriber_updated.json",
    "link_visit.json",
    "rcs_message_in.json",
    "rcs_message_status.json",
    "rcs_unsubscription.json",
    "sms_dlr_flat.json",
    "sms_dlr_flat_dlt_rejected.json",
    "sms_dlr_flat_zero_date.json",
    "sms_message_status.json",
    "sms_message_status_escaped.json",
    "sms_unsubscription.json",
    "unknown_event.json",
    "viber_message_in.json",
    "viber_message_status.json",
    "viber_unsubscription.json",
    "vmn_message_in.json",
    "voice_message_out.json",
    "voice_message_out_numeric.json",
    "voice_unsubscription.json",
    "whatsapp_message_in.json",
    "whatsapp_message_status.json",
    "whatsapp_unsubscription.json",
];

/// One change of the kind the PHP sender (or a newer platform) makes to a body.
#[derive(Clone, Debug)]
enum Mutation {
    /// A member the spec does not know, in the object picked by the index; the name may need
    /// RFC 6901 escaping.
    AddMember(usize, u16),
    /// A string of digits picked by the index, sent as a number.
    NumberForString(usize),
    /// A timestamp picked by the index, sent as the zero date.
    ZeroDate(usize),
    /// The leaf picked by the index, sent as `null`.
    Null(usize),
}

/// The JSON pointers of every object and every leaf below `v`, in document order.
fn places(v: &serde_json::Value, at: String, objects: &mut Vec<String>, leaves: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            objects.push(at.clone());
            for (k, child) in m {
                let key = k.replace('~', "~0").replace('/', "~1");
                places(child, format!("{at}/{key}"), objects, leaves);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                places(child, format!("{at}/{i}"), objects, leaves);
            }
        }
        _ => leaves.push(at),
    }
}

/// Applies `m` to `body`; returns the pointer of an added member.
fn mutate(body: &mut serde_json::Value, m: &Mutation) -> Option<String> {
    let (mut objects, mut leaves) = (Vec::new(), Vec::new());
    places(body, String::new(), &mut objects, &mut leaves);
    let leaf = |i: usize| leaves[i % leaves.len()].clone();
    match *m {
        Mutation::AddMember(i, n) => {
            let at = objects[i % objects.len()].clone();
            let name = match n % 3 {
                0 => format!("zz_new_{n}"),
                1 => format!("zz/new~{n}"),
                _ => format!("zz é {n}"),
            };
            let pointer = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
            let object = body.pointer_mut(&at)?.as_object_mut()?;
            object.insert(name, serde_json::json!({"nested": [n]}));
            Some(pointer)
        }
        Mutation::NumberForString(i) => {
            let slot = body.pointer_mut(&leaf(i))?;
            let digits = slot.as_str().filter(|s| {
                !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit())
            })?;
            *slot = serde_json::Value::from(digits.parse::<u64>().ok()?);
            None
        }
        Mutation::ZeroDate(i) => {
            let slot = body.pointer_mut(&leaf(i))?;
            let looks_like_time = slot
                .as_str()
                .is_some_and(|s| s.len() == 19 && s.as_bytes()[4] == b'-');
            if looks_like_time {
                *slot = "0000-00-00 00:00:00".into();
            }
            None
        }
        Mutation::Null(i) => {
            *body.pointer_mut(&leaf(i))? = serde_json::Value::Null;
            None
        }
    }
}

fn mutation() -> impl proptest::strategy::Strategy<Value = Mutation> {
    use proptest::prelude::*;
    prop_oneof![
        (any::<usize>(), any::<u16>()).prop_map(|(i, n)| Mutation::AddMember(i, n)),
        any::<usize>().prop_map(Mutation::NumberForString),
        any::<usize>().prop_map(Mutation::ZeroDate),
        any::<usize>().prop_map(Mutation::Null),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Whatever the platform changes in a body, the parse keeps it (no error, no panic), every
    /// drift report points at a value that exists in the body it came from, and a member added
    /// at the top of a typed payload is reported as unknown at exactly its pointer.
    #[test]
    fn drift_pointers_resolve_in_the_body_they_came_from(
        which in 0..EVENT_FIXTURES.len(),
        mutations in proptest::collection::vec(mutation(), 0..6),
    ) {
        let mut body: serde_json::Value =
            serde_json::from_slice(&fixture(EVENT_FIXTURES[which])).unwrap();
        let added: Vec<String> = mutations.iter().filter_map(|m| mutate(&mut body, m)).collect();
        let bytes = serde_json::to_vec(&body).unwrap();
        let parsed = Event::parse(&bytes).unwrap();
        for d in &parsed.drift {
            proptest::prop_assert!(
                d.pointer.is_empty() || body.pointer(&d.pointer).is_some(),
                "{d:?} does not resolve in {body}"
            );
        }
        if matches!(parsed.event, Event::Unknown { .. } | Event::Unparsed { .. }) {
            return Ok(());
        }
        let root = if body.get("event").is_some() { "/payload" } else { "" };
        for pointer in added {
            let top_level = pointer
                .strip_prefix(root)
                .is_some_and(|rest| rest.matches('/').count() == 1);
            if top_level {
                proptest::prop_assert!(
                    parsed
                        .drift
                        .iter()
                        .any(|d| d.pointer == pointer && d.kind == DriftKind::UnknownField),
                    "{pointer} not reported: {:?}",
                    parsed.drift
                );
            }
        }
    }
}
