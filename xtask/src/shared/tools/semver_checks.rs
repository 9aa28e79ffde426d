//! `cargo-semver-checks`, compile-proof's independent oracle, in the tools folder.
//!
//! Building it takes half an hour, so the build lives in a cache outside the clone keyed by its
//! version (`$XDG_CACHE_HOME/qikberry-tools/cargo-semver-checks-<version>/`, else under
//! `~/.cache/`): the first `cargo xtask test` on a machine builds it there with
//! `cargo install --locked`, every clone then links it into its own tools folder.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned version (its rustdoc JSON support must cover the toolchain's format).
pub const VERSION: &str = "0.51.0";

/// Where the tools folder holds the program (a link into the cache).
pub fn path(tools: &Path) -> PathBuf {
    tools.join("bin").join("cargo-semver-checks")
}

/// The version-keyed cache folder (`cargo install --root` of the pinned version).
pub fn cache() -> Result<PathBuf, String> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".cache"))
            .ok_or("neither XDG_CACHE_HOME nor HOME is set: no cache for cargo-semver-checks")?,
    };
    Ok(base
        .join("qikberry-tools")
        .join(format!("cargo-semver-checks-{VERSION}")))
}

/// Makes [`path`] run the pinned version: builds it into `cache` when it is not there yet,
/// then links it into `tools` (idempotent).
pub fn install(tools: &Path, cache: &Path) -> Result<(), String> {
    let built = cache.join("bin").join("cargo-semver-checks");
    if !built.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        eprintln!(
            "xtask tools: cargo install cargo-semver-checks {VERSION} into {} (about 35 minutes, once per machine)",
            cache.display()
        );
        let status = Command::new(cargo)
            .args(["install", "--locked", "--version"])
            .arg(format!("={VERSION}"))
            .arg("--root")
            .arg(cache)
            .arg("cargo-semver-checks")
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .map_err(|e| format!("cargo install cargo-semver-checks: could not start: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cargo install cargo-semver-checks failed ({status})"
            ));
        }
    }
    let link = path(tools);
    if std::fs::read_link(&link).ok().as_deref() == Some(built.as_path()) {
        return Ok(());
    }
    let dir = link.parent().unwrap_or(tools);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&built, &link)
        .map_err(|e| format!("cannot link {} to {}: {e}", link.display(), built.display()))
}

/// The program in `tools`, checked to be the pinned version; a clear error when it is missing.
pub fn find(tools: &Path) -> Result<PathBuf, String> {
    let program = path(tools);
    let out = Command::new(&program).arg("--version").output().map_err(|e| {
        format!(
            "cargo-semver-checks is not in the tools folder ({}: {e}); `cargo xtask test` installs it",
            program.display()
        )
    })?;
    let version = String::from_utf8_lossy(&out.stdout);
    if version.trim() != format!("cargo-semver-checks {VERSION}") {
        return Err(format!(
            "{} is `{}`, not cargo-semver-checks {VERSION}; `cargo xtask test` installs the pinned one",
            program.display(),
            version.trim()
        ));
    }
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A cache holding a program that answers `--version` like the pinned build.
    fn fake_cache(dir: &Path, version: &str) -> PathBuf {
        let cache = dir.join("cache");
        let bin = cache.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let program = bin.join("cargo-semver-checks");
        std::fs::write(
            &program,
            format!("#!/bin/sh\necho cargo-semver-checks {version}\n"),
        )
        .unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        cache
    }

    #[test]
    fn links_the_cached_build_and_finds_it() {
        let dir = tempfile::tempdir().unwrap();
        let tools = dir.path().join("tools");
        assert!(
            find(&tools)
                .unwrap_err()
                .contains("`cargo xtask test` installs it")
        );
        let cache = fake_cache(dir.path(), VERSION);
        install(&tools, &cache).unwrap();
        install(&tools, &cache).unwrap();
        assert_eq!(find(&tools).unwrap(), path(&tools));
    }

    #[test]
    fn refuses_another_version() {
        let dir = tempfile::tempdir().unwrap();
        let tools = dir.path().join("tools");
        install(&tools, &fake_cache(dir.path(), "0.1.0")).unwrap();
        assert!(
            find(&tools)
                .unwrap_err()
                .contains("not cargo-semver-checks")
        );
    }
}
