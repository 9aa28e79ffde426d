//! Redaction of observed bodies before `--record` writes them, so they can serve as candidate
//! spec examples without carrying secrets or personal data.
//!
//! * **Secrets**: the value of every key that names one (`token`, `secret`, `password`,
//!   `api_key`, `authorization`, `otp`, `pin`, or ending in `_token`, `_secret`, …) and of every property
//!   the spec marks `x-secret: true` (by name) becomes `"[REDACTED]"`; `access_token=` / `token=`
//!   in URLs inside strings loses its value.
//! * **E-mail addresses** anywhere in a string become `redacted@example.com`.
//! * **Phone numbers**: every run of 10–15 digits (optionally after `+`) in a string keeps its
//!   first two digits (the country code) and the rest become `X`; a JSON integer of 10–15
//!   digits becomes `91` followed by zeros (same length, still an integer). Timestamps written
//!   as 10-digit numbers are redacted too: over-redacting is the safe side.
//! * **Names**: person-name keys (`first_name`, `last_name`, `full_name`, `contact_name`,
//!   `customer_name`, `username`, …), and `name` / `identity` in an object that also holds a phone number or
//!   an e-mail address (a person or contact record), become `"Redacted Name"`.
//!
//! Types and shapes are kept, so a redacted body still validates where the original did.

use std::collections::BTreeSet;

use serde_json::Value;

const SECRET_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "api_key",
    "apikey",
    "authorization",
    "access_key",
    "auth_key",
    "otp",
    "pin",
];

const NAME_KEYS: &[&str] = &[
    "first_name",
    "last_name",
    "middle_name",
    "full_name",
    "fname",
    "lname",
    "contact_name",
    "customer_name",
    "display_name",
    "username",
    "user_name",
];

/// Redacts with the secret property names of the spec (`x-secret: true`) added to the built-in
/// list.
pub struct Redactor {
    secret_names: BTreeSet<String>,
}

impl Redactor {
    /// A redactor knowing the `x-secret` property and parameter names of `doc`.
    pub fn new(doc: &Value) -> Self {
        let mut secret_names = BTreeSet::new();
        collect_secret_names(doc, None, &mut secret_names);
        Redactor { secret_names }
    }

    fn is_secret_key(&self, key: &str) -> bool {
        let lower = key.to_ascii_lowercase();
        self.secret_names.contains(&lower)
            || SECRET_WORDS
                .iter()
                .any(|w| lower == *w || lower.ends_with(&format!("_{w}")))
    }

    /// A redacted copy of `value`.
    pub fn redact(&self, value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let personal = map.iter().any(|(k, v)| {
                    let k = k.to_ascii_lowercase();
                    ["mobile", "phone", "email", "to", "msisdn"].contains(&k.as_str())
                        || v.as_str()
                            .is_some_and(|s| s.contains('@') && redact_text(s) != s)
                });
                let out = map
                    .iter()
                    .map(|(k, v)| {
                        let lower = k.to_ascii_lowercase();
                        let replaced = if self.is_secret_key(k) && !v.is_null() {
                            match v {
                                Value::Object(_) | Value::Array(_) => self.redact(v),
                                _ => Value::String("[REDACTED]".into()),
                            }
                        } else if v.is_string()
                            && (NAME_KEYS.contains(&lower.as_str())
                                || (personal && ["name", "identity"].contains(&lower.as_str())))
                        {
                            Value::String("Redacted Name".into())
                        } else {
                            self.redact(v)
                        };
                        (k.clone(), replaced)
                    })
                    .collect();
                Value::Object(out)
            }
            Value::Array(list) => Value::Array(list.iter().map(|v| self.redact(v)).collect()),
            Value::String(s) => Value::String(redact_text(s)),
            Value::Number(n) => match n.as_u64() {
                Some(u) if (10..=15).contains(&u.to_string().len()) => {
                    let digits = u.to_string().len();
                    let masked = format!("91{}", "0".repeat(digits - 2));
                    Value::Number(masked.parse::<u64>().unwrap_or(0).into())
                }
                _ => value.clone(),
            },
            other => other.clone(),
        }
    }
}

