//! The REST transport (feature `rest`): [`RestApi`] is what it needs from a client, and
//! `qikberry` implements it for `qikberry::Client` (its feature `outbox`). This crate does not
//! depend on `qikberry` (which re-exports it), hence the trait.

use std::time::Duration;

use futures_util::future::BoxFuture;
use qikberry_runtime::Error;

use crate::message::Message;
use crate::store::{Accepted, Channel, Outcome};
use crate::transport::{Found, Transport};

/// The two REST operations the outbox needs.
pub trait RestApi: Send + Sync + 'static {
    /// Sends `message` with `custom` = `reference` (`POST /sms/send`); the platform's ids.
    fn send_sms<'a>(
        &'a self,
        message: &'a Message,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Accepted, Error>>;

    /// The delivery status records whose `cid` is `reference` (`GET /sms/status?cid=…`);
    /// empty when the platform has none.
    fn find_by_reference<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Found>, Error>>;
}

/// Sends through a [`RestApi`] (e.g. `qikberry::Client`): the reference goes out as
/// `custom`, so a send in doubt is looked up by `cid` before anything is resent.
#[derive(Debug, Clone)]
pub struct RestTransport<A> {
    api: A,
    retry_after: Duration,
}

impl<A: RestApi> RestTransport<A> {
    /// A transport over `api`; a send that surely did not go out (connection refused, 429
    /// without `Retry-After`) is retried after 1 s.
    pub fn new(api: A) -> Self {
        RestTransport {
            api,
            retry_after: Duration::from_secs(1),
        }
    }

    /// Sets the wait before a send that surely did not go out is tried again.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }
}

impl<A: RestApi> Transport for RestTransport<A> {
    fn channel(&self) -> Channel {
        Channel::Rest
    }

    fn send<'a>(&'a self, message: &'a Message, reference: &'a str) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            classify_rest(
                self.api.send_sms(message, reference).await,
                self.retry_after,
            )
        })
    }

    fn lookup<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<Vec<Found>, String>> {
        Box::pin(async move {
            self.api
                .find_by_reference(reference)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// What a REST send's result means for the outbox:
///
/// - accepted with ids → [`Outcome::Accepted`]; a 2xx whose body did not decode
///   ([`Error::was_processed`]) → accepted with the ids read from the raw body;
///   either without any id → [`Outcome::Unknown`] (looked up by reference);
/// - 429, connection not established, rate limiter or token renewal failed, client
///   misconfigured → [`Outcome::NotSent`] (surely not sent; retried);
/// - 408, 5xx, timeouts and other transport errors, layer errors → [`Outcome::Unknown`];
/// - any other 4xx, a request that cannot be encoded → [`Outcome::Refused`].
pub fn classify_rest(result: Result<Accepted, Error>, retry_after: Duration) -> Outcome {
    let unknown = |error: String| Outcome::Unknown {
        error,
        accepted_parts: Vec::new(),
    };
    let not_sent = |error: String, after: Option<Duration>| Outcome::NotSent {
        error,
        retry_after: after.unwrap_or(retry_after),
    };
    match result {
        Ok(accepted) if accepted.message_ids.is_empty() => {
            unknown("accepted without any message id".into())
        }
        Ok(accepted) => Outcome::Accepted(accepted),
        Err(e) if e.was_processed() => match e.sent_ids() {
            Some(ids) if !ids.message_ids.is_empty() => {
                Outcome::Accepted(Accepted::new(ids.message_ids, ids.group_id))
            }
            _ => unknown(format!("processed, but no message id in the answer: {e}")),
        },
        Err(e) => match &e {
            Error::Api { status, .. } => match status.as_u16() {
                429 => not_sent(e.to_string(), e.retry_after()),
                408 | 500..=599 => unknown(e.to_string()),
                401 | 403 => not_sent(e.to_string(), None),
                _ => Outcome::Refused {
                    error: e.to_string(),
                },
            },
            Error::Transport { source, .. } if source.is_connect() => not_sent(e.to_string(), None),
            Error::RateLimit { .. } | Error::TokenRenewal { .. } | Error::Config(_) => {
                not_sent(e.to_string(), None)
            }
            Error::Encode { .. } => Outcome::Refused {
                error: e.to_string(),
            },
            _ => unknown(e.to_string()),
        },
    }
}
