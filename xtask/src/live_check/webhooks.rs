//! `cargo xtask live-check --webhooks DIR`: recorded webhook deliveries against the spec's
//! callback schemas.
//!
//! Accepted files: every `DIR/*.json` (sorted by name) holding one JSON object, either a
//! recording `{"event": "<name>", "body": "<raw body as received>", …}` (what the webhook
//! receiver example's `--record DIR` writes; the raw body may also be under `raw_body` or `raw`,
//! or be the parsed JSON object, and other fields such as headers or timestamps are ignored), or a bare delivery body. The event
//! name is the recording's `event`, else the body's `event`. A body with an event is checked
//! against the callback whose example or schema names that event; one without (the validation
//! handshake, the flat SMS delivery report, smart-link visits) against the event-less callback
//! it matches best. An event the spec has no callback for is drift.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::schema::{Difference, Schemas};
use crate::shared::openapi;
use crate::shared::openapi::pointer;

/// One callback of the spec.
struct Callback {
    name: String,
    event: Option<String>,
    schema: String,
}

/// The result for one recorded delivery.
#[derive(Debug, Serialize)]
pub struct Delivery {
    /// File name.
    pub file: String,
    /// Event name, if the delivery has one.
    pub event: Option<String>,
    /// The callback it was checked against (`None`: no callback fits).
    pub callback: Option<String>,
    /// Differences against the callback schema.
    pub differences: Vec<Difference>,
    /// Why no callback fits, or how the file was read.
    pub note: Option<String>,
}

fn callbacks(doc: &Value) -> Vec<Callback> {
    let mut out = Vec::new();
    for op in openapi::operations(doc) {
        let Some(cbs) = op.node.get("callbacks").and_then(Value::as_object) else {
            continue;
        };
        for (name, cb) in cbs {
            let Some(cb) = cb.as_object() else { continue };
            for (expression, item) in cb {
                let Some(content) = item.pointer("/post/requestBody/content/application~1json")
                else {
                    continue;
                };
                let base = ["callbacks", name, expression]
                    .iter()
                    .fold(op.pointer.clone(), |p, s| pointer::join(&p, s));
                let schema = format!("{base}/post/requestBody/content/application~1json/schema");
                out.push(Callback {
                    name: name.clone(),
                    event: event_of(doc, content),
                    schema,
                });
            }
        }
    }
    out
}

/// The event a callback carries: its example's `event`, or the single enum value of its
/// schema's `event` property.
fn event_of(doc: &Value, content: &Value) -> Option<String> {
    let example = content
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
        .and_then(|e| e.get("value"))
        .or_else(|| content.get("example"));
    if let Some(event) = example.and_then(|e| e.get("event")).and_then(Value::as_str) {
        return Some(event.to_string());
    }
    let (schema, _) = pointer::deref(doc, content.get("schema")?, "#")?;
    let event = schema.pointer("/properties/event")?;
    let (event, _) = pointer::deref(doc, event, "#")?;
    match event.get("enum")?.as_array()?.as_slice() {
        [Value::String(only)] => Some(only.clone()),
        _ => None,
    }
}

/// Reads a recording: the event name and the delivery body.
fn read_recording(value: &Value) -> Result<(Option<String>, Value), String> {
    let raw = ["body", "raw_body", "raw"]
        .iter()
        .find_map(|key| value.get(*key));
    let body = match raw {
        Some(Value::String(raw)) => {
            serde_json::from_str(raw).map_err(|e| format!("`body` is not JSON as received: {e}"))?
        }
        Some(body @ Value::Object(_)) => body.clone(),
        Some(_) => return Err("`body` is neither the raw body text nor an object".into()),
        None => value.clone(),
    };
    let event = value
        .get("event")
        .and_then(Value::as_str)
        .or_else(|| body.get("event").and_then(Value::as_str))
        .map(str::to_string);
    Ok((event, body))
}

/// Checks every recording in `dir`.
pub fn check_dir(doc: &Value, dir: &Path) -> Result<Vec<Delivery>, String> {
    let callbacks = callbacks(doc);
    let pointers: Vec<String> = callbacks.iter().map(|c| c.schema.clone()).collect();
    let schemas = Schemas::compile(doc, &pointers)?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no *.json recordings", dir.display()));
    }
    let mut out = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .map_or(String::new(), |f| f.to_string_lossy().into_owned());
        let mut delivery = Delivery {
            file,
            event: None,
            callback: None,
            differences: Vec::new(),
            note: None,
        };
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
            .and_then(|v| read_recording(&v));
        let (event, body) = match parsed {
            Ok(found) => found,
            Err(e) => {
                delivery.note = Some(format!("unreadable: {e}"));
                out.push(delivery);
                continue;
            }
        };
        delivery.event = event.clone();
        let candidates: Vec<&Callback> = callbacks.iter().filter(|c| c.event == event).collect();
        let best = candidates
            .iter()
            .map(|c| (c, schemas.check(doc, &c.schema, &body)))
            .min_by_key(|(_, d)| d.len());
        match best {
            Some((callback, differences)) => {
                delivery.callback = Some(callback.name.clone());
                delivery.differences = differences;
            }
            None => {
                delivery.note = Some(format!(
                    "the spec has no callback for event {:?}: add one under the webhook \
                     callbacks of POST /developer/webhooks",
                    event.unwrap_or_default()
                ));
            }
        }
        out.push(delivery);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recordings_are_read_defensively() {
        let raw =
            json!({"event": "sms:message:status", "raw_body": "{\"event\":\"x\",\"payload\":{}}"});
        let (event, body) = read_recording(&raw).unwrap();
        assert_eq!(event.as_deref(), Some("sms:message:status"));
        assert_eq!(body, json!({"event": "x", "payload": {}}));
        let bare = json!({"event": "rcs:message:in", "payload": {"a": 1}});
        assert_eq!(read_recording(&bare).unwrap().1, bare);
        let broken = json!({"body": "{not json"});
        assert!(read_recording(&broken).unwrap_err().contains("not JSON"));
        assert!(read_recording(&json!({"body": 3})).is_err());
    }
}
