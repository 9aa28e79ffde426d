//! The checked-in generated code behaves as the generator promises: oneOfs serialize to exactly
//! the variant's JSON and decode by discriminator / single-value field or by trying each shape
//! (naming every shape tried on failure); response oneOfs and string enums keep unknown values.

use qikberry::sms::SmsDestinations;
use qikberry::verify::{
    VerifyCreateProfileResponseData, VerifyProfileChannelItem, VerifyProfileChannelSms,
    VerifyProfileChannelSmsName,
};
use qikberry::whatsapp::WhatsappSendMessageRequest;
use serde_json::json;

#[test]
fn discriminated_one_of_serializes_the_variant_and_dispatches_on_its_field() {
    let item: VerifyProfileChannelItem = VerifyProfileChannelSms::new("QIKBRY", "otp-template")
        .wait(30)
        .into();
    let wire = serde_json::to_value(&item).unwrap();
    assert_eq!(
        wire,
        json!({"name": "sms", "from": "QIKBRY", "template": "otp-template", "wait": 30})
    );
    let back: VerifyProfileChannelItem = serde_json::from_value(wire).unwrap();
    assert_eq!(back, item);
}

#[test]
fn discriminated_one_of_names_the_expected_values_on_a_mismatch() {
    let err =
        serde_json::from_value::<VerifyProfileChannelItem>(json!({"name": "pigeon", "from": "x"}))
            .unwrap_err()
            .to_string();
    assert!(
        err.contains("VerifyProfileChannelItem: no shape matches"),
        "{err}"
    );
    for expected in [
        "name = \"sms\"",
        "name = \"whatsapp\"",
        "name = \"voice\"",
        "name = \"viber\"",
    ] {
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn a_selected_variant_reports_its_own_decode_error() {
    let err =
        serde_json::from_value::<VerifyProfileChannelItem>(json!({"name": "sms", "from": "x"}))
            .unwrap_err()
            .to_string();
    assert!(
        err.contains("(as `Sms`)") && err.contains("template"),
        "{err}"
    );
}

#[test]
fn untagged_one_of_tries_every_shape_and_reports_each() {
    let err = serde_json::from_value::<WhatsappSendMessageRequest>(json!({"channels": "nope"}))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("WhatsappSendMessageRequest: the value matches none of its shapes"),
        "{err}"
    );
    assert!(
        err.contains("`ServiceMessages`") && err.contains("`NonServiceTemplateMessages`"),
        "{err}"
    );
    // The nested oneOf lists its own shapes too.
    assert!(err.contains("`SendTextMessage`"), "{err}");
}

#[test]
fn untagged_scalar_or_array_decodes_by_json_type() {
    let one: SmsDestinations = serde_json::from_value(json!("+14155550101")).unwrap();
    assert_eq!(one, SmsDestinations::E164Number("14155550101".into()));
    let many: SmsDestinations = serde_json::from_value(json!(["14155550101"])).unwrap();
    assert_eq!(many, SmsDestinations::from(vec!["14155550101"]));
    assert_eq!(serde_json::to_value(&many).unwrap(), json!(["14155550101"]));
    assert!(serde_json::from_value::<SmsDestinations>(json!(true)).is_err());
    assert_eq!(
        SmsDestinations::from("+1 415 555-0101"),
        SmsDestinations::E164Number("14155550101".into())
    );
}

#[test]
fn phone_number_fields_take_text_or_a_phone_number_and_send_digits() {
    let typed = qikberry::phone::PhoneNumber::parse("0044 7700 900123").unwrap();
    let to = SmsDestinations::from(vec![typed]);
    assert_eq!(serde_json::to_value(&to).unwrap(), json!(["447700900123"]));
    // A text that is no number is kept until serialisation, which names the problem.
    let bad = SmsDestinations::from("12ab");
    let err = serde_json::to_string(&bad).unwrap_err().to_string();
    assert!(
        err.contains("\"12ab\"") && err.contains("not a digit"),
        "{err}"
    );
}

#[test]
fn response_one_of_keeps_unknown_shapes() {
    let object: VerifyCreateProfileResponseData =
        serde_json::from_value(json!({"id": 7, "name": "login"})).unwrap();
    assert!(
        matches!(object, VerifyCreateProfileResponseData::VerifyProfile(ref p) if p.name.as_deref() == Some("login"))
    );
    let list: VerifyCreateProfileResponseData = serde_json::from_value(json!([{"id": 7}])).unwrap();
    assert!(matches!(list, VerifyCreateProfileResponseData::List(ref l) if l.len() == 1));
    let other: VerifyCreateProfileResponseData = serde_json::from_value(json!("surprise")).unwrap();
    assert_eq!(
        other,
        VerifyCreateProfileResponseData::Unknown(json!("surprise"))
    );
    assert_eq!(serde_json::to_value(&other).unwrap(), json!("surprise"));
}

#[test]
fn string_enums_keep_unknown_values() {
    let known: VerifyProfileChannelSmsName = serde_json::from_value(json!("sms")).unwrap();
    assert_eq!(known, VerifyProfileChannelSmsName::Sms);
    assert_eq!(known.as_str(), "sms");
    let unknown: VerifyProfileChannelSmsName =
        serde_json::from_value(json!("carrier-pigeon")).unwrap();
    assert_eq!(
        unknown,
        VerifyProfileChannelSmsName::Unknown("carrier-pigeon".into())
    );
    assert_eq!(
        serde_json::to_value(&unknown).unwrap(),
        json!("carrier-pigeon")
    );
    assert_eq!(unknown.to_string(), "carrier-pigeon");
}
