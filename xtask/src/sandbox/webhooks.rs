//! The sandbox's webhook emitter: registration (through the webhooks API or `--webhook-url`),
//! the validation handshake, and one signed event per message of every accepted send.
//!
//! Each request is sent by the test suite's peer `tests/peers/webhook_sender.mjs`, which signs
//! the way the platform's sender does (PHP-style JSON escaping, `Signature` = lowercase hex
//! HMAC-SHA256 of the raw body keyed by the webhook id, `Authorization: Bearer <secret>`).
//! Events go only to webhooks that answered the handshake with the challenge; a webhook that
//! has not yet is asked again before each delivery.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::children::dies_with_xtask;
use crate::shared::operations::Operation;

/// One registered webhook.
#[derive(Debug, Clone)]
pub struct Webhook {
    url: String,
    id: String,
    secret: Option<String>,
    validation_key: Option<String>,
    validated: bool,
}

impl Webhook {
    /// A webhook at `url` with its id (the signature key), Bearer secret and validation key.
    pub fn new(
        url: String,
        id: String,
        secret: Option<String>,
        validation_key: Option<String>,
    ) -> Self {
        Webhook {
            url,
            id,
            secret,
            validation_key,
            validated: false,
        }
    }
}

/// Registered webhooks and the event templates of the spec.
pub struct Emitter {
    sender: PathBuf,
    hooks: Arc<Mutex<Vec<Webhook>>>,
    /// Event name → the callback example of the spec.
    templates: BTreeMap<String, Value>,
    counter: AtomicU64,
}

/// The event an accepted call of `op` causes, if any.
pub fn event_for(op: &Operation) -> Option<String> {
    if op.method != "POST" {
        return None;
    }
    let words: Vec<&str> = op.id.split('_').collect();
    let is_send = words.contains(&"send")
        || (op.tag == "voice" && words.last().is_some_and(|w| w.starts_with("call")));
    if !is_send {
        return None;
    }
    match op.tag.as_str() {
        "sms" | "integrations" => Some("sms:message:status".into()),
        "whatsapp" | "rcs" | "viber" => Some(format!("{}:message:status", op.tag)),
        "voice" => Some("voice:message:out".into()),
        _ => None,
    }
}

/// Event name → first request example of every callback of the spec that has an `event`.
fn templates(doc: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let callbacks = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("callbacks").and_then(Value::as_object))
        .flat_map(|cbs| cbs.values())
        .filter_map(Value::as_object)
        .flat_map(|cb| cb.values());
    for expression in callbacks {
        let Some(content) = expression.pointer("/post/requestBody/content/application~1json")
        else {
            continue;
        };
        let example = content
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
            .and_then(|e| e.get("value"))
            .or_else(|| content.get("example"));
        if let Some(example) = example
            && let Some(event) = example.get("event").and_then(Value::as_str)
        {
            out.entry(event.to_string())
                .or_insert_with(|| example.clone());
        }
    }
    out
}

