//! `cargo xtask spec-lint [FILE]`: every check the spec must pass, in one command.
//!
//! 1. the YAML loads, parses with `openapiv3` (failures are narrowed down to the object that
//!    fails), has no plain scalar that YAML 1.1/1.2 parsers read differently from `serde_yaml`
//!    (`008`, `N`, `no`), and every `$ref` resolves inside the document;
//! 2. the operations match `spec/inventory.tsv` both ways (method + path, parameter names
//!    aside), with its `x-source` / `x-path-inferred` flags, operationId and tag, and every
//!    operation has one allowed tag, a `<tag_snake>_…` snake_case operationId, a summary and a
//!    description;
//! 3. every example and default validates against its schema (JSON Schema, converted from
//!    OpenAPI 3.0), enum values have their schema's type, and every shape of a multi-shape
//!    request body is exercised by at least one request example;
//! 4. every enum listed in `spec/documented-enums.tsv` appears as an `enum`;
//! 5. the multi-shape request bodies have the documented number of leaf shapes, each titled;
//! 6. every `oneOf` has a discriminator, a single-value enum property per variant, or
//!    `x-untagged: true` with a description (`x-lenient-scalar` scalar unions are fine); no
//!    `allOf`;
//! 7. schemas the server sends (responses, webhook pushes) stay open (no
//!    `additionalProperties: false`);
//! 8. what the spec infers is flagged `x-inferred` where the generator sees it, and each
//!    `x-exactly-one-of` rule is also stated as JSON Schema (`inferred`); the summary counts the
//!    flags per product;
//! 9. every parameter, top-level body field, enum value and response key the reference shows is in
//!    the spec, or its difference is explained in `spec/reference-mismatches.tsv` (`reference`);
//!    field types and defaults, the HTTP status table, the prose limits and every wire sample
//!    are compared by `spec/reference_facts.py --check` (`deep`), which prints counts per class;
//! 10. `openapi-spec-validator` and `redocly lint` (config `redocly.yaml`) accept the file; a
//!     missing tool is a problem, never a skip.
//!
//! Problems print as `<JSON pointer>: <problem>` (sorted by check, then pointer) and the exit
//! code is 1; a clean run prints one summary line. Redocly warnings go to stderr.

mod coverage;
mod deep;
mod enums;
mod examples;
mod extensions;
mod external;
mod inferred;
mod oneof;
mod open;
mod parse;
mod reference;
mod walk;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::shared::workspace;

const USAGE: &str = "\
cargo xtask spec-lint [FILE] [--inventory TSV] [--enums TSV] [--no-external]

  FILE           the spec (default spec/qikberry.yaml)
  --inventory    the operation inventory (default spec/inventory.tsv)
  --enums        the documented enums (default spec/documented-enums.tsv)
  --no-external  skip openapi-spec-validator and redocly (for the linter's own tests only)
  --verbose      also print where each documented enum was found
";

/// Which check found a problem; the output is ordered by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    /// YAML / openapiv3 parsing.
    Parse,
    /// `$ref` resolution.
    Refs,
    /// Inventory coverage and operation conventions.
    Coverage,
    /// Examples against schemas.
    Examples,
    /// Documented enums.
    Enums,
    /// oneOf leaf counts.
    LeafCounts,
    /// oneOf tagging.
    OneOf,
    /// Server-sent schemas stay open.
    Open,
    /// Inferences flagged; exactly-one rules stated twice.
    Inferred,
    /// The spec against the reference's facts.
    Reference,
    /// Outside validators.
    External,
}

/// One problem.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    check: Check,
    pointer: String,
    message: String,
}

/// Compares pointers segment by segment, numbers numerically (`…/enum/8` before `…/enum/18`).
fn compare_pointers(a: &str, b: &str) -> std::cmp::Ordering {
    let mut left = a.split('/');
    let mut right = b.split('/');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => x.cmp(y),
                };
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

impl Ord for Problem {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.check
            .cmp(&other.check)
            .then_with(|| compare_pointers(&self.pointer, &other.pointer))
            .then_with(|| self.message.cmp(&other.message))
    }
}

impl PartialOrd for Problem {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The problems found so far.
#[derive(Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Records a problem at a JSON pointer (or `file:line` for the TSV inputs).
    pub fn push(&mut self, check: Check, pointer: impl Into<String>, message: String) {
        self.0.push(Problem {
            check,
            pointer: pointer.into(),
            message,
        });
    }
}

struct Options {
    file: PathBuf,
    inventory: PathBuf,
    enums: PathBuf,
    external: bool,
    verbose: bool,
}

fn parse_args(args: &[String], root: &Path) -> Result<Options, String> {
    let mut file = None;
    let mut inventory = root.join("spec").join("inventory.tsv");
    let mut enums = root.join("spec").join("documented-enums.tsv");
    let mut external = true;
    let mut verbose = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--no-external" => external = false,
            "--verbose" => verbose = true,
            "--inventory" => {
                inventory = PathBuf::from(
                    iter.next()
                        .ok_or_else(|| format!("--inventory needs a file\n{USAGE}"))?,
                )
            }
            "--enums" => {
                enums = PathBuf::from(
                    iter.next()
                        .ok_or_else(|| format!("--enums needs a file\n{USAGE}"))?,
                )
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other if other.starts_with('-') => {
                return Err(format!("unknown option `{other}`\n{USAGE}"));
            }
            other => {
                if file.replace(PathBuf::from(other)).is_some() {
                    return Err(format!("only one FILE may be given\n{USAGE}"));
                }
            }
        }
    }
    Ok(Options {
        file: file.unwrap_or_else(workspace::spec_path),
        inventory,
        enums,
        external,
        verbose,
    })
}

