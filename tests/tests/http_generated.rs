//! Generated client methods over real HTTP on 127.0.0.1, for what the per-operation table does
//! not cover: `.items()` / `.pages()` walking several pages, error mapping through a generated
//! call, and the generated idempotency flags as seen by `RetryLayer` (GET retried, POST never).

mod support;

use std::time::Duration;

use futures_util::TryStreamExt;
use qikberry::sms::{SmsDestinations, SmsListSendersResponse, SmsSendDirect, SmsSenderFilter};
use qikberry::{Client, Error, RetryLayer};
use serde_json::{Value, json};
use support::server::{Auth, BodyExpect, Expect, Reply, TestServer};

const TOKEN: &str = "gen-token-1";

fn expect_get(path: &str, query: &str, reply: Reply) -> Expect {
    Expect::get(path, query, TOKEN, reply)
}

/// A page of `sms_list_senders` in the spec example's shape.
fn senders_page(page: u64, last: u64, names: &[&str]) -> Value {
    let data: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": format!("id-{n}"), "name": n, "status": 1}))
        .collect();
    let next = (page < last).then(|| format!("https://x/api/v2/sms/senders?page={}", page + 1));
    json!({
        "status": "OK", "code": 200, "message": "Senders List", "data": data,
        "links": {"first": "https://x/api/v2/sms/senders?page=1", "last": null, "prev": null, "next": next},
        "meta": {"current_page": page, "from": 1, "last_page": last, "path": "https://x/api/v2/sms/senders",
                 "per_page": 2, "to": 2, "total": 5}
    })
}

#[tokio::test]
async fn generated_items_walk_every_page_lazily() {
    let server = TestServer::start().await;
    let pages = [
        (1u64, vec!["A1", "A2"]),
        (2, vec!["B1", "B2"]),
        (3, vec!["C1"]),
    ];
    for (page, names) in &pages {
        server.expect(expect_get(
            "sms/senders",
            &format!("filter%5Bname%5D=BANK%20X&page={page}"),
            Reply::json(200, &senders_page(*page, 3, names)),
        ));
    }
    let c = server.client(TOKEN);
    let stream = c
        .sms()
        .list_senders()
        .filter(SmsSenderFilter::new().name("BANK X"))
        .items();
    let mut stream = std::pin::pin!(stream);
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.name.as_deref(), Some("A1"));
    assert_eq!(server.seen().len(), 1, "only the first page is fetched");
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    let names: Vec<_> = rest.iter().filter_map(|s| s.name.clone()).collect();
    assert_eq!(names, ["A2", "B1", "B2", "C1"]);
    assert_eq!(server.seen().len(), 3);
    assert!(server.failures().is_empty(), "{:?}", server.failures());

    // Whole pages, starting at page 2.
    for (page, names) in &pages[1..] {
        server.expect(expect_get(
            "sms/senders",
            &format!("page={page}"),
            Reply::json(200, &senders_page(*page, 3, names)),
        ));
    }
    let got: Vec<SmsListSendersResponse> = c
        .sms()
        .list_senders()
        .page(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].data.as_ref().map(Vec::len), Some(1));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert_eq!(server.pending(), 0);
}

#[tokio::test]
async fn generated_call_maps_api_errors() {
    let server = TestServer::start().await;
    server.expect(expect_get(
        "sms/senders/nope%2F1",
        "",
        Reply::json(
            404,
            &json!({"status": "ERROR", "code": 404, "message": "Sender not found"}),
        ),
    ));
    let err = server
        .client(TOKEN)
        .sms()
        .get_sender("nope/1")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.operation(), Some("sms_get_sender"));
    assert_eq!(err.api_message(), Some("Sender not found"));
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn generated_get_is_retried_but_generated_send_is_not() {
    let server = TestServer::start().await;
    let c = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .layer(RetryLayer::new().base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    server.expect(expect_get(
        "sms/senders/s1",
        "",
        Reply::json(503, &json!({"message": "busy"})),
    ));
    server.expect(expect_get(
        "sms/senders/s1",
        "",
        Reply::json(
            200,
            &json!({"status": "OK", "code": 200, "message": "Sender Data", "data": {"id": "s1"}}),
        ),
    ));
    let got = c.sms().get_sender("s1").send().await.unwrap();
    assert_eq!(got.message, "Sender Data");
    assert_eq!(server.seen().len(), 2);

    server.expect(Expect {
        method: "POST".into(),
        path: "/api/v2/sms/send".into(),
        query: String::new(),
        auth: Auth::Bearer(TOKEN.into()),
        body: BodyExpect::Json(
            json!({"sender": "TXTSMS", "to": "919999999999", "message": "hi", "service": "T"}),
        ),
        reply: Reply::json(503, &json!({"message": "busy"})),
    });
    let err = c
        .sms()
        .send_message(SmsSendDirect::new(
            "TXTSMS",
            SmsDestinations::from("919999999999".to_owned()),
            "hi",
            "T",
        ))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status, .. } if status.as_u16() == 503),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 3, "a send must not be retried");
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
