//! The [`Event`] enum, its payload structs and the parser for both envelope forms.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::IgnoredAny;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::status::{CallStatus, ChannelStatus, OptOutScope, SmsStatus};
use super::types::{EventTime, Id, RawJson, opt, opt_date, opt_decimal, opt_numeric_string};
use crate::drift::{DriftKind, DriftReport as Drift, track, tracked_pointer};

/// Event names, exactly as the platform writes them in the envelope's `event` member.
pub mod names {
    /// SMS delivery report.
    pub const SMS_MESSAGE_STATUS: &str = "sms:message:status";
    /// SMS opt-out.
    pub const SMS_UNSUBSCRIPTION: &str = "sms:unsubscription";
    /// Inbound WhatsApp message.
    pub const WHATSAPP_MESSAGE_IN: &str = "whatsapp:message:in";
    /// WhatsApp message status.
    pub const WHATSAPP_MESSAGE_STATUS: &str = "whatsapp:message:status";
    /// WhatsApp opt-out.
    pub const WHATSAPP_UNSUBSCRIPTION: &str = "whatsapp:unsubscription";
    /// Inbound RCS message.
    pub const RCS_MESSAGE_IN: &str = "rcs:message:in";
    /// RCS message status.
    pub const RCS_MESSAGE_STATUS: &str = "rcs:message:status";
    /// RCS opt-out.
    pub const RCS_UNSUBSCRIPTION: &str = "rcs:unsubscription";
    /// Voice call record (CDR).
    pub const VOICE_MESSAGE_OUT: &str = "voice:message:out";
    /// Voice opt-out.
    pub const VOICE_UNSUBSCRIPTION: &str = "voice:unsubscription";
    /// Viber message status.
    pub const VIBER_MESSAGE_STATUS: &str = "viber:message:status";
    /// Inbound Viber message.
    pub const VIBER_MESSAGE_IN: &str = "viber:message:in";
    /// Viber opt-out.
    pub const VIBER_UNSUBSCRIPTION: &str = "viber:unsubscription";
    /// Inbound message on a virtual mobile number (Interact).
    pub const VMN_MESSAGE_IN: &str = "vmn:message:in";
    /// Contact created or updated.
    pub const CONTACTS_SUBSCRIBER_SUBSCRIPTION: &str = "contacts:subscriber:subscription";
    /// Smart-link visit. The platform sends this payload without an envelope; the name is the
    /// one this crate uses for it.
    pub const LINK_VISIT: &str = "link:visit";

