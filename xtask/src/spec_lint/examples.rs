//! Check 3: every example validates against its schema.
//!
//! Every schema an example is checked against is converted from OpenAPI 3.0 to JSON Schema
//! draft 7 and gathered, together with all component schemas, into one document under
//! `definitions`; that document is compiled once. The conversion is `shared::json_schema`'s,
//! the one live-check validates real responses with.

use std::collections::BTreeMap;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value, json};

use super::oneof;
use super::walk::{self, Structure};
use super::{Check, Problems};
use crate::shared::json_schema::{COMPONENT_PREFIX, Converter};
use crate::shared::one_of::leaves;
use crate::shared::openapi;
use crate::shared::openapi::pointer::{self, join};

/// One example to validate.
struct Target<'a> {
    /// Where the example value is (errors are reported below it).
    pointer: String,
    /// Where it was reached from when that differs (a `$ref`'d named example).
    via: Option<String>,
    value: &'a Value,
    /// Key of the schema under `definitions`.
    schema_key: String,
}

/// Counts reported in the summary.
pub struct Counts {
    /// Examples validated.
    pub examples: usize,
}

/// Runs check 3.
pub fn check(doc: &Value, structure: &Structure<'_>, problems: &mut Problems) -> Counts {
    let converter = Converter::new(doc);
    let mut definitions = converter.component_definitions();
    let mut targets: Vec<Target<'_>> = Vec::new();
    let mut inline: BTreeMap<String, String> = BTreeMap::new();
    let mut schema_key =
        |schema_pointer: &str, schema: &Value, definitions: &mut Map<String, Value>| -> String {
            if let Some(key) = inline.get(schema_pointer) {
                return key.clone();
            }
            let key = format!("__example_schema_{}", inline.len());
            definitions.insert(key.clone(), converter.convert(schema, 0));
            inline.insert(schema_pointer.to_string(), key.clone());
            key
        };

    // Examples on parameters, headers and media types.
    for carrier in &structure.carriers {
        let Some(schema) = carrier.node.get("schema") else {
            if carrier.node.get("example").is_some() || carrier.node.get("examples").is_some() {
                problems.push(
                    Check::Examples,
                    carrier.pointer.clone(),
                    "has examples but no schema".to_string(),
                );
            }
            continue;
        };
        let schema_pointer = join(&carrier.pointer, "schema");
        if let Some(example) = carrier.node.get("example") {
            let key = schema_key(&schema_pointer, schema, &mut definitions);
            targets.push(Target {
                pointer: join(&carrier.pointer, "example"),
                via: None,
                value: example,
                schema_key: key,
            });
        }
        if let Some(examples) = carrier.node.get("examples").and_then(Value::as_object) {
            let base = join(&carrier.pointer, "examples");
            for (name, entry) in examples {
                let here = join(&base, name);
                let (resolved, at) = match pointer::deref(doc, entry, &here) {
                    Some(found) => found,
                    None => continue, // dangling: reported by the $ref check
                };
                let via = (at != here).then(|| here.clone());
                if let Some(value) = resolved.get("value") {
                    let key = schema_key(&schema_pointer, schema, &mut definitions);
                    targets.push(Target {
                        pointer: join(&at, "value"),
                        via,
                        value,
                        schema_key: key,
                    });
                } else if resolved.get("externalValue").is_none() {
                    problems.push(
                        Check::Examples,
                        here,
                        "named example has no `value`".to_string(),
                    );
                }
            }
        }
    }
    // `example` and `default` on any schema node; enum values must have the schema's type.
    for (schema_pointer, schema) in walk::all_schemas(structure) {
        for keyword in ["example", "default"] {
            if let Some(value) = schema.get(keyword) {
                let key = schema_key(&schema_pointer, schema, &mut definitions);
                targets.push(Target {
                    pointer: join(&schema_pointer, keyword),
                    via: None,
                    value,
                    schema_key: key,
                });
            }
        }
        check_enum_types(&schema_pointer, schema, problems);
    }

    let root = json!({ "definitions": Value::Object(definitions) });
    let map = match jsonschema::draft7::options()
        .should_validate_formats(true)
        .build_map(&root)
    {
        Ok(map) => map,
        Err(e) => {
            // `/definitions/<name>/…` is `#/components/schemas/<name>/…` or an inline schema.
            // A meta-schema failure names the place inside the schema document as its instance.
            let path = match e.instance_path().as_str() {
                "" => e.schema_path().as_str().to_string(),
                inside => inside.to_string(),
            };
            let at = path
                .strip_prefix("/definitions/")
                .map(|rest| {
                    let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
                    let base = inline
                        .iter()
                        .find(|(_, key)| key.as_str() == name)
                        .map(|(pointer, _)| pointer.clone())
                        .unwrap_or_else(|| format!("{COMPONENT_PREFIX}{name}"));
                    if tail.is_empty() {
                        base
                    } else {
                        format!("{base}/{tail}")
                    }
                })
                .unwrap_or_else(|| "#/components/schemas".to_string());
            problems.push(
                Check::Examples,
                at,
                format!(
                    "this schema does not compile as JSON Schema, so no example was checked: {e}"
                ),
            );
            return Counts { examples: 0 };
        }
    };
    let mut checked = 0;
    for target in &targets {
        let location = format!("#/definitions/{}", target.schema_key);
        let Some(validator) = map.get(&location) else {
            problems.push(
                Check::Examples,
                target.pointer.clone(),
                "its schema could not be compiled".to_string(),
            );
            continue;
        };
        checked += 1;
        for error in validator.iter_errors(target.value) {
            let at = format!("{}{}", target.pointer, error.instance_path().as_str());
            let mut message = describe(&error, &root, 0);
            if let Some(via) = &target.via {
                message.push_str(&format!(" (example used by {via})"));
            }
            problems.push(Check::Examples, at, message);
        }
    }
    let uncovered = uncovered_shapes(doc, &targets, &map);
    for (at, message) in uncovered {
        problems.push(Check::Examples, at, message);
    }
    Counts { examples: checked }
}

