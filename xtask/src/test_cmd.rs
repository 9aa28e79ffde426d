//! `cargo xtask test`: install the outside tools the tests talk to, then run every test.
//!
//! The tools (see `shared::tools`, with `cargo-semver-checks` for `cargo xtask compile-proof`)
//! are installed into the tools folder: `QIKBERRY_TOOLS` when set,
//! else `.tools/` (git-ignored). Tests find them through the `QIKBERRY_TOOLS` environment
//! variable, which this task sets, and fail, never skip, when one is missing.

use std::process::{Command, ExitCode};

use crate::shared::{tools, workspace};

/// Runs the task: `cargo xtask test [--no-install] [-- <extra cargo test args>]`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace::root();
    let tools_dir = workspace::tools_dir();
    let mut install = true;
    let mut extra: Vec<String> = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--no-install" => install = false,
            "--" => extra.extend(iter.by_ref().cloned()),
            other => return Err(format!("unknown option `{other}` for `cargo xtask test`")),
        }
    }
    if install {
        tools::install(&root, &tools_dir)?;
        // compile-proof's oracle (run after the tests by `.ci/run`).
        tools::semver_checks::install(&tools_dir, &tools::semver_checks::cache()?)?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let steps: Vec<(&str, Vec<String>)> = vec![
        (
            "spec lint",
            vec![
                "run".into(),
                "--quiet".into(),
                "--locked".into(),
                "-p".into(),
                "xtask".into(),
                "--".into(),
                "spec-lint".into(),
            ],
        ),
        (
            "workspace tests",
            [
                vec![
                    "test".into(),
                    "--locked".into(),
                    "--workspace".into(),
                    "--all-features".into(),
                ],
                extra.clone(),
            ]
            .concat(),
        ),
        (
            "fuzz targets build",
            vec![
                "build".into(),
                "--locked".into(),
                "--manifest-path".into(),
                "fuzz/Cargo.toml".into(),
                "--bins".into(),
            ],
        ),
    ];
    for (name, cargo_args) in steps {
        eprintln!("xtask test: {name}: cargo {}", cargo_args.join(" "));
        let status = Command::new(&cargo)
            .args(&cargo_args)
            .current_dir(&root)
            .env("QIKBERRY_TOOLS", &tools_dir)
            .env("REDOCLY_TELEMETRY", "off")
            .status()
            .map_err(|e| format!("could not start cargo for {name}: {e}"))?;
        if !status.success() {
            return Err(format!("{name} failed ({status})"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
