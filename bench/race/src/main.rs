//! The race: `qikberry-codegen` against `cargo-progenitor` 0.15.1 (`--interface builder`) on the
//! same projection of `spec/qikberry.yaml`.
//!
//! ```text
//! cargo run --release --manifest-path bench/race/Cargo.toml -- [--runs N] [--gen-runs N] [--project-only]
//! ```
//!
//! Steps: install the pinned progenitor into `.tools/progenitor` when missing; build our
//! generator (`target/release/xtask`); write the projection (every reduction printed); time
//! both generators (alternating); count emitted lines; lay both crates out in one scratch
//! workspace under `bench/race/target/work/` (ours = a copy of `generated/` with `src/api/`
//! regenerated from the projection, all REST features); build their dependencies once; then,
//! alternating the order every round, `cargo clean -p <crate>` + `cargo build -p <crate>` and
//! `cargo clean -p <crate>` + `cargo check -p <crate>` with `CARGO_INCREMENTAL=0`. Prints
//! medians and same-run ratios per operation.

mod measure;
mod project;

use std::path::{Path, PathBuf};
use std::process::Command;

use measure::{Sample, median, run_timed};

const PROGENITOR_VERSION: &str = "0.15.1";
const PROG_CRATE: &str = "qikberry-progenitor";
const OUR_CRATE: &str = "qikberry";

