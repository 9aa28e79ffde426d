//! Check 1: the YAML loads, the document parses with `openapiv3` (the crate the generator uses),
//! and every `$ref` resolves inside the document.

use serde_json::{Map, Number, Value};

use super::pointer::{self, join, join_index};
use super::{Check, Problems};

/// Loads YAML text into JSON, turning non-string mapping keys (`200:`) into strings.
pub fn load_yaml(text: &str, problems: &mut Problems) -> Option<Value> {
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            problems.push(Check::Parse, "#", format!("YAML does not load{at}: {e}"));
            return None;
        }
    };
    let mut path = String::from("#");
    match yaml_to_json(yaml, &mut path) {
        Ok(v) => Some(v),
        Err((at, message)) => {
            problems.push(Check::Parse, at, message);
            None
        }
    }
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

/// Parses the YAML text with `openapiv3`; a failure is reported with the path serde reached.
pub fn check_openapiv3(text: &str, problems: &mut Problems) -> bool {
    let de = serde_yaml::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(de) {
        Ok(_) => true,
        Err(err) => {
            let mut at = String::from("#");
            for segment in err.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => at = join_index(&at, *index),
                    serde_path_to_error::Segment::Map { key } => at = join(&at, key),
                    serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
                }
            }
            let inner = err.inner();
            let line = inner
                .location()
                .map(|l| format!(" (line {} column {})", l.line(), l.column()))
                .unwrap_or_default();
            problems.push(Check::Parse, at, format!("openapiv3 cannot parse this{line}: {inner}"));
            false
        }
    }
}

/// Reports every `$ref` (in any position) that does not resolve inside the document.
/// Returns how many `$ref`s were checked.
pub fn check_refs(doc: &Value, problems: &mut Problems) -> usize {
    let mut count = 0;
    walk_refs(doc, doc, "#", problems, &mut count);
    count
}

fn walk_refs(doc: &Value, node: &Value, at: &str, problems: &mut Problems, count: &mut usize) {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                *count += 1;
                let here = join(at, "$ref");
                match reference.as_str() {
                    None => problems.push(Check::Refs, here, "$ref is not a string".to_string()),
                    Some(r) if !r.starts_with("#/") => problems.push(
                        Check::Refs,
                        here,
                        format!("$ref {r:?} points outside the document (only `#/…` refs are allowed)"),
                    ),
                    Some(r) => {
                        if pointer::resolve(doc, r).is_none() {
                            problems.push(Check::Refs, here, format!("dangling $ref {r:?}"));
                        }
                    }
                }
            }
            for (key, value) in map {
                walk_refs(doc, value, &join(at, key), problems, count);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_refs(doc, item, &join_index(at, i), problems, count);
            }
        }
        _ => {}
    }
}
