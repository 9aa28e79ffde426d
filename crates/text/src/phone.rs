//! Phone numbers and sender ids in the form the gateway wants, for REST and SMPP alike.
//!
//! The reference requires E.164 numbers written without a leading `+` or international access
//! code (`00`) and without spaces or punctuation: `14155550101`, `447700900123`.
//! [`PhoneNumber::parse`] accepts what people type (`+1 (415) 555-0101`, `0044 7700 900123`)
//! and gives that form, or an error naming what is wrong. [`Address`] adds what SMPP needs on
//! top: sender names and short codes, each with its TON/NPI (SMPP 3.4 §5.2.5–5.2.6).
//!
//! Always compiled (no feature). Checks are structural (digits, length, no trunk prefix); they do
//! not know each country's numbering plan.
//!
//! REST models take a [`PhoneInput`] for every number field of a request (built from a
//! [`PhoneNumber`], `&str` or `String`; see [`crate::phone_input`]); a [`PhoneNumber`] also
//! converts into a `String`:
//!
//! ```
//! use qikberry_text::phone::PhoneNumber;
//!
//! let to = PhoneNumber::parse("+91 99999-99999")?;
//! assert_eq!(to.as_str(), "919999999999");
//! let field: String = to.into();
//! assert!(PhoneNumber::parse("call me").is_err());
//! # Ok::<(), qikberry_text::phone::AddressError>(())
//! ```

use std::fmt;
use std::str::FromStr;

pub use crate::phone_input::PhoneInput;

/// Fewest digits accepted for an international number (country code included).
pub const MIN_DIGITS: usize = 7;
/// Most digits E.164 allows.
pub const MAX_DIGITS: usize = 15;
/// Longest alphanumeric sender id (GSM: 11 characters).
pub const MAX_SENDER_LEN: usize = 11;
/// Short codes: 3 to 8 digits.
const SHORT_CODE_DIGITS: std::ops::RangeInclusive<usize> = 3..=8;

/// Why a text is not a usable number or sender id. Every variant carries the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// Nothing but spaces and punctuation.
    Empty,
    /// A character that cannot appear in a phone number.
    InvalidCharacter {
        /// What was given.
        input: String,
        /// The offending character.
        ch: char,
        /// Its byte offset in `input`.
        at: usize,
    },
    /// Fewer digits than any international number has.
    TooShort {
        /// What was given.
        input: String,
        /// Digits found.
        digits: usize,
    },
    /// More than E.164's 15 digits.
    TooLong {
        /// What was given.
        input: String,
        /// Digits found.
        digits: usize,
    },
    /// Starts with a single `0` (a national trunk prefix) or `+0`: the country code is missing.
    MissingCountryCode {
        /// What was given.
        input: String,
    },
    /// Not 3–8 plain digits.
    InvalidShortCode {
        /// What was given.
        input: String,
    },
    /// A sender name longer than 11 characters or with characters outside ASCII letters,
    /// digits, space and `-._&`.
    InvalidSender {
        /// What was given.
        input: String,
    },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::Empty => f.write_str("phone number is empty"),
            AddressError::InvalidCharacter { input, ch, at } => {
                write!(
                    f,
                    "phone number {input:?}: {ch:?} at byte {at} is not a digit"
                )
            }
            AddressError::TooShort { input, digits } => write!(
                f,
                "phone number {input:?}: {digits} digits, an international number has at least {MIN_DIGITS}"
            ),
            AddressError::TooLong { input, digits } => write!(
                f,
                "phone number {input:?}: {digits} digits, E.164 allows at most {MAX_DIGITS}"
            ),
            AddressError::MissingCountryCode { input } => write!(
                f,
                "phone number {input:?} starts with 0: write it with its country code (e.g. 44… instead of 0…)"
            ),
            AddressError::InvalidShortCode { input } => {
                write!(f, "short code {input:?}: expected 3 to 8 digits")
            }
            AddressError::InvalidSender { input } => write!(
                f,
                "sender id {input:?}: at most {MAX_SENDER_LEN} ASCII letters, digits, spaces or -._&"
            ),
        }
    }
}

impl std::error::Error for AddressError {}

/// An international number in the gateway's form: E.164 digits, no `+`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Normalise a number: drops spaces and `-`, `.`, `(`, `)`, `/`; a leading `+` or `00`
    /// marks the international prefix and is dropped. What remains must be 7–15 digits not
    /// starting with `0`. Digits without a prefix are read as international already
    /// (`14155550101`), as the reference writes them.
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        let digits = strip(input)?;
        let digits = digits
            .strip_prefix('+')
            .or_else(|| digits.strip_prefix("00"))
            .unwrap_or(&digits);
        if digits.is_empty() {
            return Err(AddressError::Empty);
        }
        if digits.starts_with('0') {
            return Err(AddressError::MissingCountryCode {
                input: input.to_string(),
            });
        }
        let n = digits.len();
        if n < MIN_DIGITS {
            return Err(AddressError::TooShort {
                input: input.to_string(),
                digits: n,
            });
        }
        if n > MAX_DIGITS {
            return Err(AddressError::TooLong {
                input: input.to_string(),
                digits: n,
            });
        }
        Ok(PhoneNumber(digits.to_string()))
    }

    /// The digits, e.g. `447700900123`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Remove the punctuation people write in numbers; keep a leading `+`; reject anything else
