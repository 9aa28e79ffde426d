//! `cargo xtask live-check`: call every read-only operation of the spec against a real account
//! and report where the API departs from the spec.
//!
//! Read-only means a GET whose repetition has no effect: a GET with `x-idempotent: true`, as the
//! generator reads it (`qikberry_codegen::operation_facts`; spec-lint requires the extension on
//! every operation, and the GETs that check or cancel an OTP or mint or refresh a token say
//! `false`). Calls are spaced by the operation's
//! `x-rate-limit` (default: the documented 1000 GET per minute). Path parameters come from
//! the first item of the matching list call (`/sms/senders` → `{sender_id}`), else from the
//! parameter's example; required query parameters from their example, default or first enum
//! value.
//!
//! Each response is checked for status, content type and body (JSON Schema of the spec,
//! compiled by [`schema`]); the report gives per operation: path confirmed (2xx), path wrong
//! (404/405 with ids from a list call, or without path parameters), unauthorized (401/403),
//! and every schema difference with its JSON pointer and a suggested spec change; after all
//! calls, the properties of every schema reached that no body carried are listed as "never
//! present" (informational: a list page may simply not show an optional field). Inferred
//! paths (`x-path-inferred`) that answered 2xx are listed as confirmable. Exit status: 0 no
//! drift, 1 drift, 2 no drift seen but some operation could not be checked.
//!
//! `--webhooks DIR` checks recorded webhook deliveries instead ([`webhooks`]).

mod redact;
mod report;
pub(crate) mod schema;
mod webhooks;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::shared::openapi::pointer;
use crate::shared::operations::{self, Operation};
use crate::shared::spec;
use crate::shared::workspace;
use qikberry_codegen::RateLimit;
use redact::Redactor;
use schema::{Difference, Presence, Schemas};

const USAGE: &str = "\
QIKBERRY_TOKEN=… cargo xtask live-check [--host HOST] [--only PRODUCT] [--format markdown|json]
                       [--record DIR] [--spec FILE]
