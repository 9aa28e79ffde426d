//! `cargo xtask sandbox`'s child processes, watched through `/proc` (Linux): no webhook secret
//! on a child's command line or in its environment, the Prism log under a `tempfile` name, and
//! no child outliving an xtask killed with SIGKILL.
//!
//! Needs Prism and the npm `smpp` package (`QIKBERRY_TOOLS`, set by `cargo xtask test`).
#![cfg(target_os = "linux")]

/// The same sandbox helper the workspace's integration tests use.
#[allow(dead_code)]
#[path = "../../tests/tests/support/sandbox.rs"]
mod sandbox;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use sandbox::Sandbox;

const SECRET: &str = "bearer-secret-7f2c1e";
const WEBHOOK_ID: &str = "signature-key-91ac4d";
const VALIDATION_KEY: &str = "validation-key-x7q2";

/// A process: its pid and its start time (which tells a reused pid apart).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Proc {
    pid: u32,
    started: u64,
}

/// Parent pid, state and start time of `pid`, from `/proc/<pid>/stat`.
fn stat(pid: u32) -> Option<(u32, char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After `pid (comm) `: field 3 (state), 4 (ppid), …, 22 (starttime).
    let fields: Vec<&str> = text
        .get(text.rfind(')')? + 2..)?
        .split_whitespace()
        .collect();
    let state = fields.first()?.chars().next()?;
    Some((
        fields.get(1)?.parse().ok()?,
        state,
        fields.get(19)?.parse().ok()?,
    ))
}

/// Every process below `root`.
fn descendants(root: u32) -> Vec<Proc> {
    let all: Vec<(Proc, u32)> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let (ppid, _, started) = stat(pid)?;
            Some((Proc { pid, started }, ppid))
        })
        .collect();
    let mut found = Vec::new();
    let mut parents = vec![root];
    while let Some(parent) = parents.pop() {
        for (p, ppid) in &all {
            if *ppid == parent {
                found.push(*p);
                parents.push(p.pid);
            }
        }
    }
    found
}

fn alive(p: Proc) -> bool {
    stat(p.pid).is_some_and(|(_, state, started)| started == p.started && state != 'Z')
}

/// A `/proc/<pid>/<file>` of NUL-separated strings, spaces instead of the NULs.
fn proc_text(pid: u32, file: &str) -> String {
    std::fs::read(format!("/proc/{pid}/{file}"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// Waits (up to a minute) for the sandbox's first webhook request and holds it unanswered.
fn accept_and_hold(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return stream;
            }
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("no webhook request within 60 s: {e}"),
        }
    }
}

/// The request head (request line and headers) read from `stream`.
fn request_head(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

#[test]
fn webhook_secrets_never_reach_a_command_line_or_environment() {
    let hook = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/hook",
        hook.local_addr().unwrap().port()
    );
    let sandbox = Sandbox::start(&[
        "--webhook-url",
        &url,
        "--webhook-id",
        WEBHOOK_ID,
        "--webhook-secret",
        SECRET,
        "--webhook-validation-key",
        VALIDATION_KEY,
    ]);
    // The handshake's sender waits for an answer that does not come while we look at it.
    let mut held = accept_and_hold(&hook);
    let head = request_head(&mut held);
    assert!(
        head.contains(&format!("Bearer {SECRET}")) && head.contains(VALIDATION_KEY),
        "the sender did not get the secrets: {head}"
    );
    let kids = descendants(sandbox.child.id());
    let commands: Vec<String> = kids.iter().map(|p| proc_text(p.pid, "cmdline")).collect();
    assert!(
        commands.iter().any(|c| c.contains("webhook_sender.mjs")),
        "no webhook sender among the children: {commands:#?}"
    );
    for p in &kids {
        let (command, environment) = (proc_text(p.pid, "cmdline"), proc_text(p.pid, "environ"));
        for secret in [SECRET, WEBHOOK_ID, VALIDATION_KEY] {
            assert!(!command.contains(secret), "{secret} in `{command}`");
            assert!(
                !environment.contains(secret),
                "{secret} in the environment of `{command}`"
            );
        }
    }
}

#[test]
fn children_die_when_xtask_is_killed() {
    let mut sandbox = Sandbox::start(&[]);
    let xtask = sandbox.child.id();
    let kids = descendants(xtask);
    let commands: Vec<String> = kids.iter().map(|p| proc_text(p.pid, "cmdline")).collect();
    let prism = commands.iter().position(|c| c.contains("prism"));
    assert!(
        prism.is_some() && commands.iter().any(|c| c.contains("smsc.js")),
        "{commands:#?}"
    );
    // Prism's log comes from `tempfile`: a random name, not one made of the pid and the port.
    let log = std::fs::read_link(format!("/proc/{}/fd/1", kids[prism.unwrap()].pid)).unwrap();
    let name = log.file_name().unwrap().to_string_lossy().into_owned();

    // SIGKILL: no destructor and no signal handler of xtask runs.
    sandbox.child.kill().unwrap();
    sandbox.child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while kids.iter().any(|p| alive(*p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let survivors: Vec<String> = kids
        .iter()
        .filter(|p| alive(**p))
        .map(|p| {
            let command = proc_text(p.pid, "cmdline");
            // Do not leave them running when the test fails.
            let _ = Command::new("kill")
                .args(["-KILL", &p.pid.to_string()])
                .status();
            command
        })
        .collect();
    let _ = std::fs::remove_file(&log); // xtask could not remove it: it was killed
    assert!(
        survivors.is_empty(),
        "children outlived xtask: {survivors:#?}"
    );
    assert!(
        name.starts_with("qikberry-sandbox-prism-") && !name.contains(&xtask.to_string()),
        "{}",
        log.display()
    );
}
