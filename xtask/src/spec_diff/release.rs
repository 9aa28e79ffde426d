//! Release help: the SemVer bump a spec change implies for the generated crate, and a ready
//! `CHANGELOG.md` entry (Keep a Changelog sections) written from the grouped diff.

use serde::Serialize;

use super::api::ApiDiff;
use super::group::Group;
use crate::shared::spec_changes::rules::{ChangeKind, Severity};

/// The version the generated crate must take, and why.
#[derive(Serialize, Debug)]
pub struct Release {
    /// The crate's version now (the workspace's `version`).
    pub current: String,
    /// The version to release.
    pub next: String,
    /// `major`, `minor`, `patch` or `none`, in SemVer's sense (for a `0.y.z` crate Cargo treats
    /// `y` as the major number, so a breaking change bumps `y`).
    pub bump: &'static str,
    /// Why, in one sentence.
    pub reason: String,
    /// The entry for `CHANGELOG.md`.
    pub changelog: String,
}

/// Computes the bump from the spec-level groups and the Rust-API difference.
pub fn release(current: &str, groups: &[Group], api: Option<&ApiDiff>) -> Release {
    let spec_breaking = groups
        .iter()
        .filter(|g| g.severity == Severity::Breaking)
        .count();
    let api_breaking = api.map_or(0, ApiDiff::breaking);
    let additions = groups.iter().any(|g| g.severity == Severity::NonBreaking)
        || api.is_some_and(|a| !a.added.is_empty() || !a.features_added.is_empty());
    let (bump, reason) = if spec_breaking + api_breaking > 0 {
        (
            "major",
            format!(
                "{spec_breaking} breaking change(s) in the spec and {api_breaking} breaking change(s) in the Rust API"
            ),
        )
    } else if additions {
        (
            "minor",
            "additions only: existing code keeps compiling and working".to_string(),
        )
    } else if groups.is_empty() {
        (
            "none",
            "no change that reaches a user of the crate".to_string(),
        )
    } else {
        ("patch", "documentation-level changes only".to_string())
    };
    let next = bumped(current, bump);
    let reason = match (bump, current.starts_with("0.")) {
        ("major", true) => format!(
            "{reason}; a 0.y crate takes a new `y` (Cargo treats 0.1 → 0.2 as incompatible)"
        ),
        ("minor", true) => format!("{reason}; a 0.y crate takes a new patch number"),
        _ => reason,
    };
    let changelog = changelog(&next, groups, api);
    Release {
        current: current.to_string(),
        next,
        bump,
        reason,
        changelog,
    }
}

/// `current` bumped: for `0.y.z`, major → `0.(y+1).0` and minor → `0.y.(z+1)`.
fn bumped(current: &str, bump: &str) -> String {
    let mut n: Vec<u64> = current
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    n.resize(3, 0);
    let level = match bump {
        "major" => 0,
        "minor" => 1,
        "patch" => 2,
        _ => return current.to_string(),
    };
    // 0.y.z: every level moves one place right.
    let level = if n[0] == 0 { (level + 1).min(2) } else { level };
    n[level] += 1;
    for x in n.iter_mut().skip(level + 1) {
        *x = 0;
    }
    format!("{}.{}.{}", n[0], n[1], n[2])
}

/// The Keep a Changelog section a group belongs to.
fn section(g: &Group) -> &'static str {
    use ChangeKind as K;
    let name = format!("{:?}", g.kind);
    match g.kind {
        K::SecretAdded | K::SecretRemoved => "Security",
        _ if name.ends_with("Added") => "Added",
        _ if name.ends_with("Removed") => "Removed",
        _ => "Changed",
    }
}

/// The changelog entry: one line per group (info ones left out), breaking ones marked.
fn changelog(next: &str, groups: &[Group], api: Option<&ApiDiff>) -> String {
    let mut out = format!("## [{next}] - unreleased\n");
    for title in ["Added", "Changed", "Removed", "Security"] {
        let lines: Vec<String> = groups
            .iter()
            .filter(|g| g.severity != Severity::Info && section(g) == title)
            .map(|g| {
                let ids = g.operation_ids();
                let shown: Vec<String> = ids.iter().take(3).map(|i| format!("`{i}`")).collect();
                let more = if ids.len() > 3 { ", …" } else { "" };
                format!(
                    "- {}{} ({}: {}{more}).",
                    if g.severity == Severity::Breaking {
                        "**Breaking:** "
                    } else {
                        ""
                    },
                    g.what,
                    g.reach(),
                    shown.join(", ")
                )
            })
            .collect();
        let api_line = api.and_then(|a| match title {
            "Removed" if !a.removed.is_empty() || !a.features_removed.is_empty() => Some(format!(
                "- **Breaking:** {} public Rust item(s) and {} Cargo feature(s) of `qikberry` removed (see the spec-diff report).",
                a.removed.len(),
                a.features_removed.len()
            )),
            _ => None,
        });
        if lines.is_empty() && api_line.is_none() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for l in lines.iter().chain(api_line.iter()) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_versions_move_one_place_right() {
        assert_eq!(bumped("0.1.0", "major"), "0.2.0");
        assert_eq!(bumped("0.1.3", "minor"), "0.1.4");
        assert_eq!(bumped("1.4.2", "major"), "2.0.0");
        assert_eq!(bumped("1.4.2", "minor"), "1.5.0");
        assert_eq!(bumped("1.4.2", "none"), "1.4.2");
    }
}
