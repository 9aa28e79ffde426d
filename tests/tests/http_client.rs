//! The client core over real HTTP on 127.0.0.1: error mapping, decode errors, token hygiene,
//! the middleware seam and `RetryLayer`, pagination streams, form and multipart bodies.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::{StreamExt, TryStreamExt};
use qikberry::client::{Exchange, ResponseBody};
use qikberry::multipart::{FilePart, Part};
use qikberry::pagination::{Paginated, default_has_next, stream_items, stream_pages};
use qikberry::request::{Body, Request, Server};
use qikberry::reqwest::Method;
use qikberry::runtime::{Layer, Next, PreparedRequest, Response};
use qikberry::{AuthMode, Client, Error, RetryLayer};
use serde_json::{Value, json};
use support::server::{Auth, BodyExpect, Expect, PartExpect, Reply, TestServer};

const TOKEN: &str = "tok-SECRET-42/x+y";

fn get(path: &str) -> Expect {
    Expect::get(path, "", TOKEN, Reply::json(200, &json!({})))
}

fn req(method: Method, path: &str) -> Request {
    Request::new("test_op", method, Server::V2, path.to_owned())
}

fn assert_no_token(text: &str) {
    assert!(!text.contains("SECRET"), "token leaked: {text}");
    assert!(!text.contains("tok-SECRET"), "token leaked: {text}");
}

#[tokio::test]
async fn success_decodes_and_checks_request() {
    let server = TestServer::start().await;
    server.expect(Expect {
        query: "filter%5Bname%5D=a%20b&page=2".into(),
        reply: Reply::json(200, &json!({"status": "OK", "data": [1, 2]})),
        ..get("sms/senders")
    });
    let v: Value = server
        .client(TOKEN)
        .execute(
            req(Method::GET, "sms/senders")
                .query("filter[name]", "a b")
                .query("page", 2),
        )
        .await
        .unwrap();
    assert_eq!(v, json!({"status": "OK", "data": [1, 2]}));
    assert!(server.failures().is_empty());
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("qikberry-rs/")
    );
}

#[tokio::test]
async fn v3_server_and_path_encoding() {
    let server = TestServer::start().await;
    server.expect(Expect {
        method: "POST".into(),
        path: "/api/v3/auth/token/id%201%2Fx".into(),
        body: BodyExpect::Json(json!({"a": [1, "two"]})),
        ..get("")
    });
    let path = format!(
        "auth/token/{}",
        qikberry::request::encode_path_segment("id 1/x")
    );
    Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .build()
        .unwrap()
        .execute_empty(
            Request::new("auth_x", Method::POST, Server::V3, path)
                .body(Body::Json(json!({"a": [1, "two"]}))),
        )
        .await
        .unwrap();
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn api_errors_map_status_and_body() {
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    let cases = [
        (
            401,
            json!({"status": "ERROR", "code": 401, "message": "Unauthenticated."}),
        ),
        (
            404,
            json!({"status": "ERROR", "code": 404, "message": "Sender not found"}),
        ),
        (
            422,
            json!({"status": "FAIL", "code": 422, "message": "The given data was invalid.",
                   "errors": {"to": ["The to field is required."], "sender": ["Too long."]}}),
        ),
        (500, json!({"status": 500, "message": "Server Error"})),
    ];
    for (status, body) in &cases {
        server.expect(Expect {
            reply: Reply::json(*status, body),
            ..get("sms/senders")
        });
        let err = c
            .execute::<Value>(req(Method::GET, "sms/senders"))
            .await
            .unwrap_err();
        let Error::Api {
            status: got,
            body: eb,
            operation,
            ..
        } = &err
        else {
            panic!("expected Error::Api, got {err:?}");
        };
        assert_eq!(got.as_u16(), *status);
        assert_eq!(*operation, "test_op");
        assert_eq!(eb.message, body["message"].as_str().unwrap());
        assert_eq!(eb.code, body["code"].as_i64());
        assert_eq!(
            eb.status.as_ref().map(ToString::to_string),
            Some(body["status"].to_string().trim_matches('"').to_owned())
        );
        assert_eq!(err.is_unauthorized(), *status == 401);
        assert_eq!(err.is_not_found(), *status == 404);
        assert_eq!(err.is_validation(), *status == 422);
        assert_eq!(err.is_server_error(), *status == 500);
        assert!(!err.is_rate_limited());
        if *status == 422 {
            let errors = err.validation_errors().unwrap();
            assert_eq!(errors["to"], vec!["The to field is required."]);
            assert_eq!(errors["sender"], vec!["Too long."]);
        }
    }
    // 429 with Retry-After in seconds.
    server.expect(Expect {
        reply: Reply::json(
            429,
            &json!({"status": "ERROR", "code": 429, "message": "Too Many Attempts."}),
        )
        .header("retry-after", "17"),
        ..get("sms/senders")
    });
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(17)));
    assert_eq!(err.api_message(), Some("Too Many Attempts."));
    assert!(server.failures().is_empty());
}

