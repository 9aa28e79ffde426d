//! Request validation for the operations the sandbox answers itself (Prism validates the
//! rest): the JSON body against the operation's request schema of the spec, converted to
//! draft-7 JSON Schema by the converter spec-lint and live-check use, compiled once; a body
//! that matches no shape of a `oneOf` is explained by the closest shape, as live-check does.

use jsonschema::{ValidationError, Validator};
use serde_json::{Map, Value, json};

use crate::live_check::schema::flatten;
use crate::shared::json_schema::Converter;
use crate::shared::operations::{self, Operation};

/// The compiled request-body schema of one operation.
pub struct RequestSchema {
    validator: Validator,
}

impl RequestSchema {
    /// Compiles the `application/json` request-body schema of `op` in `doc`.
    pub fn compile(doc: &Value, op: &Operation) -> Result<RequestSchema, String> {
        let schema = operations::node(doc, op)
            .pointer("/requestBody/content/application~1json/schema")
            .ok_or_else(|| format!("`{}` has no JSON request body in the spec", op.id))?;
        let converter = Converter::new(doc);
        let root = json!({
            "definitions": converter.component_definitions(),
            "allOf": [converter.convert(schema, 0)],
        });
        let validator = jsonschema::draft7::options()
            .should_validate_formats(false)
            .build(&root)
            .map_err(|e| format!("the request schema of `{}` does not compile: {e}", op.id))?;
        Ok(RequestSchema { validator })
    }

    /// `Ok` when `body` conforms; otherwise the `errors` object of a 422 answer: JSON pointer
    /// of each offending value (`/` for the whole body) → what is wrong there.
    pub fn check(&self, body: &Value) -> Result<(), Map<String, Value>> {
        let mut errors: Map<String, Value> = Map::new();
        let top: Vec<ValidationError<'static>> = self
            .validator
            .iter_errors(body)
            .map(|e| e.to_owned())
            .collect();
        // A body matching no shape of a `oneOf` is explained by its closest shape.
        let mut closest = Vec::new();
        for error in &top {
            flatten(error, &mut closest);
        }
        for error in closest {
            let at = error.instance_path().as_str().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            let list = errors.entry(at).or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut() {
                list.push(Value::String(error.to_string()));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
