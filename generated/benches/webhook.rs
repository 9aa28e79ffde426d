//! Webhook verify-and-parse throughput per event kind, side by side with parsing the same bytes
//! into `serde_json::Value`.
//!
//! Run: `cargo bench -p qikberry --no-default-features --features webhook-events --bench webhook`
//!
//! For each kind three functions run on identical bytes in the same process:
//! * `json_value` — `serde_json::from_slice::<serde_json::Value>` (the baseline),
//! * `parse` — `Event::from_slice` (typed parse only),
//! * `verify_parse` — `Verifier::process`: Bearer check (one SHA-256 of the presented token
//!   against the stored digest), HMAC-SHA256 signature over the raw body (keyed state prepared
//!   once), typed parse with unknown-member and drift detection, idempotency key, copy of the
//!   raw body into the `Delivery`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qikberry::webhook::{Event, IncomingRequest, Outcome, SignatureScheme, Verifier};

const KEY: &str = "dd4b91af-167d-48e6-901d-ae181ff6e80d";
const SECRET: &str = "1233XXX";

const CASES: &[(&str, &[u8])] = &[
    (
        "sms_dlr_flat",
        include_bytes!("../../tests/fixtures/webhooks/sms_dlr_flat.json"),
    ),
    (
        "sms_status",
        include_bytes!("../../tests/fixtures/webhooks/sms_message_status.json"),
    ),
    (
        "whatsapp_status",
        include_bytes!("../../tests/fixtures/webhooks/whatsapp_message_status.json"),
    ),
    (
        "whatsapp_in",
        include_bytes!("../../tests/fixtures/webhooks/whatsapp_message_in.json"),
    ),
    (
        "unsubscription",
        include_bytes!("../../tests/fixtures/webhooks/whatsapp_unsubscription.json"),
    ),
    (
        "voice_cdr",
        include_bytes!("../../tests/fixtures/webhooks/voice_message_out.json"),
    ),
    (
        "contact",
        include_bytes!("../../tests/fixtures/webhooks/contacts_subscriber_updated.json"),
    ),
    (
        "link_visit",
        include_bytes!("../../tests/fixtures/webhooks/link_visit.json"),
    ),
    (
        "unknown",
        include_bytes!("../../tests/fixtures/webhooks/unknown_event.json"),
    ),
    // Drifted bodies: each lenient read costs one replay of the typed decode to find its
    // JSON pointer (the price of reporting drift; bodies without drift never pay it).
    (
        "drift_voice_numeric",
        include_bytes!("../../tests/fixtures/webhooks/voice_message_out_numeric.json"),
    ),
    (
        "drift_sms_dlr_zero_date",
        include_bytes!("../../tests/fixtures/webhooks/sms_dlr_flat_zero_date.json"),
    ),
];

fn bench(c: &mut Criterion) {
    let verifier = Verifier::new().bearer_secret(SECRET).signature_key(KEY);
    let bearer = format!("Bearer {SECRET}");
    for (name, body) in CASES {
        let signature = SignatureScheme::HmacSha256Hex
            .sign(KEY.as_bytes(), body)
            .unwrap_or_default();
        let req = IncomingRequest {
            query: None,
            authorization: Some(&bearer),
            signature: Some(&signature),
            body,
            ..Default::default()
        };
        // Sanity: the case verifies and parses.
        assert!(
            matches!(verifier.process(&req), Ok(Outcome::Event(_))),
            "{name}"
        );

        let mut g = c.benchmark_group(format!("webhook/{name}"));
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function("json_value", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)))
        });
        g.bench_function("parse", |b| b.iter(|| Event::from_slice(black_box(body))));
        g.bench_function("verify_parse", |b| {
            b.iter(|| verifier.process(black_box(&req)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
