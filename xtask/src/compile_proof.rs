//! `cargo xtask compile-proof`: checks every spec-diff verdict against the compiler.
//!
//! For every spec-diff fixture pair and for five mutations of the real spec, it generates the
//! crate of the new spec and a strict user crate written (mechanically, by
//! `qikberry_codegen::generate_probe`) against the old spec, and compiles them all in one
//! throw-away workspace with one shared target dir (`target/compile-proof/`). A pair that
//! spec-diff calls breaking must fail to compile; any other pair must compile. Each old spec's
//! user crate must also compile against its own crate (else the probe itself is wrong).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::{Value, json};

use crate::shared::spec_changes::compare;
use crate::shared::spec_changes::rules::Severity;
use crate::shared::workspace;

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
    let root = workspace::root();
    let mut olds: BTreeMap<String, Value> = BTreeMap::new();
    let fixtures = root.join("xtask/tests/fixtures/spec_diff");
    olds.insert("base".into(), load(&fixtures.join("base.yaml"))?);
    olds.insert("real".into(), load(&workspace::spec_path())?);
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
    for (name, new) in mutations(&olds["real"])? {
        pairs.push(Pair {
            name,
            old: "real".into(),
            new,
        });
    }
    let work = root.join("target/compile-proof");
    let (members, rejected) = write_workspace(&root, &work, &olds, &pairs)?;
    let failed = cargo_check(&work, &members)?;
    judge(&olds, &pairs, &failed, &rejected)
}

fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: not YAML: {e}", path.display()))
}

fn spec(v: &Value, what: &str) -> Result<qikberry_codegen::OpenAPI, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("{what}: not OpenAPI 3.0: {e}"))
}

