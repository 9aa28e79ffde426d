//! Every request and response example of `spec/qikberry.yaml` deserializes into the generated
//! type of its operation and serializes back to equivalent JSON (member order irrelevant, `null`
//! members equal to absent ones, numbers by value) — so no field of an example is lost, renamed
//! or retyped by the generated models.

mod support;
#[path = "support/types.rs"]
mod types;

use std::collections::BTreeSet;

use serde_json::Value;
use support::spec;
use types::{Kind, roundtrip};

#[test]
fn every_example_round_trips_through_its_generated_type() {
    let spec_json = spec::load_spec();
    let ops = spec::operations(&spec_json);
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut missing = BTreeSet::new();
    for op in ops.values() {
        let mut cases: Vec<(Kind, String, Value)> = Vec::new();
        if let Some(b) = op
            .body
            .as_ref()
            .filter(|b| !b.content_type.starts_with("multipart/"))
        {
            if b.examples.is_empty() {
                failures.push(format!("{}: request body without an example", op.id));
            }
            for (name, v) in &b.examples {
                cases.push((Kind::Request, name.clone(), v.clone()));
            }
        }
        for (name, v) in &op.response_examples {
            cases.push((Kind::Response, name.clone(), v.clone()));
        }
        if let Some(schema) = op
            .response_schema
            .as_ref()
            .filter(|_| op.response_examples.is_empty())
        {
            // No example in the spec: a minimal instance of the schema must still fit.
            cases.push((
                Kind::Response,
                "(minimal instance)".into(),
                spec::minimal_instance(&spec_json, schema),
            ));
        }
        for (kind, name, example) in cases {
            match roundtrip(&op.id, kind, example.clone()) {
                None => {
                    missing.insert(format!("{} {kind:?}", op.id));
                }
                Some(Err(e)) => failures.push(format!(
                    "{} {kind:?} example {name:?}: does not deserialize: {e}",
                    op.id
                )),
                Some(Ok(back)) => {
                    checked += 1;
                    if let Err(e) = support::json_equivalent(&example, &back) {
                        failures.push(format!(
                            "{} {kind:?} example {name:?}: serializes back differently at {e}",
                            op.id
                        ));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "tests/tests/support/types.rs has no generated type for: {missing:?}"
    );
    assert!(checked > ops.len(), "only {checked} examples checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} examples fail to round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unknown_operations_have_no_entry() {
    assert!(roundtrip("no_such_operation", Kind::Request, Value::Null).is_none());
}

/// The four template sends take `alias`, `id` or both (`x-at-least-one-of`): the generated body
/// holds a `TemplateRef`, so decoding a body with neither fails naming them, a body with both
/// decodes to `AliasAndId`, and a body built by id encodes `id` and no `alias`.
#[test]
fn template_send_needs_alias_or_id() {
    use qikberry::common::TemplateRef;
    use qikberry::sms::SmsSendTemplateMessageRequest;
    use qikberry::whatsapp::WhatsappSendTemplateRequest;

    let neither =
        serde_json::json!({"data": {"name": "Demo"}, "recipient": {"to": ["919000000001"]}});
    let err = serde_json::from_value::<SmsSendTemplateMessageRequest>(neither.clone())
        .expect_err("a body with neither alias nor id must not decode");
    assert!(err.to_string().contains("TemplateRef"), "{err}");
    assert!(serde_json::from_value::<WhatsappSendTemplateRequest>(neither).is_err());

    let mut by_id: SmsSendTemplateMessageRequest = serde_json::from_value(serde_json::json!({
        "id": "b23769e6", "data": {"name": "Demo"}, "recipient": {"to": ["919000000001"]}
    }))
    .expect("by id decodes");
    assert_eq!(by_id.template, TemplateRef::Id("b23769e6".into()));
    by_id.template = TemplateRef::Alias("welcome".into());
    let json = serde_json::to_value(&by_id).expect("encodes");
    assert_eq!(json["alias"], "welcome");
    assert!(json.get("id").is_none(), "{json}");
}

/// Each alone and both together decode (all four template sends), and each encodes back to the
/// same keys.
#[test]
fn template_send_takes_alias_id_or_both() {
    use qikberry::common::TemplateRef;
    use qikberry::rcs::RcsSendTemplateRequest;
    use qikberry::sms::SmsSendTemplateMessageRequest;

    let body = |keys: serde_json::Value| {
        let mut b =
            serde_json::json!({"data": {"name": "Demo"}, "recipient": {"to": ["919000000001"]}});
        b.as_object_mut()
            .unwrap()
            .extend(keys.as_object().unwrap().clone());
        b
    };
    let cases = [
        (
            serde_json::json!({"alias": "welcome"}),
            TemplateRef::Alias("welcome".into()),
        ),
        (
            serde_json::json!({"id": "b23769e6"}),
            TemplateRef::Id("b23769e6".into()),
        ),
        (
            serde_json::json!({"alias": "welcome", "id": "b23769e6"}),
            TemplateRef::AliasAndId {
                alias: "welcome".into(),
                id: "b23769e6".into(),
            },
        ),
    ];
    for (keys, want) in cases {
        let sms: SmsSendTemplateMessageRequest =
            serde_json::from_value(body(keys.clone())).unwrap_or_else(|e| panic!("{keys}: {e}"));
        assert_eq!(sms.template, want, "{keys}");
        let json = serde_json::to_value(&sms).unwrap();
        for k in ["alias", "id"] {
            assert_eq!(json.get(k), keys.get(k), "{k} of {keys} re-encoded: {json}");
        }
        let rcs: RcsSendTemplateRequest =
            serde_json::from_value(body(keys.clone())).unwrap_or_else(|e| panic!("{keys}: {e}"));
        assert_eq!(rcs.template, want, "{keys}");
    }
}
