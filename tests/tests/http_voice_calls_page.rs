//! `GET /voice/calls` answers with the call list in `data` (the reference) or with a paginator
//! object in `data` (the platform's sample, wire-shapes.md `voice/logs`, lines 3216-3253): the
//! generated client decodes both over real HTTP on 127.0.0.1, and its item stream yields the
//! calls of either, following the paginator's own `current_page`/`last_page`/`next_page_url`
//! from page to page.

mod support;

use futures_util::TryStreamExt;
use qikberry::Client;
use qikberry::voice::{VoiceCallLog, VoiceCallLogData};
use serde_json::{Value, json};
use support::server::{Expect, Reply, TestServer};

const TOKEN: &str = "voice-calls-token-1";

fn call(id: &str) -> Value {
    json!({"id": id, "call_from": "917989532456", "call_to": "918068287601", "status": "RECEIVED",
           "duration": "00:00:12", "pulsing": "30", "charges": "0.0150", "dtmf": null, "audio": null})
}

fn expect(query: &str, reply: Value) -> Expect {
    Expect::get("voice/calls", query, TOKEN, Reply::json(200, &reply))
}

async fn ids(c: &Client) -> Vec<String> {
    let calls: Vec<VoiceCallLog> = c
        .voice()
        .list_call_logs()
        .items()
        .try_collect()
        .await
        .expect("items");
    calls
        .into_iter()
        .map(|c| c.id.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn the_paginator_object_in_data_decodes_and_streams() {
    let server = TestServer::start().await;
    let page = json!({"status": "OK", "data": {
        "current_page": 1, "data": [call("c839b4c4"), call("d9e0a1b2")],
        "first_page_url": "https://alerts.example/api/v2/voice/calls?page=1", "from": 1,
        "last_page": 1, "last_page_url": "https://alerts.example/api/v2/voice/calls?page=1",
        "next_page_url": null, "path": "https://alerts.example/api/v2/voice/calls", "per_page": 15,
        "prev_page_url": null, "to": 2, "total": 2}});
    server.expect(expect("", page.clone()));
    let c = server.client(TOKEN);
    let answer = c.voice().list_call_logs().send().await.expect("decodes");
    let Some(VoiceCallLogData::PaginatorObject(p)) = &answer.data else {
        panic!("expected the paginator object, got {:?}", answer.data);
    };
    assert_eq!((p.total, p.per_page), (Some(2), Some(15)));
    assert!(answer.message.is_none());
    server.expect(expect("page=1", page));
    assert_eq!(ids(&c).await, ["c839b4c4", "d9e0a1b2"]);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

/// A paginator object for page `page` of `last` holding `calls`, its `next_page_url` set
/// while a page follows.
fn paginator(page: u64, last: u64, calls: Vec<Value>) -> Value {
    let url = |p: u64| format!("https://alerts.example/api/v2/voice/calls?page={p}");
    json!({"status": "OK", "data": {
        "current_page": page, "data": calls, "first_page_url": url(1), "last_page": last,
        "last_page_url": url(last), "next_page_url": (page < last).then(|| url(page + 1)),
        "path": "https://alerts.example/api/v2/voice/calls", "per_page": 1,
        "prev_page_url": (page > 1).then(|| url(page - 1))}})
}

#[tokio::test]
async fn the_item_stream_follows_the_paginator_object_to_its_last_page() {
    let server = TestServer::start().await;
    server.expect(expect("page=1", paginator(1, 3, vec![call("c1")])));
    server.expect(expect("page=2", paginator(2, 3, vec![call("c2")])));
    server.expect(expect("page=3", paginator(3, 3, vec![call("c3")])));
    assert_eq!(ids(&server.client(TOKEN)).await, ["c1", "c2", "c3"]);
    assert_eq!(server.seen().len(), 3);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn the_call_list_in_data_still_decodes_and_streams() {
    let server = TestServer::start().await;
    let page = json!({"status": "OK", "code": 200, "message": "OK", "data": [call("c839b4c4")],
        "meta": {"current_page": 1, "last_page": 1}});
    server.expect(expect("", page.clone()));
    let c = server.client(TOKEN);
    let answer = c.voice().list_call_logs().send().await.expect("decodes");
    assert!(matches!(answer.data, Some(VoiceCallLogData::CallList(ref l)) if l.len() == 1));
    server.expect(expect("page=1", page));
    assert_eq!(ids(&c).await, ["c839b4c4"]);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