    /// The 15 event names of the reference's subscription table, in its order.
    pub const SUBSCRIBABLE: [&str; 15] = [
        SMS_MESSAGE_STATUS,
        SMS_UNSUBSCRIPTION,
        WHATSAPP_MESSAGE_IN,
        WHATSAPP_MESSAGE_STATUS,
        WHATSAPP_UNSUBSCRIPTION,
        RCS_MESSAGE_IN,
        RCS_MESSAGE_STATUS,
        RCS_UNSUBSCRIPTION,
        VOICE_MESSAGE_OUT,
        VOICE_UNSUBSCRIPTION,
        VIBER_MESSAGE_STATUS,
        VIBER_MESSAGE_IN,
        VIBER_UNSUBSCRIPTION,
        VMN_MESSAGE_IN,
        CONTACTS_SUBSCRIBER_SUBSCRIPTION,
    ];
}

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
/// 3. Otherwise it is flat: with a `link_id` member it is a [`LinkVisit`]; with `id` and
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
    /// Parses a webhook body (both envelope forms, see the type-level docs), dropping the
    /// drift reports; see [`Event::parse`].
    pub fn from_slice(body: &[u8]) -> Result<Event, ParseError> {
        Self::parse(body).map(|p| p.event)
    }

    /// Parses a webhook body and lists every difference from the spec met on the way.
    ///
    /// Verify the raw bytes *before* calling this (see [`super::Verifier`]). The only error is
    /// a body that is not JSON ([`ParseError::Syntax`]): any JSON value becomes an event —
    /// a known event whose payload does not fit its struct becomes [`Event::Unparsed`], an
    /// unknown one [`Event::Unknown`] — so an authenticated delivery is never lost. Parsing
    /// never panics.
    pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
        let mut drift = Vec::new();
        let event = Self::parse_into(body, &mut drift)?;
        Ok(Parsed { event, drift })
    }

    fn parse_into(body: &[u8], drift: &mut Vec<Drift>) -> Result<Event, ParseError> {
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        let text = std::str::from_utf8(body)
            .map_err(|e| ParseError::Syntax(format!("invalid UTF-8: {e}")))?;
        if first != Some(&b'{') {
            let payload = whole(text)?;
            return Ok(unrecognised(
                String::new(),
                payload,
                "",
                ParseError::NotAnObject,
                drift,
            ));
        }
        match serde_json::from_str::<Probe<'_>>(text) {
            Ok(probe) => Self::from_probe(text, &probe, drift),
            Err(e) => Self::from_irregular(text, e, drift),
        }
    }

    /// An object body: enveloped when it has `event`, flat otherwise.
    fn from_probe(
        text: &str,
        probe: &Probe<'_>,
        drift: &mut Vec<Drift>,
    ) -> Result<Event, ParseError> {
        match probe.event {
            Some(ev) => match serde_json::from_str::<Cow<'_, str>>(ev.get()) {
                Ok(name) => Ok(Self::from_envelope(&name, probe.payload, drift)),
                Err(_) => {
                    let payload = whole(text)?;
                    Ok(unrecognised(
                        String::new(),
                        payload,
                        "/event",
                        ParseError::EventNotString,
                        drift,
                    ))
                }
            },
            None => Self::from_flat(text, probe, drift),
        }
    }

    /// Valid JSON the envelope probe refused (a member given twice, as a PHP array merge can
    /// produce): parsed again from its normalised form (the last duplicate wins, as in PHP),
    /// with a drift report. Not JSON at all: the syntax error.
    fn from_irregular(
        text: &str,
        probe_error: serde_json::Error,
        drift: &mut Vec<Drift>,
    ) -> Result<Event, ParseError> {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return Err(ParseError::Syntax(probe_error.to_string()));
        };
        let normalised = value.to_string();
        let probe: Probe<'_> =
            serde_json::from_str(&normalised).map_err(|e| ParseError::Syntax(e.to_string()))?;
        // The detail identifies the drift, so it names no value and no position.
        let why = format!(
            "body re-read after: {}",
            crate::drift::scrub_values(&probe_error.to_string())
        );
        drift.push(drift_report("", "", DriftKind::Lenient { detail: why }));
        Self::from_probe(&normalised, &probe, drift)
    }

    /// A body without `event`: a link visit, a bare contact, a flat SMS delivery report, or
    /// something unknown.
    fn from_flat(
        text: &str,
        probe: &Probe<'_>,
        drift: &mut Vec<Drift>,
    ) -> Result<Event, ParseError> {
        let (name, wrap): (&str, FlatParser) = if probe.link_id.is_some() {
            (names::LINK_VISIT, |t, d| {
                typed(t, names::LINK_VISIT, "", d).map(Event::LinkVisit)
            })
        } else if probe.identity.is_some() {
            (names::CONTACTS_SUBSCRIBER_SUBSCRIPTION, |t, d| {
                typed(t, names::CONTACTS_SUBSCRIBER_SUBSCRIPTION, "", d).map(Event::Contact)
            })
        } else if probe.id.is_some() && probe.status.is_some() {
            (names::SMS_MESSAGE_STATUS, |t, d| {
                typed(t, names::SMS_MESSAGE_STATUS, "", d).map(Event::SmsStatus)
            })
        } else {
            let payload = whole(text)?;
            let err = ParseError::UnrecognisedBody;
            return Ok(unrecognised(String::new(), payload, "", err, drift));
        };
        match wrap(text, drift) {
            Ok(ev) => Ok(ev),
            Err(error) => Ok(unparsed(name, whole(text)?, error, drift)),
        }
    }

    /// Parses an enveloped event whose name and payload have already been separated.
    fn from_envelope(name: &str, payload: Option<&RawValue>, drift: &mut Vec<Drift>) -> Event {
        use names::*;
        let Some(raw) = payload else {
            let event = name.to_owned();
            if is_known(name) {
                let error = ParseError::MissingPayload {
                    event: event.clone(),
                };
                return unparsed(name, RawJson::null(), error, drift);
            }
            return unrecognised(
                event,
                RawJson::null(),
                "/event",
                ParseError::UnknownEvent,
                drift,
            );
        };
        let p = raw.get();
        let d = &mut *drift;
        let parsed = match name {
            SMS_MESSAGE_STATUS => typed(p, name, "/payload", d).map(Event::SmsStatus),
            SMS_UNSUBSCRIPTION => typed(p, name, "/payload", d).map(Event::SmsUnsubscription),
            WHATSAPP_MESSAGE_IN => typed(p, name, "/payload", d).map(Event::WhatsappIn),
            WHATSAPP_MESSAGE_STATUS => typed(p, name, "/payload", d).map(Event::WhatsappStatus),
            WHATSAPP_UNSUBSCRIPTION => {
                typed(p, name, "/payload", d).map(Event::WhatsappUnsubscription)
            }
            RCS_MESSAGE_IN => typed(p, name, "/payload", d).map(Event::RcsIn),
            RCS_MESSAGE_STATUS => typed(p, name, "/payload", d).map(Event::RcsStatus),
            RCS_UNSUBSCRIPTION => typed(p, name, "/payload", d).map(Event::RcsUnsubscription),
            VOICE_MESSAGE_OUT => typed(p, name, "/payload", d).map(Event::VoiceCall),
            VOICE_UNSUBSCRIPTION => typed(p, name, "/payload", d).map(Event::VoiceUnsubscription),
            VIBER_MESSAGE_STATUS => typed(p, name, "/payload", d).map(Event::ViberStatus),
            VIBER_MESSAGE_IN => typed(p, name, "/payload", d).map(Event::ViberIn),
            VIBER_UNSUBSCRIPTION => typed(p, name, "/payload", d).map(Event::ViberUnsubscription),
            VMN_MESSAGE_IN => typed(p, name, "/payload", d).map(Event::VmnIn),
            CONTACTS_SUBSCRIBER_SUBSCRIPTION => typed(p, name, "/payload", d).map(Event::Contact),
            LINK_VISIT => typed(p, name, "/payload", d).map(Event::LinkVisit),
            _ => {
                let payload = RawJson::copied(raw);
                let event = name.to_owned();
                return unrecognised(event, payload, "/event", ParseError::UnknownEvent, drift);
            }
        };
        match parsed {
            Ok(ev) => ev,
            Err(error) => unparsed(name, RawJson::copied(raw), error, drift),
        }
    }

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
            Event::Unparsed { event, .. } | Event::Unknown { event, .. } => event,
        }
    }

    /// A stable key for de-duplicating retries and re-sends of this event.
    ///
    /// Built from the event name and the fields that identify one occurrence: the message id
    /// plus the status for status updates and call records (a message goes through several
    /// statuses, each its own event), the id for inbound messages and opt-outs, the id plus
    /// `updated_at` for contact changes, the visit id for link visits. When those fields are
    /// missing (and for [`Event::Unknown`]) the key is the SHA-256 of the raw body, which the
    /// sender repeats byte for byte on a retry.
    ///
    /// ```
    /// use qikberry_webhook::Event;
    /// let body = br#"{"event":"rcs:message:status","payload":{"id":"m1","status":"delivered"}}"#;
    /// let ev = Event::from_slice(body).unwrap();
    /// assert_eq!(ev.idempotency_key(body).as_str(), "rcs:message:status/m1/delivered");
    /// ```
    pub fn idempotency_key(&self, raw_body: &[u8]) -> IdempotencyKey {
        use fmt::Write as _;
        let name = self.name();
        // One allocation: the name, then the identifying fields or the body's digest.
        let mut key = String::with_capacity(name.len() + 72);
        key.push_str(name);
        match self.identity() {
            // Writing into a `String` cannot fail.
            Some((id, Some(extra))) => {
                let _ = write!(key, "/{id}/{extra}");
            }
            Some((id, None)) => {
                let _ = write!(key, "/{id}");
            }
            None => {
                let mut hex = [0u8; 64];
                let digest = Sha256::digest(raw_body);
                if hex::encode_to_slice(digest, &mut hex).is_ok() {
                    key.push_str("/sha256:");
                    key.push_str(std::str::from_utf8(&hex).unwrap_or_default());
                }
            }
        }
        IdempotencyKey(key)
    }

    /// The fields that identify one occurrence (see [`Event::idempotency_key`]): the id and,
    /// for events a message sends several of, what tells them apart. `None` when absent.
    fn identity(&self) -> Option<(&dyn fmt::Display, Option<&dyn fmt::Display>)> {
        fn present(id: &Option<Id>) -> Option<&dyn fmt::Display> {
            id.as_ref()
                .filter(|id| !id.is_empty())
                .map(|id| id as &dyn fmt::Display)
        }
        fn shown<T: fmt::Display>(t: &T) -> &dyn fmt::Display {
            t
        }
        match self {
            Event::SmsStatus(r) => {
                (!r.id.is_empty()).then(|| (shown(&r.id), Some(shown(&r.status))))
            }
            Event::WhatsappStatus(s) | Event::RcsStatus(s) | Event::ViberStatus(s) => {
                (!s.id.is_empty()).then(|| (shown(&s.id), Some(shown(&s.status))))
            }
            Event::WhatsappIn(m) | Event::RcsIn(m) | Event::ViberIn(m) | Event::VmnIn(m) => {
                (!m.id.is_empty()).then(|| (shown(&m.id), None))
            }
            Event::SmsUnsubscription(u)
            | Event::WhatsappUnsubscription(u)
            | Event::RcsUnsubscription(u)
            | Event::VoiceUnsubscription(u)
            | Event::ViberUnsubscription(u) => {
                present(&u.id).map(|id| (id, u.receiver.as_ref().map(shown)))
            }
            Event::VoiceCall(c) => present(&c.id).map(|id| (id, c.status.as_ref().map(shown))),
            Event::Contact(c) => present(&c.id).map(|id| {
                let at = c.updated_at.as_ref().or(c.created_at.as_ref()).map(shown);
                (id, at.or_else(|| c.status.as_ref().map(shown)))
            }),
            Event::LinkVisit(v) => v
                .visit_id
                .as_ref()
                .filter(|s| !s.is_empty())
                .map(shown)
                .or_else(|| present(&v.id))
                .map(|id| (id, None)),
            Event::Unparsed { .. } | Event::Unknown { .. } => None,
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
            | Event::ViberUnsubscription(p) => j(p),
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

fn is_known(name: &str) -> bool {
    names::SUBSCRIBABLE.contains(&name) || name == names::LINK_VISIT
}

#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    event: Option<&'a RawValue>,
    #[serde(borrow, default)]
    payload: Option<&'a RawValue>,
    #[serde(default)]
    link_id: Option<IgnoredAny>,
    #[serde(default)]
    identity: Option<IgnoredAny>,
    #[serde(default)]
    id: Option<IgnoredAny>,
    #[serde(default)]
    status: Option<IgnoredAny>,
}

/// Parses `text` as `T` in one pass (`crate::drift::track`), adding a drift report (pointer under `prefix`)
/// for every unknown member and every lenient step ([`super::types::lenient`]); the error of a payload that
/// does not fit names its path.
fn typed<T: serde::de::DeserializeOwned>(
    text: &str,
    event: &str,
    prefix: &str,
    drift: &mut Vec<Drift>,
) -> Result<T, ParseError> {
    let (decoded, found) = track::decode::<T, _>(serde_json::de::StrRead::new(text), prefix, true);
    let value = match decoded {
        Ok(value) => value,
        Err(first) => return Err(payload_error::<T>(text, event, prefix, first)),
    };
    drift.extend(
        found
            .into_iter()
            .map(|(pointer, kind)| drift_report(event, pointer, kind)),
    );
    Ok(value)
}

/// The error of a payload that does not fit, naming its JSON path. Path tracking costs about
/// half again as much as the decode itself, so it runs only here, in a second decode after the
/// first one failed.
fn payload_error<T: serde::de::DeserializeOwned>(
    text: &str,
    event: &str,
    prefix: &str,
    first: serde_json::Error,
) -> ParseError {
    let mut de = serde_json::Deserializer::from_str(text);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (tracked_pointer(e.path()), e.into_inner().to_string()),
        Ok(_) => (String::new(), first.to_string()),
    };
    ParseError::Payload {
        event: event.to_owned(),
        path: format!("{prefix}{path}"),
        message,
    }
}

