//! Both decoders of `Sender1` read the same page alike: escapes, `null`, unknown members and
//! unknown enum values included (run with `--features serde1,pull1`).

#[test]
fn both_decoders_read_the_same() {
    let body = br#"[{"id":"1","name":"QIKBRY","service":"U","entity_name":"E","entity_id":"11","header_id":"h","iso":"IN","message":"m\"x","document":null,"is_open":1,"purpose":2,"status":1,"created_at":"2024-01-01","updated_at":"2024-01-02","extra":{"a":[1,2,{"b":"c"}]}},
      {"id":"2","status":3,"service":"Z"}, {}]"#;
    let a = decoder_size::serde_sender1(body).unwrap();
    let b = decoder_size::pull_sender1(body).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a.len(), 3);
    println!("{a:?}");
}