#[tokio::test]
async fn non_json_error_body_becomes_message_excerpt() {
    let server = TestServer::start().await;
    let html = format!("<html><body>Bad gateway {}</body></html>", "x".repeat(500));
    server.expect(Expect {
        reply: Reply::raw(502, "text/html", &html),
        ..get("sms/senders")
    });
    let err = server
        .client(TOKEN)
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let msg = err.api_message().unwrap();
    assert!(msg.starts_with("<html><body>Bad gateway"), "{msg}");
    assert!(
        msg.chars().count() <= 201,
        "excerpt too long: {}",
        msg.len()
    );
}

#[tokio::test]
async fn malformed_success_body_names_json_path() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Envelope {
        data: Vec<Item>,
    }
    let server = TestServer::start().await;
    server.expect(Expect {
        reply: Reply::json(200, &json!({"data": [{"id": 1}, {"id": "seven"}]})),
        ..get("sms/senders")
    });
    let err = server
        .client(TOKEN)
        .execute::<Envelope>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            operation,
            status,
            path,
            message,
            excerpt,
            body,
            ..
        } => {
            assert_eq!(*operation, "test_op");
            assert_eq!(status.as_u16(), 200);
            assert_eq!(body.as_bytes(), br#"{"data":[{"id":1},{"id":"seven"}]}"#);
            assert_eq!(path, "/data/1/id");
            assert!(message.contains("invalid type"), "{message}");
            assert!(excerpt.contains(r#"{"data":[{"id":1}"#), "{excerpt}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("at `/data/1/id`"), "{err}");
    assert!(
        err.was_processed(),
        "a 2xx means the server processed the call"
    );
    assert_eq!(err.raw_json().unwrap()["data"][1]["id"], "seven");
    // Not JSON at all.
    server.expect(Expect {
        reply: Reply::raw(200, "text/html", "<html>maintenance</html>"),
        ..get("sms/senders")
    });
    let err = server
        .client(TOKEN)
        .execute::<Envelope>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { excerpt, .. } if excerpt.contains("maintenance")),
        "{err:?}"
    );
}

#[tokio::test]
async fn query_token_mode_never_leaks_the_token() {
    let server = TestServer::start().await;
    let c = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .auth_mode(AuthMode::QueryParameter)
        .build()
        .unwrap();
    assert_eq!(c.auth_mode(), AuthMode::QueryParameter);
    assert_no_token(&format!("{c:?}"));
    // The token goes in the query string (and nowhere else).
    server.expect(Expect {
        query: "page=1".into(),
        auth: Auth::Query(TOKEN.into()),
        reply: Reply::json(200, &json!({"ok": true})),
        ..get("sms/senders")
    });
    let v: Value = c
        .execute(req(Method::GET, "sms/senders").query("page", 1))
        .await
        .unwrap();
    assert_eq!(v, json!({"ok": true}));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    let raw_query = server.seen()[0].query.clone().unwrap();
    assert!(raw_query.ends_with("access_token=tok-SECRET-42%2Fx%2By"));

    // A server echoing the URL (with the token) in an error body.
    let echo = format!(
        "{{\"message\": \"bad request to /api/v2/sms/senders?{raw_query} token {TOKEN}\"}}"
    );
    server.expect(Expect {
        auth: Auth::Query(TOKEN.into()),
        reply: Reply::raw(400, "application/json", &echo),
        ..get("sms/senders")
    });
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_no_token(&err.to_string());
    assert_no_token(&format!("{err:?}"));

    // Echoed in a success body that fails to decode.
    server.expect(Expect {
        auth: Auth::Query(TOKEN.into()),
        reply: Reply::raw(200, "application/json", &format!("[\"{TOKEN}\"]")),
        ..get("sms/senders")
    });
    let err = c
        .execute::<u32>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_no_token(&err.to_string());
    assert_no_token(&format!("{err:?}"));

    // A transport error (nothing listens there): the URL holding the token is stripped.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let c = Client::builder()
        .token(TOKEN)
        .host(format!("http://{dead_addr}"))
        .auth_mode(AuthMode::QueryParameter)
        .build()
        .unwrap();
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders").query("page", 1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_no_token(&err.to_string());
    assert_no_token(&format!("{err:?}"));
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&err);
    while let Some(s) = source {
        assert_no_token(&s.to_string());
        assert_no_token(&format!("{s:?}"));
        source = s.source();
    }
}

#[tokio::test]
async fn timeout_is_reported() {
    let server = TestServer::start().await;
    server.expect(Expect {
        reply: Reply::json(200, &json!({})).delay(Duration::from_secs(3)),
        ..get("sms/senders")
    });
    let c = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

/// Counts the attempts that reach the network (registered inside the retry layer).
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Layer for Counter {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        next.run(req)
    }
}

