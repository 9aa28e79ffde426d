//! Fuzzes the webhook body parser and the verifier with arbitrary bytes.
//!
//! Run: `cargo +nightly fuzz run webhook_parse` (from the repository root).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qikberry::webhook::{Event, IncomingRequest, Outcome, SignaturePolicy, Verifier};

fuzz_target!(|data: &[u8]| {
    // The parser must never panic, whatever the bytes; any JSON is an event.
    match Event::parse(data) {
        Ok(parsed) => {
            // Anything that parsed must have a key and re-serialize, and every drift report
            // carries a JSON pointer (or the empty pointer of the whole body).
            let key = parsed.event.idempotency_key(data);
            assert!(!key.as_str().is_empty());
            let _ = serde_json::to_vec(&parsed.event);
            for d in &parsed.drift {
                assert!(d.pointer.is_empty() || d.pointer.starts_with('/'), "{d}");
            }
        }
        Err(_) => assert!(serde_json::from_slice::<serde_json::Value>(data).is_err()),
    }
    // The full check path, with the first bytes used as a header value.
    let split = data.len().min(64);
    let (head, body) = data.split_at(split);
    let header = String::from_utf8_lossy(head);
    let verifier = Verifier::new()
        .validation_key("v")
        .signature_key("k")
        .signature_policy(SignaturePolicy::Monitor);
    let req = IncomingRequest {
        query: Some(&header),
        authorization: None,
        signature: Some(&header),
        body,
        ..Default::default()
    };
    if let Ok(Outcome::Event(d)) = verifier.process(&req) {
        assert_eq!(d.key, d.event.idempotency_key(body));
    }
});
