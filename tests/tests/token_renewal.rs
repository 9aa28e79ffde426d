//! Token renewal (`TokenRefresh`) against a tymon/jwt-auth-like platform over loopback HTTP:
//! a renewal outlives the caller that started it and is shared; a failed one keeps the valid
//! token, backs off and is reported; a hanging token endpoint holds callers once; a refreshed
//! token is never sent again and a refused refresh falls back to the API key or says what to
//! do; short-lived tokens are not renewed on every call.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use qikberry::request::{Request, Server};
use qikberry::reqwest::Method;
use qikberry::token::TokenRefresh;
use qikberry::{Client, Error};
use serde_json::Value;
use support::token_platform::TokenPlatform;
use support::tracing_capture::Capture;

const REFRESH: &str = "/api/v3/auth/token/refresh";
const GENERATE: &str = "/api/v3/auth/token/generate";

/// A JWT expiring `exp` (seconds since the epoch), without `iat` (lifetime unknown).
fn jwt(exp: u64, tag: &str) -> String {
    use base64::Engine as _;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!(r#"{{"sub":"10","exp":{exp},"tag":"{tag}"}}"#));
    format!("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{claims}.c2ln")
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A token the platform accepts, expiring in `secs` (negative: expired).
fn token(platform: &TokenPlatform, secs: i64, tag: &str) -> String {
    let t = jwt(now_secs().saturating_add_signed(secs), tag);
    platform.issue(&t);
    t
}

fn client(platform: &TokenPlatform, token: &str, refresh: TokenRefresh) -> Client {
    Client::builder()
        .token(token)
        .host(platform.origin())
        .refresh_token(refresh)
        .build()
        .unwrap()
}

/// An idempotent API call (a GET).
async fn call(c: &Client) -> Result<Value, Error> {
    c.execute(Request::new(
        "test_op",
        Method::GET,
        Server::V2,
        "sms/senders".into(),
    ))
    .await
}

/// Bullet 1: the renewal runs on its own task, shared by every caller, and its new token is
/// kept though the caller that started it gave up.
#[tokio::test]
async fn a_renewal_outlives_the_caller_that_started_it() {
    let p = TokenPlatform::start().await;
    let old = token(&p, -5, "expired");
    p.refresh_delay(Duration::from_millis(400));
    let c = client(&p, &old, TokenRefresh::new());
    // The caller gives up long before the refresh answers.
    let gave_up = tokio::time::timeout(Duration::from_millis(50), call(&c)).await;
    assert!(gave_up.is_err(), "{gave_up:?}");
    // Callers arriving meanwhile wait for that same renewal (the token has expired).
    let results = futures_util::future::join_all((0..5).map(|_| call(&c))).await;
    for r in results {
        r.unwrap();
    }
    // Later calls use the kept token: no other refresh, never the old token.
    tokio::time::sleep(Duration::from_millis(100)).await;
    call(&c).await.unwrap();
    assert_eq!(p.count(REFRESH), 1, "{:?}", p.hits());
    let used = p.api_tokens();
    assert_eq!(used.len(), 6);
    assert!(used.iter().all(|t| *t != old && p.is_live(t)), "{used:?}");
}

/// Bullet 1, with nobody waiting at all: the renewal ends after its caller is gone.
#[tokio::test]
async fn a_renewal_is_kept_when_every_caller_went_away() {
    let p = TokenPlatform::start().await;
    let old = token(&p, -5, "expired");
    p.refresh_delay(Duration::from_millis(300));
    let c = client(&p, &old, TokenRefresh::new());
    assert!(
        tokio::time::timeout(Duration::from_millis(50), call(&c))
            .await
            .is_err()
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(!p.is_live(&old), "the refresh ran to its end");
    call(&c).await.unwrap();
    assert_eq!(p.count(REFRESH), 1, "{:?}", p.hits());
    assert!(p.is_live(&p.api_tokens()[0]));
}

/// Bullet 2: a failed renewal keeps the still valid token, is not retried on every call but
/// after a growing backoff, and is reported to the hook and to `tracing`.
#[tokio::test]
async fn a_failed_renewal_keeps_the_valid_token_backs_off_and_reports() {
    let capture = Capture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));
    let p = TokenPlatform::start().await;
    let old = token(&p, 60, "due");
    p.fail_refreshes(&[503, 503]);
    let reported = Arc::new(Mutex::new(Vec::new()));
    let sink = reported.clone();
    let refresh = TokenRefresh::new()
        .retry_backoff(Duration::from_secs(1), Duration::from_millis(1500))
        .on_failure(move |f| {
            sink.lock().unwrap().push((
                f.attempt,
                f.retry_in,
                f.token_valid_for,
                f.error.to_string(),
            ))
        });
    let c = client(&p, &old, refresh);
    for _ in 0..5 {
        call(&c).await.unwrap();
    }
    assert_eq!(p.count(REFRESH), 1, "one renewal, not one per call");
    {
        let r = reported.lock().unwrap();
        assert_eq!(r.len(), 1, "{r:?}");
        let (attempt, retry_in, valid_for, error) = &r[0];
        assert_eq!((*attempt, *retry_in), (1, Duration::from_secs(1)));
        assert!(
            valid_for.is_some_and(|v| v > Duration::from_secs(50)),
            "{r:?}"
        );
        assert!(error.contains("HTTP 503"), "{error}");
    }
    // Past the backoff: one more attempt, failing again; the next pause is doubled, capped.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..3 {
        call(&c).await.unwrap();
    }
    assert_eq!(p.count(REFRESH), 2);
    assert_eq!(reported.lock().unwrap()[1].0, 2);
    assert_eq!(reported.lock().unwrap()[1].1, Duration::from_millis(1500));
    assert!(p.api_tokens().iter().all(|t| *t == old));
    // Past that one: the renewal succeeds and the new token is used from then on.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    for _ in 0..3 {
        call(&c).await.unwrap();
    }
    assert_eq!(p.count(REFRESH), 3);
    let used = p.api_tokens();
    assert!(
        used[8..].iter().all(|t| *t != old && p.is_live(t)),
        "{used:?}"
    );
    assert_eq!(reported.lock().unwrap().len(), 2);
    let text = capture.text();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("event WARN") && l.contains("token renewal failed"))
        .collect();
    assert_eq!(warnings.len(), 2, "{text}");
    assert!(warnings[0].contains("attempt=1"), "{text}");
    assert!(!text.contains("SECRET") && !text.contains(&old), "{text}");
}

