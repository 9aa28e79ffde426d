//! Support code shared by the generated modules: oneOf decoding that reports every shape it
//! tried, and small body/query helpers. (String enums that keep unknown values are the
//! runtime's `qikberry_runtime::open_enum!`.)
#![allow(dead_code)]

use serde_json::Value;

use crate::multipart::Part;
use crate::request::Request;

/// One shape a oneOf value can take.
pub(crate) struct Candidate<T> {
    /// Variant name, for messages.
    pub name: &'static str,
    /// Alternative signatures: all `(field, value)` pairs of one signature must be present.
    pub sigs: &'static [&'static [(&'static str, &'static str)]],
    /// Known field names (untagged oneOfs prefer the shape that knows most of the input's keys).
    pub fields: &'static [&'static str],
    /// Decodes the value as this shape.
    pub de: fn(Value) -> Result<T, serde_json::Error>,
}

/// Decodes a oneOf: by signature (discriminator / single-value enum fields), or, when
/// `untagged`, by trying every shape. Falls back to `unknown` when given.
pub(crate) fn one_of<'de, D: serde::Deserializer<'de>, T: serde::Serialize>(
    d: D,
    ty: &str,
    untagged: bool,
    cands: &[Candidate<T>],
    unknown: Option<fn(Value) -> T>,
) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(d)?;
    pick(value, ty, untagged, cands, unknown).map_err(serde::de::Error::custom)
}

/// The `Unknown` fallback of a response oneOf: reported as drift, kept as raw JSON.
fn unknown_shape<T>(ty: &str, value: Value, unknown: fn(Value) -> T) -> Result<T, String> {
    crate::drift::note(|| crate::drift::DriftKind::UnknownShape { type_name: ty.to_owned() })?;
    Ok(unknown(value))
}

fn pick<T: serde::Serialize>(
    value: Value,
    ty: &str,
    untagged: bool,
    cands: &[Candidate<T>],
    unknown: Option<fn(Value) -> T>,
) -> Result<T, String> {
    if !untagged {
        let mut best: Option<(usize, &Candidate<T>)> = None;
        for c in cands {
            for sig in c.sigs {
                let hit = sig.iter().all(|(k, v)| value.get(k).and_then(Value::as_str) == Some(*v));
                if hit && best.is_none_or(|(n, _)| sig.len() > n) {
                    best = Some((sig.len(), c));
                }
            }
        }
        return match (best, unknown) {
            (Some((_, c)), _) => (c.de)(value).map_err(|e| format!("{ty} (as `{}`): {e}", c.name)),
            (None, Some(u)) => unknown_shape(ty, value, u),
            (None, None) => {
                let expected: Vec<String> = cands
                    .iter()
                    .flat_map(|c| {
                        c.sigs.iter().map(move |s| {
                            let pairs: Vec<String> = s.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
                            format!("`{}` ({})", c.name, pairs.join(", "))
                        })
                    })
                    .collect();
                Err(format!("{ty}: no shape matches; expected one of: {}", expected.join("; ")))
            }
        };
    }
    // Several shapes may accept the same value (a shape ignores keys it does not know, at any
    // depth). Prefer the shape that keeps the most of the input when encoded back (counted over
    // every leaf, so a nested field a shape would drop counts against it), then the one that
    // knows most of the top-level keys, then spec order. The encoding back is only paid for when
    // more than one shape accepts the value.
    let mut tried = Vec::new();
    let mut accepted: Vec<(&Candidate<T>, T)> = Vec::new();
    for c in cands {
        match (c.de)(value.clone()) {
            Ok(v) => accepted.push((c, v)),
            Err(e) => tried.push(format!("`{}`: {e}", c.name)),
        }
    }
    let contested = accepted.len() > 1;
    let mut best: Option<((usize, usize), T)> = None;
    for (c, v) in accepted {
        let kept = if contested { serde_json::to_value(&v).map_or(0, |back| kept_leaves(&value, &back)) } else { 0 };
        let known = value.as_object().map_or(0, |o| o.keys().filter(|k| c.fields.contains(&k.as_str())).count());
        let score = (kept, known);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, v));
        }
    }
    match (best, unknown) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(u)) => unknown_shape(ty, value, u),
        (None, None) => Err(format!("{ty}: the value matches none of its shapes; tried {}", tried.join("; "))),
    }
}

/// How many leaves of `input` survive unchanged in `back` (the decoded value encoded again).
fn kept_leaves(input: &Value, back: &Value) -> usize {
    match (input, back) {
        (Value::Object(a), Value::Object(b)) => {
            a.iter().map(|(k, v)| b.get(k).map_or(0, |w| kept_leaves(v, w))).sum()
        }
        (Value::Array(a), Value::Array(b)) => a.iter().zip(b).map(|(v, w)| kept_leaves(v, w)).sum(),
        (a, b) => usize::from(a == b),
    }
}

/// Flattens a JSON object into `application/x-www-form-urlencoded` fields (nulls dropped,
/// nested values JSON-encoded).
pub(crate) fn form_fields(value: Value) -> Result<Vec<(String, String)>, crate::Error> {
    match value {
        Value::Object(map) => Ok(map
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::Null => None,
                Value::String(s) => Some((k, s)),
                other => Some((k, other.to_string())),
            })
            .collect()),
        _ => Err(crate::Error::Encode { message: "a form body must be a JSON object".into() }),
    }
}

/// Adds a text part when `value` is present.
pub(crate) fn text_part(parts: &mut Vec<(String, Part)>, name: &str, value: Option<&impl ToString>) {
    if let Some(v) = value {
        parts.push((name.to_string(), Part::Text(v.to_string())));
    }
}

/// Adds a file part when `file` is present.
pub(crate) fn file_part(parts: &mut Vec<(String, Part)>, name: &str, file: Option<crate::multipart::FilePart>) {
    if let Some(f) = file {
        parts.push((name.to_string(), Part::File(f)));
    }
}

/// Adds one text part per element.
pub(crate) fn text_parts<T: ToString>(parts: &mut Vec<(String, Part)>, name: &str, values: Option<&[T]>) {
    for v in values.unwrap_or_default() {
        parts.push((name.to_string(), Part::Text(v.to_string())));
    }
}

/// Adds one query pair per element (`Request::query_each`).
pub(crate) trait QueryEach {
    /// Adds `name=value` once per element.
    fn query_each<T: ToString>(self, name: &'static str, values: Option<&[T]>) -> Self;
}

impl QueryEach for Request {
    fn query_each<T: ToString>(mut self, name: &'static str, values: Option<&[T]>) -> Self {
        for v in values.unwrap_or_default() {
            self = self.query(name, v.to_string());
        }
        self
    }
}

/// A page number from the envelope, if it is a sensible one.
pub(crate) fn page_no(v: Option<i64>) -> Option<u64> {
    v.and_then(|v| u64::try_from(v).ok())
}