/// Calls `f` on `value` and every value nested in it until it returns true.
fn any_nested(value: &Value, f: &dyn Fn(&Value) -> bool) -> bool {
    f(value)
        || match value {
            Value::Array(items) => items.iter().any(|v| any_nested(v, f)),
            Value::Object(map) => map.values().any(|v| any_nested(v, f)),
            _ => false,
        }
}

/// Shapes of the multi-shape request bodies (the leaf-count table) that no request example of
/// their operation exercises: every documented shape deserves the sample the reference shows.
fn uncovered_shapes(
    doc: &Value,
    targets: &[Target<'_>],
    map: &jsonschema::ValidatorMap,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let operations = openapi::operations(doc);
    for (method, path, what, _) in oneof::LEAF_COUNTS {
        let Some(op) = operations
            .iter()
            .find(|op| op.method == method && walk::normalise_path(op.path) == path)
        else {
            continue;
        };
        let id = op
            .node
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let body_at = join(&op.pointer, "requestBody");
        let Some((body, body_at)) = op
            .node
            .get("requestBody")
            .and_then(|b| pointer::deref(doc, b, &body_at))
        else {
            continue;
        };
        for (media, node) in body
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let media_at = join(&join(&body_at, "content"), media);
            let Some(schema) = node.get("schema") else {
                continue;
            };
            let Some((at, one_of)) = oneof::find_one_of(doc, schema, &join(&media_at, "schema"))
            else {
                continue;
            };
            let prefix = join(&media_at, "example");
            let examples: Vec<&Value> = targets
                .iter()
                .filter(|t| {
                    t.pointer.starts_with(&prefix)
                        || t.via.as_deref().is_some_and(|v| v.starts_with(&prefix))
                })
                .map(|t| t.value)
                .collect();
            for (leaf_at, leaf) in leaves(doc, one_of, &at, 0) {
                let Some(name) = leaf_at
                    .strip_prefix(COMPONENT_PREFIX)
                    .filter(|n| !n.contains('/'))
                else {
                    continue;
                };
                let Some(validator) = map.get(&format!("#/definitions/{name}")) else {
                    continue;
                };
                let covered = examples
                    .iter()
                    .any(|e| any_nested(e, &|v| validator.is_valid(v)));
                if !covered {
                    let title = leaf.get("title").and_then(Value::as_str).unwrap_or(name);
                    out.push((
                        leaf_at.clone(),
                        format!("no request example of {id} ({what}) has the shape {title:?}"),
                    ));
                }
            }
        }
    }
    out
}

/// Does `value` have the OpenAPI `type`?
fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    }
}

