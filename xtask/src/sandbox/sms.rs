//! The SMS operations the sandbox answers itself instead of Prism: `POST /sms/send`
//! (validated by [`super::validate`] against the spec's request schema, answered with fresh ids in the spec's
//! response shape) and `GET /sms/status` (the recorded messages, in the spec's
//! `SmsGetDeliveryStatusResponse` shape, with the status their receipt gives).

use std::time::SystemTime;

use qikberry_text::sms_text::{EncodingChoice, segments};
use serde_json::{Map, Value, json};

use super::faults::{Draw, Settings, splitmix};
use super::http::{self, Message};
use super::store::{Filter, Record, Store, timestamp};
use super::webhooks::recipients;

/// Records per page of a `group_id` or `date` query (the spec's limit).
const PAGE_SIZE: usize = 100;

/// A JSON response.
pub fn json_response(status: u16, body: &Value) -> Message {
    Message::response(status, "application/json", body.to_string().into_bytes())
}

/// The platform's error envelope.
pub fn error(status: u16, message: &str) -> Message {
    json_response(
        status,
        &json!({"status": "error", "code": status, "message": message}),
    )
}

/// A UUID-shaped batch id made from the seed and the batch number.
pub fn group_id(seed: u64, n: u64) -> String {
    let a = splitmix(seed ^ splitmix(n));
    let b = splitmix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// An accepted send: the answer and the messages to record.
pub struct Accepted {
    /// The 200 answer.
    pub response: Message,
    /// One record per recipient.
    pub records: Vec<Record>,
}

/// The 422 answer to a body that does not conform to the spec: `errors` maps the JSON pointer
/// of each offending value to what is wrong there.
pub fn invalid(errors: Map<String, Value>) -> Message {
    json_response(
        422,
        &json!({"status": "error", "code": 422, "message": "The given data was invalid.", "errors": errors}),
    )
}

/// Accepts `POST /sms/send` with `body` (already validated): a record per number, fresh ids,
/// the receipt's outcome drawn, and the spec's answer.
pub fn accept(store: &Store, faults: &Settings, body: &Value) -> Accepted {
    let text = body.get("message").and_then(Value::as_str).unwrap_or("");
    let choice = match body.get("type").and_then(Value::as_str) {
        Some("U") => EncodingChoice::Ucs2,
        _ => EncodingChoice::Auto,
    };
    let units = segments(text, choice).count as u64;
    let length = text.chars().count() as u64;
    let custom = body
        .get("custom")
        .and_then(Value::as_str)
        .map(str::to_string);
    let group = group_id(faults.seed, store.next_group());
    let now = SystemTime::now();
    let records: Vec<Record> = recipients(body)
        .into_iter()
        .enumerate()
        .map(|(i, mobile)| {
            let id = format!("{group}:{}", i + 1);
            Record {
                delivered: !faults.draw(Draw::ReceiptFail, &id),
                id,
                group_id: group.clone(),
                product: "sms".into(),
                custom: custom.clone(),
                mobile,
                units,
                length,
                submitted_at: now,
                receipt_at: now + faults.receipt_delay,
                answered: true,
            }
        })
        .collect();
    let data: Vec<Value> = records
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "mobile": r.mobile, "status": "AWAITING-DLR", "units": r.units,
                "length": r.length, "charges": r.units, "customid": custom.as_deref().unwrap_or(""),
                "iso_code": null, "submitted_at": timestamp(now),
            })
        })
        .collect();
    let answer = json!({
        "status": 200,
        "message": format!("{} numbers accepted for delivery.", records.len()),
        "group_id": group,
        "data": data,
    });
    Accepted {
        response: json_response(200, &answer),
        records,
    }
}

/// The query parameters that select delivery reports (`page` only pages them).
const FILTER_KEYS: [&str; 5] = ["id", "mobile", "cid", "group_id", "date"];

/// Whether `query` selects reports by one of [`FILTER_KEYS`]. A query without any is left to
/// Prism: the spec requires none of them, so the sandbox must not refuse it.
pub fn has_filter(query: &str) -> bool {
    http::query_pairs(query)
        .into_iter()
        .any(|(key, _)| FILTER_KEYS.contains(&key.as_str()))
}

/// Answers `GET /sms/status?…` from the recorded messages. A query matching nothing gets the
/// spec's success envelope with an empty `data`; `group_id` and `date` queries are paginated
/// (100 per page, with `links` and `meta`).
pub fn status(store: &Store, query: &str, base_url: &str) -> Message {
    let mut filter = Filter::default();
    let mut page = 1usize;
    for (key, value) in http::query_pairs(query) {
        let slot = match key.as_str() {
            "id" => &mut filter.id,
            "mobile" => &mut filter.mobile,
            "cid" => &mut filter.cid,
            "group_id" => &mut filter.group_id,
            "date" => &mut filter.date,
            "page" => match value.parse::<usize>() {
                Ok(n) if n >= 1 => {
                    page = n;
                    continue;
                }
                _ => return error(422, &format!("`page`: `{value}` is not a page number")),
            },
            _ => continue,
        };
        *slot = Some(value);
    }
    if filter.is_empty() {
        return error(
            422,
            "pass one of the query parameters `id`, `mobile`, `cid`, `date`, `group_id`",
        );
    }
    let paginated = filter.group_id.is_some() || filter.date.is_some();
    let found = store.find(&filter);
    let now = SystemTime::now();
    let item = |r: &Record| {
        let status = r.status(now);
        json!({
            "id": r.id, "mobile": r.mobile, "status": status, "units": r.units,
            "length": r.length, "charges": r.units, "custom": r.custom.as_deref().unwrap_or(""),
            "location": "", "provider": "", "submitted_at": timestamp(r.submitted_at),
            "delivered_at": (status == "DELIVRD").then(|| timestamp(r.receipt_at)),
        })
    };
    if !paginated {
        let data: Vec<Value> = found.iter().map(item).collect();
        return json_response(200, &json!({"status": 200, "message": "OK", "data": data}));
    }
    let last = found.len().div_ceil(PAGE_SIZE).max(1);
    let from = (page - 1) * PAGE_SIZE;
    let data: Vec<Value> = found.iter().skip(from).take(PAGE_SIZE).map(item).collect();
    let link = |n: usize| {
        let rest: Vec<String> = query
            .split('&')
            .filter(|p| !p.starts_with("page=") && !p.is_empty())
            .map(str::to_string)
            .collect();
        format!("{base_url}?{}&page={n}", rest.join("&"))
    };
    let shown = data.len();
    json_response(
        200,
        &json!({
            "status": 200, "message": "OK", "data": data,
            "links": {
                "first": link(1), "last": link(last),
                "prev": (page > 1).then(|| link(page - 1)),
                "next": (page < last).then(|| link(page + 1)),
            },
            "meta": {
                "current_page": page, "last_page": last, "per_page": PAGE_SIZE,
                "from": (shown > 0).then_some(from + 1), "to": (shown > 0).then_some(from + shown),
                "total": found.len(), "path": base_url,
            },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_uuid_shaped_and_distinct() {
        let a = group_id(1, 1);
        assert_eq!(a.len(), 36);
        assert_eq!(
            a.split('-').map(str::len).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert_ne!(a, group_id(1, 2));
        assert_ne!(a, group_id(2, 1));
        assert_eq!(a, group_id(1, 1));
    }
}
