//! Check 1: the YAML loads, the document parses with `openapiv3` (the crate the generator uses),
//! and every `$ref` resolves inside the document.

use serde_json::Value;

use super::{Check, Problems};
use crate::shared::openapi::pointer::{self, join, join_index};
use crate::shared::spec;

/// Loads YAML text into JSON (see [`spec::from_yaml`]), reporting a failure as a parse problem.
pub fn load_yaml(text: &str, problems: &mut Problems) -> Option<Value> {
    match spec::from_yaml(text) {
        Ok(v) => Some(v),
        Err((at, message)) => {
            problems.push(Check::Parse, at, message);
            None
        }
    }
}

/// Parses the YAML text with `openapiv3`; a failure is reported at the deepest object that
/// fails on its own (serde loses the path inside `openapiv3`'s untagged enums, so the document
/// is narrowed down part by part).
pub fn check_openapiv3(text: &str, doc: Option<&Value>, problems: &mut Problems) -> bool {
    let de = serde_yaml::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(de) {
        Ok(_) => true,
        Err(err) => {
            let located = doc.and_then(|doc| locate(doc, "#", Kind::Document));
            let (at, message) = located.unwrap_or_else(|| {
                let inner = err.inner();
                let line = inner
                    .location()
                    .map(|l| format!(" (line {} column {})", l.line(), l.column()))
                    .unwrap_or_default();
                (path_pointer("#", err.path()), format!("{inner}{line}"))
            });
            problems.push(
                Check::Parse,
                at,
                format!("openapiv3 cannot parse this: {message}"),
            );
            false
        }
    }
}

fn path_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    let mut at = base.to_string();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => at = join_index(&at, *index),
            serde_path_to_error::Segment::Map { key } => at = join(&at, key),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    at
}

/// The OpenAPI object kinds `locate` knows.
#[derive(Clone, Copy)]
enum Kind {
    Document,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Example,
    Schema,
}

fn try_parse<T: serde::de::DeserializeOwned>(node: &Value, at: &str) -> Option<(String, String)> {
    serde_path_to_error::deserialize::<_, T>(node)
        .err()
        .map(|e| (path_pointer(at, e.path()), e.inner().to_string()))
}

fn parse_as(node: &Value, at: &str, kind: Kind) -> Option<(String, String)> {
    use openapiv3::ReferenceOr as R;
    match kind {
        Kind::Document => try_parse::<openapiv3::OpenAPI>(node, at),
        Kind::PathItem => try_parse::<R<openapiv3::PathItem>>(node, at),
        Kind::Operation => try_parse::<openapiv3::Operation>(node, at),
        Kind::Parameter => try_parse::<R<openapiv3::Parameter>>(node, at),
        Kind::RequestBody => try_parse::<R<openapiv3::RequestBody>>(node, at),
        Kind::Response => try_parse::<R<openapiv3::Response>>(node, at),
        Kind::MediaType => try_parse::<openapiv3::MediaType>(node, at),
        Kind::Header => try_parse::<R<openapiv3::Header>>(node, at),
        Kind::Example => try_parse::<R<openapiv3::Example>>(node, at),
        Kind::Schema => try_parse::<R<openapiv3::Schema>>(node, at),
    }
}

/// The children of an object that are themselves OpenAPI objects, with their kinds.
fn children(node: &Value, at: &str, kind: Kind) -> Vec<(String, Kind)> {
    let mut out = Vec::new();
    let mut map_of = |key: &str, child: Kind| {
        if let Some(map) = node.pointer(key).and_then(Value::as_object) {
            let base = key
                .split('/')
                .skip(1)
                .fold(at.to_string(), |p, s| join(&p, s));
            for name in map.keys() {
                out.push((join(&base, name), child));
            }
        }
    };
    match kind {
        Kind::Document => {
            map_of("/paths", Kind::PathItem);
            map_of("/components/schemas", Kind::Schema);
            map_of("/components/parameters", Kind::Parameter);
            map_of("/components/responses", Kind::Response);
            map_of("/components/requestBodies", Kind::RequestBody);
            map_of("/components/headers", Kind::Header);
            map_of("/components/examples", Kind::Example);
        }
        Kind::Operation => {
            map_of("/responses", Kind::Response);
        }
        Kind::Parameter | Kind::MediaType => {
            map_of("/content", Kind::MediaType);
            map_of("/examples", Kind::Example);
        }
        Kind::RequestBody => map_of("/content", Kind::MediaType),
        Kind::Response => {
            map_of("/content", Kind::MediaType);
            map_of("/headers", Kind::Header);
        }
        Kind::Schema => map_of("/properties", Kind::Schema),
        Kind::PathItem | Kind::Header | Kind::Example => {}
    }
    match kind {
        Kind::PathItem => {
            for method in crate::shared::openapi::METHODS {
                if node.get(method).is_some() {
                    out.push((join(at, method), Kind::Operation));
                }
            }
        }
        Kind::Operation if node.get("requestBody").is_some() => {
            out.push((join(at, "requestBody"), Kind::RequestBody));
        }
        Kind::Schema => {
            for key in ["items", "not", "additionalProperties"] {
                if node.get(key).is_some_and(Value::is_object) {
                    out.push((join(at, key), Kind::Schema));
                }
            }
            for key in ["oneOf", "anyOf", "allOf"] {
                if let Some(list) = node.get(key).and_then(Value::as_array) {
                    out.extend(
                        (0..list.len()).map(|i| (join_index(&join(at, key), i), Kind::Schema)),
                    );
                }
            }
        }
        _ => {}
    }
    if matches!(kind, Kind::PathItem | Kind::Operation)
        && let Some(list) = node.get("parameters").and_then(Value::as_array)
    {
        out.extend(
            (0..list.len()).map(|i| (join_index(&join(at, "parameters"), i), Kind::Parameter)),
        );
    }
    if matches!(kind, Kind::Parameter | Kind::MediaType | Kind::Header)
        && node.get("schema").is_some()
    {
        out.push((join(at, "schema"), Kind::Schema));
    }
    out
}

