//! The [`Event`] enum: one variant per event, its name and payload as JSON. Parsing is in
//! `parse`, the de-duplication key in `key`, the payload structs in `payload` and `inbound`.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::IgnoredAny;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::status::{CallStatus, ChannelStatus, OptOutScope, SmsStatus};
use super::types::{EventTime, Id, RawJson, opt, opt_date, opt_decimal, opt_numeric_string};
use crate::drift::{DriftKind, DriftReport as Drift, track};

mod inbound;
mod key;
pub mod names;
mod parse;
mod payload;
mod probe;

pub use inbound::{
    ButtonReply, InboundChannel, InboundMessage, InboundSender, InboundUser, Location, Media,
    MessageContent, UserInfo,
};
pub use key::IdempotencyKey;
pub use parse::{ParseError, Parsed};
pub use payload::{
    CallRecord, ContactChange, ContactEvent, LinkVisit, MessageStatus, SmsDeliveryReport,
    Unsubscription,
};

/// One webhook delivery from the platform, typed.
///
/// # The two body forms
///
/// The platform sends most events in an envelope, `{"event": "<name>", "payload": {...}}`.
/// Two payloads arrive *flat*, without an envelope: the SMS delivery report as spelled out in the
/// reference's "Webhook Verification" section, and the smart-link visit. The rule
/// [`Event::from_slice`] applies:
///
/// 1. The body must be a JSON object.
/// 2. If it has a member `event` whose value is a string, it is an envelope: the name picks
///    the variant and `payload` is parsed as that variant's struct. A name this crate does not
///    know gives [`Event::Unknown`] with the raw payload (never an error).
/// 3. Otherwise it is flat: with a `link_id` member it is a [`LinkVisit`]; with a `receiver`
///    member it is a bare opt-out record ([`Event::Unsubscription`], the form the platform's
///    samples show for every `*:unsubscription` push); with `id` and
///    `status` members it is an [`SmsDeliveryReport`] (the same struct the enveloped
///    `sms:message:status` carries); anything else is [`Event::Unknown`] with an empty
///    event name and the whole body as payload.
///
/// ```
/// use qikberry_webhook::{Event, ChannelStatus};
/// let body = br#"{"event":"whatsapp:message:status","payload":{"id":"a418","status":"read"}}"#;
/// match Event::from_slice(body)? {
///     Event::WhatsappStatus(s) => assert_eq!(s.status, ChannelStatus::Read),
///     other => panic!("unexpected {other:?}"),
/// }
/// let flat = br#"{"id":"b34e:1","mobile":"918921269000","status":"DELIVRD","credits":"2.0000"}"#;
/// let ev = Event::from_slice(flat)?;
/// assert_eq!(ev.name(), "sms:message:status");
/// let odd = br#"{"event":"fax:message:in","payload":{"pages":3}}"#;
/// assert!(matches!(Event::from_slice(odd)?, Event::Unknown { .. }));
/// # Ok::<(), qikberry_webhook::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `sms:message:status`, enveloped or flat: an SMS delivery report.
    SmsStatus(SmsDeliveryReport),
    /// `sms:unsubscription`: a number opted out of SMS.
    SmsUnsubscription(Unsubscription),
    /// `whatsapp:message:in`: a user wrote to your WhatsApp number.
    WhatsappIn(InboundMessage),
    /// `whatsapp:message:status`: status of a WhatsApp message you sent.
    WhatsappStatus(MessageStatus),
    /// `whatsapp:unsubscription`: a number opted out of WhatsApp.
    WhatsappUnsubscription(Unsubscription),
    /// `rcs:message:in`: an inbound RCS message.
    RcsIn(InboundMessage),
    /// `rcs:message:status`: status of an RCS message you sent.
    RcsStatus(MessageStatus),
    /// `rcs:unsubscription`: a number opted out of RCS.
    RcsUnsubscription(Unsubscription),
    /// `voice:message:out`: a call detail record.
    VoiceCall(CallRecord),
    /// `voice:unsubscription`: a number opted out of voice.
    VoiceUnsubscription(Unsubscription),
    /// `viber:message:status`: status of a Viber message you sent.
    ViberStatus(MessageStatus),
    /// `viber:message:in`: a user wrote to your Viber account.
    ViberIn(InboundMessage),
    /// `viber:unsubscription`: a number opted out of Viber.
    ViberUnsubscription(Unsubscription),
    /// `vmn:message:in`: an inbound message on a virtual mobile number.
    VmnIn(InboundMessage),
    /// `contacts:subscriber:subscription`: a contact was created or updated.
    Contact(ContactEvent),
    /// A smart-link visit (flat body with `link_id`).
    LinkVisit(LinkVisit),
    /// A bare opt-out record (flat body with `receiver`): a `*:unsubscription` push sent
    /// without its envelope, as the platform's samples show it. The body does not name the
    /// channel; the webhook it arrived on does.
    Unsubscription(Unsubscription),
    /// A known event whose payload does not fit its typed struct (a field of an unexpected
    /// type, a missing required member). Nothing is lost: the payload is kept as JSON with
    /// the error naming the JSON pointer that did not fit.
    Unparsed {
        /// The event name (from the envelope, or the flat form that was recognised).
        event: String,
        /// The `payload` member (or the whole flat body) as sent; `null` when absent.
        payload: RawJson,
        /// Why it did not fit ([`ParseError::Payload`] names the pointer).
        error: ParseError,
    },
    /// An event this crate does not know; the payload is kept as raw JSON.
    Unknown {
        /// The `event` member as sent, or empty for an unrecognised flat body.
        event: String,
        /// The `payload` member (or the whole flat body) as sent; `null` when absent.
        payload: RawJson,
    },
}

