//! Scalar types of the event payloads: raw JSON, ids and timestamps, and how the payload
//! fields this crate types read leniently (the runtime's [`WireScalar`], implemented here for
//! ids, timestamps, decimal amounts, dates and numeric strings).

use std::fmt;

pub(crate) use qikberry_runtime::types::{WireScalar, lenient, opt, scalar};
use rust_decimal::Decimal;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

/// JSON kept exactly as the platform sent it: the payload of an event this crate could not
/// type ([`super::Event::Unknown`], [`super::Event::Unparsed`]).
///
/// Nothing is decoded until you ask, so an event you do not handle costs a copy rather than a
/// parse, and the text keeps every byte of the original (number precision, member order,
/// escapes). Equality compares the text.
///
/// ```
/// use qikberry_webhook::Event;
/// let body = br#"{"event":"fax:message:in","payload":{"pages":3}}"#;
/// let Event::Unknown { payload, .. } = Event::from_slice(body)? else {
///     unreachable!()
/// };
/// assert_eq!(payload.get(), r#"{"pages":3}"#);
/// assert_eq!(payload.to_value()?["pages"], 3);
///
/// #[derive(serde::Deserialize)]
/// struct Fax {
///     pages: u32,
/// }
/// assert_eq!(payload.deserialize::<Fax>()?.pages, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// Checks that `text` is one JSON value and keeps it (surrounding whitespace dropped).
    pub(crate) fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text).map(RawJson)
    }

    /// A copy of an already checked value.
    pub(crate) fn copied(raw: &RawValue) -> Self {
        RawJson(raw.to_owned())
    }

    /// `null`, for an envelope without `payload`.
    pub(crate) fn null() -> Self {
        Self::copied(RawValue::NULL)
    }

    /// The JSON text, exactly as sent.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// True when the value is `null` (e.g. an envelope without `payload`).
    pub fn is_null(&self) -> bool {
        self.get() == "null"
    }

    /// Decodes the text into `T` (any `Deserialize` type, such as your own struct for an event
    /// this crate does not know yet).
    pub fn deserialize<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.get())
    }

    /// Decodes the text into a [`serde_json::Value`].
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.deserialize()
    }

    /// The inner [`RawValue`].
    pub fn into_raw_value(self) -> Box<RawValue> {
        self.0
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl Serialize for RawJson {
    /// Writes the text as it is (with `serde_json`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// An identifier the platform sends sometimes as a JSON number (`436`) and sometimes as a
/// string (`"d105a1ef-6728-4563-8b85-7f5356c8axxx"`).
///
/// Both forms are kept as sent, so serializing an `Id` gives back the same JSON type.
///
/// ```
/// use qikberry_webhook::Id;
/// let a: Id = serde_json::from_str("436").unwrap();
/// let b: Id = serde_json::from_str("\"436\"").unwrap();
/// assert_eq!(a.to_string(), b.to_string());
/// assert_ne!(a, b); // the JSON type is kept
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Id {
    /// A numeric id, e.g. `86`.
    Number(u64),
    /// A string id, e.g. a UUID or `"b34e35ad-…:1"`.
    Text(String),
}

impl Id {
    /// True when the id is an empty string (the platform never sends one on purpose).
    pub fn is_empty(&self) -> bool {
        matches!(self, Id::Text(s) if s.is_empty())
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::Text(s) => f.write_str(s),
        }
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Number(n) => s.serialize_u64(*n),
            Id::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d)
    }
}

