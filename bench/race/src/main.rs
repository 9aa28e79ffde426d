//! The race: `qikberry-codegen` against `cargo-progenitor` 0.15.1 (`--interface builder`) on the
//! same projection of `spec/qikberry.yaml`.
//!
//! ```text
//! cargo run --release --manifest-path bench/race/Cargo.toml -- [--runs N] [--gen-runs N] [--project-only]
//! ```
//!
//! Steps: install the pinned progenitor into `.tools/progenitor` when missing (or use
//! `--progenitor BIN`); build our generator (`xtask`, release); write the projection (every
//! reduction printed); time both generators (alternating); count emitted lines; lay out one
//! scratch workspace under `bench/race/target/work/ws` (its own target folder): the
//! `qikberry` crate as users get it (`generated/` whole, with `src/api` as `cargo xtask generate
//! --spec <projection> --out <dir>` writes it, path dependencies on this checkout's
//! `crates/*`; default features = every REST product), progenitor's
//! (`--interface builder`), and user binaries that call every operation (or every SMS
//! operation) once through each typed API ([`user`]); build everything once; then, alternating
//! the order every round, each scenario of [`SCENARIOS`]: `cargo clean -p <client> [-p <user>]`
//! (or, for a user crate alone, `-p <user>` after an untimed build that leaves the client
//! built) and `cargo build|check -p <client or user>` with `CARGO_INCREMENTAL=0`. Prints
//! medians, the median of the per-round ratios and peak memory.

mod builds;
mod manifest;
mod measure;
mod project;
mod user;

use std::path::{Path, PathBuf};
use std::process::Command;

use builds::Scenario;
use measure::{Sample, median, run_timed};

const PROGENITOR_VERSION: &str = "0.15.1";
const PROG_CRATE: &str = "qikberry-progenitor";
const OUR_CRATE: &str = "qikberry";

struct Options {
    runs: usize,
    gen_runs: usize,
    /// Only write and print the projection (no install, no timing).
    project_only: bool,
    /// A `cargo-progenitor` binary to use instead of `.tools/progenitor`.
    progenitor: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        runs: 5,
        gen_runs: 10,
        project_only: false,
        progenitor: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |what: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .ok_or(format!("{what} needs a positive number"))
        };
        match a.as_str() {
            "--runs" => o.runs = number("--runs")?,
            "--gen-runs" => o.gen_runs = number("--gen-runs")?,
            "--project-only" => o.project_only = true,
            "--progenitor" => {
                o.progenitor = Some(args.next().ok_or("--progenitor needs a path")?.into());
            }
            other => {
                return Err(format!(
                    "unknown option {other} (use --runs N, --gen-runs N, --project-only, --progenitor BIN)"
                ));
            }
        }
    }
    Ok(o)
}

/// Everything the steps share: where things live.
struct Race {
    root: PathBuf,
    work: PathBuf,
    progenitor: PathBuf,
    xtask: PathBuf,
    spec: PathBuf,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("race: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let opts = parse_args()?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .map_err(|e| format!("repository root: {e}"))?;
    let work = root.join("bench/race/target/work");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    if opts.project_only {
        let spec = work.join("spec.yaml");
        write_projection(&root, &spec)?;
        println!("written to {}", spec.display());
        return Ok(());
    }
    let race = Race {
        progenitor: match opts.progenitor {
            Some(bin) => bin,
            None => ensure_progenitor(&root)?,
        },
        xtask: build_xtask(&root)?,
        spec: work.join("spec.yaml"),
        root,
        work,
    };
    let operations = write_projection(&race.root, &race.spec)?;
    let (gen_ours, gen_prog) = time_generators(&race, opts.gen_runs)?;
    let lines_ours = measure::rust_lines(&race.work.join("gen-ours"))?;
    let lines_prog = measure::rust_lines(&race.work.join("gen-prog/src"))?;
    let (ws, sms_operations) = layout_workspace(&race)?;
    let builds = builds::time(&ws, &SCENARIOS, opts.runs)?;
    report(&Report {
        operations,
        sms_operations,
        generation: (gen_ours, gen_prog),
        lines: (lines_ours, lines_prog),
        builds,
    });
    Ok(())
}

/// `.tools/progenitor/bin/cargo-progenitor`, installed with `cargo install --locked` when
/// missing.
fn ensure_progenitor(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(".tools/progenitor");
    let bin = tools.join("bin/cargo-progenitor");
    if !bin.exists() {
        eprintln!(
            "race: installing cargo-progenitor {PROGENITOR_VERSION} into {}",
            tools.display()
        );
        let mut cmd = Command::new("cargo");
        cmd.args(["install", "--locked", "--version"])
            .arg(format!("={PROGENITOR_VERSION}"))
            .arg("--root")
            .arg(&tools)
            .arg("cargo-progenitor");
        measure::check(&mut cmd)?;
    }
    Ok(bin)
}

fn build_xtask(root: &Path) -> Result<PathBuf, String> {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root)
        .args(["build", "--release", "-q", "-p", "xtask"]);
    measure::check(&mut cmd)?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release/xtask"))
}

