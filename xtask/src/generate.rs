//! `cargo xtask generate [--check] [--spec FILE] [--out DIR]`: regenerate the whole `generated/`
//! crate (manifest, README, licenses, `src/lib.rs`, `src/api/`) from `spec/qikberry.yaml`, or
//! (with `--check`) fail with a readable summary when any file there differs from what the spec
//! generates, is missing, or was added by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::shared::workspace;

/// Runs the task with its own arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut spec_path = workspace::spec_path();
    let mut out_dir = workspace::root().join("generated");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec_path = PathBuf::from(iter.next().ok_or("--spec needs a file")?),
            "--out" => out_dir = PathBuf::from(iter.next().ok_or("--out needs a directory")?),
            other => {
                return Err(format!(
                    "unknown option `{other}` for `cargo xtask generate` (use --check, --spec FILE, --out DIR)"
                ));
            }
        }
    }
    let files = generate_files(&spec_path)?;
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
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| format!("cannot read the spec {}: {e}", spec_path.display()))?;
    let spec: qikberry_codegen::OpenAPI = serde_yaml::from_str(&text).map_err(|e| {
        format!(
            "{} is not a valid OpenAPI 3.0 document: {e}",
            spec_path.display()
        )
    })?;
    qikberry_codegen::generate(&spec)
        .map_err(|e| format!("cannot generate code from {}: {e}", spec_path.display()))
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
    fn difference_names_the_line() {
        let d = first_difference("a\nb\nc", "a\nx\nc");
        assert!(d.contains("line 2"), "{d}");
        assert!(d.contains("- b") && d.contains("+ x"), "{d}");
    }
}
