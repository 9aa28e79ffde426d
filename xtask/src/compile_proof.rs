//! `cargo xtask compile-proof`: checks every spec-diff verdict against the compiler and against
//! an independent oracle, cargo-semver-checks.
//!
//! For every spec-diff fixture pair and for five mutations of the real spec, it generates the
//! crate of the new spec and a strict user crate written (mechanically, by
//! `qikberry_codegen::generate_probe`) against the old spec, and compiles them all in one
//! throw-away workspace with one shared target dir (`target/compile-proof/`). A pair that
//! spec-diff calls breaking must fail to compile; any other pair must compile. Each old spec's
//! user crate must also compile against its own crate (else the probe itself is wrong).
//!
//! Then cargo-semver-checks (from the tools folder; `cargo xtask test` installs it) compares
//! the rustdoc JSON of the old and the new crate of every pair: it must call breaking exactly
//! the pairs spec-diff calls breaking, unless the pair is a documented limit of one of the two
//! tools ([`semver_limits`]).

mod build;
mod mutations;
mod semver;
mod semver_limits;
mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::shared::spec_changes::compare;
use crate::shared::spec_changes::rules::Severity;
use crate::shared::tools::semver_checks;

/// One old/new pair to prove.
struct Pair {
    name: String,
    old: String,
    new: Value,
}

/// Runs the task (no options).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if let Some(a) = args.first() {
        return Err(format!(
            "unknown option `{a}` for `cargo xtask compile-proof`"
        ));
    }
    let started = std::time::Instant::now();
    let root = crate::shared::workspace::root();
    // Before any build: a missing oracle fails at once.
    let oracle = semver_checks::find(&crate::shared::workspace::tools_dir())?;
    let (olds, pairs) = pairs(&root)?;
    let work = root.join("target/compile-proof");
    let written = workspace::write_workspace(&root, &work, &olds, &pairs)?;
    let failed = build::check(&work, &written.members)?;
    let checked_at = started.elapsed().as_secs();
    let docs: Vec<&String> = written.products.keys().collect();
    let doc_failed = build::rustdoc_json(&work, &docs, &written.products)?;
    let documented_at = started.elapsed().as_secs();
    let checked: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|p| {
            let lib = |n: &str| format!("lib-{n}");
            written.products.contains_key(&p.name)
                && !doc_failed.contains_key(&lib(&p.name))
                && !doc_failed.contains_key(&lib(&p.old))
        })
        .map(|p| (p.name.as_str(), p.old.as_str()))
        .collect();
    let oracle = semver::check_pairs(&oracle, &work, &checked)?;
    eprintln!(
        "xtask compile-proof: cargo check {checked_at} s, rustdoc JSON {} s, cargo-semver-checks {} s",
        documented_at - checked_at,
        started.elapsed().as_secs() - documented_at
    );
    let verdicts = Verdicts {
        failed,
        doc_failed,
        rejected: written.rejected,
        oracle,
    };
    judge(&olds, &pairs, &verdicts)
}

/// The old specs (`base`: the fixtures' base; `real`: the bundled spec) and every pair.
fn pairs(root: &Path) -> Result<(BTreeMap<String, Value>, Vec<Pair>), String> {
    let mut olds: BTreeMap<String, Value> = BTreeMap::new();
    let fixtures = root.join("xtask/tests/fixtures/spec_diff");
    olds.insert("base".into(), load(&fixtures.join("base.yaml"))?);
    olds.insert("real".into(), load(&crate::shared::workspace::spec_path())?);
    let mut pairs = Vec::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures.join("cases"))
        .map_err(|e| format!("cannot list the fixture cases: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    cases.sort();
    for dir in cases {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        pairs.push(Pair {
            name,
            old: "base".into(),
            new: load(&dir.join("new.yaml"))?,
        });
    }
    for (name, new) in mutations::mutations(&olds["real"])? {
        pairs.push(Pair {
            name,
            old: "real".into(),
            new,
        });
    }
    Ok((olds, pairs))
}

fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: not YAML: {e}", path.display()))
}

fn spec(v: &Value, what: &str) -> Result<qikberry_codegen::OpenAPI, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("{what}: not OpenAPI 3.0: {e}"))
}

/// What the builds and the oracle said.
struct Verdicts {
    /// `cargo check`: the members that failed, with their first error.
    failed: BTreeMap<String, String>,
    /// The rustdoc JSON build: the generated crates that failed.
    doc_failed: BTreeMap<String, String>,
    /// The pairs whose new spec the generator rejects, with its error.
    rejected: BTreeMap<String, String>,
    /// cargo-semver-checks, per pair.
    oracle: BTreeMap<String, semver::Verdict>,
}