/// Bullet 2: a hanging token endpoint holds callers of a still valid token once, for at most
/// `wait_for_renewal` (2 s) from the renewal's start, not one after another on its timeout.
#[tokio::test]
async fn a_hanging_refresh_does_not_hold_callers_one_after_another() {
    let p = TokenPlatform::start().await;
    let old = token(&p, 60, "due");
    p.refresh_delay(Duration::from_secs(8));
    let c = client(&p, &old, TokenRefresh::new());
    let start = Instant::now();
    let results = futures_util::future::join_all((0..4).map(|_| call(&c))).await;
    for r in results {
        r.unwrap();
    }
    for _ in 0..4 {
        call(&c).await.unwrap();
    }
    let took = start.elapsed();
    assert!(took < Duration::from_secs(4), "callers were held {took:?}");
    assert_eq!(p.count(REFRESH), 1);
    assert_eq!(p.api_tokens(), vec![old.clone(); 8]);
    // Without the wait, a call goes out at once.
    let q = TokenPlatform::start().await;
    let due = token(&q, 60, "due");
    q.refresh_delay(Duration::from_secs(8));
    let c = client(
        &q,
        &due,
        TokenRefresh::new().wait_for_renewal(Duration::ZERO),
    );
    let start = Instant::now();
    call(&c).await.unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

/// Bullet 2: only an expired token fails calls, with the reason, and without a new attempt
/// per call during the backoff.
#[tokio::test]
async fn only_an_expired_token_fails_calls() {
    let p = TokenPlatform::start().await;
    let old = token(&p, -5, "expired");
    p.fail_refreshes(&[503]);
    let refresh =
        TokenRefresh::new().retry_backoff(Duration::from_secs(30), Duration::from_secs(30));
    let c = client(&p, &old, refresh);
    let err = call(&c).await.unwrap_err();
    let Error::TokenRenewal { message, source } = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.starts_with("the access token has expired"),
        "{message}"
    );
    assert!(message.contains("HTTP 503"), "{message}");
    assert_eq!(
        source.as_ref().and_then(|s| s.status()).map(|s| s.as_u16()),
        Some(503)
    );
    assert!(err.is_unauthorized());
    // During the backoff: the same answer at once, no request at all.
    let err = call(&c).await.unwrap_err();
    assert!(err.to_string().contains("next attempt in"), "{err}");
    assert_eq!(p.count(REFRESH), 1);
    assert_eq!(
        p.count("/api/v2/"),
        0,
        "no call went out with the expired token"
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(&old), "{text}");
    }
}

