//! A runnable webhook receiver.
//!
//! ```text
//! cargo run -p qikberry-examples --example webhook_receiver -- \
//!     --listen 127.0.0.1:8080 --validation-key 9012XX --secret 1233XXX --webhook-id <id>
//! ```
//!
//! Prints one JSON line per accepted event on stdout:
//! `{"event": "...", "key": "...", "signature": "...", "payload": {...}, "drift": [...]}`.
//! Rejected requests get their status code (400 for a body that is not JSON, 401, 413, 415) and
//! print nothing on stdout. Diagnostics, including the bound address
//! (`listening on 127.0.0.1:PORT`), go to stderr.
//!
//! # `--record DIR`
//!
//! Also writes every accepted delivery (duplicates excluded) to `DIR` as one JSON file, for
//! `cargo xtask live-check --webhooks DIR` to validate against the spec's callback schemas.
//! The event is acknowledged only after its file is written (the receiver's
//! acknowledge-after-handler mode), so a full disk answers 500 and the platform redelivers.
//! Files are named `<unix-ms>-<seq>-<event>.json` (`:` in the event name becomes `_`; `unknown`
//! when the body had no name) and written atomically (a `.tmp` file renamed). Format
//! (`qikberry-webhook-record/1`):
//!
//! ```json
//! {
//!   "format": "qikberry-webhook-record/1",
//!   "received_at": "2026-12-01T07:00:00.123Z",
//!   "event": "sms:message:status",
//!   "key": "sms:message:status/b34e…:1/DELIVRD",
//!   "signature": "valid",
//!   "headers": {
//!     "content-type": "application/json",
//!     "signature": "5d1f…",
//!     "authorization": "Bearer [REDACTED]"
//!   },
//!   "body": "{\"id\":\"b34e…\",…}",
//!   "drift": [{"source": "sms:message:status", "pointer": "/deliv_time", "kind": "lenient: zero date as no time"}]
//! }
//! ```
//!
//! * `event` — the event name as parsed (`""` for an unrecognised flat body).
//! * `signature` — `valid`, `invalid`, `missing` or `not-checked`.
//! * `headers` — only the headers the receiver reads; absent ones are omitted. The Bearer
//!   secret is never written: `authorization` is `"Bearer [REDACTED]"` when it was present.
//!   The `Signature` value is a MAC of the body, not a secret.
//! * `body` — the raw body exactly as received, as a string (the receiver accepts only UTF-8
//!   JSON), so it can be parsed and re-verified byte for byte.
//! * `drift` — what the client found different from the spec (see `qikberry::drift`).
//!
//! # Several replicas: `--dedupe URL`
//!
//! Replicas behind one load balancer must share their de-duplication store, or a retry that
//! lands on another replica is handled again. `--dedupe redis://HOST:PORT/` (feature
//! `dedupe-redis`) or `--dedupe "host=… user=… dbname=…"` / `postgresql://…` (feature
//! `dedupe-postgres`) shares it; `--claim-lease-ms N` sets how long a claim of a replica that
//! died mid-handler blocks redeliveries (default 10 minutes). `--handler-delay-ms N` makes the
//! handler wait before it prints, to try slow handlers and crashes mid-handler.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use qikberry::webhook::{DedupeStore, Delivery, Receiver, SignatureStatus, Verifier};
use serde_json::{Map, Value, json};

