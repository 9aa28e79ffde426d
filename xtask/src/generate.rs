//! `cargo xtask generate [--check] [--spec FILE] [--out DIR] [--crate-name NAME]
//! [--runtime-path DIR | --runtime-version REQ]`: regenerate the whole `generated/` crate
//! (manifest, README, licenses, `src/lib.rs`, `src/api/`) from `spec/qikberry.yaml`, or (with
//! `--check`) fail with a readable summary when any file there differs from what the spec
//! generates, is missing, or was added by hand.
//!
//! With `--spec FILE` naming any other spec, it writes a crate of its own for that spec into
//! `--out DIR` (required then): a manifest with one Cargo feature per tag that depends only on
//! `qikberry-runtime` (by `--runtime-path`, default this workspace's `crates/runtime`, or by
//! `--runtime-version`), `src/lib.rs`, a README and the modules. The package is named
//! `--crate-name`, else after the spec's title (`Twilio - Verify` → `twilio-verify`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::shared::workspace;

/// Runs the task with its own arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut spec_path = workspace::spec_path();
    let mut out_dir = None;
    let mut name = None;
    let mut runtime = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |what: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs {what}"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec_path = PathBuf::from(value("a file")?),
            "--out" => out_dir = Some(PathBuf::from(value("a directory")?)),
            "--crate-name" => name = Some(value("a package name")?),
            "--runtime-path" => {
                runtime = Some(qikberry_codegen::RuntimeSource::Path(value("a directory")?));
            }
            "--runtime-version" => {
                runtime = Some(qikberry_codegen::RuntimeSource::Version(value(
                    "a version requirement",
                )?));
            }
            other => {
                return Err(format!(
                    "unknown option `{other}` for `cargo xtask generate` (use --check, --spec FILE, \
                     --out DIR, --crate-name NAME, --runtime-path DIR, --runtime-version REQ)"
                ));
            }
        }
    }
    let ours = is_workspace_spec(&spec_path);
    let files = if ours {
        generate_files(&spec_path)?
    } else {
        if out_dir.is_none() {
            return Err("--spec with another spec than spec/qikberry.yaml needs --out DIR".into());
        }
        generate_crate_files(&spec_path, name, runtime)?
    };
    let out_dir = out_dir.unwrap_or_else(|| workspace::root().join("generated"));
    if check {
        check_files(&out_dir, &files)
    } else {
        write_files(&out_dir, &files)?;
        eprintln!(
            "xtask generate: wrote {} files to {}",
            files.len(),
            out_dir.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Reads and parses the spec (YAML or JSON) and runs the generator.
pub fn generate_files(spec_path: &Path) -> Result<qikberry_codegen::Files, String> {
    let spec = read_spec(spec_path)?;
    qikberry_codegen::generate(&spec)
        .map_err(|e| format!("cannot generate code from {}: {e}", spec_path.display()))
}

/// Reads and parses a spec (YAML or JSON).
fn read_spec(spec_path: &Path) -> Result<qikberry_codegen::OpenAPI, String> {
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| format!("cannot read the spec {}: {e}", spec_path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| {
        format!(
            "{} is not a valid OpenAPI 3.0 document: {e}",
            spec_path.display()
        )
    })
}

/// Whether `spec` is this workspace's `spec/qikberry.yaml` (the `qikberry` crate is generated
/// from it; any other spec gets a crate of its own).
fn is_workspace_spec(spec: &Path) -> bool {
    let ours = workspace::spec_path();
    match (spec.canonicalize(), ours.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => spec == ours,
    }
}

/// The crate of its own for a foreign spec (see the module docs).
pub fn generate_crate_files(
    spec_path: &Path,
    name: Option<String>,
    runtime: Option<qikberry_codegen::RuntimeSource>,
) -> Result<qikberry_codegen::Files, String> {
    let spec = read_spec(spec_path)?;
    let name = name.unwrap_or_else(|| package_name(&spec.info.title));
    let runtime = runtime.unwrap_or_else(|| {
        qikberry_codegen::RuntimeSource::Path(
            workspace::root()
                .join("crates/runtime")
                .display()
                .to_string(),
        )
    });
    let options = qikberry_codegen::CrateOptions {
        name,
        spec_label: spec_path.display().to_string(),
        runtime,
    };
    qikberry_codegen::generate_crate(&spec, &options)
        .map_err(|e| format!("cannot generate code from {}: {e}", spec_path.display()))
}

/// A Cargo package name from a spec title: lower-case ASCII words joined by `-`
/// (`Twilio - Verify` → `twilio-verify`), `api-client` when nothing is left.
fn package_name(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    match words.first() {
        Some(first) if first.starts_with(|c: char| c.is_ascii_alphabetic()) => words.join("-"),
        Some(_) => format!("api-{}", words.join("-")),
        None => "api-client".to_string(),
    }
}

/// Every file under `dir`, relative to it.
fn existing(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot list {}: {e}", d.display())),
        };
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {}: {e}", d.display()))?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let rel = path
                    .strip_prefix(dir)
                    .map_err(|e| e.to_string())?
                    .to_path_buf();
                out.insert(rel, bytes);
            }
        }
    }
    Ok(out)
}

