//! `cargo xtask live-check` offline: against the sandbox (Prism answering the spec's examples)
//! it reports no drift; against a loopback proxy in front of the sandbox that drifts in every
//! reported way (missing path, extra field, enum value, type change, missing required field)
//! it reports each exactly once with the right pointer; recorded responses are redacted;
//! recorded webhook deliveries are checked against the callback schemas.
//!
//! Needs Prism and the npm `smpp` package (`QIKBERRY_TOOLS`, set by `cargo xtask test`).

#[allow(dead_code)]
#[path = "../src/sandbox/http.rs"]
mod http;
/// The same sandbox helper the workspace's integration tests use.
#[allow(dead_code)]
#[path = "../../tests/tests/support/sandbox.rs"]
mod sandbox;

use std::io::BufReader;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sandbox::Sandbox;
use serde_json::{Value, json};

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-live-check-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn live_check(args: &[&str]) -> (Output, Value) {
    let out = Command::new(XTASK)
        .arg("live-check")
        .args(args)
        .args(["--format", "json"])
        .env_remove("QIKBERRY_TOKEN")
        .env_remove("QIKBERRY_HOST")
        .output()
        .expect("run live-check");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "live-check printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, report)
}

#[test]
fn against_the_sandbox_no_drift_and_redacted_recordings() {
    let sandbox = Sandbox::start(&[]);
    let record = temp_dir("record");
    let (out, report) = live_check(&[
        "--token",
        "sandbox-token",
        "--host",
        sandbox.var("QIKBERRY_HOST"),
        "--record",
        record.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{report:#}\n{}", sandbox.log());
    assert_eq!(report["drift"], false);
    let ops = report["operations"].as_array().unwrap();
    assert!(ops.len() > 50, "{} read-only operations", ops.len());
    for op in ops {
        assert_eq!(op["outcome"], "confirmed", "{op:#}");
        assert_eq!(op["differences"], json!([]), "{op:#}");
    }
    // Never a send, never an operation that is not repeatable.
    let called: Vec<&str> = ops
        .iter()
        .map(|o| o["operation"].as_str().unwrap())
        .collect();
    for forbidden in [
        "sms_send_message",
        "verify_check_otp",
        "auth_generate_token",
        "auth_refresh_token",
    ] {
        assert!(!called.contains(&forbidden), "{forbidden} was called");
    }
    assert!(ops.iter().all(|o| o["method"] == "GET"));
    // The examples carry `iso` for senders, so it is not listed as never present here.
    let never = report["never_present"].as_array().unwrap();
    assert!(
        !never
            .iter()
            .any(|p| p.as_str().unwrap().ends_with("SmsSender/properties/iso")),
        "{never:#?}"
    );
    let confirmable = report["confirmable_inferred_paths"].as_array().unwrap();
    assert!(
        confirmable.contains(&json!("verify_list_profiles")),
        "{confirmable:?}"
    );

    // Wrong token: every operation unauthorized, exit 2 (nothing checked, no drift seen).
    let (out, report) = live_check(&[
        "--token",
        "wrong",
        "--host",
        sandbox.var("QIKBERRY_HOST"),
        "--only",
        "account",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(report["operations"][0]["outcome"], "unauthorized");

    check_redaction(&record);
}

/// The recordings keep their shape but lose e-mails, phone numbers, names, ids and secrets.
fn check_redaction(dir: &Path) {
    let contact: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("contacts_get_contact.json")).unwrap(),
    )
    .unwrap();
    let data = &contact["body"]["data"];
    assert_eq!(data["email"], "redacted@example.com");
    assert_eq!(data["first_name"], "Redacted Name");
    assert_eq!(data["identity"], "Redacted Name");
    assert!(
        data["phone"].as_str().unwrap().ends_with("XXXXXX"),
        "{data}"
    );
    // Only allow-listed fields keep their value; before the allow-list, `gender` stayed.
    assert_eq!(contact["body"]["code"], 200, "allow-listed fields stay");
    assert_eq!(contact["body"]["status"], "OK", "allow-listed fields stay");
    assert_eq!(data["gender"], "[REDACTED]", "other fields are masked");
    assert_eq!(data["birth_date"], "XXXX-XX-XX", "{data}");
    assert_eq!(data["id"], 0, "ids are masked");
    let webhook: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("webhooks_get_webhook.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(webhook["body"]["data"]["secret"], "[REDACTED]");
    assert_eq!(webhook["body"]["data"]["token"], "[REDACTED]");
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let digits = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|run| (10..=15).contains(&run.len()) && !run.starts_with("91000"))
            .collect::<Vec<_>>();
        assert!(digits.is_empty(), "unredacted numbers {digits:?} in {text}");
        for word in text.split(['"', ' ']) {
            if word.contains('@') && word.contains('.') {
                assert_eq!(word, "redacted@example.com", "in {text}");
            }
        }
    }
}

/// Mutates the sandbox's answers: one drift of each kind, each in one operation of `sms`.
fn drift(path: &str, body: &mut Value) -> Option<u16> {
    match path {
        "/api/v2/sms/pricing" => return Some(404),
        "/api/v2/sms/senders" => {
            for item in body["data"].as_array_mut().unwrap() {
                item["brand_new"] = json!("x");
                item.as_object_mut().unwrap().remove("iso"); // optional: never present
            }
        }
        p if p.starts_with("/api/v2/sms/senders/") => {
            body["data"]["status"] = json!(7);
            body["data"].as_object_mut().unwrap().remove("iso");
        }
        "/api/v2/sms/templates" => body["data"][0]["body_length"] = json!("12"),
        p if p.starts_with("/api/v2/sms/templates/") => {
            body.as_object_mut().unwrap().remove("message");
        }
        _ => {}
    }
    None
}

fn drifting_proxy(upstream: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                while let Ok(Some(request)) = http::read(&mut reader, false, None) {
                    let mut up = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                    http::write(&mut up, &request, true).unwrap();
                    let mut response = http::read(&mut BufReader::new(up), true, None)
                        .unwrap()
                        .unwrap();
                    let path = request.target().split('?').next().unwrap().to_string();
                    let mut body: Value = serde_json::from_slice(&response.body).unwrap();
                    if let Some(status) = drift(&path, &mut body) {
                        response =
                            http::Message::response(status, "application/json", b"{}".to_vec());
                    } else {
                        response.body = body.to_string().into_bytes();
                    }
                    if http::write(&mut writer, &response, false).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn every_kind_of_drift_is_reported_once_with_its_pointer() {
    let sandbox = Sandbox::start(&[]);
    let port = drifting_proxy(
        sandbox
            .var("QIKBERRY_HOST")
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap(),
    );
    let host = format!("http://127.0.0.1:{port}");
    let (out, report) = live_check(&["--token", "sandbox-token", "--host", &host, "--only", "sms"]);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(report["drift"], true);
    let ops = report["operations"].as_array().unwrap();
    let by_id = |id: &str| {
        ops.iter()
            .find(|o| o["operation"] == id)
            .unwrap_or_else(|| panic!("{id} not called"))
    };
    assert_eq!(by_id("sms_list_pricing")["outcome"], "path-wrong");
    let expect = [
        ("sms_list_senders", "extra-field", "/data/0/brand_new"),
        ("sms_get_sender", "enum-value", "/data/status"),
        ("sms_list_templates", "type", "/data/0/body_length"),
        ("sms_get_template", "missing-field", "/message"),
    ];
    for (id, kind, pointer) in expect {
        let differences = by_id(id)["differences"].as_array().unwrap();
        assert_eq!(differences.len(), 1, "{id}: {differences:#?}");
        assert_eq!(differences[0]["kind"], kind, "{id}");
        assert_eq!(differences[0]["pointer"], pointer, "{id}");
        assert!(!differences[0]["suggestion"].as_str().unwrap().is_empty());
    }
    let senders = &by_id("sms_list_senders")["differences"][0];
    assert!(
        senders["suggestion"]
            .as_str()
            .unwrap()
            .contains("`brand_new` with `type: string`"),
        "{senders}"
    );
    let enum_difference = &by_id("sms_get_sender")["differences"][0];
    assert!(
        enum_difference["schema_pointer"]
            .as_str()
            .unwrap()
            .ends_with("/properties/status/enum"),
        "{enum_difference}"
    );
    // An optional field no response carried is listed (informational, not a difference).
    let never: Vec<&str> = report["never_present"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let iso: Vec<&&str> = never
        .iter()
        .filter(|p| {
            p.starts_with("#/components/schemas/SmsSender") && p.ends_with("/properties/iso")
        })
        .collect();
    assert_eq!(iso.len(), 1, "{never:#?}");
    // Nothing else drifted.
    let total: usize = ops
        .iter()
        .map(|o| o["differences"].as_array().unwrap().len())
        .sum();
    assert_eq!(total, 4, "{report:#}");
    let wrong = ops.iter().filter(|o| o["outcome"] == "path-wrong").count();
    assert_eq!(wrong, 1, "{report:#}");
}

#[test]
fn recorded_webhook_deliveries_against_the_callback_schemas() {
    let dir = temp_dir("webhooks");
    let write = |name: &str, value: Value| {
        std::fs::write(dir.join(name), value.to_string()).unwrap();
    };
    // As the receiver example records them: the raw body as text.
    let good = json!({"event": "sms:message:status", "payload": {"id": "b34e:1", "mobile": "919999999999", "status": "DELIVRD"}});
    write(
        "1-good.json",
        json!({"event": "sms:message:status", "body": good.to_string()}),
    );
    // A bare body (no recording envelope): the handshake.
    write(
        "2-handshake.json",
        json!({"validation_key": "k", "challenge": "c"}),
    );
    let odd = json!({"event": "whatsapp:message:status", "payload": {"id": "x", "status": "exploded", "surprise": 1}});
    write(
        "3-drift.json",
        json!({"event": "whatsapp:message:status", "body": odd}),
    );
    write(
        "4-unknown.json",
        json!({"body": "{\"event\": \"fax:message:in\", \"payload\": {}}"}),
    );
    let out = Command::new(XTASK)
        .args([
            "live-check",
            "--webhooks",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let d = report["deliveries"].as_array().unwrap();
    assert_eq!(d[0]["callback"], "sms_message_status");
    assert_eq!(d[0]["differences"], json!([]), "{:#}", d[0]);
    assert_eq!(d[1]["callback"], "validation");
    assert_eq!(d[1]["differences"], json!([]), "{:#}", d[1]);
    assert_eq!(d[2]["callback"], "whatsapp_message_status");
    let kinds: Vec<(&str, &str)> = d[2]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["kind"].as_str().unwrap(), x["pointer"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("extra-field", "/payload/surprise")),
        "{kinds:?}"
    );
    assert_eq!(d[3]["callback"], Value::Null);
    assert_eq!(d[3]["event"], "fax:message:in");
}