/// Writes the projection next to the work files, prints its reductions, returns the number of
/// operations both generators see.
fn write_projection(root: &Path, dest: &Path) -> Result<usize, String> {
    let src = root.join("spec/qikberry.yaml");
    let text = std::fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", src.display()))?;
    let p = project::project(spec);
    println!(
        "projection of spec/qikberry.yaml ({} reductions):",
        p.reductions.len()
    );
    for r in &p.reductions {
        println!("  - {r}");
    }
    println!("operations in the projection: {}\n", p.operations);
    let out = serde_yaml::to_string(&p.spec).map_err(|e| e.to_string())?;
    std::fs::write(dest, out).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(p.operations)
}

fn ours_generate(race: &Race) -> Command {
    let mut cmd = Command::new(&race.xtask);
    cmd.arg("generate")
        .arg("--spec")
        .arg(&race.spec)
        .arg("--out")
        .arg(race.work.join("gen-ours"))
        .args(["--crate-name", OUR_CRATE]);
    cmd
}

fn progenitor_generate(race: &Race) -> Command {
    let mut cmd = Command::new(&race.progenitor);
    cmd.arg("progenitor")
        .arg("-i")
        .arg(&race.spec)
        .arg("-o")
        .arg(race.work.join("gen-prog"))
        .args(["-n", PROG_CRATE, "-v", "0.1.0", "--interface", "builder"]);
    cmd
}

/// Times whole generator processes, alternating which goes first, each into an empty folder.
fn time_generators(race: &Race, runs: usize) -> Result<(Vec<Sample>, Vec<Sample>), String> {
    let (mut ours, mut prog) = (Vec::new(), Vec::new());
    for round in 0..runs {
        for is_ours in [round % 2 == 0, round % 2 != 0] {
            let (dir, mut cmd, out) = if is_ours {
                ("gen-ours", ours_generate(race), &mut ours)
            } else {
                ("gen-prog", progenitor_generate(race), &mut prog)
            };
            let _ = std::fs::remove_dir_all(race.work.join(dir));
            out.push(run_timed(&mut cmd)?);
        }
    }
    Ok((ours, prog))
}

/// The user crates and the scratch workspace around them.
const USER_OURS: &str = "user-qikberry";
const USER_PROG: &str = "user-progenitor";
const SMS_OURS: &str = "user-qikberry-sms";
const SMS_PROG: &str = "user-progenitor-sms";

/// What is timed, in this order every round.
static SCENARIOS: [Scenario; 10] = [
    Scenario {
        name: "library build (debug)",
        verb: "build",
        release: false,
        packages: [&[OUR_CRATE], &[PROG_CRATE]],
        warm: false,
    },
    Scenario {
        name: "library build (release)",
        verb: "build",
        release: true,
        packages: [&[OUR_CRATE], &[PROG_CRATE]],
        warm: false,
    },
    Scenario {
        name: "library check",
        verb: "check",
        release: false,
        packages: [&[OUR_CRATE], &[PROG_CRATE]],
        warm: false,
    },
    // The build a user waits for after editing their own code: the client is built already.
    Scenario {
        name: "user crate alone, release",
        verb: "build",
        release: true,
        packages: [&[USER_OURS], &[USER_PROG]],
        warm: true,
    },
    Scenario {
        name: "user crate alone, debug",
        verb: "build",
        release: false,
        packages: [&[USER_OURS], &[USER_PROG]],
        warm: true,
    },
    Scenario {
        name: "user crate alone, check",
        verb: "check",
        release: false,
        packages: [&[USER_OURS], &[USER_PROG]],
        warm: true,
    },
    // From clean: the client and the user crate.
    Scenario {
        name: "user crate + library build, release",
        verb: "build",
        release: true,
        packages: [&[OUR_CRATE, USER_OURS], &[PROG_CRATE, USER_PROG]],
        warm: false,
    },
    Scenario {
        name: "user crate + library build, debug",
        verb: "build",
        release: false,
        packages: [&[OUR_CRATE, USER_OURS], &[PROG_CRATE, USER_PROG]],
        warm: false,
    },
    Scenario {
        name: "user crate + library check",
        verb: "check",
        release: false,
        packages: [&[OUR_CRATE, USER_OURS], &[PROG_CRATE, USER_PROG]],
        warm: false,
    },
    Scenario {
        name: "SMS-only user + library build, debug",
        verb: "build",
        release: false,
        packages: [&[OUR_CRATE, SMS_OURS], &[PROG_CRATE, SMS_PROG]],
        warm: false,
    },
];

