//! Validating observed bodies against the spec's schemas and turning each validation error
//! into a difference with a suggested spec change.
//!
//! The schemas are converted to draft-7 JSON Schema by spec-lint's converter (the one that
//! checks the examples) and compiled once with the `jsonschema` crate. To see fields the spec
//! does not know, every object schema with `properties` and no `additionalProperties` is made
//! closed here (the spec itself keeps response schemas open); a `oneOf`/`anyOf` that no
//! variant matches is explained by its closest variant (the one with the fewest errors).

use std::collections::{BTreeMap, BTreeSet};

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde::Serialize;
use serde_json::{Value, json};

use crate::shared::json_schema::Converter;
use crate::shared::openapi::pointer;

const COMPONENTS: &str = "#/components/schemas/";

/// One way an observed body departs from the spec.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    /// `extra-field`, `enum-value`, `type`, `missing-field`, `content-type`, `not-json` or
    /// `schema` (any other keyword).
    pub kind: &'static str,
    /// JSON pointer into the observed body (first occurrence).
    pub pointer: String,
    /// JSON pointer of the spec schema node concerned.
    pub schema_pointer: String,
    /// What differs.
    pub message: String,
    /// The spec change that would accept what was observed.
    pub suggestion: String,
    /// How many places of the body showed this same difference (list items).
    pub count: usize,
}

/// Compiled schemas of one spec, addressed by the spec pointer of the schema.
pub struct Schemas {
    root: Value,
    map: jsonschema::ValidatorMap,
    /// definitions key → spec pointer of the original schema.
    keys: BTreeMap<String, String>,
    /// spec pointer → definitions key.
    by_pointer: BTreeMap<String, String>,
}

/// Adds `additionalProperties: false` to every object schema that lists `properties` and says
/// nothing about others.
fn close(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for value in map.values_mut() {
                close(value);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(close),
        _ => {}
    }
}

impl Schemas {
    /// Converts and compiles the component schemas of `doc` and the schemas at `pointers`
    /// (response bodies, callback bodies).
    pub fn compile(doc: &Value, pointers: &[String]) -> Result<Schemas, String> {
        let converter = Converter::new(doc);
        let mut definitions = converter.component_definitions();
        let mut keys = BTreeMap::new();
        let mut by_pointer = BTreeMap::new();
        for name in definitions.keys() {
            keys.insert(name.clone(), format!("{COMPONENTS}{name}"));
        }
        for (i, at) in pointers.iter().enumerate() {
            let Some(schema) = pointer::resolve(doc, at) else {
                continue;
            };
            let key = format!("__observed_{i}");
            definitions.insert(key.clone(), converter.convert(schema, 0));
            keys.insert(key.clone(), at.clone());
            by_pointer.insert(at.clone(), key);
        }
        let mut definitions = Value::Object(definitions);
        close(&mut definitions);
        let root = json!({ "definitions": definitions });
        let map = jsonschema::draft7::options()
            .should_validate_formats(false)
            .build_map(&root)
            .map_err(|e| format!("the spec's schemas do not compile: {e}"))?;
        Ok(Schemas {
            root,
            map,
            keys,
            by_pointer,
        })
    }

