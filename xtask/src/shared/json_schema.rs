//! OpenAPI 3.0 schemas as draft-7 JSON Schema, so examples (spec-lint) and real responses
//! (live-check) are validated the same way. `nullable: true` adds `null`;
//! `#/components/schemas/X` refs become `#/definitions/X` (other refs are inlined);
//! `discriminator`, `example`, `x-*` and other annotations are dropped; `format: binary` accepts
//! anything; the boolean `exclusiveMinimum`/`exclusiveMaximum` of 3.0 become the numeric form;
//! a `oneOf` stays a `oneOf` (exactly one variant must match) unless it is marked
//! `x-untagged: true` or `x-lenient-scalar: true` and has neither a discriminator nor a
//! single-value enum property per variant: there the first match wins (so `anyOf`).

use serde_json::{Map, Value, json};

use super::one_of;
use super::openapi::pointer;

/// Where component schemas live; their references become `#/definitions/<name>`.
pub(crate) const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Converts OpenAPI 3.0 schemas into draft-7 JSON Schema (spec-lint validates the examples with
/// it, live-check the real responses).
pub(crate) struct Converter<'a> {
    doc: &'a Value,
}

impl<'a> Converter<'a> {
    /// A converter for schemas of `doc`.
    pub(crate) fn new(doc: &'a Value) -> Self {
        Converter { doc }
    }

    /// Every component schema of the document, converted, keyed by name (the `definitions` a
    /// converted `#/components/schemas/X` reference points into).
    pub(crate) fn component_definitions(&self) -> Map<String, Value> {
        let mut definitions = Map::new();
        if let Some(schemas) = self
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in schemas {
                definitions.insert(name.clone(), self.convert(schema, 0));
            }
        }
        definitions
    }

    /// `schema` converted to draft 7; component references become `#/definitions/<name>`.
    pub(crate) fn convert(&self, schema: &Value, depth: usize) -> Value {
        let Some(map) = schema.as_object() else {
            // `true`/`false` or junk: keep booleans, accept anything otherwise.
            return if schema.is_boolean() {
                schema.clone()
            } else {
                json!({})
            };
        };
        if depth > 64 {
            return json!({});
        }
        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let converted = match reference.strip_prefix(COMPONENT_PREFIX) {
                Some(name) if !name.contains('/') => {
                    json!({ "$ref": format!("#/definitions/{name}") })
                }
                _ => match pointer::resolve(self.doc, reference) {
                    Some(target) => self.convert(target, depth + 1),
                    // Dangling: reported by the $ref check; accept anything here.
                    None => json!({}),
                },
            };
            return if nullable {
                json!({ "anyOf": [converted, {"type": "null"}] })
            } else {
                converted
            };
        }
        if map.get("format").and_then(Value::as_str) == Some("binary") {
            return json!({});
        }
        let mut out = Map::new();
        for (key, value) in map {
            self.keyword(schema, map, key, value, depth, &mut out);
        }
        if nullable {
            if let Some(t) = out.get("type").and_then(Value::as_str).map(str::to_string) {
                out.insert("type".into(), json!([t, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
            } else {
                return json!({ "anyOf": [Value::Object(out), {"type": "null"}] });
            }
        }
        Value::Object(out)
    }

    /// Converts one keyword of the object schema `schema` (whose map is `map`) into `out`;
    /// annotations are dropped.
    fn keyword(
        &self,
        schema: &Value,
        map: &Map<String, Value>,
        key: &str,
        value: &Value,
        depth: usize,
        out: &mut Map<String, Value>,
    ) {
        match key {
            "properties" => {
                let props: Map<String, Value> = value
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), self.convert(v, depth + 1)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.to_string(), Value::Object(props));
            }
            "items" | "not" => {
                out.insert(key.to_string(), self.convert(value, depth + 1));
            }
            "additionalProperties" => {
                let converted = if value.is_boolean() {
                    value.clone()
                } else {
                    self.convert(value, depth + 1)
                };
                out.insert(key.to_string(), converted);
            }
            "oneOf" | "anyOf" | "allOf" => {
                let list: Vec<Value> = value
                    .as_array()
                    .map(|l| l.iter().map(|v| self.convert(v, depth + 1)).collect())
                    .unwrap_or_default();
                let keyword = if key == "oneOf"
                    && (one_of::is_untagged(schema) || one_of::is_lenient_scalar(schema))
                    && !one_of::is_tagged(self.doc, schema)
                {
                    "anyOf"
                } else {
                    key
                };
                out.insert(keyword.to_string(), Value::Array(list));
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                if value.as_bool() == Some(true) {
                    let bound = if key == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    if let Some(limit) = map.get(bound) {
                        out.insert(key.to_string(), limit.clone());
                    }
                } else if value.is_number() {
                    out.insert(key.to_string(), value.clone());
                }
            }
            "minimum" | "maximum" => {
                let exclusive = if key == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                if map.get(exclusive).and_then(Value::as_bool) != Some(true) {
                    out.insert(key.to_string(), value.clone());
                }
            }
            "type" | "enum" | "format" | "required" | "minLength" | "maxLength" | "pattern"
            | "minItems" | "maxItems" | "uniqueItems" | "minProperties" | "maxProperties"
            | "multipleOf" | "title" => {
                out.insert(key.to_string(), value.clone());
            }
            // nullable (handled below), discriminator, example, description, default,
            // readOnly, writeOnly, deprecated, xml, externalDocs and x-* are annotations.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_nullable_refs_and_untagged() {
        let doc = json!({"components": {"schemas": {"A": {"type": "string"}}}});
        let c = Converter::new(&doc);
        assert_eq!(
            c.convert(
                &json!({"type": "string", "nullable": true, "enum": ["a"]}),
                0
            ),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            c.convert(&json!({"$ref": "#/components/schemas/A"}), 0),
            json!({"$ref": "#/definitions/A"})
        );
        // Untagged: the first match wins.
        assert_eq!(
            c.convert(
                &json!({"oneOf": [{"type": "string"}], "x-untagged": true}),
                0
            ),
            json!({"anyOf": [{"type": "string"}]})
        );
        // A discriminator (dropped from the output) keeps "exactly one" even when marked untagged.
        assert_eq!(
            c.convert(
                &json!({"oneOf": [{"type": "string"}], "x-untagged": true, "discriminator": {}}),
                0
            ),
            json!({"oneOf": [{"type": "string"}]})
        );
        assert_eq!(
            c.convert(&json!({"type": "string", "format": "binary"}), 0),
            json!({})
        );
        assert_eq!(
            c.convert(
                &json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}),
                0
            ),
            json!({"type": "integer", "exclusiveMinimum": 1})
        );
    }
}
