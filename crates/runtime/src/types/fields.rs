//! What a generated model's `Deserialize` calls: the member names of a struct matched against
//! its field table once per deserializer (not once per model, as a derived `__Field` enum is),
//! each field read at most once, and a missing one resolved as serde's derive resolves it.
//!
//! The generator emits, for a model with fields `a` (required) and `b` (optional):
//!
//! ```
//! use qikberry_runtime::types::fields::{MapReader, finish, or_none};
//! use serde::de::{MapAccess, Visitor};
//!
//! #[derive(Debug)]
//! struct Model {
//!     a: u32,
//!     b: Option<String>,
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Model {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         const FIELDS: &[&str] = &["a", "b"];
//!         struct V;
//!         impl<'de> Visitor<'de> for V {
//!             type Value = Model;
//!             fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//!                 f.write_str("struct Model")
//!             }
//!             fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Model, A::Error> {
//!                 let (mut a, mut b) = (None, None);
//!                 let mut r = MapReader::new(map, FIELDS);
//!                 while let Some(index) = r.next_key() {
//!                     match index {
//!                         Some(0) => r.read(&mut a, "a"),
//!                         Some(1) => r.read(&mut b, "b"),
//!                         _ => r.skip(),
//!                     }
//!                 }
//!                 r.end()?;
//!                 Ok(Model { a: finish(a, "a")?, b: or_none(b) })
//!             }
//!         }
//!         d.deserialize_struct("Model", FIELDS, V)
//!     }
//! }
//!
//! let m: Model = serde_json::from_str(r#"{"a":1,"x":[true]}"#).unwrap();
//! assert_eq!((m.a, m.b), (1, None));
//! let e = serde_json::from_str::<Model>(r#"{"b":"x"}"#).unwrap_err();
//! assert!(e.to_string().starts_with("missing field `a`"), "{e}");
//! let e = serde_json::from_str::<Model>(r#"{"a":1,"a":2}"#).unwrap_err();
//! assert!(e.to_string().starts_with("duplicate field `a`"), "{e}");
//! let e = serde_json::from_str::<Model>(r#"{"a":"one"}"#).unwrap_err();
//! assert!(e.to_string().starts_with("invalid type: string \"one\""), "{e}");
//! ```
//!
//! A [`MapReader`] keeps the first error and reads nothing after it, so a model's body is one
//! call per member with no `?` (and no drop of every slot read so far) of its own: with a `?` per
//! member, the generated `visit_map`s were twice the MIR (178K lines against 94K for our spec).
//!
//! Unlike the derive, a model is read from a map only (a JSON object), never from a sequence.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// Reads a member name as its index in the model's field table (`None`: a member the model does
/// not have).
#[derive(Clone, Copy, Debug)]
pub struct FieldIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<usize>, E> {
        // A field given by position (formats without names), as the derive accepts it.
        Ok(usize::try_from(v).ok().filter(|i| *i < self.0.len()))
    }
}

/// A model's map being read: the map, the model's field table, and the first error (after it
/// nothing more is read, and [`end`](Self::end) returns it).
pub struct MapReader<'de, A: MapAccess<'de>> {
    map: A,
    fields: &'static [&'static str],
    failed: Option<A::Error>,
    de: PhantomData<fn() -> &'de ()>,
}

impl<'de, A: MapAccess<'de>> MapReader<'de, A> {
    /// Reads `map` against the field table `fields` (the model's member names, in field order).
    pub fn new(map: A, fields: &'static [&'static str]) -> Self {
        MapReader {
            map,
            fields,
            failed: None,
            de: PhantomData,
        }
    }

    /// The next member's index in the field table (`Some(None)`: a member the model does not
    /// have); `None` at the end of the map, or once an error was met.
    pub fn next_key(&mut self) -> Option<Option<usize>> {
        if self.failed.is_some() {
            return None;
        }
        self.map
            .next_key_seed(FieldIndex(self.fields))
            .unwrap_or_else(|e| {
                self.failed = Some(e);
                None
            })
    }

    /// Reads the current member's value into `slot`; a second value for the same field is
    /// serde's `duplicate field` error.
    pub fn read<T: de::Deserialize<'de>>(&mut self, slot: &mut Option<T>, name: &'static str) {
        if slot.is_some() {
            self.failed = Some(de::Error::duplicate_field(name));
            return;
        }
        match self.map.next_value() {
            Ok(value) => *slot = Some(value),
            Err(e) => self.failed = Some(e),
        }
    }

    /// Skips the current member's value (a member the model does not have).
    pub fn skip(&mut self) {
        if let Err(e) = self.map.next_value::<de::IgnoredAny>() {
            self.failed = Some(e);
        }
    }

    /// The first error met while reading the map, if any.
    pub fn end(self) -> Result<(), A::Error> {
        self.failed.map_or(Ok(()), Err)
    }
}

/// The value of an `Option` field once the map is read: `None` when it was missing or `null`
/// (what [`finish`] makes of it, without a deserializer).
pub fn or_none<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

/// The value of a field once the map is read: what it held, else what the field's type makes
/// of a missing value — `None` for an `Option`, serde's `missing field` error otherwise
/// (exactly the derive's rule).
pub fn finish<'de, T: de::Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// A deserializer for a field absent from the map: an `Option` reads it as `None`, anything
/// else fails with `missing field`.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