/// Bullet 3: a call already sent with the token a refresh invalidates gets a 401; it is
/// repeated with the new token, without refreshing the dead one again.
#[tokio::test]
async fn a_call_refused_after_a_concurrent_refresh_uses_the_new_token() {
    let p = TokenPlatform::start().await;
    let old = token(&p, 60, "due");
    // The API answers after the refresh has blacklisted the token the call carried.
    p.api_delay(Duration::from_millis(500));
    let c = client(
        &p,
        &old,
        TokenRefresh::new().wait_for_renewal(Duration::ZERO),
    );
    call(&c).await.unwrap();
    call(&c).await.unwrap();
    assert_eq!(p.count(REFRESH), 1, "{:?}", p.hits());
    let used = p.api_tokens();
    assert_eq!(used.len(), 3, "{used:?}");
    assert_eq!(used[0], old);
    assert!(
        used[1..].iter().all(|t| *t != old && p.is_live(t)),
        "{used:?}"
    );
}

/// Bullet 3: two programs share a token; once one has refreshed it, the platform refuses the
/// other's refresh. With an API key the other mints a new token; without one the error says
/// what happened and what to do.
#[tokio::test]
async fn a_refused_refresh_mints_with_the_api_key_or_says_what_to_do() {
    const KEY: &str = "key-SECRET/1";
    let p = TokenPlatform::start().await;
    p.api_key(KEY);
    let shared = token(&p, 60, "shared");
    let first = client(&p, &shared, TokenRefresh::new());
    call(&first).await.unwrap();
    call(&first).await.unwrap();
    assert!(!p.is_live(&shared));
    assert!(
        p.api_tokens().iter().all(|t| *t != shared),
        "only the new token is sent"
    );

    let second = client(&p, &shared, TokenRefresh::new());
    let err = call(&second).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::TokenRenewal { .. }), "{err:?}");
    assert!(err.is_unauthorized());
    assert!(text.contains("auth_refresh_token: HTTP 401"), "{text}");
    assert!(text.contains("TokenRefresh::api_key"), "{text}");
    for text in [text, format!("{err:?}")] {
        assert!(
            !text.contains(&shared) && !text.contains("SECRET"),
            "{text}"
        );
    }
    assert_eq!(p.count(GENERATE), 0);

    let third = client(&p, &shared, TokenRefresh::new().api_key(KEY));
    call(&third).await.unwrap();
    call(&third).await.unwrap();
    let hits = p.hits();
    let minting: Vec<_> = hits.iter().filter(|h| h.path == GENERATE).collect();
    assert_eq!(minting.len(), 1, "{hits:?}");
    assert_eq!(minting[0].token, KEY);
    let used = p.api_tokens();
    let last_two = &used[used.len() - 2..];
    assert!(
        last_two.iter().all(|t| p.is_live(t) && *t != shared),
        "{used:?}"
    );
}

/// Bullet 4: with `expires_in` shorter than the margin, the token is renewed at half its
/// life, not on every call.
#[tokio::test]
async fn a_short_lived_token_is_not_renewed_on_every_call() {
    let p = TokenPlatform::start().await;
    p.expires_in(4);
    let old = token(&p, 60, "due");
    let c = client(&p, &old, TokenRefresh::new());
    for _ in 0..20 {
        call(&c).await.unwrap();
    }
    assert_eq!(p.count(REFRESH), 1, "renewed once, not per call");
    // Past half of the 4 s lifetime: renewed once more.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    for _ in 0..5 {
        call(&c).await.unwrap();
    }
    assert_eq!(p.count(REFRESH), 2);
    assert!(p.api_tokens()[1..].iter().all(|t| *t != old));
}
