//! The throw-away workspace of compile-proof: one crate per generated API (`lib-<name>`,
//! package `qikberry-<name>`) and one user crate per API (`user-<name>`, the old spec's probe),
//! beside the real hand-written crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::{Pair, spec};

/// What [`write_workspace`] wrote.
pub(super) struct Written {
    /// The workspace members (`lib-<name>`, `user-<name>`).
    pub members: Vec<String>,
    /// The pairs whose new spec the generator rejects, with its error.
    pub rejected: BTreeMap<String, String>,
    /// Each generated API's product features (its operations' tags), the ones its user crate
    /// turns on.
    pub products: BTreeMap<String, BTreeSet<String>>,
}

/// Writes one crate per generated API (`lib-<name>`) and one user crate per pair
/// (`user-<name>`, the old spec's probe against the new crate).
pub(super) fn write_workspace(
    root: &Path,
    work: &Path,
    olds: &BTreeMap<String, Value>,
    pairs: &[Pair],
) -> Result<Written, String> {
    let mut rejected = BTreeMap::new();
    let mut products = BTreeMap::new();
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
        let spec_tags = tags(v);
        let features: Vec<String> = spec_tags.iter().map(|t| format!("\"{t}\"")).collect();
        let features = features.join(", ");
        let manifest = format!(
            "[package]\nname = \"user-{name}\"\nversion = \"0.1.0\"\nedition.workspace = true\npublish = false\n\n\
             [dependencies]\nqikberry = {{ package = \"qikberry-{name}\", path = \"../lib-{name}\", \
             default-features = false, features = [{features}] }}\n\
             futures-util = \"0.3\"\nserde_json.workspace = true\n"
        );
        write(&user.join("Cargo.toml"), &manifest)?;
        write(&user.join("src/lib.rs"), &probes[&old])?;
        products.insert(name.clone(), spec_tags);
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
    Ok(Written {
        members,
        rejected,
        products,
    })
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

pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
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
