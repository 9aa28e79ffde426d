//! `open_int_enum!`: an integer enum that keeps values it does not know, the integer
//! counterpart of [`open_enum!`](crate::open_enum).

/// Adds the impls of an integer enum whose unknown values land in `Unknown(i64)`.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// enum Priority {
///     Low,
///     High,
///     Unknown(i64),
/// }
/// qikberry_runtime::open_int_enum!(impl Priority { Low = 0, High = 10 });
/// assert_eq!(Priority::from_wire(10), Priority::High);
/// assert_eq!(Priority::from_wire(5), Priority::Unknown(5));
/// let p: Priority = serde_json::from_str("0").unwrap();
/// assert_eq!(serde_json::to_string(&p).unwrap(), "0");
/// assert_eq!(Priority::High.to_string(), "10");
/// fn set(p: impl Into<Priority>) -> Priority { p.into() }
/// assert_eq!(set(0), Priority::Low);
/// ```
///
/// The enum is declared by the caller (with its own docs and the `Unknown(i64)` last variant);
/// the macro adds `KNOWN`, `value`, `from_wire`, `Display` (the integer, as sent in a path,
/// query or header), `From<i64>`, `Serialize` (the integer) and a `Deserialize` through
/// [`WireScalar`](crate::types::WireScalar): an integer, or leniently (noted as drift) its
/// decimal text; an unknown value is noted as [`DriftKind::UnknownEnumValue`].
///
/// [`DriftKind::UnknownEnumValue`]: crate::drift::DriftKind::UnknownEnumValue
#[doc(hidden)]
#[macro_export]
macro_rules! open_int_enum {
    (impl $name:ident { $( $variant:ident = $wire:literal ),* $(,)? }) => {
        impl $name {
            /// Every known variant with its wire value.
            pub const KNOWN: &'static [(i64, $name)] = &[ $( ($wire, $name::$variant) ),* ];

            /// The value as it travels on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(n) => *n,
                }
            }

            /// Reads a wire value; never fails (an unknown value becomes `Unknown`).
            pub fn from_wire(n: i64) -> Self {
                match n {
                    $( $wire => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }

            fn from_wire_noted(n: i64) -> ::std::result::Result<Self, ::std::string::String> {
                let v = Self::from_wire(n);
                if matches!(v, $name::Unknown(_)) {
                    $crate::drift::note(|| $crate::drift::DriftKind::UnknownEnumValue {
                        type_name: stringify!($name).to_owned(),
                        value: n.to_string(),
                    })?;
                }
                Ok(v)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                $name::from_wire(value)
            }
        }

        // An integer literal without a suffix is an `i32`: `.status(1)` reads as intended.
        impl ::std::convert::From<i32> for $name {
            fn from(value: i32) -> Self {
                $name::from_wire(i64::from(value))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }

        impl $crate::types::WireScalar for $name {
            const EXPECTED: &'static str = concat!("a ", stringify!($name), " integer");
            fn from_wire_str(s: &str) -> ::std::result::Result<Self, ::std::string::String> {
                let n = s
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| format!("invalid integer {s:?} for {}", stringify!($name)))?;
                $crate::types::lenient("string as enum integer")?;
                $name::from_wire_noted(n)
            }
            fn from_wire_u64(n: u64) -> ::std::result::Result<Self, ::std::string::String> {
                let n = i64::try_from(n)
                    .map_err(|_| format!("integer {n} out of range for {}", stringify!($name)))?;
                $name::from_wire_noted(n)
            }
            fn from_wire_i64(n: i64) -> ::std::result::Result<Self, ::std::string::String> {
                $name::from_wire_noted(n)
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
