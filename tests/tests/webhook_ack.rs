//! Acknowledge-after-handler mode over real HTTP on loopback, and the property that nothing
//! authenticated is lost: random drifted payloads of every event, signed like the platform
//! signs them, are never answered 4xx and reach the handler exactly once across the
//! redeliveries a failing handler causes.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use proptest::prelude::*;
use qikberry::webhook::{
    BoxFuture, Claim, DedupeError, DedupeStore, Delivery, Event, IdempotencyKey, InMemoryDedupe,
    Receiver, Verifier,
};
use serde_json::{Value, json};
use sha2::Sha256;

const SECRET: &str = "1233XXX";
const WEBHOOK_ID: &str = "dd4b91af-167d-48e6-901d-ae181ff6e80d";

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// Lowercase hex HMAC-SHA256, computed here independently of the receiver's code.
fn sign(body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(WEBHOOK_ID.as_bytes()).expect("hmac key");
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

fn verifier() -> Verifier {
    Verifier::new()
        .bearer_secret(SECRET)
        .signature_key(WEBHOOK_ID)
}

async fn serve(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            receiver
                .router()
                .expect("the verifier authenticates events"),
        )
        .await;
    });
    format!("http://{addr}/")
}

async fn post(client: &reqwest::Client, url: &str, body: &[u8]) -> u16 {
    client
        .post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", sign(body))
        .body(body.to_vec())
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// What the handler saw: successful handlings per key, and failures still to inject per key.
#[derive(Clone, Default)]
struct Ledger {
    handled: Arc<Mutex<HashMap<String, u32>>>,
    fail_next: Arc<Mutex<HashMap<String, u32>>>,
}

impl Ledger {
    /// A handler that fails (or panics, every other time) while `fail_next[key] > 0`, then
    /// records a success.
    fn receiver(&self) -> Receiver {
        let ledger = self.clone();
        Receiver::with_handler(verifier(), move |d: Delivery| {
            let ledger = ledger.clone();
            async move {
                let key = d.key.to_string();
                let remaining = {
                    let mut f = ledger.fail_next.lock().unwrap();
                    let r = f.entry(key.clone()).or_insert(0);
                    let before = *r;
                    *r = r.saturating_sub(1);
                    before
                };
                if remaining > 0 {
                    if remaining % 2 == 0 {
                        panic!("handler panics for {key}");
                    }
                    return Err(format!("database down for {key}"));
                }
                *ledger.handled.lock().unwrap().entry(key).or_insert(0) += 1;
                Ok(())
            }
        })
    }

    fn handled(&self) -> HashMap<String, u32> {
        self.handled.lock().unwrap().clone()
    }
}

/// Delivers like the platform: repeats the same bytes while the answer is not 2xx (the real
/// sender waits 10 s, 100 s, …; here there is no wait). Returns every status seen.
async fn deliver(client: &reqwest::Client, url: &str, body: &[u8]) -> Vec<u16> {
    let mut seen = Vec::new();
    for _ in 0..8 {
        let s = post(client, url, body).await;
        seen.push(s);
        if (200..300).contains(&s) {
            break;
        }
    }
    seen
}

fn key_of(body: &[u8]) -> String {
    Event::from_slice(body)
        .expect("JSON body")
        .idempotency_key(body)
        .to_string()
}

#[tokio::test]
async fn handler_failure_gets_500_then_the_redelivery_is_handled_once() {
    let ledger = Ledger::default();
    let url = serve(ledger.receiver()).await;
    let client = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let body = fixture("rcs_message_status.json");
    let key = key_of(&body);
    // Fails once (Err), then panics once, then succeeds.
    ledger.fail_next.lock().unwrap().insert(key.clone(), 2);
    let statuses = deliver(&client, &url, &body).await;
    assert_eq!(statuses, vec![500, 500, 200]);
    assert_eq!(ledger.handled().get(&key), Some(&1));
    // A late retry of the same bytes is acknowledged and not handled again.
    assert_eq!(post(&client, &url, &body).await, 200);
    assert_eq!(ledger.handled().get(&key), Some(&1));
}

#[tokio::test]
async fn a_duplicate_during_handling_is_told_to_retry_not_acknowledged() {
    let gate = Arc::new(tokio::sync::Notify::new());
    let handled = Arc::new(Mutex::new(0u32));
    let (g, h) = (gate.clone(), handled.clone());
    let receiver = Receiver::with_handler(verifier(), move |_d: Delivery| {
        let (g, h) = (g.clone(), h.clone());
        async move {
            g.notified().await;
            *h.lock().unwrap() += 1;
            Ok::<(), std::io::Error>(())
        }
    });
    let url = serve(receiver).await;
    let client = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let body = fixture("whatsapp_message_status.json");
    let first = {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        tokio::spawn(async move { post(&client, &url, &body).await })
    };
    // Wait until the first delivery is inside the handler.
    let mut second = 0;
    for _ in 0..200 {
        second = post(&client, &url, &body).await;
        if second == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        second, 503,
        "a copy arriving mid-handling must not be acknowledged"
    );
    gate.notify_one();
    assert_eq!(first.await.unwrap(), 200);
    assert_eq!(post(&client, &url, &body).await, 200);
    assert_eq!(*handled.lock().unwrap(), 1);
}

/// Posts like the platform's sender, which hangs up when no answer came within `patience`.
async fn post_with_patience(url: &str, body: &[u8], patience: Duration) -> Option<u16> {
    let client = qikberry::tls::http_client_builder()
        .unwrap()
        .timeout(patience)
        .build()
        .expect("client");
    client
        .post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", sign(body))
        .body(body.to_vec())
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

/// Waits until `cond` holds (polling), at most 10 s.
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 10 s: {what}");
}

/// Issue 22: a handler slower than the sender's patience still counts. The sender hangs up
/// (hyper drops the request future); the handler's success must still complete the key, so
/// the retry is answered 200 and not handled again. Before the fix, `complete` never ran:
/// retries got 503 for the whole claim lease, then the event was handled a second time.
#[tokio::test]
async fn a_slow_success_after_the_sender_hung_up_is_kept() {
    let handled = Arc::new(Mutex::new(0u32));
    let h = handled.clone();
    let receiver = Receiver::with_handler(verifier(), move |_d: Delivery| {
        let h = h.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            *h.lock().unwrap() += 1;
            Ok::<(), std::io::Error>(())
        }
    });
    let url = serve(receiver).await;
    let body = fixture("sms_message_status.json");
    let first = post_with_patience(&url, &body, Duration::from_millis(100)).await;
    assert_eq!(first, None, "the sender was meant to hang up");
    eventually("the slow handler finished", || {
        *handled.lock().unwrap() == 1
    })
    .await;
    // The settle runs right after the handler; give it its turn, then retry like the platform.
    let mut retry = 0;
    for _ in 0..100 {
        retry = post(
            &qikberry::tls::http_client_builder()
                .unwrap()
                .build()
                .unwrap(),
            &url,
            &body,
        )
        .await;
        if retry != 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        retry, 200,
        "the retry after a slow success must be acknowledged"
    );
    assert_eq!(*handled.lock().unwrap(), 1);
}