/// Writes one crate per generated API (`lib-<name>`) and one user crate per pair
/// (`user-<name>`, the old spec's probe against the new crate); returns the member names and
/// the pairs whose new spec the generator rejects (with its error).
fn write_workspace(
    root: &Path,
    work: &Path,
    olds: &BTreeMap<String, Value>,
    pairs: &[Pair],
) -> Result<(Vec<String>, BTreeMap<String, String>), String> {
    let mut rejected = BTreeMap::new();
    let _ = std::fs::remove_dir_all(work.join("crates"));
    let mut probes = BTreeMap::new();
    let mut members = Vec::new();
    let mut apis: Vec<(String, &Value, String)> = Vec::new();
    for (name, v) in olds {
        let probe = qikberry_codegen::generate_probe(&spec(v, name)?)
            .map_err(|e| format!("{name}: no probe: {e}"))?;
        probes.insert(name.clone(), probe);
        apis.push((name.clone(), v, name.clone()));
    }
    for p in pairs {
        apis.push((p.name.clone(), &p.new, p.old.clone()));
    }
    for (name, v, old) in apis {
        let files = match qikberry_codegen::generate(&spec(v, &name)?) {
            Ok(files) => files,
            Err(e) if name != old => {
                rejected.insert(name, e.to_string());
                continue;
            }
            Err(e) => return Err(format!("{name}: the generator rejects it: {e}")),
        };
        let lib = work.join("crates").join(format!("lib-{name}"));
        for (rel, text) in &files {
            let text = match rel.to_str() {
                Some("Cargo.toml") => renamed_manifest(text, &name),
                _ => text.clone(),
            };
            write(&lib.join(rel), &text)?;
        }
        let user = work.join("crates").join(format!("user-{name}"));
        // Only the products the spec has: the hand-written core uses `auth` when it is on.
        let features: Vec<String> = tags(v).iter().map(|t| format!("\"{t}\"")).collect();
        let features = features.join(", ");
        let manifest = format!(
            "[package]\nname = \"user-{name}\"\nversion = \"0.1.0\"\nedition.workspace = true\npublish = false\n\n\
             [dependencies]\nqikberry = {{ package = \"qikberry-{name}\", path = \"../lib-{name}\", \
             default-features = false, features = [{features}] }}\n\
             futures-util = \"0.3\"\nserde_json.workspace = true\n"
        );
        write(&user.join("Cargo.toml"), &manifest)?;
        write(&user.join("src/lib.rs"), &probes[&old])?;
        members.push(format!("lib-{name}"));
        members.push(format!("user-{name}"));
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let list: Vec<String> = members.iter().map(|m| format!("\"crates/{m}\"")).collect();
    let manifest = manifest
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("members") {
                format!("members = [{}]", list.join(", "))
            } else {
                handwritten_at(l, root)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(&work.join("Cargo.toml"), &manifest)?;
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok((members, rejected))
}

/// The operations' tags (the product features).
fn tags(doc: &Value) -> BTreeSet<String> {
    let ops = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()));
    ops.flat_map(|op| op["tags"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The generated crate's manifest as package `qikberry-<name>`, without default features and
/// dev-dependencies (`cargo check --workspace` builds members with their defaults: the user
/// crate enables the spec's products instead).
fn renamed_manifest(manifest: &str, name: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            skip = line == "[dev-dependencies]";
        }
        if skip {
            continue;
        }
        if line.starts_with("name = \"qikberry\"") {
            out.push_str(&format!("name = \"qikberry-{name}\"\n"));
        } else if line.starts_with("default = ") {
            out.push_str("default = []\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A line of the workspace manifest with the hand-written crates' paths (`path = "crates/…"`)
/// made absolute: the generated manifests' `workspace = true` dependencies then reach the real
/// crates, which stay members of their own workspace (so their dev-dependencies are not loaded).
fn handwritten_at(line: &str, root: &Path) -> String {
    line.replace(
        "path = \"crates/",
        &format!("path = \"{}/crates/", root.display()),
    )
}

/// `cargo check` of every member at once (`--keep-going`); returns the members that failed,
/// with their first error.
fn cargo_check(work: &Path, members: &[String]) -> Result<BTreeMap<String, String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!(
        "xtask compile-proof: cargo check of {} crates in {}",
        members.len(),
        work.display()
    );
    let out = Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--lib",
            "--keep-going",
            "--offline",
            "--message-format=json",
        ])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("RUSTFLAGS")
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
            "cargo check built nothing:\n{}",
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

/// Compares each pair's spec-diff verdict with what the compiler said; prints the table.
fn judge(
    olds: &BTreeMap<String, Value>,
    pairs: &[Pair],
    failed: &BTreeMap<String, String>,
    rejected: &BTreeMap<String, String>,
) -> Result<ExitCode, String> {
    let mut problems = Vec::new();
    for name in olds.keys() {
        for m in [format!("lib-{name}"), format!("user-{name}")] {
            if let Some(e) = failed.get(&m) {
                problems.push(format!(
                    "{m} (old spec against itself) does not compile: {e}"
                ));
            }
        }
    }
    println!("| pair | spec-diff | user crate against new crate | agree |\n|---|---|---|---|");
    for p in pairs {
        let changes = compare::diff(&olds[&p.old], &p.new);
        // Breaking in behaviour only (same Rust API, different requests or results): the user
        // crate still compiles; every other breaking change must stop it.
        let breaking = changes
            .iter()
            .any(|c| c.severity == Severity::Breaking && !c.behaviour_only);
        if let Some(e) = rejected.get(&p.name) {
            // No crate to compile: the change cannot reach a user, who keeps the old crate.
            println!(
                "| {} | {} | not generated: {} | n/a |",
                p.name,
                if breaking { "breaking" } else { "non-breaking" },
                e.replace('|', "/")
            );
            continue;
        }
        let lib = format!("lib-{}", p.name);
        let user = format!("user-{}", p.name);
        if let Some(e) = failed.get(&lib) {
            problems.push(format!("{lib}: the generated crate does not compile: {e}"));
            continue;
        }
        let compiles = !failed.contains_key(&user);
        let agree = compiles != breaking;
        println!(
            "| {} | {} | {} | {} |",
            p.name,
            if breaking {
                "breaking (API)"
            } else {
                "non-breaking (API)"
            },
            match failed.get(&user) {
                None => "compiles".to_string(),
                Some(e) => format!("fails: {}", e.replace('|', "/")),
            },
            if agree { "yes" } else { "**NO**" }
        );
        if !agree {
            problems.push(format!(
                "{}: spec-diff says {} but the user crate {}",
                p.name,
                if breaking { "breaking" } else { "non-breaking" },
                if compiles {
                    "compiles"
                } else {
                    "does not compile"
                }
            ));
        }
    }
    if problems.is_empty() {
        eprintln!("xtask compile-proof: every verdict agrees with the compiler");
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &problems {
            eprintln!("xtask compile-proof: {p}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// Five mutations of the real spec, each on the first (by name) component schema that fits.
fn mutations(real: &Value) -> Result<Vec<(String, Value)>, String> {
    let requests = reachable(real, "requestBody");
    let responses = reachable(real, "responses");
    let schemas = real["components"]["schemas"]
        .as_object()
        .ok_or("the real spec has no components.schemas")?;
    let response_only = |n: &String| responses.contains(n) && !requests.contains(n);
    let request_only = |n: &String| requests.contains(n) && !responses.contains(n);
    let pick = |what: &str, ok: &dyn Fn(&String, &Value) -> bool| -> Result<String, String> {
        schemas
            .iter()
            .find(|(n, s)| ok(n, s))
            .map(|(n, _)| n.clone())
            .ok_or(format!("no component schema fits the mutation `{what}`"))
    };
    let required_plain = |s: &Value| -> Option<String> {
        s["required"].as_array()?.iter().find_map(|r| {
            let name = r.as_str()?;
            let prop = &s["properties"][name];
            (prop["nullable"] != true).then(|| name.to_string())
        })
    };
    let mut out = Vec::new();
    let mut mutate = |name: &str, schema: &str, f: &dyn Fn(&mut Value)| {
        let mut v = real.clone();
        f(&mut v["components"]["schemas"][schema]);
        out.push((format!("real-{name}-{schema}"), v));
    };
    let e = pick("response enum gains a value", &|n, s| {
        response_only(n) && s["enum"].is_array()
    })?;
    mutate("response-enum-value-added", &e, &|s| {
        if let Some(a) = s["enum"].as_array_mut() {
            a.push(json!("zz_added_value"));
        }
    });
    let o = pick("response object gains an optional field", &|n, s| {
        response_only(n) && s["properties"].is_object()
    })?;
    mutate("response-optional-property-added", &o, &|s| {
        s["properties"]["zz_added_field"] = json!({"type": "string", "description": "Added."});
    });
    let u = pick("response oneOf gains a shape", &|n, s| {
        response_only(n) && s["oneOf"].is_array() && s["x-untagged"] == true
    })?;
    mutate("response-one-of-variant-added", &u, &|s| {
        if let Some(a) = s["oneOf"].as_array_mut() {
            a.push(json!({"type": "boolean", "title": "Zz added flag"}));
        }
    });
    let rq = pick("request field becomes optional", &|n, s| {
        request_only(n) && required_plain(s).is_some()
    })?;
    let rq_field = required_plain(&schemas[&rq]).unwrap_or_default();
    mutate("request-property-became-optional", &rq, &|s| {
        if let Some(a) = s["required"].as_array_mut() {
            a.retain(|r| *r != rq_field);
        }
    });
    let rs = pick("response field becomes optional", &|n, s| {
        response_only(n) && required_plain(s).is_some()
    })?;
    let rs_field = required_plain(&schemas[&rs]).unwrap_or_default();
    mutate("response-property-became-optional", &rs, &|s| {
        if let Some(a) = s["required"].as_array_mut() {
            a.retain(|r| *r != rs_field);
        }
    });
    Ok(out)
}

/// Component schemas reachable through `$ref`s from every operation's `key` (`requestBody` or
/// the 2xx `responses`), transitively.
fn reachable(doc: &Value, key: &str) -> BTreeSet<String> {
    let mut todo: Vec<&Value> = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            match op[key].as_object() {
                // Success responses only: error bodies are not part of the generated API.
                Some(codes) if key == "responses" => todo.extend(
                    codes
                        .iter()
                        .filter(|(code, _)| code.starts_with('2'))
                        .map(|(_, r)| r),
                ),
                _ => todo.push(&op[key]),
            }
        }
    }
    let mut found = BTreeSet::new();
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str)
                    && found.insert(r.to_string())
                    && let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p))
                {
                    todo.push(target);
                }
                todo.extend(map.values());
            }
            Value::Array(list) => todo.extend(list),
            _ => {}
        }
    }
    found
        .iter()
        .filter_map(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
        .collect()
}
