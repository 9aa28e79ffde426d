//! One client run (`client NAME ADDR WINDOW MESSAGES RECEIPTS`), in a process of its own: bind,
//! warm up, then time `MESSAGES` submit_sm (and, with receipts, until every receipt is in and
//! answered) and print `msg/s cpu-µs/msg` on one line.
//!
//! CPU is this process's own user + system time over the timed part
//! (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`: every thread of the client's runtime, nanosecond
//! resolution), so neither the SMSC (another process) nor start-up, bind and warm-up count.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

/// Messages sent before the timed part (connections warm, buffers grown).
const WARMUP: usize = 200;

/// The two clients compared.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Which {
    Qikberry,
    Rusmppc,
}

impl Which {
    pub fn name(self) -> &'static str {
        match self {
            Which::Qikberry => "qikberry",
            Which::Rusmppc => "rusmppc",
        }
    }

    pub fn parse(s: &str) -> Which {
        match s {
            "qikberry" => Which::Qikberry,
            "rusmppc" => Which::Rusmppc,
            _ => panic!("client qikberry|rusmppc"),
        }
    }
}

/// What one timed run measured.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub msg_per_s: f64,
    pub cpu_us_per_msg: f64,
}

/// Runs `which` against `addr` in this process (the `client` subcommand).
pub fn run(which: Which, addr: &str, window: usize, n: usize, receipts: bool) -> Run {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        match which {
            Which::Qikberry => run_qikberry(addr, window, n, receipts).await,
            Which::Rusmppc => run_rusmppc(addr, window, n, receipts).await,
        }
    })
}

/// CPU time of this process (all threads), user + system.
fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// `count` submissions by `window` tasks, each submitting in a loop (so `window` in flight).
async fn in_window<F, Fut>(window: usize, count: usize, submit: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let (per, extra) = (count / window, count % window);
    let tasks: Vec<_> = (0..window)
        .map(|w| {
            let submit = submit.clone();
            let k = per + usize::from(w < extra);
            tokio::spawn(async move {
                for _ in 0..k {
                    submit().await;
                }
            })
        })
        .collect();
    for t in futures_util::future::join_all(tasks).await {
        t.expect("submitting task");
    }
}

/// Warm-up, then the timed part: `n` submissions and (with receipts) every receipt counted in
/// `got`.
async fn measure<F, Fut>(
    window: usize,
    n: usize,
    receipts: bool,
    got: &AtomicUsize,
    submit: F,
) -> Run
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    in_window(window, WARMUP, submit.clone()).await;
    wait_count(got, if receipts { WARMUP } else { 0 }).await;
    let (t0, c0) = (Instant::now(), process_cpu());
    in_window(window, n, submit).await;
    wait_count(got, if receipts { WARMUP + n } else { 0 }).await;
    let (elapsed, cpu) = (t0.elapsed(), process_cpu() - c0);
    Run {
        msg_per_s: n as f64 / elapsed.as_secs_f64(),
        cpu_us_per_msg: cpu.as_secs_f64() * 1e6 / n as f64,
    }
}

async fn wait_count(c: &AtomicUsize, n: usize) {
    let t0 = Instant::now();
    while c.load(Ordering::Relaxed) < n {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "receipts missing: {} of {n}",
            c.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

async fn run_qikberry(addr: &str, window: usize, n: usize, receipts: bool) -> Run {
    use qikberry::smpp::{Client, Config, Server, pdu::SubmitSm};
    let mut c = Config::new("esme1", "secret", vec![Server::plain(addr)]);
    c.window = window;
    c.request_timeout = Duration::from_secs(30);
    c.enquire_link_interval = Duration::from_secs(60);
    let client = Client::connect(c).await.expect("qikberry bind");
    let got = Arc::new(AtomicUsize::new(0));
    let mut events = client.events().unwrap();
    let g = got.clone();
    tokio::spawn(async move {
        while events.recv().await.is_some() {
            g.fetch_add(1, Ordering::Relaxed);
        }
    });
    let sm = SubmitSm {
        source_addr: "QIKBRY".into(),
        destination_addr: "919900000001".into(),
        registered_delivery: u8::from(receipts),
        short_message: b"Your one-time password is 482913.".to_vec(),
        ..SubmitSm::default()
    };
    let c2 = client.clone();
    let submit = move || {
        let (client, sm) = (c2.clone(), sm.clone());
        async move {
            client.submit_sm(sm).await.expect("qikberry submit");
        }
    };
    let run = measure(window, n, receipts, &got, submit).await;
    client.shutdown(Duration::from_secs(5)).await;
    run
}

async fn run_rusmppc(addr: &str, window: usize, n: usize, receipts: bool) -> Run {
    use rusmpp::CommandId;
    use rusmpp::pdus::{BindTransceiver, DeliverSmResp, SubmitSm};
    use rusmpp::types::{COctetString, OctetString};
    use rusmpp::values::{Npi, RegisteredDelivery, Ton};
    let (client, mut events) = rusmppc::ConnectionBuilder::new()
        .disable_interface_version_check()
        .enquire_link_interval(Duration::from_secs(60))
        .response_timeout(Duration::from_secs(30))
        .connect(format!("smpp://{addr}"))
        .await
        .expect("rusmppc connect");
    client
        .bind_transceiver(
            BindTransceiver::builder()
                .system_id(COctetString::from_str("esme1").unwrap())
                .password(COctetString::from_str("secret").unwrap())
                .system_type(COctetString::from_str("smpp").unwrap())
                .addr_ton(Ton::Unknown)
                .addr_npi(Npi::Unknown)
                .address_range(COctetString::empty())
                .build(),
        )
        .await
        .expect("rusmppc bind");
    let got = Arc::new(AtomicUsize::new(0));
    let (g, c2) = (got.clone(), client.clone());
    tokio::spawn(async move {
        while let Some(ev) = events.next().await {
            if let rusmppc::Event::Incoming(cmd) = ev
                && cmd.id() == CommandId::DeliverSm
            {
                let _ = c2
                    .deliver_sm_resp(cmd.sequence_number(), DeliverSmResp::default())
                    .await;
                g.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let sm = SubmitSm::builder()
        .source_addr(COctetString::from_str("QIKBRY").unwrap())
        .destination_addr(COctetString::from_str("919900000001").unwrap())
        .registered_delivery(if receipts {
            RegisteredDelivery::request_all()
        } else {
            RegisteredDelivery::default()
        })
        .short_message(OctetString::from_str("Your one-time password is 482913.").unwrap())
        .build();
    let c3 = client.clone();
    let submit = move || {
        let (client, sm) = (c3.clone(), sm.clone());
        async move {
            client.submit_sm(sm).await.expect("rusmppc submit");
        }
    };
    let run = measure(window, n, receipts, &got, submit).await;
    let _ = client.unbind().await;
    let _ = client.close().await;
    run
}