/// Names (lower-case) of every property and parameter marked `x-secret: true`.
fn collect_secret_names(node: &Value, key: Option<&str>, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if map.get("x-secret").and_then(Value::as_bool) == Some(true) {
                if let Some(name) = map.get("name").and_then(Value::as_str) {
                    out.insert(name.to_ascii_lowercase());
                } else if let Some(key) = key {
                    out.insert(key.to_ascii_lowercase());
                }
            }
            for (k, v) in map {
                collect_secret_names(v, Some(k), out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_secret_names(v, None, out)),
        _ => {}
    }
}

/// Redacts e-mail addresses, phone numbers and URL tokens inside one string.
pub fn redact_text(text: &str) -> String {
    let text = redact_url_tokens(text);
    let text = redact_emails(&text);
    redact_phones(&text)
}

fn redact_url_tokens(text: &str) -> String {
    let mut out = text.to_string();
    for key in ["access_token=", "token="] {
        let mut from = 0;
        while let Some(found) = out[from..].find(key) {
            let start = from + found + key.len();
            let end = out[start..]
                .find(['&', ' ', '"', '#'])
                .map_or(out.len(), |i| start + i);
            out.replace_range(start..end, "REDACTED");
            from = start + "REDACTED".len();
        }
    }
    out
}

fn is_email_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

fn redact_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let mut start = out.len();
            while start > 0 && out[..start].chars().last().is_some_and(is_email_char) {
                start -= out[..start].chars().last().map_or(1, char::len_utf8);
            }
            let mut end = i + 1;
            while end < chars.len() && is_email_char(chars[end]) {
                end += 1;
            }
            let domain: String = chars[i + 1..end].iter().collect();
            let domain = domain.trim_end_matches('.');
            if start < out.len() && domain.contains('.') {
                out.truncate(start);
                out.push_str("redacted@example.com");
                i += 1 + domain.chars().count();
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn redact_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let mut end = i;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
            }
            let len = end - i;
            // A number may already be partly masked (`9189212693xx`).
            let bounded = end == chars.len()
                || !chars[end].is_ascii_alphanumeric()
                || matches!(chars[end], 'x' | 'X');
            if (10..=15).contains(&len) && bounded {
                out.extend(&chars[i..i + 2]);
                out.extend(std::iter::repeat_n('X', len - 2));
                i = end;
                continue;
            }
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_lose_emails_phones_and_url_tokens() {
        assert_eq!(
            redact_text("mail jane.doe+x@corp.example.in now"),
            "mail redacted@example.com now"
        );
        assert_eq!(redact_text("+919876543210"), "+91XXXXXXXXXX");
        assert_eq!(redact_text("9189212693xx"), "91XXXXXXXXxx");
        assert_eq!(redact_text("id ab9876543210"), "id ab9876543210");
        assert_eq!(redact_text("2024-03-10 14:06:10"), "2024-03-10 14:06:10");
        assert_eq!(
            redact_text("https://x.test/a?access_token=abc&page=2"),
            "https://x.test/a?access_token=REDACTED&page=2"
        );
        assert_eq!(redact_text("user@localhost"), "user@localhost");
    }

    #[test]
    fn objects_keep_their_shape() {
        let doc = json!({"components": {"schemas": {"W": {"properties": {"verification": {"type": "string", "x-secret": true}}}}}});
        let r = Redactor::new(&doc);
        let got = r.redact(&json!({
            "data": [{"name": "Jane Doe", "mobile": 919876543210u64, "email": "jane@corp.in",
                      "secret": "s3", "verification": "v", "first_name": "Jane", "status": 1}],
            "sender": {"name": "TXTSMS"},
            "access_token": null
        }));
        assert_eq!(
            got,
            json!({
                "data": [{"name": "Redacted Name", "mobile": 910000000000u64, "email": "redacted@example.com",
                          "secret": "[REDACTED]", "verification": "[REDACTED]", "first_name": "Redacted Name", "status": 1}],
                "sender": {"name": "TXTSMS"},
                "access_token": null
            })
        );
    }
}