/// A point in time as the platform writes it.
///
/// The reference shows two forms: a zone-less wall-clock time such as `2021-04-09 16:27:51`
/// (SMS delivery reports, smart-link visits, call records) and RFC 3339 instants with
/// microseconds such as `2021-06-18T14:48:06.886358Z` (chat channels, contacts). The zone of
/// the first form is not documented, so it is kept as a civil date-time; use
/// [`EventTime::to_timestamp`] with the zone your account is configured for.
///
/// ```
/// use qikberry_webhook::EventTime;
/// let civil = EventTime::parse("2021-04-09 16:27:51").unwrap();
/// let exact = EventTime::parse("2021-06-18T14:48:06.886358Z").unwrap();
/// assert!(matches!(civil, EventTime::Civil(_)));
/// assert!(matches!(exact, EventTime::Instant(_)));
/// assert_eq!(civil.to_string(), "2021-04-09 16:27:51");
/// assert_eq!(exact.to_string(), "2021-06-18T14:48:06.886358Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventTime {
    /// A wall-clock time without a zone (`2021-04-09 16:27:51`).
    Civil(jiff::civil::DateTime),
    /// An exact instant (`2021-06-18T14:48:06.886358Z`, or any RFC 3339 offset).
    Instant(jiff::Timestamp),
}

impl EventTime {
    /// Parses either documented form. The error names the value that did not parse.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        // An instant needs an offset (`Z`, `+hh`, `-hh`, or U+2212), which follows the date;
        // without any of those after the date the instant parse would fail (and build an
        // error), so the civil form is tried alone.
        let may_have_offset = t
            .bytes()
            .skip(10)
            .any(|b| matches!(b, b'Z' | b'z' | b'+' | b'-') || !b.is_ascii());
        if may_have_offset && let Ok(ts) = t.parse::<jiff::Timestamp>() {
            return Ok(EventTime::Instant(ts));
        }
        match t.parse::<jiff::civil::DateTime>() {
            Ok(dt) => Ok(EventTime::Civil(dt)),
            Err(_) => Err(format!(
                "invalid timestamp {s:?}: expected `YYYY-MM-DD HH:MM:SS` or RFC 3339"
            )),
        }
    }

    /// The exact instant, interpreting a zone-less time in `zone`.
    pub fn to_timestamp(&self, zone: &jiff::tz::TimeZone) -> Result<jiff::Timestamp, jiff::Error> {
        match self {
            EventTime::Instant(ts) => Ok(*ts),
            EventTime::Civil(dt) => zone.to_timestamp(*dt),
        }
    }
}

impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventTime::Instant(ts) => write!(f, "{ts}"),
            EventTime::Civil(dt) => {
                write!(
                    f,
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    dt.year(),
                    dt.month(),
                    dt.day(),
                    dt.hour(),
                    dt.minute(),
                    dt.second()
                )?;
                let nanos = dt.subsec_nanosecond();
                if nanos != 0 {
                    let frac = format!("{nanos:09}");
                    write!(f, ".{}", frac.trim_end_matches('0'))?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for EventTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d)
    }
}

impl WireScalar for Id {
    const EXPECTED: &'static str = "an id (string or number)";
    const EMPTY_IS_NONE: bool = false;
    fn from_wire_str(s: &str) -> Result<Self, String> {
        Ok(Id::Text(s.to_owned()))
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        Ok(Id::Number(n))
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        Ok(Id::Text(n.to_string()))
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        lenient("fractional number as id")?;
        Ok(Id::Text(n.to_string()))
    }
}

/// The PHP/MySQL "no date" values the sender writes instead of `null`.
fn is_zero_date(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("0000-00-00") && s[10..].bytes().all(|b| b"0:. TZ".contains(&b))
}

impl WireScalar for EventTime {
    const EXPECTED: &'static str = "a timestamp string";
    fn none_str(s: &str) -> Option<&'static str> {
        if s.trim().is_empty() {
            Some("empty string as no time")
        } else if is_zero_date(s) {
            Some("zero date as no time")
        } else {
            None
        }
    }
    fn from_wire_str(s: &str) -> Result<Self, String> {
        EventTime::parse(s)
    }
}

/// An integer the reference documents as a numeric string (`"pulsing": "30"`): the string is
/// the expected form, a JSON number is accepted as drift.
struct NumericString(u32);

