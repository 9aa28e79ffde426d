//! The lenient wire types shared by the generated models, the webhook events and the SMS status:
//! [`StringOrNumber`], and [`WireScalar`] with its `deserialize_with` helpers ([`scalar`],
//! [`opt`]) — the one way this workspace accepts a scalar in a form other than its documented one.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

pub mod fields;
pub mod members;
mod scalar;

pub use scalar::{WireScalar, lenient, opt, scalar};

/// A scalar the API sends either as a JSON string or as a JSON number.
///
/// The platform documents many fields as numbers but sends them as strings on some endpoints
/// (`"status": "1"`, `"credits": "2.0000"`). This type accepts both and keeps the form it received,
/// so serializing it again produces exactly the same JSON. Use [`as_i64`](Self::as_i64) /
/// [`as_f64`](Self::as_f64) to read it as a number whatever its wire form.
///
/// ```
/// use qikberry::types::StringOrNumber;
///
/// let credits: StringOrNumber = serde_json::from_str(r#""2.0000""#).unwrap();
/// assert_eq!(credits.as_f64(), Some(2.0));
/// assert_eq!(credits.to_string(), "2.0000");
/// assert_eq!(serde_json::to_string(&credits).unwrap(), r#""2.0000""#);
///
/// let status: StringOrNumber = serde_json::from_str("1").unwrap();
/// assert_eq!(status.as_i64(), Some(1));
/// assert_eq!(status.as_str(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum StringOrNumber {
    /// The value arrived as a JSON string.
    String(String),
    /// The value arrived as a JSON number.
    Number(serde_json::Number),
}

impl StringOrNumber {
    /// The string form, if the value arrived as a JSON string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            StringOrNumber::String(s) => Some(s),
            StringOrNumber::Number(_) => None,
        }
    }

    /// The value as a signed integer: a JSON integer, or a string holding one (surrounding
    /// whitespace allowed). `None` for fractions, overflow or non-numeric strings.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StringOrNumber::String(s) => s.trim().parse().ok(),
            StringOrNumber::Number(n) => n.as_i64(),
        }
    }

    /// The value as a float: any JSON number, or a string holding a decimal number
    /// (`"2.0000"`). `None` for non-numeric strings (and for `NaN`/`inf` spellings).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            StringOrNumber::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            StringOrNumber::Number(n) => n.as_f64(),
        }
    }

    /// `true` when the value arrived as a JSON number.
    pub fn is_number(&self) -> bool {
        matches!(self, StringOrNumber::Number(_))
    }
}

impl WireScalar for StringOrNumber {
    const EXPECTED: &'static str = "a StringOrNumber (a JSON string or number)";
    const EMPTY_IS_NONE: bool = false;
    fn from_wire_str(s: &str) -> Result<Self, String> {
        Ok(StringOrNumber::String(s.to_owned()))
    }
    fn from_wire_u64(n: u64) -> Result<Self, String> {
        Ok(StringOrNumber::from(n))
    }
    fn from_wire_i64(n: i64) -> Result<Self, String> {
        Ok(StringOrNumber::from(n))
    }
    fn from_wire_f64(n: f64) -> Result<Self, String> {
        StringOrNumber::from_f64(n).ok_or_else(|| format!("number {n} is not finite"))
    }
}

impl<'de> Deserialize<'de> for StringOrNumber {
    /// Either JSON form, kept as received; anything else (null, booleans, arrays, objects) is an
    /// error naming `StringOrNumber`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d)
    }
}

impl fmt::Display for StringOrNumber {
    /// Prints the wire form without quotes: `2.0000` for `"2.0000"`, `1` for `1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StringOrNumber::String(s) => f.write_str(s),
            StringOrNumber::Number(n) => fmt::Display::fmt(n, f),
        }
    }
}

impl From<String> for StringOrNumber {
    fn from(value: String) -> Self {
        StringOrNumber::String(value)
    }
}

impl From<&str> for StringOrNumber {
    fn from(value: &str) -> Self {
        StringOrNumber::String(value.to_owned())
    }
}

impl From<i64> for StringOrNumber {
    fn from(value: i64) -> Self {
        StringOrNumber::Number(value.into())
    }
}

impl From<i32> for StringOrNumber {
    fn from(value: i32) -> Self {
        StringOrNumber::Number(value.into())
    }
}

impl From<u64> for StringOrNumber {
    fn from(value: u64) -> Self {
        StringOrNumber::Number(value.into())
    }
}

impl From<u32> for StringOrNumber {
    fn from(value: u32) -> Self {
        StringOrNumber::Number(value.into())
    }
}

impl From<serde_json::Number> for StringOrNumber {
    fn from(value: serde_json::Number) -> Self {
        StringOrNumber::Number(value)
    }
}

impl StringOrNumber {
    /// A number from a float; `None` for `NaN` and infinities, which JSON cannot carry.
    pub fn from_f64(value: f64) -> Option<Self> {
        serde_json::Number::from_f64(value).map(StringOrNumber::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_wire_form_string() {
        let v: StringOrNumber = serde_json::from_value(json!("2.0000")).unwrap();
        assert_eq!(v, StringOrNumber::String("2.0000".into()));
        assert_eq!(serde_json::to_value(&v).unwrap(), json!("2.0000"));
        assert_eq!(v.as_f64(), Some(2.0));
        assert_eq!(v.as_i64(), None);
        assert_eq!(v.as_str(), Some("2.0000"));
        assert_eq!(v.to_string(), "2.0000");
        assert!(!v.is_number());
    }

    #[test]
    fn keeps_wire_form_number() {
        let v: StringOrNumber = serde_json::from_value(json!(200)).unwrap();
        assert_eq!(v, StringOrNumber::from(200i64));
        assert_eq!(serde_json::to_value(&v).unwrap(), json!(200));
        assert_eq!(v.as_i64(), Some(200));
        assert_eq!(v.as_f64(), Some(200.0));
        assert_eq!(v.as_str(), None);
        assert_eq!(v.to_string(), "200");
        let f: StringOrNumber = serde_json::from_str("1.5").unwrap();
        assert_eq!(f.as_f64(), Some(1.5));
        assert_eq!(f.as_i64(), None);
        assert_eq!(f.to_string(), "1.5");
    }

    #[test]
    fn numeric_strings_parse() {
        let v = StringOrNumber::from(" 42 ");
        assert_eq!(v.as_i64(), Some(42));
        assert_eq!(StringOrNumber::from("OK").as_i64(), None);
        assert_eq!(StringOrNumber::from("OK").as_f64(), None);
        assert_eq!(StringOrNumber::from("NaN").as_f64(), None);
        assert_eq!(StringOrNumber::from_f64(f64::NAN), None);
    }

    #[test]
    fn rejects_other_json_types_with_message() {
        let err = serde_json::from_value::<StringOrNumber>(json!({"a": 1})).unwrap_err();
        assert!(err.to_string().contains("StringOrNumber"), "{err}");
        assert!(serde_json::from_value::<StringOrNumber>(json!(null)).is_err());
        assert!(serde_json::from_value::<StringOrNumber>(json!(true)).is_err());
    }
}
