//! Receive delivery receipts over SMPP and store each one as a line in a file.
//!
//! ```text
//! cargo run -p qikberry-examples --example smpp_receipts -- \
//!   --addr HOST:PORT --system-id ID [--password PW, or QIKBERRY_SMPP_PASSWORD in the environment] \
//!   [--store FILE] [--no-fsync] [--mode handler|queue] [--concurrency N]
//! ```
//!
//! `--mode handler` (the default) uses `Client::connect_with_handler`: each receipt's id is
//! appended to `--store` and, unless `--no-fsync`, synced to disk before the handler returns
//! `Ok`, so the SMSC's `deliver_sm` is acknowledged only once the receipt is on disk. Killing
//! the process at any moment loses nothing the SMSC saw acknowledged (the crash test
//! `tests/tests/smpp_receipts.rs` does exactly that). `--mode queue` reads `Client::events`
//! instead (acknowledged once queued in memory), for comparison. Without `--store` nothing is
//! written (throughput measurement). Runs until Ctrl-C (then unbinds) or SIGKILL. Exit codes: 0
//! after Ctrl-C, 2 connect/bind failed, 64 bad arguments.

use qikberry::smpp::{Client, Config, Inbound, Server};
use std::fs::File;
use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const USAGE: &str = "usage: smpp_receipts --addr HOST:PORT --system-id ID [--password PW, or QIKBERRY_SMPP_PASSWORD in the environment] \
[--store FILE] [--no-fsync] [--mode handler|queue] [--concurrency N]";

struct Args {
    addr: String,
    system_id: String,
    password: String,
    store: Option<String>,
    fsync: bool,
    handler: bool,
    concurrency: usize,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut a = Args {
        addr: String::new(),
        system_id: String::new(),
        // From the environment first: a `--password` on the command line is visible in `ps`.
        password: std::env::var("QIKBERRY_SMPP_PASSWORD").unwrap_or_default(),
        store: None,
        fsync: true,
        handler: true,
        concurrency: qikberry::smpp::DEFAULT_HANDLER_CONCURRENCY,
    };
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--addr" => a.addr = value()?,
            "--system-id" => a.system_id = value()?,
            "--password" => a.password = value()?,
            "--store" => a.store = Some(value()?),
            "--no-fsync" => a.fsync = false,
            "--mode" => {
                a.handler = match value()?.as_str() {
                    "handler" => true,
                    "queue" => false,
                    other => return Err(format!("--mode: unknown value {other:?}")),
                }
            }
            "--concurrency" => {
                let v = value()?;
                a.concurrency = v
                    .parse()
                    .map_err(|_| format!("--concurrency: not a number: {v:?}"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.addr.is_empty() || a.system_id.is_empty() {
        return Err("--addr and --system-id are required".into());
    }
    Ok(a)
}

/// The receipt store: one id per line, appended, optionally synced to disk per receipt.
#[derive(Clone)]
struct Store {
    file: Option<Arc<Mutex<File>>>,
    fsync: bool,
}

impl Store {
    fn open(path: Option<&str>, fsync: bool) -> std::io::Result<Store> {
        let file = match path {
            Some(p) => Some(Arc::new(Mutex::new(
                File::options().create(true).append(true).open(p)?,
            ))),
            None => None,
        };
        Ok(Store { file, fsync })
    }

    /// Append the receipt's id; returns once it is written (and synced, unless `--no-fsync`).
    async fn put(&self, ev: Inbound) -> std::io::Result<()> {
        let (Some(file), Inbound::Receipt(r)) = (self.file.clone(), ev) else {
            return Ok(());
        };
        let fsync = self.fsync;
        tokio::task::spawn_blocking(move || {
            let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
            f.write_all(format!("{}\n", r.message_id).as_bytes())?;
            if fsync {
                f.sync_data()?;
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(64);
        }
    };
    let store = match Store::open(args.store.as_deref(), args.fsync) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the store: {e}");
            return ExitCode::from(64);
        }
    };
    let mut config = Config::new(
        args.system_id.clone(),
        args.password.clone(),
        vec![Server::plain(args.addr.clone())],
    );
    config.handler.max_concurrent = args.concurrency;
    let connected = if args.handler {
        let store = store.clone();
        Client::connect_with_handler(config, move |ev| {
            let store = store.clone();
            async move { store.put(ev).await }
        })
        .await
    } else {
        Client::connect(config).await
    };
    let client = match connected {
        Ok(c) => c,
        Err(e) => {
            eprintln!("connect failed: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(mut events) = client.events() {
        tokio::spawn(async move {
            while let Some(ev) = events.recv().await {
                if let Err(e) = store.put(ev).await {
                    eprintln!("store failed (receipt already acknowledged, now lost): {e}");
                }
            }
        });
    }
    let _ = tokio::signal::ctrl_c().await;
    client.shutdown(Duration::from_secs(5)).await;
    ExitCode::SUCCESS
}
