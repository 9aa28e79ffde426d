//! The first read of an object body: the members that tell the body forms apart
//! ([`Probe`]), and, for an envelope that names a known event before its `payload`, the typed
//! payload decoded in the same pass ([`Probe::read_typed`]).

use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::parse::{PayloadDecoder, decode_payload, is_known, push_reports};
use super::*;

/// The members of an object body that tell its form apart. Read by its derived `Deserialize`
/// (the reference reading, whose error a duplicate member gives) or by [`Probe::read_typed`].
#[derive(Deserialize)]
pub(super) struct Probe<'a> {
    #[serde(borrow, default)]
    pub(super) event: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(super) payload: Option<&'a RawValue>,
    #[serde(default)]
    pub(super) link_id: Option<IgnoredAny>,
    #[serde(default)]
    pub(super) identity: Option<IgnoredAny>,
    #[serde(default)]
    pub(super) id: Option<IgnoredAny>,
    #[serde(default)]
    pub(super) status: Option<IgnoredAny>,
    #[serde(default)]
    pub(super) receiver: Option<IgnoredAny>,
    /// The name in `event`, when [`Probe::read_typed`] has read it (so it is read once).
    #[serde(skip)]
    pub(super) name: Option<Cow<'a, str>>,
}

impl<'a> Probe<'a> {
    /// Reads `text` in one pass, as the derived `Deserialize` does, except that the payload of
    /// a known event named before it is decoded in place into `typed` (its drift reports
    /// pushed to `drift`; the probe's `payload` is then `None`), so the payload is not scanned
    /// once here and again by its typed decode. (The event goes to `typed` rather than into
    /// the probe so that the probe stays a few words to move.)
    ///
    /// `None` for anything this pass does not settle: a member given twice, a payload that
    /// does not fit its type, a syntax error. The caller then reads the body the reference
    /// way, which gives the same result on every body this pass settles; `drift` and `typed`
    /// are left as they were.
    pub(super) fn read_typed(
        text: &'a str,
        drift: &mut Vec<Drift>,
        typed: &mut Option<Event>,
    ) -> Option<Probe<'a>> {
        let before = drift.len();
        let mut de = serde_json::Deserializer::from_str(text);
        let one_pass = OnePass {
            drift: &mut *drift,
            typed: &mut *typed,
        };
        match de
            .deserialize_map(one_pass)
            .and_then(|p| de.end().map(|()| p))
        {
            Ok(probe) => Some(probe),
            Err(_) => {
                drift.truncate(before);
                *typed = None;
                None
            }
        }
    }
}

/// A member of the envelope this pass reads (each at most once).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Member {
    Event,
    Payload,
    LinkId,
    Identity,
    Id,
    Status,
    Receiver,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
                Ok(match v {
                    "event" => Member::Event,
                    "payload" => Member::Payload,
                    "link_id" => Member::LinkId,
                    "identity" => Member::Identity,
                    "id" => Member::Id,
                    "status" => Member::Status,
                    "receiver" => Member::Receiver,
                    _ => Member::Other,
                })
            }
        }
        d.deserialize_identifier(Name)
    }
}

/// The visitor of [`Probe::read_typed`].
struct OnePass<'d> {
    drift: &'d mut Vec<Drift>,
    typed: &'d mut Option<Event>,
}

impl<'de> Visitor<'de> for OnePass<'_> {
    type Value = Probe<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe<'de>, A::Error> {
        let mut probe = Probe {
            event: None,
            payload: None,
            link_id: None,
            identity: None,
            id: None,
            status: None,
            receiver: None,
            name: None,
        };
        let mut seen = [false; 8];
        while let Some(member) = map.next_key::<Member>()? {
            if member != Member::Other && std::mem::replace(&mut seen[member as usize], true) {
                return Err(de::Error::custom("member given twice"));
            }
            match member {
                Member::Event => probe.event = map.next_value()?,
                Member::Payload => {
                    probe.name = probe.event.and_then(event_name);
                    match &probe.name {
                        Some(name) if is_known(name) => {
                            let seed = InStream {
                                name,
                                drift: &mut *self.drift,
                            };
                            *self.typed = Some(map.next_value_seed(seed)?);
                        }
                        _ => probe.payload = map.next_value()?,
                    }
                }
                Member::LinkId => probe.link_id = map.next_value()?,
                Member::Identity => probe.identity = map.next_value()?,
                Member::Id => probe.id = map.next_value()?,
                Member::Status => probe.status = map.next_value()?,
                Member::Receiver => probe.receiver = map.next_value()?,
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(probe)
    }
}

