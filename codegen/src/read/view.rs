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
    Num,
    Bool,
    Object {
        props: Vec<(&'a str, SRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
    },
    Array(Option<SRef<'a>>),
    OneOf(&'a [ReferenceOr<Schema>]),
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
        SchemaKind::AllOf { .. } => View::Unsupported("allOf"),
        SchemaKind::AnyOf { .. } => View::Unsupported("anyOf"),
        SchemaKind::Not { .. } => View::Unsupported("not"),
        SchemaKind::Any(a) => {
            if !a.all_of.is_empty() {
                return View::Unsupported("allOf");
            }
            if !a.any_of.is_empty()
                && (a.properties.is_empty()
                    || !super::at_least_one::is_rule(&s.schema_data.extensions, &a.any_of))
            {
                return View::Unsupported("anyOf");
            }
            if a.not.is_some() {
                return View::Unsupported("not");
            }
            let object = || View::Object {
                props: a
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.into()))
                    .collect(),
                required: &a.required,
                additional: a.additional_properties.as_ref(),
            };
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
                Some("integer") => View::Int,
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
