//! Loading the spec: YAML text into the JSON value every command reads, with mapping keys such
//! as `200:` turned into strings (YAML allows them; JSON and the OpenAPI model do not).

use std::path::Path;

use serde_json::{Map, Number, Value};

use super::openapi::pointer::{join, join_index};

/// Reads and loads the spec at `path`; the error names the file (run `cargo xtask spec-lint` for
/// the problem's place).
pub fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    from_yaml(&text).map_err(|(at, message)| {
        format!(
            "{} does not load ({at}: {message}; run `cargo xtask spec-lint` for details)",
            path.display()
        )
    })
}

/// Loads YAML text into JSON, turning non-string mapping keys (`200:`) into strings. The error
/// is the JSON pointer of the offending place (`#` for a syntax error) and what is wrong.
pub fn from_yaml(text: &str) -> Result<Value, (String, String)> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        ("#".to_string(), format!("YAML does not load{at}: {e}"))
    })?;
    yaml_to_json(yaml, &mut String::from("#"))
}

fn yaml_to_json(value: serde_yaml::Value, at: &mut String) -> Result<Value, (String, String)> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(num) => Value::Number(num),
                    None => return Err((at.clone(), format!("number {n} has no JSON form"))),
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let mut sub = join_index(at, i);
                out.push(yaml_to_json(item, &mut sub)?);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err((at.clone(), format!("mapping key {other:?} is not a scalar")));
                    }
                };
                let mut sub = join(at, &key);
                let converted = yaml_to_json(v, &mut sub)?;
                out.insert(key, converted);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, at)?,
    })
}
