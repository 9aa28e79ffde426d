//! `x-at-least-one-of: {name, field, properties}`: a body carries one, the other or both of two
//! optional properties (the reference's "required if the other is absent"). JSON Schema states
//! it as an `anyOf` of `required` lists beside the properties; the Rust form is a
//! [`TypeKind::AtLeastOne`] enum (`Alias(..)`, `Id(..)`, `AliasAndId { .. }`) flattened into
//! the body, so a body with neither cannot be built.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::extensions::{ExactlyOne, requiredness_rule};
use super::schema::Reader;
use super::{Result, err};
use crate::ir::{Field, TypeKind};

/// The extension naming two properties of which a body carries at least one.
pub(super) const AT_LEAST_ONE_OF: &str = "x-at-least-one-of";

/// True when `any_of` (beside `properties`) is the JSON Schema form of an `x-at-least-one-of`
/// rule: each variant a bare `required` list. The object is then read as an object.
pub(super) fn is_rule(
    ext: &indexmap::IndexMap<String, serde_json::Value>,
    any_of: &[ReferenceOr<Schema>],
) -> bool {
    ext.contains_key(AT_LEAST_ONE_OF) && all_bare_required(any_of)
}

/// True when every variant is a bare `required` list (no properties): a requiredness rule,
/// not a choice of shapes.
pub(super) fn all_bare_required(variants: &[ReferenceOr<Schema>]) -> bool {
    variants.iter().all(|v| match v {
        ReferenceOr::Item(v) => match &v.schema_kind {
            SchemaKind::Any(r) => r.properties.is_empty() && !r.required.is_empty(),
            SchemaKind::Type(Type::Object(o)) => o.properties.is_empty() && !o.required.is_empty(),
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    })
}

/// The rule on an object, if it has one (exactly two properties).
pub(super) fn at_least_one(
    ext: &indexmap::IndexMap<String, serde_json::Value>,
    pointer: &str,
) -> Result<Option<ExactlyOne>> {
    let Some(rule) = requiredness_rule(ext, AT_LEAST_ONE_OF, pointer)? else {
        return Ok(None);
    };
    if rule.properties.len() != 2 {
        return err(
            &format!("{pointer}/{AT_LEAST_ONE_OF}"),
            "x-at-least-one-of takes exactly two `properties` (one, the other or both)",
        );
    }
    Ok(Some(rule))
}

impl Reader<'_> {
    /// Replaces the two optional fields of an `x-at-least-one-of` rule by one required,
    /// flattened field holding a [`TypeKind::AtLeastOne`] of them.
    pub(super) fn choose_at_least_one(
        &mut self,
        fields: &mut Vec<Field>,
        rule: ExactlyOne,
        pointer: &str,
    ) -> Result<()> {
        let at = format!("{pointer}/{AT_LEAST_ONE_OF}");
        let doc = |wires: &[String]| {
            format!(
                "At least one of `{}` and `{}` (the body carries the one or both chosen).",
                wires[0], wires[1]
            )
        };
        self.replace_by_rule(fields, rule, at, doc, TypeKind::AtLeastOne)
    }
}
