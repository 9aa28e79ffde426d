//! The independent oracle: cargo-semver-checks on the rustdoc JSON of the crates generated from
//! the old and the new spec of each pair.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

use super::build::{crate_name, rustdoc_json_path};

/// What cargo-semver-checks says about one pair.
pub(super) struct Verdict {
    /// Some lint that requires a new major version failed.
    pub breaking: bool,
    /// The failed lints' names (`function_missing`, …).
    pub lints: Vec<String>,
}

/// Runs the oracle on every `(pair, old)`: the crates `lib-<old>` (baseline) and `lib-<pair>`
/// (current), whose rustdoc JSON [`super::build::rustdoc_json`] wrote. Two at a time.
pub(super) fn check_pairs(
    tool: &Path,
    work: &Path,
    pairs: &[(&str, &str)],
) -> Result<BTreeMap<String, Verdict>, String> {
    let dir = work.join("rustdoc");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut names: Vec<&str> = pairs.iter().flat_map(|(p, o)| [*p, *o]).collect();
    names.sort();
    names.dedup();
    for name in &names {
        as_qikberry(
            &rustdoc_json_path(work, name),
            &dir.join(format!("{name}.json")),
            &crate_name(name),
        )?;
    }
    eprintln!(
        "xtask compile-proof: cargo-semver-checks on {} pairs",
        pairs.len()
    );
    let todo = Mutex::new(pairs.iter());
    let done = Mutex::new(BTreeMap::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some((pair, old)) = todo.lock().map(|mut t| t.next()).ok().flatten() {
                    let v = check_pair(
                        tool,
                        &dir.join(format!("{old}.json")),
                        &dir.join(format!("{pair}.json")),
                    );
                    if let Ok(mut d) = done.lock() {
                        d.insert(pair.to_string(), v);
                    }
                }
            });
        }
    });
    let done = done
        .into_inner()
        .map_err(|_| "a cargo-semver-checks worker panicked")?;
    done.into_iter()
        .map(|(pair, v)| {
            v.map(|v| (pair.clone(), v))
                .map_err(|e| format!("{pair}: {e}"))
        })
        .collect()
}

/// One run of `cargo-semver-checks semver-checks check-release` as a minor release: it fails
/// exactly when a lint that needs a new major version fails.
fn check_pair(tool: &Path, baseline: &Path, current: &Path) -> Result<Verdict, String> {
    let out = Command::new(tool)
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .args(["--color", "never", "--baseline-rustdoc"])
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .output()
        .map_err(|e| format!("cannot start {}: {e}", tool.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("--- failure "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    let major = text.contains("semver requires new major version");
    match (out.status.success(), major) {
        (true, false) => Ok(Verdict {
            breaking: false,
            lints,
        }),
        (false, true) => Ok(Verdict {
            breaking: true,
            lints,
        }),
        _ => Err(format!(
            "cargo-semver-checks gave no verdict ({}):\n{}",
            out.status,
            text.lines().take(40).collect::<Vec<_>>().join("\n")
        )),
    }
}

/// Copies a rustdoc JSON file with its crate renamed from `name` to `qikberry`: the oracle
/// compares items by path, and every generated crate of the workspace has its own name.
fn as_qikberry(from: &Path, to: &PathBuf, name: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(from)
        .map_err(|e| format!("cannot read the rustdoc JSON {}: {e}", from.display()))?;
    let mut doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", from.display()))?;
    let root = match &doc["root"] {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(format!("{}: no `root` item id", from.display())),
    };
    let item = &mut doc["index"][&root]["name"];
    if item != name {
        return Err(format!(
            "{}: the root module is {item}, not `{name}`",
            from.display()
        ));
    }
    *item = "qikberry".into();
    for path in doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        if path["crate_id"] == 0 && path["path"][0] == name {
            path["path"][0] = "qikberry".into();
        }
    }
    let text = serde_json::to_string(&doc).map_err(|e| format!("{}: {e}", to.display()))?;
    std::fs::write(to, text).map_err(|e| format!("cannot write {}: {e}", to.display()))
}
