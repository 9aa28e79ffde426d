//! What the client adds to a call, against the same call made with plain `reqwest`: one
//! in-process axum server on 127.0.0.1, identical request and response bytes on both sides,
//! one current-thread tokio runtime driving both client and server (so a call is the whole
//! round trip, and the allocation counts cover everything that runs for it).
//!
//! Cases: a small send (`client.sms().send_message(..).send()`) and a 250-sender list page
//! decode (`client.sms().list_senders().send()`), each with no layers, with `RetryLayer`, and
//! with the sampled unknown-field check off (`FieldCheck::Never`; the interleaved table only),
//! which shows what that check costs.
//! Before timing, the bench checks that both sides sent the same request (method, path, body,
//! `Authorization`, `Content-Type`, `Accept`, `User-Agent`) and decoded the same value. After the
//! criterion groups it prints, per variant, the median over 101 interleaved rounds of its time
//! divided by plain reqwest's in the same round (robust on a loaded machine), and allocations
//! per call counted by a global allocator wrapper.
//!
//! `cargo bench -p qikberry --bench request_overhead -- --warm-up-time 1 --measurement-time 3`

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::any;
use axum::serve::ListenerExt;
use criterion::{Criterion, criterion_group, criterion_main};
use qikberry::Client;
use qikberry::drift::FieldCheck;
use qikberry::runtime::RetryLayer;
use qikberry::sms::{
    SmsDestinations, SmsListSendersResponse, SmsSendDirect, SmsSendMessageRequest,
    SmsSendMessageResponse,
};
use serde_json::json;
use tokio::runtime::Runtime;

mod common;
use common::{Call, Ratio, allocs_per_call, interleaved};

const TOKEN: &str = "bench-token-0123456789";
const SENDERS: usize = 250;
/// The `User-Agent` our client sends, so both sides put the same bytes on the wire.
const USER_AGENT: &str = concat!("qikberry-rs/", env!("CARGO_PKG_VERSION"));

/// The last request the server saw, to prove both clients send the same thing.
#[derive(Default, Clone, PartialEq, Debug)]
struct Seen {
    method: String,
    uri: String,
    authorization: String,
    content_type: String,
    accept: String,
    user_agent: String,
    body: Vec<u8>,
}

#[derive(Clone)]
struct Server {
    send_reply: Bytes,
    list_reply: Bytes,
    seen: Arc<Mutex<Option<Seen>>>,
}