/// A user's store whose every step takes a while (a remote database): wraps the in-memory
/// one with a delay before each call.
struct SlowStore(InMemoryDedupe, Duration);

impl DedupeStore for SlowStore {
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        Box::pin(async move {
            tokio::time::sleep(self.1).await;
            self.0.claim(key).await
        })
    }
    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            tokio::time::sleep(self.1).await;
            self.0.complete(key).await
        })
    }
    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> BoxFuture<'a, Result<(), DedupeError>> {
        Box::pin(async move {
            tokio::time::sleep(self.1).await;
            self.0.release(key).await
        })
    }
}

/// Issue 22: the same gap between an async store's awaits. The handler is quick, the store
/// slow: the sender hangs up while `complete` is pending. The key must still end up done.
#[tokio::test]
async fn a_hang_up_between_the_stores_awaits_still_settles() {
    let handled = Arc::new(Mutex::new(0u32));
    let h = handled.clone();
    let receiver = Receiver::with_handler(verifier(), move |_d: Delivery| {
        let h = h.clone();
        async move {
            *h.lock().unwrap() += 1;
            Ok::<(), std::io::Error>(())
        }
    })
    .dedupe(Arc::new(SlowStore(
        InMemoryDedupe::default(),
        Duration::from_millis(150),
    )));
    let url = serve(receiver).await;
    let body = fixture("viber_message_status.json");
    // Claim (150 ms) and handler done, `complete` (150 ms more) pending at the hang-up.
    let first = post_with_patience(&url, &body, Duration::from_millis(220)).await;
    assert_eq!(first, None, "the sender was meant to hang up");
    eventually("the handler ran", || *handled.lock().unwrap() == 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        post(
            &qikberry::tls::http_client_builder()
                .unwrap()
                .build()
                .unwrap(),
            &url,
            &body
        )
        .await,
        200
    );
    assert_eq!(*handled.lock().unwrap(), 1);
}