/// The deepest object below `at` that fails to parse as what it should be, with serde's error.
fn locate(doc: &Value, at: &str, kind: Kind) -> Option<(String, String)> {
    let node = pointer::resolve(doc, at)?;
    let failure = parse_as(node, at, kind)?;
    for (child_at, child_kind) in children(node, at, kind) {
        if let Some(deeper) = locate(doc, &child_at, child_kind) {
            return Some(deeper);
        }
    }
    Some(failure)
}

/// Does a plain (unquoted) YAML scalar read differently in YAML 1.1 and 1.2 parsers? Leading
/// zeros (`008`: a string to `serde_yaml`, the integer 8 to js-yaml/Redocly, octal to 1.1) and
/// the 1.1 booleans (`yes`, `no`, `on`, `off`, `y`, `n`).
fn is_ambiguous_plain(token: &str) -> bool {
    let digits = token.strip_prefix(['-', '+']).unwrap_or(token);
    let leading_zero = digits.len() > 1
        && digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    let yaml11_bool = matches!(
        token.to_ascii_lowercase().as_str(),
        "yes" | "no" | "on" | "off" | "y" | "n"
    );
    leading_zero || yaml11_bool
}

/// Reports string values that were written as ambiguous plain scalars (see
/// [`is_ambiguous_plain`]); the spec is read by parsers of both YAML versions.
pub fn check_ambiguous_scalars(text: &str, doc: &Value, problems: &mut Problems) {
    let mut plain: std::collections::BTreeMap<String, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split(" #").next().unwrap_or(line).trim();
        let mut value = code;
        while let Some(rest) = value.strip_prefix("- ") {
            value = rest.trim_start();
        }
        if let Some((_, v)) = value.split_once(": ") {
            value = v.trim();
        }
        if value.starts_with('[') || value.starts_with('{') {
            for item in value.split([',', '[', ']', '{', '}']) {
                let item = item.trim();
                let item = item.split_once(": ").map_or(item, |(_, v)| v.trim());
                if is_ambiguous_plain(item) {
                    plain.entry(item.to_string()).or_default().push(number + 1);
                }
            }
        } else if is_ambiguous_plain(value) {
            plain.entry(value.to_string()).or_default().push(number + 1);
        }
    }
    if plain.is_empty() {
        return;
    }
    fn walk(
        node: &Value,
        at: &str,
        plain: &std::collections::BTreeMap<String, Vec<usize>>,
        problems: &mut Problems,
    ) {
        match node {
            Value::String(s) if plain.contains_key(s) => {
                let lines: Vec<String> = plain[s].iter().take(5).map(usize::to_string).collect();
                problems.push(
                    Check::Parse,
                    at,
                    format!(
                        "the string {s} is written as a plain YAML scalar (line {}): serde_yaml reads \
                         a string, YAML 1.1/1.2 parsers do not (Redocly reads 008 as the integer 8, \
                         PyYAML reads yes/no/N as booleans); quote it",
                        lines.join(", ")
                    ),
                )
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &join_index(at, i), plain, problems);
                }
            }
            Value::Object(map) => {
                for (key, value) in map {
                    walk(value, &join(at, key), plain, problems);
                }
            }
            _ => {}
        }
    }
    walk(doc, "#", &plain, problems);
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
                        format!(
                            "$ref {r:?} points outside the document (only `#/…` refs are allowed)"
                        ),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_only_plain_ambiguous_scalars() {
        let text = "a:\n  - 008\n  - '009'\nb: no\nc: [1, 010, 'x']\nd: 100,000 retries\nf: 7\n";
        let mut problems = Problems::default();
        let doc = load_yaml(text, &mut problems).expect("loads");
        check_ambiguous_scalars(text, &doc, &mut problems);
        let at: Vec<&str> = problems.0.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(at, ["#/a/0", "#/b", "#/c/1"]);
    }
}
