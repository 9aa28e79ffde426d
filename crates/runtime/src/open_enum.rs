//! `open_enum!`: the one definition of a string enum that keeps values it does not know.
//!
//! Used by the generated models (one per spec `enum`), the webhook statuses and the SMS
//! delivery status (`qikberry_text::status::SmsStatus`).

/// Declares a string enum whose unknown values land in `Unknown(String)` instead of failing.
///
/// ```
/// qikberry_runtime::open_enum! {
///     /// A traffic light.
///     pub enum Light {
///         /// Go.
///         Green = "green",
///         /// Stop (`red`, also sent as `stop`).
///         Red = "red" | "stop",
///     }
/// }
/// assert_eq!(Light::from_wire("stop"), Light::Red);
/// assert_eq!(Light::from_wire("RED").as_str(), "red");
/// assert_eq!(Light::from_wire("blue"), Light::Unknown("blue".into()));
/// let l: Light = serde_json::from_str(r#""green""#).unwrap();
/// assert_eq!(serde_json::to_string(&l).unwrap(), r#""green""#);
/// ```
///
/// Each variant is `Name = "wire"`, optionally followed by `| "alias"` spellings that read as the
/// same variant (the first spelling is the one written back). The macro adds the derives
/// (`Debug, Clone, PartialEq, Eq, Hash`), the `Unknown(String)` variant, `KNOWN`, `as_str`,
/// `from_wire`, `Display`, `FromStr`, `From<&str>`, `From<String>`, `Serialize` and a
/// `Deserialize` through [`WireScalar`](crate::types::WireScalar).
///
/// The generated models declare the enum themselves (with their own docs and the same
/// `Unknown(String)` last variant) and use the second form, which adds only the impls:
/// `open_enum!(impl Name { Variant = "wire", … });`.
///
/// Reading is exact first, then ASCII case-insensitive. In a deserialization that reports
/// drift, a value matched only case-insensitively is noted as [`DriftKind::Lenient`], an unknown
/// one as [`DriftKind::UnknownEnumValue`], and a number where a string belongs as lenient too
/// (it is read as its decimal text).
///
/// [`DriftKind::Lenient`]: crate::drift::DriftKind::Lenient
/// [`DriftKind::UnknownEnumValue`]: crate::drift::DriftKind::UnknownEnumValue
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, kept exactly as received.
            Unknown(::std::string::String),
        }
        $crate::open_enum!(impl $name { $( $variant = $wire $(| $alias)* ),* });
    };
    (impl $name:ident { $( $variant:ident = $wire:literal $(| $alias:literal)* ),* $(,)? }) => {
        impl $name {
            /// Every known variant with the spelling written back.
            pub const KNOWN: &'static [(&'static str, $name)] = &[ $( ($wire, $name::$variant) ),* ];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(s) => s,
                }
            }

            /// Every spelling read, aliases included, in the order of [`Self::SPELLING_VALUES`].
            const SPELLINGS: &'static [&'static str] = &[ $( $wire, $( $alias, )* )* ];

            /// The variant each of [`Self::SPELLINGS`] reads as.
            const SPELLING_VALUES: &'static [$name] =
                &[ $( $name::$variant, $( $crate::__open_enum_same!($alias, $name::$variant), )* )* ];

            /// Reads a wire value; never fails (an unknown value becomes `Unknown`). Matching is
            /// exact first, then ASCII case-insensitive.
            pub fn from_wire(s: &str) -> Self {
                let found = $crate::__private::open_enum::find(Self::SPELLINGS, s);
                Self::known_or_unknown(found.map(|(index, _)| index), s)
            }

            /// The variant at `index` of [`Self::SPELLINGS`], else `Unknown(s)`.
            fn known_or_unknown(index: ::std::option::Option<usize>, s: &str) -> Self {
                match index.and_then(|i| Self::SPELLING_VALUES.get(i)) {
                    Some(v) => v.clone(),
                    None => $name::Unknown(s.to_owned()),
                }
            }

            /// [`Self::from_wire`], noting a case-folded or unknown value as drift.
            fn from_wire_noted(s: &str) -> ::std::result::Result<Self, ::std::string::String> {
                let found = $crate::__private::open_enum::read(Self::SPELLINGS, stringify!($name), s)?;
                Ok(Self::known_or_unknown(found, s))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from_wire(s))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::from_wire(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name::from_wire(&value)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::types::WireScalar for $name {
            const EXPECTED: &'static str = concat!("a ", stringify!($name), " string");
            const NUMBER_AS_TEXT: Option<&'static str> = Some("number as enum string");
            fn from_wire_str(s: &str) -> ::std::result::Result<Self, ::std::string::String> {
                $name::from_wire_noted(s)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::types::scalar(d)
            }
        }
    };
}

