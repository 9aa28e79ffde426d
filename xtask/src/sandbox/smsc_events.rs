//! The npm SMSC's event lines (one JSON object per line on its stdout), counted for
//! `GET /__sandbox/smpp`: every event by name (`submit`, `throttled`, `server_unbind`,
//! `receipt` …), every accepted `submit_sm` by (destination, text) and by the reference the
//! text carries after `ref:` (up to the next space), and the receipts by their `stat` — so a
//! crash test can prove that no message reached the SMSC twice.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Map, Value, json};

/// What marks the reference inside a text: `… ref:<reference> …`.
pub const REF_MARK: &str = "ref:";

#[derive(Default)]
struct Inner {
    events: HashMap<String, u64>,
    by_message: HashMap<(String, String), u64>,
    by_ref: HashMap<String, u64>,
    receipts: HashMap<String, u64>,
}

/// The counts, shared between the thread reading the SMSC and the admin endpoint.
#[derive(Default)]
pub struct SmscEvents {
    inner: Mutex<Inner>,
}

/// The reference a text carries after [`REF_MARK`].
pub fn reference(text: &str) -> Option<&str> {
    let start = text.find(REF_MARK)? + REF_MARK.len();
    let rest = &text[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

impl SmscEvents {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one event line; returns its name (`None` for a line that is not an event).
    pub fn observe(&self, line: &str) -> Option<String> {
        let event: Value = serde_json::from_str(line).ok()?;
        let name = event.get("event")?.as_str()?.to_string();
        let text = |key: &str| {
            event
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let mut inner = self.lock();
        *inner.events.entry(name.clone()).or_default() += 1;
        match name.as_str() {
            "submit" => {
                let (to, body) = (text("destination_addr"), text("text"));
                if let Some(r) = reference(&body) {
                    *inner.by_ref.entry(r.to_string()).or_default() += 1;
                }
                *inner.by_message.entry((to, body)).or_default() += 1;
            }
            "receipt" => *inner.receipts.entry(text("stat")).or_default() += 1,
            _ => {}
        }
        Some(name)
    }

    /// `GET /__sandbox/smpp`: with `destination` and `text`, or `ref`, the count of that
    /// message; always the event counts, the receipts by stat and every message or reference
    /// submitted more than once.
    pub fn report(&self, pairs: &[(String, String)]) -> Value {
        let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        let inner = self.lock();
        let counts = |m: &HashMap<String, u64>| -> Map<String, Value> {
            m.iter().map(|(k, v)| (k.clone(), json!(v))).collect()
        };
        let duplicates: Vec<Value> = inner
            .by_message
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|((to, text), n)| json!({"destination": to, "text": text, "count": n}))
            .collect();
        let duplicate_refs: Map<String, Value> = inner
            .by_ref
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let mut report = json!({
            "events": counts(&inner.events),
            "receipts": counts(&inner.receipts),
            "distinct_messages": inner.by_message.len(),
            "distinct_refs": inner.by_ref.len(),
            "duplicates": duplicates,
            "duplicate_refs": duplicate_refs,
        });
        if let (Some(to), Some(text)) = (get("destination"), get("text")) {
            let n = inner.by_message.get(&(to.clone(), text.clone())).copied();
            report["count"] = json!(n.unwrap_or(0));
        } else if let Some(r) = get("ref") {
            report["count"] = json!(inner.by_ref.get(r).copied().unwrap_or(0));
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submits_are_counted_by_message_and_reference() {
        let events = SmscEvents::default();
        let submit = |to: &str, text: &str| {
            json!({"event": "submit", "destination_addr": to, "text": text}).to_string()
        };
        assert_eq!(
            events.observe(&submit("91", "hi ref:a-1 bye")).as_deref(),
            Some("submit")
        );
        events.observe(&submit("91", "hi ref:a-1 bye"));
        events.observe(&submit("92", "ref:b"));
        events.observe(r#"{"event":"throttled","conn":0}"#);
        assert_eq!(events.observe("not json"), None);
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let r = events.report(&pairs(&[("ref", "a-1")]));
        assert_eq!(r["count"], 2);
        assert_eq!(r["events"]["submit"], 3);
        assert_eq!(r["events"]["throttled"], 1);
        assert_eq!(r["duplicate_refs"]["a-1"], 2);
        assert_eq!(r["duplicates"].as_array().unwrap().len(), 1);
        let r = events.report(&pairs(&[("destination", "92"), ("text", "ref:b")]));
        assert_eq!(r["count"], 1);
        assert_eq!(reference("no mark"), None);
        assert_eq!(reference("x ref: y"), None);
    }
}