fn drift_report(source: impl Into<String>, pointer: impl Into<String>, kind: DriftKind) -> Drift {
    Drift {
        source: source.into(),
        pointer: pointer.into(),
        kind,
    }
}

/// The whole body, kept as sent once its syntax is checked.
fn whole(text: &str) -> Result<RawJson, ParseError> {
    RawJson::parse(text).map_err(|e| ParseError::Syntax(e.to_string()))
}

/// A known event whose payload did not fit: [`Event::Unparsed`] plus its drift report.
fn unparsed(name: &str, payload: RawJson, error: ParseError, drift: &mut Vec<Drift>) -> Event {
    let pointer = match &error {
        ParseError::Payload { path, .. } => path.clone(),
        _ => String::new(),
    };
    drift.push(drift_report(
        name,
        pointer,
        DriftKind::Unparsed {
            error: error.to_string(),
        },
    ));
    Event::Unparsed {
        event: name.to_owned(),
        payload,
        error,
    }
}

/// A body or event name this crate does not know: [`Event::Unknown`] plus its drift report.
fn unrecognised(
    event: String,
    payload: RawJson,
    pointer: &str,
    why: ParseError,
    drift: &mut Vec<Drift>,
) -> Event {
    let kind = match why {
        ParseError::UnknownEvent => DriftKind::UnknownEnumValue {
            type_name: "WebhookEventName".to_owned(),
            value: event.clone(),
        },
        other => DriftKind::Unparsed {
            error: other.to_string(),
        },
    };
    drift.push(drift_report(event.clone(), pointer, kind));
    Event::Unknown { event, payload }
}