fn retrying(server_origin: &str, counter: &Counter) -> Client {
    Client::builder()
        .token(TOKEN)
        .host(server_origin)
        .layer(
            RetryLayer::new()
                .max_attempts(3)
                .base_delay(Duration::from_millis(10))
                .max_delay(Duration::from_secs(2)),
        )
        .layer(counter.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn retry_layer_retries_get_on_503_and_429() {
    let server = TestServer::start().await;
    let counter = Counter::default();
    let c = retrying(&server.origin(), &counter);
    server.expect(Expect {
        reply: Reply::json(503, &json!({"message": "down"})),
        ..get("sms/senders")
    });
    server.expect(Expect {
        reply: Reply::json(429, &json!({"message": "slow"})).header("retry-after", "1"),
        ..get("sms/senders")
    });
    server.expect(Expect {
        reply: Reply::json(200, &json!({"data": []})),
        ..get("sms/senders")
    });
    let started = Instant::now();
    let v: Value = c.execute(req(Method::GET, "sms/senders")).await.unwrap();
    assert_eq!(v, json!({"data": []}));
    assert_eq!(counter.0.load(Ordering::SeqCst), 3);
    assert_eq!(server.seen().len(), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured ({:?})",
        started.elapsed()
    );
    assert!(server.failures().is_empty(), "{:?}", server.failures());

    // Attempts are bounded: three 503s → the last one is returned as Error::Api.
    for _ in 0..3 {
        server.expect(Expect {
            reply: Reply::json(503, &json!({"message": "still down"})),
            ..get("sms/senders")
        });
    }
    server.expect(get("sms/senders")); // must not be consumed
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.api_message(), Some("still down"));
    assert_eq!(counter.0.load(Ordering::SeqCst), 6);
    assert_eq!(server.pending(), 1);
}

#[tokio::test]
async fn retry_layer_never_retries_post() {
    let server = TestServer::start().await;
    let counter = Counter::default();
    let c = retrying(&server.origin(), &counter);
    server.expect(Expect {
        method: "POST".into(),
        body: BodyExpect::Json(json!({"to": "919999999999", "message": "hi"})),
        reply: Reply::json(503, &json!({"message": "down"})),
        ..get("sms/send")
    });
    server.expect(Expect {
        method: "POST".into(),
        body: BodyExpect::Any,
        ..get("sms/send")
    });
    let err = c
        .execute::<Value>(
            Request::new(
                "sms_send_message",
                Method::POST,
                Server::V2,
                "sms/send".into(),
            )
            .body(Body::Json(json!({"to": "919999999999", "message": "hi"}))),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.pending(), 1);
    // Even a POST wrongly flagged idempotent is not retried.
    let err = c
        .execute::<Value>(
            Request::new("x", Method::POST, Server::V2, "sms/send".into()).idempotent(true),
        )
        .await;
    assert!(err.is_ok(), "{err:?}");
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn retry_layer_gives_up_when_retry_after_is_too_long() {
    let server = TestServer::start().await;
    let counter = Counter::default();
    let c = retrying(&server.origin(), &counter);
    server.expect(Expect {
        reply: Reply::json(429, &json!({"message": "quota"})).header("retry-after", "3600"),
        ..get("sms/senders")
    });
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retry_layer_retries_connect_errors_for_get_only() {
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let counter = Counter::default();
    let c = retrying(&origin, &counter);
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(counter.0.load(Ordering::SeqCst), 3);
    let err = c
        .execute::<Value>(req(Method::POST, "sms/send"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(counter.0.load(Ordering::SeqCst), 4);
}

/// A layer that adds a header and checks it never sees the token.
struct Tagging;

impl Layer for Tagging {
    fn handle<'a>(
        &'a self,
        mut req: PreparedRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            if req.headers().get("authorization").is_some() || req.url().as_str().contains("SECRET")
            {
                return Err(Error::Layer("the layer saw the token".into()));
            }
            req.headers_mut()
                .insert("x-request-tag", "tagged".parse().unwrap());
            next.run(req).await
        })
    }
}

#[tokio::test]
async fn layers_see_requests_without_the_token() {
    let server = TestServer::start().await;
    for mode in [AuthMode::Header, AuthMode::QueryParameter] {
        server.expect(Expect {
            auth: Auth::Any,
            ..get("account/balance")
        });
        let c = Client::builder()
            .token(TOKEN)
            .host(server.origin())
            .auth_mode(mode)
            .layer(Tagging)
            .build()
            .unwrap();
        let _: Value = c
            .execute(req(Method::GET, "account/balance"))
            .await
            .unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.headers["x-request-tag"] == "tagged"));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn form_and_multipart_bodies() {
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    server.expect(Expect {
        method: "POST".into(),
        body: BodyExpect::Form(vec![
            ("sender".into(), "TXTSMS".into()),
            ("message".into(), "a & b = c".into()),
        ]),
        ..get("sms/clevertap/send")
    });
    let _: Value = c
        .execute(
            req(Method::POST, "sms/clevertap/send").body(Body::Form(vec![
                ("sender".into(), "TXTSMS".into()),
                ("message".into(), "a & b = c".into()),
            ])),
        )
        .await
        .unwrap();

    let dir = std::env::temp_dir().join(format!("qikberry-http-client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("unsubscribers.csv");
    std::fs::write(&csv, "mobile\n919999999999\n").unwrap();
    let stream = futures_util::stream::iter(vec![
        Ok(bytes::Bytes::from_static(b"chunk-1,")),
        Ok(bytes::Bytes::from_static(b"chunk-2")),
    ]);
    server.expect(Expect {
        method: "POST".into(),
        body: BodyExpect::Multipart(vec![
            PartExpect {
                name: "file".into(),
                file_name: Some("unsubscribers.csv".into()),
                content_type: Some("text/csv".into()),
                data: b"mobile\n919999999999\n".to_vec(),
            },
            PartExpect {
                name: "name".into(),
                file_name: None,
                content_type: None,
                data: b"list one".to_vec(),
            },
            PartExpect {
                name: "sound".into(),
                file_name: Some("s.wav".into()),
                content_type: Some("audio/wav".into()),
                data: b"chunk-1,chunk-2".to_vec(),
            },
            PartExpect {
                name: "bytes".into(),
                file_name: Some("b.bin".into()),
                content_type: None,
                data: vec![0, 1, 2, 255],
            },
        ]),
        ..get("sms/suppressions/unsubscribers/import")
    });
    let _: Value = c
        .execute(
            req(Method::POST, "sms/suppressions/unsubscribers/import").body(Body::Multipart(vec![
                ("file".into(), Part::File(FilePart::from_path(&csv))),
                ("name".into(), Part::Text("list one".into())),
                (
                    "sound".into(),
                    Part::File(FilePart::from_stream(stream, "s.wav", None).mime_type("audio/wav")),
                ),
                (
                    "bytes".into(),
                    Part::File(FilePart::from_bytes(vec![0u8, 1, 2, 255], "b.bin")),
                ),
            ])),
        )
        .await
        .unwrap();
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    std::fs::remove_dir_all(&dir).ok();
}

/// A page envelope written by hand (the generated list envelopes implement the same trait).
#[derive(serde::Deserialize, Debug)]
struct Page {
    data: Vec<u32>,
    links: Links,
    meta: Meta,
}
#[derive(serde::Deserialize, Debug)]
struct Links {
    next: Option<String>,
}
#[derive(serde::Deserialize, Debug)]
struct Meta {
    current_page: u64,
    last_page: u64,
}

/// Its decoder, compiled here once (as the generated crate does for its response types).
impl ResponseBody for Page {
    fn decode(exchange: Exchange) -> Result<Self, Error> {
        exchange.json()
    }
}

impl Paginated for Page {
    type Item = u32;
    fn into_items(self) -> Vec<u32> {
        self.data
    }
    fn current_page(&self) -> Option<u64> {
        Some(self.meta.current_page)
    }
    fn last_page(&self) -> Option<u64> {
        Some(self.meta.last_page)
    }
    fn has_next(&self) -> bool {
        default_has_next(
            self.links.next.as_deref(),
            self.current_page(),
            self.last_page(),
        )
    }
}

fn page_reply(page: u64, last: u64, items: &[u32]) -> Reply {
    let next = (page < last).then(|| format!("http://x/api/v2/sms/senders?page={}", page + 1));
    Reply::json(
        200,
        &json!({"status": "OK", "data": items, "links": {"next": next},
                "meta": {"current_page": page, "last_page": last}}),
    )
}

fn list_request(page: u64) -> Request {
    req(Method::GET, "sms/senders")
        .query("filter[status]", "active")
        .query("page", page)
}

#[tokio::test]
async fn pagination_streams_are_lazy_and_complete() {
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    for (page, items) in [(1u64, vec![1u32, 2]), (2, vec![3, 4]), (3, vec![5])] {
        server.expect(Expect {
            query: format!("filter%5Bstatus%5D=active&page={page}"),
            reply: page_reply(page, 3, &items),
            ..get("sms/senders")
        });
    }
    let mut items = Box::pin(stream_items::<Page>(c.clone(), list_request, 1));
    // Nothing is requested before the stream is polled.
    tokio::task::yield_now().await;
    assert_eq!(server.seen().len(), 0);
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(server.seen().len(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    assert_eq!(server.seen().len(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 3);
    assert_eq!(server.seen().len(), 2);
    let rest: Vec<u32> = items.try_collect().await.unwrap();
    assert_eq!(rest, vec![4, 5]);
    assert_eq!(server.seen().len(), 3);
    assert!(server.failures().is_empty(), "{:?}", server.failures());

    // Pages, starting from page 2.
    for (page, items) in [(2u64, vec![3u32, 4]), (3, vec![5])] {
        server.expect(Expect {
            query: format!("filter%5Bstatus%5D=active&page={page}"),
            reply: page_reply(page, 3, &items),
            ..get("sms/senders")
        });
    }
    let pages: Vec<Page> = stream_pages::<Page>(c, list_request, 2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].data, vec![5]);
    assert_eq!(server.pending(), 0);
}

#[tokio::test]
async fn pagination_stops_after_an_error() {
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    server.expect(Expect {
        query: "filter%5Bstatus%5D=active&page=1".into(),
        reply: page_reply(1, 3, &[1]),
        ..get("sms/senders")
    });
    server.expect(Expect {
        query: "filter%5Bstatus%5D=active&page=2".into(),
        reply: Reply::json(500, &json!({"message": "boom"})),
        ..get("sms/senders")
    });
    let all: Vec<Result<u32, Error>> = stream_items::<Page>(c, list_request, 1).collect().await;
    assert_eq!(all.len(), 2);
    assert_eq!(*all[0].as_ref().unwrap(), 1);
    assert_eq!(all[1].as_ref().unwrap_err().api_message(), Some("boom"));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn pagination_does_not_loop_on_a_stuck_server() {
    // A server that always answers "page 1 of 5" with a next link: the stream must end.
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    server.expect(Expect {
        query: "filter%5Bstatus%5D=active&page=1".into(),
        reply: page_reply(1, 5, &[1]),
        ..get("sms/senders")
    });
    server.expect(Expect {
        query: "filter%5Bstatus%5D=active&page=2".into(),
        reply: page_reply(1, 5, &[1]),
        ..get("sms/senders")
    });
    let all: Vec<u32> = stream_items::<Page>(c, list_request, 1)
        .try_collect()
        .await
        .unwrap();
    // The second body repeats the first byte for byte: it is not yielded again.
    assert_eq!(all, vec![1]);
    assert_eq!(server.seen().len(), 2);
}

fn senders_page(next: Option<&str>, names: &[&str]) -> Reply {
    let data: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
    // No `meta.current_page`: the client cannot tell which page it got.
    Reply::json(
        200,
        &json!({"status": "OK", "message": "Senders", "data": data, "links": {"next": next}}),
    )
}

async fn sender_names(c: &Client) -> Result<Vec<String>, Error> {
    let items: Vec<qikberry::sms::SmsSender> = c.sms().list_senders().items().try_collect().await?;
    Ok(items
        .into_iter()
        .map(|s| s.name.unwrap_or_default())
        .collect())
}

#[tokio::test]
async fn pagination_ends_when_the_server_ignores_page() {
    // The server ignores `page`: every request gets page 1 again, with a next link and no
    // meta.current_page. The stream must end after seeing the repeat, without duplicates.
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    for page in 1..=3 {
        server.expect(Expect {
            query: format!("page={page}"),
            reply: senders_page(Some("https://x/api/v2/sms/senders?page=2"), &["A", "B"]),
            ..get("sms/senders")
        });
    }
    assert_eq!(sender_names(&c).await.unwrap(), vec!["A", "B"]);
    assert_eq!(server.seen().len(), 2, "stops at the first repeated page");
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    server.clear();

    // A next link that points back at the page just fetched: one request only.
    server.expect(Expect {
        query: "page=1".into(),
        reply: senders_page(Some("https://x/api/v2/sms/senders?page=1"), &["A"]),
        ..get("sms/senders")
    });
    server.expect(get("sms/senders")); // must not be consumed
    assert_eq!(sender_names(&c).await.unwrap(), vec!["A"]);
    assert_eq!(server.pending(), 1);
}

#[tokio::test]
async fn pagination_stops_at_max_pages_with_an_error() {
    // Distinct pages forever (a server whose next link never ends): capped by max_pages.
    let server = TestServer::start().await;
    let c = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .max_pages(3)
        .build()
        .unwrap();
    for page in 1..=4 {
        let next = format!("https://x/api/v2/sms/senders?page={}", page + 1);
        server.expect(Expect {
            query: format!("page={page}"),
            reply: senders_page(Some(&next), &[&format!("S{page}")]),
            ..get("sms/senders")
        });
    }
    let all: Vec<Result<qikberry::sms::SmsSender, Error>> =
        c.sms().list_senders().items().collect().await;
    assert_eq!(all.len(), 4, "three pages of one item, then the error");
    let err = all[3].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Pagination {
                operation: "sms_list_senders",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 3);
    assert_eq!(server.pending(), 1);
}

/// Live instances of [`Counted`] (created by deserialization, gone when dropped).
static LIVE: AtomicUsize = AtomicUsize::new(0);
static MAX_LIVE: AtomicUsize = AtomicUsize::new(0);

/// A list item that counts how many of it exist at once.
struct Counted(u32);

impl<'de> serde::Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        let live = LIVE.fetch_add(1, Ordering::SeqCst) + 1;
        MAX_LIVE.fetch_max(live, Ordering::SeqCst);
        Ok(Counted(v))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(serde::Deserialize)]
struct CountedPage {
    data: Vec<Counted>,
    meta: Meta,
}

impl ResponseBody for CountedPage {
    fn decode(exchange: Exchange) -> Result<Self, Error> {
        exchange.json()
    }
}

impl Paginated for CountedPage {
    type Item = Counted;
    fn into_items(self) -> Vec<Counted> {
        self.data
    }
    fn current_page(&self) -> Option<u64> {
        Some(self.meta.current_page)
    }
    fn last_page(&self) -> Option<u64> {
        Some(self.meta.last_page)
    }
    fn has_next(&self) -> bool {
        default_has_next(None, self.current_page(), self.last_page())
    }
}

#[tokio::test]
async fn items_over_10_000_holds_one_page_in_memory() {
    const PAGES: u32 = 100;
    const PER_PAGE: u32 = 100;
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    for page in 1..=PAGES {
        let data: Vec<u32> = ((page - 1) * PER_PAGE..page * PER_PAGE).collect();
        server.expect(Expect {
            query: format!("filter%5Bstatus%5D=active&page={page}"),
            reply: Reply::json(
                200,
                &json!({"data": data, "meta": {"current_page": page, "last_page": PAGES}}),
            ),
            ..get("sms/senders")
        });
    }
    let mut items = std::pin::pin!(stream_items::<CountedPage>(c, list_request, 1));
    let mut next_expected = 0u32;
    while let Some(item) = items.try_next().await.unwrap() {
        assert_eq!(item.0, next_expected);
        next_expected += 1;
    }
    assert_eq!(next_expected, PAGES * PER_PAGE);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    let max = MAX_LIVE.load(Ordering::SeqCst);
    // Measured, not assumed: the peak number of items alive at once is one page (the page being
    // decoded while the previous one is fully consumed), never two.
    assert_eq!(max, PER_PAGE as usize, "peak live items");
    assert_eq!(LIVE.load(Ordering::SeqCst), 0);
}

/// Answers `/verify/check/…` and `/auth/token/refresh` with 502, and counts attempts.
#[tokio::test]
async fn retry_layer_follows_x_idempotent_not_the_method() {
    let server = TestServer::start().await;
    let counter = Counter::default();
    let c = retrying(&server.origin(), &counter);
    let bad_gateway = || Reply::json(502, &json!({"message": "bad gateway"}));

    // verify_check_otp is a GET, but a code can be checked once: never repeated.
    server.expect(Expect {
        reply: bad_gateway(),
        ..get("verify/check/otp-1/123456")
    });
    server.expect(get("verify/check/otp-1/123456")); // must not be consumed
    let err = c
        .verify()
        .check_otp("otp-1", "123456")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(server.clear(), 1);

    // auth_refresh_token (a GET under /api/v3) replaces the token: never repeated.
    let refresh = Expect {
        path: "/api/v3/auth/token/refresh".into(),
        reply: bad_gateway(),
        ..get("")
    };
    server.expect(refresh.clone());
    server.expect(refresh);
    let err = c.auth().refresh_token().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
    assert_eq!(server.clear(), 1);

    // A list call is idempotent: the 502 is retried and the second answer returned.
    server.expect(Expect {
        reply: bad_gateway(),
        ..get("sms/senders")
    });
    server.expect(Expect {
        reply: senders_page(None, &["A"]),
        ..get("sms/senders")
    });
    let page = c.sms().list_senders().send().await.unwrap();
    assert_eq!(page.data.unwrap()[0].name.as_deref(), Some("A"));
    assert_eq!(counter.0.load(Ordering::SeqCst), 4);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn set_token_is_seen_by_every_clone_and_keeps_layers() {
    let server = TestServer::start().await;
    let counter = Counter::default();
    let c = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .layer(counter.clone())
        .build()
        .unwrap();
    let clone = c.clone();
    server.expect(Expect {
        reply: senders_page(None, &[]),
        ..get("sms/senders")
    });
    clone.sms().list_senders().send().await.unwrap();
    c.set_token("rotated-token-2").unwrap();
    for who in [&c, &clone] {
        server.expect(Expect {
            auth: Auth::Bearer("rotated-token-2".into()),
            reply: senders_page(None, &[]),
            ..get("sms/senders")
        });
        who.sms().list_senders().send().await.unwrap();
    }
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert_eq!(
        counter.0.load(Ordering::SeqCst),
        3,
        "the same layer saw every call"
    );
    assert!(matches!(c.set_token(" "), Err(Error::Config(_))));
    assert!(matches!(c.set_token("a\nb"), Err(Error::Config(_))));
}

/// A JWT whose `exp` claim is `exp` (seconds since the epoch); the signature is not checked.
fn jwt(exp: u64, tag: &str) -> String {
    use base64::Engine as _;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!(r#"{{"sub":"10","exp":{exp},"tag":"{tag}"}}"#));
    format!("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{claims}.c2ln")
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn refresher_renews_before_expiry_and_once_on_401() {
    use qikberry::token::TokenRefresh;
    let server = TestServer::start().await;
    // Expires in 60 s, inside the 5-minute margin: the first call renews first.
    let old = jwt(now_secs() + 60, "old");
    let fresh = jwt(now_secs() + 3600, "fresh");
    let c = Client::builder()
        .token(old.clone())
        .host(server.origin())
        .refresh_token(TokenRefresh::new())
        .build()
        .unwrap();
    let clone = c.clone();
    server.expect(Expect {
        path: "/api/v3/auth/token/refresh".into(),
        auth: Auth::Bearer(old.clone()),
        reply: Reply::json(
            200,
            &json!({"access_token": fresh, "expires_in": 3600, "token_type": "bearer"}),
        ),
        ..get("")
    });
    server.expect(Expect {
        auth: Auth::Bearer(fresh.clone()),
        reply: senders_page(None, &["A"]),
        ..get("sms/senders")
    });
    clone.sms().list_senders().send().await.unwrap();
    // Not due any more: no renewal on the next call, from the other clone.
    server.expect(Expect {
        auth: Auth::Bearer(fresh.clone()),
        reply: senders_page(None, &["A"]),
        ..get("sms/senders")
    });
    c.sms().list_senders().send().await.unwrap();
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert_eq!(server.seen().len(), 3);

    // A 401 on an idempotent call: renew once, repeat the call with the new token.
    let newer = jwt(now_secs() + 3600, "newer");
    let unauthorized = || Reply::json(401, &json!({"message": "Unauthenticated."}));
    server.expect(Expect {
        auth: Auth::Bearer(fresh.clone()),
        reply: unauthorized(),
        ..get("sms/senders")
    });
    server.expect(Expect {
        path: "/api/v3/auth/token/refresh".into(),
        auth: Auth::Bearer(fresh.clone()),
        reply: Reply::json(
            200,
            &json!({"access_token": newer, "expires_in": 3600, "token_type": "bearer"}),
        ),
        ..get("")
    });
    server.expect(Expect {
        auth: Auth::Bearer(newer.clone()),
        reply: senders_page(None, &["B"]),
        ..get("sms/senders")
    });
    let page = c.sms().list_senders().send().await.unwrap();
    assert_eq!(page.data.unwrap()[0].name.as_deref(), Some("B"));

    // A 401 on a non-idempotent call (a send): renewed, but the send is not repeated.
    let newest = jwt(now_secs() + 3600, "newest");
    server.expect(Expect {
        method: "POST".into(),
        auth: Auth::Bearer(newer.clone()),
        body: BodyExpect::Any,
        reply: unauthorized(),
        ..get("sms/send")
    });
    server.expect(Expect {
        path: "/api/v3/auth/token/refresh".into(),
        auth: Auth::Bearer(newer.clone()),
        reply: Reply::json(
            200,
            &json!({"access_token": newest, "expires_in": 3600, "token_type": "bearer"}),
        ),
        ..get("")
    });
    let msg = qikberry::sms::SmsSendDirect::new(
        "TXTSMS",
        qikberry::sms::SmsDestinations::from("919999999999".to_owned()),
        "hi",
        "T",
    );
    let err = c.sms().send_message(msg).send().await.unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert_eq!(server.pending(), 0);
    assert_eq!(server.seen().len(), 8, "the send went out exactly once");
    // The clone sends the renewed token.
    server.expect(Expect {
        auth: Auth::Bearer(newest.clone()),
        reply: senders_page(None, &[]),
        ..get("sms/senders")
    });
    clone.sms().list_senders().send().await.unwrap();
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn missing_token_is_a_config_error() {
    // Only meaningful when the variable is not set in the environment running the tests.
    if std::env::var_os("QIKBERRY_TOKEN").is_none() {
        let err = Client::builder().build().unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("QIKBERRY_TOKEN")),
            "{err}"
        );
        assert!(Client::from_env().is_err());
    }
    let err = Client::builder().token("  ").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)));
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let a = TestServer::start().await;
    let b = TestServer::start().await;
    let c = Client::builder()
        .token(TOKEN)
        .host(a.origin())
        .auth_mode(AuthMode::QueryParameter)
        .build()
        .unwrap();
    // Same origin: followed.
    a.expect(Expect {
        auth: Auth::Query(TOKEN.into()),
        reply: Reply::json(302, &json!({})).header("location", "/api/v2/sms/senders2"),
        ..get("sms/senders")
    });
    a.expect(Expect {
        auth: Auth::Any,
        reply: Reply::json(200, &json!({"moved": true})),
        ..get("sms/senders2")
    });
    let v: Value = c.execute(req(Method::GET, "sms/senders")).await.unwrap();
    assert_eq!(v, json!({"moved": true}));
    assert!(a.failures().is_empty(), "{:?}", a.failures());
    // Another origin (another port): not followed, so the token in the URL stays here.
    a.expect(Expect {
        auth: Auth::Query(TOKEN.into()),
        reply: Reply::json(302, &json!({"message": "moved"}))
            .header("location", &format!("{}/api/v2/sms/senders", b.origin())),
        ..get("sms/senders")
    });
    let err = c
        .execute::<Value>(req(Method::GET, "sms/senders"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert!(b.seen().is_empty(), "the request went to the other origin");
}

#[tokio::test]
async fn rate_limit_layer_spaces_requests_out() {
    let server = TestServer::start().await;
    let c = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .layer(qikberry::RateLimitLayer::new(
            2,
            Duration::from_millis(2000),
        ))
        .build()
        .unwrap();
    for _ in 0..5 {
        server.expect(get("sms/senders"));
    }
    let started = Instant::now();
    let mut done = Vec::new();
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move {
                let r: Result<Value, Error> = c.execute(req(Method::GET, "sms/senders")).await;
                (r.is_ok(), started.elapsed())
            })
        })
        .collect();
    for h in calls {
        done.push(h.await.unwrap());
    }
    assert!(done.iter().all(|(ok, _)| *ok));
    let mut times: Vec<Duration> = done.iter().map(|(_, t)| *t).collect();
    times.sort();
    // Two in the first window, two in the second, one in the third. The window is long (2 s) so
    // that the one upper bound (the first two were not held back) survives a loaded CI machine.
    assert!(times[1] < Duration::from_millis(2000), "{times:?}");
    assert!(times[2] >= Duration::from_millis(1990), "{times:?}");
    assert!(times[4] >= Duration::from_millis(3990), "{times:?}");
    assert_eq!(server.seen().len(), 5);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

/// The innermost layer of a test: answers every call itself (no network) and counts them.
#[derive(Clone, Default)]
struct Answer(Arc<AtomicUsize>);

impl Layer for Answer {
    fn handle<'a>(
        &'a self,
        req: PreparedRequest,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        let body = if *req.method() == Method::POST {
            json!({"status": 200, "message": "accepted"})
        } else {
            json!({"status": "OK", "message": "list"})
        };
        Box::pin(async move {
            Ok(Response {
                status: qikberry::reqwest::StatusCode::OK,
                headers: Default::default(),
                body: serde_json::to_vec(&body).unwrap().into(),
            })
        })
    }
}

#[tokio::test]
async fn documented_rate_limit_applies_the_spec_figures_to_gets_only() {
    // The spec documents 1000 GET requests per minute (x-rate-limit on every GET).
    let op = qikberry::sms::OPERATIONS
        .iter()
        .find(|o| o.id == "sms_list_senders")
        .expect("operation metadata");
    let limit = op
        .rate_limit
        .expect("sms_list_senders has a documented limit");
    assert_eq!((limit.requests, limit.per_seconds), (1000, 60));

    let answered = Answer::default();
    let c = Client::builder()
        .token(TOKEN)
        .host("http://127.0.0.1:9")
        .layer(qikberry::RateLimitLayer::documented())
        .layer(answered.clone())
        .build()
        .unwrap();
    for _ in 0..1000 {
        c.sms().list_senders().send().await.unwrap();
    }
    assert_eq!(answered.0.load(Ordering::SeqCst), 1000);
    // The 1001st GET waits for the window (a minute); a send (no documented limit) does not.
    let blocked =
        tokio::time::timeout(Duration::from_millis(300), c.sms().list_senders().send()).await;
    assert!(
        blocked.is_err(),
        "the 1001st GET in a minute was not held back"
    );
    let msg = qikberry::sms::SmsSendDirect::new(
        "TXTSMS",
        qikberry::sms::SmsDestinations::from("919999999999".to_owned()),
        "hi",
        "T",
    );
    let sent = tokio::time::timeout(Duration::from_secs(10), c.sms().send_message(msg).send())
        .await
        .expect("a POST without x-rate-limit is not delayed")
        .unwrap();
    assert_eq!(sent.message, "accepted");
    assert_eq!(answered.0.load(Ordering::SeqCst), 1001);
}

#[tokio::test]
async fn secret_body_and_response_fields_are_redacted_from_errors() {
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    // A minted token in a success body that does not decode (`expires_in` as text).
    const MINTED: &str = "eyJminted.SECRET-JWT.sig";
    server.expect(Expect {
        path: "/api/v3/auth/token/generate".into(),
        reply: Reply::json(
            200,
            &json!({"access_token": MINTED, "expires_in": "an hour", "token_type": "bearer"}),
        ),
        ..get("")
    });
    let err = c.auth().generate_token().send().await.unwrap_err();
    assert!(err.was_processed(), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("SECRET-JWT"), "minted token leaked: {text}");
    }
    // The raw body stays complete for the caller who needs it.
    assert_eq!(err.raw_json().unwrap()["access_token"], MINTED);

    // A webhook secret sent in the body and echoed in a 422.
    const HOOK_SECRET: &str = "hook-SECRET-9f";
    server.expect(Expect {
        method: "POST".into(),
        body: BodyExpect::Any,
        reply: Reply::json(
            422,
            &json!({"message": format!("secret {HOOK_SECRET} too weak"),
                    "errors": {"secret": [format!("{HOOK_SECRET} is weak")]}}),
        ),
        ..get("developer/webhooks")
    });
    let body =
        qikberry::webhooks::WebhooksCreateWebhookRequest::new("hook", "https://example.com/h")
            .secret(HOOK_SECRET);
    assert!(!format!("{body:?}").contains(HOOK_SECRET), "{body:?}");
    let err = c.webhooks().create_webhook(body).send().await.unwrap_err();
    assert!(err.is_validation(), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("SECRET-9f"), "webhook secret leaked: {text}");
    }
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

/// A PHP backend echoes the token JSON-escaped (`/` as `\/`, any character as `\u002f` or
/// `\u002F`) in a 2xx body that does not decode: no form survives in the error.
#[tokio::test]
async fn a_json_escaped_token_is_redacted_from_decode_errors() {
    let server = TestServer::start().await;
    let c = server.client(TOKEN);
    let every_char: String = TOKEN
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let forms = [
        TOKEN.replace('/', r"\/"),
        TOKEN.replace('/', r"\u002f"),
        TOKEN.replace('/', r"\u002F").replace('+', r"\u002b"),
        every_char.to_uppercase().replace("\\U", "\\u"),
        TOKEN.replace('/', "%2f").replace('+', "%2B"),
    ];
    let body = format!(
        r#"{{"credits":"{}","echo":["{}","{}","{}","{}"]}}"#,
        forms[0], forms[1], forms[2], forms[3], forms[4]
    );
    server.expect(Expect {
        reply: Reply::raw(200, "application/json", &body),
        ..get("sms/balance")
    });
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Balance {
        credits: u32,
    }
    let err = c
        .execute::<Balance>(req(Method::GET, "sms/balance"))
        .await
        .unwrap_err();
    let Error::Decode {
        excerpt, message, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(excerpt.matches("[REDACTED]").count(), 5, "{excerpt}");
    for text in [
        excerpt.clone(),
        message.clone(),
        err.to_string(),
        format!("{err:?}"),
    ] {
        assert_no_token(&text);
        for form in &forms {
            assert!(!text.contains(form.as_str()), "{form} survived in {text}");
        }
        assert!(
            !text.contains(r"42\/x") && !text.contains("\\u002"),
            "{text}"
        );
    }
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