/// Compares each pair's spec-diff verdict with what the compiler and cargo-semver-checks said;
/// prints the table.
fn judge(olds: &BTreeMap<String, Value>, pairs: &[Pair], v: &Verdicts) -> Result<ExitCode, String> {
    let mut problems = Vec::new();
    for name in olds.keys() {
        for m in [format!("lib-{name}"), format!("user-{name}")] {
            if let Some(e) = v.failed.get(&m) {
                problems.push(format!(
                    "{m} (old spec against itself) does not compile: {e}"
                ));
            }
        }
    }
    for (m, e) in &v.doc_failed {
        problems.push(format!("{m}: no rustdoc JSON: {e}"));
    }
    println!(
        "| pair | spec-diff | user crate against new crate | cargo-semver-checks | agree |\n|---|---|---|---|---|"
    );
    for p in pairs {
        let changes = compare::diff(&olds[&p.old], &p.new);
        // Breaking in behaviour only (same Rust API, different requests or results): the user
        // crate still compiles; every other breaking change must stop it.
        let breaking = changes
            .iter()
            .any(|c| c.severity == Severity::Breaking && !c.behaviour_only);
        let said = |b: bool| if b { "breaking" } else { "non-breaking" };
        if let Some(e) = v.rejected.get(&p.name) {
            // No crate to compile: the change cannot reach a user, who keeps the old crate.
            println!(
                "| {} | {} | not generated: {} | n/a | n/a |",
                p.name,
                said(breaking),
                e.replace('|', "/")
            );
            continue;
        }
        let lib = format!("lib-{}", p.name);
        if let Some(e) = v.failed.get(&lib) {
            problems.push(format!("{lib}: the generated crate does not compile: {e}"));
            continue;
        }
        let user = v.failed.get(&format!("user-{}", p.name));
        let compiler_agrees = user.is_some() == breaking;
        if !compiler_agrees {
            problems.push(format!(
                "{}: spec-diff says {} but the user crate {}",
                p.name,
                said(breaking),
                if user.is_none() {
                    "compiles"
                } else {
                    "does not compile"
                }
            ));
        }
        let (oracle_cell, oracle_agrees) = oracle(&p.name, breaking, v, &mut problems);
        println!(
            "| {} | {} (API) | {} | {} | {} |",
            p.name,
            said(breaking),
            match user {
                None => "compiles".to_string(),
                Some(e) => format!("fails: {}", e.replace('|', "/")),
            },
            oracle_cell,
            match (compiler_agrees, oracle_agrees) {
                (true, Some(true)) => "yes",
                (true, None) => "yes (documented limit)",
                _ => "**NO**",
            }
        );
    }
    println!("\nDocumented limits (`xtask/src/compile_proof/semver_limits.rs`):\n");
    for l in semver_limits::LIMITS {
        println!("- `{}`: {} is wrong: {}.", l.pair, l.wrong.tool(), l.why);
        if !pairs.iter().any(|p| p.name == l.pair) {
            problems.push(format!("semver_limits: no pair named `{}`", l.pair));
        }
    }
    if problems.is_empty() {
        eprintln!(
            "xtask compile-proof: every verdict agrees with the compiler and with cargo-semver-checks (or is a documented limit)"
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &problems {
            eprintln!("xtask compile-proof: {p}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// The oracle's cell for a pair, and whether it agrees with spec-diff (`None`: it disagrees
/// and the disagreement is documented); adds a problem for an undocumented disagreement and
/// for a documented one that no longer happens.
fn oracle(
    pair: &str,
    breaking: bool,
    v: &Verdicts,
    problems: &mut Vec<String>,
) -> (String, Option<bool>) {
    let Some(verdict) = v.oracle.get(pair) else {
        return ("no rustdoc JSON".into(), Some(false));
    };
    let lints = if verdict.lints.is_empty() {
        String::new()
    } else {
        format!(" ({})", verdict.lints.join(", "))
    };
    let cell = format!(
        "{}{lints}",
        if verdict.breaking {
            "major"
        } else {
            "minor or none"
        }
    );
    let limit = semver_limits::limit(pair);
    match (verdict.breaking == breaking, limit) {
        (true, None) => (cell, Some(true)),
        (true, Some(_)) => {
            problems.push(format!(
                "{pair}: spec-diff and cargo-semver-checks agree now; remove its entry from semver_limits"
            ));
            (cell, Some(false))
        }
        (false, Some(l)) => (
            format!("{cell}; documented limit of {}", l.wrong.tool()),
            None,
        ),
        (false, None) => {
            problems.push(format!(
                "{pair}: spec-diff says {} but cargo-semver-checks says {}{lints}",
                if breaking { "breaking" } else { "non-breaking" },
                if verdict.breaking {
                    "major"
                } else {
                    "minor or none"
                }
            ));
            (cell, Some(false))
        }
    }
}
