//! [`Message`]: what the outbox sends, and what enqueueing answers.

use serde::{Deserialize, Serialize};

/// One SMS to send: the same fields for REST and SMPP (each transport uses what it knows).
///
/// Stored as JSON with the message; enqueueing the same reference again must give an equal
/// message (field by field), or it is refused with [`Error::Conflict`](crate::Error::Conflict).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Sender id or number.
    pub from: String,
    /// Recipient, E.164 digits (with or without `+`).
    pub to: String,
    /// The text (split into parts by the platform or the SMPP client).
    pub text: String,
    /// REST `service` code (`T` transactional, `P` promotional, …); `T` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// India DLT principal entity id (REST `entity_id`, SMPP TLV 0x1400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// India DLT template id (REST `template_id`, SMPP TLV 0x1401).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// India DLT telemarketer id (SMPP TLV 0x1402).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tm_id: Option<String>,
}

impl Message {
    /// A message from `from` to `to`; the optional fields start empty.
    pub fn new(from: impl Into<String>, to: impl Into<String>, text: impl Into<String>) -> Self {
        Message {
            from: from.into(),
            to: to.into(),
            text: text.into(),
            ..Message::default()
        }
    }

    /// Sets the REST `service` code.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Sets the DLT ids (entity, template).
    pub fn dlt(mut self, entity_id: impl Into<String>, template_id: impl Into<String>) -> Self {
        self.entity_id = Some(entity_id.into());
        self.template_id = Some(template_id.into());
        self
    }

    /// The first field that differs from `other`, by name.
    pub(crate) fn first_difference(&self, other: &Message) -> Option<&'static str> {
        let fields: [(&'static str, bool); 7] = [
            ("from", self.from == other.from),
            ("to", self.to == other.to),
            ("text", self.text == other.text),
            ("service", self.service == other.service),
            ("entity_id", self.entity_id == other.entity_id),
            ("template_id", self.template_id == other.template_id),
            ("tm_id", self.tm_id == other.tm_id),
        ];
        fields.into_iter().find(|(_, same)| !same).map(|(f, _)| f)
    }
}

/// One message of a batch enqueue: the user's reference and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The user's reference: unique in the outbox, sent as `custom` on REST (and queried back
    /// as `cid` when a send is in doubt).
    pub reference: String,
    /// The message.
    pub message: Message,
}

impl NewMessage {
    /// A message with its reference.
    pub fn new(reference: impl Into<String>, message: Message) -> Self {
        NewMessage {
            reference: reference.into(),
            message,
        }
    }
}

/// What [`Outbox::enqueue`](crate::Outbox::enqueue) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    /// The store's id of the message.
    pub id: i64,
    /// `true` when this call stored it, `false` when it was already there (same reference,
    /// same message): the call is a no-op.
    pub created: bool,
}
