//! Phone-number fields of the generated REST models over real HTTP on 127.0.0.1: what people
//! type (`+91 90000-00001`) leaves the machine as the reference's digits, and a text that cannot
//! be a number stops `send()` with an error naming the field before any request is made.

mod support;

use std::collections::BTreeMap;

use qikberry::Error;
use qikberry::common::TemplateRef;
use qikberry::phone::{PhoneInput, PhoneNumber};
use qikberry::sms::{SmsSendDirect, SmsSendTemplateMessageRequest, SmsTemplateRecipient};
use serde_json::json;
use support::server::{Expect, Reply, TestServer};

const TOKEN: &str = "phone-token-1";

fn expect_post(path: &str, body: serde_json::Value, reply: serde_json::Value) -> Expect {
    Expect::post_json(path, body, TOKEN, Reply::json(200, &reply))
}

/// Asserts that `err` is an encoding error whose message starts with `start`.
fn assert_encode_error(err: &Error, start: &str) {
    let Error::Encode { message } = err else {
        panic!("expected an encoding error, got {err:?}");
    };
    assert!(message.starts_with(start), "{message}");
}

#[tokio::test]
async fn a_typed_number_goes_out_as_e164_digits() {
    let server = TestServer::start().await;
    server.expect(expect_post(
        "sms/send",
        json!({"sender": "QIKBRY", "to": "919000000001", "message": "hi", "service": "T"}),
        json!({"status": 200, "message": "Message Sent", "data": []}),
    ));
    server
        .client(TOKEN)
        .sms()
        .send_message(SmsSendDirect::new("QIKBRY", "+91 90000-00001", "hi", "T"))
        .send()
        .await
        .expect("send");
    assert_eq!(server.seen().len(), 1);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn a_recipient_list_takes_text_and_phone_numbers_alike() {
    let server = TestServer::start().await;
    server.expect(expect_post(
        "sms/send/template",
        json!({"alias": "otp", "data": {"otp": "1234"},
               "recipient": {"to": ["919000000001", "447700900123"]}}),
        json!({"status": "OK", "code": 200, "message": "Message Sent", "data": []}),
    ));
    let typed = PhoneNumber::parse("0044 7700 900123").unwrap();
    let recipient =
        SmsTemplateRecipient::new().to([PhoneInput::from("+91 90000 00001"), typed.into()]);
    let body = SmsSendTemplateMessageRequest::new(
        TemplateRef::Alias("otp".into()),
        BTreeMap::from([("otp".to_string(), "1234".to_string())]),
        recipient,
    );
    server
        .client(TOKEN)
        .sms()
        .send_template_message(body)
        .send()
        .await
        .expect("send");
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn an_invalid_number_fails_naming_the_field_and_nothing_is_sent() {
    let server = TestServer::start().await;
    let err = server
        .client(TOKEN)
        .sms()
        .send_message(SmsSendDirect::new("QIKBRY", "12ab", "hi", "T"))
        .send()
        .await
        .unwrap_err();
    assert_encode_error(&err, "`to`: phone number \"12ab\"");
    // Nested in a list: the path names the element.
    let recipient = SmsTemplateRecipient::new().to(["919000000001", "call me"]);
    let body = SmsSendTemplateMessageRequest::new(
        TemplateRef::Alias("otp".into()),
        BTreeMap::new(),
        recipient,
    );
    let err = server
        .client(TOKEN)
        .sms()
        .send_template_message(body)
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`recipient.to[1]`: phone number \"call me\""),
        "{err}"
    );
    assert!(server.seen().is_empty(), "nothing may leave the machine");
}

#[tokio::test]
async fn a_number_filter_goes_out_as_digits_and_a_bad_one_stops_the_query() {
    use futures_util::StreamExt;
    use qikberry::sms::SmsDeliveryStatusFilter;

    let server = TestServer::start().await;
    server.expect(Expect::get(
        "sms/status",
        "mobile=919000000001",
        TOKEN,
        Reply::json(200, &json!({"status": 200, "message": "OK", "data": []})),
    ));
    let client = server.client(TOKEN);
    let sms = client.sms();
    let filter = SmsDeliveryStatusFilter::new().mobile("+91 90000-00001");
    sms.get_delivery_status()
        .filter(filter)
        .send()
        .await
        .expect("status");
    assert_eq!(server.seen().len(), 1);
    assert!(server.failures().is_empty(), "{:?}", server.failures());

    let bad = SmsDeliveryStatusFilter::new().mobile("12ab");
    let err = sms
        .get_delivery_status()
        .filter(bad.clone())
        .send()
        .await
        .unwrap_err();
    assert_encode_error(
        &err,
        "sms_get_delivery_status: `mobile`: phone number \"12ab\"",
    );
    // The paginated stream ends on the same error, without a request.
    let items: Vec<_> = sms
        .get_delivery_status()
        .filter(bad)
        .items()
        .collect()
        .await;
    assert!(
        matches!(items.as_slice(), [Err(Error::Encode { .. })]),
        "{items:?}"
    );
    assert_eq!(server.seen().len(), 1, "nothing more may leave the machine");
}
