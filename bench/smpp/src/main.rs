//! Loopback submit_sm throughput and client CPU per message: `qikberry::smpp` against the
//! reference client `rusmppc`, interleaved on the same SMSC — the npm `smpp` server
//! (tests/peers/smpp/smsc.js) and the crates.io `smpp34` server.
//!
//! ```text
//! QIKBERRY_TOOLS=$PWD/.tools cargo run --release --manifest-path bench/smpp/Cargo.toml -- \
//!     [--messages 5000] [--rounds 11] [--windows 1,10,64] [--servers npm,smpp34] \
//!     [--modes plain,receipts]
//! ```
//!
//! Interleaved, as `tests/benches/request_overhead.rs` does it: for each server, mode and window,
//! many short rounds; in each round both clients run once, one after the other on the same
//! SMSC process (who goes first alternates), and the round's ratios — qikberry ÷ rusmppc
//! messages per second, and qikberry ÷ rusmppc CPU per message — are taken within the round.
//! The table shows the median of those ratios (and the median absolute figures), so a burst of
//! load from other processes on a shared machine moves both sides of the ratios it touches.
//!
//! Each client run is a child process of this binary (`client …`, see [`clients`]), which
//! measures its own CPU over the timed part; the SMSC is a process of its own. "Window W"
//! means W submissions in flight: W tasks each submitting in a loop (the same for both
//! clients), with qikberry's own window also set to W. In `receipts` mode every message asks
//! for a delivery receipt, and a run ends when all submit responses *and* all receipts (each
//! answered with deliver_sm_resp) are in.

mod clients;
mod servers;

use std::process::Command;
use std::time::{Duration, Instant};

use clients::{Run, Which};
use servers::Peer;

struct Opts {
    messages: usize,
    rounds: usize,
    windows: Vec<usize>,
    servers: Vec<Peer>,
    /// `false` = plain submit_sm, `true` = with receipts.
    modes: Vec<bool>,
}

fn list<T>(v: &str, item: impl Fn(&str) -> T) -> Vec<T> {
    v.split(',').map(item).collect()
}

fn parse_opts(args: &[String]) -> Opts {
    let mut o = Opts {
        messages: 5_000,
        rounds: 11,
        windows: vec![1, 10, 64],
        servers: vec![Peer::Smpp34, Peer::Npm],
        modes: vec![false, true],
    };
    for pair in args.chunks(2) {
        let v = pair.get(1).map(String::as_str).unwrap_or_default();
        match pair[0].as_str() {
            "--messages" => o.messages = v.parse().expect("--messages N"),
            "--rounds" => o.rounds = v.parse().expect("--rounds N"),
            "--windows" => o.windows = list(v, |w| w.parse().expect("--windows 1,10,64")),
            "--servers" => {
                o.servers = list(v, |s| match s {
                    "npm" => Peer::Npm,
                    "smpp34" => Peer::Smpp34,
                    _ => panic!("--servers npm,smpp34"),
                })
            }
            "--modes" => {
                o.modes = list(v, |m| match m {
                    "plain" => false,
                    "receipts" => true,
                    _ => panic!("--modes plain,receipts"),
                })
            }
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

/// One client run in a child process of this binary.
fn run_child(which: Which, addr: &str, window: usize, n: usize, receipts: bool) -> Run {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "client",
            which.name(),
            addr,
            &window.to_string(),
            &n.to_string(),
            if receipts { "1" } else { "0" },
        ])
        .output()
        .expect("client process");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} client failed: {}{}",
        which.name(),
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut f = text.split_whitespace().map(|v| v.parse::<f64>().unwrap());
    Run {
        msg_per_s: f.next().unwrap(),
        cpu_us_per_msg: f.next().unwrap(),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// The rounds of one server, mode and window: (qikberry, rusmppc) per round.
fn rounds(o: &Opts, addr: &str, window: usize, receipts: bool) -> Vec<(Run, Run)> {
    (0..o.rounds)
        .map(|i| {
            let go = |w| run_child(w, addr, window, o.messages, receipts);
            if i % 2 == 0 {
                let q = go(Which::Qikberry);
                (q, go(Which::Rusmppc))
            } else {
                let r = go(Which::Rusmppc);
                (go(Which::Qikberry), r)
            }
        })
        .collect()
}

/// One table row from the rounds; the raw rounds go to stderr.
fn row(peer: Peer, window: usize, runs: &[(Run, Run)]) {
    let of = |f: &dyn Fn(&(Run, Run)) -> f64| median(runs.iter().map(f).collect());
    let rate_ratios: Vec<f64> = runs
        .iter()
        .map(|(q, r)| q.msg_per_s / r.msg_per_s)
        .collect();
    let cpu_ratios: Vec<f64> = runs
        .iter()
        .map(|(q, r)| q.cpu_us_per_msg / r.cpu_us_per_msg)
        .collect();
    println!(
        "| {peer:?} | {window} | {:.0} | {:.0} | **{:.2}×** | {:.1} | {:.1} | **{:.2}×** |",
        of(&|(q, _)| q.msg_per_s),
        of(&|(_, r)| r.msg_per_s),
        median(rate_ratios.clone()),
        of(&|(q, _)| q.cpu_us_per_msg),
        of(&|(_, r)| r.cpu_us_per_msg),
        median(cpu_ratios.clone()),
    );
    eprintln!("  {peer:?} w{window}: msg/s ratios {rate_ratios:.2?}");
    eprintln!("  {peer:?} w{window}: cpu ratios   {cpu_ratios:.2?}");
    let raw: Vec<String> = runs
        .iter()
        .map(|(q, r)| format!("{:.0}/{:.0}", q.msg_per_s, r.msg_per_s))
        .collect();
    eprintln!(
        "  {peer:?} w{window}: msg/s qikberry/rusmppc {}",
        raw.join(" ")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve-smpp34") => {
            let port: u16 = args[2].parse().unwrap();
            let receipts = args[3] == "1";
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(servers::smsc34::serve(port, receipts));
            return;
        }
        Some("client") => {
            let n = |i: usize| args[i].parse::<usize>().unwrap();
            let run = clients::run(Which::parse(&args[2]), &args[3], n(4), n(5), args[6] == "1");
            println!("{} {}", run.msg_per_s, run.cpu_us_per_msg);
            return;
        }
        _ => {}
    }
    let o = parse_opts(&args[1..]);
    let t0 = Instant::now();
    for &receipts in &o.modes {
        println!(
            "\n{} — {} rounds of {} messages per client; medians of per-round ratios",
            if receipts {
                "with receipts"
            } else {
                "submit_sm only"
            },
            o.rounds,
            o.messages
        );
        println!(
            "| server | window | qikberry msg/s | rusmppc msg/s | msg/s ratio | qikberry CPU µs/msg | rusmppc CPU µs/msg | CPU/msg ratio |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for &peer in &o.servers {
            let server = servers::start(peer, receipts);
            std::thread::sleep(Duration::from_millis(300));
            for &w in &o.windows {
                row(peer, w, &rounds(&o, &server.addr, w, receipts));
            }
        }
    }
    eprintln!("total {:.0} s", t0.elapsed().as_secs_f64());
}