struct Options {
    runs: usize,
    gen_runs: usize,
    /// Only write and print the projection (no install, no timing).
    project_only: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        runs: 5,
        gen_runs: 10,
        project_only: false,
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
            other => {
                return Err(format!(
                    "unknown option {other} (use --runs N, --gen-runs N, --project-only)"
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
        progenitor: ensure_progenitor(&root)?,
        xtask: build_xtask(&root)?,
        spec: work.join("spec.yaml"),
        root,
        work,
    };
    let operations = write_projection(&race.root, &race.spec)?;
    let (gen_ours, gen_prog) = time_generators(&race, opts.gen_runs)?;
    let lines_ours = measure::rust_lines(&race.work.join("gen-ours"))?;
    let lines_prog = measure::rust_lines(&race.work.join("gen-prog/src"))?;
    let ws = layout_workspace(&race)?;
    let builds = time_builds(&ws, opts.runs)?;
    report(&Report {
        operations,
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
    Ok(root.join("target/release/xtask"))
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
        .arg(race.work.join("gen-ours"));
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

/// The scratch workspace: `qikberry` (a copy of `generated/` whose `src/api/` is the
/// projection's output) and the progenitor crate, sharing one lock file (ours, copied) and one
/// target folder.
fn layout_workspace(race: &Race) -> Result<PathBuf, String> {
    let ws = race.work.join("ws");
    let ours = ws.join(OUR_CRATE);
    let _ = std::fs::remove_dir_all(&ours);
    let _ = std::fs::remove_dir_all(ws.join("prog"));
    std::fs::create_dir_all(&ws).map_err(|e| e.to_string())?;
    for part in ["Cargo.toml", "src", "examples", "benches"] {
        measure::copy_tree(&race.root.join("generated").join(part), &ours.join(part))?;
    }
    let gen_dir = ours.join("src/api");
    std::fs::remove_dir_all(&gen_dir).map_err(|e| e.to_string())?;
    measure::copy_tree(&race.work.join("gen-ours"), &gen_dir)?;
    measure::copy_tree(&race.work.join("gen-prog"), &ws.join("prog"))?;
    let manifest =
        std::fs::read_to_string(race.root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let manifest = manifest
        .lines()
        .map(|l| {
            if l.starts_with("members") {
                "members = [\"qikberry\", \"prog\"]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(ws.join("Cargo.toml"), manifest + "\n").map_err(|e| e.to_string())?;
    std::fs::copy(race.root.join("Cargo.lock"), ws.join("Cargo.lock"))
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// Median samples of one crate.
#[derive(Default)]
struct CrateTimes {
    build: Vec<Sample>,
    check: Vec<Sample>,
}

fn cargo(ws: &Path, verb: &str, krate: &str) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(ws)
        .env("CARGO_INCREMENTAL", "0")
        .args([verb, "-q", "-p", krate]);
    cmd
}

/// Builds and checks everything once (dependencies, and proof that both crates compile), then
/// times `runs` rounds of clean + build and clean + check per crate, alternating the order.
fn time_builds(ws: &Path, runs: usize) -> Result<[CrateTimes; 2], String> {
    let crates = [OUR_CRATE, PROG_CRATE];
    for krate in crates {
        for verb in ["build", "check"] {
            eprintln!("race: warm-up cargo {verb} -p {krate}");
            measure::check(&mut cargo(ws, verb, krate))?;
        }
    }
    let mut times = [CrateTimes::default(), CrateTimes::default()];
    for round in 0..runs {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for verb in ["build", "check"] {
            for &i in &order {
                measure::check(&mut cargo(ws, "clean", crates[i]))?;
                let s = run_timed(&mut cargo(ws, verb, crates[i]))?;
                eprintln!(
                    "race: round {} {verb} {}: {:.2} s, {} MB peak",
                    round + 1,
                    crates[i],
                    s.secs,
                    s.peak_kb / 1024
                );
                let t = &mut times[i];
                if verb == "build" {
                    &mut t.build
                } else {
                    &mut t.check
                }
                .push(s);
            }
        }
    }
    Ok(times)
}

struct Report {
    operations: usize,
    generation: (Vec<Sample>, Vec<Sample>),
    lines: (usize, usize),
    builds: [CrateTimes; 2],
}

fn report(r: &Report) {
    let ops = r.operations as f64;
    println!(
        "\nsame-run medians, {} operations on both sides:",
        r.operations
    );
    println!(
        "| figure | qikberry | progenitor {PROGENITOR_VERSION} builder | qikberry ÷ progenitor |"
    );
    println!("|---|---:|---:|---:|");
    let secs = |v: &[Sample]| median(v.iter().map(|s| s.secs).collect());
    let mb = |v: &[Sample]| median(v.iter().map(|s| s.peak_kb as f64 / 1024.0).collect());
    let row = |name: &str, a: f64, b: f64, unit: &str, per_op: bool| {
        let (a, b) = if per_op { (a / ops, b / ops) } else { (a, b) };
        println!("| {name} | {a:.3}{unit} | {b:.3}{unit} | {:.2}× |", a / b);
    };
    let [ours, prog] = &r.builds;
    row(
        "generate (s, whole process)",
        secs(&r.generation.0),
        secs(&r.generation.1),
        " s",
        false,
    );
    row(
        "emitted lines per operation",
        r.lines.0 as f64,
        r.lines.1 as f64,
        "",
        true,
    );
    row(
        "crate build per operation",
        secs(&ours.build),
        secs(&prog.build),
        " s",
        true,
    );
    row(
        "crate build, total",
        secs(&ours.build),
        secs(&prog.build),
        " s",
        false,
    );
    row(
        "peak memory of that build",
        mb(&ours.build),
        mb(&prog.build),
        " MB",
        false,
    );
    row(
        "cargo check per operation",
        secs(&ours.check),
        secs(&prog.check),
        " s",
        true,
    );
    row(
        "cargo check, total",
        secs(&ours.check),
        secs(&prog.check),
        " s",
        false,
    );
    let paired = |a: &[Sample], b: &[Sample]| {
        median(a.iter().zip(b).map(|(a, b)| a.secs / b.secs).collect())
    };
    println!(
        "\nmedian of the per-round ratios: build {:.2}×, check {:.2}×",
        paired(&ours.build, &prog.build),
        paired(&ours.check, &prog.check)
    );
    println!(
        "raw build seconds: qikberry {:?}, progenitor {:?}",
        raw(&ours.build),
        raw(&prog.build)
    );
    println!(
        "raw check seconds: qikberry {:?}, progenitor {:?}",
        raw(&ours.check),
        raw(&prog.check)
    );
}

fn raw(v: &[Sample]) -> Vec<String> {
    v.iter().map(|s| format!("{:.2}", s.secs)).collect()
}
