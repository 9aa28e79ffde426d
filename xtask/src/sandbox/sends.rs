//! The path of every send operation (SMS, WhatsApp, RCS, Viber, voice): counted, throttled
//! (`--throttle`: 429 with `Retry-After`), validated, failed (`--fail-rate`: 500, nothing
//! accepted), accepted and recorded with fresh ids, and possibly dropped
//! (`--drop-after-accept`: recorded, then the connection is closed without an answer).
//!
//! `POST /sms/send` is answered here ([`sms`]); the other sends go through Prism, whose answer
//! gets fresh ids (Prism repeats the spec's example ids) before it is recorded and its events
//! are delivered.

use std::time::SystemTime;

use serde_json::{Value, json};

use super::faults::Draw;
use super::http::Message;
use super::proxy::{Reply, State};
use super::sms::{self, error, json_response};
use super::store::{Counters, Record};
use super::webhooks::recipients;
use crate::shared::operations::Operation;

/// The operation the sandbox answers itself.
const NATIVE: &str = "sms_send_message";

/// Handles a send `op` with `request` (token already checked); `upstream` forwards it to Prism.
pub fn handle(
    state: &State,
    op: &Operation,
    request: &Message,
    upstream: impl FnOnce() -> Message,
) -> Reply {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let custom = body.get("custom").and_then(Value::as_str);
    let key = state.store.arrived(custom);
    if let Some(Err(wait)) = state.bucket.as_ref().map(|b| b.take()) {
        state.store.count(|c| &mut c.throttled);
        let mut answer = error(429, "Too Many Attempts.");
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        answer.set_header("Retry-After", &seconds.to_string());
        return Reply::Answer(answer);
    }
    if op.id == NATIVE
        && let Err(errors) = state.sms_send.check(&body)
    {
        state.store.count(|c| &mut c.invalid);
        return Reply::Answer(sms::invalid(errors));
    }
    if state.faults.draw(Draw::Fail, &key) {
        state.store.count(|c| &mut c.failed);
        return Reply::Answer(error(500, "Server Error (injected by --fail-rate)"));
    }
    let (answer, records) = if op.id == NATIVE {
        let accepted = sms::accept(&state.store, &state.faults, &body);
        state.receipts.schedule(&accepted.records);
        (accepted.response, accepted.records)
    } else {
        match forwarded(state, op, &body, upstream()) {
            Ok(pair) => pair,
            Err(refused) => return Reply::Answer(refused),
        }
    };
    let group = records.first().map(|r| r.group_id.clone());
    state.store.accept(custom, records);
    if state.faults.draw(Draw::Drop, &key) {
        state.store.dropped(group.as_deref().unwrap_or_default());
        return Reply::Drop;
    }
    Reply::Answer(answer)
}

/// Prism's answer to a send other than [`NATIVE`]: a refusal is passed on (and counted); an
/// acceptance gets a fresh `group_id` and message ids, is recorded and its events delivered.
fn forwarded(
    state: &State,
    op: &Operation,
    body: &Value,
    response: Message,
) -> Result<(Message, Vec<Record>), Message> {
    let status = response.status();
    if !(200..300).contains(&status) {
        if (400..500).contains(&status) {
            state.store.count(|c: &mut Counters| &mut c.invalid);
        }
        return Err(response);
    }
    let mut answer: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let group = sms::group_id(state.faults.seed, state.store.next_group());
    let numbers = recipients(body);
    let now = SystemTime::now();
    let mut records = Vec::new();
    let items: Vec<&mut Value> = match answer.get_mut("data") {
        Some(Value::Array(items)) => items.iter_mut().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    };
    for (i, item) in items.into_iter().enumerate() {
        let Some(slot) = item.get_mut("id").filter(|v| v.is_string()) else {
            continue;
        };
        let id = format!("{group}:{}", i + 1);
        *slot = json!(id);
        let mobile = numbers.get(i).cloned().or_else(|| {
            ["mobile", "to"]
                .iter()
                .find_map(|k| item.get(*k).and_then(Value::as_str).map(str::to_string))
        });
        records.push(Record {
            delivered: !state.faults.draw(Draw::ReceiptFail, &id),
            id,
            group_id: group.clone(),
            product: op.tag.clone(),
            custom: body
                .get("custom")
                .and_then(Value::as_str)
                .map(str::to_string),
            mobile: mobile.unwrap_or_default(),
            units: 1,
            length: 0,
            submitted_at: now,
            receipt_at: now + state.faults.receipt_delay,
            answered: true,
        });
    }
    if let Some(slot) = answer.get_mut("group_id") {
        *slot = json!(group);
    }
    state.emitter.observe(op, body, &answer);
    let mut rewritten = json_response(status, &answer);
    rewritten.headers = response.headers;
    Ok((rewritten, records))
}
