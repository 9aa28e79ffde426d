//! `generated/Cargo.toml` outside its workspace: every `workspace = true` entry replaced by the
//! root manifest's value (paths made absolute), dev-dependencies dropped (the race builds no
//! tests), so the copy builds exactly what a user of `qikberry` builds.

use std::collections::BTreeMap;
use std::path::Path;

/// The `key = value` lines of one `[table]` of a manifest.
fn table(manifest: &str, name: &str) -> BTreeMap<String, String> {
    let head = format!("[{name}]");
    let mut inside = false;
    let mut out = BTreeMap::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == head;
            continue;
        }
        if let (true, Some((k, v))) = (inside, line.split_once(" = "))
            && !k.starts_with('#')
        {
            out.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    out
}

/// Merges a workspace dependency value (`"1"` or `{ … }`) with the member's extra keys.
fn merge(workspace: &str, extra: &str) -> String {
    let base = match workspace
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
    {
        Some(inner) => inner.trim().to_string(),
        None => format!("version = {workspace}"),
    };
    if extra.is_empty() {
        format!("{{ {base} }}")
    } else {
        format!("{{ {base}, {extra} }}")
    }
}

/// The member manifest `member` with the workspace's values filled in from `root_manifest`;
/// `root` makes relative dependency paths absolute.
pub fn standalone(member: &str, root_manifest: &str, root: &Path) -> String {
    let package = table(root_manifest, "workspace.package");
    let deps = table(root_manifest, "workspace.dependencies");
    let mut out = String::new();
    let mut skipping = false;
    for line in member.lines() {
        if line.starts_with('[') {
            skipping = line.trim() == "[dev-dependencies]";
        }
        if skipping {
            continue;
        }
        let replaced = if let Some(key) = line.strip_suffix(".workspace = true") {
            let value = package.get(key).or(deps.get(key));
            value.map(|v| {
                let v = if deps.contains_key(key) {
                    merge(v, "")
                } else {
                    v.clone()
                };
                format!("{key} = {v}")
            })
        } else if let Some((key, rest)) = line.split_once(" = { workspace = true") {
            let extra = rest
                .trim_start_matches(',')
                .trim()
                .trim_end_matches('}')
                .trim();
            deps.get(key)
                .map(|v| format!("{key} = {}", merge(v, extra)))
        } else {
            None
        };
        out.push_str(&replaced.unwrap_or_else(|| line.to_string()));
        out.push('\n');
    }
    out.replace("path = \"", &format!("path = \"{}/", root.display()))
}
