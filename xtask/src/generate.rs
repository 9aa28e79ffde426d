//! `cargo xtask` task module (not implemented yet).

use std::process::ExitCode;

/// Runs the task with its own arguments.
pub fn run(_args: &[String]) -> Result<ExitCode, String> {
    Err("not implemented yet".to_string())
}
