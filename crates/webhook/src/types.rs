//! Scalar types shared by the event payloads: ids, timestamps, lenient numbers and the
//! `wire_enum!` helper that builds status enums with an `Other` fallback.

use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
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
        d.deserialize_any(ScalarVisitor::<Id>(PhantomData))
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
        if let Ok(ts) = t.parse::<jiff::Timestamp>() {
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
        d.deserialize_any(ScalarVisitor::<EventTime>(PhantomData))
    }
}

/// Lenient-decoding notes for the typed parse running on the current thread.
///
/// Every time a payload field is accepted in a form the spec does not document (see
/// [`WireScalar`]) or a status value is unknown, the deserializer calls [`lenient::note`], which
/// records the drift with the JSON pointer the decode is at (`crate::drift::track`), in the same
/// single pass.
pub(crate) mod lenient {
    use crate::drift::DriftKind;

    /// Records one lenient step at the current pointer. Never fails; the `Result` lets the
    /// call sites stay `note(..)?` in visitors.
    pub(crate) fn note(kind: impl FnOnce() -> DriftKind) -> Result<(), String> {
        crate::drift::track::record(kind, "");
        Ok(())
    }

    /// [`note`] for a [`DriftKind::Lenient`] step described by `what`.
    pub(crate) fn step(what: &'static str) -> Result<(), String> {
        note(|| DriftKind::Lenient {
            detail: what.to_owned(),
        })
    }
}

/// A JSON scalar the platform may send in more than one form (string or number).
///
/// Implemented for the payload field types; used through [`opt`] so that `null` and a missing
/// field read as `None`, and (for non-string types) `""` and zero dates too. A form other than
/// the type's documented one is accepted and noted as drift ([`lenient::note`]).
pub(crate) trait WireScalar: Sized {
    /// What the type is, for error messages.
    const EXPECTED: &'static str;
    /// Whether `""` means "absent".
    const EMPTY_IS_NONE: bool = true;
    /// Whether `s` means "absent" (and why, for the drift report). `""` when
    /// [`WireScalar::EMPTY_IS_NONE`].
    fn none_str(s: &str) -> Option<&'static str> {
        (Self::EMPTY_IS_NONE && s.trim().is_empty()).then_some("empty string as no value")
    }
    fn from_wire_str(s: &str) -> Result<Self, String>;
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        Err(format!(
            "unexpected number {n}, expected {}",
            Self::EXPECTED
        ))
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        Err(format!(
            "unexpected number {n}, expected {}",
            Self::EXPECTED
        ))
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        Err(format!(
            "unexpected number {n}, expected {}",
            Self::EXPECTED
        ))
    }
    fn from_wire_bool(b: bool) -> Result<Self, String> {
        Err(format!(
            "unexpected boolean {b}, expected {}",
            Self::EXPECTED
        ))
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
        lenient::step("fractional number as id")?;
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

impl WireScalar for Decimal {
    const EXPECTED: &'static str = "a decimal amount";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<Decimal>()
            .map_err(|e| format!("invalid decimal {s:?}: {e}"))
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        lenient::step("number as decimal string")?;
        Ok(Decimal::from(n))
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        lenient::step("number as decimal string")?;
        Ok(Decimal::from(n))
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        lenient::step("number as decimal string")?;
        Decimal::try_from(n).map_err(|e| format!("invalid decimal {n}: {e}"))
    }
}

impl WireScalar for u32 {
    const EXPECTED: &'static str = "a non-negative integer";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        let n = s
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("invalid integer {s:?}"))?;
        lenient::step("string as integer")?;
        Ok(n)
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        u32::try_from(n).map_err(|_| format!("integer {n} out of range"))
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
        lenient::step("number as numeric string")?;
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

impl WireScalar for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        let n = s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("invalid number {s:?}"))?;
        lenient::step("string as number")?;
        Ok(n)
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        Ok(n as f64)
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        Ok(n as f64)
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        Ok(n)
    }
}

impl WireScalar for bool {
    const EXPECTED: &'static str = "a flag (0/1 or true/false)";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "1" | "true" | "TRUE" | "True" => Ok(true),
            "0" | "false" | "FALSE" | "False" => Ok(false),
            other => Err(format!("invalid flag {other:?}")),
        }
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        let b = match n {
            0 => false,
            1 => true,
            _ => return Err(format!("invalid flag {n}")),
        };
        lenient::step("number as flag")?;
        Ok(b)
    }
    fn from_wire_bool(b: bool) -> Result<Self, String> {
        Ok(b)
    }
}

