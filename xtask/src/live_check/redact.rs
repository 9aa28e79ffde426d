//! Redaction of observed bodies before `--record` writes them and of the error excerpts of
//! the report, so recordings can serve as candidate spec examples without carrying secrets or
//! personal data.
//!
//! The rule is an **allow-list**: only fields that describe the API's own state are kept as
//! sent, everything else is masked, whatever its name.
//!
//! * **Kept** ([`ALLOWED`], compared without case): status and error codes, enum-like words
//!   (`status`, `state`, `code`, `type`, `kind`, `event`, `channel`, `category`, `direction`,
//!   `encoding`, `language`, `currency`) and paging and counting fields (`success`, `count`,
//!   `total`, `per_page`, `current_page`, `last_page`, `page`, `limit`, `offset`). Strings
//!   under them still pass the free-text rules of [`text`] (their digits are masked, dates
//!   stay); numbers are kept when they are integers of at most three digits (an HTTP code, an
//!   enum value, a page number), else become `0`: a long `code` may be an OTP, a long `total`
//!   says nothing the shape does not. `message` is *not* kept: the same key carries the SMS
//!   text. No id is kept (a message id points at a person, a webhook `id` is its signature
//!   key), nor any name the spec marks `x-secret: true`.
//! * **Masked**, with a placeholder of the same JSON type: a string becomes
//!   `redacted@example.com` when it is an e-mail address, `Redacted Name` under a key ending
//!   in `name` or `identity`, the same number with its digits masked (`+65XXXXXXXX`) when it
//!   is a phone number, else `[REDACTED]`; a number becomes `0` (`0.0` for a fraction).
//!   Booleans and `null` are kept (one bit says nothing about anyone).
//! * Objects and arrays keep their shape; object keys pass the free-text rules (a map keyed
//!   by phone numbers loses them; keys that become equal get a `#2`, `#3` suffix).
//! * **Secrets**: the literal value of the token (and any other secret given to
//!   [`Redactor::new`]) is masked in every string and key, raw, JSON-escaped or
//!   percent-encoded ([`secret`]), before anything else.
//! * **Error excerpts** ([`Redactor::excerpt`]): a JSON body is redacted as above, any other
//!   text by the free-text rules, and only then cut to length, so nothing is split by the cut.
//!
//! Known limits: a free-text string under an allowed key keeps its words, so a name written
//! into a `status` text would stay (the allowed keys were chosen as those that hold enum-like
//! values in the spec); likewise the words of an error body that is not JSON (an HTML page).

mod secret;
#[cfg(test)]
mod tests;
mod text;

use std::collections::BTreeSet;

use serde_json::{Map, Number, Value};

use secret::Secrets;

/// The field names kept as sent (lower case).
pub const ALLOWED: &[&str] = &[
    "status",
    "state",
    "code",
    "status_code",
    "error_code",
    "type",
    "kind",
    "event",
    "channel",
    "category",
    "direction",
    "encoding",
    "language",
    "currency",
    "success",
    "count",
    "total",
    "per_page",
    "current_page",
    "last_page",
    "page",
    "limit",
    "offset",
];

/// Whether the field or query parameter `name` is allow-listed.
pub fn allowed(name: &str) -> bool {
    ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// What a masked string becomes unless a more specific placeholder fits.
const MASKED: &str = secret::MASK;

/// Redacts bodies and texts of one run: the allow-list, the spec's `x-secret` names and the
/// run's literal secrets.
pub struct Redactor {
    secret_names: BTreeSet<String>,
    secrets: Secrets,
}

impl Redactor {
    /// A redactor knowing the `x-secret` property and parameter names of `doc` and masking the
    /// literal `secrets` (the token) wherever they appear.
    pub fn new(doc: &Value, secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secret_names = BTreeSet::new();
        collect_secret_names(doc, None, &mut secret_names);
        Redactor {
            secret_names,
            secrets: Secrets::new(secrets),
        }
    }

    /// Whether the value of field `key` is kept as sent.
    fn keeps(&self, key: &str) -> bool {
        allowed(key) && !self.secret_names.contains(&key.to_ascii_lowercase())
    }

    /// A redacted copy of `value`.
    pub fn redact(&self, value: &Value) -> Value {
        self.redact_under(None, value)
    }

    fn redact_under(&self, key: Option<&str>, value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(self.redact_object(map)),
            Value::Array(list) => {
                Value::Array(list.iter().map(|v| self.redact_under(key, v)).collect())
            }
            Value::Null | Value::Bool(_) => value.clone(),
            scalar => match key {
                Some(k) if self.keeps(k) => self.kept(scalar),
                _ => self.masked(key.unwrap_or(""), scalar),
            },
        }
    }

    fn redact_object(&self, map: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in map {
            let redacted = self.redact_under(Some(key), value);
            let mut name = self.scrub(key);
            let mut n = 1;
            while out.contains_key(&name) {
                n += 1;
                name = format!("{}#{n}", self.scrub(key));
            }
            out.insert(name, redacted);
        }
        out
    }

    /// An allowed string or number: free-text rules, short integers.
    fn kept(&self, scalar: &Value) -> Value {
        match scalar {
            Value::String(s) => Value::String(self.scrub(s)),
            Value::Number(n) if n.as_i64().is_some_and(|i| i.unsigned_abs() <= 999) => {
                scalar.clone()
            }
            Value::Number(n) => zero(n),
            other => other.clone(),
        }
    }

    /// A masked string or number: a placeholder of the same type.
    fn masked(&self, key: &str, scalar: &Value) -> Value {
        let lower = key.to_ascii_lowercase();
        match scalar {
            Value::String(s) if text::is_email(s) => "redacted@example.com".into(),
            Value::String(_) if lower.ends_with("name") || lower == "identity" => {
                "Redacted Name".into()
            }
            Value::String(s) if text::is_phone_like(s) => {
                Value::String(text::mask_phone(&self.secrets.mask(s)))
            }
            Value::String(_) => MASKED.into(),
            Value::Number(n) => zero(n),
            other => other.clone(),
        }
    }

    /// `text` with the secrets and then everything the free-text rules mask removed.
    pub fn scrub(&self, text: &str) -> String {
        text::scrub(&self.secrets.mask(text))
    }

    /// `text` with only the literal secrets masked (for transport errors, which carry no
    /// body).
    pub fn mask_secrets(&self, text: &str) -> String {
        self.secrets.mask(text)
    }

    /// An excerpt of at most `max_chars` characters of a response body, redacted before it is
    /// cut: a JSON body as [`Redactor::redact`] does, other text by the free-text rules.
    pub fn excerpt(&self, body: &[u8], max_chars: usize) -> String {
        let whole = match serde_json::from_slice::<Value>(body) {
            Ok(value) => self.redact(&value).to_string(),
            Err(_) => self.scrub(&String::from_utf8_lossy(body)),
        };
        whole.chars().take(max_chars).collect()
    }
}

/// `0` of the same kind as `n` (`0.0` for a fraction).
fn zero(n: &Number) -> Value {
    if n.is_f64() {
        Number::from_f64(0.0).map_or(Value::from(0), Value::Number)
    } else {
        Value::from(0)
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
