//! The cargo runs in compile-proof's workspace: `cargo check` of every crate, then the rustdoc
//! JSON of the generated crates for cargo-semver-checks. Both share one target dir and one
//! environment, so the second reuses the first's dependencies.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The rustdoc flags cargo-semver-checks itself builds with (private and hidden items: it needs
/// them to tell, e.g., a struct with private fields from one users can build).
const RUSTDOC_JSON: &str = "-Z unstable-options --document-private-items --document-hidden-items --output-format=json --cap-lints=allow";

/// `cargo check` of every member at once (`--keep-going`); returns the members that failed,
/// with their first error.
pub(super) fn check(work: &Path, members: &[String]) -> Result<BTreeMap<String, String>, String> {
    eprintln!(
        "xtask compile-proof: cargo check of {} crates in {}",
        members.len(),
        work.display()
    );
    run(work, &["check", "--workspace", "--lib"], members)
}

/// The rustdoc JSON of the generated crates `names` (`lib-<name>`), each with its product
/// features (`products`), written by cargo to `target/doc/<crate>.json`; returns the members
/// that failed.
pub(super) fn rustdoc_json(
    work: &Path,
    names: &[&String],
    products: &BTreeMap<String, BTreeSet<String>>,
) -> Result<BTreeMap<String, String>, String> {
    eprintln!(
        "xtask compile-proof: rustdoc JSON of {} generated crates",
        names.len()
    );
    let mut args = vec!["doc".to_string(), "--no-deps".into(), "--lib".into()];
    let mut features = Vec::new();
    for name in names {
        args.push("-p".into());
        args.push(format!("qikberry-{name}"));
        for f in products.get(*name).into_iter().flatten() {
            features.push(format!("qikberry-{name}/{f}"));
        }
    }
    args.push("--features".into());
    args.push(features.join(","));
    let members: Vec<String> = names.iter().map(|n| format!("lib-{n}")).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(work, &args, &members)
}

/// Where [`rustdoc_json`] leaves the JSON of `lib-<name>`.
pub(super) fn rustdoc_json_path(work: &Path, name: &str) -> std::path::PathBuf {
    work.join("target/doc")
        .join(format!("{}.json", crate_name(name)))
}

/// The library name of package `qikberry-<name>`.
pub(super) fn crate_name(name: &str) -> String {
    format!("qikberry_{}", name.replace('-', "_"))
}

/// Runs `cargo <args> --keep-going --offline --message-format=json` in `work`; returns the
/// `members` that failed, with their first error.
fn run(work: &Path, args: &[&str], members: &[String]) -> Result<BTreeMap<String, String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .args(["--keep-going", "--offline", "--message-format=json"])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("RUSTFLAGS")
        // rustdoc's JSON output is unstable: on a stable toolchain it needs RUSTC_BOOTSTRAP, as
        // cargo-semver-checks's own builds do. Set for the check too: build scripts watch it,
        // and a different value would build every dependency twice.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTDOCFLAGS", RUSTDOC_JSON)
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    let mut built = BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(member) = member_of(&msg, members) else {
            continue;
        };
        match msg["reason"].as_str() {
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                let text = msg["message"]["message"].as_str().unwrap_or("").to_string();
                failed.entry(member).or_insert(text);
            }
            Some("compiler-artifact") => {
                built.insert(member);
            }
            _ => {}
        }
    }
    for m in members {
        if !built.contains(m) && !failed.contains_key(m) {
            failed.insert(m.clone(), "not built (a dependency failed)".into());
        }
    }
    if built.is_empty() {
        return Err(format!(
            "cargo {} built nothing:\n{}",
            args[0],
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(failed)
}

fn member_of(msg: &Value, members: &[String]) -> Option<String> {
    let id = msg["package_id"].as_str()?;
    members
        .iter()
        .find(|m| id.contains(&format!("/crates/{m}#")))
        .cloned()
}
