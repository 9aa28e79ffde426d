//! Running the workers on a campaign until nothing is left to send (or Ctrl-C).

use std::sync::Arc;
use std::time::{Duration, Instant};

use qikberry::outbox::{Outbox, Report, Summary, Worker, WorkerConfig};
use qikberry::ratelimit::{LocalLimiter, Rate, RateLimiter, RedisLimiter};
use tokio::task::JoinSet;

use crate::args::RunArgs;
use crate::counts::Counts;
use crate::progress::Progress;
use crate::transport::Sending;

/// How often the store's counts are read.
const POLL: Duration = Duration::from_millis(200);
/// What the SMPP client gets to finish its last sends when closing.
const DRAIN: Duration = Duration::from_secs(5);

/// What a run did.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The workers' reports, added up.
    pub report: Report,
    /// The campaign's counts per state at the end.
    pub summary: Summary,
    /// How long the workers ran.
    pub elapsed: Duration,
    /// Stopped by Ctrl-C.
    pub interrupted: bool,
}

/// Runs `args.workers` workers on `campaign` until it has nothing left to send (and with
/// `--wait-final`, until every accepted message has a final status) or Ctrl-C.
pub async fn run(outbox: &Outbox, campaign: &str, args: &RunArgs) -> Result<Finished, String> {
    let limiter = limiter(args).await?;
    let sending = Sending::connect(args, outbox, campaign, limiter).await?;
    let workers: Vec<Arc<Worker>> = (0..args.workers)
        .map(|i| {
            Arc::new(Worker::new(
                outbox,
                sending.transport.clone(),
                config(args, &sending, i),
            ))
        })
        .collect();
    let mut tasks = JoinSet::new();
    for w in &workers {
        let w = w.clone();
        tasks.spawn(async move { w.run(std::future::pending()).await });
    }
    let start = Instant::now();
    let mut progress = Progress::new(args.output.quiet, args.progress_every);
    let watched = watch(outbox, campaign, args.wait_final, &mut progress, &mut tasks).await;
    for w in &workers {
        w.stop();
    }
    let mut report = Report::default();
    let mut failure = watched.as_ref().err().cloned();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(r)) => report += r,
            Ok(Err(e)) => failure = Some(format!("a worker stopped: {e}")),
            Err(e) => failure = Some(format!("a worker panicked: {e}")),
        }
    }
    let elapsed = start.elapsed();
    sending.close(DRAIN).await;
    let summary = outbox
        .summary(Some(campaign))
        .await
        .map_err(|e| e.to_string())?;
    progress.update(&Counts::of(&summary));
    progress.finish();
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(Finished {
        report,
        summary,
        elapsed,
        interrupted: watched == Ok(true),
    })
}

/// Polls the store until the campaign is done (`Ok(false)`), Ctrl-C (`Ok(true)`; a second
/// Ctrl-C exits at once with 130) or a worker ends early (its error is collected later).
async fn watch(
    outbox: &Outbox,
    campaign: &str,
    wait_final: bool,
    progress: &mut Progress,
    tasks: &mut JoinSet<qikberry::outbox::Result<Report>>,
) -> Result<bool, String> {
    let mut tick = tokio::time::interval(POLL);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let summary = outbox.summary(Some(campaign)).await.map_err(|e| e.to_string())?;
                let counts = Counts::of(&summary);
                progress.update(&counts);
                if counts.done(&summary, wait_final) {
                    return Ok(false);
                }
            }
            r = tokio::signal::ctrl_c() => {
                r.map_err(|e| format!("cannot listen for Ctrl-C: {e}"))?;
                progress.note("Stopping: no new sends; recording the sends under way \
                               (Ctrl-C again to quit at once).");
                tokio::spawn(async {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        std::process::exit(130);
                    }
                });
                return Ok(true);
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {
                // A worker ended on its own: only an error does that. Collect it with the rest.
                return Err("a worker stopped early".into());
            }
        }
    }
}

/// The account-wide rate: shared through Redis with `--redis`, else this process's.
async fn limiter(args: &RunArgs) -> Result<Option<Arc<dyn RateLimiter>>, String> {
    let Some(per_second) = args.rate else {
        return Ok(None);
    };
    let rate = Rate::per_second(per_second);
    Ok(Some(match &args.redis {
        Some(url) => Arc::new(
            RedisLimiter::connect(url, args.redis_key.clone(), rate)
                .await
                .map_err(|e| format!("--redis: {e}"))?,
        ),
        None => Arc::new(LocalLimiter::new(rate)),
    }))
}

fn config(args: &RunArgs, sending: &Sending, i: u32) -> WorkerConfig {
    let mut c = WorkerConfig::named(format!("cli-{i}"));
    c.batch = args.batch as usize;
    c.concurrency = args.concurrency as usize;
    c.lease = args.lease;
    c.grace = args.grace;
    c.lookup_interval = args.lookup_interval;
    c.limiter = sending.worker_limiter.clone();
    c
}
