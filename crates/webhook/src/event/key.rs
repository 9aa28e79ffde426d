//! The de-duplication key of an event occurrence ([`IdempotencyKey`]).

use super::*;

impl Event {
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
            | Event::ViberUnsubscription(u)
            | Event::Unsubscription(u) => {
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
