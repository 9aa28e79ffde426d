//! Schema-level extensions that change the Rust form of a type: `x-inferred` (a warning box in
//! the docs), `x-exactly-one-of` (a choice between properties) and `x-rust-type` (a type
//! defined in one of the generated crate's dependencies instead of a generated one).

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
    requiredness_rule(ext, EXACTLY_ONE_OF, pointer)
}

/// Reads a requiredness rule `{name, field, properties}` under extension `key`
/// (`x-exactly-one-of`, `x-at-least-one-of`).
pub(super) fn requiredness_rule(
    ext: &indexmap::IndexMap<String, Value>,
    key: &str,
    pointer: &str,
) -> Result<Option<ExactlyOne>> {
    let Some(v) = ext.get(key) else {
        return Ok(None);
    };
    let at = format!("{pointer}/{key}");
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
            format!(
                "{key} needs `name` (Rust type), `field` (Rust field) and two or more `properties`"
            ),
        ),
    }
}

/// The extension mapping a schema to a Rust type of one of the generated crate's dependencies.
pub(super) const RUST_TYPE: &str = "x-rust-type";

/// `x-rust-type: {crate: <package>, path: <::absolute::path>}` (typify's extension, without
/// its `version`: the version is the workspace's): the schema is that type. `path` must start
/// with the crate's name (`-` as `_`) and name a type by identifiers only; `crate` must be a
/// non-optional dependency of the generated crate (`codegen/templates/crate/manifest.toml`), so
/// the type is there whatever features are on. Returns the path.
pub(super) fn rust_type(
    ext: &indexmap::IndexMap<String, Value>,
    pointer: &str,
) -> Result<Option<String>> {
    let Some(v) = ext.get(RUST_TYPE) else {
        return Ok(None);
    };
    let at = format!("{pointer}/{RUST_TYPE}");
    let text = |key: &str| v.get(key).and_then(Value::as_str);
    let (Some(krate), Some(path)) = (text("crate"), text("path")) else {
        return err(
            &at,
            "x-rust-type needs `crate` (a dependency of the generated crate) and `path`              (`::crate_name::module::Type`)",
        );
    };
    if !generated_dependencies().any(|d| d == krate) {
        return err(
            &at,
            format!(
                "crate `{krate}` is not a non-optional dependency of the generated crate (codegen/templates/crate/manifest.toml)"
            ),
        );
    }
    let segments: Vec<&str> = path.strip_prefix("::").unwrap_or("").split("::").collect();
    let rust_name = krate.replace('-', "_");
    let identifiers = segments.iter().all(|s| {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if segments.len() < 2 || segments[0] != rust_name || !identifiers {
        return err(
            &at,
            format!("path `{path}` must be `::{rust_name}::…::Type` (identifiers only)"),
        );
    }
    phone_marker(ext, pointer, path)?;
    Ok(Some(path.to_string()))
}

/// The marker of the phone-number schema; the generator gives its fields text-accepting
/// arguments and conversions (`emit/phone.rs`).
const PHONE_MARKER: &str = "x-phone-number";

/// `x-phone-number` and an `x-rust-type` of the phone type go together: the marker states the
/// wire rule, the type enforces it, and one without the other is an error at the marker.
fn phone_marker(ext: &indexmap::IndexMap<String, Value>, pointer: &str, path: &str) -> Result<()> {
    let marked = ext.contains_key(PHONE_MARKER);
    let phone_type = path == crate::emit::PHONE_INPUT;
    if marked != phone_type {
        return err(
            &format!("{pointer}/{PHONE_MARKER}"),
            format!(
                "`{PHONE_MARKER}` goes with `x-rust-type` path `{}` and the path with the marker",
                crate::emit::PHONE_INPUT
            ),
        );
    }
    Ok(())
}

/// The packages the generated crate always depends on (its manifest template's
/// `[dependencies]` without `optional = true`).
fn generated_dependencies() -> impl Iterator<Item = &'static str> {
    include_str!("../../templates/crate/manifest.toml")
        .split("\n[")
        .find(|section| section.starts_with("dependencies]"))
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter(|line| !line.contains("optional = true") && !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split(['.', ' ', '=']).next())
        .filter(|name| !name.is_empty())
}