/// Prints one line to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn out(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Prints one line to stderr, likewise.
fn err(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Runs the task with its own arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace::root();
    let options = parse_args(args, &root)?;
    let text = std::fs::read_to_string(&options.file)
        .map_err(|e| format!("cannot read {}: {e}", options.file.display()))?;
    let mut problems = Problems::default();
    let mut summary = Vec::new();
    let running = options
        .external
        .then(|| external::start(&root, &options.file));

    let doc = parse::load_yaml(&text, &mut problems);
    // Without a `paths` map every operation would be reported missing; one problem says it.
    let doc = doc.filter(|doc| {
        let usable = doc.get("paths").is_some_and(serde_json::Value::is_object);
        if !usable {
            parse::check_openapiv3(&text, Some(doc), &mut problems);
            problems.push(
                Check::Parse,
                "#/paths",
                "the spec has no `paths` map; nothing else was checked".to_string(),
            );
        }
        usable
    });
    if let Some(doc) = doc {
        parse::check_openapiv3(&text, Some(&doc), &mut problems);
        parse::check_ambiguous_scalars(&text, &doc, &mut problems);
        let refs = parse::check_refs(&doc, &mut problems);
        let structure = walk::Structure::collect(&doc);
        let coverage = coverage::check(&doc, &options.inventory, &mut problems);
        let examples = examples::check(&doc, &structure, &mut problems);
        let enums = enums::check(&doc, &structure, &options.enums, &mut problems);
        let leaf_counts = oneof::check_leaf_counts(&doc, &mut problems);
        let one_ofs = oneof::check_tagging(&doc, &structure, &mut problems);
        open::check(&doc, &mut problems);
        extensions::check(&doc, &mut problems);
        let inferred = inferred::check(&doc, &structure, &mut problems);
        let reference = reference::check(&doc, &options.file, &mut problems);
        let deep = deep::check(&options.file, &mut problems);
        summary.push(format!(
            "{} operations ({} in the inventory)",
            coverage.operations, coverage.inventory
        ));
        summary.push(format!("{refs} $refs"));
        summary.push(format!("{} examples checked", examples.examples));
        summary.push(format!(
            "{}/{} documented enums",
            enums.matches.len(),
            enums.listed
        ));
        if options.verbose {
            for line in &enums.matches {
                out(line);
            }
        }
        summary.push(format!(
            "{leaf_counts}/{} oneOf leaf counts",
            oneof::LEAF_COUNTS.len()
        ));
        summary.push(format!("{} oneOfs", one_ofs.one_ofs));
        let per_product: Vec<String> = inferred
            .per_product
            .iter()
            .map(|(product, n)| format!("{product} {n}"))
            .collect();
        summary.push(format!(
            "{} x-inferred ({}), {} exactly-one rules",
            inferred.total,
            per_product.join(", "),
            inferred.exactly_one
        ));
        if reference.ran {
            summary.push(format!(
                "{} reference facts compared ({} differences, all explained in {})",
                reference.facts,
                reference.explained,
                reference::EXPLAINED
            ));
        } else {
            summary.push(format!(
                "reference comparison skipped (no {} beside the spec)",
                reference::FACTS
            ));
        }
        if !deep.is_empty() {
            summary.push(format!("deep reference comparison ({})", deep.join("; ")));
        }
        if options.verbose {
            for m in &reference.mismatches {
                out(&format!("{}: {}", m.pointer, m.what));
            }
        }
    }
    if let Some(running) = running {
        let external = external::finish(running, &mut problems);
        let mut warnings = external.warnings.clone();
        warnings.sort();
        for warning in &warnings {
            err(&format!("warning: {warning}"));
        }
        let mut passed = external.passed.join(" + ");
        if passed.is_empty() {
            passed = "no outside validator".to_string();
        }
        summary.push(format!(
            "{passed} OK ({} redocly warnings)",
            external.warnings.len()
        ));
    } else {
        summary.push("outside validators skipped (--no-external)".to_string());
    }

    let mut list = problems.0;
    list.sort();
    list.dedup();
    if list.is_empty() {
        out(&format!(
            "spec-lint: {} OK: {}",
            options.file.display(),
            summary.join(", ")
        ));
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &list {
        out(&format!("{}: {}", problem.pointer, problem.message));
    }
    let mut per_check: Vec<(Check, usize)> = Vec::new();
    for problem in &list {
        match per_check.last_mut() {
            Some((check, n)) if *check == problem.check => *n += 1,
            _ => per_check.push((problem.check, 1)),
        }
    }
    let breakdown: Vec<String> = per_check
        .iter()
        .map(|(c, n)| format!("{c:?} {n}"))
        .collect();
    err(&format!(
        "spec-lint: {} problem(s) in {} ({}); checked: {}",
        list.len(),
        options.file.display(),
        breakdown.join(", "),
        summary.join(", ")
    ));
    Ok(ExitCode::FAILURE)
}