/// Parses one flat body form into its event.
type FlatParser = fn(&str, &mut Vec<Drift>) -> Result<Event, ParseError>;

/// An event and the drift met while parsing it; see [`Event::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The event.
    pub event: Event,
    /// One report per difference from the spec, in body order for each kind.
    pub drift: Vec<Drift>,
}

/// Why a webhook body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not JSON.
    #[error("webhook body is not valid JSON: {0}")]
    Syntax(String),
    /// The body is JSON but not an object.
    #[error("webhook body is not a JSON object")]
    NotAnObject,
    /// The body has no `event` member and matches none of the flat forms.
    #[error("webhook body has no `event` and is no known flat payload")]
    UnrecognisedBody,
    /// The `event` names an event this crate does not know.
    #[error("unknown event name")]
    UnknownEvent,
    /// The `event` member is present but not a string.
    #[error("webhook body: `event` must be a string")]
    EventNotString,
    /// A known event arrived without its `payload` member.
    #[error("{event} event has no `payload` member")]
    MissingPayload {
        /// The event name.
        event: String,
    },
    /// The payload of a known event does not have the documented shape.
    #[error("{event} payload at `{path}`: {message}")]
    Payload {
        /// The event name.
        event: String,
        /// JSON pointer of the failing value, e.g. `/payload/status`.
        path: String,
        /// What was wrong.
        message: String,
    },
}

/// A stable identifier for one event occurrence; see [`Event::idempotency_key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(pub(crate) String);

