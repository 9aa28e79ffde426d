//! The Markdown report, made to fit a pull-request comment: a summary of at most
//! [`SUMMARY_LINES`] lines (verdict, release, counts by product and severity, the breaking
//! changes one line each), then every group, the Rust API and the changelog entry folded in
//! `<details>`.

use std::collections::BTreeMap;

use super::Report;
use super::api::ApiDiff;
use super::group::Group;
use crate::shared::spec_changes::rules::Severity;

/// The summary's budget: lines before the first `<details>`.
pub const SUMMARY_LINES: usize = 40;

/// Places listed under a group before the rest is counted (`--format json` lists all).
const PLACES_SHOWN: usize = 6;

/// Renders the report.
pub fn render(r: &Report) -> String {
    let mut out = summary(r);
    for severity in [Severity::Breaking, Severity::NonBreaking, Severity::Info] {
        let of: Vec<&Group> = r.groups.iter().filter(|g| g.severity == severity).collect();
        if !of.is_empty() {
            out.push_str(&groups_section(severity, &of));
        }
    }
    if let Some(api) = &r.rust_api {
        out.push_str(&api_section(api));
    }
    out.push_str(&format!(
        "\n<details><summary>CHANGELOG.md entry</summary>\n\n```markdown\n{}```\n\n</details>\n",
        r.release.changelog
    ));
    out
}

/// Title, verdict, release line, counts table and the breaking changes, within the budget.
fn summary(r: &Report) -> String {
    let s = &r.summary;
    let count = |sev| r.groups.iter().filter(|g| g.severity == sev).count();
    let mut lines = vec![
        format!("# Spec diff: `{}` → `{}`", r.old, r.new),
        String::new(),
        format!(
            "**{}.** {} breaking, {} non-breaking, {} info distinct change(s) ({} places in all).{}",
            if s.breaking + s.rust_api_breaking > 0 {
                "Breaking"
            } else {
                "Not breaking"
            },
            count(Severity::Breaking),
            count(Severity::NonBreaking),
            count(Severity::Info),
            s.breaking + s.non_breaking + s.info,
            r.rust_api
                .as_ref()
                .map_or(String::new(), |a| match &a.error {
                    Some(e) => format!(" Rust API not compared: {e}."),
                    None => format!(
                        " Rust API: {} removed, {} changed, {} added.",
                        a.removed.len() + a.features_removed.len(),
                        a.changed.len(),
                        a.added.len() + a.features_added.len()
                    ),
                })
        ),
        String::new(),
        format!(
            "**Release:** `qikberry` {} → **{}** ({} bump: {}).",
            r.release.current, r.release.next, r.release.bump, r.release.reason
        ),
        String::new(),
    ];
    lines.extend(table(r));
    let breaking: Vec<&Group> = r
        .groups
        .iter()
        .filter(|g| g.severity == Severity::Breaking)
        .collect();
    if !breaking.is_empty() {
        lines.push(String::new());
        lines.push("Breaking, one line per distinct change (places and reasons below):".into());
        // Room left, keeping one line for "… more".
        let room = SUMMARY_LINES.saturating_sub(lines.len() + 2).max(1);
        for g in breaking.iter().take(room) {
            lines.push(format!("- {} — {}", g.what, g.reach()));
        }
        if breaking.len() > room {
            lines.push(format!("- … {} more in the details", breaking.len() - room));
        }
    }
    if r.groups.is_empty() {
        lines.push(String::new());
        lines.push("No changes that affect the generated client.".into());
    }
    lines.join("\n") + "\n"
}