/// Writes `files` into `dir`, deleting files (and then empty directories) that are not part of
/// the output. Unchanged files are not rewritten.
pub fn write_files(dir: &Path, files: &qikberry_codegen::Files) -> Result<(), String> {
    let old = existing(dir)?;
    for rel in old.keys() {
        if !files.contains_key(rel) {
            let p = dir.join(rel);
            std::fs::remove_file(&p)
                .map_err(|e| format!("cannot delete stale {}: {e}", p.display()))?;
        }
    }
    remove_empty_dirs(dir);
    for (rel, text) in files {
        if old.get(rel).map(Vec::as_slice) == Some(text.as_bytes()) {
            continue;
        }
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            remove_empty_dirs(&p);
            // Fails (harmlessly) when not empty.
            let _ = std::fs::remove_dir(&p);
        }
    }
}

fn check_files(dir: &Path, files: &qikberry_codegen::Files) -> Result<ExitCode, String> {
    let old = existing(dir)?;
    let mut problems = Vec::new();
    for (rel, text) in files {
        match old.get(rel) {
            None => problems.push(format!("missing: {}", rel.display())),
            Some(bytes) if bytes.as_slice() != text.as_bytes() => {
                let current = String::from_utf8_lossy(bytes);
                problems.push(format!(
                    "differs: {}\n{}",
                    rel.display(),
                    first_difference(&current, text)
                ));
            }
            Some(_) => {}
        }
    }
    for rel in old.keys() {
        if !files.contains_key(rel) {
            problems.push(format!("extra (not generated any more): {}", rel.display()));
        }
    }
    if problems.is_empty() {
        eprintln!(
            "xtask generate --check: {} files up to date in {}",
            files.len(),
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "xtask generate --check: the checked-in generated code in {} is out of date:",
        dir.display()
    );
    for p in &problems {
        eprintln!("  {p}");
    }
    eprintln!("run `cargo xtask generate` and commit the result");
    Ok(ExitCode::FAILURE)
}

/// The first differing line (with up to 2 lines of each side after it).
fn first_difference(current: &str, wanted: &str) -> String {
    let a: Vec<&str> = current.lines().collect();
    let b: Vec<&str> = wanted.lines().collect();
    let i = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = format!("    first difference at line {}:\n", i + 1);
    for l in a.iter().skip(i).take(3) {
        out.push_str(&format!("    - {l}\n"));
    }
    for l in b.iter().skip(i).take(3) {
        out.push_str(&format!("    + {l}\n"));
    }
    if a.len() != b.len() {
        out.push_str(&format!(
            "    ({} lines checked in, {} generated)\n",
            a.len(),
            b.len()
        ));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> qikberry_codegen::Files {
        entries
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    #[test]
    fn write_replaces_stale_files_and_check_detects_drift() {
        let dir = std::env::temp_dir().join(format!("xtask-generate-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("old")).unwrap();
        std::fs::write(dir.join("old/stale.rs"), "stale").unwrap();
        let want = files(&[("mod.rs", "a\n"), ("sms/mod.rs", "b\n")]);
        write_files(&dir, &want).unwrap();
        assert!(
            !dir.join("old").exists(),
            "stale files and their empty directory are deleted"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("sms/mod.rs")).unwrap(),
            "b\n"
        );
        assert_eq!(check_files(&dir, &want).unwrap(), ExitCode::SUCCESS);
        std::fs::write(dir.join("sms/mod.rs"), "edited\n").unwrap();
        assert_eq!(check_files(&dir, &want).unwrap(), ExitCode::FAILURE);
        write_files(&dir, &want).unwrap();
        std::fs::write(dir.join("extra.rs"), "").unwrap();
        assert_eq!(check_files(&dir, &want).unwrap(), ExitCode::FAILURE);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The real crate: `--check` covers every file of `generated/`, manifest and README
    /// included, and a file added there by hand.
    #[test]
    fn check_fails_when_any_file_of_the_generated_crate_is_edited_or_added() {
        let want = generate_files(&workspace::spec_path()).unwrap();
        for must in [
            "Cargo.toml",
            "README.md",
            "LICENSE-MIT",
            "src/lib.rs",
            "src/api/mod.rs",
        ] {
            assert!(
                want.contains_key(Path::new(must)),
                "{must} is not generated"
            );
        }
        let dir = std::env::temp_dir().join(format!("xtask-generate-crate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_files(&dir, &want).unwrap();
        assert_eq!(check_files(&dir, &want).unwrap(), ExitCode::SUCCESS);
        for edited in [
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "src/api/sms/mod.rs",
        ] {
            let path = dir.join(edited);
            let original = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, format!("{original}\n# edited by hand\n")).unwrap();
            assert_eq!(
                check_files(&dir, &want).unwrap(),
                ExitCode::FAILURE,
                "{edited}"
            );
            std::fs::write(&path, original).unwrap();
        }
        assert_eq!(check_files(&dir, &want).unwrap(), ExitCode::SUCCESS);
        std::fs::write(dir.join("src/handwritten.rs"), "pub fn f() {}\n").unwrap();
        assert_eq!(check_files(&dir, &want).unwrap(), ExitCode::FAILURE);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unreadable_spec_is_an_error() {
        let err = generate_files(Path::new("/nonexistent/qikberry.yaml")).unwrap_err();
        assert!(err.contains("cannot read the spec"), "{err}");
    }

    #[test]
    fn package_names_come_from_the_title() {
        assert_eq!(package_name("Twilio - Verify"), "twilio-verify");
        assert_eq!(package_name("2nd API"), "api-2nd-api");
        assert_eq!(package_name("  "), "api-client");
    }

    #[test]
    fn difference_names_the_line() {
        let d = first_difference("a\nb\nc", "a\nx\nc");
        assert!(d.contains("line 2"), "{d}");
        assert!(d.contains("- b") && d.contains("+ x"), "{d}");
    }
}
