//! Schema-level extensions that change the Rust form of a type: `x-inferred` (a warning box in
//! the docs) and `x-exactly-one-of` (a choice between properties).

use serde_json::Value;

use super::{Result, err};
use crate::names::WARNING_OPEN;

/// The extension naming a set of properties of which a body carries exactly one.
pub(super) const EXACTLY_ONE_OF: &str = "x-exactly-one-of";

/// A description followed by the rustdoc warning box for `x-inferred: "<why>"`.
pub(super) fn doc_with_inferred(
    doc: Option<String>,
    ext: &indexmap::IndexMap<String, Value>,
    pointer: &str,
) -> Result<Option<String>> {
    let why = match ext.get("x-inferred") {
        None => return Ok(doc),
        Some(Value::String(why)) if !why.trim().is_empty() => why.trim(),
        Some(_) => {
            return err(
                &format!("{pointer}/x-inferred"),
                "x-inferred must be a non-empty string (the reason)",
            );
        }
    };
    let why = why
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let warning = format!(
        "{WARNING_OPEN}Inferred (<code>x-inferred</code>): not stated by the provider's reference. {why}</div>"
    );
    Ok(Some(match doc {
        Some(d) => format!("{d}\n\n{warning}"),
        None => warning,
    }))
}

/// `x-exactly-one-of: {name, field, properties}`: the Rust type name of the choice, the Rust
/// field that holds it, and the properties it chooses between.
pub(super) struct ExactlyOne {
    pub(super) name: String,
    pub(super) field: String,
    pub(super) properties: Vec<String>,
}

pub(super) fn exactly_one(
    ext: &indexmap::IndexMap<String, Value>,
    pointer: &str,
) -> Result<Option<ExactlyOne>> {
    let Some(v) = ext.get(EXACTLY_ONE_OF) else {
        return Ok(None);
    };
    let at = format!("{pointer}/{EXACTLY_ONE_OF}");
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let properties: Option<Vec<String>> = v.get("properties").and_then(Value::as_array).map(|l| {
        l.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    });
    match (text("name"), text("field"), properties) {
        (Some(name), Some(field), Some(properties)) if properties.len() >= 2 => {
            Ok(Some(ExactlyOne {
                name,
                field,
                properties,
            }))
        }
        _ => err(
            &at,
            "x-exactly-one-of needs `name` (Rust type), `field` (Rust field) and two or more `properties`",
        ),
    }
}