    /// The differences between `value` and the schema at spec pointer `at` (compiled before).
    pub fn check(&self, doc: &Value, at: &str, value: &Value) -> Vec<Difference> {
        let Some(validator) = self
            .by_pointer
            .get(at)
            .and_then(|key| self.map.get(&format!("#/definitions/{key}")))
        else {
            return vec![Difference {
                kind: "schema",
                pointer: String::new(),
                schema_pointer: at.to_string(),
                message: "no schema to check against".into(),
                suggestion: "give the response a schema".into(),
                count: 1,
            }];
        };
        let top: Vec<ValidationError<'static>> =
            validator.iter_errors(value).map(|e| e.to_owned()).collect();
        let mut errors = Vec::new();
        for error in &top {
            flatten(error, &mut errors);
        }
        let mut grouped: BTreeMap<(String, &'static str, String), Difference> = BTreeMap::new();
        for error in errors {
            for difference in self.describe(doc, error) {
                let key = (
                    generic(&difference.pointer),
                    difference.kind,
                    difference.message.clone(),
                );
                grouped
                    .entry(key)
                    .and_modify(|d| d.count += 1)
                    .or_insert(difference);
            }
        }
        grouped.into_values().collect()
    }

    /// Maps a schema path of the compiled document to the spec pointer it came from, with the
    /// converted node there.
    fn locate(&self, doc: &Value, schema_path: &str) -> (String, Option<&Value>) {
        let mut segments = schema_path.trim_start_matches('/').split('/').peekable();
        let mut spec = String::from("#");
        let mut node = Some(&self.root);
        let mut skip_index = false;
        while let Some(raw) = segments.next() {
            let segment = pointer::unescape(raw);
            if skip_index {
                skip_index = false;
                node = node.and_then(|n| n.get(segment.parse::<usize>().unwrap_or(usize::MAX)));
                continue;
            }
            let jump = if segment == "definitions" && spec == "#" {
                segments.next().map(str::to_string)
            } else if segment == "$ref" {
                node.and_then(|n| n.get("$ref"))
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/definitions/"))
                    .map(str::to_string)
            } else {
                None
            };
            if let Some(key) = jump {
                node = self
                    .root
                    .pointer(&format!("/definitions/{}", pointer::escape(&key)));
                spec = self.keys.get(&key).cloned().unwrap_or_default();
                continue;
            }
            node = match node {
                Some(Value::Object(map)) => map.get(&segment),
                Some(Value::Array(list)) => segment.parse::<usize>().ok().and_then(|i| list.get(i)),
                _ => None,
            };
            let original = pointer::resolve(doc, &spec);
            if segment == "anyOf" && original.is_some_and(|o| o.get("anyOf").is_none()) {
                if original.is_some_and(|o| o.get("oneOf").is_some()) {
                    spec = pointer::join(&spec, "oneOf");
                } else {
                    // The wrapper a `nullable` schema became: not in the spec.
                    skip_index = true;
                }
                continue;
            }
            spec = pointer::join(&spec, &segment);
        }
        (spec, node)
    }

    fn describe(&self, doc: &Value, error: &ValidationError<'static>) -> Vec<Difference> {
        let at = error.instance_path().as_str().to_string();
        let (schema_at, node) = self.locate(doc, error.schema_path().as_str());
        let parent = schema_at
            .rsplit_once('/')
            .map_or(schema_at.clone(), |(p, _)| p.to_string());
        let instance = error.instance();
        let one = |kind, pointer: String, schema_pointer: String, message, suggestion| Difference {
            kind,
            pointer,
            schema_pointer,
            message,
            suggestion,
            count: 1,
        };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .map(|name| {
                    let value = instance.get(name).unwrap_or(&Value::Null);
                    let kind = json_type(value);
                    one(
                        "extra-field",
                        format!("{at}/{}", pointer::escape(name)),
                        pointer::join(&parent, "properties"),
                        format!("field `{name}` is not in the spec (observed: {kind})"),
                        format!(
                            "add property `{name}` with `type: {kind}` under {}",
                            pointer::join(&parent, "properties")
                        ),
                    )
                })
                .collect(),
            ValidationErrorKind::Enum { options } => vec![one(
                "enum-value",
                at,
                schema_at.clone(),
                format!("value {} is outside the enum {}", short(instance), options),
                format!("add {} to the enum at {schema_at}", short(instance)),
            )],
            ValidationErrorKind::Type { .. } => {
                let expected = node.map_or("?".to_string(), |n| n.to_string());
                let observed = json_type(instance);
                vec![one(
                    "type",
                    at,
                    parent.clone(),
                    format!("type differs: the spec says {expected}, observed {observed}"),
                    format!("change the type at {parent} to `{observed}` (or accept both)"),
                )]
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_string();
                vec![one(
                    "missing-field",
                    format!("{at}/{}", pointer::escape(&name)),
                    schema_at.clone(),
                    format!("required field `{name}` is never present"),
                    format!("remove `{name}` from `required` at {schema_at} (make it optional)"),
                )]
            }
            _ => vec![one(
                "schema",
                at,
                schema_at,
                error.masked().to_string(),
                "relax or correct the keyword named in the pointer".into(),
            )],
        }
    }
}

