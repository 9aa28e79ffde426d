//! `cargo xtask spec-diff`: a classified, reviewable diff between two versions of the spec.
//!
//! ```text
//! cargo xtask spec-diff [--base REV | --old FILE] [--new FILE]
//!                       [--format markdown|json] [--fail-on breaking] [--no-api] [--rules]
//! ```
//!
//! Both documents are read as JSON values; `$ref`s are resolved while comparing, through nested
//! schemas and `oneOf`s. Each change is classified by the table in `shared::spec_changes::rules` from the point of view
//! of a caller of the generated client. Unless `--no-api` is given, both specs are also run
//! through the generator and the public Rust items of the two outputs are compared ([`api`]).
//! The report groups one change made at many places into one entry ([`group`]), says which
//! version the generated crate must take and gives its changelog entry ([`release`]).

pub mod api;
mod group;
mod markdown;
mod release;
mod rust_syntax;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde::Serialize;
use serde_json::Value;

use crate::shared::spec_changes::compare::{self, Change};

use crate::shared::spec_changes::rules::{self, Severity};
use crate::shared::workspace;

/// `cargo xtask spec-diff --help`.
const USAGE: &str = "\
cargo xtask spec-diff (--base REV | --old FILE) [--new FILE] [--format markdown|json]
                      [--fail-on breaking] [--no-api]
cargo xtask spec-diff --rules

  --base REV          compare against spec/qikberry.yaml at a git revision (e.g. main)
  --old FILE          compare against a spec file instead
  --new FILE          the changed spec (default: the working tree's spec/qikberry.yaml)
  --format            markdown (default) or json (stable field names)
  --fail-on breaking  exit non-zero when any change is breaking
  --no-api            leave out the section on the generated crate's public Rust items
  --rules             print the change rules table and exit
";

/// The spec's path inside the repository, as git names it.
const SPEC_IN_REPO: &str = "spec/qikberry.yaml";

#[derive(Debug, PartialEq)]
enum Format {
    Markdown,
    Json,
}

/// Parsed command line.
#[derive(Debug)]
struct Options {
    base: Option<String>,
    old: Option<PathBuf>,
    new: Option<PathBuf>,
    format: Format,
    fail_on_breaking: bool,
    api: bool,
    rules: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        base: None,
        old: None,
        new: None,
        format: Format::Markdown,
        fail_on_breaking: false,
        api: true,
        rules: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match arg.as_str() {
            "--base" => o.base = Some(value("--base")?),
            "--old" => o.old = Some(PathBuf::from(value("--old")?)),
            "--new" => o.new = Some(PathBuf::from(value("--new")?)),
            "--format" => {
                o.format = match value("--format")?.as_str() {
                    "markdown" | "md" => Format::Markdown,
                    "json" => Format::Json,
                    other => {
                        return Err(format!(
                            "unknown --format `{other}` (expected markdown or json)"
                        ));
                    }
                }
            }
            "--fail-on" => match value("--fail-on")?.as_str() {
                "breaking" => o.fail_on_breaking = true,
                other => return Err(format!("unknown --fail-on `{other}` (expected breaking)")),
            },
            "--no-api" => o.api = false,
            "--rules" => o.rules = true,
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => {
                return Err(format!(
                    "unknown option `{other}` for `cargo xtask spec-diff`\n{USAGE}"
                ));
            }
        }
    }
    if o.base.is_some() && o.old.is_some() {
        return Err("give either --base REV or --old FILE, not both".into());
    }
    if o.base.is_none() && o.old.is_none() && !o.rules {
        return Err("say what to compare against: --base REV (e.g. main) or --old FILE".into());
    }
    Ok(o)
}

/// A spec loaded from a file or a git revision, with the label used in the report.
pub struct LoadedSpec {
    /// `FILE` or `REV:spec/qikberry.yaml`.
    pub label: String,
    /// The document.
    pub doc: Value,
    /// Its text, as read.
    pub text: String,
}

/// Reads and validates a spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    load_text(path.display().to_string(), text)
}