/// that is not a digit.
fn strip(input: &str) -> Result<String, AddressError> {
    let mut out = String::with_capacity(input.len());
    for (at, ch) in input.char_indices() {
        match ch {
            '0'..='9' => out.push(ch),
            '+' if out.is_empty() => out.push(ch),
            ' ' | '\u{a0}' | '-' | '.' | '(' | ')' | '/' => {}
            _ => {
                return Err(AddressError::InvalidCharacter {
                    input: input.to_string(),
                    ch,
                    at,
                });
            }
        }
    }
    if out.is_empty() || out == "+" {
        return Err(AddressError::Empty);
    }
    Ok(out)
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = AddressError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        PhoneNumber::parse(s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// SMPP type of number (SMPP 3.4 §5.2.5).
pub mod ton {
    /// Unknown.
    pub const UNKNOWN: u8 = 0;
    /// International (E.164 with country code).
    pub const INTERNATIONAL: u8 = 1;
    /// National (without country code).
    pub const NATIONAL: u8 = 2;
    /// Alphanumeric (a sender name).
    pub const ALPHANUMERIC: u8 = 5;
    /// Abbreviated (a short code).
    pub const ABBREVIATED: u8 = 6;
}

/// SMPP numbering plan indicator (SMPP 3.4 §5.2.6).
pub mod npi {
    /// Unknown.
    pub const UNKNOWN: u8 = 0;
    /// ISDN (E.163/E.164).
    pub const ISDN: u8 = 1;
}

/// A source or destination address with the TON/NPI SMPP sends with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// An international number: TON 1, NPI 1 (ISDN).
    International(PhoneNumber),
    /// A national number without country code (only where the SMSC accepts it): TON 2, NPI 1.
    National(String),
    /// A short code (3–8 digits): TON 6 (abbreviated), NPI 0.
    ShortCode(String),
    /// A sender name such as `QIKBRY`: TON 5 (alphanumeric), NPI 0.
    Alphanumeric(String),
}

impl Address {
    /// Read a sender: a name with any letter is alphanumeric (at most 11 characters); 3–6
    /// digits with no `+`/`00` are a short code; anything else must be an international number.
    pub fn sender(input: &str) -> Result<Self, AddressError> {
        let trimmed = input.trim();
        if trimmed.chars().any(|c| c.is_alphabetic()) {
            return Address::alphanumeric(trimmed);
        }
        match implied_short_code(strip(trimmed)?) {
            Some(code) => Ok(Address::ShortCode(code)),
            None => PhoneNumber::parse(trimmed).map(Address::International),
        }
    }

    /// Read a recipient: 3–6 digits with no `+`/`00` are a short code, anything else must be an
    /// international number (recipients are never names).
    pub fn recipient(input: &str) -> Result<Self, AddressError> {
        match implied_short_code(strip(input.trim())?) {
            Some(code) => Ok(Address::ShortCode(code)),
            None => PhoneNumber::parse(input).map(Address::International),
        }
    }

    /// A sender name: 1–11 of ASCII letters, digits, space and `-._&`.
    pub fn alphanumeric(name: &str) -> Result<Self, AddressError> {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || " -._&".contains(c);
        let n = name.chars().count();
        if n == 0 || n > MAX_SENDER_LEN || !name.chars().all(ok_char) {
            return Err(AddressError::InvalidSender {
                input: name.to_string(),
            });
        }
        Ok(Address::Alphanumeric(name.to_string()))
    }

    /// A short code of 3–8 digits.
    pub fn short_code(code: &str) -> Result<Self, AddressError> {
        let digits = strip(code)?;
        if digits.starts_with('+') || !SHORT_CODE_DIGITS.contains(&digits.len()) {
            return Err(AddressError::InvalidShortCode {
                input: code.to_string(),
            });
        }
        Ok(Address::ShortCode(digits))
    }

    /// A national number (digits only, punctuation dropped), for SMSCs that take them.
    pub fn national(number: &str) -> Result<Self, AddressError> {
        let digits = strip(number)?;
        if digits.starts_with('+') {
            return PhoneNumber::parse(number).map(Address::International);
        }
        if digits.len() > MAX_DIGITS {
            return Err(AddressError::TooLong {
                input: number.to_string(),
                digits: digits.len(),
            });
        }
        Ok(Address::National(digits))
    }

    /// The address text as sent (`source_addr` / `destination_addr`).
    pub fn as_str(&self) -> &str {
        match self {
            Address::International(p) => p.as_str(),
            Address::National(s) | Address::ShortCode(s) | Address::Alphanumeric(s) => s,
        }
    }

    /// SMPP type of number ([`ton`]).
    pub fn ton(&self) -> u8 {
        match self {
            Address::International(_) => ton::INTERNATIONAL,
            Address::National(_) => ton::NATIONAL,
            Address::ShortCode(_) => ton::ABBREVIATED,
            Address::Alphanumeric(_) => ton::ALPHANUMERIC,
        }
    }

    /// SMPP numbering plan indicator ([`npi`]).
    pub fn npi(&self) -> u8 {
        match self {
            Address::International(_) | Address::National(_) => npi::ISDN,
            Address::ShortCode(_) | Address::Alphanumeric(_) => npi::UNKNOWN,
        }
    }
}

/// Digits that can only be a short code: 3–6 of them, no `+`, no leading `0`.
fn implied_short_code(digits: String) -> Option<String> {
    let plain = !digits.starts_with('+') && !digits.starts_with('0');
    (plain && (3..=6).contains(&digits.len())).then_some(digits)
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<PhoneNumber> for Address {
    fn from(p: PhoneNumber) -> Self {
        Address::International(p)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        match a {
            Address::International(p) => p.0,
            Address::National(s) | Address::ShortCode(s) | Address::Alphanumeric(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_examples_and_what_people_type() {
        for (input, want) in [
            ("14155550101", "14155550101"),
            ("447700900123", "447700900123"),
            ("+1 (415) 555-0101", "14155550101"),
            ("0044 7700 900123", "447700900123"),
            ("+44 7700.900.123", "447700900123"),
            ("+91 99999-99999", "919999999999"),
            ("0091 99999 99999", "919999999999"),
        ] {
            assert_eq!(PhoneNumber::parse(input).unwrap().as_str(), want, "{input}");
        }
        let p: PhoneNumber = "+14155550101".parse().unwrap();
        assert_eq!(String::from(p.clone()), "14155550101");
        assert_eq!(p.to_string(), "14155550101");
    }

    #[test]
    fn what_cannot_be_a_number_is_refused_with_the_reason() {
        let e = PhoneNumber::parse("call 911").unwrap_err();
        assert!(matches!(
            e,
            AddressError::InvalidCharacter { ch: 'c', at: 0, .. }
        ));
        assert!(e.to_string().contains("not a digit"));
        assert_eq!(PhoneNumber::parse(" - ").unwrap_err(), AddressError::Empty);
        assert_eq!(PhoneNumber::parse("+").unwrap_err(), AddressError::Empty);
        assert!(matches!(
            PhoneNumber::parse("07700 900123"),
            Err(AddressError::MissingCountryCode { .. })
        ));
        assert!(matches!(
            PhoneNumber::parse("+0123456789"),
            Err(AddressError::MissingCountryCode { .. })
        ));
        assert!(matches!(
            PhoneNumber::parse("+44 12"),
            Err(AddressError::TooShort { digits: 4, .. })
        ));
        assert!(matches!(
            PhoneNumber::parse("1234567890123456"),
            Err(AddressError::TooLong { digits: 16, .. })
        ));
        assert!(PhoneNumber::parse("44+7700900123").is_err());
        assert!(PhoneNumber::parse("４４７７００９００１２３").is_err());
    }

    #[test]
    fn ton_and_npi_for_each_kind() {
        let a = |s: &str| {
            let a = Address::sender(s).unwrap();
            (a.as_str().to_string(), a.ton(), a.npi())
        };
        assert_eq!(a("QIKBRY"), ("QIKBRY".into(), 5, 0));
        assert_eq!(a("+91 99999 99999"), ("919999999999".into(), 1, 1));
        assert_eq!(a("447700900123"), ("447700900123".into(), 1, 1));
        assert_eq!(a("56161"), ("56161".into(), 6, 0));
        assert!(Address::sender("A-VERY-LONG-NAME").is_err());
        let r = Address::recipient("14155550101").unwrap();
        assert_eq!((r.ton(), r.npi()), (1, 1));
        assert!(Address::recipient("QIKBRY").is_err());
        let n = Address::national("07700 900123").unwrap();
        assert_eq!((n.as_str(), n.ton(), n.npi()), ("07700900123", 2, 1));
        assert_eq!(Address::short_code("12345678").unwrap().ton(), 6);
        assert!(Address::short_code("+123").is_err());
        assert!(matches!(
            Address::sender("+12345"),
            Err(AddressError::TooShort { .. })
        ));
    }
}
