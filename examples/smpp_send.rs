//! Send one SMS over SMPP and optionally wait for its delivery receipts.
//!
//! ```text
//! cargo run -p qikberry-examples --example smpp_send -- \
//!   --addr smpp1.txtsms.me:3635 --tls --system-id ID [--password PW, or QIKBERRY_SMPP_PASSWORD in the environment] \
//!   --from QIKBRY --to 919999999999 --text "Hello" \
//!   [--pe-id ID] [--template-id ID] [--tm-id ID] \
//!   [--data-coding auto|gsm|latin1|ucs2] [--wait-dlr SECONDS] [--tls-insecure]
//! ```
//!
//! Prints one JSON line per submitted segment, `{"segment":1,"of":2,"message_id":"..."}`, and one
//! per receipt, `{"receipt":{"id":"...","stat":"DELIVRD","err":"000"}}`. Exit codes: 0 success,
//! 1 submit failed, 2 bind/connect failed (the message names the command_status), 3 receipts did
//! not all arrive in time, 64 bad arguments.

use qikberry::smpp::{
    Client, ConcatRef, Config, ConnectError, DEFAULT_MAX_PARTS, EncodingChoice, Inbound, Server,
    Sms, TlsOptions, same_message_id,
};
use serde_json::json;
use std::process::ExitCode;
use std::time::Duration;

struct Args {
    addr: String,
    system_id: String,
    password: String,
    tls: bool,
    tls_insecure: bool,
    from: String,
    to: String,
    text: String,
    pe_id: Option<String>,
    template_id: Option<String>,
    tm_id: Option<String>,
    data_coding: EncodingChoice,
    wait_dlr: Option<u64>,
}

const USAGE: &str = "usage: smpp_send --addr HOST:PORT --system-id ID [--password PW, or QIKBERRY_SMPP_PASSWORD in the environment] [--tls] [--tls-insecure] \
--from SENDER --to NUMBER --text TEXT [--pe-id ID] [--template-id ID] [--tm-id ID] \
[--data-coding auto|gsm|latin1|ucs2] [--wait-dlr SECONDS]";

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut a = Args {
        addr: String::new(),
        system_id: String::new(),
        // From the environment first: a `--password` on the command line is visible in `ps`.
        password: std::env::var("QIKBERRY_SMPP_PASSWORD").unwrap_or_default(),
        tls: false,
        tls_insecure: false,
        from: String::new(),
        to: String::new(),
        text: String::new(),
        pe_id: None,
        template_id: None,
        tm_id: None,
        data_coding: EncodingChoice::Auto,
        wait_dlr: None,
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
            "--tls" => a.tls = true,
            "--tls-insecure" => {
                a.tls = true;
                a.tls_insecure = true;
            }
            "--from" => a.from = value()?,
            "--to" => a.to = value()?,
            "--text" => a.text = value()?,
            "--pe-id" => a.pe_id = Some(value()?),
            "--template-id" => a.template_id = Some(value()?),
            "--tm-id" => a.tm_id = Some(value()?),
            "--data-coding" => {
                a.data_coding = match value()?.as_str() {
                    "auto" => EncodingChoice::Auto,
                    "gsm" => EncodingChoice::Gsm7,
                    "latin1" => EncodingChoice::Latin1,
                    "ucs2" => EncodingChoice::Ucs2,
                    other => return Err(format!("--data-coding: unknown value {other:?}")),
                }
            }
            "--wait-dlr" => {
                let v = value()?;
                a.wait_dlr = Some(
                    v.parse()
                        .map_err(|_| format!("--wait-dlr: not a number of seconds: {v:?}"))?,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    for (name, v) in [
        ("--addr", &a.addr),
        ("--system-id", &a.system_id),
        ("--from", &a.from),
        ("--to", &a.to),
    ] {
        if v.is_empty() {
            return Err(format!("{name} is required"));
        }
    }
    Ok(a)
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
    let server = if args.tls {
        let opts = if args.tls_insecure {
            TlsOptions::insecure()
        } else {
            TlsOptions::system()
        };
        Server::tls(args.addr.clone(), opts)
    } else {
        Server::plain(args.addr.clone())
    };
    let mut config = Config::new(args.system_id.clone(), args.password.clone(), vec![server]);
    config.request_timeout = Duration::from_secs(15);
    let client = match Client::connect(config).await {
        Ok(c) => c,
        Err(ConnectError::Bind { server, status }) => {
            eprintln!(
                "bind failed at {server}: {} (0x{:08X}): {}",
                status.name(),
                status.0,
                status.description()
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("connect failed: {e}");
            return ExitCode::from(2);
        }
    };
    let mut events = client.events().expect("events are taken once");

    let mut sms = Sms::new(args.from, args.to, args.text);
    sms.encoding = args.data_coding;
    sms.registered_delivery = args.wait_dlr.is_some();
    sms.pe_id = args.pe_id;
    sms.template_id = args.template_id;
    sms.tm_id = args.tm_id;

    let parts = match sms.to_submit_sms(rand_reference(), DEFAULT_MAX_PARTS) {
        Ok(parts) => parts,
        Err(e) => {
            eprintln!("{e}");
            client.shutdown(Duration::from_secs(2)).await;
            return ExitCode::from(1);
        }
    };
    let of = parts.len();
    let mut ids = Vec::with_capacity(of);
    for (i, part) in parts.into_iter().enumerate() {
        match client.submit_sm(part).await {
            Ok(id) => {
                println!("{}", json!({"segment": i + 1, "of": of, "message_id": id}));
                ids.push(id);
            }
            Err(e) => {
                eprintln!("segment {}/{of} failed: {e}", i + 1);
                client.shutdown(Duration::from_secs(2)).await;
                return ExitCode::from(1);
            }
        }
    }

    let mut code = ExitCode::SUCCESS;
    if let Some(secs) = args.wait_dlr {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        let mut waiting = ids.clone();
        while !waiting.is_empty() {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Some(Inbound::Receipt(r))) => {
                    if let Some(pos) = waiting
                        .iter()
                        .position(|id| same_message_id(id, &r.message_id))
                    {
                        waiting.remove(pos);
                        println!(
                            "{}",
                            json!({"receipt": {"id": r.message_id, "stat": r.stat, "err": r.err}})
                        );
                    }
                }
                // MO messages, and whatever a later SMPP version adds.
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => {
                    eprintln!("timed out waiting for {} receipt(s)", waiting.len());
                    code = ExitCode::from(3);
                    break;
                }
            }
        }
    }
    client.shutdown(Duration::from_secs(5)).await;
    code
}

/// A concatenation reference that differs between runs.
fn rand_reference() -> ConcatRef {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    ConcatRef::Bits8((nanos ^ (nanos >> 8) ^ std::process::id()) as u8)
}