/// Reads `spec/qikberry.yaml` as it was at `rev`.
pub fn load_revision(rev: &str) -> Result<LoadedSpec, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(workspace::root())
        .arg("show")
        .arg(format!("{rev}:{SPEC_IN_REPO}"))
        .output()
        .map_err(|e| format!("revision `{rev}`: cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "revision `{rev}` has no {SPEC_IN_REPO}: {}",
            stderr.trim()
        ));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| format!("revision `{rev}`: {SPEC_IN_REPO} is not UTF-8"))?;
    load_text(format!("{rev}:{SPEC_IN_REPO}"), text)
}

fn load_text(label: String, text: String) -> Result<LoadedSpec, String> {
    let doc: Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{label}: not valid YAML/JSON: {e}"))?;
    // A document openapiv3 cannot read is not a spec the generator could use either.
    let de = serde_json::from_value::<openapiv3::OpenAPI>(doc.clone());
    if let Err(e) = de {
        return Err(format!("{label}: not a valid OpenAPI 3.0 document: {e}"));
    }
    if !doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"))
    {
        return Err(format!(
            "{label}: not an OpenAPI 3.0.x document (`openapi` field)"
        ));
    }
    Ok(LoadedSpec { label, doc, text })
}

/// The whole report, also the JSON output format.
#[derive(Serialize)]
pub struct Report {
    /// Label of the old spec.
    pub old: String,
    /// Label of the new spec.
    pub new: String,
    /// Counts per severity.
    pub summary: Summary,
    /// Every change, breaking first, then by product, operation and pointer.
    pub changes: Vec<Change>,
    /// The changes grouped: one entry per distinct change with the places it applies to.
    pub groups: Vec<group::Group>,
    /// The version bump and changelog entry the change implies.
    pub release: release::Release,
    /// What the change does to the generated crate's public API (absent with `--no-api`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust_api: Option<api::ApiDiff>,
}

/// Counts per severity.
#[derive(Serialize, Default, PartialEq, Debug)]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Non-breaking changes.
    pub non_breaking: usize,
    /// Informational lines.
    pub info: usize,
    /// Breaking changes of the generated Rust API (items removed or changed, features removed).
    pub rust_api_breaking: usize,
}

/// Builds the report for two loaded specs.
pub fn report(old: &LoadedSpec, new: &LoadedSpec, with_api: bool) -> Report {
    let changes = compare::diff(&old.doc, &new.doc);
    let mut summary = Summary::default();
    for c in &changes {
        match c.severity {
            Severity::Breaking => summary.breaking += 1,
            Severity::NonBreaking => summary.non_breaking += 1,
            Severity::Info => summary.info += 1,
        }
    }
    let rust_api = with_api.then(|| api::diff(&old.text, &new.text));
    summary.rust_api_breaking = rust_api.as_ref().map_or(0, api::ApiDiff::breaking);
    let groups = group::group(&changes);
    let release = release::release(&crate_version(), &groups, rust_api.as_ref());
    Report {
        old: old.label.clone(),
        new: new.label.clone(),
        summary,
        changes,
        groups,
        release,
        rust_api,
    }
}

/// The version the crates share (`[workspace.package] version`), `0.0.0` when unreadable.
fn crate_version() -> String {
    let manifest =
        std::fs::read_to_string(workspace::root().join("Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.split('"').next())
        .unwrap_or("0.0.0")
        .to_string()
}

/// Renders the report for a review (see [`markdown`]).
pub fn markdown(r: &Report) -> String {
    markdown::render(r)
}

/// Runs the task.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let o = parse(args)?;
    if o.rules {
        print!("{}", rules::rules_markdown());
        return Ok(ExitCode::SUCCESS);
    }
    let old = match (&o.base, &o.old) {
        (Some(rev), _) => load_revision(rev)?,
        (_, Some(path)) => load_file(path)?,
        (None, None) => return Err("say what to compare against: --base REV or --old FILE".into()),
    };
    let new = load_file(&o.new.clone().unwrap_or_else(workspace::spec_path))?;
    let r = report(&old, &new, o.api);
    match o.format {
        Format::Markdown => print!("{}", markdown(&r)),
        Format::Json => {
            let text =
                serde_json::to_string_pretty(&r).map_err(|e| format!("cannot render JSON: {e}"))?;
            println!("{text}");
        }
    }
    if o.fail_on_breaking && r.summary.breaking + r.summary.rust_api_breaking > 0 {
        eprintln!(
            "spec-diff: {} breaking change(s) in the spec, {} in the generated Rust API",
            r.summary.breaking, r.summary.rust_api_breaking
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
