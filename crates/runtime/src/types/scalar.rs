//! [`WireScalar`]: a JSON scalar accepted in more than one form, each undocumented form noted
//! as drift at the pointer the decode is at, in the same single pass.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

use crate::drift::{self, DriftKind};

/// Notes one lenient step (a value accepted in a form its spec does not document) as a
/// [`DriftKind::Lenient`] described by `what`, at the current pointer. Outside a drift-checked
/// decode it does nothing. Never fails; the `Result` lets visitors call it with `?`.
pub fn lenient(what: &'static str) -> Result<(), String> {
    drift::note(|| DriftKind::Lenient {
        detail: what.into(),
    })
}

/// A JSON scalar the platform may send in more than one form (string, number, boolean).
///
/// Each method reads one JSON form; the defaults refuse it with a message naming
/// [`EXPECTED`](Self::EXPECTED). An implementation that accepts a form other than the documented
/// one calls [`lenient`] so the difference is reported. Decode a field through [`scalar`]
/// (required) or [`opt`] (where `null`, a missing field and — per
/// [`none_str`](Self::none_str) — `""` read as `None`); [`StringOrNumber`](super::StringOrNumber)
/// and the open enums (`open_enum!`) deserialize through it.
pub trait WireScalar: Sized {
    /// What the type is, for error messages (`"a decimal amount"`).
    const EXPECTED: &'static str;
    /// Whether `""` means "absent" in [`opt`].
    const EMPTY_IS_NONE: bool = true;
    /// Whether the string `s` means "absent" in [`opt`], and how to describe that in the drift
    /// report. By default `""` when [`EMPTY_IS_NONE`](Self::EMPTY_IS_NONE).
    fn none_str(s: &str) -> Option<&'static str> {
        (Self::EMPTY_IS_NONE && s.trim().is_empty()).then_some("empty string as no value")
    }
    /// When set, a JSON integer is read as its decimal text through
    /// [`from_wire_str`](Self::from_wire_str) and noted as lenient with this description, and
    /// [`from_wire_u64`](Self::from_wire_u64) and [`from_wire_i64`](Self::from_wire_i64) are not
    /// called (the open enums: their numbers share the string reading instead of each enum
    /// compiling two more functions).
    const NUMBER_AS_TEXT: Option<&'static str> = None;
    /// Reads a JSON string.
    fn from_wire_str(s: &str) -> Result<Self, String>;
    /// Reads a non-negative JSON integer.
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        Err(unexpected("number", n, Self::EXPECTED))
    }
    /// Reads a negative JSON integer.
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        Err(unexpected("number", n, Self::EXPECTED))
    }
    /// Reads a JSON number with a fraction or exponent.
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        Err(unexpected("number", n, Self::EXPECTED))
    }
    /// Reads a JSON boolean.
    fn from_wire_bool(b: bool) -> Result<Self, String> {
        Err(unexpected("boolean", b, Self::EXPECTED))
    }
}

fn unexpected(form: &str, value: impl fmt::Display, expected: &str) -> String {
    format!("unexpected {form} {value}, expected {expected}")
}

impl WireScalar for u32 {
    const EXPECTED: &'static str = "a non-negative integer";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        let n = s
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("invalid integer {s:?}"))?;
        lenient("string as integer")?;
        Ok(n)
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        u32::try_from(n).map_err(|_| format!("integer {n} out of range"))
    }
}

impl WireScalar for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_wire_str(s: &str) -> Result<Self, String> {
        let n = s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("invalid number {s:?}"))?;
        lenient("string as number")?;
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
        lenient("number as flag")?;
        Ok(b)
    }
    fn from_wire_bool(b: bool) -> Result<Self, String> {
        Ok(b)
    }
}

impl WireScalar for String {
    const EXPECTED: &'static str = "a string";
    const EMPTY_IS_NONE: bool = false;
    fn from_wire_str(s: &str) -> Result<Self, String> {
        Ok(s.to_owned())
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        lenient("number as string")?;
        Ok(n.to_string())
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        lenient("number as string")?;
        Ok(n.to_string())
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        lenient("number as string")?;
        Ok(n.to_string())
    }
    fn from_wire_bool(b: bool) -> Result<Self, String> {
        lenient("boolean as string")?;
        Ok(b.to_string())
    }
}

/// Reads the JSON integer `n`: as its decimal text through `from_wire_str` when `T` says so
/// ([`WireScalar::NUMBER_AS_TEXT`], noted as lenient), else with `exact`.
fn integer<T: WireScalar>(n: i128, exact: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match T::NUMBER_AS_TEXT {
        Some(what) => {
            lenient(what)?;
            T::from_wire_str(&n.to_string())
        }
        None => exact(),
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
        integer(v.into(), || T::from_wire_u64(v)).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        integer(v.into(), || T::from_wire_i64(v)).map_err(E::custom)
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
            lenient(what).map_err(E::custom)?;
            return Ok(None);
        }
        T::from_wire_str(v).map(Some).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        ScalarVisitor(PhantomData).visit_u64(v).map(Some)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        ScalarVisitor(PhantomData).visit_i64(v).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        ScalarVisitor(PhantomData).visit_f64(v).map(Some)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<T>, E> {
        ScalarVisitor(PhantomData).visit_bool(v).map(Some)
    }
}

/// Deserializes a required [`WireScalar`] (for `deserialize_with`, or a `Deserialize` impl).
pub fn scalar<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: WireScalar,
{
    d.deserialize_any(ScalarVisitor::<T>(PhantomData))
}

/// Deserializes an optional [`WireScalar`] (for `#[serde(default, deserialize_with = "opt")]`):
/// `null`, a missing field and the strings [`WireScalar::none_str`] names are `None`.
pub fn opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: WireScalar,
{
    d.deserialize_option(OptScalarVisitor::<T>(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt")]
        units: Option<u32>,
        #[serde(default, deserialize_with = "opt")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "opt")]
        name: Option<String>,
    }

    #[test]
    fn each_form_reads_or_fails_with_the_expected_type() {
        let t: T = serde_json::from_str(r#"{"units":"2","flag":1,"name":7}"#).unwrap();
        assert_eq!(
            (t.units, t.flag, t.name.as_deref()),
            (Some(2), Some(true), Some("7"))
        );
        let t: T = serde_json::from_str(r#"{"units":"","flag":null}"#).unwrap();
        assert_eq!((t.units, t.flag, t.name), (None, None, None));
        let e = serde_json::from_str::<T>(r#"{"units":-1}"#).err().unwrap();
        assert!(e.to_string().contains("a non-negative integer"), "{e}");
        assert!(serde_json::from_str::<T>(r#"{"flag":2}"#).is_err());
    }
}
