//! The timed builds: each scenario cleans the packages a user would rebuild (the client crate,
//! and the user crate when there is one) and builds or checks one package, both sides
//! alternating which goes first every round, dependencies already built.

use std::path::Path;
use std::process::Command;

use crate::measure::{self, Sample, median, run_timed};

/// One row of the race: what is cleaned and what is built, per side.
pub struct Scenario {
    /// Row name in the report.
    pub name: &'static str,
    /// `build` or `check`.
    pub verb: &'static str,
    /// `--release` or nothing.
    pub release: bool,
    /// Packages cleaned first (the last one is built), ours then progenitor's.
    pub packages: [&'static [&'static str]; 2],
    /// Build the package untimed before cleaning, so that everything not cleaned (the client,
    /// for a user crate alone) is built, whatever the previous scenario cleaned.
    pub warm: bool,
}

/// The samples of one scenario, ours then progenitor's.
pub struct Times {
    pub scenario: &'static Scenario,
    pub sides: [Vec<Sample>; 2],
}

/// `cargo <verb> [--release] -p …` in the scratch workspace, into its own target folder.
fn cargo(ws: &Path, verb: &str, release: bool, packages: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(ws)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TARGET_DIR", ws.join("target"))
        .args([verb, "-q"]);
    if release {
        cmd.arg("--release");
    }
    for p in packages {
        cmd.args(["-p", p]);
    }
    cmd
}

fn built(s: &Scenario, side: usize) -> &'static str {
    s.packages[side].last().copied().unwrap_or_default()
}

/// Runs every scenario once untimed (dependencies, and proof that everything compiles), then
/// `runs` timed rounds.
pub fn time(ws: &Path, scenarios: &'static [Scenario], runs: usize) -> Result<Vec<Times>, String> {
    // Checks first: a user crate that does not compile fails in seconds, not after the builds.
    let checks_first = scenarios.iter().filter(|s| s.verb == "check");
    for s in checks_first.chain(scenarios.iter().filter(|s| s.verb != "check")) {
        for side in 0..2 {
            eprintln!("race: warm-up {} ({})", s.name, built(s, side));
            measure::check(&mut cargo(ws, s.verb, s.release, &[built(s, side)]))?;
        }
    }
    let mut times: Vec<Times> = scenarios
        .iter()
        .map(|scenario| Times {
            scenario,
            sides: [Vec::new(), Vec::new()],
        })
        .collect();
    for round in 0..runs {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for t in times.iter_mut() {
            let s = t.scenario;
            for side in order {
                if s.warm {
                    measure::check(&mut cargo(ws, s.verb, s.release, &[built(s, side)]))?;
                }
                measure::check(&mut cargo(ws, "clean", s.release, s.packages[side]))?;
                let sample = run_timed(&mut cargo(ws, s.verb, s.release, &[built(s, side)]))?;
                eprintln!(
                    "race: round {} {}: {} {:.2} s, {} MB peak",
                    round + 1,
                    s.name,
                    built(s, side),
                    sample.secs,
                    sample.peak_kb / 1024
                );
                t.sides[side].push(sample);
            }
        }
    }
    Ok(times)
}

/// Prints one table row per scenario and the raw rounds.
pub fn report(times: &[Times]) {
    println!(
        "| scenario | qikberry (median s) | progenitor (median s) | median of per-round ratios | ratio of medians | peak MB qikberry / progenitor |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let secs = |v: &[Sample]| median(v.iter().map(|s| s.secs).collect());
    let mb = |v: &[Sample]| median(v.iter().map(|s| s.peak_kb as f64 / 1024.0).collect());
    for t in times {
        let [a, b] = &t.sides;
        let paired = median(a.iter().zip(b).map(|(a, b)| a.secs / b.secs).collect());
        println!(
            "| {} | {:.1} | {:.1} | **{paired:.2}×** | {:.2}× | {:.0} / {:.0} |",
            t.scenario.name,
            secs(a),
            secs(b),
            secs(a) / secs(b),
            mb(a),
            mb(b)
        );
    }
    println!();
    for t in times {
        let raw = |v: &[Sample]| {
            v.iter()
                .map(|s| format!("{:.1}", s.secs))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        println!(
            "raw {}: qikberry {} s; progenitor {} s",
            t.scenario.name,
            raw(&t.sides[0]),
            raw(&t.sides[1])
        );
    }
}
