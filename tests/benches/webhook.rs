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
//!
//! After the criterion groups, an interleaved table gives the figures to quote: per kind, each
//! variant's median time over 101 rounds divided by the `Value` parse's in the same round, the
//! fixed steps of `verify_parse` on their own (`bearer`, `signature`, `key`), and allocations
//! per call. Only the table: `cargo bench ... --bench webhook -- interleaved` (the filter skips
//! every criterion group).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qikberry::webhook::{Event, IncomingRequest, Outcome, SignatureScheme, Verifier};

mod common;
use common::{Call, allocs_per_call, interleaved};

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

/// Interleaved rounds per kind.
const ROUNDS: usize = 101;
/// Calls per variant per round (a few milliseconds each).
const CALLS: u64 = 1000;

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
    // The table runs with the whole bench or when asked for by name, not under a filter or a
    // profiling run of one criterion benchmark.
    let mut positional = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    if positional.all(|a| a == "interleaved") {
        ratios(&verifier, &bearer);
    }
}

/// The interleaved table (see the module docs).
fn ratios(verifier: &Verifier, bearer: &str) {
    println!(
        "interleaved: median ratio to the Value parse over {ROUNDS} rounds of {CALLS} calls, median µs per call, allocations per call"
    );
    println!(
        "  {:<24} {:>7} {:>7} {:>12} {:>7} {:>9} {:>7} {:>9} | {:>6} {:>6} {:>6}",
        "kind", "bytes", "Value", "parse", "", "verify", "", "µs", "bearer", "sig", "key"
    );
    for (name, body) in CASES {
        let signature = SignatureScheme::HmacSha256Hex
            .sign(KEY.as_bytes(), body)
            .unwrap_or_default();
        let req = IncomingRequest {
            authorization: Some(bearer),
            signature: Some(&signature),
            body,
            ..Default::default()
        };
        let event = Event::from_slice(body).expect("fixture parses");
        let variants: [(&str, Call); 6] = [
            ("value", &|| {
                drop(black_box(serde_json::from_slice::<serde_json::Value>(
                    black_box(body),
                )))
            }),
            ("parse", &|| drop(black_box(Event::parse(black_box(body))))),
            ("verify_parse", &|| {
                drop(black_box(verifier.process(black_box(&req))))
            }),
            ("bearer", &|| {
                drop(black_box(verifier.check_bearer(black_box(Some(bearer)))))
            }),
            ("signature", &|| {
                black_box(verifier.check_signature(black_box(body), Some(&signature)));
            }),
            ("key", &|| {
                drop(black_box(black_box(&event).idempotency_key(body)))
            }),
        ];
        let r = interleaved(&variants, CALLS, ROUNDS);
        let allocs: Vec<f64> = variants[..3]
            .iter()
            .map(|(_, call)| allocs_per_call(CALLS, call))
            .collect();
        println!(
            "  {name:<24} {:>7} {:>5.2}µs {:>5.2}x {:>4.0}a {:>5.2}x {:>5.2}µs {:>4.0}a | {:>5.2}x {:>5.2}x {:>5.2}x   (Value {:.0}a)",
            body.len(),
            r[0].micros,
            r[1].ratio,
            allocs[1],
            r[2].ratio,
            r[2].micros,
            allocs[2],
            r[3].ratio,
            r[4].ratio,
            r[5].ratio,
            allocs[0],
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