/// Expands to its second argument: repeats a variant once per alias spelling.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum_same {
    ($alias:literal, $value:expr) => {
        $value
    };
}

/// The reading every open enum shares, compiled once (the macro's expansion keeps only its
/// tables and the index-to-variant step).
pub mod support {
    use crate::drift::{DriftKind, note};
    use crate::types::lenient;

    /// The index of `s` among `spellings`, exact first, then ASCII case-insensitive (`true`).
    pub fn find(spellings: &[&str], s: &str) -> Option<(usize, bool)> {
        if let Some(i) = spellings.iter().position(|w| *w == s) {
            return Some((i, false));
        }
        let folded = spellings.iter().position(|w| w.eq_ignore_ascii_case(s));
        folded.map(|i| (i, true))
    }

    /// [`find`] inside a decode: a case-folded match is noted as lenient, no match as an
    /// unknown value of `type_name` (`None`).
    pub fn read(spellings: &[&str], type_name: &str, s: &str) -> Result<Option<usize>, String> {
        match find(spellings, s) {
            Some((i, false)) => Ok(Some(i)),
            Some((i, true)) => {
                lenient("enum value in another letter case")?;
                Ok(Some(i))
            }
            None => {
                note(|| DriftKind::UnknownEnumValue {
                    type_name: type_name.to_owned(),
                    value: s.to_owned(),
                })?;
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
#[allow(dead_code)] // the macro's whole API, of which the test uses a part
mod tests {
    crate::open_enum! {
        /// A status whose wire values include the catch-all's name, as the generator names it.
        enum State {
            /// `DELIVERED`.
            Delivered = "DELIVERED",
            /// The wire value `UNKNOWN`: a known value, not the catch-all.
            UnknownValue = "UNKNOWN",
        }
    }

    #[test]
    fn the_wire_value_unknown_is_known_and_the_catch_all_keeps_the_rest() {
        assert_eq!(State::from_wire("UNKNOWN"), State::UnknownValue);
        assert_eq!(State::UnknownValue.as_str(), "UNKNOWN");
        assert_eq!(
            State::from_wire("EXPIRED"),
            State::Unknown("EXPIRED".into())
        );
        let read: State = serde_json::from_str(r#""UNKNOWN""#).unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), r#""UNKNOWN""#);
    }

    crate::open_enum! {
        /// Codes the platform documents as strings and sometimes sends as numbers.
        enum Code {
            /// `1`.
            One = "1",
            /// `-1`.
            MinusOne = "-1",
        }
    }

    #[test]
    fn a_number_is_read_as_its_decimal_text_and_noted_as_lenient() {
        use crate::drift::DriftKind;
        let (read, found) = crate::drift::track::decode::<Vec<Code>, _>(
            serde_json::de::SliceRead::new(b"[1, -1, 7]"),
            "",
            false,
        );
        assert_eq!(
            read.unwrap(),
            [Code::One, Code::MinusOne, Code::Unknown("7".into())]
        );
        let at: Vec<(&str, bool)> = found
            .iter()
            .map(|(at, kind)| (at.as_str(), matches!(kind, DriftKind::Lenient { .. })))
            .collect();
        assert_eq!(
            at,
            [("/0", true), ("/1", true), ("/2", true), ("/2", false)]
        );
    }
}
