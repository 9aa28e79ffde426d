//! What a generated model's `Serialize` calls: the write side of [`fields`](super::fields).
//!
//! serde's derive writes, for each field, its own `?` and (for an optional field) its own
//! `if`/`else` with `skip_field`, and counts the present fields in one more expression: about
//! 140 lines of MIR per field, compiled for every model. The generator instead emits one call per
//! field into a [`Members`], which keeps the first error and skips every field after it, so the
//! model's body has no branch of its own. The serializer sees what the derive's code shows it:
//! the same `serialize_struct` length, the same `serialize_field` and `skip_field` calls in the
//! same order, and an `Option` written as an `Option` (`serialize_some`); after a field fails,
//! nothing more is asked of it.
//!
//! For a model with fields `a` (required), `b` (optional, skipped when empty) and `c`
//! (required, nullable):
//!
//! ```
//! use qikberry_runtime::types::members;
//!
//! struct Model {
//!     a: u32,
//!     b: Option<String>,
//!     c: Option<bool>,
//! }
//!
//! impl serde::Serialize for Model {
//!     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         let mut m = members::begin(s, "Model", 2, &[self.b.is_some()])?;
//!         m.field("a", &self.a);
//!         m.optional("b", &self.b);
//!         m.field("c", &self.c);
//!         m.end()
//!     }
//! }
//!
//! let m = Model { a: 1, b: None, c: None };
//! assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":1,"c":null}"#);
//! let m = Model { a: 1, b: Some("x".into()), c: Some(true) };
//! assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":1,"b":"x","c":true}"#);
//! ```

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A struct being written: the serializer's struct state and the first error, if any (every
/// field after it is skipped and [`end`](Self::end) returns it).
pub struct Members<S: SerializeStruct> {
    state: S,
    failed: Option<S::Error>,
}

/// Starts struct `name` with its exact length: the `required` fields, always written, plus the
/// optional fields that are present (`present`, one entry per optional field).
pub fn begin<S: Serializer>(
    serializer: S,
    name: &'static str,
    required: usize,
    present: &[bool],
) -> Result<Members<S::SerializeStruct>, S::Error> {
    let len = required + present.iter().filter(|p| **p).count();
    Ok(Members {
        state: serializer.serialize_struct(name, len)?,
        failed: None,
    })
}

impl<S: SerializeStruct> Members<S> {
    /// Writes a field that is always written (a nullable one as `null` when empty).
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if self.failed.is_none() {
            self.failed = self.state.serialize_field(key, value).err();
        }
    }

    /// Writes an optional field when it is present, else tells the serializer it is skipped
    /// (the derive's `skip_serializing_if = "Option::is_none"`).
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if value.is_some() {
            self.field(key, value);
        } else if self.failed.is_none() {
            self.failed = self.state.skip_field(key).err();
        }
    }

    /// Ends the struct, or returns the first error a field met.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.failed {
            Some(error) => Err(error),
            None => self.state.end(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value that refuses to serialise, as an invalid phone number does.
    struct Refuses;

    impl Serialize for Refuses {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    struct Model {
        a: u32,
        b: Option<Refuses>,
        c: Option<u8>,
    }

    impl Serialize for Model {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = begin(s, "Model", 1, &[self.b.is_some(), self.c.is_some()])?;
            m.field("a", &self.a);
            m.optional("b", &self.b);
            m.optional("c", &self.c);
            m.end()
        }
    }

    #[test]
    fn the_first_error_is_returned_and_nothing_is_written_after_it() {
        let mut out = Vec::new();
        let m = Model {
            a: 1,
            b: Some(Refuses),
            c: Some(2),
        };
        let err = m
            .serialize(&mut serde_json::Serializer::new(&mut out))
            .unwrap_err();
        assert_eq!(err.to_string(), "refused");
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":1,"b":"#);
    }

    /// The derive's model beside the written one, with a rename, a nullable and a nested
    /// optional: the same JSON in every combination of present and absent.
    #[test]
    fn the_output_is_the_derives() {
        #[derive(serde::Serialize)]
        struct Derived {
            #[serde(rename = "callId")]
            call_id: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            tags: Option<Vec<String>>,
            nullable: Option<i64>,
        }
        struct Written(Derived);
        impl Serialize for Written {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let d = &self.0;
                let mut m = begin(s, "Derived", 2, &[d.tags.is_some()])?;
                m.field("callId", &d.call_id);
                m.optional("tags", &d.tags);
                m.field("nullable", &d.nullable);
                m.end()
            }
        }
        for tags in [None, Some(vec![]), Some(vec!["a".to_string()])] {
            for nullable in [None, Some(-3)] {
                let d = Derived {
                    call_id: "c1".into(),
                    tags: tags.clone(),
                    nullable,
                };
                let derived = serde_json::to_string(&d).unwrap();
                assert_eq!(serde_json::to_string(&Written(d)).unwrap(), derived);
            }
        }
    }

    #[test]
    fn absent_optionals_are_skipped_and_an_empty_model_is_an_empty_object() {
        let m = Model {
            a: 7,
            b: None,
            c: None,
        };
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":7}"#);
        struct Empty;
        impl Serialize for Empty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                begin(s, "Empty", 0, &[])?.end()
            }
        }
        assert_eq!(serde_json::to_string(&Empty).unwrap(), "{}");
    }
}
