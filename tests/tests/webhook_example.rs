//! Runs the `webhook_receiver` example binary as a subprocess and talks HTTP to it.
//!
//! The binary is built by `cargo test --workspace --all-features` (examples are built with the
//! tests); when run alone, build it first with
//! `cargo build -p qikberry-examples --example webhook_receiver`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const VALIDATION_KEY: &str = "9012XX";
const SECRET: &str = "1233XXX";
const WEBHOOK_ID: &str = "dd4b91af-167d-48e6-901d-ae181ff6e80d";

fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> → target/<profile>/examples/webhook_receiver
    let profile_dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("test binary lives in target/<profile>/deps");
    let bin = profile_dir
        .join("examples")
        .join(format!("webhook_receiver{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "example binary {} not built: run `cargo build -p qikberry --features webhook-receiver \
         --example webhook_receiver` (or `cargo test --workspace --all-features`, which builds it)",
        bin.display()
    );
    bin
}

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

fn sign(key: &str, body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("hmac key");
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

struct Running {
    child: Child,
    stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    url: String,
}

async fn launch(extra: &[&str]) -> Running {
    let mut child = Command::new(example_binary())
        .args(extra)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--validation-key",
            VALIDATION_KEY,
            "--secret",
            SECRET,
            "--webhook-id",
            WEBHOOK_ID,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn example");
    let stderr = child.stderr.take().expect("stderr");
    let mut err_lines = BufReader::new(stderr).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = err_lines.next_line().await.expect("read stderr") {
            if let Some(a) = line.strip_prefix("listening on ") {
                return a.trim().to_owned();
            }
        }
        panic!("example exited before listening");
    })
    .await
    .expect("example did not report its address");
    // Keep draining stderr so the child never blocks on it.
    tokio::spawn(async move { while let Ok(Some(_)) = err_lines.next_line().await {} });
    let stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    Running {
        child,
        stdout,
        url: format!("http://{addr}/webhook"),
    }
}

async fn next_line(r: &mut Running) -> serde_json::Value {
    let line = tokio::time::timeout(Duration::from_secs(10), r.stdout.next_line())
        .await
        .expect("no stdout line within 10 s")
        .expect("read stdout")
        .expect("stdout closed");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}"))
}

async fn post(url: &str, body: &[u8], auth: Option<&str>, sig: Option<&str>) -> u16 {
    let mut rb = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(a) = auth {
        rb = rb.header("authorization", a);
    }
    if let Some(s) = sig {
        rb = rb.header("signature", s);
    }
    rb.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn example_binary_prints_one_line_per_accepted_event() {
    let mut run = launch(&[]).await;
    let bearer = format!("Bearer {SECRET}");

    // Handshake.
    let r = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap()
        .post(format!("{}?token={VALIDATION_KEY}", run.url))
        .header("content-type", "application/json")
        .body(fixture("handshake.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"challenge": "a234qwe"})
    );

    // Rejected requests: nothing on stdout.
    let body = fixture("sms_dlr_flat.json");
    assert_eq!(
        post(&run.url, &body, None, Some(&sign(WEBHOOK_ID, &body))).await,
        401
    );
    assert_eq!(
        post(&run.url, &body, Some(&bearer), Some("00ff")).await,
        401
    );
    assert_eq!(
        post(
            &run.url,
            b"{nope",
            Some(&bearer),
            Some(&sign(WEBHOOK_ID, b"{nope"))
        )
        .await,
        400
    );
    // Authenticated (the Bearer secret is checked first, from the headers), but not JSON.
    let r = qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap()
        .post(&run.url)
        .header("content-type", "text/plain")
        .header("authorization", &bearer)
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);

    // Accepted: the first stdout line is this event (so the rejected ones printed nothing).
    assert_eq!(
        post(
            &run.url,
            &body,
            Some(&bearer),
            Some(&sign(WEBHOOK_ID, &body))
        )
        .await,
        200
    );
    let line = next_line(&mut run).await;
    assert_eq!(line["event"], "sms:message:status");
    assert_eq!(
        line["key"],
        "sms:message:status/b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1/DELIVRD"
    );
    assert_eq!(line["payload"]["credits"], "2.0000");
    assert_eq!(line["signature"], "valid");

    // A duplicate is acknowledged but not printed; the next line is the next new event.
    assert_eq!(
        post(
            &run.url,
            &body,
            Some(&bearer),
            Some(&sign(WEBHOOK_ID, &body))
        )
        .await,
        200
    );
    let unknown = fixture("unknown_event.json");
    assert_eq!(
        post(
            &run.url,
            &unknown,
            Some(&bearer),
            Some(&sign(WEBHOOK_ID, &unknown))
        )
        .await,
        200
    );
    let line = next_line(&mut run).await;
    assert_eq!(line["event"], "email:message:status");
    assert!(line["key"].as_str().unwrap().contains("/xxh3-128:"));

    let _ = run.child.start_kill();
    let _ = run.child.wait().await;
}

/// `--record DIR` writes each accepted delivery as a `qikberry-webhook-record/1` file: the raw
/// body byte for byte, the headers without the Bearer secret, and the drift found.
#[tokio::test]
async fn record_writes_one_redacted_file_per_accepted_delivery() {
    let dir = std::env::temp_dir().join(format!("qikberry-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_str().expect("utf-8 temp dir").to_owned();
    let mut run = launch(&["--record", &dir_arg]).await;
    let bearer = format!("Bearer {SECRET}");
    let sent = [
        fixture("voice_message_out_numeric.json"),
        fixture("sms_dlr_flat_zero_date.json"),
    ];
    for body in &sent {
        let sig = sign(WEBHOOK_ID, body);
        assert_eq!(post(&run.url, body, Some(&bearer), Some(&sig)).await, 200);
        next_line(&mut run).await;
        // A duplicate is acknowledged and not recorded again.
        assert_eq!(post(&run.url, body, Some(&bearer), Some(&sig)).await, 200);
    }
    // Rejected: not recorded.
    assert_eq!(post(&run.url, &sent[0], None, None).await, 401);
    let _ = run.child.start_kill();
    let _ = run.child.wait().await;

    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("record dir")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for (file, body) in files.iter().zip(&sent) {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.contains(SECRET),
            "secret leaked into {}",
            file.display()
        );
        let rec: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(rec["format"], "qikberry-webhook-record/1");
        assert_eq!(rec["body"].as_str().unwrap().as_bytes(), &body[..]);
        assert_eq!(rec["headers"]["authorization"], "Bearer [REDACTED]");
        assert_eq!(rec["headers"]["content-type"], "application/json");
        assert_eq!(rec["headers"]["signature"], sign(WEBHOOK_ID, body));
        assert_eq!(rec["signature"], "valid");
        assert!(!rec["drift"].as_array().unwrap().is_empty());
    }
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(first["event"], "voice:message:out");
    assert!(
        first["drift"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["pointer"] == "/payload/bridge"),
        "{first}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
