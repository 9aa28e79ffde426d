//! One outbox worker process: sends a campaign's messages through REST or SMPP until nothing
//! is left to send, then exits. Run as many as you like on the same store; kill any of them at
//! any moment (the crash test `tests/tests/outbox_crash.rs` does, with SIGKILL) and start them
//! again: nothing is sent twice, nothing is lost.
//!
//! ```text
//! cargo run -p qikberry-examples --example outbox_worker -- \
//!   --store outbox.db|"host=… user=… dbname=…"|postgresql://… --transport rest|smpp --name w1 \
//!   [--batch 64] [--concurrency 16] [--lease-ms 60000] [--grace-ms 120000] [--min-lookups 3] \
//!   [--lookup-interval-ms 20000]
//! ```
//!
//! REST: `qikberry::Client::from_env()` (`QIKBERRY_TOKEN`, `QIKBERRY_HOST`), the reference sent as
//! `custom`; sends in doubt are looked up by `cid` before anything is resent. SMPP: binds to
//! `QIKBERRY_SMPP_ADDR` as `QIKBERRY_SMPP_SYSTEM_ID` (default `outbox`) with
//! `QIKBERRY_SMPP_PASSWORD`; its delivery receipts are applied to the outbox before the SMSC
//! gets their acknowledgement (a receipt is never lost to a crash), and it stays until every
//! message it can send has its final status or is parked as `unknown`.
//!
//! Prints its report as one JSON line on exit. Exit codes: 0 done (or Ctrl-C), 1 a store or
//! connection error, 64 bad arguments.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use qikberry::outbox::{
    Outbox, PostgresStore, RestTransport, SmppTransport, SqliteStore, State, StatusEvent, Store,
    Transport, Worker, WorkerConfig,
};
use qikberry::smpp::{Client as SmppClient, Config as SmppConfig, Inbound, Server};

const USAGE: &str = "usage: outbox_worker --store FILE|POSTGRES --transport rest|smpp --name NAME \
[--batch N] [--concurrency N] [--lease-ms MS] [--grace-ms MS] [--min-lookups N] [--lookup-interval-ms MS]";

struct Args {
    store: String,
    smpp: bool,
    config: WorkerConfig,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let (mut store, mut transport) = (None, None);
    let mut config = WorkerConfig::named("worker");
    config.poll = Duration::from_millis(50);
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: {value:?} is not a whole number"))
        };
        let ms = || number().map(Duration::from_millis);
        match flag.as_str() {
            "--store" => store = Some(value.clone()),
            "--transport" => transport = Some(value.clone()),
            "--name" => config.name = value.clone(),
            "--batch" => config.batch = number()? as usize,
            "--concurrency" => config.concurrency = number()? as usize,
            "--lease-ms" => config.lease = ms()?,
            "--grace-ms" => config.grace = ms()?,
            "--min-lookups" => config.min_lookups = number()? as i64,
            "--lookup-interval-ms" => config.lookup_interval = ms()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    config.maintenance =
        (config.lease / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let smpp = match transport.as_deref() {
        Some("rest") => false,
        Some("smpp") => true,
        other => return Err(format!("--transport must be rest or smpp, not {other:?}")),
    };
    let store = store.ok_or("--store is required")?;
    Ok(Args {
        store,
        smpp,
        config,
    })
}

/// A PostgreSQL configuration (`postgresql://…` or `key=value …`), else a SQLite file.
async fn open(store: &str) -> Result<Arc<dyn Store>, String> {
    let postgres = store.starts_with("postgres://")
        || store.starts_with("postgresql://")
        || store.contains("host=");
    Ok(if postgres {
        Arc::new(
            PostgresStore::connect(store)
                .await
                .map_err(|e| e.to_string())?,
        )
    } else {
        Arc::new(SqliteStore::open(store).await.map_err(|e| e.to_string())?)
    })
}

/// Binds to the SMSC; every receipt is applied to `outbox` before it is acknowledged.
async fn smpp_transport(outbox: &Outbox) -> Result<(Arc<dyn Transport>, SmppClient), String> {
    let addr = std::env::var("QIKBERRY_SMPP_ADDR").map_err(|_| "QIKBERRY_SMPP_ADDR is not set")?;
    let system_id = std::env::var("QIKBERRY_SMPP_SYSTEM_ID").unwrap_or_else(|_| "outbox".into());
    let password = std::env::var("QIKBERRY_SMPP_PASSWORD").unwrap_or_default();
    let config = SmppConfig::new(system_id, password, vec![Server::plain(addr)]);
    let receipts = outbox.clone();
    let client = SmppClient::connect_with_handler(config, move |event: Inbound| {
        let outbox = receipts.clone();
        async move {
            if let Inbound::Receipt(r) = event {
                outbox.apply(StatusEvent::from(&r)).await?;
            }
            Ok::<(), qikberry::outbox::Error>(())
        }
    })
    .await
    .map_err(|e| format!("SMPP: {e}"))?;
    Ok((Arc::new(SmppTransport::new(client.clone())), client))
}

/// Completes when nothing is left for a worker: nothing queued, being sent or looked up, and
/// (`wait_receipts`) nothing submitted still waiting for its receipt.
async fn nothing_left(outbox: Outbox, wait_receipts: bool) {
    let mut busy = vec![State::Queued, State::Sending, State::Reconciling];
    if wait_receipts {
        busy.push(State::Submitted);
    }
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        match outbox.summary(None).await {
            Ok(s) if busy.iter().all(|b| s.get(*b) == 0) => return,
            Ok(_) => {}
            Err(e) => eprintln!("summary: {e}"),
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let outbox = Outbox::new(open(&args.store).await?);
    let (transport, smpp): (Arc<dyn Transport>, _) = if args.smpp {
        let (t, c) = smpp_transport(&outbox).await?;
        (t, Some(c))
    } else {
        let client = qikberry::Client::from_env().map_err(|e| e.to_string())?;
        let rest = RestTransport::new(client).retry_after(Duration::from_millis(200));
        (Arc::new(rest), None)
    };
    let worker = Worker::new(&outbox, transport, args.config);
    let done = nothing_left(outbox.clone(), args.smpp);
    let shutdown = async {
        tokio::select! {
            () = done => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    let report = worker.run(shutdown).await.map_err(|e| e.to_string())?;
    if let Some(client) = smpp {
        client.shutdown(Duration::from_secs(2)).await;
    }
    println!(
        "{}",
        serde_json::json!({
            "worker": worker.id(), "claimed": report.claimed, "accepted": report.accepted,
            "refused": report.refused, "not_sent": report.not_sent, "unknown": report.unknown,
            "expired": report.expired, "found": report.found, "not_found": report.not_found,
        })
    );
    Ok(())
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
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("outbox_worker: {e}");
            ExitCode::FAILURE
        }
    }
}