/// Counts of places by product and severity, plus a Rust API row.
fn table(r: &Report) -> Vec<String> {
    let mut by: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for c in &r.changes {
        let i = match c.severity {
            Severity::Breaking => 0,
            Severity::NonBreaking => 1,
            Severity::Info => 2,
        };
        by.entry(c.product.as_str()).or_default()[i] += 1;
    }
    let mut out = vec![
        "| product | breaking | non-breaking | info |".to_string(),
        "|---|---:|---:|---:|".to_string(),
    ];
    for (p, [b, n, i]) in by {
        out.push(format!("| {p} | {b} | {n} | {i} |"));
    }
    if let Some(a) = r.rust_api.as_ref().filter(|a| a.error.is_none()) {
        out.push(format!(
            "| Rust API (items) | {} | {} | 0 |",
            a.breaking(),
            a.added.len() + a.features_added.len()
        ));
    }
    out
}

/// One folded section per severity: each group with its effect and places.
fn groups_section(severity: Severity, groups: &[&Group]) -> String {
    let title = match severity {
        Severity::Breaking => "Breaking changes",
        Severity::NonBreaking => "Non-breaking changes",
        Severity::Info => "For information",
    };
    let mut out = format!(
        "\n<details><summary>{title} ({})</summary>\n\n",
        groups.len()
    );
    for g in groups {
        let kind = serde_json::to_value(g.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let rust = if g.behaviour_only {
            "no Rust signature changes"
        } else {
            "changes Rust types"
        };
        out.push_str(&format!(
            "- **{}** — {} (`{kind}`; {rust}): {}\n",
            g.what,
            g.reach(),
            g.effect
        ));
        for p in g.places.iter().take(PLACES_SHOWN) {
            let within = if p.within.is_empty() {
                String::new()
            } else {
                format!(" {}", p.within)
            };
            out.push_str(&format!(
                "  - `{}`{within} at `{}`\n",
                p.operation, p.pointer
            ));
        }
        if g.places.len() > PLACES_SHOWN {
            out.push_str(&format!(
                "  - … and {} more (`--format json` lists every place)\n",
                g.places.len() - PLACES_SHOWN
            ));
        }
    }
    out.push_str("\n</details>\n");
    out
}

/// The Rust API: changes grouped by their `old → new` signature, removed and added items.
fn api_section(api: &ApiDiff) -> String {
    let mut out = String::from("\n<details><summary>Generated Rust API</summary>\n\n");
    if let Some(e) = &api.error {
        out.push_str(&format!(
            "Could not compare the generated code: {e}\n\n</details>\n"
        ));
        return out;
    }
    if api.is_empty() {
        out.push_str("No public item of the generated crate changes.\n\n</details>\n");
        return out;
    }
    let mut changed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &api.changed {
        let (path, sig) = c.split_once(": ").unwrap_or((c, ""));
        changed.entry(sig).or_default().push(path);
    }
    let mut changed: Vec<_> = changed.into_iter().collect();
    changed.sort_by_key(|(_, paths)| std::cmp::Reverse(paths.len()));
    if !changed.is_empty() {
        out.push_str(&format!("Changed — breaking ({}):\n\n", api.changed.len()));
        for (sig, paths) in changed {
            let shown: Vec<String> = paths.iter().take(4).map(|p| format!("`{p}`")).collect();
            let more = if paths.len() > 4 {
                format!(", … ({} in all)", paths.len())
            } else {
                String::new()
            };
            out.push_str(&format!("- `{sig}` — {}{more}\n", shown.join(", ")));
        }
        out.push('\n');
    }
    let feature = |f: &String| format!("Cargo feature {f}");
    let lists: [(&str, Vec<String>); 2] = [
        (
            "Removed — breaking",
            api.removed
                .iter()
                .cloned()
                .chain(api.features_removed.iter().map(feature))
                .collect(),
        ),
        (
            "Added",
            api.added
                .iter()
                .cloned()
                .chain(api.features_added.iter().map(feature))
                .collect(),
        ),
    ];
    for (title, list) in lists {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("{title} ({}):\n\n", list.len()));
        for item in &list {
            out.push_str(&format!("- `{item}`\n"));
        }
        out.push('\n');
    }
    out.push_str("</details>\n");
    out
}
