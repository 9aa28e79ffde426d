//! `cargo xtask sandbox`: a local stand-in for the whole platform on 127.0.0.1, built from the
//! spec and the test suite's own peers.
//!
//! * **REST**: a small proxy ([`proxy`]) accepts the client's `/api/v2/…` and `/api/v3/…`
//!   paths and checks the sandbox token (401 otherwise). Send operations go through
//!   [`sends`] (fault injection, records in [`store`]); `POST /sms/send` and `GET /sms/status`
//!   are answered by the sandbox itself ([`sms`], requests validated by [`validate`]) from what
//!   it accepted, so a status query by `cid` or `group_id` returns *your* messages; everything
//!   else goes to Stoplight Prism (`prism mock`, pinned in `xtask/tools/package.json` and
//!   installed into `.tools/` when missing), which validates the request and answers from the
//!   spec's examples. `/__sandbox/…` ([`admin`]) counts what was accepted.
//! * **Webhooks** ([`webhooks`]): every accepted send (SMS, WhatsApp, RCS, Viber, voice) is
//!   followed by its `…:message:status` (voice: `voice:message:out`) event, built from the
//!   spec's callback example with the ids and numbers of the response, delivered to every URL
//!   registered through `POST /developer/webhooks` or given with `--webhook-url`, after the
//!   validation handshake, signed by `tests/peers/webhook_sender.mjs` (Bearer secret,
//!   `Signature` = lowercase hex HMAC-SHA256 of the raw body keyed by the webhook id).
//! * **SMPP**: the npm `smpp` server of `tests/peers/smpp/smsc.js`: any credentials bind,
//!   submits are answered, receipts are sent in the reference's text format with the DLT TLVs
//!   (0x1400–0x1402) of the submit echoed; its event lines are counted ([`smsc_events`]).
//! * **Receipts** ([`receipts`]): SMS status events at each message's receipt time.
//!
//! It prints the environment to use and serves until Ctrl-C (or SIGTERM), then kills its
//! children; on Linux the children also die if xtask is killed outright
//! ([`children::dies_with_xtask`]). Secrets reach children on stdin, never on a command line;
//! temporary files come from `tempfile`. `--print-env` prints only the `KEY=value` lines on stdout (then `# ready`), for
//! scripts and tests; everything else goes to stderr.

mod admin;
mod children;
mod faults;
pub(crate) mod http;
mod proxy;
mod receipts;
mod sends;
mod sms;
mod smsc_events;
mod store;
mod validate;
mod webhooks;

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::shared::{operations, spec, tools, workspace};
use children::Children;
use faults::{Bucket, parse_probability, parse_rate};
use smsc_events::SmscEvents;
use webhooks::{Emitter, Webhook};

/// Token the sandbox accepts unless `--token` says otherwise.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

const USAGE: &str = "\
cargo xtask sandbox [options]

  --port N             REST port on 127.0.0.1 (default 4010; 0 = any free port)
  --smpp-port N        SMPP port (default 2775; 0 = any free port)
  --prism-port N       port of the Prism process behind the proxy (default: any free port)
  --token T            the token clients must send (default sandbox-token)
  --webhook-url URL    also deliver events to URL (repeatable); it is validated with the
                       handshake first, signed with --webhook-id, Bearer --webhook-secret
  --webhook-id ID      (default sandbox-webhook)
  --webhook-secret S   (default sandbox-secret)
  --webhook-validation-key K  (default sandbox-validation-key)
  --print-env          print only KEY=value lines and `# ready` on stdout (for scripts)
  --quiet              no log line per request or SMPP message (high-volume runs)
  --stateless          Prism answers every operation from the spec's examples (SMS sends and
                       status queries too; nothing remembered): for contract tests

Fault injection (REST sends: SMS, WhatsApp, RCS, Viber, voice; all draws seeded):
  --throttle N/s       above N sends per second, answer 429 with Retry-After (seconds)
  --fail-rate P        answer this share of sends 500 without accepting them (0..1)
  --drop-after-accept P  accept and record this share of sends, then close the connection
                       without answering (reconcile them with GET /sms/status?cid=)
  --receipt-delay MS   delivery receipts (webhook, status query, SMPP) come this long after
                       acceptance (default 500); the status is AWAITING-DLR until then
  --receipt-fail-rate P  this share of receipts says UNDELIV (REST) / UNDELIV err 001 (SMPP)
  --seed N             seed of every draw (default 0): the same seed and requests give the
                       same faults, whatever the order of concurrent requests