impl WireScalar for NumericString {
    const EXPECTED: &'static str = "an integer as a string";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<u32>()
            .map(NumericString)
            .map_err(|_| format!("invalid integer {s:?}"))
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        lenient("number as numeric string")?;
        u32::try_from(n)
            .map(NumericString)
            .map_err(|_| format!("integer {n} out of range"))
    }
}

/// `deserialize_with` helper for an optional integer documented as a numeric string.
pub(crate) fn opt_numeric_string<'de, D>(d: D) -> Result<Option<u32>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(opt::<D, NumericString>(d)?.map(|n| n.0))
}

/// A decimal amount (`"2.0000"`); a JSON number is accepted as drift.
struct WireDecimal(Decimal);

impl WireScalar for WireDecimal {
    const EXPECTED: &'static str = "a decimal amount";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<Decimal>()
            .map(WireDecimal)
            .map_err(|e| format!("invalid decimal {s:?}: {e}"))
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        lenient("number as decimal string")?;
        Ok(WireDecimal(Decimal::from(n)))
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        lenient("number as decimal string")?;
        Ok(WireDecimal(Decimal::from(n)))
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        lenient("number as decimal string")?;
        Decimal::try_from(n)
            .map(WireDecimal)
            .map_err(|e| format!("invalid decimal {n}: {e}"))
    }
}

/// `deserialize_with` helper for an optional decimal amount.
pub(crate) fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    Ok(opt::<D, WireDecimal>(d)?.map(|n| n.0))
}

/// A calendar date `YYYY-MM-DD`; `""` and zero dates read as absent.
struct WireDate(jiff::civil::Date);

impl WireScalar for WireDate {
    const EXPECTED: &'static str = "a date `YYYY-MM-DD`";
    fn none_str(s: &str) -> Option<&'static str> {
        EventTime::none_str(s)
    }
    fn from_wire_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<jiff::civil::Date>()
            .map(WireDate)
            .map_err(|_| format!("invalid date {s:?}: expected `YYYY-MM-DD`"))
    }
}

/// `deserialize_with` helper for an optional calendar date.
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<jiff::civil::Date>, D::Error> {
    Ok(opt::<D, WireDate>(d)?.map(|n| n.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_decimal")]
        amount: Option<Decimal>,
        #[serde(default, deserialize_with = "opt")]
        when: Option<EventTime>,
        #[serde(default, deserialize_with = "opt")]
        units: Option<u32>,
    }

    #[test]
    fn lenient_scalars() {
        let t: T = serde_json::from_str(r#"{"amount":"2.0000","when":"","units":"2"}"#).unwrap();
        assert_eq!(t.amount.unwrap().to_string(), "2.0000");
        assert!(t.when.is_none());
        assert_eq!(t.units, Some(2));
        let t: T = serde_json::from_str(r#"{"amount":null,"units":3}"#).unwrap();
        assert!(t.amount.is_none());
        assert_eq!(t.units, Some(3));
        assert!(serde_json::from_str::<T>(r#"{"when":"yesterday"}"#).is_err());
    }

    /// Every form reads as it did when the instant parse was always tried first (only a time
    /// without any offset character skips it).
    #[test]
    fn event_time_reads_as_with_the_instant_parse_tried_first() {
        for s in [
            "2021-04-09 16:27:51",
            "2021-04-09T16:27:51.5",
            "2021-04-09 16:27:51+02:00",
            "2021-04-09 16:27:51-02",
            "2021-04-09T16:27:51z",
            "2021-04-09T16:27:51\u{2212}02:00",
            " 2021-06-18T14:48:06.886358Z ",
        ] {
            let t = s.trim();
            let expected = match t.parse::<jiff::Timestamp>() {
                Ok(ts) => Some(EventTime::Instant(ts)),
                Err(_) => t
                    .parse::<jiff::civil::DateTime>()
                    .ok()
                    .map(EventTime::Civil),
            };
            assert_eq!(EventTime::parse(s).ok(), expected, "{s}");
        }
    }
}