impl IdempotencyKey {
    /// Wraps a key you computed yourself (e.g. read back from your store).
    pub fn new(key: impl Into<String>) -> Self {
        IdempotencyKey(key.into())
    }
    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An SMS delivery report (`sms:message:status`), enveloped or flat.
///
/// Field names follow the flat report in the reference's "Webhook Verification" section.
/// Members the reference does not show are reported as drift and stay in the raw body
/// ([`super::Delivery::body`]).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SmsDeliveryReport {
    /// Message id as returned when sending (e.g. `"b34e35ad-…:1"`, one per recipient part).
    pub id: Id,
    /// Recipient number with country code.
    #[serde(default, deserialize_with = "opt")]
    pub mobile: Option<String>,
    /// Delivery status; see [`SmsStatus::error_codes`] for what a failure means.
    pub status: SmsStatus,
    /// Credits charged, exactly as sent (`"2.0000"` keeps its four decimals).
    #[serde(default, deserialize_with = "opt_decimal")]
    pub credits: Option<Decimal>,
    /// Number of SMS parts.
    #[serde(default, deserialize_with = "opt")]
    pub units: Option<u32>,
    /// When the handset received it.
    #[serde(default, deserialize_with = "opt")]
    pub deliv_time: Option<EventTime>,
    /// When it was sent to the operator.
    #[serde(default, deserialize_with = "opt")]
    pub sent_time: Option<EventTime>,
    /// When it was submitted to the platform.
    #[serde(default, deserialize_with = "opt")]
    pub submit_time: Option<EventTime>,
    /// Operator-side message id.
    #[serde(default, deserialize_with = "opt")]
    pub cid: Option<String>,
    /// Your custom reference given at send time.
    #[serde(default, deserialize_with = "opt")]
    pub custom: Option<String>,
    /// Second custom reference.
    #[serde(default, deserialize_with = "opt")]
    pub custom1: Option<String>,
    /// Third custom reference.
    #[serde(default, deserialize_with = "opt")]
    pub custom2: Option<String>,
    /// Country of the recipient (e.g. `"India"`).
    #[serde(default, deserialize_with = "opt")]
    pub location: Option<String>,
    /// Region of the recipient (e.g. `"Bangalore"`).
    #[serde(default, deserialize_with = "opt")]
    pub region: Option<String>,
    /// Operator name (e.g. `"Jio"`).
    #[serde(default, deserialize_with = "opt")]
    pub provider: Option<String>,
    /// Country code (e.g. `"in"`).
    #[serde(default, deserialize_with = "opt")]
    pub location_code: Option<String>,
    /// Region code (e.g. `"KA"`).
    #[serde(default, deserialize_with = "opt")]
    pub region_code: Option<String>,
    /// Operator code (e.g. `"RJ"`).
    #[serde(default, deserialize_with = "opt")]
    pub provider_code: Option<String>,
}

impl SmsDeliveryReport {
    /// True when the message reached the handset.
    pub fn is_delivered(&self) -> bool {
        self.status.is_delivered()
    }
}

/// A status update for a WhatsApp, RCS or Viber message you sent.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct MessageStatus {
    /// The message id returned when sending.
    pub id: Id,
    /// The channel (`"whatsapp"`, `"rcs"`, `"viber"`).
    #[serde(default, deserialize_with = "opt")]
    pub channel: Option<String>,
    /// Your sender (number or agent id).
    #[serde(default, deserialize_with = "opt")]
    pub from: Option<String>,
    /// The recipient.
    #[serde(default, deserialize_with = "opt")]
    pub to: Option<String>,
    /// The new status.
    pub status: ChannelStatus,
    /// When it was delivered.
    #[serde(default, deserialize_with = "opt")]
    pub delivered_at: Option<EventTime>,
    /// When it was read.
    #[serde(default, deserialize_with = "opt")]
    pub read_at: Option<EventTime>,
    /// When the platform processed it.
    #[serde(default, deserialize_with = "opt")]
    pub processed_at: Option<EventTime>,
    /// When this status happened.
    #[serde(default, deserialize_with = "opt")]
    pub timestamp: Option<EventTime>,
    /// Your own identifier given at send time.
    #[serde(default, deserialize_with = "opt")]
    pub foreign_id: Option<String>,
}

/// An inbound message (WhatsApp, RCS, Viber or a virtual mobile number).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundMessage {
    /// The platform's id for this message.
    pub id: Id,
    /// The channel(s) and the number or account it was sent to.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub channels: Vec<InboundChannel>,
    /// Who sent it. (The platform names this member `recipient`; it describes the sender.)
    #[serde(default)]
    pub recipient: Option<InboundSender>,
    /// The content.
    #[serde(default)]
    pub message: Option<MessageContent>,
}

impl InboundMessage {
    /// The sender's number or id, if present.
    pub fn from(&self) -> Option<&str> {
        self.recipient.as_ref()?.from.as_deref()
    }
    /// The text, when the content is a text message.
    pub fn text(&self) -> Option<&str> {
        match self.message.as_ref()? {
            MessageContent::Text { text } => Some(text),
            _ => None,
        }
    }
}

