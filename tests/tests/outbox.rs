//! The durable outbox (`qikberry::outbox`) against real stores — an SQLite file and a
//! PostgreSQL server started from `$QIKBERRY_TOOLS` — with every behaviour written once and
//! run on both (`on_both_stores!`). REST sends go to a loopback axum server playing the
//! platform (`POST /sms/send`, `GET /sms/status?cid=`), through `qikberry::Client`; SMPP sends
//! go to the npm `smpp` SMSC (tests/peers/smpp/smsc.js).

mod smpp_common;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State as AxumState};
use axum::routing::{get, post};
use axum::{Json, Router};
use qikberry::outbox::{
    Applied, Channel, Error, Message, NewMessage, Outbox, Outcome, PostgresStore, RestTransport,
    SmppTransport, SmsStatus, SqliteStore, State, StatusEvent, Store, Worker, WorkerConfig,
};
use qikberry::smpp::{Client as SmppClient, Config as SmppConfig, Inbound, Server};
use qikberry_tests::servers::Postgres;
use serde_json::{Value, json};
use smpp_common::Smsc;

/// A store under test: its backend, and how to open more connections to it (another worker,
/// another process).
enum Db {
    Sqlite(PathBuf),
    Postgres(Postgres),
}

impl Db {
    fn sqlite() -> Db {
        let dir = std::env::temp_dir().join(format!(
            "qikberry-outbox-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Db::Sqlite(dir.join("outbox.db"))
    }

    fn postgres() -> Db {
        Db::Postgres(Postgres::start())
    }

    /// A new connection (its own SQLite connection, or its own PostgreSQL pool).
    async fn open(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite(path) => Arc::new(SqliteStore::open(path).await.expect("open sqlite")),
            Db::Postgres(pg) => Arc::new(
                PostgresStore::connect_with(&pg.config, 2)
                    .await
                    .expect("connect postgres"),
            ),
        }
    }

    /// Runs the migrations once more on a new connection; the versions applied.
    async fn migrate_again(&self) -> Vec<i64> {
        match self {
            Db::Sqlite(path) => SqliteStore::open(path).await.unwrap().migrate().await,
            Db::Postgres(pg) => {
                let s = PostgresStore::connect(&pg.config).await.unwrap();
                s.migrate().await
            }
        }
        .expect("migrate again")
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Sqlite(path) = self
            && let Some(dir) = path.parent()
        {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// One `#[tokio::test]` per body and store.
macro_rules! on_both_stores {
    ($($body:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $body() {
                super::$body(&super::Db::sqlite()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $body() {
                super::$body(&super::Db::postgres()).await;
            })*
        }
    };
}

on_both_stores!(
    enqueue_is_idempotent_by_reference,
    migrations_apply_once_even_when_workers_start_together,
    two_connections_never_claim_the_same_message,
    a_crashed_rest_send_is_found_by_cid_and_not_resent,
    a_rest_send_never_made_is_resent_once_after_the_grace,
    a_failing_lookup_keeps_the_message_in_doubt,
    an_smpp_send_in_doubt_is_parked_and_never_resent,
    reports_out_of_order_duplicated_or_early_and_multipart_texts,
);

fn msg(to: &str, text: &str) -> Message {
    Message::new("QIKBRY", to, text)
}

async fn enqueue_is_idempotent_by_reference(db: &Db) {
    let outbox = Outbox::new(db.open().await);
    let first = outbox
        .enqueue(msg("919900000001", "hi"), "r1")
        .await
        .unwrap();
    assert!(first.created);
    let again = outbox
        .enqueue(msg("919900000001", "hi"), "r1")
        .await
        .unwrap();
    assert_eq!((again.id, again.created), (first.id, false));
    let err = outbox
        .enqueue(msg("919900000001", "other text"), "r1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Conflict { reference, field } if reference == "r1" && field == "text"),
        "{err}"
    );

    let batch: Vec<_> = (0..3)
        .map(|i| NewMessage::new(format!("c-{i}"), msg("919900000002", &format!("m{i}"))))
        .collect();
    let stored = outbox
        .enqueue_batch(Some("spring"), batch.clone())
        .await
        .unwrap();
    assert!(stored.iter().all(|e| e.created));
    // Resuming the campaign: the same batch again changes nothing.
    let again = outbox
        .enqueue_batch(Some("spring"), batch.clone())
        .await
        .unwrap();
    assert!(again.iter().all(|e| !e.created));
    // A conflict anywhere in a batch stores none of it.
    let mut bad = vec![NewMessage::new("c-new", msg("919900000003", "x"))];
    bad.push(NewMessage::new("c-1", msg("919900000002", "changed")));
    assert!(matches!(
        outbox.enqueue_batch(Some("spring"), bad).await,
        Err(Error::Conflict { .. })
    ));
    assert!(outbox.state("c-new").await.unwrap().is_none());
    let summary = outbox.summary(Some("spring")).await.unwrap();
    assert_eq!((summary.get(State::Queued), summary.total()), (3, 3));
    assert_eq!(outbox.summary(None).await.unwrap().total(), 4);
}

async fn migrations_apply_once_even_when_workers_start_together(db: &Db) {
    let opened = futures_util::future::join_all((0..4).map(|_| db.open())).await;
    assert_eq!(opened.len(), 4);
    assert_eq!(db.migrate_again().await, Vec::<i64>::new());
    assert_eq!(db.migrate_again().await, Vec::<i64>::new());
    let outbox = Outbox::new(opened[3].clone());
    outbox
        .enqueue(msg("919900000001", "hi"), "after")
        .await
        .unwrap();
}

async fn two_connections_never_claim_the_same_message(db: &Db) {
    let outbox = Outbox::new(db.open().await);
    let batch: Vec<_> = (0..300)
        .map(|i| NewMessage::new(format!("m-{i}"), msg("919900000001", "x")))
        .collect();
    outbox.enqueue_batch(None, batch).await.unwrap();
    let claimer = |store: Arc<dyn Store>, name: &'static str| async move {
        let mut ids = Vec::new();
        loop {
            let got = store
                .claim(name.into(), Channel::Rest, 7, Duration::from_secs(60))
                .await
                .unwrap();
            if got.is_empty() {
                return ids;
            }
            ids.extend(got.iter().map(|c| c.id));
            // Give the other claimer its turn: the test needs both to claim (SQLite's writers
            // take turns; a claimer alone on a core could take all 300 before the other starts).
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    // Both stores open before either claims (opening one while the other claims raced).
    let (store_a, store_b) = (db.open().await, db.open().await);
    let (a, b) = tokio::join!(
        tokio::spawn(claimer(store_a, "a")),
        tokio::spawn(claimer(store_b, "b"))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let (sa, sb): (HashSet<_>, HashSet<_>) = (a.iter().collect(), b.iter().collect());
    assert_eq!(sa.len(), a.len(), "worker a claimed a message twice");
    assert!(
        sa.is_disjoint(&sb),
        "both workers claimed {:?}",
        sa.intersection(&sb)
    );
    assert_eq!(a.len() + b.len(), 300);
    assert!(
        !a.is_empty() && !b.is_empty(),
        "one worker claimed everything"
    );
    assert_eq!(outbox.summary(None).await.unwrap().get(State::Sending), 300);
}

/// The platform: accepts sends (one id per send, remembered by `custom`), answers status
/// queries by `cid`, counts both; a `cid` in `failing` answers 500.
#[derive(Default)]
struct Platform {
    sends: Mutex<HashMap<String, u32>>,
    ids: Mutex<HashMap<String, String>>,
    cid_queries: Mutex<Vec<String>>,
    failing: Mutex<HashSet<String>>,
}

impl Platform {
    fn sends(&self, reference: &str) -> u32 {
        self.sends
            .lock()
            .unwrap()
            .get(reference)
            .copied()
            .unwrap_or(0)
    }
    fn queries(&self, reference: &str) -> usize {
        let q = self.cid_queries.lock().unwrap();
        q.iter().filter(|c| *c == reference).count()
    }
}

async fn send(AxumState(p): AxumState<Arc<Platform>>, Json(body): Json<Value>) -> Json<Value> {
    let custom = body["custom"].as_str().unwrap_or_default().to_owned();
    let n = {
        let mut sends = p.sends.lock().unwrap();
        let n = sends.entry(custom.clone()).or_default();
        *n += 1;
        sends.values().sum::<u32>()
    };
    let id = format!("msg-{n}:1");
    p.ids.lock().unwrap().insert(custom.clone(), id.clone());
    Json(json!({
        "status": 200, "message": "1 numbers accepted for delivery.", "group_id": format!("g{n}"),
        "data": [{"id": id, "mobile": body["to"], "status": "AWAITING-DLR", "customid": custom}]
    }))
}

async fn status(
    AxumState(p): AxumState<Arc<Platform>>,
    Query(q): Query<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let cid = q.get("cid").cloned().unwrap_or_default();
    p.cid_queries.lock().unwrap().push(cid.clone());
    if p.failing.lock().unwrap().contains(&cid) {
        let body = json!({"status": "ERROR", "message": "temporarily unavailable"});
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
    }
    let data: Vec<Value> = p.ids.lock().unwrap().get(&cid).map_or_else(Vec::new, |id| {
        vec![json!({"id": id, "custom": cid, "status": "DELIVRD"})]
    });
    Json(json!({"status": 200, "message": "OK", "data": data})).into_response()
}

/// Starts the platform on loopback; a REST transport over a `qikberry::Client` pointed at it.
async fn platform() -> (Arc<Platform>, Arc<RestTransport<qikberry::Client>>) {
    let p = Arc::new(Platform::default());
    let app = Router::new()
        .route("/api/v2/sms/send", post(send))
        .route("/api/v2/sms/status", get(status))
        .with_state(p.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = qikberry::Client::builder()
        .token("test-token")
        .host(format!("http://{addr}"))
        .build()
        .unwrap();
    (p, Arc::new(RestTransport::new(client)))
}

/// A worker that looks up doubts at once, resends after `grace` and `min_lookups`.
fn reconciling_worker(
    outbox: &Outbox,
    t: Arc<RestTransport<qikberry::Client>>,
    grace: Duration,
    min_lookups: i64,
) -> Worker {
    let mut config = WorkerConfig::named("reconciler");
    config.grace = grace;
    config.min_lookups = min_lookups;
    config.lookup_interval = Duration::from_millis(1);
    Worker::new(outbox, t, config)
}

/// The platform, an outbox on `db`, and one message enqueued under `reference`.
async fn rest_case(
    db: &Db,
    reference: &str,
) -> (Arc<Platform>, Arc<RestTransport<qikberry::Client>>, Outbox) {
    let (platform, transport) = platform().await;
    let outbox = Outbox::new(db.open().await);
    let message = msg("919900000001", "hi");
    outbox.enqueue(message, reference).await.unwrap();
    (platform, transport, outbox)
}

/// A worker "crashes" holding a short lease on every queued message: claims, sends through
/// `send` if given (the request reaches the platform), records nothing. Returns once the
/// lease has passed.
async fn crash_holding_claims(outbox: &Outbox, send: Option<&RestTransport<qikberry::Client>>) {
    use qikberry::outbox::Transport;
    let lease = Duration::from_millis(150);
    let claims = outbox
        .store()
        .claim("crashed".into(), Channel::Rest, 10, lease)
        .await
        .unwrap();
    for c in claims.iter().filter(|_| send.is_some()) {
        let sent = send.unwrap().send(&c.message, &c.reference).await;
        assert!(matches!(sent, Outcome::Accepted(_)), "{sent:?}");
    }
    tokio::time::sleep(lease * 2).await;
}

async fn a_crashed_rest_send_is_found_by_cid_and_not_resent(db: &Db) {
    let (platform, transport, outbox) = rest_case(db, "ref-a").await;
    let mut changes = outbox.subscribe();
    // The crashed worker's request reached the platform; its outcome was never recorded.
    crash_holding_claims(&outbox, Some(&transport)).await;

    let worker = reconciling_worker(&outbox, transport, Duration::ZERO, 1);
    let report = worker.maintain().await.unwrap();
    assert_eq!((report.expired, report.found), (1, 1), "{report:?}");
    assert_eq!(platform.queries("ref-a"), 1);
    let state = outbox.state("ref-a").await.unwrap().unwrap();
    assert_eq!(state.state, State::Delivered, "{state:?}");
    assert_eq!(
        state.parts[0].message_id,
        platform.ids.lock().unwrap()["ref-a"]
    );
    // Nothing left to send, nothing sent twice.
    assert_eq!(worker.send_batch().await.unwrap().claimed, 0);
    assert_eq!(platform.sends("ref-a"), 1);
    let seen: Vec<State> = std::iter::from_fn(|| changes.try_recv().ok())
        .map(|c| c.state)
        .collect();
    assert_eq!(seen, [State::Reconciling, State::Delivered]);
}

async fn a_rest_send_never_made_is_resent_once_after_the_grace(db: &Db) {
    let (platform, transport, outbox) = rest_case(db, "ref-b").await;
    crash_holding_claims(&outbox, None).await; // crashed before its request left

    let grace = Duration::from_millis(400);
    let worker = reconciling_worker(&outbox, transport, grace, 2);
    assert_eq!(worker.maintain().await.unwrap().expired, 1);
    // Not found yet, within the grace: still in doubt, not resent.
    assert_eq!(platform.queries("ref-b"), 1);
    assert_eq!(worker.send_batch().await.unwrap().claimed, 0);
    let s = outbox.state("ref-b").await.unwrap().unwrap();
    assert_eq!(s.state, State::Reconciling, "{s:?}");
    assert_eq!(platform.sends("ref-b"), 0);

    tokio::time::sleep(grace).await;
    assert_eq!(worker.maintain().await.unwrap().not_found, 1);
    assert_eq!(
        outbox.state("ref-b").await.unwrap().unwrap().state,
        State::Queued
    );
    assert_eq!(worker.send_batch().await.unwrap().accepted, 1);
    for _ in 0..3 {
        worker.maintain().await.unwrap();
        worker.send_batch().await.unwrap();
    }
    assert_eq!(platform.sends("ref-b"), 1);
    let s = outbox.state("ref-b").await.unwrap().unwrap();
    assert_eq!((s.state, s.attempts), (State::Submitted, 2), "{s:?}");
}

async fn a_failing_lookup_keeps_the_message_in_doubt(db: &Db) {
    let (platform, transport, outbox) = rest_case(db, "ref-c").await;
    platform.failing.lock().unwrap().insert("ref-c".into());
    crash_holding_claims(&outbox, None).await;
    let worker = reconciling_worker(&outbox, transport, Duration::ZERO, 1);
    for _ in 0..3 {
        worker.maintain().await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(platform.queries("ref-c") >= 3);
    let s = outbox.state("ref-c").await.unwrap().unwrap();
    assert_eq!(s.state, State::Reconciling, "{s:?}");
    assert!(s.last_error.unwrap().contains("lookup by reference failed"));
    assert_eq!(platform.sends("ref-c"), 0);
    // You may give it up.
    let c = outbox
        .mark_failed("ref-c", "checked by hand")
        .await
        .unwrap();
    assert_eq!(c.state, State::Failed);
}

fn smpp_config(addr: String) -> SmppConfig {
    let mut c = SmppConfig::new("esme1", "secret", vec![Server::plain(addr)]);
    c.request_timeout = Duration::from_secs(5);
    c
}

async fn an_smpp_send_in_doubt_is_parked_and_never_resent(db: &Db) {
    // The SMSC drops the first connection when the first submit_sm arrives, unanswered:
    // the PDU was written, so whether the SMSC took it is unknown. Receipts in text form
    // write the id in decimal where submit_sm_resp wrote it in hex.
    let smsc = Smsc::start(json!({"drop_after": 1, "dlr": "text"})).await;
    let client = SmppClient::connect(smpp_config(smsc.addr())).await.unwrap();
    let mut receipts = client.events().unwrap();
    let outbox = Outbox::new(db.open().await);
    let transport = Arc::new(SmppTransport::new(client.clone()));
    let mut config = WorkerConfig::named("smpp");
    config.concurrency = 1;
    let worker = Worker::new(&outbox, transport, config);

    outbox
        .enqueue(msg("919900000001", "first"), "p1")
        .await
        .unwrap();
    let report = worker.send_batch().await.unwrap();
    assert_eq!(report.unknown, 1, "{report:?}");
    smsc.wait_for("drop", 1, Duration::from_secs(5)).await;
    let parked = outbox.state("p1").await.unwrap().unwrap();
    assert_eq!((parked.state, parked.attempts), (State::Unknown, 1));
    assert!(
        parked
            .last_error
            .as_deref()
            .unwrap()
            .contains("written: true"),
        "{parked:?}"
    );
    assert_eq!(parked.channel, Some(Channel::Smpp));

    // Later messages go out; the parked one never does, whatever the workers do.
    outbox
        .enqueue(msg("919900000002", "second"), "p2")
        .await
        .unwrap();
    assert!(client.wait_bound(1, Duration::from_secs(10)).await);
    for _ in 0..3 {
        worker.maintain().await.unwrap();
        worker.send_batch().await.unwrap();
    }
    let to = |dest: &str| {
        smsc.named("submit")
            .iter()
            .filter(|s| s["destination_addr"] == dest)
            .count()
    };
    // The SMSC logs a submit after answering it: wait for the one expected before counting.
    smsc.wait_for("submit", 1, Duration::from_secs(5)).await;
    assert_eq!((to("919900000001"), to("919900000002")), (0, 1));
    assert_eq!(
        outbox.state("p1").await.unwrap().unwrap().state,
        State::Unknown
    );
    assert_eq!(outbox.list(State::Unknown, None, 10).await.unwrap(), ["p1"]);

    // Its receipt (decimal id) finds the part recorded from the hex submit_sm_resp.
    let Some(Inbound::Receipt(r)) = tokio::time::timeout(Duration::from_secs(5), receipts.recv())
        .await
        .unwrap()
    else {
        panic!("expected a receipt")
    };
    assert!(matches!(
        outbox.apply(StatusEvent::from(&r)).await.unwrap(),
        Applied::Updated(_)
    ));
    assert_eq!(
        outbox.state("p2").await.unwrap().unwrap().state,
        State::Delivered
    );

    // Your decision: resend the parked one (once).
    assert!(matches!(
        outbox.resend("p2").await,
        Err(Error::InvalidState { .. })
    ));
    assert_eq!(outbox.resend("p1").await.unwrap().state, State::Queued);
    assert_eq!(worker.send_batch().await.unwrap().accepted, 1);
    smsc.wait_for("submit", 2, Duration::from_secs(5)).await;
    assert_eq!(to("919900000001"), 1);
    let s = outbox.state("p1").await.unwrap().unwrap();
    assert_eq!((s.state, s.attempts), (State::Submitted, 2));
    client.shutdown(Duration::from_secs(2)).await;
}

/// Records an accepted send with these part ids for `reference` (a claim and its outcome,
/// as a worker records them).
async fn accepted(outbox: &Outbox, reference: &str, ids: &[&str]) {
    outbox
        .enqueue(msg("919900000001", reference), reference)
        .await
        .unwrap();
    let claims = outbox
        .store()
        .claim("w".into(), Channel::Smpp, 1, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(claims[0].reference, reference);
    let ids = ids.iter().map(|s| s.to_string()).collect();
    let outcome = Outcome::Accepted(qikberry::outbox::Accepted::new(ids, None));
    outbox
        .store()
        .record(vec![(claims[0].clone(), outcome)])
        .await
        .unwrap();
}

async fn reports_out_of_order_duplicated_or_early_and_multipart_texts(db: &Db) {
    let outbox = Outbox::new(db.open().await);
    let ev = |id: &str, s: &str, at: i64| StatusEvent::new(id, SmsStatus::from_wire(s)).at(at);
    let state = |r: &'static str| {
        let o = outbox.clone();
        async move { o.state(r).await.unwrap().unwrap() }
    };

    accepted(&outbox, "two-parts", &["A1", "A2"]).await;
    assert!(matches!(
        outbox.apply(ev("A1", "DELIVRD", 20)).await.unwrap(),
        Applied::Updated(_)
    ));
    // Late and duplicate reports change nothing.
    assert_eq!(
        outbox.apply(ev("A1", "ENROUTE", 10)).await.unwrap(),
        Applied::Unchanged
    );
    assert_eq!(
        outbox.apply(ev("A1", "DELIVRD", 20)).await.unwrap(),
        Applied::Unchanged
    );
    assert_eq!(
        outbox.apply(ev("A1", "UNDELIV", 30)).await.unwrap(),
        Applied::Unchanged
    );
    // One part delivered, one not reported: not final yet.
    assert_eq!(state("two-parts").await.state, State::Submitted);
    outbox.apply(ev("A2", "ENROUTE", 10)).await.unwrap();
    assert_eq!(
        outbox.apply(ev("A2", "ACCEPTD", 5)).await.unwrap(),
        Applied::Unchanged
    );
    outbox.apply(ev("A2", "UNDELIV", 40)).await.unwrap();
    let s = state("two-parts").await;
    assert_eq!(s.state, State::Undeliverable, "{s:?}");
    let statuses: Vec<_> = s.parts.iter().map(|p| p.status.clone().unwrap()).collect();
    assert_eq!(statuses, [SmsStatus::Delivered, SmsStatus::Undelivered]);
    assert_eq!(s.parts[1].at, Some(40));

    accepted(&outbox, "three-parts", &["B1", "B2", "B3"]).await;
    let mut changes = outbox.subscribe();
    for id in ["B3", "B1", "B2"] {
        outbox.apply(ev(id, "DELIVRD", 1)).await.unwrap();
    }
    assert_eq!(state("three-parts").await.state, State::Delivered);
    let seen: Vec<_> = std::iter::from_fn(|| changes.try_recv().ok())
        .map(|c| (c.reference, c.state))
        .collect();
    let last = ("three-parts".to_owned(), State::Delivered);
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2], last);

    // A receipt that overtakes the send's own answer waits for it.
    assert_eq!(
        outbox.apply(ev("C1", "DELIVRD", 1)).await.unwrap(),
        Applied::Pending
    );
    accepted(&outbox, "early", &["c1"]).await;
    assert_eq!(state("early").await.state, State::Delivered);

    let refs: BTreeSet<_> = outbox
        .list(State::Delivered, None, 10)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(refs, BTreeSet::from(["early".into(), "three-parts".into()]));
}
