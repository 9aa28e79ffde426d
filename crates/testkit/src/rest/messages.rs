//! The SMS the fake accepted: every `sms_send_*` call with a `to` is remembered, one message per
//! number, and `sms_get_delivery_status` answers from them (filtered by `id`, `mobile`, `cid` or
//! `group_id`), in the shape of the spec's examples.

use serde_json::{Map, Value};

/// One SMS the fake accepted: one number of one send.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AcceptedMessage {
    /// The send's operationId (`sms_send_message`).
    pub operation: String,
    /// The message id the fake answered (`<group_id>:<n>`).
    pub id: String,
    /// The send's batch id.
    pub group_id: String,
    /// The number, as sent.
    pub mobile: String,
    /// The send's `custom` reference (queried as `cid`), if it had one.
    pub custom: Option<String>,
    /// The delivery status status queries report (`DELIVRD` unless changed).
    pub status: String,
    /// The whole request body.
    pub request: Value,
}

/// Every message accepted so far, and the batch counter.
#[derive(Default)]
pub(super) struct Messages {
    accepted: Vec<AcceptedMessage>,
    batches: u64,
}

/// True for the operations whose calls are remembered.
pub(super) fn is_send(operation: &str) -> bool {
    operation.starts_with("sms_send_")
}

/// The operation answered from the remembered messages.
pub(super) const STATUS_QUERY: &str = "sms_get_delivery_status";

impl Messages {
    pub(super) fn all(&self) -> Vec<AcceptedMessage> {
        self.accepted.clone()
    }

    pub(super) fn set_status(&mut self, id: &str, status: &str) -> bool {
        let found = self.accepted.iter_mut().filter(|m| m.id == id);
        found.map(|m| m.status = status.to_string()).count() > 0
    }

    /// Remembers a send and returns the example answer rewritten with its batch and message
    /// ids; `None` when the body names no number (then the example is answered unchanged).
    pub(super) fn accept(&mut self, operation: &str, body: &[u8], example: &str) -> Option<String> {
        let request: Value = serde_json::from_slice(body).ok()?;
        let numbers = numbers(request.get("to")?);
        if numbers.is_empty() {
            return None;
        }
        self.batches += 1;
        let group_id = format!("00000000-0000-4000-8000-{:012x}", self.batches);
        let custom = request.get("custom").map(text).filter(|c| !c.is_empty());
        let mut batch = Vec::new();
        for (n, mobile) in numbers.into_iter().enumerate() {
            batch.push(AcceptedMessage {
                operation: operation.to_string(),
                id: format!("{group_id}:{}", n + 1),
                group_id: group_id.clone(),
                mobile,
                custom: custom.clone(),
                status: "DELIVRD".to_string(),
                request: request.clone(),
            });
        }
        let answer = rewrite(example, Some(&group_id), &batch, "AWAITING-DLR");
        self.accepted.extend(batch);
        Some(answer)
    }

    /// The example answer of the status query, with the remembered messages matching `query`.
    pub(super) fn status(&self, query: Option<&str>, example: &str) -> String {
        let filters: Vec<(String, String)> =
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .filter(|(k, _)| matches!(k.as_str(), "id" | "mobile" | "cid" | "group_id"))
                .collect();
        let matching: Vec<AcceptedMessage> = self
            .accepted
            .iter()
            .filter(|m| filters.iter().all(|(k, v)| field(m, k) == Some(v.as_str())))
            .cloned()
            .collect();
        rewrite(example, None, &matching, "")
    }
}

fn field<'m>(m: &'m AcceptedMessage, filter: &str) -> Option<&'m str> {
    match filter {
        "id" => Some(&m.id),
        "mobile" => Some(&m.mobile),
        "cid" => m.custom.as_deref(),
        "group_id" => Some(&m.group_id),
        _ => None,
    }
}

/// `to` as a list of numbers: an array, or one string of comma-separated numbers.
fn numbers(to: &Value) -> Vec<String> {
    match to {
        Value::Array(items) => items.iter().map(text).collect(),
        other => text(other)
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect(),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The example body with `group_id` replaced and `data` rebuilt from its first item, one item
/// per message (`status` is the message's unless `status` is given).
fn rewrite(
    example: &str,
    group_id: Option<&str>,
    batch: &[AcceptedMessage],
    status: &str,
) -> String {
    let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(example) else {
        return example.to_string();
    };
    if let (Some(g), true) = (group_id, body.contains_key("group_id")) {
        body.insert("group_id".into(), Value::String(g.to_string()));
    }
    let template = match body.get("data") {
        Some(Value::Array(items)) => items.first().and_then(Value::as_object).cloned(),
        _ => None,
    };
    let template = template.unwrap_or_default();
    let items = batch
        .iter()
        .map(|m| Value::Object(item(&template, m, status)));
    body.insert("data".into(), Value::Array(items.collect()));
    Value::Object(body).to_string()
}

fn item(template: &Map<String, Value>, m: &AcceptedMessage, status: &str) -> Map<String, Value> {
    let mut item = template.clone();
    let custom = Value::String(m.custom.clone().unwrap_or_default());
    let status = if status.is_empty() { &m.status } else { status };
    item.insert("id".into(), Value::String(m.id.clone()));
    item.insert("mobile".into(), Value::String(m.mobile.clone()));
    item.insert("status".into(), Value::String(status.to_string()));
    for key in ["custom", "customid"] {
        if item.contains_key(key) {
            item.insert(key.into(), custom.clone());
        }
    }
    item
}
