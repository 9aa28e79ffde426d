//! The webhook receiver over real HTTP on loopback: a reqwest client (and a Node.js sender that
//! signs like the platform's PHP library) talking to `qikberry::webhook::Receiver`.

use std::path::PathBuf;
use std::time::Duration;

use hmac::{Hmac, Mac};
use qikberry::webhook::{
    Delivery, Event, Receiver, SignaturePolicy, SignatureStatus, Verifier, names,
};
use sha2::Sha256;
use tokio::sync::mpsc;

const VALIDATION_KEY: &str = "9012XX";
const SECRET: &str = "1233XXX";
const WEBHOOK_ID: &str = "dd4b91af-167d-48e6-901d-ae181ff6e80d";
const MOUNT: &str = "/hooks/qikberry";

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// Lowercase hex HMAC-SHA256, computed here independently of the receiver's code.
fn sign(key: &str, body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("hmac key");
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

fn verifier() -> Verifier {
    Verifier::new()
        .validation_key(VALIDATION_KEY)
        .bearer_secret(SECRET)
        .signature_key(WEBHOOK_ID)
}

async fn serve(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let app = axum::Router::new().nest(
        MOUNT,
        receiver
            .router()
            .expect("the verifier authenticates events"),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}{MOUNT}")
}

async fn start(v: Verifier) -> (String, mpsc::Receiver<Delivery>) {
    let (receiver, rx) = Receiver::with_channel(v, 64);
    (serve(receiver).await, rx)
}

fn client() -> reqwest::Client {
    qikberry::tls::http_client_builder()
        .unwrap()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn post_signed(url: &str, body: &[u8]) -> reqwest::Response {
    client()
        .post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", sign(WEBHOOK_ID, body))
        .body(body.to_vec())
        .send()
        .await
        .expect("request")
}

async fn next(rx: &mut mpsc::Receiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("no delivery within 10 s")
        .expect("channel closed")
}

fn assert_nothing_delivered(rx: &mut mpsc::Receiver<Delivery>) {
    if let Ok(d) = rx.try_recv() {
        panic!("unexpected delivery {:?}", d.key);
    }
}

#[tokio::test]
async fn handshake_echoes_challenge_only_for_the_right_key() {
    let (url, mut rx) = start(verifier()).await;
    let body = fixture("handshake.json");
    let r = client()
        .post(format!("{url}?token={VALIDATION_KEY}"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v, serde_json::json!({"challenge": "a234qwe"}));

    let r = client()
        .post(format!("{url}?token=9012XY"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_nothing_delivered(&mut rx);
}

#[tokio::test]
async fn every_fixture_event_is_accepted_and_delivered() {
    // No de-duplication here: the enveloped and the flat DLR fixture are the same event.
    let (receiver, mut rx) = Receiver::with_channel(verifier(), 64);
    let url = serve(receiver.without_dedupe()).await;
    let cases = [
        ("sms_message_status.json", names::SMS_MESSAGE_STATUS),
        ("sms_dlr_flat.json", names::SMS_MESSAGE_STATUS),
        ("sms_dlr_flat_dlt_rejected.json", names::SMS_MESSAGE_STATUS),
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
        (
            "contacts_subscriber_updated.json",
            names::CONTACTS_SUBSCRIBER_SUBSCRIPTION,
        ),
        ("link_visit.json", names::LINK_VISIT),
        ("unknown_event.json", "email:message:status"),
    ];
    for (file, name) in cases {
        let body = fixture(file);
        let r = post_signed(&url, &body).await;
        assert_eq!(
            r.status(),
            200,
            "{file}: {}",
            r.text().await.unwrap_or_default()
        );
        let d = next(&mut rx).await;
        assert_eq!(d.event.name(), name, "{file}");
        assert_eq!(d.signature, SignatureStatus::Valid, "{file}");
        if file == "unknown_event.json" {
            assert!(matches!(d.event, Event::Unknown { .. }));
        }
    }
    assert_nothing_delivered(&mut rx);
}

#[tokio::test]
async fn auth_failures_get_401_and_deliver_nothing() {
    let (url, mut rx) = start(verifier()).await;
    let body = fixture("whatsapp_message_status.json");
    let good_sig = sign(WEBHOOK_ID, &body);
    let truncated = good_sig[..32].to_string();
    let wrong_key_sig = sign("another-webhook", &body);
    let cases: Vec<(&str, Option<String>, Option<String>)> = vec![
        ("no bearer", None, Some(good_sig.clone())),
        (
            "wrong bearer",
            Some("Bearer 1233XXY".into()),
            Some(good_sig.clone()),
        ),
        (
            "bearer prefix only",
            Some("Bearer 1233".into()),
            Some(good_sig.clone()),
        ),
        ("no signature", Some(format!("Bearer {SECRET}")), None),
        (
            "wrong key",
            Some(format!("Bearer {SECRET}")),
            Some(wrong_key_sig),
        ),
        (
            "truncated signature",
            Some(format!("Bearer {SECRET}")),
            Some(truncated),
        ),
        (
            "empty signature",
            Some(format!("Bearer {SECRET}")),
            Some(String::new()),
        ),
    ];
    for (what, auth, sig) in cases {
        let mut rb = client()
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(a) = auth {
            rb = rb.header("authorization", a);
        }
        if let Some(s) = sig {
            rb = rb.header("signature", s);
        }
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), 401, "{what}");
    }
    // A body changed after signing.
    let mut tampered = body.clone();
    let pos = tampered
        .windows(4)
        .position(|w| w == b"read")
        .expect("status in fixture");
    tampered[pos..pos + 4].copy_from_slice(b"sent");
    let r = client()
        .post(&url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", &good_sig)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "tampered body");
    assert_nothing_delivered(&mut rx);
}

#[tokio::test]
async fn bad_input_status_codes() {
    let (receiver, mut rx) = Receiver::with_channel(verifier(), 8);
    let url = serve(receiver.body_limit(1024)).await;

    // Wrong or missing content type → 415.
    let body = fixture("sms_message_status.json");
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut rb = client()
            .post(&url)
            .header("authorization", format!("Bearer {SECRET}"))
            .header("signature", sign(WEBHOOK_ID, &body))
            .body(body.clone());
        if let Some(ct) = ct {
            rb = rb.header("content-type", ct);
        }
        assert_eq!(rb.send().await.unwrap().status(), 415, "{ct:?}");
    }
    // A charset parameter is fine.
    let r = client()
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", sign(WEBHOOK_ID, &body))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    next(&mut rx).await;

    // Over the limit with Content-Length → 413.
    let mut big = br#"{"event":"x","payload":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 4096));
    big.extend_from_slice(br#""}"#);
    assert_eq!(post_signed(&url, &big).await.status(), 413);

    // Over the limit, chunked (no Content-Length) → 413.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(300).map(|c| Ok(c.to_vec())).collect();
    let r = client()
        .post(&url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", sign(WEBHOOK_ID, &big))
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    // Malformed JSON (correctly signed) → 400, with a message naming the problem.
    let r = post_signed(&url, &fixture("malformed.json")).await;
    assert_eq!(r.status(), 400);
    // Empty body → 400.
    assert_eq!(post_signed(&url, b"").await.status(), 400);
    assert_nothing_delivered(&mut rx);

    // Authenticated JSON is never refused: a known event with a wrong field type arrives as
    // Unparsed (naming the JSON pointer), a non-object as Unknown.
    let r = post_signed(&url, &fixture("bad_payload_type.json")).await;
    assert_eq!(r.status(), 200);
    let d = next(&mut rx).await;
    let Event::Unparsed { event, error, .. } = &d.event else {
        panic!("{:?}", d.event)
    };
    assert_eq!(event, "sms:message:status");
    assert!(error.to_string().contains("/payload/credits"), "{error}");
    assert_eq!(d.drift.len(), 1);
    assert_eq!(d.drift[0].pointer, "/payload/credits");
    assert_eq!(post_signed(&url, b"[]").await.status(), 200);
    assert!(matches!(next(&mut rx).await.event, Event::Unknown { .. }));

    // Methods.
    let r = client().put(&url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    // A GET without credentials is a health check (issue 22: was 401).
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .get(&url)
        .header("authorization", format!("Bearer {SECRET}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    assert_nothing_delivered(&mut rx);
}

#[tokio::test]
async fn duplicates_are_acknowledged_but_delivered_once() {
    let (url, mut rx) = start(verifier()).await;
    let body = fixture("rcs_message_status.json");
    for i in 0..3 {
        let r = post_signed(&url, &body).await;
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            v["duplicate"].as_bool().unwrap_or(false),
            i > 0,
            "attempt {i}"
        );
    }
    let d = next(&mut rx).await;
    assert_eq!(
        d.key.as_str(),
        "rcs:message:status/a418d672-9781-4d97-b517-a56f7d95ad8a/delivered"
    );
    // A later status of the same message is a new event.
    let read = String::from_utf8(body)
        .unwrap()
        .replace("\"delivered\"", "\"read\"");
    assert_eq!(post_signed(&url, read.as_bytes()).await.status(), 200);
    let d = next(&mut rx).await;
    assert!(d.key.as_str().ends_with("/read"));
    // Same DLR as envelope and flat: one delivery.
    assert_eq!(
        post_signed(&url, &fixture("sms_message_status.json"))
            .await
            .status(),
        200
    );
    assert_eq!(
        post_signed(&url, &fixture("sms_dlr_flat.json"))
            .await
            .status(),
        200
    );
    next(&mut rx).await;
    assert_nothing_delivered(&mut rx);
}

#[tokio::test]
async fn full_channel_gets_503_and_the_retry_is_delivered() {
    let (receiver, mut rx) = Receiver::with_channel(verifier(), 1);
    let url = serve(receiver).await;
    let a = fixture("sms_unsubscription.json");
    let b = fixture("rcs_unsubscription.json");
    assert_eq!(post_signed(&url, &a).await.status(), 200);
    // The consumer has not taken `a` yet: no room for `b`.
    assert_eq!(post_signed(&url, &b).await.status(), 503);
    assert_eq!(next(&mut rx).await.event.name(), names::SMS_UNSUBSCRIPTION);
    // The platform's retry of `b` is not treated as a duplicate.
    assert_eq!(post_signed(&url, &b).await.status(), 200);
    assert_eq!(next(&mut rx).await.event.name(), names::RCS_UNSUBSCRIPTION);
}

#[tokio::test]
async fn callback_runs_without_blocking_the_response() {
    let (release_tx, release_rx) = tokio::sync::watch::channel(false);
    let (done_tx, mut done_rx) = mpsc::channel::<String>(4);
    let receiver = Receiver::with_callback(verifier(), move |d: Delivery| {
        let mut release = release_rx.clone();
        let done = done_tx.clone();
        async move {
            // Wait until the test has seen the HTTP answer.
            while !*release.borrow() {
                if release.changed().await.is_err() {
                    return;
                }
            }
            let _ = done.send(d.key.to_string()).await;
        }
    });
    let url = serve(receiver).await;
    let r = tokio::time::timeout(
        Duration::from_secs(10),
        post_signed(&url, &fixture("voice_message_out.json")),
    )
    .await
    .expect("the answer waited for the callback");
    assert_eq!(r.status(), 200);
    assert!(done_rx.try_recv().is_err());
    release_tx.send(true).unwrap();
    let key = tokio::time::timeout(Duration::from_secs(10), done_rx.recv())
        .await
        .expect("callback did not finish")
        .unwrap();
    assert_eq!(
        key,
        "voice:message:out/047d8cfc-77d1-4f6c-bfb5-e81f1a1343a7:1/ANSWER"
    );
}

#[tokio::test]
async fn monitor_mode_accepts_and_reports_bad_signatures() {
    let v = verifier().signature_policy(SignaturePolicy::Monitor);
    let (url, mut rx) = start(v).await;
    let body = fixture("viber_message_status.json");
    let r = client()
        .post(&url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("signature", "deadbeef")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(next(&mut rx).await.signature, SignatureStatus::Invalid);
    // The Bearer secret is still enforced.
    let r = client()
        .post(&url)
        .header("content-type", "application/json")
        .body(fixture("viber_unsubscription.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

/// A Node.js sender that encodes and signs like the platform's PHP library.
#[tokio::test]
async fn node_sender_with_php_style_escaping_verifies() {
    let (url, mut rx) = start(verifier()).await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/webhook_sender.mjs");
    // A payload with `/` and non-ASCII text, which the sender escapes.
    let dir = std::env::temp_dir().join(format!("qikberry-webhook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("escaped.json");
    std::fs::write(
        &file,
        r#"{"event":"whatsapp:message:in","payload":{"id":"wamid-77","channels":[{"name":"whatsapp","to":"919019120000"}],"recipient":{"from":"919900000001"},"message":{"type":"text","payload":{"text":"Ça marche ✓ https://example.com/x 😀"}}}}"#,
    )
    .unwrap();
    for (secret, expect) in [(SECRET, 200), ("wrong", 401)] {
        let out = tokio::process::Command::new("node")
            .arg(&script)
            .arg(&url)
            .arg(WEBHOOK_ID)
            .arg(secret)
            .arg(&file)
            .output()
            .await
            .unwrap_or_else(|e| panic!("cannot run `node` (needed for this test): {e}"));
        assert!(
            out.status.success(),
            "node sender failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("sender output is JSON");
        assert_eq!(report["status"], expect, "{report}");
        let sent = report["sent"].as_str().unwrap();
        assert!(sent.contains(r"https:\/\/example.com\/x"), "{sent}");
        assert!(sent.contains(r"\u00c7a"), "{sent}");
        assert!(sent.contains(r"\ud83d\ude00"), "{sent}");
    }
    let d = next(&mut rx).await;
    let Event::WhatsappIn(m) = &d.event else {
        panic!("{:?}", d.event)
    };
    assert_eq!(m.text(), Some("Ça marche ✓ https://example.com/x 😀"));
    assert_nothing_delivered(&mut rx);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sends raw HTTP/1.1 head + the first bytes of a body that never finishes, and reads the
/// answer: a receiver that waits for the body before checking the Bearer secret never answers.
async fn answer_to_unfinished_body(url: &str, authorization: Option<&str>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest.split_at(rest.find('/').expect("path"));
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let auth = authorization
        .map(|a| format!("authorization: {a}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         content-length: 900000\r\n{auth}\r\n{{\"event\":"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("no answer within 5 s: the body was awaited before the Bearer check")
        .expect("read");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Issue 22: the Bearer header is checked before the body is read (was: up to 1 MiB read and
/// parsed first). The request below never finishes its body; only a check made from the
/// headers can answer it.
#[tokio::test]
async fn bearer_is_checked_before_the_body_is_read() {
    let (url, mut rx) = start(verifier()).await;
    let answer = answer_to_unfinished_body(&url, None).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let answer = answer_to_unfinished_body(&url, Some("Bearer wrong")).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_nothing_delivered(&mut rx);
}

/// Issue 22: a possible handshake (a `token` in the query) without a Bearer secret may send
/// at most `HANDSHAKE_BODY_LIMIT` bytes; the right key and a small body still pass.
#[tokio::test]
async fn a_handshake_without_bearer_is_held_to_a_small_body() {
    let (url, _rx) = start(verifier()).await;
    let mut big = br#"{"validation_key":"9012XX","challenge":"c","pad":""#.to_vec();
    big.resize(qikberry::webhook::HANDSHAKE_BODY_LIMIT + 100, b'x');
    big.extend_from_slice(b"\"}");
    let r = client()
        .post(format!("{url}?token={VALIDATION_KEY}"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = client()
        .post(format!("{url}?token={VALIDATION_KEY}"))
        .header("content-type", "application/json")
        .body(fixture("handshake.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Issue 22: a load balancer's health check (GET or HEAD, no credentials) gets 200 (was
/// 401); with an `Authorization` header the secret is still checked.
#[tokio::test]
async fn health_checks_get_200_and_a_presented_secret_is_checked() {
    let (url, _rx) = start(verifier()).await;
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v, serde_json::json!({"status": "OK"}));
    assert_eq!(client().head(&url).send().await.unwrap().status(), 200);
    let r = client()
        .get(&url)
        .header("authorization", format!("Bearer {SECRET}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .get(&url)
        .header("authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

/// Issue 22: a verifier that authenticates no event is refused (was: accepted everything
/// silently), unless the user opts out explicitly.
#[test]
fn a_receiver_without_any_secret_is_refused_unless_allowed() {
    let refused = |v: Verifier| Receiver::with_channel(v, 1).0.router().is_err();
    assert!(refused(Verifier::new()));
    assert!(refused(Verifier::new().validation_key(VALIDATION_KEY)));
    // A signature key that is only monitored authenticates nothing either.
    assert!(refused(
        Verifier::new()
            .signature_key(WEBHOOK_ID)
            .signature_policy(SignaturePolicy::Monitor)
    ));
    let err = Receiver::with_channel(Verifier::new(), 1)
        .0
        .router()
        .unwrap_err();
    assert!(err.to_string().contains("allow_unauthenticated"), "{err}");
    assert!(!refused(Verifier::new().bearer_secret(SECRET)));
    assert!(!refused(Verifier::new().signature_key(WEBHOOK_ID)));
    assert!(!refused(Verifier::new().allow_unauthenticated()));
}
