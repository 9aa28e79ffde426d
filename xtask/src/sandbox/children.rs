//! The sandbox's child processes (Prism, the npm SMSC) and its Ctrl-C / SIGTERM handling.
//! Children are killed and reaped when [`Children`] is dropped, on every exit path; on Linux
//! they also die when xtask is killed outright ([`dies_with_xtask`]).

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tempfile::NamedTempFile;

use crate::shared::workspace;

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Makes SIGINT and SIGTERM set the stop flag instead of killing the process, so the children
/// can be stopped first.
pub fn install_signal_handlers() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Whether Ctrl-C or SIGTERM arrived.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Makes the process `command` starts die with xtask, however xtask ends (even by SIGKILL,
/// which runs no destructor): on Linux the child asks the kernel for SIGKILL when its parent
/// thread exits (`prctl(PR_SET_PDEATHSIG)`, kept across `exec`), and kills itself if xtask
/// was already gone before it asked. Children must be spawned from a thread that lives as long
/// as they do (the main thread, or the thread that waits for them). Elsewhere a no-op: the
/// drop of [`Children`] remains the only cleanup.
pub fn dies_with_xtask(command: &mut Command) -> &mut Command {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: `getpid` has no preconditions.
        let xtask = unsafe { libc::getpid() };
        // SAFETY: the closure runs between fork and exec and only makes async-signal-safe
        // calls (prctl, getppid, raise); it allocates nothing.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getppid() != xtask {
                    libc::raise(libc::SIGKILL);
                }
                Ok(())
            });
        }
    }
    command
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The running children.
#[derive(Default)]
pub struct Children {
    running: Vec<(&'static str, Child)>,
    /// The children's log files: unpredictable names, created exclusively (no symlink is
    /// followed), removed on drop.
    logs: Vec<NamedTempFile>,
}

impl Children {
    /// Starts `prism mock` on the spec and waits until it listens; returns its port.
    pub fn start_prism(&mut self, tools: &Path, port: u16) -> Result<u16, String> {
        let bin = tools.join("node_modules/.bin/prism");
        let port = if port == 0 { free_port()? } else { port };
        let log = tempfile::Builder::new()
            .prefix("qikberry-sandbox-prism-")
            .suffix(".log")
            .tempfile()
            .map_err(|e| format!("cannot create the Prism log: {e}"))?;
        let out = log.as_file().try_clone().map_err(|e| e.to_string())?;
        let err = log.as_file().try_clone().map_err(|e| e.to_string())?;
        let log_path = log.path().to_path_buf();
        self.logs.push(log);
        let child = dies_with_xtask(&mut Command::new(&bin))
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(workspace::spec_path())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        self.running.push(("prism", child));
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(which) = self.exited() {
                return Err(format!(
                    "{which} exited while starting:\n{}",
                    read(&log_path)
                ));
            }
            if read(&log_path).contains("Prism is listening")
                && TcpStream::connect(("127.0.0.1", port)).is_ok()
            {
                return Ok(port);
            }
            if Instant::now() > deadline || stop_requested() {
                return Err(format!(
                    "prism did not start within 120 s:\n{}",
                    read(&log_path)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts the npm SMSC (`tests/peers/smpp/smsc.js`) with `options` (its JSON argument);
    /// returns the port it listens on. Its later event lines go to `on_line`.
    pub fn start_smsc(
        &mut self,
        root: &Path,
        tools: &Path,
        options: &serde_json::Value,
        on_line: impl Fn(&str) + Send + 'static,
    ) -> Result<u16, String> {
        let script = root.join("tests/peers/smpp/smsc.js");
        let mut child = dies_with_xtask(&mut Command::new("node"))
            .arg(&script)
            .arg(options.to_string())
            .env("QIKBERRY_TOOLS", tools)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start node {}: {e}", script.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        self.running.push(("smpp server", child));
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .ok_or("the SMPP server exited before listening")?;
        let event: serde_json::Value = serde_json::from_str(&first)
            .map_err(|_| format!("unexpected first line from the SMPP server: {first}"))?;
        let port = event
            .get("port")
            .and_then(serde_json::Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| format!("the SMPP server did not report a port: {first}"))?;
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                on_line(&line);
            }
        });
        Ok(port)
    }

    /// The name of a child that has exited, if any.
    pub fn exited(&mut self) -> Option<&'static str> {
        for (name, child) in &mut self.running {
            if !matches!(child.try_wait(), Ok(None)) {
                return Some(name);
            }
        }
        None
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for (_, child) in &mut self.running {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