/// Answers `POST /api/v2/sms/send` and `GET /api/v2/sms/senders` with fixed bytes; records the
/// request only while `seen` holds `Some` (the check before timing), so timed calls do the
/// same work on both sides.
async fn handle(
    State(s): State<Server>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ([(&'static str, &'static str); 1], Bytes) {
    if let Some(seen) = s.seen.lock().expect("lock").as_mut() {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        *seen = Seen {
            method: method.to_string(),
            uri: uri.to_string(),
            authorization: header("authorization"),
            content_type: header("content-type"),
            accept: header("accept"),
            user_agent: header("user-agent"),
            body: body.to_vec(),
        };
    }
    let reply = match uri.path() {
        "/api/v2/sms/send" => s.send_reply.clone(),
        "/api/v2/sms/senders" => s.list_reply.clone(),
        other => panic!("unexpected path {other}"),
    };
    ([("content-type", "application/json")], reply)
}

fn send_reply() -> Bytes {
    let receipt = json!({
        "id": "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1", "mobile": "918921269xxx",
        "status": "AWAITING-DLR", "units": 1, "length": 7, "charges": 1, "customid": "",
        "iso_code": null, "submitted_at": "2018-07-09 16:27:35"
    });
    let body = json!({
        "status": 200, "message": "1 numbers accepted for delivery.",
        "group_id": "1a772ff9-26ff-4e2c-9921-93ba453ef967", "data": [receipt]
    });
    Bytes::from(serde_json::to_vec(&body).expect("json"))
}

/// The same page shape as `benches/rest_decode.rs`.
fn list_reply(items: usize) -> Bytes {
    let sender = json!({
        "id": "ff467e28-7170-4a72-952e-c999cxxxxxx", "name": "SENDER",
        "service": {"id": 55, "display_name": "Global SMS", "name": "G"},
        "entity_name": "SAMPLE COMPANY", "entity_id": "123233434355345555", "header_id": null,
        "iso": "IN", "message": null, "document": null, "is_open": 0, "purpose": 1, "status": 1,
        "created_at": "2022-11-16T06:53:26.000000Z", "updated_at": "2022-11-16T06:55:55.000000Z"
    });
    let body = json!({
        "status": "OK", "code": 200, "message": "Senders List",
        "data": vec![sender; items],
        "links": {"first": "https://x/api/v2/sms/senders?page=1", "last": null, "prev": null,
                  "next": "https://x/api/v2/sms/senders?page=2"},
        "meta": {"current_page": 1, "from": 1, "last_page": 7, "path": "https://x/api/v2/sms/senders",
                 "per_page": 15, "to": 15, "total": 92}
    });
    Bytes::from(serde_json::to_vec(&body).expect("json"))
}

fn message() -> SmsSendMessageRequest {
    SmsSendDirect::new(
        "TXTSMS",
        SmsDestinations::from("919999999999".to_owned()),
        "Your OTP is 123456",
        "T",
    )
    .into()
}

/// Everything one benchmark run needs: the runtime (server spawned on it), our client with and
/// without layers and without the unknown-field check, and a plain reqwest client.
struct Fixture {
    rt: Runtime,
    addr: SocketAddr,
    seen: Arc<Mutex<Option<Seen>>>,
    bare: Client,
    layered: Client,
    unchecked: Client,
    raw: reqwest::Client,
}

impl Fixture {
    fn start() -> Fixture {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let seen = Arc::new(Mutex::new(None));
        let state = Server {
            send_reply: send_reply(),
            list_reply: list_reply(SENDERS),
            seen: seen.clone(),
        };
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new().fallback(any(handle)).with_state(state);
        // No Nagle delay on the server side either (reqwest sets TCP_NODELAY on its sockets).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        rt.spawn(async move { axum::serve(listener, app).await.expect("serve") });
        let origin = format!("http://{addr}");
        let builder = || Client::builder().token(TOKEN).host(&origin);
        Fixture {
            bare: builder().build().expect("client"),
            layered: builder().layer(RetryLayer::new()).build().expect("client"),
            unchecked: builder()
                .field_check(FieldCheck::Never)
                .build()
                .expect("client"),
            raw: qikberry::tls::http_client_builder()
                .unwrap()
                .build()
                .unwrap(),
            rt,
            addr,
            seen,
        }
    }

    async fn ours_send(client: &Client) -> SmsSendMessageResponse {
        client
            .sms()
            .send_message(message())
            .send()
            .await
            .expect("send")
    }

    async fn ours_list(client: &Client) -> SmsListSendersResponse {
        client.sms().list_senders().send().await.expect("list")
    }

    /// The hand-written equivalent of `send_message`: the same headers, body bytes, per-call
    /// timeout and status check, decoding into the same type.
    async fn raw_send(&self) -> SmsSendMessageResponse {
        let resp = self
            .raw
            .post(format!("http://{}/api/v2/sms/send", self.addr))
            .bearer_auth(TOKEN)
            .header("accept", "application/json")
            .header("user-agent", USER_AGENT)
            .timeout(std::time::Duration::from_secs(60))
            .json(&message())
            .send()
            .await
            .expect("send");
        assert!(resp.status().is_success());
        let body = resp.bytes().await.expect("body");
        serde_json::from_slice(&body).expect("decode")
    }

    async fn raw_list(&self) -> SmsListSendersResponse {
        let resp = self
            .raw
            .get(format!("http://{}/api/v2/sms/senders", self.addr))
            .bearer_auth(TOKEN)
            .header("accept", "application/json")
            .header("user-agent", USER_AGENT)
            .timeout(std::time::Duration::from_secs(60))
            .send()
            .await
            .expect("list");
        assert!(resp.status().is_success());
        let body = resp.bytes().await.expect("body");
        serde_json::from_slice(&body).expect("decode")
    }

    /// Runs `call` once with request recording on and returns what the server saw.
    fn record<T>(&self, call: impl std::future::Future<Output = T>) -> (T, Seen) {
        *self.seen.lock().expect("lock") = Some(Seen::default());
        let out = self.rt.block_on(call);
        let seen = self.seen.lock().expect("lock").take().expect("recorded");
        (out, seen)
    }

    /// Fails the bench unless both clients put the same request on the wire and decode the
    /// same value.
    fn check_same_requests(&self) {
        let (ours, ours_seen) = self.record(Self::ours_send(&self.bare));
        let (raw, raw_seen) = self.record(self.raw_send());
        assert_eq!(ours, raw, "send: decoded values differ");
        assert_eq!(ours_seen, raw_seen, "send: requests differ");
        let (ours, ours_seen) = self.record(Self::ours_list(&self.bare));
        let (raw, raw_seen) = self.record(self.raw_list());
        assert_eq!(ours, raw, "list: decoded values differ");
        assert_eq!(ours_seen, raw_seen, "list: requests differ");
        assert_eq!(ours.data.map(|d| d.len()), Some(SENDERS));
    }
}

fn overhead(c: &mut Criterion) {
    let fx = Fixture::start();
    fx.check_same_requests();

    let mut g = c.benchmark_group("send_message");
    g.bench_function("reqwest", |b| b.iter(|| fx.rt.block_on(fx.raw_send())));
    g.bench_function("qikberry", |b| {
        b.iter(|| fx.rt.block_on(Fixture::ours_send(&fx.bare)))
    });
    g.bench_function("qikberry_retry_layer", |b| {
        b.iter(|| fx.rt.block_on(Fixture::ours_send(&fx.layered)))
    });
    g.finish();

    let mut g = c.benchmark_group("list_senders_250");
    g.bench_function("reqwest", |b| b.iter(|| fx.rt.block_on(fx.raw_list())));
    g.bench_function("qikberry", |b| {
        b.iter(|| fx.rt.block_on(Fixture::ours_list(&fx.bare)))
    });
    g.bench_function("qikberry_retry_layer", |b| {
        b.iter(|| fx.rt.block_on(Fixture::ours_list(&fx.layered)))
    });
    g.finish();

    let send: [(&str, Call); 4] = [
        ("reqwest", &|| drop(fx.rt.block_on(fx.raw_send()))),
        ("qikberry", &|| {
            drop(fx.rt.block_on(Fixture::ours_send(&fx.bare)))
        }),
        ("qikberry_retry_layer", &|| {
            drop(fx.rt.block_on(Fixture::ours_send(&fx.layered)))
        }),
        ("qikberry_no_field_check", &|| {
            drop(fx.rt.block_on(Fixture::ours_send(&fx.unchecked)))
        }),
    ];
    let list: [(&str, Call); 4] = [
        ("reqwest", &|| drop(fx.rt.block_on(fx.raw_list()))),
        ("qikberry", &|| {
            drop(fx.rt.block_on(Fixture::ours_list(&fx.bare)))
        }),
        ("qikberry_retry_layer", &|| {
            drop(fx.rt.block_on(Fixture::ours_list(&fx.layered)))
        }),
        ("qikberry_no_field_check", &|| {
            drop(fx.rt.block_on(Fixture::ours_list(&fx.unchecked)))
        }),
    ];
    for (group, calls, variants) in [("send_message", 50, &send), ("list_senders_250", 5, &list)] {
        println!(
            "{group}: interleaved rounds of {calls} calls, median ratio to reqwest and median µs per call over {ROUNDS} rounds; allocations per call"
        );
        let ratios = interleaved(variants, calls, ROUNDS);
        for ((name, call), Ratio { ratio, micros: us }) in variants.iter().zip(ratios) {
            let allocs = allocs_per_call(ALLOC_CALLS, call);
            println!("  {name:<24} {ratio:>6.3}x {us:>9.1} µs/call {allocs:>9.1} allocs");
        }
    }
}

/// Interleaved rounds per group.
const ROUNDS: usize = 101;
/// Calls averaged for the allocation count (enough that a one-off, such as a pool reconnect, does
/// not dominate).
const ALLOC_CALLS: u64 = 100;

criterion_group!(benches, overhead);
criterion_main!(benches);
