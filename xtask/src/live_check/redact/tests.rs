//! The leaks the review of issue 22 found, one test each, and a property test over generated
//! records.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::Redactor;

const TOKEN: &str = "eyJhbGciOi.J9/tAkEnVaLuE+xyz";

/// The parts of [`TOKEN`] that masking its digits would leave readable.
const TOKEN_PARTS: [&str; 2] = ["eyJhbGciOi", "tAkEnVaLuE"];

fn redactor() -> Redactor {
    let doc = json!({"components": {"schemas": {"W": {"properties": {"verification": {"type": "string", "x-secret": true}}}}}});
    Redactor::new(&doc, [TOKEN.to_string()])
}

fn text(value: &Value) -> String {
    value.to_string()
}

#[test]
fn strings_lose_emails_phones_and_url_tokens() {
    let r = redactor();
    assert_eq!(
        r.scrub("mail jane.doe+x@corp.example.in now"),
        "mail redacted@example.com now"
    );
    assert_eq!(r.scrub("+919876543210"), "+91XXXXXXXXXX");
    assert_eq!(r.scrub("9189212693xx"), "91XXXXXXXXxx");
    // Digits glued to letters were kept before; an id is masked like any digits now.
    assert_eq!(r.scrub("id ab9876543210"), "id ab98XXXXXXXX");
    assert_eq!(r.scrub("2024-03-10 14:06:10"), "2024-03-10 14:06:10");
    assert_eq!(
        r.scrub("https://x.test/a?access_token=abc&page=2"),
        "https://x.test/a?access_token=REDACTED&page=2"
    );
    assert_eq!(r.scrub("user@localhost"), "user@localhost");
}

#[test]
fn objects_keep_their_shape() {
    let got = redactor().redact(&json!({
        "data": [{"name": "Jane Doe", "mobile": 919876543210u64, "email": "jane@corp.in",
                  "secret": "s3", "verification": "v", "first_name": "Jane", "status": 1,
                  "rate": 0.5, "active": true}],
        "sender": {"name": "TXTSMS"},
        "access_token": null
    }));
    assert_eq!(
        got,
        json!({
            "data": [{"name": "Redacted Name", "mobile": 0, "email": "redacted@example.com",
                      "secret": "[REDACTED]", "verification": "[REDACTED]", "first_name": "Redacted Name",
                      "status": 1, "rate": 0.0, "active": true}],
            "sender": {"name": "Redacted Name"},
            "access_token": null
        })
    );
}

#[test]
fn allowed_fields_stay_everything_else_is_masked() {
    let got = redactor().redact(&json!({
        "code": 200, "status": "OK", "message": "Your OTP is 482913",
        "meta": {"total": 17, "per_page": 15, "current_page": 1, "count": 123456, "limit": i64::MIN},
        "data": {"type": "text", "channel": "sms", "state": "DELIVRD at 2024-03-10",
                 "code": "ERR 91234", "status": [1, "2"], "x-secret-ish": "plain"}
    }));
    assert_eq!(
        got,
        json!({
            "code": 200, "status": "OK", "message": "[REDACTED]",
            "meta": {"total": 17, "per_page": 15, "current_page": 1, "count": 0, "limit": 0},
            "data": {"type": "text", "channel": "sms", "state": "DELIVRD at 2024-03-10",
                     "code": "ERR XXXXX", "status": [1, "X"], "x-secret-ish": "[REDACTED]"}
        })
    );
}

#[test]
fn client_ip_is_masked() {
    let got = text(&redactor().redact(&json!({"client_ip": "203.0.113.77", "ip": "2001:db8::7"})));
    assert!(
        !got.contains("203.0.113.77") && !got.contains("db8"),
        "{got}"
    );
}

#[test]
fn latitude_and_longitude_are_masked() {
    let got = text(&redactor().redact(&json!({
        "latitude": 28.613_9, "longitude": 77.209_0, "location": "28.6139,77.2090",
        "type": "location 12.97,77.59"
    })));
    for leak in ["28.61", "77.20", "6139", "12.97", "77.59"] {
        assert!(!got.contains(leak), "{leak} in {got}");
    }
}

