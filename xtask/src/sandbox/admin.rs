//! The sandbox's own endpoints under `/__sandbox/` (same token as the API), for tests that
//! count what the fakes saw:
//!
//! * `GET /__sandbox/stats`: send requests, accepted sends and messages, drops, 429s, 500s,
//!   invalid requests, receipts by outcome, accepted sends per `custom` reference and the
//!   references accepted more than once;
//! * `GET /__sandbox/messages?cid=&group_id=&id=&mobile=&date=`: the recorded messages the
//!   filter selects (all without one), with `accepted_sends` for a `cid`;
//! * `GET /__sandbox/smpp[?ref=R | ?destination=D&text=T]`: the SMSC's counts
//!   ([`super::smsc_events`]).

use std::time::SystemTime;

use serde_json::{Value, json};

use super::http::{self, Message};
use super::proxy::State;
use super::sms::{error, json_response};
use super::store::Filter;

/// Where the admin endpoints live.
pub const PREFIX: &str = "/__sandbox/";

/// Answers an admin request (token already checked).
pub fn handle(state: &State, method: &str, path: &str, query: &str) -> Message {
    if method != "GET" {
        return error(405, "the sandbox's own endpoints are read with GET");
    }
    let pairs = http::query_pairs(query);
    let now = SystemTime::now();
    match path.strip_prefix(PREFIX) {
        Some("stats") => json_response(200, &state.store.stats(now)),
        Some("messages") => {
            let get = |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
            };
            let filter = Filter {
                id: get("id"),
                mobile: get("mobile"),
                cid: get("cid"),
                group_id: get("group_id"),
                date: get("date"),
            };
            let messages: Vec<Value> = state
                .store
                .find(&filter)
                .iter()
                .map(|r| r.to_json(now))
                .collect();
            let mut body = json!({"messages": messages});
            if let Some(cid) = &filter.cid {
                body["accepted_sends"] = json!(state.store.accepted_sends(cid));
            }
            json_response(200, &body)
        }
        Some("smpp") => json_response(200, &state.smsc.report(&pairs)),
        _ => error(
            404,
            "unknown sandbox endpoint; there are /__sandbox/stats, /__sandbox/messages, /__sandbox/smpp",
        ),
    }
}
