//! The one way the crate connects to Redis (the shared webhook dedupe and the account-wide
//! rate limiter): a reconnecting connection whose every call is bounded, so an outage fails
//! calls quickly instead of hanging them.

use std::time::Duration;

use redis::RedisError;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Connects to `url`; connecting and each answer may take at most `timeout`, and a broken
/// connection is retried once per call before it fails.
pub async fn connect(url: &str, timeout: Duration) -> Result<ConnectionManager, RedisError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(1);
    ConnectionManager::new_with_config(client, config).await
}
