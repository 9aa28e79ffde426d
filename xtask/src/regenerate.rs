//! `cargo xtask regenerate`: the main job. Lint the spec, regenerate the client, build it.
//!
//! 1. installs the outside spec validators into the tools folder if they are missing (as
//!    `cargo xtask test` does), 2. runs every spec check (`cargo xtask spec-lint`), 3. regenerates
//!    `generated/` (`cargo xtask generate`), the two as child tasks, 4. type-checks the
//!    `qikberry` crate with all features and what uses it (the examples, the integration tests
//!    and benches), so a spec change that generates broken code is caught here and not by the
//!    first user.

use std::process::{Command, ExitCode};

use crate::shared::{tools, workspace};

/// Runs the task (it takes no options).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if let Some(other) = args.first() {
        return Err(format!(
            "`cargo xtask regenerate` takes no options (got `{other}`)"
        ));
    }
    let root = workspace::root();
    tools::install(&root, &workspace::tools_dir())?;
    if !task("spec-lint")? {
        return Err("spec-lint found problems (listed above); fix spec/qikberry.yaml first".into());
    }
    if !task("generate")? {
        return Err("generate failed (see above)".into());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let check = [
        "check",
        "-p",
        "qikberry",
        "-p",
        "qikberry-examples",
        "-p",
        "qikberry-tests",
        "--all-targets",
        "--all-features",
    ];
    eprintln!("xtask regenerate: cargo {}", check.join(" "));
    let status = Command::new(cargo)
        .args(check)
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

/// Runs another xtask task (`cargo xtask <name>`) as a child of this very program, so the tasks
/// stay apart; whether it succeeded.
fn task(name: &str) -> Result<bool, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask program: {e}"))?;
    eprintln!("xtask regenerate: cargo xtask {name}");
    let status = Command::new(exe)
        .arg(name)
        .status()
        .map_err(|e| format!("could not start `cargo xtask {name}`: {e}"))?;
    Ok(status.success())
}
