//! A normalized look at a schema: `$ref` or inline, and the shapes the generator knows
//! (openapiv3 puts unusual combinations into `Any`).

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::extensions::EXACTLY_ONE_OF;

/// A schema position: a `$ref` string or an inline schema.
#[derive(Clone, Copy)]
pub(super) enum SRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

/// A normalized look at a schema (openapiv3 puts unusual combinations into `Any`).
pub(super) enum View<'a> {
    Str {
        enums: Vec<String>,
        binary: bool,
    },
    Int,
    /// An integer with `enum` values.
    IntEnum(Vec<i64>),
    Num,
    Bool,
    Object {
        props: Vec<(&'a str, SRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
    },
    Array(Option<SRef<'a>>),
    OneOf(&'a [ReferenceOr<Schema>]),
    /// `allOf` members (the schema's own properties, if any, are read beside them).
    AllOf(&'a [ReferenceOr<Schema>]),
    /// `anyOf` members.
    AnyOf(&'a [ReferenceOr<Schema>]),
    Unsupported(&'static str),
    Any,
}

pub(super) fn view(s: &Schema) -> View<'_> {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => View::Str {
            enums: t.enumeration.iter().flatten().cloned().collect(),
            binary: matches!(
                t.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
            ),
        },
        SchemaKind::Type(Type::Integer(t)) if !t.enumeration.is_empty() => {
            View::IntEnum(t.enumeration.iter().flatten().copied().collect())
        }
        SchemaKind::Type(Type::Integer(_)) => View::Int,
        SchemaKind::Type(Type::Number(_)) => View::Num,
        SchemaKind::Type(Type::Boolean(_)) => View::Bool,
        SchemaKind::Type(Type::Object(o)) => View::Object {
            props: o
                .properties
                .iter()
                .map(|(k, v)| (k.as_str(), v.into()))
                .collect(),
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => View::Array(a.items.as_ref().map(Into::into)),
        SchemaKind::OneOf { one_of } => View::OneOf(one_of),
        SchemaKind::AllOf { all_of } => View::AllOf(all_of),
        SchemaKind::AnyOf { any_of } => View::AnyOf(any_of),
        SchemaKind::Not { .. } => View::Unsupported("not"),
        SchemaKind::Any(a) => {
            if !a.all_of.is_empty() {
                return View::AllOf(&a.all_of);
            }
            // An `anyOf` alone is a composition; beside `properties` it must be the
            // at-least-one rule on required lists (read with the object), else the properties
            // would be lost.
            if !a.any_of.is_empty() && a.properties.is_empty() {
                return View::AnyOf(&a.any_of);
            }
            if !a.any_of.is_empty()
                && !super::at_least_one::is_rule(&s.schema_data.extensions, &a.any_of)
            {
                return View::Unsupported("anyOf beside properties (only as x-at-least-one-of)");
            }
            if a.not.is_some() {
                return View::Unsupported("not");
            }
            let object = || any_object(a);
            if !a.one_of.is_empty() {
                if !a.properties.is_empty() {
                    // A oneOf of `required` lists beside the properties is a requiredness rule;
                    // `x-exactly-one-of` gives it its Rust form (read with the object).
                    let bare_required = super::at_least_one::all_bare_required(&a.one_of);
                    if bare_required || s.schema_data.extensions.contains_key(EXACTLY_ONE_OF) {
                        return object();
                    }
                    return View::Unsupported("oneOf combined with properties");
                }
                return View::OneOf(&a.one_of);
            }
            match a.typ.as_deref() {
                Some("string") => View::Str {
                    enums: a
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                    binary: a.format.as_deref() == Some("binary"),
                },
                Some("integer") => {
                    let ints: Vec<i64> = a.enumeration.iter().filter_map(Value::as_i64).collect();
                    if ints.is_empty() {
                        View::Int
                    } else {
                        View::IntEnum(ints)
                    }
                }
                Some("number") => View::Num,
                Some("boolean") => View::Bool,
                Some("object") => object(),
                Some("array") => View::Array(a.items.as_ref().map(Into::into)),
                Some(_) => View::Unsupported("unknown `type`"),
                None if !a.properties.is_empty() => object(),
                None if a.items.is_some() => View::Array(a.items.as_ref().map(Into::into)),
                None if !a.enumeration.is_empty() && a.enumeration.iter().all(Value::is_string) => {
                    View::Str {
                        enums: a
                            .enumeration
                            .iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect(),
                        binary: false,
                    }
                }
                None => View::Any,
            }
        }
    }
}

/// The properties, `required` list and `additionalProperties` a schema states itself beside an
/// `allOf` (openapiv3 reads such a schema as `Any`); `None` when it states no properties.
pub(super) fn own_object(s: &Schema) -> Option<View<'_>> {
    match &s.schema_kind {
        SchemaKind::Any(a) if !a.properties.is_empty() || !a.required.is_empty() => {
            Some(any_object(a))
        }
        _ => None,
    }
}

/// The object part of a schema openapiv3 reads as `Any`.
fn any_object(a: &openapiv3::AnySchema) -> View<'_> {
    View::Object {
        props: a
            .properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.into()))
            .collect(),
        required: &a.required,
        additional: a.additional_properties.as_ref(),
    }
}