/// The scratch workspace `bench/race/target/work/ws`: the `qikberry` crate users depend on
/// (see below), progenitor's crate,
/// and the four user crates. Its own lock file and target folder; cargo's default profiles
/// (what a user's project has).
fn layout_workspace(race: &Race) -> Result<(PathBuf, usize), String> {
    let ws = race.work.join("ws");
    for dir in ["qikberry", "prog", USER_OURS, USER_PROG, SMS_OURS, SMS_PROG] {
        let _ = std::fs::remove_dir_all(ws.join(dir));
    }
    std::fs::create_dir_all(&ws).map_err(|e| e.to_string())?;
    // Ours: `generated/` whole (the crate users depend on: its manifest, lib.rs, outbox
    // glue), its `src/api` as the generator writes it for the projection, path deps on the
    // hand-written crates of this checkout.
    let ours = ws.join("qikberry");
    for part in ["src/lib.rs", "src/outbox.rs", "README.md"] {
        measure::copy_tree(&race.root.join("generated").join(part), &ours.join(part))?;
    }
    measure::copy_tree(&race.work.join("gen-ours/src/api"), &ours.join("src/api"))?;
    let read =
        |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
    let member = read(race.root.join("generated/Cargo.toml"))?;
    let root_manifest = read(race.root.join("Cargo.toml"))?;
    std::fs::write(
        ours.join("Cargo.toml"),
        manifest::standalone(&member, &root_manifest, &race.root),
    )
    .map_err(|e| e.to_string())?;
    measure::copy_tree(&race.work.join("gen-prog"), &ws.join("prog"))?;
    let ours_dep = |features: &str| format!("{OUR_CRATE} = {{ path = \"../qikberry\"{features} }}");
    let prog_dep = format!("{PROG_CRATE} = {{ path = \"../prog\" }}");
    let ours_client = ("qikberry::Client", "qikberry::Client::new(\"token\")");
    let prog_client = (
        "qikberry_progenitor::Client",
        "qikberry_progenitor::Client::new(\"http://localhost\")",
    );
    let api = ws.join("qikberry/src/api");
    let prog_lib =
        std::fs::read_to_string(ws.join("prog/src/lib.rs")).map_err(|e| e.to_string())?;
    let all_ours = user::ours(&api, "qikberry", None)?;
    let all_prog = user::progenitor(&prog_lib, "qikberry_progenitor", None);
    let sms_ours = user::ours(&api, "qikberry", Some(&["sms"]))?;
    let sms_ids = project::operation_ids_of_tag(&race.spec, "sms")?;
    let sms_prog = user::progenitor(&prog_lib, "qikberry_progenitor", Some(&sms_ids));
    println!(
        "user crates: {} / {} calls (qikberry / progenitor), SMS-only {} / {}",
        all_ours.len(),
        all_prog.len(),
        sms_ours.len(),
        sms_prog.len()
    );
    if all_ours.len() != all_prog.len() || sms_ours.len() != sms_prog.len() {
        return Err("the user crates do not call the same number of operations".into());
    }
    user::write_crate(
        &ws.join(USER_OURS),
        USER_OURS,
        &ours_dep(""),
        ours_client,
        &all_ours,
    )?;
    user::write_crate(
        &ws.join(USER_PROG),
        USER_PROG,
        &prog_dep,
        prog_client,
        &all_prog,
    )?;
    let sms_features = ", default-features = false, features = [\"sms\"]";
    user::write_crate(
        &ws.join(SMS_OURS),
        SMS_OURS,
        &ours_dep(sms_features),
        ours_client,
        &sms_ours,
    )?;
    user::write_crate(
        &ws.join(SMS_PROG),
        SMS_PROG,
        &prog_dep,
        prog_client,
        &sms_prog,
    )?;
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"qikberry\", \"prog\", \"{USER_OURS}\", \
         \"{USER_PROG}\", \"{SMS_OURS}\", \"{SMS_PROG}\"]\n"
    );
    std::fs::write(ws.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    if !ws.join("Cargo.lock").exists() {
        std::fs::copy(race.root.join("Cargo.lock"), ws.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
    }
    Ok((ws, sms_ours.len()))
}

fn report(r: &Report) {
    let ops = r.operations as f64;
    println!(
        "\nsame-run medians, {} operations on both sides ({} in the SMS-only user):",
        r.operations, r.sms_operations
    );
    let secs = |v: &[Sample]| median(v.iter().map(|s| s.secs).collect());
    println!(
        "| figure | qikberry | progenitor {PROGENITOR_VERSION} builder | qikberry ÷ progenitor |"
    );
    println!("|---|---:|---:|---:|");
    let (g0, g1) = (secs(&r.generation.0), secs(&r.generation.1));
    println!(
        "| generate (whole process) | {g0:.3} s | {g1:.3} s | {:.2}× |",
        g0 / g1
    );
    let (l0, l1) = (r.lines.0 as f64 / ops, r.lines.1 as f64 / ops);
    println!(
        "| emitted lines per operation | {l0:.0} | {l1:.0} | {:.2}× |\n",
        l0 / l1
    );
    builds::report(&r.builds);
}

struct Report {
    operations: usize,
    sms_operations: usize,
    generation: (Vec<Sample>, Vec<Sample>),
    lines: (usize, usize),
    builds: Vec<builds::Times>,
}