/// A list the sender may write as `null`: read as empty.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The channel an inbound message came in on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundChannel {
    /// Channel name (`"whatsapp"`, `"rcs"`, `"viber"`, `"vmn"`).
    #[serde(default, deserialize_with = "opt")]
    pub name: Option<String>,
    /// Your number or account that received the message.
    #[serde(default, deserialize_with = "opt")]
    pub to: Option<String>,
}

/// The sender of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundSender {
    /// Sender's number or channel id.
    #[serde(default, deserialize_with = "opt")]
    pub from: Option<String>,
    /// What the platform knows about the sender.
    #[serde(default)]
    pub user: Option<InboundUser>,
}

/// Profile of the sender of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundUser {
    /// User id.
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// Identifier id in the contacts store.
    #[serde(default, deserialize_with = "opt")]
    pub identifier_id: Option<Id>,
    /// Subscriber (contact) id.
    #[serde(default, deserialize_with = "opt")]
    pub subscriber_id: Option<Id>,
    /// Identity (e.g. phone number or e-mail).
    #[serde(default, deserialize_with = "opt")]
    pub identity: Option<String>,
    /// Channel user name.
    #[serde(default, deserialize_with = "opt")]
    pub username: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "opt")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default, deserialize_with = "opt")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "opt")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, deserialize_with = "opt")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, deserialize_with = "opt")]
    pub phone: Option<String>,
    /// Custom attributes (a string in some examples, an object in others).
    #[serde(default)]
    pub attributes: Option<Value>,
    /// Channel profile details.
    #[serde(default)]
    pub user_info: Option<UserInfo>,
}

/// Channel profile details of an inbound sender.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// Profile picture URL.
    #[serde(default, deserialize_with = "opt")]
    pub picture: Option<String>,
    /// Gender.
    #[serde(default, deserialize_with = "opt")]
    pub gender: Option<String>,
    /// Status line or title.
    #[serde(default, deserialize_with = "opt")]
    pub title: Option<String>,
}

/// The content of an inbound message: `{"type": "...", "payload": {...}}` on the wire.
///
/// The reference only shows `text`; the media, location and button shapes follow the common
/// field names of the channels (`url`, `caption`, `filename`, `mime_type`, `latitude`,
/// `longitude`); other members stay in the raw body. Other types are kept raw in
/// [`MessageContent::Other`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MessageContent {
    /// A text message.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image(Media),
    /// A video.
    Video(Media),
    /// An audio clip or voice note.
    Audio(Media),
    /// A document or file.
    Document(Media),
    /// A sticker.
    Sticker(Media),
    /// A shared location.
    Location(Location),
    /// A tapped button or quick reply.
    Button(ButtonReply),
    /// Any other content type, kept as sent.
    Other {
        /// The `type` member.
        kind: String,
        /// The `payload` member (`null` when absent).
        payload: Value,
    },
}

impl MessageContent {
    /// The wire `type` of this content.
    pub fn kind(&self) -> &str {
        match self {
            MessageContent::Text { .. } => "text",
            MessageContent::Image(_) => "image",
            MessageContent::Video(_) => "video",
            MessageContent::Audio(_) => "audio",
            MessageContent::Document(_) => "document",
            MessageContent::Sticker(_) => "sticker",
            MessageContent::Location(_) => "location",
            MessageContent::Button(_) => "button",
            MessageContent::Other { kind, .. } => kind,
        }
    }
}

/// A media attachment of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Media {
    /// Where to download it.
    #[serde(default, deserialize_with = "opt")]
    pub url: Option<String>,
    /// Caption.
    #[serde(default, deserialize_with = "opt")]
    pub caption: Option<String>,
    /// File name (documents).
    #[serde(default, deserialize_with = "opt")]
    pub filename: Option<String>,
    /// MIME type.
    #[serde(default, deserialize_with = "opt")]
    pub mime_type: Option<String>,
}

/// A location shared in an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// Latitude in degrees.
    #[serde(default, deserialize_with = "opt")]
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    #[serde(default, deserialize_with = "opt")]
    pub longitude: Option<f64>,
    /// Place name.
    #[serde(default, deserialize_with = "opt")]
    pub name: Option<String>,
    /// Address.
    #[serde(default, deserialize_with = "opt")]
    pub address: Option<String>,
}

