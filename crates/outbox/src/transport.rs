//! [`Transport`]: how a worker sends one message, and looks a message up by its reference.

use futures_util::future::BoxFuture;
use qikberry_text::status::SmsStatus;

use crate::message::Message;
use crate::store::{Channel, Outcome};

/// A message the platform has under a reference ([`Transport::lookup`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Found {
    /// The platform's message id.
    pub message_id: String,
    /// Its delivery status, when the lookup says.
    pub status: Option<SmsStatus>,
}

impl Found {
    /// A message found with this id and status.
    pub fn new(message_id: impl Into<String>, status: Option<SmsStatus>) -> Self {
        Found {
            message_id: message_id.into(),
            status,
        }
    }
}

/// Sends messages for a [`Worker`](crate::Worker).
///
/// `send` must classify what happened honestly: [`Outcome::Unknown`] whenever the request may
/// have reached the platform without an answer (that is what keeps a message from being sent
/// twice), [`Outcome::NotSent`] only when it surely did not.
pub trait Transport: Send + Sync + 'static {
    /// The channel (decides what a send in doubt becomes: looked up, or parked).
    fn channel(&self) -> Channel;

    /// Sends one message under `reference` and says what became of it.
    fn send<'a>(&'a self, message: &'a Message, reference: &'a str) -> BoxFuture<'a, Outcome>;

    /// The platform's messages sent under `reference` (empty: none, as far as the platform
    /// knows now). Only [`Channel::Rest`] transports can answer; the default says so.
    fn lookup<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<Vec<Found>, String>> {
        let _ = reference;
        Box::pin(std::future::ready(Err(
            "this transport cannot look messages up by reference".to_owned(),
        )))
    }
}