/// The numbers a send request addresses: `to` (a comma-separated string or a list),
/// `recipient.to`, or the `to` of each element of `payload` / `nodes` (bulk shapes).
pub fn recipients(request: &Value) -> Vec<String> {
    fn numbers(value: Option<&Value>) -> Vec<String> {
        match value {
            Some(Value::String(s)) => s.split(',').map(|n| n.trim().to_string()).collect(),
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
    let direct = numbers(
        request
            .get("to")
            .or_else(|| request.pointer("/recipient/to")),
    );
    if !direct.is_empty() {
        return direct;
    }
    ["payload", "nodes"]
        .iter()
        .filter_map(|key| request.get(*key).and_then(Value::as_array))
        .flatten()
        .flat_map(|item| numbers(item.get("to")))
        .collect()
}

/// The events for an accepted send: the template once per addressed number (or per element of
/// the response's `data` when the request names none), with the message id of the response's
/// matching element (`<group_id>:<n>` when it has fewer) and the number.
fn events(template: &Value, request: &Value, response: &Value) -> Vec<Value> {
    let items: Vec<&Value> = match response.get("data") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    };
    let numbers = recipients(request);
    let count = if numbers.is_empty() {
        items.len().max(1)
    } else {
        numbers.len()
    };
    (0..count)
        .map(|i| {
            let mut event = template.clone();
            let item = items.get(i).copied().unwrap_or(&Value::Null);
            if let Some(payload) = event.get_mut("payload").and_then(Value::as_object_mut) {
                let number = numbers
                    .get(i)
                    .map(|n| Value::String(n.clone()))
                    .or_else(|| item.get("mobile").or_else(|| item.get("to")).cloned());
                let id = item.get("id").or_else(|| item.get("callId")).cloned();
                let group = response.get("group_id").and_then(Value::as_str);
                let id = id.or_else(|| group.map(|g| Value::String(format!("{g}:{}", i + 1))));
                if let Some(id) = id {
                    payload.insert("id".into(), id);
                }
                for key in ["mobile", "to"] {
                    if let (Some(slot), Some(number)) = (payload.get_mut(key), &number) {
                        *slot = number.clone();
                    }
                }
            }
            event
        })
        .collect()
}

impl Emitter {
    /// An emitter for the spec `doc`, sending through the peer under `root`.
    pub fn new(doc: &Value, root: &Path) -> Self {
        Emitter {
            sender: root.join("tests/peers/webhook_sender.mjs"),
            hooks: Arc::default(),
            templates: templates(doc),
            counter: AtomicU64::new(0),
        }
    }

    /// Registers a webhook and starts its handshake in the background.
    pub fn add(&self, hook: Webhook) {
        let index = {
            let mut hooks = self.hooks.lock().expect("webhook list");
            hooks.push(hook);
            hooks.len() - 1
        };
        let (sender, hooks, n) = (self.sender.clone(), self.hooks.clone(), self.next());
        std::thread::spawn(move || ensure_validated(&sender, &hooks, index, n));
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Reacts to an accepted call: a webhook creation registers the webhook; a send delivers
    /// its events (in the background, in order).
    pub fn observe(&self, op: &Operation, request: &Value, response: &Value) {
        if op.id == "webhooks_create_webhook" {
            let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
            if let Some(url) = text(request.get("uri")) {
                let id = text(response.pointer("/data/id")).unwrap_or_else(|| "webhook".into());
                self.add(Webhook::new(
                    url,
                    id,
                    text(request.get("secret")),
                    text(request.get("token")),
                ));
            }
            return;
        }
        let Some(name) = event_for(op) else {
            return;
        };
        let Some(template) = self.templates.get(&name) else {
            eprintln!("sandbox: no callback example for `{name}` in the spec; nothing delivered");
            return;
        };
        self.deliver(events(template, request, response));
    }

    /// Whether any webhook is registered (events for none are not built).
    pub fn has_hooks(&self) -> bool {
        !self.hooks.lock().expect("webhook list").is_empty()
    }

    /// The callback example of the spec for the event `name`.
    pub fn template(&self, name: &str) -> Option<&Value> {
        self.templates.get(name)
    }

    /// Delivers `events` to every registered webhook (in the background, in order, after the
    /// handshake).
    pub fn deliver(&self, events: Vec<Value>) {
        let count = self.hooks.lock().expect("webhook list").len();
        for index in 0..count {
            let (sender, hooks, events) = (self.sender.clone(), self.hooks.clone(), events.clone());
            let n = self.next();
            std::thread::spawn(move || {
                if !ensure_validated(&sender, &hooks, index, n) {
                    return;
                }
                let hook = hooks.lock().expect("webhook list")[index].clone();
                for event in &events {
                    let outcome = send(&sender, &hook, &hook.url, event);
                    eprintln!(
                        "sandbox: webhook {} -> {}: {}",
                        event.get("event").and_then(Value::as_str).unwrap_or("?"),
                        hook.url,
                        outcome.map_or_else(|e| e, |(status, _)| status.to_string())
                    );
                }
            });
        }
    }
}

/// Held while a handshake runs, so a webhook is not asked twice at once.
static HANDSHAKE: Mutex<()> = Mutex::new(());

/// Runs the handshake unless done; whether the webhook is validated.
fn ensure_validated(sender: &Path, hooks: &Mutex<Vec<Webhook>>, index: usize, n: u64) -> bool {
    let _one_at_a_time = HANDSHAKE.lock().unwrap_or_else(|e| e.into_inner());
    let hook = hooks.lock().expect("webhook list")[index].clone();
    if hook.validated {
        return true;
    }
    let key = hook.validation_key.clone().unwrap_or_default();
    let challenge = format!("sandbox-challenge-{}-{n}", std::process::id());
    let separator = if hook.url.contains('?') { '&' } else { '?' };
    let url = format!("{}{separator}token={}", hook.url, percent(&key));
    let body = json!({"validation_key": key, "challenge": challenge});
    let ok = match send(sender, &hook, &url, &body) {
        Ok((status, answer)) => {
            let echoed = serde_json::from_str::<Value>(&answer).ok().and_then(|v| {
                v.get("challenge")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            let ok = (200..300).contains(&status) && echoed.as_deref() == Some(&challenge);
            eprintln!(
                "sandbox: webhook handshake -> {}: {status} ({})",
                hook.url,
                if ok {
                    "validated"
                } else {
                    "NOT validated: the answer must be 200 {\"challenge\": …}"
                }
            );
            ok
        }
        Err(e) => {
            eprintln!("sandbox: webhook handshake -> {}: {e}", hook.url);
            false
        }
    };
    if ok {
        hooks.lock().expect("webhook list")[index].validated = true;
    }
    ok
}

/// Percent-encodes a query value.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Posts `body` to `url` through the signing peer; the status and response body.
///
/// The job (URL with its validation token, signature key, Bearer secret, body) goes to node on
/// its stdin, so no secret shows on a command line (`/proc/<pid>/cmdline` is readable by every
/// user) or in a file.
fn send(sender: &Path, hook: &Webhook, url: &str, body: &Value) -> Result<(u16, String), String> {
    let job = json!({"url": url, "key": hook.id, "secret": hook.secret, "body": body});
    let mut child = dies_with_xtask(&mut Command::new("node"))
        .arg(sender)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let written = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(job.to_string().as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if let Some(Err(e)) = written {
        return Err(format!("cannot pass the job to node: {e}"));
    }
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let report: Value = serde_json::from_slice(&output.stdout)
        .map_err(|_| "the webhook sender printed no report".to_string())?;
    let status = report.get("status").and_then(Value::as_u64).unwrap_or(0) as u16;
    let answer = report
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Ok((status, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str, product: &str, method: &str) -> Operation {
        Operation {
            id: id.into(),
            method: method.into(),
            path: "/x".into(),
            tag: product.into(),
            pointer: String::new(),
            path_inferred: false,
            idempotent: false,
            rate_limit: None,
            base_path: String::new(),
        }
    }

    #[test]
    fn sends_map_to_their_status_events() {
        let e = |id, p, m| event_for(&op(id, p, m));
        assert_eq!(
            e("sms_send_message", "sms", "POST").as_deref(),
            Some("sms:message:status")
        );
        assert_eq!(e("sms_create_sender", "sms", "POST"), None);
        assert_eq!(
            e("voice_create_tts_call", "voice", "POST").as_deref(),
            Some("voice:message:out")
        );
        assert_eq!(e("verify_send_otp", "verify", "POST"), None);
        assert_eq!(e("sms_send_message", "sms", "GET"), None);
    }

    #[test]
    fn one_event_per_accepted_message_with_its_id_and_number() {
        let template = json!({"event": "sms:message:status", "payload": {"id": "x", "mobile": "y", "status": "DELIVRD"}});
        let response =
            json!({"data": [{"id": "a:1", "mobile": "911"}, {"id": "a:2", "mobile": "912"}]});
        let got = events(&template, &Value::Null, &response);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1]["payload"],
            json!({"id": "a:2", "mobile": "912", "status": "DELIVRD"})
        );
        // The numbers of the request win; ids the response lacks come from its group id.
        let request = json!({"to": "91777, 91888"});
        let response = json!({"group_id": "g", "data": [{"id": "g:1", "mobile": "918921269xxx"}]});
        let got = events(&template, &request, &response);
        assert_eq!(got[0]["payload"]["mobile"], "91777");
        assert_eq!(
            got[1]["payload"],
            json!({"id": "g:2", "mobile": "91888", "status": "DELIVRD"})
        );
        let bulk = json!({"payload": [{"to": "9101"}]});
        assert_eq!(recipients(&bulk), vec!["9101".to_string()]);
    }
}