/// A button or quick-reply tap in an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ButtonReply {
    /// The button's text.
    #[serde(default, deserialize_with = "opt")]
    pub text: Option<String>,
    /// The button's payload or postback data.
    #[serde(default, deserialize_with = "opt")]
    pub payload: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct RawContent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Value,
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = RawContent::deserialize(d)?;
        fn media<E: Error>(p: &Value) -> Result<Media, E> {
            Media::deserialize(p).map_err(|e| E::custom(format!("payload: {e}")))
        }
        Ok(match raw.kind.as_str() {
            "text" => {
                let text = raw
                    .payload
                    .get("text")
                    .and_then(Value::as_str)
                    .ok_or_else(|| D::Error::custom("payload.text: expected a string"))?;
                MessageContent::Text {
                    text: text.to_owned(),
                }
            }
            "image" => MessageContent::Image(media(&raw.payload)?),
            "video" => MessageContent::Video(media(&raw.payload)?),
            "audio" | "voice" => MessageContent::Audio(media(&raw.payload)?),
            "document" | "file" => MessageContent::Document(media(&raw.payload)?),
            "sticker" => MessageContent::Sticker(media(&raw.payload)?),
            "location" => MessageContent::Location(
                Location::deserialize(&raw.payload)
                    .map_err(|e| D::Error::custom(format!("payload: {e}")))?,
            ),
            "button" | "quick_reply" | "reply" => MessageContent::Button(
                ButtonReply::deserialize(&raw.payload)
                    .map_err(|e| D::Error::custom(format!("payload: {e}")))?,
            ),
            _ => MessageContent::Other {
                kind: raw.kind,
                payload: raw.payload,
            },
        })
    }
}

impl Serialize for MessageContent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let payload = match self {
            MessageContent::Text { text } => serde_json::json!({ "text": text }),
            MessageContent::Image(m)
            | MessageContent::Video(m)
            | MessageContent::Audio(m)
            | MessageContent::Document(m)
            | MessageContent::Sticker(m) => {
                serde_json::to_value(m).map_err(serde::ser::Error::custom)?
            }
            MessageContent::Location(l) => {
                serde_json::to_value(l).map_err(serde::ser::Error::custom)?
            }
            MessageContent::Button(b) => {
                serde_json::to_value(b).map_err(serde::ser::Error::custom)?
            }
            MessageContent::Other { payload, .. } => payload.clone(),
        };
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("type", self.kind())?;
        m.serialize_entry("payload", &payload)?;
        m.end()
    }
}

/// An opt-out (`*:unsubscription` events).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Unsubscription {
    /// The opt-out record's id (a number on some channels, a UUID on others).
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The number that opted out.
    #[serde(default, deserialize_with = "opt")]
    pub receiver: Option<String>,
    /// What it opted out of.
    #[serde(rename = "type", default, deserialize_with = "opt")]
    pub scope: Option<OptOutScope>,
    /// The sender, category, tag … opted out of (`*` for all).
    #[serde(default, deserialize_with = "opt")]
    pub value: Option<String>,
    /// When the opt-out was recorded.
    #[serde(default, deserialize_with = "opt")]
    pub created_at: Option<EventTime>,
    /// The platform's message, e.g. `"Unsubscriber created successfully"`.
    #[serde(default, deserialize_with = "opt")]
    pub status: Option<String>,
}

/// A voice call detail record (`voice:message:out`).
///
/// The reference collapses this payload; the fields follow the platform's call-status
/// response (`id`, `mobile`, `caller_id`, `duration`, `pulsing`, `status`, `charges`, `dtmf`,
/// `location`, `provider`, `start_at`, `end_at`) plus the `bridge`/`from`/`to` numbers the
/// sender puts in a call push (strings or JSON numbers). Anything else is reported as drift
/// and stays in the raw body.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CallRecord {
    /// Call id returned when the call was placed (e.g. `"047d8cfc-…:1"`).
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The bridge (DID) number the call went through.
    #[serde(default, deserialize_with = "opt")]
    pub bridge: Option<String>,
    /// The calling number.
    #[serde(default, deserialize_with = "opt")]
    pub from: Option<String>,
    /// The called number.
    #[serde(default, deserialize_with = "opt")]
    pub to: Option<String>,
    /// The called number.
    #[serde(default, deserialize_with = "opt")]
    pub mobile: Option<String>,
    /// The caller id shown.
    #[serde(default, deserialize_with = "opt")]
    pub caller_id: Option<String>,
    /// Talk time as `HH:MM:SS`; see [`CallRecord::duration_seconds`].
    #[serde(default, deserialize_with = "opt")]
    pub duration: Option<String>,
    /// Billing pulse length in seconds (sent as a string, `"30"`).
    #[serde(default, deserialize_with = "opt_numeric_string")]
    pub pulsing: Option<u32>,
    /// Call outcome.
    #[serde(default, deserialize_with = "opt")]
    pub status: Option<CallStatus>,
    /// Charge, exactly as sent (`"0.1500"`).
    #[serde(default, deserialize_with = "opt_decimal")]
    pub charges: Option<Decimal>,
    /// Keys pressed, if any.
    #[serde(default, deserialize_with = "opt")]
    pub dtmf: Option<String>,
    /// Country code of the called number.
    #[serde(default, deserialize_with = "opt")]
    pub location: Option<String>,
    /// Operator code.
    #[serde(default, deserialize_with = "opt")]
    pub provider: Option<String>,
    /// Call start.
    #[serde(default, deserialize_with = "opt")]
    pub start_at: Option<EventTime>,
    /// Call end.
    #[serde(default, deserialize_with = "opt")]
    pub end_at: Option<EventTime>,
}

