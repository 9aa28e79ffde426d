//! A runnable webhook receiver.
//!
//! ```text
//! cargo run -p qikberry --features webhook-receiver --example webhook_receiver -- \
//!     --listen 127.0.0.1:8080 --validation-key 9012XX --secret 1233XXX --webhook-id <id>
//! ```
//!
//! Prints one JSON line per accepted event on stdout:
//! `{"event": "...", "key": "...", "signature": "...", "payload": {...}}`. Rejected requests
//! get their status code (400, 401, 413, 415) and print nothing on stdout. Diagnostics, including
//! the bound address (`listening on 127.0.0.1:PORT`), go to stderr.

use std::io::Write as _;
use std::process::ExitCode;

use qikberry::webhook::{Receiver, SignatureStatus, Verifier};

struct Args {
    listen: String,
    validation_key: Option<String>,
    secret: Option<String>,
    webhook_id: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: "127.0.0.1:8080".to_owned(),
        validation_key: None,
        secret: None,
        webhook_id: None,
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
            "-h" | "--help" => {
                return Err(
                    "usage: webhook_receiver [--listen ADDR] [--validation-key KEY] \
                            [--secret SECRET] [--webhook-id ID]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
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
    let (receiver, mut events) = Receiver::with_channel(verifier, 1024);
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
    tokio::spawn(async move {
        let stdout = std::io::stdout();
        while let Some(d) = events.recv().await {
            let line = serde_json::json!({
                "event": d.event.name(),
                "key": d.key.as_str(),
                "signature": match d.signature {
                    SignatureStatus::Valid => "valid",
                    SignatureStatus::Invalid => "invalid",
                    SignatureStatus::Missing => "missing",
                    SignatureStatus::NotChecked => "not-checked",
                },
                "payload": d.event.payload_json(),
            });
            let mut out = stdout.lock();
            if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                break;
            }
        }
    });
    if let Err(e) = axum::serve(listener, receiver.router()).await {
        eprintln!("server error: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