/// Every `enum` value has the schema's `type` (a YAML `008` silently turns into the integer 8).
fn check_enum_types(at: &str, schema: &Value, problems: &mut Problems) {
    let (Some(kind), Some(values)) = (
        schema.get("type").and_then(Value::as_str),
        schema.get("enum").and_then(Value::as_array),
    ) else {
        return;
    };
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    for (i, value) in values.iter().enumerate() {
        let ok = if value.is_null() {
            nullable
        } else {
            has_type(value, kind)
        };
        if !ok {
            problems.push(
                Check::Examples,
                format!("{at}/enum/{i}"),
                format!("enum value {value} is not of type {kind}"),
            );
        }
    }
}

/// A short rendering of a JSON value for messages.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 {
        return text;
    }
    match value {
        Value::Object(_) => "the object".to_string(),
        Value::Array(_) => "the array".to_string(),
        _ => format!("{}…", text.chars().take(57).collect::<String>()),
    }
}

/// The name of the `index`-th variant of the oneOf at `schema_path` in the compiled document.
fn variant_name(root: &Value, schema_path: &str, index: usize) -> String {
    let variant = root.pointer(&format!("{schema_path}/{index}"));
    if let Some(title) = variant.and_then(|v| v.get("title")).and_then(Value::as_str) {
        return format!("{index} {title:?}");
    }
    if let Some(reference) = variant.and_then(|v| v.get("$ref")).and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let title = root
            .pointer(&format!("/definitions/{name}/title"))
            .and_then(Value::as_str)
            .map(|t| format!(" {t:?}"))
            .unwrap_or_default();
        return format!("{index} {name}{title}");
    }
    index.to_string()
}

/// Explains an error; `oneOf` failures name the variants and why each one failed.
fn describe(error: &ValidationError<'_>, root: &Value, depth: usize) -> String {
    let instance = error.instance();
    let shown = short(instance);
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } => {
            let path = error.schema_path().as_str().to_string();
            let base = error.instance_path().as_str();
            // A variant whose single-value enum/const property rejects the instance is "another
            // tag"; when some variants pass that test, only their reasons matter.
            let rejected_by_tag = |errors: &Vec<ValidationError<'static>>| {
                errors.iter().any(|e| {
                    let rel = e.instance_path().as_str().strip_prefix(base).unwrap_or("");
                    let direct = rel.matches('/').count() == 1;
                    let single = match e.kind() {
                        ValidationErrorKind::Enum { options } => {
                            options.as_array().is_some_and(|o| o.len() == 1)
                        }
                        ValidationErrorKind::Constant { .. } => true,
                        _ => false,
                    };
                    direct && single
                })
            };
            let any_tag_match = context.iter().any(|errors| !rejected_by_tag(errors));
            let tag_rejected = context
                .iter()
                .filter(|errors| rejected_by_tag(errors))
                .count();
            let mut parts = Vec::new();
            for (i, errors) in context.iter().enumerate() {
                if any_tag_match && tag_rejected > 0 && rejected_by_tag(errors) {
                    continue;
                }
                let reasons: Vec<String> = errors
                    .iter()
                    .take(3)
                    .map(|e| {
                        let at = e.instance_path().as_str();
                        let rel = at
                            .strip_prefix(error.instance_path().as_str())
                            .unwrap_or(at);
                        let inner = if depth < 2 {
                            describe(e, root, depth + 1)
                        } else {
                            e.masked().to_string()
                        };
                        if rel.is_empty() {
                            inner
                        } else {
                            format!("{rel}: {inner}")
                        }
                    })
                    .collect();
                let more = errors.len().saturating_sub(3);
                let more = if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                };
                parts.push(format!(
                    "[{}] {}{more}",
                    variant_name(root, &path, i),
                    reasons.join("; ")
                ));
            }
            let skipped = if any_tag_match && tag_rejected > 0 {
                format!(" ({tag_rejected} with another tag value not shown)")
            } else {
                String::new()
            };
            format!(
                "{shown} matches none of the {} oneOf variants{skipped}: {}",
                context.len(),
                parts.join(" | ")
            )
        }
        ValidationErrorKind::OneOfMultipleValid { context } => {
            let path = error.schema_path().as_str().to_string();
            let valid: Vec<String> = context
                .iter()
                .enumerate()
                .filter(|(_, errors)| errors.is_empty())
                .map(|(i, _)| variant_name(root, &path, i))
                .collect();
            format!(
                "{shown} matches more than one oneOf variant ({}); exactly one must match",
                valid.join(", ")
            )
        }
        _ => {
            let text = error.to_string();
            if text.chars().count() > 200 || instance.is_object() || instance.is_array() {
                error.masked_with(shown).to_string()
            } else {
                text
            }
        }
    }
}