SMPP faults:
  --smpp-throttle N/s  above N submit_sm per second, answer ESME_RTHROTTLED (0x58)
  --smpp-unbind-every N  after every N-th accepted submit_sm, the SMSC sends unbind

Counting (same token): GET /__sandbox/stats, /__sandbox/messages?cid=|group_id=|id=|mobile=,
  /__sandbox/smpp[?ref=R | ?destination=D&text=T] (SMPP texts carry a reference as `ref:R`).
";

/// Parsed command line.
struct Options {
    port: u16,
    smpp_port: u16,
    prism_port: u16,
    token: String,
    webhook_urls: Vec<String>,
    webhook_id: String,
    webhook_secret: String,
    webhook_key: String,
    print_env: bool,
    quiet: bool,
    stateless: bool,
    faults: faults::Settings,
    smpp_throttle: Option<f64>,
    smpp_unbind_every: Option<u64>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        port: 4010,
        smpp_port: 2775,
        prism_port: 0,
        token: DEFAULT_TOKEN.into(),
        webhook_urls: Vec::new(),
        webhook_id: "sandbox-webhook".into(),
        webhook_secret: "sandbox-secret".into(),
        webhook_key: "sandbox-validation-key".into(),
        print_env: false,
        quiet: false,
        stateless: false,
        faults: faults::Settings {
            receipt_delay: Duration::from_millis(500),
            ..faults::Settings::default()
        },
        smpp_throttle: None,
        smpp_unbind_every: None,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value\n{USAGE}"))
        };
        let port = |text: String, name: &str| {
            text.parse::<u16>()
                .map_err(|_| format!("`{name}`: `{text}` is not a port number"))
        };
        let number = |text: String, name: &str| {
            text.parse::<u64>()
                .map_err(|_| format!("`{name}`: `{text}` is not a whole number"))
        };
        match arg.as_str() {
            "--port" => o.port = port(value(arg)?, arg)?,
            "--smpp-port" => o.smpp_port = port(value(arg)?, arg)?,
            "--prism-port" => o.prism_port = port(value(arg)?, arg)?,
            "--token" => o.token = value(arg)?,
            "--webhook-url" => o.webhook_urls.push(value(arg)?),
            "--webhook-id" => o.webhook_id = value(arg)?,
            "--webhook-secret" => o.webhook_secret = value(arg)?,
            "--webhook-validation-key" => o.webhook_key = value(arg)?,
            "--print-env" => o.print_env = true,
            "--quiet" => o.quiet = true,
            "--stateless" => o.stateless = true,
            "--throttle" => o.faults.throttle = Some(parse_rate(&value(arg)?)?),
            "--fail-rate" => o.faults.fail_rate = parse_probability(&value(arg)?, arg)?,
            "--drop-after-accept" => {
                o.faults.drop_after_accept = parse_probability(&value(arg)?, arg)?;
            }
            "--receipt-delay" => {
                o.faults.receipt_delay = Duration::from_millis(number(value(arg)?, arg)?);
            }
            "--receipt-fail-rate" => {
                o.faults.receipt_fail_rate = parse_probability(&value(arg)?, arg)?;
            }
            "--seed" => o.faults.seed = number(value(arg)?, arg)?,
            "--smpp-throttle" => o.smpp_throttle = Some(parse_rate(&value(arg)?)?),
            "--smpp-unbind-every" => match number(value(arg)?, arg)? {
                0 => return Err("`--smpp-unbind-every`: give a count above 0".into()),
                n => o.smpp_unbind_every = Some(n),
            },
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(o)
}

