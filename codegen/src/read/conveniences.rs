//! Methods generated beside a model's `new` and setters, decided by the spec:
//!
//! - `x-predicates: [{name, field, values, description}]` on an object schema: a documented
//!   `pub fn <name>(&self) -> bool`, true when the string-enum property `field` holds one of
//!   `values` (wire values). For answers whose HTTP status says nothing, such as an OTP check
//!   that answers 200 for a wrong code.
//! - a required array property with `maxItems: 1` that is the model's only constructor argument:
//!   `pub fn with_<item>(item) -> Self` (`channels` → `with_channel`; a name not ending in `s`
//!   gives `with_one_<name>`), so "exactly one channel" is built from the channel itself.
//!
//! Only component schemas are read; the result is sorted by type name, so it does not depend on
//! the order of a JSON map.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Result, err};
use crate::ir::{Api, Convenience, Field, Ty, TypeKind};
use crate::names::{pascal, snake};
use crate::pointer::escape;

/// The extension declaring boolean accessors of a model.
const PREDICATES: &str = "x-predicates";

/// Every convenience of every component schema, by the Rust name of its struct.
pub(super) fn read(doc: &Value, api: &Api) -> Result<BTreeMap<String, Vec<Convenience>>> {
    let mut out: BTreeMap<String, Vec<Convenience>> = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(out);
    };
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    for name in names {
        let pointer = format!("/components/schemas/{}", escape(name));
        let rust = pascal(name);
        let Some(TypeKind::Struct(fields)) = api.types.get(&rust).map(|t| &t.kind) else {
            if schemas[name].get(PREDICATES).is_some() {
                return err(
                    &format!("{pointer}/{PREDICATES}"),
                    "x-predicates is only read on object schemas with properties",
                );
            }
            continue;
        };
        let mut found = predicates(&schemas[name], fields, api, &pointer)?;
        found.extend(single_item(&schemas[name], fields));
        check_names(&found, fields, &pointer)?;
        if !found.is_empty() {
            out.insert(rust, found);
        }
    }
    Ok(out)
}

/// The `x-predicates` of one object schema.
fn predicates(
    schema: &Value,
    fields: &[Field],
    api: &Api,
    pointer: &str,
) -> Result<Vec<Convenience>> {
    let Some(list) = schema.get(PREDICATES) else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return err(
            &format!("{pointer}/{PREDICATES}"),
            "x-predicates must be a list of {name, field, values, description}",
        );
    };
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        out.push(predicate(
            p,
            fields,
            api,
            &format!("{pointer}/{PREDICATES}/{i}"),
        )?);
    }
    Ok(out)
}

fn predicate(p: &Value, fields: &[Field], api: &Api, at: &str) -> Result<Convenience> {
    let text = |key: &str| {
        p.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let (Some(name), Some(wire), Some(doc)) = (text("name"), text("field"), text("description"))
    else {
        return err(
            at,
            "a predicate needs `name`, `field` and `description` (non-empty strings) and `values`",
        );
    };
    if snake(name) != name {
        return err(
            &format!("{at}/name"),
            format!("`{name}` is not a snake_case method name"),
        );
    }
    let Some(field) = fields.iter().find(|f| f.wire == wire) else {
        return err(
            &format!("{at}/field"),
            format!("`{wire}` is not a property of this object"),
        );
    };
    let enum_values = match &field.ty {
        Ty::Named(n) => match api.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(values)) => Some((n, values)),
            _ => None,
        },
        _ => None,
    };
    let Some((enum_type, values)) = enum_values else {
        return err(
            &format!("{at}/field"),
            format!("`{wire}` is not a string enum, so it cannot be compared with values"),
        );
    };
    let wanted = p.get("values").and_then(Value::as_array);
    let Some(wanted) = wanted.filter(|w| !w.is_empty()) else {
        return err(
            &format!("{at}/values"),
            "values must be a non-empty list of the enum's wire values",
        );
    };
    let mut variants = Vec::new();
    for (j, w) in wanted.iter().enumerate() {
        let variant = values
            .iter()
            .find(|(_, wire)| Some(wire.as_str()) == w.as_str())
            .map(|(v, _)| v.clone());
        let Some(variant) = variant else {
            return err(
                &format!("{at}/values/{j}"),
                format!("{w} is not a value of `{wire}`'s enum"),
            );
        };
        variants.push(variant);
    }
    Ok(Convenience::Predicate {
        name: name.to_string(),
        doc: doc.to_string(),
        field: field.rust.clone(),
        optional: !field.required || field.nullable,
        enum_type: enum_type.clone(),
        variants,
    })
}

/// The single-item constructor, when the model's only constructor argument is an array of at
/// most one item.
fn single_item(schema: &Value, fields: &[Field]) -> Option<Convenience> {
    let mut args = fields.iter().filter(|f| f.required && f.single.is_none());
    let (field, None) = (args.next()?, args.next()) else {
        return None;
    };
    let property = schema.get("properties")?.get(&field.wire)?;
    if property.get("maxItems").and_then(Value::as_u64) != Some(1) {
        return None;
    }
    let Ty::Vec(item) = &field.ty else {
        return None;
    };
    let name = match field.rust.strip_suffix('s') {
        Some(singular) if !singular.is_empty() => format!("with_{singular}"),
        _ => format!("with_one_{}", field.rust),
    };
    Some(Convenience::SingleItem {
        name,
        wire: field.wire.clone(),
        item: (**item).clone(),
    })
}

/// A generated method may not take the name of `new`, of a setter (a field's name) or of another
/// generated method.
fn check_names(found: &[Convenience], fields: &[Field], pointer: &str) -> Result<()> {
    let mut seen: Vec<&str> = vec!["new"];
    seen.extend(fields.iter().map(|f| f.rust.as_str()));
    for c in found {
        let name = match c {
            Convenience::Predicate { name, .. } | Convenience::SingleItem { name, .. } => name,
        };
        if seen.contains(&name.as_str()) {
            return err(
                pointer,
                format!(
                    "name collision: the generated method `{name}` is already a method or field of this model"
                ),
            );
        }
        seen.push(name);
    }
    Ok(())
}
