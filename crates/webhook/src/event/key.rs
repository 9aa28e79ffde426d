//! The de-duplication key of an event occurrence ([`IdempotencyKey`]).

use super::*;

impl Event {
    /// A stable key for de-duplicating retries and re-sends of this event.
    ///
    /// Built from the event name and the fields that identify one occurrence: the message id
    /// plus the status for status updates and call records (a message goes through several
    /// statuses, each its own event), the id for inbound messages and opt-outs, the id plus
    /// `updated_at` for contact changes, the visit id for link visits. When those fields are
    /// missing (and for [`Event::Unknown`] and [`Event::Unparsed`]) the key is a 128-bit digest
    /// of the raw body, which the sender repeats byte for byte on a retry:
    /// `<event>/xxh3-128:<32 hex digits>`, XXH3-128 of the body: the same in every process and
    /// version, and the body is authenticated before it gets a key. Earlier versions used
    /// `/sha256:` keys: during a rolling deploy a retry of an id-less body that reaches the
    /// other version is handled once more (see the CHANGELOG).
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
        let mut key = String::with_capacity(name.len() + 48);
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
                let mut hex = [0u8; 32];
                if hex::encode_to_slice(body_digest(raw_body).to_be_bytes(), &mut hex).is_ok() {
                    key.push_str(BODY_DIGEST_PREFIX);
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

/// What separates the event name from the body digest in a key of an id-less body.
const BODY_DIGEST_PREFIX: &str = "/xxh3-128:";

/// The digest of a raw body that names an id-less event occurrence: XXH3-128 (seed 0, the
/// default secret), written big-endian as `xxhsum -H2` prints it.
///
/// **Stable.** The key is shared by receiver replicas through Redis or Postgres and outlives a
/// process (the platform retries for about 31 hours), so it must be the same in every process
/// and every version: XXH3's output is fixed by its specification (stable since xxHash 0.8.0),
/// takes no per-process key (a `RandomState`-keyed hasher would give each replica its own
/// keys), and the unit test `body_digest_is_the_published_xxh3_128` pins it to the reference
/// vector. Changing it changes every id-less key (see below).
///
/// **Collision-safe for this use.** Accidental collisions of two distinct bodies are
/// negligible at 128 bits (about 10^-15 after 10^12 bodies within one retention window).
/// XXH3 is not built to resist an adversary who *chooses* bodies to collide, but only
/// authenticated bodies get a key: the [`crate::Verifier`] checks the HMAC signature (or the
/// Bearer secret) first and refuses to run without one unless told to. Whoever can deliver a
/// body that passes can inject any event outright, which is worse than making one collide;
/// the platform itself has no reason to. A key-based de-duplication store also hashes the key
/// again (SHA-256, 128 bits kept) before storing it, so stored rows name no event data.
/// It replaced a SHA-256 of the body, which cost a sixth of a `serde_json::Value` parse of a
/// 225-byte body on the verify path (BENCHMARKS.md, "Webhooks").
///
/// **Rolling deploy from a version with `/sha256:` keys.** Only id-less bodies are affected
/// (unknown and unparsed events, call records and opt-outs without an `id`). While replicas of
/// both versions take deliveries, a retry of such a body that reaches a replica of the other
/// version than the first attempt did is not recognised and is handled a second time (at most
/// once per version). Bodies with an id keep their keys. A handler that must never see such a
/// body twice should switch all replicas at once or drain the old ones first; otherwise the
/// window closes when the last old replica stops.
fn body_digest(raw_body: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(raw_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digest is XXH3-128 as specified: the reference implementation's vector for the empty
    /// input (`xxhsum -H2 /dev/null`), and a key pinned for one body. A change here changes
    /// the de-duplication key of every id-less event shared between replicas and versions.
    #[test]
    fn body_digest_is_the_published_xxh3_128() {
        assert_eq!(body_digest(b""), 0x99aa06d3014798d86001c324468d497f);
        let body = br#"{"event":"fax:message:in","payload":{"n":1}}"#;
        let key = Event::from_slice(body).unwrap().idempotency_key(body);
        assert_eq!(
            key.as_str(),
            "fax:message:in/xxh3-128:203c54c278c298796c93d28d46e6b75b"
        );
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