/// Runs the task.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let options = parse_args(args)?;
    let started = Instant::now();
    let root = workspace::root();
    let tools = workspace::tools_dir();
    if !tools.join("node_modules/.bin/prism").exists() || !tools.join("node_modules/smpp").exists()
    {
        eprintln!(
            "sandbox: installing the pinned tools into {}",
            tools.display()
        );
        tools::install(&root, &tools)?;
    }
    let doc = spec::load(&workspace::spec_path())?;
    let ops = operations::facts(&doc)?;
    children::install_signal_handlers();

    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let rest_port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let mut kids = Children::default();
    let prism_port = kids.start_prism(&tools, options.prism_port)?;
    let smsc = Arc::new(SmscEvents::default());
    let counts = smsc.clone();
    let quiet = options.quiet;
    let smpp_port = kids.start_smsc(&root, &tools, &smsc_options(&options), move |line| {
        let name = counts.observe(line);
        let routine = matches!(
            name.as_deref(),
            Some("submit" | "receipt" | "deliver_sm_resp")
        );
        if !(quiet && routine) {
            eprintln!("sandbox smpp: {line}");
        }
    })?;

    let emitter = Arc::new(Emitter::new(&doc, &root));
    for url in &options.webhook_urls {
        emitter.add(Webhook::new(
            url.clone(),
            options.webhook_id.clone(),
            Some(options.webhook_secret.clone()),
            Some(options.webhook_key.clone()),
        ));
    }
    let sms_send = ops
        .iter()
        .find(|op| op.id == "sms_send_message")
        .ok_or("the spec has no `sms_send_message` operation")?;
    let state = Arc::new(proxy::State {
        sms_send: validate::RequestSchema::compile(&doc, sms_send)?,
        ops,
        token: options.token.clone(),
        prism_port,
        receipts: receipts::Receipts::start(emitter.clone()),
        emitter,
        store: store::Store::default(),
        bucket: options.faults.throttle.map(Bucket::new),
        faults: options.faults.clone(),
        smsc,
        quiet,
        stateless: options.stateless,
    });
    proxy::serve(listener, state);

    print_env(&options, rest_port, smpp_port);
    eprintln!(
        "sandbox: ready in {:.1} s; Ctrl-C stops it",
        started.elapsed().as_secs_f64()
    );
    while !children::stop_requested() {
        if let Some(which) = kids.exited() {
            // Ctrl-C in a terminal reaches the children too; they may go first.
            std::thread::sleep(Duration::from_millis(200));
            if children::stop_requested() {
                break;
            }
            return Err(format!("{which} exited; stopping the sandbox"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("sandbox: stopping");
    drop(kids);
    Ok(ExitCode::SUCCESS)
}

/// The SMSC's JSON options: text receipts echoing the DLT TLVs, and the SMPP faults.
fn smsc_options(o: &Options) -> Value {
    let mut smsc = json!({
        "port": o.smpp_port, "dlr": "text", "echo_dlt": true, "seed": o.faults.seed,
        "receipt_delay_ms": o.faults.receipt_delay.as_millis() as u64,
        "receipt_fail_rate": o.faults.receipt_fail_rate,
    });
    if let Some(rate) = o.smpp_throttle {
        smsc["throttle"] = json!({"capacity": rate.max(1.0), "per_second": rate});
    }
    if let Some(n) = o.smpp_unbind_every {
        smsc["unbind_every"] = json!(n);
    }
    smsc
}

fn print_env(o: &Options, rest_port: u16, smpp_port: u16) {
    let mut lines = vec![
        format!("QIKBERRY_HOST=http://127.0.0.1:{rest_port}"),
        format!("QIKBERRY_TOKEN={}", o.token),
        format!("QIKBERRY_SMPP_ADDR=127.0.0.1:{smpp_port}"),
    ];
    if !o.webhook_urls.is_empty() {
        lines.push(format!("QIKBERRY_WEBHOOK_ID={}", o.webhook_id));
        lines.push(format!("QIKBERRY_WEBHOOK_SECRET={}", o.webhook_secret));
        lines.push(format!("QIKBERRY_WEBHOOK_VALIDATION_KEY={}", o.webhook_key));
    }
    if o.print_env {
        for line in &lines {
            println!("{line}");
        }
        println!("# ready");
        return;
    }
    println!("The Qikberry sandbox is running. In another shell:\n");
    for line in &lines {
        println!("  export {line}");
    }
    println!(
        "\n  cargo run -p qikberry-examples --example send_sms -- 919999999999 \"Hello\"\n\n\
         SMPP: any system_id/password binds at 127.0.0.1:{smpp_port} (plain, no TLS).\n\
         Webhooks: register one with the webhooks API or restart with --webhook-url URL."
    );
}