impl Event {
    /// The event name (`"sms:message:status"`, …; [`names::LINK_VISIT`] for link visits; the
    /// name as sent for [`Event::Unknown`]).
    pub fn name(&self) -> &str {
        use names::*;
        match self {
            Event::SmsStatus(_) => SMS_MESSAGE_STATUS,
            Event::SmsUnsubscription(_) => SMS_UNSUBSCRIPTION,
            Event::WhatsappIn(_) => WHATSAPP_MESSAGE_IN,
            Event::WhatsappStatus(_) => WHATSAPP_MESSAGE_STATUS,
            Event::WhatsappUnsubscription(_) => WHATSAPP_UNSUBSCRIPTION,
            Event::RcsIn(_) => RCS_MESSAGE_IN,
            Event::RcsStatus(_) => RCS_MESSAGE_STATUS,
            Event::RcsUnsubscription(_) => RCS_UNSUBSCRIPTION,
            Event::VoiceCall(_) => VOICE_MESSAGE_OUT,
            Event::VoiceUnsubscription(_) => VOICE_UNSUBSCRIPTION,
            Event::ViberStatus(_) => VIBER_MESSAGE_STATUS,
            Event::ViberIn(_) => VIBER_MESSAGE_IN,
            Event::ViberUnsubscription(_) => VIBER_UNSUBSCRIPTION,
            Event::VmnIn(_) => VMN_MESSAGE_IN,
            Event::Contact(_) => CONTACTS_SUBSCRIBER_SUBSCRIPTION,
            Event::LinkVisit(_) => LINK_VISIT,
            Event::Unsubscription(_) => UNSUBSCRIPTION,
            Event::Unparsed { event, .. } | Event::Unknown { event, .. } => event,
        }
    }

    /// The payload as JSON (the typed fields re-serialized; unknown members are kept; the raw
    /// payload of [`Event::Unknown`] and [`Event::Unparsed`] decoded).
    pub fn payload_json(&self) -> Value {
        fn j<T: Serialize>(t: &T) -> Value {
            serde_json::to_value(t).unwrap_or(Value::Null)
        }
        match self {
            Event::SmsStatus(p) => j(p),
            Event::SmsUnsubscription(p)
            | Event::WhatsappUnsubscription(p)
            | Event::RcsUnsubscription(p)
            | Event::VoiceUnsubscription(p)
            | Event::ViberUnsubscription(p)
            | Event::Unsubscription(p) => j(p),
            Event::WhatsappIn(p) | Event::RcsIn(p) | Event::ViberIn(p) | Event::VmnIn(p) => j(p),
            Event::WhatsappStatus(p) | Event::RcsStatus(p) | Event::ViberStatus(p) => j(p),
            Event::VoiceCall(p) => j(p),
            Event::Contact(p) => j(p),
            Event::LinkVisit(p) => j(p),
            // The text was checked when the event was parsed, with the same nesting limit.
            Event::Unparsed { payload, .. } | Event::Unknown { payload, .. } => {
                payload.to_value().unwrap_or(Value::Null)
            }
        }
    }
}

/// Serializes as the envelope form `{"event": name, "payload": {...}}`.
impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("event", self.name())?;
        match self {
            Event::Unparsed { payload, .. } | Event::Unknown { payload, .. } => {
                m.serialize_entry("payload", payload)?
            }
            _ => m.serialize_entry("payload", &self.payload_json())?,
        }
        m.end()
    }
}
