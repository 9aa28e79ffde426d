//! Phone numbers in JSON: [`PhoneNumber`] as the gateway's digits, and [`PhoneInput`], the
//! type the generated REST models hold for every number field of a request.
//!
//! A model built from text parses it at once ([`PhoneInput::from`]); a text that cannot be a
//! number is kept with its [`AddressError`] and makes serialisation fail, so the generated
//! `send()` stops before anything leaves the machine, with an error naming the field:
//!
//! ```
//! use qikberry_text::phone::{PhoneInput, PhoneNumber};
//!
//! let good = PhoneInput::from("+91 90000-00001");
//! assert_eq!(serde_json::to_string(&good).unwrap(), r#""919000000001""#);
//! assert_eq!(good.number().map(PhoneNumber::as_str), Ok("919000000001"));
//! let bad = PhoneInput::from("12ab");
//! assert!(bad.number().is_err());
//! assert!(serde_json::to_string(&bad).unwrap_err().to_string().contains("\"12ab\""));
//! ```

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};

use crate::phone::{AddressError, PhoneNumber};

/// A phone number given to a request model: parsed when given, its error kept until the
/// request is serialised (the generated `send()` then fails naming the field).
///
/// Converts from `&str`, `String` and [`PhoneNumber`]. Serialises as the E.164 digits without
/// `+`; deserialises leniently (a `+`, `00`, punctuation or a JSON number are accepted, and a
/// text that is no number is kept as an error instead of failing the whole document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneInput(Result<PhoneNumber, AddressError>);

impl PhoneInput {
    /// The parsed number, or why the given text is not one.
    pub fn number(&self) -> Result<&PhoneNumber, &AddressError> {
        self.0.as_ref()
    }

    /// The digits, or the error prefixed with the field's name (for query parameters and the
    /// generated code's own checks).
    pub fn digits_for(&self, field: &str) -> Result<&str, String> {
        self.0
            .as_ref()
            .map(PhoneNumber::as_str)
            .map_err(|e| format!("`{field}`: {e}"))
    }
}

impl From<PhoneNumber> for PhoneInput {
    fn from(number: PhoneNumber) -> Self {
        PhoneInput(Ok(number))
    }
}

impl From<&PhoneNumber> for PhoneInput {
    fn from(number: &PhoneNumber) -> Self {
        PhoneInput(Ok(number.clone()))
    }
}

impl From<&str> for PhoneInput {
    fn from(text: &str) -> Self {
        PhoneInput(PhoneNumber::parse(text))
    }
}

impl From<String> for PhoneInput {
    fn from(text: String) -> Self {
        PhoneInput::from(text.as_str())
    }
}

impl From<&String> for PhoneInput {
    fn from(text: &String) -> Self {
        PhoneInput::from(text.as_str())
    }
}

impl TryFrom<PhoneInput> for PhoneNumber {
    type Error = AddressError;
    fn try_from(input: PhoneInput) -> Result<Self, Self::Error> {
        input.0
    }
}

impl fmt::Display for PhoneInput {
    /// The digits; an invalid input prints its error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(number) => number.fmt(f),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

impl Serialize for PhoneInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(number) => number.serialize(serializer),
            Err(e) => Err(ser::Error::custom(e)),
        }
    }
}

impl<'de> Deserialize<'de> for PhoneInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(NumberText)
            .map(|text| PhoneInput::from(text.as_str()))
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    /// Accepts what [`PhoneNumber::parse`] accepts (`+`, `00`, punctuation), as a string or a
    /// JSON number; anything else is an error naming the text.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = deserializer.deserialize_any(NumberText)?;
        PhoneNumber::parse(&text).map_err(de::Error::custom)
    }
}

/// Reads a JSON string or non-negative integer as text.
struct NumberText;

impl Visitor<'_> for NumberText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a phone number as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_with_a_plus_or_a_json_number_read_as_digits() {
        for json in [r#""+14155550101""#, "14155550101", r#""0014155550101""#] {
            let p: PhoneNumber = serde_json::from_str(json).unwrap();
            assert_eq!(p.as_str(), "14155550101", "{json}");
            let i: PhoneInput = serde_json::from_str(json).unwrap();
            assert_eq!(i.number().unwrap().as_str(), "14155550101", "{json}");
        }
        let err = serde_json::from_str::<PhoneNumber>(r#""call me""#).unwrap_err();
        assert!(err.to_string().contains("call me"), "{err}");
        // An input keeps a bad number instead of failing the document.
        let kept: PhoneInput = serde_json::from_str(r#""9189195xxxxx""#).unwrap();
        assert!(kept.number().is_err());
    }

    #[test]
    fn a_bad_input_fails_serialisation_and_names_the_field_for_parameters() {
        let bad = PhoneInput::from("12ab");
        let err = serde_json::to_string(&bad).unwrap_err().to_string();
        assert!(err.contains("not a digit"), "{err}");
        assert_eq!(
            PhoneInput::from("0044 7700 900123").digits_for("mobile"),
            Ok("447700900123")
        );
        let e = bad.digits_for("mobile").unwrap_err();
        assert!(e.starts_with("`mobile`: phone number \"12ab\""), "{e}");
    }
}
