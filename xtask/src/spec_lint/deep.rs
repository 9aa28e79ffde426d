//! Check 9b: the deeper reference comparison, run by `spec/reference_facts.py --check` in the
//! tools' Python (`jsonschema` validates the wire samples): field types and defaults, the HTTP
//! status table, the limits the reference states in prose and every sample of `wire-shapes.md`
//! (the `type`, `default`, `code`, `limit` and `sample` rows of the facts file beside the spec).
//! Each sample is validated as what `reference-samples.tsv` beside the spec says it is: a
//! request body, one operation's answer (for a status) or one push, against that schema alone;
//! a sample without a row, a row without a sample and a target the spec lacks are problems. The
//! script prints `class: N compared, N exact, N explained` per class (the samples count as
//! `sample-request`, `sample-response`, `sample-event`) and one `<pointer>: <problem>` line per
//! unexplained difference or stale explanation. A missing Python is a problem, never a skip;
//! without a facts file beside the spec the check is skipped, as the names comparison is.

use std::path::Path;
use std::process::Command;

use super::reference::FACTS;
use super::{Check, Problems};
use crate::shared::workspace;

/// The classes this check counts and explains (the names comparison leaves their explanations
/// alone; the facts of the `sample-*` classes are the `sample` rows, which it ignores too).
pub const DEEP_KINDS: &[&str] = &[
    "type",
    "default",
    "code",
    "limit",
    "sample-request",
    "sample-response",
    "sample-event",
];

/// Runs the script on `spec_file`; returns its per-class count lines for the summary.
pub fn check(spec_file: &Path, problems: &mut Problems) -> Vec<String> {
    let dir = spec_file.parent().unwrap_or(Path::new("."));
    if !dir.join(FACTS).exists() {
        return Vec::new();
    }
    let python = workspace::tools_dir()
        .join("venv")
        .join("bin")
        .join("python");
    let script = workspace::root().join("spec").join("reference_facts.py");
    let output = match Command::new(&python)
        .arg(&script)
        .arg("--check")
        .arg(spec_file)
        .output()
    {
        Ok(output) => output,
        Err(e) => {
            problems.push(
                Check::Reference,
                "#",
                format!(
                    "cannot run {} (install the tools with `cargo xtask test`): {e}",
                    python.display()
                ),
            );
            return Vec::new();
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut counts = Vec::new();
    for line in stdout.lines() {
        let class = line.split(':').next().unwrap_or_default();
        if DEEP_KINDS.contains(&class) {
            counts.push(line.to_string());
        } else if let Some((pointer, what)) = line.split_once(": ") {
            problems.push(Check::Reference, pointer, what.to_string());
        }
    }
    if !output.status.success() && counts.len() != DEEP_KINDS.len() {
        problems.push(
            Check::Reference,
            script.display().to_string(),
            format!(
                "the deep comparison failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        );
    }
    counts
}