/// The name in an `event` member, borrowed unless it has escapes; `None` when not a string.
pub(super) fn event_name(raw: &RawValue) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<&str>(raw.get()) {
        Ok(name) => Some(Cow::Borrowed(name)),
        Err(_) => serde_json::from_str::<String>(raw.get())
            .ok()
            .map(Cow::Owned),
    }
}

/// Decodes a payload in place as the type of the known event `name`.
struct InStream<'n, 'd> {
    name: &'n str,
    drift: &'d mut Vec<Drift>,
}

impl<'de> DeserializeSeed<'de> for InStream<'_, '_> {
    type Value = Event;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Event, D::Error> {
        let decoder = InPlace {
            de: d,
            drift: self.drift,
            input: PhantomData,
        };
        decode_payload(self.name, decoder)
            .unwrap_or_else(|| Err(de::Error::custom("not a typed event")))
    }
}

/// A [`PayloadDecoder`] reading from the deserializer standing at the payload.
struct InPlace<'de, 'd, D> {
    de: D,
    drift: &'d mut Vec<Drift>,
    /// The lifetime of the input `de` reads.
    input: PhantomData<&'de ()>,
}

impl<'de, D: Deserializer<'de>> PayloadDecoder for InPlace<'de, '_, D> {
    type Error = D::Error;

    fn decode<T: serde::de::DeserializeOwned>(self, event: &'static str) -> Result<T, D::Error> {
        let (decoded, found) = track::decode_inside::<T, D>(self.de, "/payload", true);
        let value = decoded?;
        push_reports(event, found, self.drift);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each body read in one pass gives the event and drift reports of the reference reading
    /// (derived `Probe`, then the payload's own text); a body the pass does not settle leaves
    /// no drift behind.
    #[test]
    fn one_pass_reads_as_the_reference_reading() {
        let bodies = [
            include_str!("../../../../tests/fixtures/webhooks/voice_message_out_numeric.json"),
            r#"{"payload":{"id":"m","status":"read"},"event":"whatsapp:message:status"}"#,
            r#"{"event":"wh\u0061tsapp:message:status","payload":{"id":"m","status":"read","x":1}}"#,
            r#"{"id":7,"event":"voice:message:out","payload":{"to":1,"end_at":""},"extra":[1]}"#,
            r#"{"event":"voice:message:out","payload":null}"#,
            r#"{"event":"link:visit","payload":"x"}"#,
            r#"{"event":"fax:message:in","payload":{"pages":3}}"#,
            r#"{"event":null,"id":"b:1","status":"DELIVRD"}"#,
            r#"{"event":5,"payload":{}}"#,
            r#"{"id":"b:1","status":"DELIVRD","mobile":"9"}"#,
            r#"{"event":"voice:message:out","payload":{"to":1},"event":"voice:message:out"}"#,
        ];
        let mut settled = 0;
        for body in bodies {
            let (mut fast, mut typed) = (Vec::new(), None);
            let reference = serde_json::from_str::<Probe<'_>>(body);
            let Some(probe) = Probe::read_typed(body, &mut fast, &mut typed) else {
                assert!(fast.is_empty() && typed.is_none(), "{body}: {fast:?}");
                continue;
            };
            settled += 1;
            let reference = reference.unwrap_or_else(|e| panic!("{body}: {e}"));
            let mut slow = Vec::new();
            let event = match typed {
                Some(event) => Ok(event),
                None => Event::from_probe(body, &probe, &mut fast),
            };
            assert_eq!(
                event,
                Event::from_probe(body, &reference, &mut slow),
                "{body}"
            );
            assert_eq!(fast, slow, "{body}");
        }
        assert_eq!(settled, 8);
    }

    /// A known event named before its payload is typed in the pass itself, with its drift.
    #[test]
    fn a_known_payload_after_its_name_is_decoded_in_the_pass() {
        let body = r#"{"event":"voice:message:out","payload":{"from":918068287602}}"#;
        let (mut drift, mut typed) = (Vec::new(), None);
        let probe = Probe::read_typed(body, &mut drift, &mut typed).expect("settled");
        assert!(probe.payload.is_none());
        assert!(matches!(typed, Some(Event::VoiceCall(_))));
        assert_eq!(drift.len(), 1);
        assert_eq!(drift[0].pointer, "/payload/from");
    }
}
