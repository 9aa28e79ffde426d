//! Running commands with a stopwatch, medians, line counts, copying folders.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One timed run of a whole process.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Wall-clock seconds.
    pub secs: f64,
    /// Peak resident set of the largest process in the tree (GNU time's `%M`), 0 when
    /// `/usr/bin/time` is not installed.
    pub peak_kb: u64,
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd` to completion (its stdout discarded), failing with its stderr when it fails.
pub fn check(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start {}: {e}", describe(cmd)))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed ({}):\n{}",
            describe(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

const GNU_TIME: &str = "/usr/bin/time";

/// Runs `cmd` under GNU time when available (for the peak memory) and measures its wall time.
pub fn run_timed(cmd: &mut Command) -> Result<Sample, String> {
    let report = std::env::temp_dir().join(format!("qikberry-race-{}.time", std::process::id()));
    let mut wrapped = if Path::new(GNU_TIME).exists() {
        let mut w = Command::new(GNU_TIME);
        w.arg("-f").arg("%M").arg("-o").arg(&report);
        w.arg(cmd.get_program()).args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            w.current_dir(dir);
        }
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => w.env(k, v),
                None => w.env_remove(k),
            };
        }
        w
    } else {
        std::mem::replace(cmd, Command::new("true"))
    };
    let start = Instant::now();
    check(&mut wrapped)?;
    let secs = start.elapsed().as_secs_f64();
    let peak_kb = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| t.trim().lines().last()?.trim().parse().ok())
        .unwrap_or(0);
    let _ = std::fs::remove_file(&report);
    Ok(Sample { secs, peak_kb })
}

/// Median (mean of the two middle values for an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Lines of every `.rs` file under `dir` (blank and comment lines included, like `wc -l`).
pub fn rust_lines(dir: &Path) -> Result<usize, String> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            total += rust_lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            total += text.lines().count();
        }
    }
    Ok(total)
}

/// Copies a file or a folder tree.
pub fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::copy(from, to)
            .map_err(|e| format!("{} → {}: {e}", from.display(), to.display()))?;
        return Ok(());
    }
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().ok_or("a nameless entry")?;
        copy_tree(&path, &to.join(name))?;
    }
    Ok(())
}