#[test]
fn user_agent_is_masked() {
    let got = text(
        &redactor().redact(&json!({"user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8)"})),
    );
    assert!(!got.contains("Pixel") && !got.contains("Android"), "{got}");
}

#[test]
fn dtmf_digits_are_masked() {
    let got = text(
        &redactor().redact(&json!({"dtmf": "4711", "digits": 4711, "status": "pressed 4711"})),
    );
    assert!(!got.contains("4711"), "{got}");
}

#[test]
fn names_next_to_numbers_are_masked() {
    let got = text(&redactor().redact(&json!({
        "contact": "Priya Sharma", "to": "Priya Sharma <919812345678>", "receiver": {"label": "Rahul"}
    })));
    for leak in ["Priya", "Sharma", "Rahul", "12345678"] {
        assert!(!got.contains(leak), "{leak} in {got}");
    }
}

#[test]
fn formatted_phone_numbers_are_masked() {
    let r = redactor();
    for number in [
        "+44 7700 900123",
        "+91 99999 99999",
        "(555) 123-4567",
        "0091 98123 45678",
        "919999999999",
    ] {
        let got =
            text(&r.redact(&json!({"mobile": number, "status": format!("sent to {number}")})));
        let groups = number.split(|c: char| !c.is_ascii_digit());
        for group in groups.filter(|g| g.len() >= 3) {
            assert!(!got.contains(group), "{number}: {got}");
        }
    }
}

#[test]
fn signed_url_loses_its_signature() {
    let url = "https://bucket.s3.amazonaws.com/rec/919812345678.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240310&X-Amz-Signature=9f86d081884c7d659a2feaa0c55ad015";
    let r = redactor();
    let kept = r.scrub(url);
    let masked = text(&r.redact(&json!({"recording_url": url})));
    for got in [kept, masked] {
        for leak in ["9f86d081", "AKIAEXAMPLE", "12345678"] {
            assert!(!got.contains(leak), "{leak} in {got}");
        }
    }
}

#[test]
fn webhook_id_is_masked() {
    let got = text(&redactor().redact(
        &json!({"data": {"id": "wh_8f3k2", "webhook_id": 8812, "uri": "https://h.test/hook"}}),
    ));
    assert!(!got.contains("wh_8f3k2") && !got.contains("8812"), "{got}");
}

