//! Loopback submit_sm throughput: `qikberry::smpp` against the reference client `rusmppc`, on the
//! same servers in the same run — the npm `smpp` server (tests/peers/smpp/smsc.js) and the
//! crates.io `smpp34` server (run in a child process of this binary).
//!
//! ```text
//! QIKBERRY_TOOLS=$PWD/.tools cargo run --release --manifest-path bench/smpp/Cargo.toml -- \
//!     [--messages 10000] [--windows 1,10,64] [--servers npm,smpp34] [--receipts] [--rounds 3]
//! ```
//!
//! "Window W" means W submissions in flight: W worker tasks each submitting in a loop (the same
//! for both clients), with qikberry's own window also set to W. With `--receipts` every message
//! asks for a delivery receipt; a run ends when all submit responses *and* all receipts (each
//! answered with deliver_sm_resp) are in.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

const WARMUP: usize = 200;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Peer {
    Npm,
    Smpp34,
}

struct Opts {
    messages: usize,
    windows: Vec<usize>,
    servers: Vec<Peer>,
    receipts: bool,
    rounds: usize,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        messages: 10_000,
        windows: vec![1, 10, 64],
        servers: vec![Peer::Npm, Peer::Smpp34],
        receipts: false,
        rounds: 3,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--messages" => o.messages = v.parse().expect("--messages N"),
            "--windows" => {
                o.windows = v
                    .split(',')
                    .map(|w| w.parse().expect("--windows 1,10,64"))
                    .collect()
            }
            "--servers" => {
                o.servers = v
                    .split(',')
                    .map(|s| match s {
                        "npm" => Peer::Npm,
                        "smpp34" => Peer::Smpp34,
                        _ => panic!("--servers npm,smpp34"),
                    })
                    .collect()
            }
            "--rounds" => o.rounds = v.parse().expect("--rounds N"),
            "--receipts" => {
                o.receipts = true;
                i += 1;
                continue;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    o
}

// ---------------------------------------------------------------- servers

mod smsc34 {
    use async_trait::async_trait;
    use smpp34::{
        SmppConnectionInformation, SmppServer, SmppServerListener, TlvTag, bind_transceiver,
        bind_transceiver_resp, server::ESME, submit_sm, submit_sm_resp,
    };
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    struct Handler {
        next: AtomicU64,
        receipts: bool,
        esmes: Mutex<HashMap<String, Arc<ESME>>>,
    }

    #[async_trait]
    impl SmppServerListener for Handler {
        async fn on_bind_transceiver(
            &self,
            req: bind_transceiver,
            _c: &SmppConnectionInformation,
            _s: &String,
        ) -> bind_transceiver_resp {
            req.accept("SMPP34".to_string(), Some(0x34))
        }
        async fn on_esme_bound(&self, esme: ESME, session_id: &String) {
            self.esmes
                .lock()
                .unwrap()
                .insert(session_id.clone(), Arc::new(esme));
        }
        async fn on_esme_unbound(&self, session_id: &String) {
            self.esmes.lock().unwrap().remove(session_id);
        }
        async fn on_submit_sm(
            &self,
            req: submit_sm,
            _c: &SmppConnectionInformation,
            session_id: &String,
        ) -> submit_sm_resp {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let id = format!("{n:X}");
            if self.receipts && req.registered_delivery != 0 {
                let esme = self.esmes.lock().unwrap().get(session_id).cloned();
                if let Some(esme) = esme {
                    let text = format!(
                        "id:{n} sub:001 dlvrd:001 submit date:2611251010 done date:2611251010 stat:DELIVRD err:000 text:"
                    );
                    let (src, dst, rid) = (
                        req.destination_addr.clone(),
                        req.source_addr.clone(),
                        id.clone(),
                    );
                    tokio::spawn(async move {
                        let mut rid = rid.into_bytes();
                        rid.push(0);
                        let _ = esme
                            .deliver_sm()
                            .source_addr(src)
                            .destination_addr(dst)
                            .esm_class(0x04)
                            .short_message(text.into_bytes())
                            .tlv(TlvTag::ReceiptedMessageId, rid)
                            .tlv(TlvTag::MessageStateTlv, vec![2u8])
                            .send()
                            .await;
                    });
                }
            }
            req.accept(id)
        }
    }

