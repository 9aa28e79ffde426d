//! Check 7: two independent validators, `openapi-spec-validator` (Python) and `redocly lint`
//! (Node), installed into the tools folder (`.tools/`, or `QIKBERRY_TOOLS`) by `cargo xtask test`. A missing tool is a problem, never a
//! silent skip.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

use super::{Check, Problems};
use crate::shared::workspace;

/// What the validators said, for the summary.
#[derive(Default)]
pub struct Counts {
    /// Tools that ran and accepted the spec.
    pub passed: Vec<&'static str>,
    /// Redocly warnings (printed, not failing).
    pub warnings: Vec<String>,
}

/// The validators, started in the background while the other checks run.
pub struct Running {
    validator: Result<Child, String>,
    redocly: Result<Child, String>,
    file: PathBuf,
}

/// Starts both validators on `file`.
pub fn start(root: &Path, file: &Path) -> Running {
    let tools = workspace::tools_dir();
    let validator_exe = tools
        .join("venv")
        .join("bin")
        .join("openapi-spec-validator");
    let validator = if validator_exe.exists() {
        let mut command = Command::new(&validator_exe);
        command.arg("--validation-errors").arg("all").arg(file);
        spawn(command, &validator_exe)
    } else {
        Err(missing("openapi-spec-validator", &validator_exe))
    };
    let redocly_exe = tools.join("node_modules").join(".bin").join("redocly");
    let redocly = if redocly_exe.exists() {
        let mut command = Command::new(&redocly_exe);
        command
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
            .arg("lint");
        let config = root.join("redocly.yaml");
        if config.exists() {
            command.arg("--config").arg(&config);
        }
        command
            .arg("--format=json")
            .arg("--max-problems=10000")
            .arg(file)
            .current_dir(root);
        spawn(command, &redocly_exe)
    } else {
        Err(missing("redocly", &redocly_exe))
    };
    Running {
        validator,
        redocly,
        file: file.to_path_buf(),
    }
}

fn spawn(mut command: Command, exe: &Path) -> Result<Child, String> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))
}

/// Waits for both validators and turns what they report into problems.
pub fn finish(running: Running, problems: &mut Problems) -> Counts {
    let mut counts = Counts::default();
    match running
        .validator
        .and_then(|c| c.wait_with_output().map_err(|e| e.to_string()))
    {
        Ok(output) => {
            if openapi_spec_validator(&running.file, &output, problems) {
                counts.passed.push("openapi-spec-validator");
            }
        }
        Err(message) => problems.push(Check::External, "#", message),
    }
    match running
        .redocly
        .and_then(|c| c.wait_with_output().map_err(|e| e.to_string()))
    {
        Ok(output) => {
            if redocly(&output, problems, &mut counts.warnings) {
                counts.passed.push("redocly");
            }
        }
        Err(message) => problems.push(Check::External, "#", message),
    }
    counts
}

fn missing(tool: &str, path: &Path) -> String {
    format!(
        "{tool} is not installed (looked for {}); install the outside tools with `cargo xtask test` \
         (or set QIKBERRY_TOOLS to a directory that has them)",
        path.display()
    )
}

/// `On instance['paths']['/x']['get']:` → `#/paths/~1x/get`.
fn instance_pointer(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("On instance")?.strip_suffix(':')?;
    let mut out = String::from("#");
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '[' {
            return None;
        }
        let mut segment = String::new();
        match chars.peek() {
            Some('\'') | Some('"') => {
                let quote = chars.next()?;
                loop {
                    let c = chars.next()?;
                    if c == '\\' {
                        segment.push(chars.next()?);
                    } else if c == quote {
                        break;
                    } else {
                        segment.push(c);
                    }
                }
                if chars.next()? != ']' {
                    return None;
                }
            }
            _ => {
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    segment.push(c);
                }
            }
        }
        out = crate::shared::openapi::pointer::join(&out, &segment);
    }
    Some(out)
}

