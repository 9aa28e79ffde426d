//! Parsing a webhook body into an [`Event`]: both envelope forms, the flat bodies, and a
//! drift report for every difference from the spec.

use super::probe::{Probe, event_name};
use super::*;

impl Event {
    /// Parses a webhook body (both envelope forms, see the type-level docs), dropping the
    /// drift reports; see [`Event::parse`].
    pub fn from_slice(body: &[u8]) -> Result<Event, ParseError> {
        Self::parse(body).map(|p| p.event)
    }

    /// Parses a webhook body and lists every difference from the spec met on the way.
    ///
    /// Verify the raw bytes *before* calling this (see [`crate::Verifier`]). The only error is
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
        // One pass settles most bodies; the rest are read the reference way.
        let mut typed = None;
        if let Some(probe) = Probe::read_typed(text, drift, &mut typed) {
            return match typed {
                Some(event) => Ok(event),
                None => Self::from_probe(text, &probe, drift),
            };
        }
        match serde_json::from_str::<Probe<'_>>(text) {
            Ok(probe) => Self::from_probe(text, &probe, drift),
            Err(e) => Self::from_irregular(text, e, drift),
        }
    }

    /// An object body: enveloped when it has `event`, flat otherwise.
    pub(super) fn from_probe(
        text: &str,
        probe: &Probe<'_>,
        drift: &mut Vec<Drift>,
    ) -> Result<Event, ParseError> {
        match probe.event {
            Some(ev) => match probe
                .name
                .as_deref()
                .map(Cow::Borrowed)
                .or_else(|| event_name(ev))
            {
                Some(name) => Ok(Self::from_envelope(&name, probe.payload, drift)),
                None => {
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
        drift.push(drift_report(
            "",
            "",
            DriftKind::Lenient { detail: why.into() },
        ));
        Self::from_probe(&normalised, &probe, drift)
    }

    /// A body without `event`: a link visit, a bare opt-out record, a bare contact, a flat SMS
    /// delivery report, or something unknown.
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
        } else if probe.receiver.is_some() {
            (names::UNSUBSCRIPTION, |t, d| {
                typed(t, names::UNSUBSCRIPTION, "", d).map(Event::Unsubscription)
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
        let from_text = FromText {
            text: raw.get(),
            drift: &mut *drift,
        };
        let Some(parsed) = decode_payload(name, from_text) else {
            let payload = RawJson::copied(raw);
            let event = name.to_owned();
            return unrecognised(event, payload, "/event", ParseError::UnknownEvent, drift);
        };
        match parsed {
            Ok(ev) => ev,
            Err(error) => unparsed(name, RawJson::copied(raw), error, drift),
        }
    }
}

/// How [`decode_payload`] decodes a payload as its event's type: from the payload's text
/// ([`FromText`]) or from the body's deserializer standing at it (`probe`).
pub(super) trait PayloadDecoder {
    /// What a payload that does not fit gives.
    type Error;
    /// Decodes the payload of `event` as `T`, pushing its drift reports.
    fn decode<T: serde::de::DeserializeOwned>(self, event: &'static str) -> Result<T, Self::Error>;
}

/// The payload of the known event `name` decoded by `decoder` as that event's type; `None`
/// for a name this crate does not know (exactly those [`is_known`] refuses).
pub(super) fn decode_payload<P: PayloadDecoder>(
    name: &str,
    decoder: P,
) -> Option<Result<Event, P::Error>> {
    use names::*;
    // One arm per event, naming it by its constant (so its drift reports borrow the name).
    macro_rules! payloads {
        ($($event:ident => $variant:path),* $(,)?) => {
            match name {
                $($event => Some(decoder.decode($event).map($variant)),)*
                _ => None,
            }
        };
    }
    payloads! {
        SMS_MESSAGE_STATUS => Event::SmsStatus,
            SMS_UNSUBSCRIPTION => Event::SmsUnsubscription,
            WHATSAPP_MESSAGE_IN => Event::WhatsappIn,
            WHATSAPP_MESSAGE_STATUS => Event::WhatsappStatus,
            WHATSAPP_UNSUBSCRIPTION => Event::WhatsappUnsubscription,
            RCS_MESSAGE_IN => Event::RcsIn,
            RCS_MESSAGE_STATUS => Event::RcsStatus,
            RCS_UNSUBSCRIPTION => Event::RcsUnsubscription,
            VOICE_MESSAGE_OUT => Event::VoiceCall,
            VOICE_UNSUBSCRIPTION => Event::VoiceUnsubscription,
            VIBER_MESSAGE_STATUS => Event::ViberStatus,
            VIBER_MESSAGE_IN => Event::ViberIn,
            VIBER_UNSUBSCRIPTION => Event::ViberUnsubscription,
            VMN_MESSAGE_IN => Event::VmnIn,
            CONTACTS_SUBSCRIBER_SUBSCRIPTION => Event::Contact,
            LINK_VISIT => Event::LinkVisit,
    }
}

/// A [`PayloadDecoder`] reading a payload's own text (see [`typed`]).
struct FromText<'t, 'd> {
    text: &'t str,
    drift: &'d mut Vec<Drift>,
}

impl PayloadDecoder for FromText<'_, '_> {
    type Error = ParseError;

    fn decode<T: serde::de::DeserializeOwned>(self, event: &'static str) -> Result<T, ParseError> {
        typed(self.text, event, "/payload", self.drift)
    }
}

/// Whether `name` is an event this crate types.
pub(super) fn is_known(name: &str) -> bool {
    names::SUBSCRIBABLE.contains(&name) || name == names::LINK_VISIT
}

/// Parses `text` as `T` in one pass (`crate::drift::track`), adding a drift report (pointer under `prefix`)
/// for every unknown member and every lenient step ([`crate::types::lenient`]); the error of a payload that
/// does not fit names the JSON pointer of the value that failed, from the same pass.
fn typed<T: serde::de::DeserializeOwned>(
    text: &str,
    event: &'static str,
    prefix: &str,
    drift: &mut Vec<Drift>,
) -> Result<T, ParseError> {
    let (decoded, found) =
        track::decode_at::<T, _>(serde_json::de::StrRead::new(text), prefix, true);
    let value = decoded.map_err(|failure| ParseError::Payload {
        event: event.to_owned(),
        path: failure.pointer,
        message: failure.error.to_string(),
    })?;
    push_reports(event, found, drift);
    Ok(value)
}

/// Adds the drift a tracked decode of `event`'s payload found to `drift`.
pub(super) fn push_reports(
    event: &'static str,
    found: Vec<(String, DriftKind)>,
    drift: &mut Vec<Drift>,
) {
    drift.extend(
        found
            .into_iter()
            .map(|(pointer, kind)| drift_report(event, pointer, kind)),
    );
}

fn drift_report(
    source: impl Into<Cow<'static, str>>,
    pointer: impl Into<String>,
    kind: DriftKind,
) -> Drift {
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
        name.to_owned(),
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
