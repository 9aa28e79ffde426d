//! The shared webhook dedupe stores against real servers: `RedisDedupe` on a Redis server and
//! `PostgresDedupe` on a PostgreSQL server, both started by the test from `.tools/`. Each store
//! must keep exactly the claim / complete / release semantics and lease rules of
//! `InMemoryDedupe` (the same contract runs on all three), hold across several store instances
//! (replicas), and turn an outage into 503, never into a 2xx without the handler's success.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qikberry::webhook::{
    Claim, DedupeStore, Delivery, IdempotencyKey, InMemoryDedupe, PostgresDedupe, Receiver,
    RedisDedupe, Verifier,
};
use qikberry_tests::servers::{Postgres, Redis};

/// A key no other test uses.
fn key(tag: &str) -> IdempotencyKey {
    static N: AtomicU32 = AtomicU32::new(0);
    IdempotencyKey::new(format!(
        "test:{tag}/{}/{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

async fn claim(s: &dyn DedupeStore, k: &IdempotencyKey) -> Claim {
    s.claim(k).await.expect("claim")
}

/// The contract every store keeps. `fresh(lease, ttl)` makes a store (a new instance on the
/// same backing, as another replica would) with that claim lease and retention.
async fn contract<F, Fut>(fresh: F)
where
    F: Fn(Duration, Duration) -> Fut,
    Fut: Future<Output = Arc<dyn DedupeStore>>,
{
    let long = Duration::from_secs(3600);
    let a = fresh(long, long).await;
    let b = fresh(long, long).await; // another replica
    // absent → claimed → done; seen the same way by the other replica.
    let k = key("flow");
    assert_eq!(claim(&*a, &k).await, Claim::New);
    assert_eq!(claim(&*b, &k).await, Claim::InFlight);
    a.complete(&k).await.expect("complete");
    assert_eq!(claim(&*b, &k).await, Claim::Done);
    // Release forgets a claim, never a key already done.
    b.release(&k).await.expect("release");
    assert_eq!(claim(&*a, &k).await, Claim::Done);
    let k = key("release");
    assert_eq!(claim(&*a, &k).await, Claim::New);
    a.release(&k).await.expect("release");
    assert_eq!(claim(&*b, &k).await, Claim::New);
    // Of many concurrent claims of one key, over several replicas, exactly one wins.
    let k = key("race");
    let replicas = [a.clone(), b.clone(), fresh(long, long).await];
    let claims = futures_util::future::join_all((0..60).map(|i| {
        let (s, k) = (replicas[i % 3].clone(), k.clone());
        async move { s.claim(&k).await.expect("claim") }
    }))
    .await;
    assert_eq!(claims.iter().filter(|c| **c == Claim::New).count(), 1);
    // A lapsed claim (a replica that died mid-handler) is taken over after its lease.
    let short = fresh(Duration::from_millis(300), long).await;
    let k = key("lease");
    assert_eq!(claim(&*short, &k).await, Claim::New);
    assert_eq!(claim(&*short, &k).await, Claim::InFlight);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(claim(&*short, &k).await, Claim::New);
    // A done key expires after the retention (whole seconds: the in-memory store counts so).
    let brief = fresh(long, Duration::from_secs(1)).await;
    let k = key("ttl");
    assert_eq!(claim(&*brief, &k).await, Claim::New);
    brief.complete(&k).await.expect("complete");
    assert_eq!(claim(&*brief, &k).await, Claim::Done);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(claim(&*brief, &k).await, Claim::New);
}

#[tokio::test]
async fn in_memory_store_keeps_the_contract_within_one_process() {
    // One process: every "replica" is the same store (InMemoryDedupe cannot be shared).
    let shared: Arc<Mutex<Option<Arc<dyn DedupeStore>>>> = Arc::default();
    contract(|lease, ttl| {
        let shared = shared.clone();
        async move {
            if lease.as_secs() == 3600 && ttl.as_secs() == 3600 {
                let mut g = shared.lock().unwrap();
                return g
                    .get_or_insert_with(|| Arc::new(InMemoryDedupe::default()))
                    .clone();
            }
            Arc::new(InMemoryDedupe::new(ttl).with_claim_lease(lease)) as Arc<dyn DedupeStore>
        }
    })
    .await;
}

#[tokio::test]
async fn redis_store_keeps_the_contract_across_replicas() {
    let redis = Redis::start();
    contract(|lease, ttl| {
        let url = redis.url.clone();
        async move {
            let s = RedisDedupe::connect(&url, "contract:")
                .await
                .expect("connect to redis")
                .with_claim_lease(lease)
                .with_ttl(ttl);
            Arc::new(s) as Arc<dyn DedupeStore>
        }
    })
    .await;
}

#[tokio::test]
async fn postgres_store_keeps_the_contract_across_replicas() {
    let pg = Postgres::start();
    contract(|lease, ttl| {
        let config = pg.config.clone();
        async move {
            let s = PostgresDedupe::connect(&config)
                .await
                .expect("connect to postgres")
                .with_claim_lease(lease)
                .with_ttl(ttl);
            Arc::new(s) as Arc<dyn DedupeStore>
        }
    })
    .await;
}

const SECRET: &str = "s3cret";

/// A receiver whose handler counts its calls, with `store`; returns its URL.
async fn serve(store: Arc<dyn DedupeStore>, handled: Arc<AtomicU32>) -> String {
    let receiver = Receiver::with_handler(
        Verifier::new().bearer_secret(SECRET),
        move |_d: Delivery| {
            let handled = handled.clone();
            async move {
                handled.fetch_add(1, Ordering::SeqCst);
                Ok::<(), std::io::Error>(())
            }
        },
    )
    .dedupe(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = receiver.router().expect("authenticated");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}/")
}

async fn post(url: &str, id: &str) -> u16 {
    let body =
        format!(r#"{{"event":"sms:message:status","payload":{{"id":"{id}","status":"DELIVRD"}}}}"#);
    qikberry::tls::http_client_builder()
        .unwrap()
        .build()
        .unwrap()
        .post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {SECRET}"))
        .body(body)
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// While the store is down, deliveries are answered 503 and the handler never runs; once it
/// is back, the retry is handled.
async fn outage_is_503(store: Arc<dyn DedupeStore>, stop: impl FnOnce(), restart: impl FnOnce()) {
    let handled = Arc::new(AtomicU32::new(0));
    let url = serve(store, handled.clone()).await;
    assert_eq!(post(&url, "before:1").await, 200);
    stop();
    assert_eq!(post(&url, "during:1").await, 503);
    assert_eq!(
        handled.load(Ordering::SeqCst),
        1,
        "no handling without the store"
    );
    restart();
    let mut status = 0;
    for _ in 0..40 {
        status = post(&url, "during:1").await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, 200, "the retry after the outage is handled");
    assert_eq!(handled.load(Ordering::SeqCst), 2);
    assert_eq!(post(&url, "during:1").await, 200);
    assert_eq!(handled.load(Ordering::SeqCst), 2, "and only once");
}

#[tokio::test]
async fn a_redis_outage_is_answered_503() {
    let redis = Arc::new(Mutex::new(Some(Redis::start())));
    let port = redis.lock().unwrap().as_ref().unwrap().port;
    let url = redis.lock().unwrap().as_ref().unwrap().url.clone();
    let store = RedisDedupe::connect(&url, "outage:")
        .await
        .expect("connect");
    let (r1, r2) = (redis.clone(), redis.clone());
    outage_is_503(
        Arc::new(store),
        move || drop(r1.lock().unwrap().take()),
        move || *r2.lock().unwrap() = Some(Redis::start_on(port)),
    )
    .await;
}

#[tokio::test]
async fn a_postgres_outage_is_answered_503() {
    let pg = Arc::new(Mutex::new(Some(Postgres::start())));
    let port = pg.lock().unwrap().as_ref().unwrap().port;
    let config = pg.lock().unwrap().as_ref().unwrap().config.clone();
    let store = PostgresDedupe::connect(&config).await.expect("connect");
    let (p1, p2) = (pg.clone(), pg.clone());
    outage_is_503(
        Arc::new(store),
        move || drop(p1.lock().unwrap().take()),
        move || *p2.lock().unwrap() = Some(Postgres::start_on(port)),
    )
    .await;
}
