//! [`RedisLimiter`]: one rate for every process that uses the same Redis key (feature
//! `ratelimit-redis`).

use std::time::Duration;

use futures_util::future::BoxFuture;
use redis::Script;
use redis::aio::ConnectionManager;

use super::{Rate, RateLimitError, RateLimiter};

/// How long one call to Redis (connect, or the script's answer) may take before the acquire
/// fails with [`RateLimitError`].
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// The GCRA by reservation, on Redis's own clock (`TIME`), so the callers' clocks do not
/// matter. `KEYS[1]`: the theoretical arrival time in µs; `ARGV`: interval (µs), burst, n.
/// Books `n` permits and returns how many µs the caller must wait before using them. The key
/// expires once its time has passed (an absent key and a past one mean the same).
const RESERVE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + n * interval
redis.call('SET', KEYS[1], string.format('%.0f', new_tat),
  'PX', math.floor((new_tat - now) / 1000) + 1000)
local wait = new_tat - burst * interval - now
if wait < 0 then wait = 0 end
return math.floor(wait)
";

/// A [`Rate`] shared by every process using the same Redis key: one account-wide rate for REST
/// calls ([`RateLimitLayer::shared`](crate::RateLimitLayer::shared)) and SMPP texts
/// (`smpp::Config::message_limiter`) alike.
///
/// Each [`acquire`](RateLimiter::acquire) is one Lua script (atomic, one round trip) that books
/// the permits on Redis's clock and answers how long to wait; the caller then sleeps locally.
/// Waiters are served in the order their scripts ran. The state is one small key, expiring by
/// itself when the limiter is idle.
///
/// **When Redis is unreachable** every acquire fails after at most about
/// [`REDIS_TIMEOUT`] with a [`RateLimitError`]: the REST call fails with
/// [`Error::RateLimit`](crate::Error::RateLimit) and the SMPP submission with
/// `SubmitError::RateLimit`, both without sending anything. Sending unpaced would
/// exceed the account rate as soon as several processes do it; retry later (the connection
/// reconnects by itself).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use qikberry::ratelimit::{Rate, RedisLimiter};
///
/// let rate = Rate::per_second(200.0).with_burst(10);
/// let account = Arc::new(RedisLimiter::connect("redis://127.0.0.1:6379/", "qikberry:rate", rate).await?);
/// let client = qikberry::Client::builder()
///     .token("test-token")
///     .layer(qikberry::RateLimitLayer::shared(account.clone()))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisLimiter {
    conn: ConnectionManager,
    key: String,
    rate: Rate,
    reserve: Script,
}

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: not shown.
        f.debug_struct("RedisLimiter")
            .field("key", &self.key)
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

fn unavailable(e: redis::RedisError) -> RateLimitError {
    RateLimitError::new(format!("redis: {e}"), Some(Box::new(e)))
}

impl RedisLimiter {
    /// Connects to `url` (`redis://[:password@]host:port/db`); the state lives in `key`, which
    /// every process sharing the rate must name alike (and with the same `rate`).
    pub async fn connect(
        url: &str,
        key: impl Into<String>,
        rate: Rate,
    ) -> Result<Self, RateLimitError> {
        let conn = crate::redis_conn::connect(url, REDIS_TIMEOUT)
            .await
            .map_err(unavailable)?;
        Ok(Self::with_connection(conn, key, rate))
    }

    /// Uses a connection you manage.
    pub fn with_connection(conn: ConnectionManager, key: impl Into<String>, rate: Rate) -> Self {
        RedisLimiter {
            conn,
            key: key.into(),
            rate,
            reserve: Script::new(RESERVE),
        }
    }

    /// The limiter's rate.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Books `n` permits; returns how long to wait before using them.
    async fn reserve(&self, n: u32) -> Result<Duration, RateLimitError> {
        let mut conn = self.conn.clone();
        let interval = u64::try_from(self.rate.interval().as_micros()).unwrap_or(u64::MAX);
        let mut invocation = self.reserve.key(&self.key);
        invocation.arg(interval).arg(self.rate.burst()).arg(n);
        let call = invocation.invoke_async::<u64>(&mut conn);
        let micros = tokio::time::timeout(REDIS_TIMEOUT, call)
            .await
            .map_err(|_| RateLimitError::new("redis: no answer in time", None))?
            .map_err(unavailable)?;
        Ok(Duration::from_micros(micros))
    }
}

impl RateLimiter for RedisLimiter {
    fn acquire(&self, n: u32) -> BoxFuture<'_, Result<(), RateLimitError>> {
        Box::pin(async move {
            if n > 0 {
                tokio::time::sleep(self.reserve(n).await?).await;
            }
            Ok(())
        })
    }
}