/// Replaces `oneOf`/`anyOf` failures by the errors of their closest variant.
pub(crate) fn flatten<'e>(
    error: &'e ValidationError<'static>,
    out: &mut Vec<&'e ValidationError<'static>>,
) {
    let context = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
        }
        _ => {
            out.push(error);
            return;
        }
    };
    match context.iter().min_by_key(|errors| errors.len()) {
        Some(best) if !best.is_empty() => best.iter().for_each(|e| flatten(e, out)),
        _ => out.push(error),
    }
}

/// `/data/3/name` → `/data/*/name`: list items showing the same difference are one difference.
fn generic(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|s| if s.parse::<usize>().is_ok() { "*" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The JSON Schema type name of a value (`integer` for whole numbers).
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

/// Which properties of which object schemas the observed bodies carried: after every call, the
/// properties of a reached schema that no body had are the fields "never present".
#[derive(Default)]
pub struct Presence {
    /// Object schema pointer → property names seen.
    seen: BTreeMap<String, BTreeSet<String>>,
}

impl Presence {
    /// Walks `value` along the spec schema at pointer `at` (following `$ref`s, the closest
    /// `oneOf`/`anyOf` variant, `items` and `properties`).
    pub fn observe(&mut self, doc: &Value, at: &str, value: &Value) {
        if let Some(schema) = pointer::resolve(doc, at) {
            self.walk(doc, schema, at.to_string(), value, 0);
        }
    }

    fn walk(&mut self, doc: &Value, schema: &Value, at: String, value: &Value, depth: usize) {
        if depth > 64 {
            return;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = pointer::resolve(doc, reference) {
                self.walk(doc, target, reference.to_string(), value, depth + 1);
            }
            return;
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(keyword).and_then(Value::as_array) {
                let best = variants
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, v)| overlap(doc, v, value));
                if let Some((i, variant)) = best {
                    let here = format!("{at}/{keyword}/{i}");
                    self.walk(doc, variant, here, value, depth + 1);
                }
                return;
            }
        }
        match value {
            Value::Object(map) => {
                let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                let seen = self.seen.entry(at.clone()).or_default();
                seen.extend(map.keys().filter(|k| properties.contains_key(*k)).cloned());
                for (key, item) in map {
                    if let Some(property) = properties.get(key) {
                        let here = format!("{at}/properties/{}", pointer::escape(key));
                        self.walk(doc, property, here, item, depth + 1);
                    }
                }
            }
            Value::Array(list) => {
                if let Some(items) = schema.get("items") {
                    for item in list {
                        self.walk(doc, items, format!("{at}/items"), item, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Pointers of the properties of every reached object schema that no body carried.
    pub fn never_present(&self, doc: &Value) -> Vec<String> {
        let mut out = Vec::new();
        for (at, seen) in &self.seen {
            let properties = pointer::resolve(doc, at)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object);
            for name in properties.into_iter().flat_map(|p| p.keys()) {
                if !seen.contains(name) {
                    out.push(format!("{at}/properties/{}", pointer::escape(name)));
                }
            }
        }
        out
    }
}

/// How well `value` fits a variant: shared property names for objects, 1 for a matching type.
fn overlap(doc: &Value, variant: &Value, value: &Value) -> usize {
    let variant = match variant.get("$ref").and_then(Value::as_str) {
        Some(reference) => pointer::resolve(doc, reference).unwrap_or(variant),
        None => variant,
    };
    match (value, variant.get("properties").and_then(Value::as_object)) {
        (Value::Object(map), Some(properties)) => {
            1 + map.keys().filter(|k| properties.contains_key(*k)).count()
        }
        _ => usize::from(variant.get("type").and_then(Value::as_str) == Some(json_type(value))),
    }
}