#[test]
fn token_under_an_innocent_key_or_escaped_is_masked() {
    let r = redactor();
    let escaped = TOKEN.replace('/', "\\/");
    let percent = TOKEN.replace('/', "%2F").replace('+', "%2B");
    let body = json!({
        "note": TOKEN,
        "status": format!("token {TOKEN} refused"),
        "type": format!(r#"{{"raw":"{escaped}","q":"?x={percent}"}}"#),
        TOKEN: 1
    });
    let got = text(&r.redact(&body));
    for form in [
        TOKEN,
        &escaped,
        &percent,
        "J9",
        TOKEN_PARTS[0],
        TOKEN_PARTS[1],
    ] {
        assert!(!got.contains(form), "{form} in {got}");
    }
    let excerpt = r.excerpt(format!("<p>denied {escaped} {percent}</p>").as_bytes(), 200);
    assert!(
        !excerpt.contains("J9") && excerpt.contains("[REDACTED]"),
        "{excerpt}"
    );
}

#[test]
fn a_number_at_the_cut_of_the_excerpt_is_masked() {
    let r = redactor();
    for body in [
        format!("{}919812345678 tail", "x".repeat(195)),
        format!(r#"{{"error":"{}919812345678"}}"#, "x".repeat(186)),
    ] {
        let excerpt = r.excerpt(body.as_bytes(), 200);
        assert!(excerpt.chars().count() <= 200);
        assert!(
            !excerpt.contains("919") && !excerpt.contains("98123"),
            "{excerpt}"
        );
    }
    // The old cut-then-redact order left `91981` standing before the cut.
    let cut_first: String = format!("{}919812345678", "x".repeat(195))
        .chars()
        .take(200)
        .collect();
    assert!(cut_first.ends_with("91981"));
}

/// A phone number in one of five formats, built from random digits.
fn phone() -> impl Strategy<Value = String> {
    let d = |n| proptest::string::string_regex(&format!("[1-9][0-9]{{{}}}", n - 1)).unwrap();
    prop_oneof![
        d(10).prop_map(|n| format!("91{n}")),
        (d(5), d(5)).prop_map(|(a, b)| format!("+91 {a} {b}")),
        (d(4), d(6)).prop_map(|(a, b)| format!("+44 {a} {b}")),
        (d(3), d(3), d(4)).prop_map(|(a, b, c)| format!("({a}) {b}-{c}")),
        d(10).prop_map(|n| format!("0091{n}")),
    ]
}

/// A value carrying something personal, and the strings that must not survive.
fn leak() -> impl Strategy<Value = (Value, Vec<String>)> {
    let otp = proptest::string::string_regex("[1-9][0-9]{3,7}").unwrap();
    let ip = (1u8..=254, 0u8..=255, 0u8..=255, 1u8..=254)
        .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}"));
    let coordinate = (-89.0f64..89.0, -179.0f64..179.0);
    let token = prop_oneof![
        Just(TOKEN.to_string()),
        Just(TOKEN.replace('/', "\\/")),
        Just(TOKEN.replace('/', "%2F").replace('+', "%2B")),
    ];
    prop_oneof![
        (phone(), "[a-z ]{0,8}").prop_map(|(p, w)| (json!(format!("{w}{p} ok")), vec![p])),
        otp.prop_map(|o| (json!(format!("Your OTP is {o}.")), vec![o])),
        ip.prop_map(|ip| (json!(format!("from {ip}")), vec![ip])),
        coordinate.prop_map(|(lat, lon)| {
            let text = format!("{lat:.5},{lon:.5}");
            (json!([lat, lon, text.clone()]), vec![text])
        }),
        token.prop_map(|t| (json!(format!("bearer {t} end")), vec![t])),
    ]
}

/// A key: random, or one of the allow-list (whose values are scrubbed, not masked).
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{1,10}",
        proptest::sample::select(super::ALLOWED).prop_map(str::to_string),
    ]
}

/// Whether `got` still holds one of `leaks` or a run of four digits (dates are not generated).
fn survivor(got: &str, leaks: &[String]) -> Option<String> {
    if let Some(l) = leaks.iter().find(|l| got.contains(l.as_str())) {
        return Some(l.clone());
    }
    got.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() >= 4)
        .map(str::to_string)
}

proptest! {
    #[test]
    fn nothing_personal_survives(
        entries in proptest::collection::vec((key(), key(), leak()), 1..8),
        cut in 150usize..260,
    ) {
        let mut record = serde_json::Map::new();
        let mut leaks: Vec<String> = TOKEN_PARTS.iter().map(|p| p.to_string()).collect();
        for (outer, inner, (value, strings)) in entries {
            leaks.extend(strings);
            record.insert(outer, json!({ inner: value }));
        }
        let record = Value::Object(record);
        let r = redactor();
        let redacted = text(&r.redact(&record));
        prop_assert_eq!(survivor(&redacted, &leaks), None, "{}", redacted);
        let raw = record.to_string();
        for body in [raw.clone(), raw.replace('{', "< ")] {
            let excerpt = r.excerpt(body.as_bytes(), cut);
            prop_assert_eq!(survivor(&excerpt, &leaks), None, "{}", excerpt);
        }
    }
}

proptest! {
    #[test]
    fn any_text_is_redacted_without_panicking(
        body in any::<Vec<u8>>(),
        text in r#"([0-9a-fA-Fu@.:=&%+ TZ/"\\-]|é|.){0,80}"#,
    ) {
        let r = redactor();
        let excerpt = r.excerpt(&body, 200);
        prop_assert!(excerpt.chars().count() <= 200);
        let _ = r.scrub(&text);
        let _ = r.redact(&json!({ text.clone(): [text.clone(), {"status": text}] }));
    }
}
