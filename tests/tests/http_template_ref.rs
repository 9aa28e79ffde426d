//! A template send naming both `alias` and `id` (`x-at-least-one-of`: the reference makes each
//! required only when the other is absent) goes out over real HTTP on 127.0.0.1 with both keys.

mod support;

use std::collections::BTreeMap;

use qikberry::Client;
use qikberry::common::TemplateRef;
use qikberry::sms::{SmsSendTemplateMessageRequest, SmsTemplateRecipient};
use serde_json::json;
use support::server::{Auth, BodyExpect, Expect, Reply, TestServer};

const TOKEN: &str = "template-ref-token-1";

#[tokio::test]
async fn a_send_with_alias_and_id_carries_both() {
    let server = TestServer::start().await;
    server.expect(Expect {
        method: "POST".into(),
        path: "/api/v2/sms/send/template".into(),
        query: String::new(),
        auth: Auth::Bearer(TOKEN.into()),
        body: BodyExpect::Json(json!({
            "alias": "welcome", "id": "b23769e6", "data": {"name": "Demo"},
            "recipient": {"to": ["919000000001"]}
        })),
        reply: Reply::json(
            200,
            &json!({"status": "OK", "code": 200, "message": "Message Sent", "data": []}),
        ),
    });
    let client = Client::builder()
        .token(TOKEN)
        .host(server.origin())
        .build()
        .unwrap();
    let body = SmsSendTemplateMessageRequest::new(
        TemplateRef::AliasAndId {
            alias: "welcome".into(),
            id: "b23769e6".into(),
        },
        BTreeMap::from([("name".to_string(), "Demo".to_string())]),
        SmsTemplateRecipient::new().to(["919000000001"]),
    );
    client
        .sms()
        .send_template_message(body)
        .send()
        .await
        .expect("send");
    assert_eq!(server.seen().len(), 1);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
