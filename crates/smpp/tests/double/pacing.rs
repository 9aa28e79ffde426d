//! Message pacing against the SMSC double: counted in messages over all binds, the parts of one
//! text acquired together, a limiter shared by several clients, and a failing limiter.

use super::*;
use futures_util::future::BoxFuture;
use qikberry_runtime::ratelimit::{LocalLimiter, Rate, RateLimitError, RateLimiter};

async fn answering_double() -> Double {
    double(
        standard(|st, _, p| vec![Act::Reply(ok_submit(st, p))]),
        Opts { dribble: false },
    )
    .await
}

fn arrivals(d: &Double) -> Vec<Instant> {
    d.stats.arrivals.lock().unwrap().clone()
}

#[tokio::test]
async fn parts_of_a_text_are_acquired_together_before_the_first() {
    let d = answering_double().await;
    let mut c = config(&[&d.addr]);
    c.messages_per_second = Some(10.0);
    let client = Client::connect(c).await.unwrap();
    let long = Sms::new("QIKBRY", "919900000000", "a".repeat(400));
    assert_eq!(client.send(&long).await.unwrap().len(), 3);
    client
        .send(&Sms::new("QIKBRY", "919900000000", "short"))
        .await
        .unwrap();
    let arr = arrivals(&d);
    assert_eq!(arr.len(), 4);
    // The three parts go back to back (paced per part at 10/s they would span 200 ms) ...
    let parts = arr[2] - arr[0];
    assert!(parts < Duration::from_millis(80), "{parts:?}");
    // ... and they count as three: the next text waits one more interval after the third.
    let next = arr[3] - arr[2];
    assert!(next >= Duration::from_millis(80), "{next:?}");
}

#[tokio::test]
async fn every_bind_draws_from_one_message_rate() {
    let (a, b) = (answering_double().await, answering_double().await);
    let mut c = config(&[&a.addr, &b.addr]);
    c.binds_per_server = 2;
    c.messages_per_second = Some(50.0);
    let client = Client::connect(c).await.unwrap();
    assert!(client.wait_bound(4, Duration::from_secs(3)).await);
    let futs = (0..21).map(|_| client.submit_sm(sm("91")));
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    let mut arr = [arrivals(&a), arrivals(&b)].concat();
    arr.sort();
    assert_eq!(arr.len(), 21);
    // 21 messages at 50/s over all four binds: at least 20 intervals of 20 ms (four binds
    // paced separately would take a quarter of that).
    let span = arr[20] - arr[0];
    assert!(span >= Duration::from_millis(380), "{span:?}");
}

#[tokio::test]
async fn clients_sharing_a_limiter_share_its_rate() {
    let d = answering_double().await;
    let shared: Arc<dyn RateLimiter> = Arc::new(LocalLimiter::new(Rate::per_second(50.0)));
    let mut clients = Vec::new();
    for _ in 0..2 {
        let mut c = config(&[&d.addr]);
        c.message_limiter = Some(shared.clone());
        // Ignored: the shared limiter wins.
        c.messages_per_second = Some(1000.0);
        clients.push(Client::connect(c).await.unwrap());
    }
    let futs = clients
        .iter()
        .flat_map(|c| (0..10).map(move |_| c.submit_sm(sm("91"))));
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    let arr = arrivals(&d);
    assert_eq!(arr.len(), 20);
    let span = *arr.iter().max().unwrap() - *arr.iter().min().unwrap();
    assert!(span >= Duration::from_millis(360), "{span:?}");
}

/// A limiter whose store is down.
#[derive(Debug)]
struct Down;

impl RateLimiter for Down {
    fn acquire(&self, _n: u32) -> BoxFuture<'_, Result<(), RateLimitError>> {
        Box::pin(async { Err(RateLimitError::new("store unreachable", None)) })
    }
}

#[tokio::test]
async fn a_failing_limiter_fails_the_send_with_nothing_sent() {
    let d = answering_double().await;
    let mut c = config(&[&d.addr]);
    c.message_limiter = Some(Arc::new(Down));
    let client = Client::connect(c).await.unwrap();
    let e = client
        .send(&Sms::new("QIKBRY", "919900000000", "a".repeat(400)))
        .await
        .unwrap_err();
    assert_eq!((e.segment, e.of), (1, 3));
    assert!(matches!(e.error, SubmitError::RateLimit(_)), "{e}");
    assert!(!e.error.written());
    assert!(e.to_string().contains("store unreachable"), "{e}");
    let e = client.submit_sm(sm("91")).await.unwrap_err();
    assert!(matches!(e, SubmitError::RateLimit(_)), "{e}");
    assert_eq!(d.stats.submits.load(Ordering::SeqCst), 0);
}
