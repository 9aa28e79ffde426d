//! `TracingLayer` over real HTTP: one span per call with operation, method, path, status and
//! elapsed time, a warning event on failure, and never the token or the query string.

mod support;

use qikberry::runtime::TracingLayer;
use qikberry::{AuthMode, Client};
use serde_json::json;
use support::server::{Auth, BodyExpect, Expect, Reply, TestServer};
use support::tracing_capture::Capture;

const TOKEN: &str = "trace-SECRET-token";

fn expect(query: &str, auth: Auth, reply: Reply) -> Expect {
    Expect {
        method: "GET".into(),
        path: "/api/v2/sms/senders/s%201".into(),
        query: query.into(),
        auth,
        body: BodyExpect::Empty,
        reply,
    }
}

#[tokio::test]
async fn one_span_per_call_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));
    let server = TestServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .auth_mode(AuthMode::QueryParameter)
        .layer(TracingLayer)
        .build()
        .unwrap();

    server.expect(expect(
        "",
        Auth::Query(TOKEN.into()),
        Reply::json(
            200,
            &json!({"status": "OK", "code": 200, "message": "Sender Data", "data": {"id": "s 1"}}),
        ),
    ));
    client.sms().get_sender("s 1").send().await.unwrap();
    server.expect(expect(
        "",
        Auth::Query(TOKEN.into()),
        Reply::json(
            404,
            &json!({"status": "ERROR", "message": "Sender not found"}),
        ),
    ));
    let err = client.sms().get_sender("s 1").send().await.unwrap_err();
    assert!(err.is_not_found());
    assert!(server.failures().is_empty(), "{:?}", server.failures());

    let lines = capture.lines.lock().unwrap().clone();
    let text = lines.join("\n");
    let spans: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("span qikberry.request"))
        .collect();
    assert_eq!(spans.len(), 2, "{text}");
    for s in &spans {
        assert!(s.contains("operation=\"sms_get_sender\""), "{s}");
        assert!(s.contains("method=GET"), "{s}");
        // The path template, never the real path.
        assert!(
            s.contains("path=\"/api/v2/sms/senders/{sender_id}\""),
            "{s}"
        );
        assert!(!s.contains("s%201"), "{s}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("record") && l.contains("status=200")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("record") && l.contains("status=404")),
        "{text}"
    );
    assert!(lines.iter().any(|l| l.contains("elapsed_ms=")), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("event WARN") && l.contains("status=404")),
        "{text}"
    );
    assert!(
        !text.contains("SECRET"),
        "the token leaked into tracing: {text}"
    );
    assert!(
        !text.contains("access_token"),
        "the query leaked into tracing: {text}"
    );
}

#[tokio::test]
async fn an_otp_appears_nowhere_in_tracing_errors_or_debug() {
    const OTP: &str = "918273";
    let capture = Capture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));
    let server = TestServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .layer(TracingLayer)
        .layer(qikberry::RetryLayer::new())
        .build()
        .unwrap();
    let check = |reply: Reply| Expect {
        method: "GET".into(),
        path: format!("/api/v2/verify/check/otp-9/{OTP}"),
        query: String::new(),
        auth: Auth::Bearer(TOKEN.into()),
        body: BodyExpect::Empty,
        reply,
    };
    let builder = client.verify().check_otp("otp-9", OTP);
    let debug = format!("{builder:?}");
    assert!(!debug.contains(OTP), "builder Debug shows the OTP: {debug}");
    assert!(debug.contains("[REDACTED]"), "{debug}");

    server.expect(check(Reply::json(
        200,
        &json!({"id": "otp-9", "status": "success"}),
    )));
    let ok = builder.send().await.unwrap();
    assert_eq!(ok.id, "otp-9");
    // A server echoing the code in an error, and in a success body that does not decode.
    server.expect(check(Reply::json(
        422,
        &json!({"message": format!("code {OTP} is wrong"), "errors": {"token": [format!("{OTP} invalid")]}}),
    )));
    let api = client
        .verify()
        .check_otp("otp-9", OTP)
        .send()
        .await
        .unwrap_err();
    assert!(api.is_validation(), "{api:?}");
    server.expect(check(Reply::json(
        200,
        &json!({"id": 9, "status": "success", "echo": OTP}),
    )));
    let decode = client
        .verify()
        .check_otp("otp-9", OTP)
        .send()
        .await
        .unwrap_err();
    assert!(decode.was_processed(), "{decode:?}");
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    for text in [
        api.to_string(),
        format!("{api:?}"),
        decode.to_string(),
        format!("{decode:?}"),
    ] {
        assert!(!text.contains(OTP), "the OTP leaked into an error: {text}");
    }
    assert!(api.to_string().contains("[REDACTED]"), "{api}");

    let text = capture.lines.lock().unwrap().join("\n");
    assert!(
        text.contains("path=\"/api/v2/verify/check/{otp_id}/{token}\""),
        "{text}"
    );
    assert!(!text.contains(OTP), "the OTP leaked into tracing: {text}");
}
