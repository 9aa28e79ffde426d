//! Shared helpers of the REST client tests: the spec as data, JSON equivalence, and a loopback
//! HTTP server that checks every request against an expectation before answering.
#![allow(dead_code)]

pub mod contract;
pub mod ops;
pub mod sandbox;
pub mod sandbox_http;
pub mod server;
pub mod spec;
pub mod token_platform;
pub mod tracing_capture;

use serde_json::Value;

/// Compares two JSON values as the API would see them: object member order is irrelevant, a
/// member whose value is `null` is the same as an absent member, and numbers compare by value
/// (`1` == `1.0`). Returns the JSON path of the first difference.
pub fn json_equivalent(expected: &Value, actual: &Value) -> Result<(), String> {
    fn go(e: &Value, a: &Value, path: &mut String) -> Result<(), String> {
        match (e, a) {
            (Value::Object(em), Value::Object(am)) => {
                let keys: std::collections::BTreeSet<&String> = em
                    .iter()
                    .chain(am.iter())
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, _)| k)
                    .collect();
                for k in keys {
                    let ev = em.get(k).unwrap_or(&Value::Null);
                    let av = am.get(k).unwrap_or(&Value::Null);
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    go(ev, av, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Value::Array(ea), Value::Array(aa)) => {
                if ea.len() != aa.len() {
                    return Err(format!(
                        "{path}: array length {} expected, got {}",
                        ea.len(),
                        aa.len()
                    ));
                }
                for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    go(ev, av, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Value::Number(en), Value::Number(an)) => {
                let same = match (en.as_i64(), an.as_i64()) {
                    (Some(x), Some(y)) => x == y,
                    _ => en.as_f64() == an.as_f64(),
                };
                if same {
                    Ok(())
                } else {
                    Err(format!("{path}: expected {en}, got {an}"))
                }
            }
            (e, a) if e == a => Ok(()),
            (e, a) => Err(format!(
                "{}: expected {}, got {}",
                if path.is_empty() { "$" } else { path },
                short(e),
                short(a)
            )),
        }
    }
    let mut path = String::from("$");
    go(expected, actual, &mut path)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

#[test]
fn json_equivalence_rules() {
    use serde_json::json;
    assert!(json_equivalent(&json!({"a": 1, "b": null}), &json!({"a": 1.0})).is_ok());
    assert!(json_equivalent(&json!({"a": [1, 2]}), &json!({"a": [1, 2]})).is_ok());
    let e = json_equivalent(
        &json!({"a": [1, {"b": "x"}]}),
        &json!({"a": [1, {"b": "y"}]}),
    )
    .unwrap_err();
    assert!(e.starts_with("$.a[1].b:"), "{e}");
    assert!(json_equivalent(&json!({"a": "1"}), &json!({"a": 1})).is_err());
    assert!(json_equivalent(&json!({"a": 1}), &json!({"a": 1, "c": 2})).is_err());
    assert!(json_equivalent(&json!([1]), &json!([1, 2])).is_err());
}