/// One enveloped or flat base body per event the crate knows.
fn bases() -> Vec<Value> {
    let files = [
        "sms_message_status.json",
        "sms_dlr_flat.json",
        "sms_unsubscription.json",
        "whatsapp_message_in.json",
        "whatsapp_message_status.json",
        "whatsapp_unsubscription.json",
        "rcs_message_in.json",
        "rcs_message_status.json",
        "rcs_unsubscription.json",
        "voice_message_out.json",
        "voice_unsubscription.json",
        "viber_message_status.json",
        "viber_message_in.json",
        "viber_unsubscription.json",
        "vmn_message_in.json",
        "contacts_subscriber_created.json",
        "contacts_bare.json",
        "link_visit.json",
        "unknown_event.json",
    ];
    files
        .iter()
        .map(|f| serde_json::from_slice(&fixture(f)).expect("fixture is JSON"))
        .collect()
}

/// JSON pointers of every scalar (and empty container) under `v`.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                leaves(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, c) in a.iter().enumerate() {
                leaves(c, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}

/// The drift a PHP sender (or a newer platform) can produce at one value.
fn drift(v: &mut Value, how: u8, salt: u32) {
    *v = match (how % 9, &*v) {
        (0, Value::String(s)) => s.parse::<u64>().map(Value::from).unwrap_or(json!(salt)),
        (0, Value::Number(n)) => Value::String(n.to_string()),
        (0, _) => json!(salt),
        (1, _) => Value::Null,
        (2, _) => json!(""),
        (3, _) => json!("0000-00-00 00:00:00"),
        (4, _) => json!(format!("new-value-{salt}")),
        (5, _) => json!({ "nested": salt }),
        (6, _) => json!([salt]),
        (7, _) => json!(true),
        _ => json!(-1.5),
    };
}

fn mutate(base: &Value, edits: &[(usize, u8, u32)], extra_member: bool) -> Vec<u8> {
    let mut v = base.clone();
    let mut ptrs = Vec::new();
    leaves(&v, String::new(), &mut ptrs);
    for &(which, how, salt) in edits {
        let p = &ptrs[which % ptrs.len()];
        // Keep the envelope's event name: a drifted name is covered by `unknown_event.json`.
        if p == "/event" {
            continue;
        }
        if let Some(slot) = v.pointer_mut(p) {
            drift(slot, how, salt);
        }
    }
    if extra_member {
        let target = if v.get("payload").is_some_and(Value::is_object) {
            v.get_mut("payload")
        } else {
            Some(&mut v)
        };
        if let Some(Value::Object(m)) = target {
            m.insert("added_by_platform".into(), json!({ "x": 1 }));
        }
    }
    serde_json::to_vec(&v).expect("serialize")
}

/// One delivery of a case: (base index, edits (leaf, drift kind, salt), extra member, handler
/// failures before success).
type DeliveryPlan = (usize, Vec<(usize, u8, u32)>, bool, u32);

fn case() -> impl Strategy<Value = Vec<DeliveryPlan>> {
    let edit = (any::<usize>(), any::<u8>(), 0u32..1000);
    let delivery = (
        any::<usize>(),
        proptest::collection::vec(edit, 0..5),
        any::<bool>(),
        0u32..3,
    );
    proptest::collection::vec(delivery, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn drifted_authenticated_deliveries_are_never_refused_and_handled_exactly_once(cases in case()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let bases = bases();
            let ledger = Ledger::default();
            let url = serve(ledger.receiver()).await;
            let client = qikberry::tls::http_client_builder().unwrap().build().unwrap();
            let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            let mut bodies = Vec::new();
            for (which, edits, extra, failures) in cases {
                let body = mutate(&bases[which % bases.len()], &edits, extra);
                let key = key_of(&body);
                if !expected.contains_key(&key) {
                    ledger.fail_next.lock().unwrap().insert(key.clone(), failures);
                }
                expected.insert(key, body.clone());
                bodies.push(body);
            }
            for body in &bodies {
                let statuses = deliver(&client, &url, body).await;
                let text = String::from_utf8_lossy(body);
                assert!(statuses.iter().all(|s| *s < 400 || *s >= 500), "{statuses:?} for {text}");
                assert!(statuses.last().is_some_and(|s| (200..300).contains(s)), "{statuses:?} for {text}");
            }
            // Every redelivery after success is acknowledged without a second handling.
            for body in &bodies {
                assert_eq!(post(&client, &url, body).await, 200);
            }
            let handled = ledger.handled();
            let handled_keys: Vec<_> = handled.keys().cloned().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let expected_keys: Vec<_> = expected.keys().cloned().collect();
            assert_eq!(handled_keys, expected_keys);
            assert!(handled.values().all(|n| *n == 1), "{handled:?}");
        });
    }
}
