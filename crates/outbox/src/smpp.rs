//! The SMPP transport (feature `smpp`): `submit_sm` carries no reference of yours, so a send
//! in doubt cannot be looked up and is parked as `unknown`.

use std::time::Duration;

use futures_util::future::BoxFuture;
use qikberry_smpp::{Client, SendError, Sms, SubmitError};

use crate::message::Message;
use crate::store::{Accepted, Channel, Outcome};
use crate::transport::Transport;

/// Sends through a bound [`qikberry_smpp::Client`]. Pace with the client's own
/// `message_limiter` (shared with REST through a `RedisLimiter`), not the worker's.
///
/// Feed the client's receipts to [`Outbox::apply`](crate::Outbox::apply) with
/// `StatusEvent::from(&receipt)`: they are matched by message id (hex or decimal).
#[derive(Clone)]
pub struct SmppTransport {
    client: Client,
    retry_after: Duration,
}

impl std::fmt::Debug for SmppTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmppTransport")
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl SmppTransport {
    /// A transport over `client`; a send that surely did not go out (no bound session,
    /// throttled) is retried after 1 s.
    pub fn new(client: Client) -> Self {
        SmppTransport {
            client,
            retry_after: Duration::from_secs(1),
        }
    }

    /// Sets the wait before a send that surely did not go out is tried again.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }
}

/// The SMPP message of an outbox message (receipts requested).
pub fn to_sms(message: &Message) -> Sms {
    let mut sms = Sms::new(&*message.from, &*message.to, &*message.text);
    sms.pe_id.clone_from(&message.entity_id);
    sms.template_id.clone_from(&message.template_id);
    sms.tm_id.clone_from(&message.tm_id);
    sms
}

impl Transport for SmppTransport {
    fn channel(&self) -> Channel {
        Channel::Smpp
    }

    fn send<'a>(&'a self, message: &'a Message, _reference: &'a str) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            classify_smpp(self.client.send(&to_sms(message)).await, self.retry_after)
        })
    }
}

/// What an SMPP send's result means for the outbox:
///
/// - every part accepted → [`Outcome::Accepted`] with one id per part;
/// - some parts accepted, then a failure → [`Outcome::Unknown`] with those parts (the
///   handset may have a piece of the text: resending would repeat it; you decide);
/// - the first part not written (no session, shutting down, rate limiter, the SMSC
///   throttling) → [`Outcome::NotSent`];
/// - the first part rejected by the SMSC, or too long / not encodable → [`Outcome::Refused`];
/// - the first part written without an answer (timeout, connection lost) → [`Outcome::Unknown`].
pub fn classify_smpp(result: Result<Vec<String>, SendError>, retry_after: Duration) -> Outcome {
    let e = match result {
        Ok(ids) => return Outcome::Accepted(Accepted::new(ids, None)),
        Err(e) => e,
    };
    let error = e.to_string();
    if !e.accepted.is_empty() {
        return Outcome::Unknown {
            error,
            accepted_parts: e.accepted,
        };
    }
    match &e.error {
        SubmitError::Rejected { status, .. } if status.is_transient_rejection() => {
            Outcome::NotSent { error, retry_after }
        }
        SubmitError::Rejected { .. } | SubmitError::Encode(_) | SubmitError::TooManyParts(_) => {
            Outcome::Refused { error }
        }
        other if !other.written() => Outcome::NotSent { error, retry_after },
        _ => Outcome::Unknown {
            error,
            accepted_parts: Vec::new(),
        },
    }
}