impl WireScalar for jiff::civil::Date {
    const EXPECTED: &'static str = "a date `YYYY-MM-DD`";
    fn none_str(s: &str) -> Option<&'static str> {
        EventTime::none_str(s)
    }
    fn from_wire_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<jiff::civil::Date>()
            .map_err(|_| format!("invalid date {s:?}: expected `YYYY-MM-DD`"))
    }
}

impl WireScalar for String {
    const EXPECTED: &'static str = "a string";
    const EMPTY_IS_NONE: bool = false;
    fn from_wire_str(s: &str) -> Result<Self, String> {
        Ok(s.to_owned())
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        lenient::step("number as string")?;
        Ok(n.to_string())
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        lenient::step("number as string")?;
        Ok(n.to_string())
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        lenient::step("number as string")?;
        Ok(n.to_string())
    }
    fn from_wire_bool(b: bool) -> Result<Self, String> {
        lenient::step("boolean as string")?;
        Ok(b.to_string())
    }
}

struct ScalarVisitor<T>(PhantomData<T>);

impl<'de, T: WireScalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_wire_str(v).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_wire_u64(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_wire_i64(v).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_wire_f64(v).map_err(E::custom)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::from_wire_bool(v).map_err(E::custom)
    }
}

struct OptScalarVisitor<T>(PhantomData<T>);

impl<'de, T: WireScalar> Visitor<'de> for OptScalarVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} or null", T::EXPECTED)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if let Some(what) = T::none_str(v) {
            lenient::step(what).map_err(E::custom)?;
            return Ok(None);
        }
        T::from_wire_str(v).map(Some).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        T::from_wire_u64(v).map(Some).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        T::from_wire_i64(v).map(Some).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        T::from_wire_f64(v).map(Some).map_err(E::custom)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<T>, E> {
        T::from_wire_bool(v).map(Some).map_err(E::custom)
    }
}

/// Deserializes a required lenient scalar (see [`WireScalar`]).
pub(crate) fn scalar<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: WireScalar,
{
    d.deserialize_any(ScalarVisitor::<T>(PhantomData))
}

/// `deserialize_with` helper for optional lenient scalars (see [`WireScalar`]).
pub(crate) fn opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: WireScalar,
{
    d.deserialize_option(OptScalarVisitor::<T>(PhantomData))
}

/// Builds a status enum whose unknown values land in `Other(String)` instead of failing.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept exactly as sent.
            Other(String),
        }

        impl $name {
            /// Every known variant with its wire spelling.
            pub const KNOWN: &'static [(&'static str, $name)] = &[ $( ($wire, $name::$variant) ),* ];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Other(s) => s,
                }
            }

            /// Reads a wire value; never fails (an unknown value becomes `Other`). Matching is
            /// exact first, then ASCII case-insensitive.
            pub fn from_wire(s: &str) -> Self {
                $( if s == $wire $(|| s == $alias)* { return $name::$variant; } )*
                $( if s.eq_ignore_ascii_case($wire) $(|| s.eq_ignore_ascii_case($alias))* { return $name::$variant; } )*
                $name::Other(s.to_owned())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from_wire(s))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $name {
            /// [`Self::from_wire`], noting an unknown value as drift.
            fn from_wire_noted(s: &str) -> Result<Self, String> {
                let v = $name::from_wire(s);
                if let $name::Other(raw) = &v {
                    $crate::types::lenient::note(|| {
                        $crate::drift::DriftKind::UnknownEnumValue {
                            type_name: stringify!($name).to_owned(),
                            value: raw.clone(),
                        }
                    })?;
                }
                Ok(v)
            }
        }

        impl $crate::types::WireScalar for $name {
            const EXPECTED: &'static str = concat!("a ", stringify!($name), " string");
            fn from_wire_str(s: &str) -> Result<Self, String> {
                $name::from_wire_noted(s)
            }
            fn from_wire_u64(n: u64) -> Result<Self, String> {
                $crate::types::lenient::step("number as status string")?;
                $name::from_wire_noted(&n.to_string())
            }
            fn from_wire_i64(n: i64) -> Result<Self, String> {
                $crate::types::lenient::step("number as status string")?;
                $name::from_wire_noted(&n.to_string())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::types::scalar(d)
            }
        }
    };
}

pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt")]
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
}