struct Args {
    listen: String,
    validation_key: Option<String>,
    secret: Option<String>,
    webhook_id: Option<String>,
    record: Option<PathBuf>,
    dedupe: Option<String>,
    claim_lease_ms: Option<u64>,
    handler_delay_ms: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: "127.0.0.1:8080".to_owned(),
        // From the environment first: `--secret` / `--validation-key` are visible in `ps`.
        validation_key: std::env::var("QIKBERRY_WEBHOOK_VALIDATION_KEY").ok(),
        secret: std::env::var("QIKBERRY_WEBHOOK_SECRET").ok(),
        webhook_id: None,
        record: None,
        dedupe: None,
        claim_lease_ms: None,
        handler_delay_ms: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--listen" => args.listen = value()?,
            "--validation-key" => args.validation_key = Some(value()?),
            "--secret" => args.secret = Some(value()?),
            "--webhook-id" => args.webhook_id = Some(value()?),
            "--record" => args.record = Some(PathBuf::from(value()?)),
            "--dedupe" => args.dedupe = Some(value()?),
            "--claim-lease-ms" => args.claim_lease_ms = Some(number(&flag, &value()?)?),
            "--handler-delay-ms" => args.handler_delay_ms = number(&flag, &value()?)?,
            "-h" | "--help" => {
                return Err(
                    "usage: webhook_receiver [--listen ADDR] [--validation-key KEY] \
                            [--secret SECRET] (or QIKBERRY_WEBHOOK_VALIDATION_KEY, QIKBERRY_WEBHOOK_SECRET; \
                            flags are visible in ps) [--webhook-id ID] [--record DIR] [--dedupe URL] \
                            [--claim-lease-ms N] [--handler-delay-ms N]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

fn number(flag: &str, v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("{flag} needs a whole number, got {v:?}"))
}

/// The shared store `--dedupe` names, or the receiver's own in-memory one.
async fn dedupe_store(args: &Args) -> Result<Option<Arc<dyn DedupeStore>>, String> {
    let Some(url) = &args.dedupe else {
        return Ok(None);
    };
    let lease = args.claim_lease_ms.map(Duration::from_millis);
    if url.starts_with("redis://") {
        let mut store = qikberry::webhook::RedisDedupe::connect(url, "qikberry:webhook:")
            .await
            .map_err(|e| format!("--dedupe: {e}"))?;
        if let Some(lease) = lease {
            store = store.with_claim_lease(lease);
        }
        return Ok(Some(Arc::new(store)));
    }
    let mut store = qikberry::webhook::PostgresDedupe::connect(url)
        .await
        .map_err(|e| format!("--dedupe: {e}"))?;
    if let Some(lease) = lease {
        store = store.with_claim_lease(lease);
    }
    Ok(Some(Arc::new(store)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let dedupe = match dedupe_store(&args).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut verifier = Verifier::new();
    if let Some(k) = args.validation_key {
        verifier = verifier.validation_key(k);
    }
    if let Some(s) = args.secret {
        verifier = verifier.bearer_secret(s);
    }
    if let Some(id) = args.webhook_id {
        // Per the reference the signature is keyed by the webhook id (scheme inferred).
        verifier = verifier.signature_key(id);
    }
    if let Some(dir) = &args.record
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::from(1);
    }
    let record = args.record.map(Arc::new);
    let seq = Arc::new(AtomicU64::new(0));
    let delay = Duration::from_millis(args.handler_delay_ms);
    let receiver = Receiver::with_handler(verifier, move |d: Delivery| {
        let (record, seq) = (record.clone(), seq.clone());
        async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if let Some(dir) = record {
                let n = seq.fetch_add(1, Ordering::Relaxed);
                write_record(&dir, n, &d)?;
            }
            print_line(&d)
        }
    });
    let receiver = match dedupe {
        Some(store) => receiver.dedupe(store),
        None => receiver,
    };
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.listen);
            return ExitCode::from(1);
        }
    };
    match listener.local_addr() {
        Ok(a) => eprintln!("listening on {a}"),
        Err(e) => eprintln!("listening (address unknown: {e})"),
    }
    let router = match receiver.router() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = axum::serve(listener, router).await {
        eprintln!("server error: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn signature_word(s: SignatureStatus) -> &'static str {
    match s {
        SignatureStatus::Valid => "valid",
        SignatureStatus::Invalid => "invalid",
        SignatureStatus::Missing => "missing",
        SignatureStatus::NotChecked => "not-checked",
    }
}

fn drift_json(d: &Delivery) -> Value {
    d.drift
        .iter()
        .map(|x| json!({ "source": x.source, "pointer": x.pointer, "kind": x.kind.to_string() }))
        .collect()
}

/// One JSON line on stdout per accepted event.
fn print_line(d: &Delivery) -> std::io::Result<()> {
    let line = json!({
        "event": d.event.name(),
        "key": d.key.as_str(),
        "signature": signature_word(d.signature),
        "payload": d.event.payload_json(),
        "drift": drift_json(d),
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// Writes one delivery as a `qikberry-webhook-record/1` file (see the module docs).
fn write_record(dir: &Path, seq: u64, d: &Delivery) -> std::io::Result<()> {
    let mut headers = Map::new();
    if let Some(ct) = &d.headers.content_type {
        headers.insert("content-type".into(), json!(ct));
    }
    if let Some(sig) = &d.headers.signature {
        headers.insert("signature".into(), json!(sig));
    }
    if d.headers.authorization {
        headers.insert("authorization".into(), json!("Bearer [REDACTED]"));
    }
    let now = jiff::Timestamp::now();
    let record = json!({
        "format": "qikberry-webhook-record/1",
        "received_at": now.to_string(),
        "event": d.event.name(),
        "key": d.key.as_str(),
        "signature": signature_word(d.signature),
        "headers": headers,
        "body": String::from_utf8_lossy(&d.body),
        "drift": drift_json(d),
    });
    let name = match d.event.name() {
        "" => "unknown".to_owned(),
        n => n.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
    };
    let file = dir.join(format!("{}-{seq:06}-{name}.json", now.as_millisecond()));
    let tmp = file.with_extension("json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec_pretty(&record).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(&tmp, &file)
}
