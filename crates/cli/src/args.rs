//! The command line: subcommands and their flags (each documented in `--help`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sends an SMS campaign through the durable outbox: never twice, never lost, each message
/// tracked to its final status. Resume after Ctrl-C or a crash with `resume`.
///
/// The REST client reads QIKBERRY_TOKEN and QIKBERRY_HOST (the platform's or the sandbox's
/// base URL; production when unset). Exit codes: 0 every message sent (or refused: final),
/// 2 some messages in doubt (unknown / reconciling) or left to send (interrupted: run
/// `resume`), 1 an error.
#[derive(Debug, Parser)]
#[command(name = "qikberry-outbox", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Enqueues a campaign from a file (idempotently: running it again adds nothing), then
    /// sends it.
    Send(SendArgs),
    /// Sends what is left of a campaign (after Ctrl-C or a crash): sends in doubt are looked
    /// up by reference first, never resent blind.
    Resume(ResumeArgs),
    /// Shows a campaign's counts per state, or one message by its reference.
    Status(StatusArgs),
    /// Lists the messages parked as unknown (an SMPP send that may have reached the SMSC
    /// without an answer): they wait for your decision (`resolve`), never resent on their own.
    Parked(ParkedArgs),
    /// Decides about one parked message: `--resend` (it may arrive twice; recorded as your
    /// decision; `resume` sends it) or `--mark-failed` (given up).
    Resolve(ResolveArgs),
}

/// Where the outbox lives.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The outbox: `sqlite:PATH` (one machine) or `postgres://user@host/db` (many machines;
    /// the password from the URL or PGPASSWORD; never printed).
    #[arg(
        long,
        env = "QIKBERRY_OUTBOX_STORE",
        hide_env_values = true,
        default_value = "sqlite:qikberry-outbox.db"
    )]
    pub store: String,
}

/// How the summary is printed.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Prints the final summary (or the status) as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress bar nor progress lines (the final summary is still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `send`.
#[derive(Debug, Clone, Args)]
pub struct SendArgs {
    /// The campaign's name (`status` and `resume` find it by this name).
    #[arg(long)]
    pub campaign: String,
    /// The messages: CSV with the header `reference,to,text` (optional columns `from`,
    /// `service`, `entity_id`, `template_id`, `tm_id`), or JSON lines with those fields.
    #[arg(long)]
    pub file: PathBuf,
    /// The file's format; by default from its extension (`.csv`; `.jsonl`, `.ndjson`, `.json`).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The sender id for rows without a `from`.
    #[arg(long)]
    pub from: Option<String>,
    /// Messages enqueued per transaction.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk: u32,
    /// How to run the workers.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `resume`.
#[derive(Debug, Clone, Args)]
pub struct ResumeArgs {
    /// The campaign to finish.
    #[arg(long)]
    pub campaign: String,
    /// How to run the workers.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `status`.
#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    /// A campaign's counts per state.
    #[arg(
        long,
        conflicts_with = "reference",
        required_unless_present = "reference"
    )]
    pub campaign: Option<String>,
    /// One message, by the reference it was enqueued with.
    #[arg(long)]
    pub reference: Option<String>,
    /// Where the outbox lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `parked`.
#[derive(Debug, Clone, Args)]
pub struct ParkedArgs {
    /// Only this campaign's parked messages (all of them when absent).
    #[arg(long)]
    pub campaign: Option<String>,
    /// At most this many, oldest first.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
    /// Where the outbox lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output (`--json`: one JSON array of the messages, as `status --reference` shows them).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `resolve`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["resend", "mark_failed"])))]
pub struct ResolveArgs {
    /// The parked message's reference.
    pub reference: String,
    /// Queue it again, knowing the first send may have reached the SMSC (it may arrive twice).
    /// Only a message parked as unknown can be resent.
    #[arg(long)]
    pub resend: bool,
    /// Give it up: it becomes failed, with `--note` as its last error. Also for a REST message
    /// still being looked up by reference.
    #[arg(long)]
    pub mark_failed: bool,
    /// The reason recorded with `--mark-failed`.
    #[arg(
        long,
        requires = "mark_failed",
        default_value = "marked failed by the user (qikberry-outbox resolve)"
    )]
    pub note: String,
    /// Where the outbox lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output (`--json`: the message afterwards, as `status --reference` shows it).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// An input file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Via {
    /// `POST /sms/send` with `custom` = reference (sends in doubt are looked up by `cid`).
    Rest,
    /// SMPP `submit_sm` (sends in doubt are parked as unknown, for you to decide).
    Smpp,
}

/// How the workers run (`send` and `resume`).
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Where the outbox lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Workers in this process.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub workers: u32,
    /// Sends in flight per worker.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Messages a worker claims at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch: u32,
    /// The account-wide rate, SMS parts per second (`200` or `200/s`); unpaced when absent.
    #[arg(long, value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// Shares `--rate` with every process using the same Redis (`redis://[:password@]host/db`)
    /// instead of pacing this process alone.
    #[arg(
        long,
        env = "QIKBERRY_REDIS_URL",
        requires = "rate",
        hide_env_values = true
    )]
    pub redis: Option<String>,
    /// The Redis key of the shared rate (every process sharing it names it alike).
    #[arg(long, default_value = "qikberry:outbox:rate")]
    pub redis_key: String,
    /// Also waits until every accepted message has a final delivery status (REST: pulled
    /// by reference; SMPP: delivery receipts).
    #[arg(long)]
    pub wait_final: bool,
    /// The transport.
    #[arg(long, value_enum, default_value_t = Via::Rest)]
    pub via: Via,
    /// SMPP server `host:port` (`--via smpp`); the password comes from QIKBERRY_SMPP_PASSWORD.
    #[arg(long, env = "QIKBERRY_SMPP_ADDR")]
    pub smpp_addr: Option<String>,
    /// SMPP system id (`--via smpp`).
    #[arg(long, env = "QIKBERRY_SMPP_SYSTEM_ID")]
    pub system_id: Option<String>,
    /// How long a claim is held without news (seconds); a crashed worker's claims go into
    /// doubt after it. Keep it above the longest send.
    #[arg(long, default_value = "60", value_parser = parse_secs)]
    pub lease: Duration,
    /// A REST send in doubt is resent only when the platform has not had it for this long
    /// (seconds) and after three lookups by reference.
    #[arg(long, default_value = "120", value_parser = parse_secs)]
    pub grace: Duration,
    /// Wait between two lookups of a send in doubt (seconds).
    #[arg(long, default_value = "20", value_parser = parse_secs)]
    pub lookup_interval: Duration,
    /// Progress lines every this many seconds when stdout is not a terminal (0: none).
    #[arg(long, default_value = "5", value_parser = parse_secs)]
    pub progress_every: Duration,
}

/// `200`, `200/s`, `12.5/s`.
fn parse_rate(s: &str) -> Result<f64, String> {
    let n = s.strip_suffix("/s").unwrap_or(s).trim();
    match n.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "`{s}`: expected a positive number per second, like 200/s"
        )),
    }
}

/// Seconds, fractions allowed (`0.5`).
fn parse_secs(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(Duration::from_secs_f64(x)),
        _ => Err(format!("`{s}`: expected a number of seconds")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_seconds_parse() {
        assert_eq!(parse_rate("200/s"), Ok(200.0));
        assert_eq!(parse_rate("12.5"), Ok(12.5));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("fast").is_err());
        assert_eq!(parse_secs("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_secs("-1").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
