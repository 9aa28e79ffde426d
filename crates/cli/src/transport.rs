//! `--via`: the REST or SMPP transport, and where delivery statuses come from (REST pulls by
//! reference, SMPP receipts).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use qikberry::outbox::{Outbox, RestTransport, SmppTransport, State, StatusEvent, Transport};
use qikberry::ratelimit::RateLimiter;
use qikberry::smpp::{self, Inbound};
use tokio::task::JoinHandle;

use crate::args::{RunArgs, Via};

/// The environment variable the SMPP password is read from (never a flag).
pub const SMPP_PASSWORD_VAR: &str = "QIKBERRY_SMPP_PASSWORD";

/// A connected transport and the task feeding delivery statuses into the outbox.
pub struct Sending {
    /// What the workers send through.
    pub transport: Arc<dyn Transport>,
    /// The account-wide rate for the workers (`None` for SMPP: the client paces itself).
    pub worker_limiter: Option<Arc<dyn RateLimiter>>,
    smpp: Option<smpp::Client>,
    statuses: Option<JoinHandle<()>>,
}

impl Sending {
    /// Connects `--via`; with `--wait-final` also starts feeding statuses for `campaign`.
    pub async fn connect(
        args: &RunArgs,
        outbox: &Outbox,
        campaign: &str,
        limiter: Option<Arc<dyn RateLimiter>>,
    ) -> Result<Sending, String> {
        match args.via {
            Via::Rest => {
                let client = qikberry::Client::from_env()
                    .map_err(|e| format!("REST client (QIKBERRY_TOKEN, QIKBERRY_HOST): {e}"))?;
                let transport: Arc<dyn Transport> = Arc::new(RestTransport::new(client));
                let statuses = args.wait_final.then(|| {
                    tokio::spawn(pull_statuses(
                        outbox.clone(),
                        transport.clone(),
                        campaign.to_owned(),
                    ))
                });
                Ok(Sending {
                    transport,
                    worker_limiter: limiter,
                    smpp: None,
                    statuses,
                })
            }
            Via::Smpp => {
                let client = connect_smpp(args, limiter).await?;
                let statuses = client
                    .events()
                    .map(|events| tokio::spawn(apply_receipts(outbox.clone(), events)));
                let transport = Arc::new(SmppTransport::new(client.clone()));
                Ok(Sending {
                    transport,
                    worker_limiter: None,
                    smpp: Some(client),
                    statuses,
                })
            }
        }
    }

    /// Stops the status feed and unbinds SMPP (sends under way get `drain` to finish).
    pub async fn close(self, drain: Duration) {
        if let Some(task) = self.statuses {
            task.abort();
        }
        if let Some(client) = self.smpp {
            client.shutdown(drain).await;
        }
    }
}

async fn connect_smpp(
    args: &RunArgs,
    limiter: Option<Arc<dyn RateLimiter>>,
) -> Result<smpp::Client, String> {
    let addr = args
        .smpp_addr
        .as_deref()
        .ok_or("--via smpp needs --smpp-addr host:port")?;
    let system_id = args
        .system_id
        .as_deref()
        .ok_or("--via smpp needs --system-id")?;
    let password = std::env::var(SMPP_PASSWORD_VAR)
        .map_err(|_| format!("--via smpp needs the password in {SMPP_PASSWORD_VAR}"))?;
    let mut config = smpp::Config::new(system_id, password, vec![smpp::Server::plain(addr)]);
    config.message_limiter = limiter;
    smpp::Client::connect(config)
        .await
        .map_err(|e| format!("SMPP {addr} as {system_id}: {e}"))
}

/// SMPP receipts into the outbox (matched by message id).
async fn apply_receipts(outbox: Outbox, mut events: tokio::sync::mpsc::Receiver<Inbound>) {
    while let Some(event) = events.recv().await {
        if let Inbound::Receipt(receipt) = event
            && let Err(e) = outbox.apply(StatusEvent::from(&receipt)).await
        {
            eprintln!("qikberry-outbox: a delivery receipt was not stored: {e}");
        }
    }
}

/// Lookups in flight while pulling statuses.
const PULL_CONCURRENCY: usize = 8;
/// Submitted messages looked up per round.
const PULL_BATCH: usize = 500;

/// REST: looks the campaign's submitted messages up by reference, round after round, and
/// applies the statuses found.
async fn pull_statuses(outbox: Outbox, transport: Arc<dyn Transport>, campaign: String) {
    loop {
        let refs = match outbox
            .list(State::Submitted, Some(&campaign), PULL_BATCH)
            .await
        {
            Ok(refs) => refs,
            Err(e) => {
                eprintln!("qikberry-outbox: status pull: {e}");
                Vec::new()
            }
        };
        futures_util::stream::iter(refs)
            .for_each_concurrent(PULL_CONCURRENCY, |reference| {
                let (outbox, transport) = (&outbox, &transport);
                async move {
                    let Ok(found) = transport.lookup(&reference).await else {
                        return;
                    };
                    for f in found {
                        if let Some(status) = f.status {
                            let event =
                                StatusEvent::new(f.message_id, status).reference(&*reference);
                            let _ = outbox.apply(event).await;
                        }
                    }
                }
            })
            .await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
