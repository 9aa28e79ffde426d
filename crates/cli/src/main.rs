//! `qikberry-outbox`: send an SMS campaign through the durable outbox of `qikberry`
//! (`qikberry::outbox`), follow it, and resume it after Ctrl-C or a crash.
//!
//! ```text
//! qikberry-outbox send   --campaign spring --file spring.csv --from QIKBRY --workers 4 --rate 200/s
//! qikberry-outbox status --campaign spring          # counts per state (--json)
//! qikberry-outbox status --reference order-1        # one message, its parts and statuses
//! qikberry-outbox resume --campaign spring          # after Ctrl-C or a crash
//! qikberry-outbox parked --campaign spring          # SMPP sends parked as unknown
//! qikberry-outbox resolve order-7 --resend          # your decision: send again (or --mark-failed)
//! ```
//!
//! * `send` reads a CSV (header `reference,to,text`, optional `from`, `service`,
//!   `entity_id`, `template_id`, `tm_id`) or JSON-lines file, enqueues it idempotently under
//!   each line's reference (in transactions of `--chunk`; running `send` again adds nothing and
//!   a reference reused with another text is refused), then runs `--workers` workers until the
//!   campaign has nothing left to send (`--wait-final`: until every accepted message has a
//!   final delivery status).
//! * The outbox (`--store`, default `sqlite:qikberry-outbox.db`; or `postgres://…` with the
//!   password from the URL or PGPASSWORD) remembers every message's state: a send in doubt
//!   (a crash, a timeout, a dropped connection) is looked up by reference (`cid`) before
//!   anything is resent (REST) or parked as `unknown` (SMPP).
//! * REST: `qikberry::Client::from_env()` (QIKBERRY_TOKEN; QIKBERRY_HOST for the sandbox or a
//!   white-label host). SMPP (`--via smpp`): `--smpp-addr`, `--system-id`, the password from
//!   QIKBERRY_SMPP_PASSWORD only.
//! * `--rate N/s` paces the account (with `--redis URL`, shared by every process).
//! * A progress bar (sent / accepted / delivered / failed / unknown, rate, ETA) on a terminal,
//!   a plain line every `--progress-every` seconds on stderr otherwise; a final summary (counts
//!   per state, elapsed, msg/s), as one JSON object with `--json`.
//! * Ctrl-C: no new sends, the sends under way are recorded, the summary says how to resume.
//!   A second Ctrl-C quits at once (exit 130; `resume` settles the rest).
//!
//! * `parked` lists the messages parked as unknown (an SMPP send that may have reached the SMSC
//!   without an answer); they are never resent on their own. `resolve REF --resend` queues one
//!   again (recorded as your decision: it may arrive twice; `resume` sends it), `resolve REF
//!   --mark-failed [--note TEXT]` gives it up.
//!
//! Exit codes: 0 every message sent (or refused), 2 some in doubt or left to send, 1 an error.

#![forbid(unsafe_code)]

mod args;
mod counts;
mod input;
mod parked;
mod progress;
mod run;
mod status;
mod store;
mod summary;
mod transport;

use clap::Parser;
use qikberry::outbox::Outbox;

use args::{Cli, Command, RunArgs, SendArgs};
use summary::EXIT_DONE;

fn main() {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => fail(&format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => std::process::exit(code),
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("qikberry-outbox: {message}");
    std::process::exit(summary::EXIT_ERROR)
}

async fn dispatch(command: Command) -> Result<i32, String> {
    match command {
        Command::Send(args) => send(args).await,
        Command::Resume(args) => {
            let outbox = store::open(&args.run.store.store).await?;
            let total = outbox
                .summary(Some(&args.campaign))
                .await
                .map_err(|e| e.to_string())?;
            if total.total() == 0 {
                return Err(format!(
                    "no campaign named `{}` in this store",
                    args.campaign
                ));
            }
            work(&outbox, &args.campaign, &args.run).await
        }
        Command::Status(args) => {
            let outbox = store::open(&args.store.store).await?;
            status::show(&outbox, &args).await.map(|()| EXIT_DONE)
        }
        Command::Parked(args) => {
            let outbox = store::open(&args.store.store).await?;
            parked::list(&outbox, &args).await.map(|()| EXIT_DONE)
        }
        Command::Resolve(args) => {
            let outbox = store::open(&args.store.store).await?;
            parked::resolve(&outbox, &args).await.map(|()| EXIT_DONE)
        }
    }
}

async fn send(args: SendArgs) -> Result<i32, String> {
    let format = input::format_of(&args.file, args.format)?;
    let messages = input::read(&args.file, format, args.from.as_deref())?;
    let outbox = store::open(&args.run.store.store).await?;
    let mut created = 0usize;
    for chunk in messages.chunks(args.chunk as usize) {
        let done = outbox
            .enqueue_batch(Some(&args.campaign), chunk.to_vec())
            .await
            .map_err(|e| format!("enqueueing {}: {e}", args.file.display()))?;
        created += done.iter().filter(|e| e.created).count();
    }
    if !args.run.output.quiet && !args.run.output.json {
        eprintln!(
            "Enqueued {created} new of {} messages for campaign {}.",
            messages.len(),
            args.campaign
        );
    }
    work(&outbox, &args.campaign, &args.run).await
}

/// Runs the workers and prints the summary; the exit code.
async fn work(outbox: &Outbox, campaign: &str, args: &RunArgs) -> Result<i32, String> {
    let finished = run::run(outbox, campaign, args).await?;
    if args.output.json {
        println!("{}", summary::json(campaign, &finished));
    } else {
        let location = store::redacted(&args.store.store);
        print!("{}", summary::text(campaign, &finished, &location));
    }
    Ok(summary::exit_code(&finished))
}