impl CallRecord {
    /// The `duration` in seconds (`"00:00:19"` → 19; a plain number of seconds also works).
    pub fn duration_seconds(&self) -> Option<u64> {
        let d = self.duration.as_deref()?.trim();
        if let Ok(n) = d.parse::<u64>() {
            return Some(n);
        }
        let mut total: u64 = 0;
        let mut parts = 0;
        for p in d.split(':') {
            let n: u64 = p.parse().ok()?;
            total = total.checked_mul(60)?.checked_add(n)?;
            parts += 1;
        }
        (parts <= 3).then_some(total)
    }
}

/// A contact created or updated (`contacts:subscriber:subscription`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ContactEvent {
    /// Contact (subscriber) id.
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The contact's identity (e.g. e-mail or number).
    #[serde(default, deserialize_with = "opt")]
    pub identity: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "opt")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default, deserialize_with = "opt")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "opt")]
    pub last_name: Option<String>,
    /// Gender.
    #[serde(default, deserialize_with = "opt")]
    pub gender: Option<String>,
    /// Birth date.
    #[serde(default, deserialize_with = "opt_date")]
    pub birth_date: Option<jiff::civil::Date>,
    /// Company.
    #[serde(default, deserialize_with = "opt")]
    pub company: Option<String>,
    /// Custom attributes.
    #[serde(default)]
    pub attributes: Option<Value>,
    /// Creation time.
    #[serde(default, deserialize_with = "opt")]
    pub created_at: Option<EventTime>,
    /// Last update time.
    #[serde(default, deserialize_with = "opt")]
    pub updated_at: Option<EventTime>,
    /// The platform's message, e.g. `"Subscriber created successfully"`.
    #[serde(default, deserialize_with = "opt")]
    pub status: Option<String>,
}

/// Whether a contact event is a creation or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactChange {
    /// The contact was created.
    Created,
    /// The contact was updated.
    Updated,
    /// The status message says neither.
    Unknown,
}

impl ContactEvent {
    /// Reads the change kind from the status message (`"Subscriber created successfully"` /
    /// `"Subscriber updated successfully"`).
    pub fn change(&self) -> ContactChange {
        let s = self.status.as_deref().unwrap_or("").to_ascii_lowercase();
        if s.contains("created") {
            ContactChange::Created
        } else if s.contains("updated") {
            ContactChange::Updated
        } else {
            ContactChange::Unknown
        }
    }
}

/// A smart-link visit (flat body, recognised by its `link_id` member).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct LinkVisit {
    /// Entry id.
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The link's id (a number in the webhook example, a string in the visits listing).
    #[serde(default, deserialize_with = "opt")]
    pub link_id: Option<Id>,
    /// Account user id.
    #[serde(default, deserialize_with = "opt")]
    pub user_id: Option<Id>,
    /// Visit id.
    #[serde(default, deserialize_with = "opt")]
    pub visit_id: Option<String>,
    /// Visitor IP address.
    #[serde(default, deserialize_with = "opt")]
    pub client_ip: Option<String>,
    /// User-Agent header.
    #[serde(default, deserialize_with = "opt")]
    pub user_agent: Option<String>,
    /// Browser name.
    #[serde(default, deserialize_with = "opt")]
    pub browser: Option<String>,
    /// Browser version.
    #[serde(default, deserialize_with = "opt")]
    pub browser_version: Option<String>,
    /// Browser language.
    #[serde(default, deserialize_with = "opt")]
    pub browser_lang: Option<String>,
    /// Browser engine.
    #[serde(default, deserialize_with = "opt")]
    pub browser_engine: Option<String>,
    /// Operating system.
    #[serde(default, deserialize_with = "opt")]
    pub platform: Option<String>,
    /// Operating system version.
    #[serde(default, deserialize_with = "opt")]
    pub platform_version: Option<String>,
    /// Device type (`"smartphone"`, `"desktop"`, …).
    #[serde(default, deserialize_with = "opt")]
    pub device_type: Option<String>,
    /// Device brand.
    #[serde(default, deserialize_with = "opt")]
    pub device_brand: Option<String>,
    /// Device model.
    #[serde(default, deserialize_with = "opt")]
    pub device_model: Option<String>,
    /// Whether the device has a touch screen (`"0"`/`"1"` on the wire).
    #[serde(default, deserialize_with = "opt")]
    pub touch_enabled: Option<bool>,
    /// Country name.
    #[serde(default, deserialize_with = "opt")]
    pub country: Option<String>,
    /// Country code.
    #[serde(default, deserialize_with = "opt")]
    pub country_code: Option<String>,
    /// Region or state.
    #[serde(default, deserialize_with = "opt")]
    pub region: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "opt")]
    pub city: Option<String>,
    /// Short-link token.
    #[serde(default, deserialize_with = "opt")]
    pub token: Option<String>,
    /// Message id the link was sent in.
    #[serde(default, deserialize_with = "opt")]
    pub message_id: Option<String>,
    /// The number the link was sent to.
    #[serde(default, deserialize_with = "opt")]
    pub mobile: Option<String>,
    /// When the visit happened.
    #[serde(default, deserialize_with = "opt")]
    pub created_at: Option<EventTime>,
}