cargo xtask live-check --webhooks DIR [--format markdown|json] [--spec FILE]

  QIKBERRY_TOKEN  the API token (read from the environment; `--token TOKEN` also works but puts
              the token on the command line, visible in `ps` and shell history)
  --host      API host (default alerts.qikberry.com), or an origin such as http://127.0.0.1:4010
              (or QIKBERRY_HOST)
  --only      only the operations of this product (tag), e.g. sms
  --record    write each observed response to DIR/<operationId>.json, redacted: only
              allow-listed fields (status, code, type, counts, ...) keep their value
  --webhooks  validate recorded webhook deliveries (DIR/*.json) against the callback schemas
  --format    markdown (default) or json (stable field names)
  --spec      the spec to check against (default spec/qikberry.yaml)
";

/// Parsed command line.
struct Options {
    token: Option<String>,
    host: String,
    only: Option<String>,
    json: bool,
    record: Option<PathBuf>,
    webhooks: Option<PathBuf>,
    spec: PathBuf,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let mut o = Options {
        token: env("QIKBERRY_TOKEN"),
        host: env("QIKBERRY_HOST").unwrap_or_else(|| "alerts.qikberry.com".into()),
        only: None,
        json: false,
        record: None,
        webhooks: None,
        spec: workspace::spec_path(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--token" => o.token = Some(value()?),
            "--host" => o.host = value()?,
            "--only" => o.only = Some(value()?),
            "--record" => o.record = Some(PathBuf::from(value()?)),
            "--webhooks" => o.webhooks = Some(PathBuf::from(value()?)),
            "--spec" => o.spec = PathBuf::from(value()?),
            "--format" => {
                o.json = match value()?.as_str() {
                    "json" => true,
                    "markdown" => false,
                    other => return Err(format!("unknown format `{other}` (markdown or json)")),
                }
            }
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(o)
}

/// What happened to one operation.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// 2xx: the path exists.
    Confirmed,
    /// 404/405 where the path itself must be at fault.
    PathWrong,
    /// 404 for an id taken from the spec's example: the path may still be right.
    NotFoundWithExampleId,
    /// 401/403.
    Unauthorized,
    /// Any other status, or no answer.
    Failed,
    /// Not called (no value for a required parameter).
    Skipped,
}

/// The result for one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// `operationId`.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The path actually requested (with the base path).
    pub requested: String,
    /// Status received.
    pub status: Option<u16>,
    /// Outcome.
    pub outcome: Outcome,
    /// The spec marks the path as inferred.
    pub path_inferred: bool,
    /// Schema and content-type differences.
    pub differences: Vec<Difference>,
    /// Extra explanation (why skipped, transport error, …).
    pub note: Option<String>,
}

impl Checked {
    /// Whether this result means the spec is wrong.
    pub fn drifted(&self) -> bool {
        self.outcome == Outcome::PathWrong || !self.differences.is_empty()
    }
}

/// Runs the task.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let options = parse_args(args)?;
    let doc = spec::load(&options.spec)?;
    if let Some(dir) = &options.webhooks {
        let results = webhooks::check_dir(&doc, dir)?;
        let drift = results
            .iter()
            .any(|r| !r.differences.is_empty() || r.callback.is_none());
        print!("{}", report::webhooks(&results, options.json));
        return Ok(if drift {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let token = options
        .token
        .clone()
        .ok_or_else(|| format!("no token: pass --token or set QIKBERRY_TOKEN\n{USAGE}"))?;
    let mut ops: Vec<Operation> = operations::facts(&doc)?
        .into_iter()
        .filter(Operation::is_harmless_read)
        .filter(|op| options.only.as_ref().is_none_or(|p| &op.tag == p))
        .collect();
    if ops.is_empty() {
        return Err("no read-only operation selected (check --only)".into());
    }
    // Lists before the items they give ids to.
    ops.sort_by_key(|op| op.path.matches('{').count());
    let pointers: Vec<String> = ops
        .iter()
        .flat_map(|op| response_schemas(&doc, op))
        .map(|(_, at)| at)
        .collect();
    let schemas = Schemas::compile(&doc, &pointers)?;
    let origin = origin(&options.host);
    let redactor = Redactor::new(&doc, [token.clone()]);
    if let Some(dir) = &options.record {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut presence = Presence::default();
    let mut results = Vec::new();
    let mut last_call: Option<Instant> = None;
    for op in &ops {
        let Some((requested, example_ids)) = request_path(&doc, op, &ids) else {
            results.push(skipped(op, "no value for a required parameter"));
            continue;
        };
        let interval = interval(op);
        if let Some(at) = last_call {
            let since = at.elapsed();
            if since < interval {
                std::thread::sleep(interval - since);
            }
        }
        last_call = Some(Instant::now());
        let url = format!("{origin}{requested}");
        let call = Call {
            agent: &agent,
            token: &token,
            url: &url,
            redactor: &redactor,
        };
        let result = check_one(&doc, &schemas, op, &requested, example_ids, call);
        let (checked, observed) = result;
        if let Some((schema_at, body)) = &observed {
            presence.observe(&doc, schema_at, body);
            if let Some(id) = first_item_id(body) {
                ids.insert(requested.split('?').next().unwrap_or("").to_string(), id);
            }
            if let Some(dir) = &options.record {
                record(dir, &redactor, &checked, body)?;
            }
        }
        eprintln!(
            "live-check: {} {} -> {} ({:?})",
            op.method,
            requested,
            checked.status.map_or("-".into(), |s| s.to_string()),
            checked.outcome
        );
        results.push(checked);
    }
    let never_present = presence.never_present(&doc);
    print!(
        "{}",
        report::operations(&origin, &results, &never_present, options.json)
    );
    let drift = results.iter().any(Checked::drifted);
    let unchecked = results
        .iter()
        .any(|r| !matches!(r.outcome, Outcome::Confirmed));
    Ok(if drift {
        ExitCode::from(1)
    } else if unchecked {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `https://host` for a bare host, the origin itself when a scheme is given.
fn origin(host: &str) -> String {
    let host = host.trim_end_matches('/');
    if host.contains("://") {
        host.to_string()
    } else {
        format!("https://{host}")
    }
}

/// The rate limit of an operation without `x-rate-limit`: the documented 1000 GETs per minute.
static DEFAULT_RATE: RateLimit = RateLimit {
    requests: 1000,
    per_seconds: 60,
    scope: String::new(),
};

/// Time between two calls of this operation's rate limit.
fn interval(op: &Operation) -> Duration {
    let limit = op.rate_limit.as_ref().unwrap_or(&DEFAULT_RATE);
    Duration::from_secs(u64::from(limit.per_seconds)) / limit.requests.max(1)
}

fn skipped(op: &Operation, why: &str) -> Checked {
    Checked {
        operation: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
        requested: String::new(),
        status: None,
        outcome: Outcome::Skipped,
        path_inferred: op.path_inferred,
        differences: Vec::new(),
        note: Some(why.to_string()),
    }
}

/// The operation's parameters, `$ref`s resolved.
fn parameters<'a>(doc: &'a Value, op: &Operation) -> Vec<&'a Value> {
    let node = operations::node(doc, op);
    let path_item = pointer::resolve(doc, op.pointer.rsplit_once('/').map_or("", |(p, _)| p));
    let listed = |n: Option<&'a Value>| {
        n.and_then(|n| n.get("parameters"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    listed(path_item)
        .chain(listed(Some(node)))
        .filter_map(|p| pointer::deref(doc, p, "#").map(|(v, _)| v))
        .collect()
}

/// An example value of a parameter as text.
fn example_value(doc: &Value, parameter: &Value) -> Option<String> {
    let schema = parameter
        .get("schema")
        .and_then(|s| pointer::deref(doc, s, "#"))
        .map(|(s, _)| s);
    let candidates = [
        parameter.get("example"),
        parameter
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
            .and_then(|e| e.get("value")),
        schema.and_then(|s| s.get("example")),
        schema.and_then(|s| s.get("default")),
        schema.and_then(|s| s.pointer("/enum/0")),
    ];
    candidates.into_iter().flatten().find_map(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    })
}

/// The concrete path and query to request, and whether an id came from an example. `None` when
/// a required parameter has no value.
fn request_path(
    doc: &Value,
    op: &Operation,
    ids: &BTreeMap<String, String>,
) -> Option<(String, bool)> {
    let params = parameters(doc, op);
    let mut concrete = String::new();
    let mut example_ids = false;
    for segment in op.path.trim_start_matches('/').split('/') {
        let value = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let prefix = format!("{}{concrete}", op.base_path);
                match ids.get(&prefix) {
                    Some(id) => id.clone(),
                    None => {
                        example_ids = true;
                        let param = params.iter().find(|p| {
                            p.get("in").and_then(Value::as_str) == Some("path")
                                && p.get("name").and_then(Value::as_str) == Some(name)
                        });
                        param.and_then(|p| example_value(doc, p))?
                    }
                }
            }
            None => segment.to_string(),
        };
        concrete.push('/');
        concrete.push_str(&percent(&value));
    }
    let mut query = Vec::new();
    for p in &params {
        if p.get("in").and_then(Value::as_str) == Some("query")
            && p.get("required").and_then(Value::as_bool) == Some(true)
        {
            let name = p.get("name").and_then(Value::as_str)?;
            query.push(format!(
                "{}={}",
                percent(name),
                percent(&example_value(doc, p)?)
            ));
        }
    }
    let mut requested = format!("{}{concrete}", op.base_path);
    if !query.is_empty() {
        requested.push('?');
        requested.push_str(&query.join("&"));
    }
    Some((requested, example_ids))
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `(status key, pointer of the JSON schema)` of each response of `op` with a JSON body.
fn response_schemas(doc: &Value, op: &Operation) -> Vec<(String, String)> {
    let base = pointer::join(&op.pointer, "responses");
    let Some(responses) = operations::node(doc, op)
        .get("responses")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    responses
        .iter()
        .filter_map(|(status, response)| {
            let here = pointer::join(&base, status);
            let (resolved, at) = pointer::deref(doc, response, &here)?;
            let content = resolved.get("content")?.as_object()?;
            let media = content.keys().find(|k| k.contains("json"))?;
            let at = pointer::join(
                &pointer::join(&pointer::join(&at, "content"), media),
                "schema",
            );
            Some((status.clone(), at))
        })
        .collect()
}

/// The spec response key for `status`: exact, `2XX`, then `default`.
fn response_for(doc: &Value, op: &Operation, status: u16) -> Option<String> {
    let responses = operations::node(doc, op).get("responses")?.as_object()?;
    let class = format!("{}XX", status / 100);
    [status.to_string(), class, "default".to_string()]
        .into_iter()
        .find(|k| responses.contains_key(k))
}

/// The id of the first item of a list response (`data: [...]`, or the first list inside
/// `data`).
fn first_item_id(body: &Value) -> Option<String> {
    let data = body.get("data")?;
    let list = match data {
        Value::Array(list) => list,
        Value::Object(map) => map.values().find_map(Value::as_array)?,
        _ => return None,
    };
    match list.first()?.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The longest body excerpt in a note, in characters (cut after redaction).
const NOTE_CHARS: usize = 200;

/// How to make one call.
struct Call<'a> {
    agent: &'a ureq::Agent,
    token: &'a str,
    url: &'a str,
    /// Redacts the excerpts put into the report.
    redactor: &'a Redactor,
}

/// Calls one operation and checks the answer; also returns the schema pointer and the parsed
/// body of a 2xx answer (for ids, field presence and recording).
fn check_one(
    doc: &Value,
    schemas: &Schemas,
    op: &Operation,
    requested: &str,
    example_ids: bool,
    call: Call<'_>,
) -> (Checked, Option<(String, Value)>) {
    let mut checked = Checked {
        requested: requested.to_string(),
        ..skipped(op, "")
    };
    checked.note = None;
    let response = call
        .agent
        .get(call.url)
        .header("Authorization", &format!("Bearer {}", call.token))
        .header("Accept", "application/json")
        .call();
    let mut response = match response {
        Ok(r) => r,
        Err(e) => {
            checked.outcome = Outcome::Failed;
            checked.note = Some(call.redactor.mask_secrets(&format!("no answer: {e}")));
            return (checked, None);
        }
    };
    let status = response.status().as_u16();
    checked.status = Some(status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(32 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    checked.outcome = match status {
        200..=299 => Outcome::Confirmed,
        401 | 403 => Outcome::Unauthorized,
        404 if example_ids => Outcome::NotFoundWithExampleId,
        404 | 405 => Outcome::PathWrong,
        _ => Outcome::Failed,
    };
    if checked.outcome != Outcome::Confirmed {
        checked.note = Some(format!(
            "HTTP {status}: {}",
            call.redactor.excerpt(&bytes, NOTE_CHARS)
        ));
        return (checked, None);
    }
    let expected = response_for(doc, op, status).and_then(|key| {
        response_schemas(doc, op)
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, at)| at)
    });
    let Some(schema_at) = expected else {
        return (checked, None);
    };
    let at_media = schema_at
        .rsplit_once('/')
        .map_or("", |(p, _)| p)
        .to_string();
    if !content_type.to_ascii_lowercase().contains("json") {
        checked.differences.push(Difference {
            kind: "content-type",
            pointer: String::new(),
            schema_pointer: at_media.clone(),
            message: format!("content type `{content_type}`, the spec says JSON"),
            suggestion: format!("document the content type `{content_type}` at {at_media}"),
            count: 1,
        });
    }
    let body: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            checked.differences.push(Difference {
                kind: "not-json",
                pointer: String::new(),
                schema_pointer: schema_at,
                message: format!("the body is not JSON: {e}"),
                suggestion: "document the real body format".into(),
                count: 1,
            });
            return (checked, None);
        }
    };
    checked.differences = [checked.differences, schemas.check(doc, &schema_at, &body)].concat();
    (checked, Some((schema_at, body)))
}

/// Writes `DIR/<operationId>.json` with the redacted body.
fn record(
    dir: &std::path::Path,
    redactor: &Redactor,
    checked: &Checked,
    body: &Value,
) -> Result<(), String> {
    let file = dir.join(format!("{}.json", checked.operation));
    let entry = json!({
        "operation": checked.operation,
        "method": checked.method,
        "path": redactor.scrub(&checked.requested),
        "status": checked.status,
        "body": redactor.redact(body),
    });
    let text = serde_json::to_string_pretty(&entry).map_err(|e| e.to_string())?;
    std::fs::write(&file, text + "\n").map_err(|e| format!("{}: {e}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(rate_limit: Option<RateLimit>) -> Operation {
        Operation {
            id: "x".into(),
            method: "GET".into(),
            path: "/x".into(),
            tag: "sms".into(),
            pointer: String::new(),
            path_inferred: false,
            idempotent: true,
            rate_limit,
            base_path: "/api/v2".into(),
        }
    }

    #[test]
    fn calls_are_spaced_by_the_rate_limit() {
        assert_eq!(interval(&op(None)), Duration::from_millis(60));
        let ten_per_second = RateLimit {
            requests: 10,
            per_seconds: 1,
            scope: "all".into(),
        };
        assert_eq!(
            interval(&op(Some(ten_per_second))),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn hosts_become_origins() {
        assert_eq!(origin("alerts.qikberry.com"), "https://alerts.qikberry.com");
        assert_eq!(origin("http://127.0.0.1:4010/"), "http://127.0.0.1:4010");
    }

    #[test]
    fn list_ids_come_from_data_or_the_first_list_inside_it() {
        let flat = serde_json::json!({"data": [{"id": 5}]});
        assert_eq!(first_item_id(&flat).as_deref(), Some("5"));
        let nested = serde_json::json!({"data": {"webhooks": [{"id": "w1"}], "total": 1}});
        assert_eq!(first_item_id(&nested).as_deref(), Some("w1"));
        assert_eq!(first_item_id(&serde_json::json!({"data": []})), None);
    }
}