    pub async fn serve(port: u16, receipts: bool) {
        let handler = Arc::new(Handler {
            next: AtomicU64::new(1),
            receipts,
            esmes: Mutex::new(HashMap::new()),
        });
        let mut server = SmppServer::new("127.0.0.1".parse().unwrap(), port, handler);
        server.start().await;
        println!("ready");
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    }
}

struct Server {
    child: std::process::Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(peer: Peer, receipts: bool) -> Server {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    match peer {
        Peer::Smpp34 => {
            let port = free_port();
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args([
                    "serve-smpp34",
                    &port.to_string(),
                    if receipts { "1" } else { "0" },
                ])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            assert_eq!(line.trim(), "ready");
            Server {
                child,
                addr: format!("127.0.0.1:{port}"),
            }
        }
        Peer::Npm => {
            let tools = std::env::var("QIKBERRY_TOOLS")
                .expect("set QIKBERRY_TOOLS (the .tools dir with node_modules/smpp)");
            let script = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/peers/smpp/smsc.js"
            );
            let opts = if receipts {
                r#"{"port":0,"quiet":true,"dlr":"tlv"}"#
            } else {
                r#"{"port":0,"quiet":true}"#
            };
            let mut child = Command::new("node")
                .arg(script)
                .arg(opts)
                .env("QIKBERRY_TOOLS", tools)
                .stdout(Stdio::piped())
                .spawn()
                .expect("node");
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            Server {
                child,
                addr: format!("127.0.0.1:{}", v["port"]),
            }
        }
    }
}

// ---------------------------------------------------------------- clients

async fn run_qikberry(addr: &str, window: usize, n: usize, receipts: bool) -> (f64, f64) {
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
    let batch = |count: usize| {
        let per = count / window;
        let extra = count % window;
        let futs: Vec<_> = (0..window)
            .map(|w| {
                let client = client.clone();
                let sm = sm.clone();
                let k = per + usize::from(w < extra);
                tokio::spawn(async move {
                    for _ in 0..k {
                        client.submit_sm(sm.clone()).await.expect("qikberry submit");
                    }
                })
            })
            .collect();
        futures_util::future::join_all(futs)
    };
    batch(WARMUP).await;
    wait_count(&got, if receipts { WARMUP } else { 0 }).await;
    let (t0, c0) = (Instant::now(), cpu_ticks());
    batch(n).await;
    wait_count(&got, if receipts { WARMUP + n } else { 0 }).await;
    let rate = n as f64 / t0.elapsed().as_secs_f64();
    let cpu_us = (cpu_ticks() - c0) as f64 * 1e6 / ticks_per_sec() / n as f64;
    client.shutdown(Duration::from_secs(5)).await;
    (rate, cpu_us)
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

async fn run_rusmppc(addr: &str, window: usize, n: usize, receipts: bool) -> (f64, f64) {
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
    let submit = SubmitSm::builder()
        .source_addr(COctetString::from_str("QIKBRY").unwrap())
        .destination_addr(COctetString::from_str("919900000001").unwrap())
        .registered_delivery(if receipts {
            RegisteredDelivery::request_all()
        } else {
            RegisteredDelivery::default()
        })
        .short_message(OctetString::from_str("Your one-time password is 482913.").unwrap())
        .build();
    let batch = |count: usize| {
        let per = count / window;
        let extra = count % window;
        let futs: Vec<_> = (0..window)
            .map(|w| {
                let client = client.clone();
                let submit = submit.clone();
                let k = per + usize::from(w < extra);
                tokio::spawn(async move {
                    for _ in 0..k {
                        client
                            .submit_sm(submit.clone())
                            .await
                            .expect("rusmppc submit");
                    }
                })
            })
            .collect();
        futures_util::future::join_all(futs)
    };
    batch(WARMUP).await;
    wait_count(&got, if receipts { WARMUP } else { 0 }).await;
    let (t0, c0) = (Instant::now(), cpu_ticks());
    batch(n).await;
    wait_count(&got, if receipts { WARMUP + n } else { 0 }).await;
    let rate = n as f64 / t0.elapsed().as_secs_f64();
    let cpu_us = (cpu_ticks() - c0) as f64 * 1e6 / ticks_per_sec() / n as f64;
    let _ = client.unbind().await;
    let _ = client.close().await;
    (rate, cpu_us)
}

/// utime + stime of this process (all threads; the servers are child processes) in clock ticks.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of /proc/pid/stat; `after` starts at field 3.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn ticks_per_sec() -> f64 {
    100.0 // USER_HZ on Linux
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve-smpp34") {
        let port: u16 = args[2].parse().unwrap();
        let receipts = args[3] == "1";
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(smsc34::serve(port, receipts));
        return;
    }
    let o = parse_opts();
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!(
        "messages={} rounds={} receipts={} (median msgs/s of the rounds; the two clients alternate on one server process)",
        o.messages, o.rounds, o.receipts
    );
    println!(
        "| server | window | qikberry msg/s | rusmppc msg/s | ratio | qikberry client CPU µs/msg | rusmppc client CPU µs/msg |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &peer in &o.servers {
        let server = start_server(peer, o.receipts);
        std::thread::sleep(Duration::from_millis(300));
        for &w in &o.windows {
            let (mut ours, mut theirs, mut ours_cpu, mut theirs_cpu) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for _ in 0..o.rounds {
                let (r, c) = rt.block_on(run_qikberry(&server.addr, w, o.messages, o.receipts));
                ours.push(r);
                ours_cpu.push(c);
                let (r, c) = rt.block_on(run_rusmppc(&server.addr, w, o.messages, o.receipts));
                theirs.push(r);
                theirs_cpu.push(c);
            }
            let (a, b) = (median(ours.clone()), median(theirs.clone()));
            println!(
                "| {:?} | {w} | {a:.0} | {b:.0} | {:.2}× | {:.1} | {:.1} |",
                peer,
                a / b,
                median(ours_cpu),
                median(theirs_cpu)
            );
            eprintln!("  raw qikberry {ours:.0?} rusmppc {theirs:.0?}");
        }
    }
}
