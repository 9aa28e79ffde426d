//! `cargo xtask regenerate`: the main job. Lint the spec, regenerate the client, build it.
//!
//! 1. installs the outside spec validators into `.tools/` if they are missing (as `cargo xtask
//!    test` does), 2. runs every spec check (`cargo xtask spec-lint`), 3. regenerates
//!    `generated/` (`cargo xtask generate`), 4. type-checks the `qikberry` crate with all
//!    features, its examples, tests and benches, so a spec change that generates broken code is
//!    caught here and not by the first user.

use std::process::{Command, ExitCode};

use crate::{generate, spec_lint, test_cmd, workspace};

/// Runs the task (it takes no options).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if let Some(other) = args.first() {
        return Err(format!(
            "`cargo xtask regenerate` takes no options (got `{other}`)"
        ));
    }
    let root = workspace::root();
    test_cmd::install_tools(&root, &root.join(".tools"))?;
    // spec-lint finds the validators in `$QIKBERRY_TOOLS`, else in `.tools/`.
    let lint = spec_lint::run(&[])?;
    if lint != ExitCode::SUCCESS {
        return Err("spec-lint found problems (listed above); fix spec/qikberry.yaml first".into());
    }
    let generated = generate::run(&[])?;
    if generated != ExitCode::SUCCESS {
        return Ok(generated);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    eprintln!("xtask regenerate: cargo check -p qikberry --all-targets --all-features");
    let status = Command::new(cargo)
        .args(["check", "-p", "qikberry", "--all-targets", "--all-features"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the regenerated crate does not build ({status})"));
    }
    eprintln!(
        "xtask regenerate: done; review `git diff generated` and `cargo xtask spec-diff --base main`"
    );
    Ok(ExitCode::SUCCESS)
}