fn openapi_spec_validator(file: &Path, output: &Output, problems: &mut Problems) -> bool {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return true;
    }
    // Each error is "<file>: Validation Error: [n] <message>", later "On instance[…]:" names
    // the place, and a "## <reason>" line may give the likely cause.
    let file_prefix = format!("{}: ", file.display());
    let mut pending: Option<String> = None;
    let mut found: Vec<(String, String, Option<String>)> = Vec::new();
    for line in stdout.lines().chain(stderr.lines()) {
        if let Some(rest) = line.strip_prefix(&file_prefix) {
            pending = rest.strip_prefix("Validation Error: ").map(|m| {
                let m = m.trim();
                let m = match m.split_once("] ") {
                    Some((n, rest)) if n.starts_with('[') => rest,
                    _ => m,
                };
                // "{'name': …} is not valid …" → "this is not valid …"
                match (
                    m.starts_with('{') || m.starts_with('['),
                    m.rfind("} is ").or(m.rfind("] is ")),
                ) {
                    (true, Some(i)) => format!("this{}", &m[i + 1..]),
                    _ => m.to_string(),
                }
            });
        } else if let Some(at) = instance_pointer(line)
            && let Some(message) = pending.take()
        {
            found.push((at, message, None));
        } else if let Some(reason) = line.strip_prefix("## ")
            && pending.is_none()
            && let Some(last) = found.last_mut()
            && last.2.is_none()
        {
            last.2 = Some(reason.trim().to_string());
        }
    }
    if let Some(message) = pending {
        found.push(("#".to_string(), message, None));
    }
    let reported = found.len();
    for (at, message, reason) in found {
        let reason = reason
            .map(|r| format!(" (probably: {r})"))
            .unwrap_or_default();
        problems.push(
            Check::External,
            at,
            format!("openapi-spec-validator: {}{reason}", shorten(&message)),
        );
    }
    if reported == 0 {
        let first = stdout
            .lines()
            .chain(stderr.lines())
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        problems.push(
            Check::External,
            "#",
            format!(
                "openapi-spec-validator failed ({}): {}",
                output.status,
                shorten(first)
            ),
        );
    }
    false
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 300 {
        format!("{}…", text.chars().take(297).collect::<String>())
    } else {
        text.to_string()
    }
}

fn redocly(output: &Output, problems: &mut Problems, warnings: &mut Vec<String>) -> bool {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let start = stdout.find('{').unwrap_or(0);
    let report: Value = match serde_json::from_str(&stdout[start..]) {
        Ok(v) => v,
        Err(e) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr.lines().find(|l| l.contains("rror")).unwrap_or("");
            problems.push(
                Check::External,
                "#",
                format!(
                    "redocly lint gave no JSON report ({}; {e}): {}",
                    output.status,
                    shorten(first)
                ),
            );
            return false;
        }
    };
    let mut errors = 0;
    for problem in report
        .get("problems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let rule = problem.get("ruleId").and_then(Value::as_str).unwrap_or("?");
        let message = problem.get("message").and_then(Value::as_str).unwrap_or("");
        let at = problem
            .pointer("/location/0/pointer")
            .and_then(Value::as_str)
            .unwrap_or("#")
            .to_string();
        match problem.get("severity").and_then(Value::as_str) {
            Some("error") => {
                errors += 1;
                problems.push(Check::External, at, format!("redocly {rule}: {message}"));
            }
            _ => warnings.push(format!("{at}: redocly {rule} (warning): {message}")),
        }
    }
    if errors == 0 && !output.status.success() {
        problems.push(
            Check::External,
            "#",
            format!(
                "redocly lint failed ({}) without naming a problem",
                output.status
            ),
        );
        return false;
    }
    errors == 0
}

#[cfg(test)]
mod tests {
    use super::instance_pointer;

    #[test]
    fn parses_instance_paths() {
        assert_eq!(
            instance_pointer("On instance['paths']['/sms/senders']['get']['responses'][0]:")
                .as_deref(),
            Some("#/paths/~1sms~1senders/get/responses/0")
        );
        assert_eq!(instance_pointer("On instance:").as_deref(), Some("#"));
        assert_eq!(instance_pointer("something else"), None);
    }
}
