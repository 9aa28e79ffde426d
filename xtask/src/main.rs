//! `cargo xtask …`: the project's tasks. Run `cargo xtask help`.
//!
//! Each task lives in its own module and parses its own arguments; this file only dispatches.
//! A task module imports only `shared` (what more than one task needs), never another task.

mod compile_proof;
mod generate;
mod live_check;
mod regenerate;
mod sandbox;
mod shared;
mod spec_diff;
mod spec_lint;
mod test_cmd;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <task> [options]

Tasks:
  live-check --token T [--host H] [--only PRODUCT] [--format markdown|json] [--record DIR]
                         call every read-only operation against a real account and report
                         where the API departs from the spec (exit 1 on drift)
  live-check --webhooks DIR
                         check recorded webhook deliveries against the callback schemas
  regenerate             the main job: install the spec validators, lint the spec, regenerate
                         generated/, and type-check the crate with all features
  compile-proof          compile a strict user crate of the old spec against the crate of the
                         new one for every spec-diff fixture pair and five mutations of the
                         real spec, and run cargo-semver-checks on both crates; fails where
                         spec-diff's verdict and the compiler or the oracle disagree (unless a
                         documented limit)
  generate [--check]     regenerate the whole generated/ crate from spec/qikberry.yaml
                         (--check: fail with a diff summary if the checked-in output drifted)
  spec-lint [FILE]       run every spec check; problems are named by JSON pointer
  spec-diff [--base REV | --old FILE] [--new FILE] [--format markdown|json] [--fail-on breaking]
                         classified diff between two versions of the spec
  sandbox [--port N] [--smpp-port N] [--webhook-url URL] [--print-env] …
                         a local stand-in for the platform (REST from the spec via Prism,
                         SMPP, signed webhooks) on 127.0.0.1, until Ctrl-C
  test                   install the outside test tools into .tools/ and run the whole test suite
  help                   this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprint!("{HELP}");
        return ExitCode::from(2);
    };
    let result = match task.as_str() {
        "regenerate" => regenerate::run(rest),
        "live-check" => live_check::run(rest),
        "generate" => generate::run(rest),
        "compile-proof" => compile_proof::run(rest),
        "spec-lint" => spec_lint::run(rest),
        "spec-diff" => spec_diff::run(rest),
        "sandbox" => sandbox::run(rest),
        "test" => test_cmd::run(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown task `{other}`; run `cargo xtask help`")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
