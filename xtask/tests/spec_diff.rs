//! `cargo xtask spec-diff` end to end: fixture pairs with expected classifications, the same pairs
//! judged by the independent npm `openapi-diff`, the real spec against a mutated copy, stable
//! output and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec_diff")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec-diff"])
        .args(args)
        .output()
        .expect("run xtask")
}

fn json_diff(old: &Path, new: &Path) -> Value {
    let out = xtask(&[
        "--old",
        old.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
        "--format",
        "json",
        "--no-api",
    ]);
    assert!(
        out.status.success(),
        "spec-diff failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn cases() -> Vec<(String, PathBuf, Value)> {
    let mut list: Vec<_> = std::fs::read_dir(fixtures().join("cases"))
        .expect("cases dir")
        .map(|e| e.unwrap().path())
        .collect();
    list.sort();
    assert!(list.len() >= 30, "expected the full set of fixture pairs");
    list.into_iter()
        .map(|dir| {
            let expected: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                    .unwrap();
            (
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                dir.join("new.yaml"),
                expected,
            )
        })
        .collect()
}

#[test]
fn every_fixture_pair_is_classified_as_expected() {
    let base = fixtures().join("base.yaml");
    let mut failures = Vec::new();
    for (name, new, expected) in cases() {
        let report = json_diff(&base, &new);
        let changes = report["changes"].as_array().unwrap();
        let kind = expected["kind"].as_str().unwrap();
        let severity = expected["severity"].as_str().unwrap();
        let found = changes
            .iter()
            .any(|c| c["kind"] == kind && c["severity"] == severity);
        let any_breaking = report["summary"]["breaking"].as_u64().unwrap() > 0;
        if !found {
            failures.push(format!(
                "{name}: no `{kind}` change classified {severity}; got {changes:#?}"
            ));
        } else if any_breaking != (severity == "breaking") {
            failures.push(format!("{name}: overall verdict breaking={any_breaking}, expected {severity}; got {changes:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn identical_specs_give_no_changes_and_pass_fail_on_breaking() {
    let base = fixtures().join("base.yaml");
    let report = json_diff(&base, &base);
    assert_eq!(report["changes"].as_array().unwrap().len(), 0);
    let out = xtask(&[
        "--old",
        base.to_str().unwrap(),
        "--new",
        base.to_str().unwrap(),
        "--fail-on",
        "breaking",
        "--no-api",
    ]);
    assert!(out.status.success());
}

#[test]
fn fail_on_breaking_exits_non_zero_only_for_breaking_changes() {
    let base = fixtures().join("base.yaml");
    for (name, new, expected) in cases() {
        let out = xtask(&[
            "--old",
            base.to_str().unwrap(),
            "--new",
            new.to_str().unwrap(),
            "--fail-on",
            "breaking",
            "--no-api",
        ]);
        let breaking = expected["severity"] == "breaking";
        assert_eq!(
            !out.status.success(),
            breaking,
            "{name}: exit status {:?}",
            out.status
        );
    }
}

/// The independent tool must still give the verdicts we recorded, and every disagreement must be
/// explained (in `expected.json`, written by `make_cases.py`). Where we disagree, ours is the
/// verdict for a caller of the *generated Rust client*: openapi-diff judges wire compatibility for
/// an HTTP caller and does not read parameters, servers, security, `format`, `nullable` or `x-*`
/// extensions (its docs/OPENAPI3.md), while a change to any of those can change a Rust signature.
#[test]
fn openapi_diff_verdicts_match_the_recorded_ones_and_disagreements_are_explained() {
    let tools = std::env::var("QIKBERRY_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join(".tools"));
    let tool = tools.join("node_modules/.bin/openapi-diff");
    assert!(
        tool.exists(),
        "{} is missing: run `cargo xtask test` to install the test tools",
        tool.display()
    );
    let base = fixtures().join("base.yaml");
    let mut failures = Vec::new();
    let mut disagreements = 0;
    for (name, new, expected) in cases() {
        let out = Command::new(&tool)
            .arg(&base)
            .arg(&new)
            .output()
            .expect("run openapi-diff");
        let verdict = match out.status.code() {
            Some(0) => "non-breaking",
            Some(1) => "breaking",
            other => panic!(
                "{name}: openapi-diff failed ({other:?}): {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        };
        if expected["openapi_diff"] != verdict {
            failures.push(format!(
                "{name}: openapi-diff now says {verdict}, recorded {}",
                expected["openapi_diff"]
            ));
        }
        let ours_breaking = expected["severity"] == "breaking";
        if (verdict == "breaking") != ours_breaking {
            disagreements += 1;
            if expected["disagreement"]
                .as_str()
                .is_none_or(|s| s.len() < 20)
            {
                failures.push(format!(
                    "{name}: we disagree with openapi-diff but expected.json does not explain why"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Agreement on the plain cases (removals, type changes, added operations, …) is checked too.
    assert!(
        disagreements < cases().len() / 2 + 2,
        "suspiciously many disagreements: {disagreements}"
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    let base = fixtures().join("base.yaml");
    let new = fixtures().join("cases/response-property-removed/new.yaml");
    for format in ["markdown", "json"] {
        let a = xtask(&[
            "--old",
            base.to_str().unwrap(),
            "--new",
            new.to_str().unwrap(),
            "--format",
            format,
            "--no-api",
        ]);
        let b = xtask(&[
            "--old",
            base.to_str().unwrap(),
            "--new",
            new.to_str().unwrap(),
            "--format",
            format,
            "--no-api",
        ]);
        assert!(a.status.success());
        assert_eq!(a.stdout, b.stdout, "{format} output differs between runs");
    }
}

#[test]
fn markdown_puts_a_summary_table_first_then_breaking_changes_folded() {
    let dir = tempdir();
    let base = fixtures().join("base.yaml");
    let mut doc: Value = serde_yaml::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    // One breaking (removed operation) and one non-breaking (added status code) change.
    doc["paths"].as_object_mut().unwrap().remove("/sms/send");
    doc["paths"]["/sms/senders/{sender_id}"]["get"]["responses"]["404"] =
        serde_json::json!({"description": "Not found."});
    let new = dir.join("new.yaml");
    std::fs::write(&new, serde_yaml::to_string(&doc).unwrap()).unwrap();
    let out = xtask(&[
        "--old",
        base.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
        "--no-api",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let table = text
        .find("| sms | 1 | 1 | 0 |")
        .expect("sms row of the summary table");
    let breaking = text
        .find("<details><summary>Breaking changes (1)")
        .expect("breaking section");
    let non_breaking = text
        .find("<details><summary>Non-breaking changes (1)")
        .expect("non-breaking section");
    assert!(table < breaking && breaking < non_breaking, "{text}");
    assert!(text.contains("POST /sms/send (sms_send_message)"), "{text}");
}

#[test]
fn real_spec_against_a_mutated_copy() {
    let spec_path = root().join("spec/qikberry.yaml");
    let text = std::fs::read_to_string(&spec_path).expect("spec/qikberry.yaml");
    let mut doc: Value = serde_yaml::from_str(&text).unwrap();
    // Remove the first operation of the first path, and make a new request field required in
    // the first JSON request body schema found.
    let paths = doc["paths"].as_object_mut().unwrap();
    let first_path = paths.keys().next().unwrap().clone();
    let removed_method = {
        let item = paths.get_mut(&first_path).unwrap().as_object_mut().unwrap();
        let method = ["get", "post", "put", "delete"]
            .into_iter()
            .find(|m| item.contains_key(*m))
            .unwrap()
            .to_string();
        item.remove(&method);
        if item
            .keys()
            .all(|k| !["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
        {
            paths.remove(&first_path);
        }
        method
    };
    let dir = tempdir();
    let new = dir.join("qikberry.yaml");
    std::fs::write(&new, serde_yaml::to_string(&doc).unwrap()).unwrap();
    let report = json_diff(&spec_path, &new);
    let changes = report["changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["kind"] == "operation-removed"
            && c["severity"] == "breaking"
            && c["operation"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{} {first_path} ", removed_method.to_uppercase()))),
        "{changes:#?}"
    );
    // Against itself the real spec has no changes.
    let same = json_diff(&spec_path, &spec_path);
    assert_eq!(same["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_input_names_the_file_or_revision() {
    let missing = xtask(&["--old", "/nonexistent/old.yaml", "--no-api"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/old.yaml"));

    let dir = tempdir();
    let not_a_spec = dir.join("not-a-spec.yaml");
    std::fs::write(&not_a_spec, "openapi: 3.0.3\npaths: 5\n").unwrap();
    let invalid = xtask(&["--old", not_a_spec.to_str().unwrap(), "--no-api"]);
    assert!(!invalid.status.success());
    let stderr = String::from_utf8_lossy(&invalid.stderr);
    assert!(
        stderr.contains("not-a-spec.yaml") && stderr.contains("OpenAPI"),
        "{stderr}"
    );

    let broken_yaml = dir.join("broken.yaml");
    std::fs::write(&broken_yaml, "openapi: [3.0\n").unwrap();
    let broken = xtask(&["--old", broken_yaml.to_str().unwrap(), "--no-api"]);
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stderr).contains("broken.yaml"));

    let rev = xtask(&["--base", "no-such-revision-xyz", "--no-api"]);
    assert!(!rev.status.success());
    assert!(String::from_utf8_lossy(&rev.stderr).contains("no-such-revision-xyz"));
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "qikberry-spec-diff-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn real_spec_rust_api_diff_names_the_removed_method() {
    let spec_path = root().join("spec/qikberry.yaml");
    let mut doc: Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let op = doc["paths"]["/sms/senders"]
        .as_object_mut()
        .unwrap()
        .remove("get")
        .expect("GET /sms/senders");
    let id = op["operationId"].as_str().unwrap().to_string();
    let dir = tempdir();
    let new = dir.join("qikberry.yaml");
    std::fs::write(&new, serde_yaml::to_string(&doc).unwrap()).unwrap();
    let out = xtask(&[
        "--old",
        spec_path.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let api = &report["rust_api"];
    assert!(
        api.get("error").is_none(),
        "generator failed: {}",
        api["error"]
    );
    let method = id.trim_start_matches("sms_");
    let removed = api["removed"].as_array().unwrap();
    assert!(
        removed
            .iter()
            .any(|r| r.as_str().unwrap().contains(&format!("::{method}:"))),
        "the removed method `{method}` is not listed: {removed:#?}"
    );
}

/// The spec of a git revision, written to a file.
fn spec_at(rev: &str) -> PathBuf {
    let out = Command::new("git")
        .args(["-C", root().to_str().unwrap(), "show"])
        .arg(format!("{rev}:spec/qikberry.yaml"))
        .output()
        .expect("git show");
    assert!(out.status.success(), "git show {rev}: {out:?}");
    let path = tempdir().join(format!("{rev}.yaml"));
    std::fs::write(&path, out.stdout).unwrap();
    path
}

/// Issue 25's proof: the round-2 change (4f2665d → b7667e4) re-diffed. The summary fits one
/// screen, and every breaking entry of the old report (docs/spec-diff-issue-11.md) is still
/// reported as breaking at the same operation and pointer, plus the alias/id one it missed.
#[test]
fn round_two_rediff_keeps_every_breaking_entry_and_fits_one_screen() {
    let (old, new) = (spec_at("4f2665d"), spec_at("b7667e4"));
    let args = [
        "--old",
        old.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
    ];
    let md = String::from_utf8(xtask(&[&args[..], &["--no-api"]].concat()).stdout).unwrap();
    let summary = md.split("<details>").next().unwrap();
    assert!(
        summary.lines().count() <= 40,
        "summary too long:\n{summary}"
    );
    let report = json_diff(&old, &new);
    let changes = report["changes"].as_array().unwrap();
    let doc = std::fs::read_to_string(root().join("docs/spec-diff-issue-11.md")).unwrap();
    let breaking_part = doc
        .split("## Breaking changes")
        .nth(1)
        .and_then(|s| s.split("## Non-breaking changes").next())
        .expect("breaking section of docs/spec-diff-issue-11.md");
    let mut missing = Vec::new();
    let mut checked = 0;
    for line in breaking_part.lines().filter(|l| l.starts_with("- `")) {
        // - `OP`: message — `kind` at `pointer`
        let op = line[3..].split('`').next().unwrap();
        let (kind, pointer) = line
            .rsplit_once("` at `")
            .map(|(a, p)| (a.rsplit('`').next().unwrap(), p.trim_end_matches('`')))
            .unwrap();
        checked += 1;
        let found = changes.iter().any(|c| {
            c["severity"] == "breaking"
                && c["kind"] == kind
                && c["pointer"] == pointer
                && c["operation"].as_str() == Some(op)
        });
        if !found {
            missing.push(line.to_string());
        }
    }
    assert!(
        checked > 200,
        "only {checked} entries read from the old report"
    );
    assert!(
        missing.is_empty(),
        "not reported as breaking:\n{}",
        missing.join("\n")
    );
    for template in ["sms_send_template_message", "rcs_send_template"] {
        for kind in ["exactly-one-of-added", "required-alternatives-added"] {
            assert!(
                changes.iter().any(|c| c["kind"] == kind
                    && c["severity"] == "breaking"
                    && c["operation"].as_str().unwrap_or("").contains(template)),
                "{kind} not reported for {template}"
            );
        }
    }
}

/// A mutation of each `x-` extension the generator or the client reads, on the real spec:
/// each is reported with its rule, its severity and its effect in words.
#[test]
fn real_spec_x_extension_mutations_are_reported_with_their_effect() {
    let spec_path = root().join("spec/qikberry.yaml");
    let real: Value = serde_yaml::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let cases = x_mutations(&real);
    assert_eq!(cases.len(), 12, "one mutation per extension");
    let mut failures = Vec::new();
    for (name, doc, kind, severity, effect) in cases {
        let new = tempdir().join("qikberry.yaml");
        std::fs::write(&new, serde_yaml::to_string(&doc).unwrap()).unwrap();
        let report = json_diff(&spec_path, &new);
        let changes = report["changes"].as_array().unwrap();
        let hit = changes.iter().find(|c| c["kind"] == kind);
        match hit {
            Some(c)
                if c["severity"] == severity && c["message"].as_str().unwrap().contains(effect) => {
            }
            other => failures.push(format!(
                "{name}: expected {kind} ({severity}) saying `{effect}`, got {other:?}"
            )),
        }
        let md = String::from_utf8(
            xtask(&[
                "--old",
                spec_path.to_str().unwrap(),
                "--new",
                new.to_str().unwrap(),
                "--no-api",
            ])
            .stdout,
        )
        .unwrap();
        if !md.contains(effect) {
            failures.push(format!(
                "{name}: the Markdown report does not say `{effect}`"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

type Mutation = (
    &'static str,
    Value,
    &'static str,
    &'static str,
    &'static str,
);

/// (name, mutated spec, kind, severity, words of the effect) for each extension.
fn x_mutations(real: &Value) -> Vec<Mutation> {
    let mut out: Vec<Mutation> = Vec::new();
    let mut with = |name, kind, severity, effect, f: &dyn Fn(&mut Value)| {
        let mut d = real.clone();
        f(&mut d);
        out.push((name, d, kind, severity, effect));
    };
    let find_op = |d: &Value, key: &str, want: &dyn Fn(&Value) -> bool| -> (String, String) {
        for (p, item) in d["paths"].as_object().unwrap() {
            for (m, o) in item.as_object().unwrap() {
                if o.get(key).is_some() && want(&o[key]) {
                    return (p.clone(), m.clone());
                }
            }
        }
        panic!("no operation with {key}")
    };
    let (p, m) = find_op(real, "x-idempotent", &|v| v == false);
    with(
        "x-idempotent",
        "idempotent-became-true",
        "breaking",
        "becomes retried on 5xx",
        &|d| d["paths"][&p][&m]["x-idempotent"] = true.into(),
    );
    let (rp, rm) = find_op(real, "x-rate-limit", &|_| true);
    with(
        "x-rate-limit",
        "rate-limit-removed",
        "non-breaking",
        "the client paces calls",
        &|d| {
            d["paths"][&rp][&rm]
                .as_object_mut()
                .unwrap()
                .remove("x-rate-limit");
        },
    );
    let (pp, pm) = find_op(real, "x-pagination", &|_| true);
    with(
        "x-pagination",
        "pagination-removed",
        "breaking",
        "no longer paginated",
        &|d| {
            d["paths"][&pp][&pm]
                .as_object_mut()
                .unwrap()
                .remove("x-pagination");
        },
    );
    let (ip, im) = find_op(real, "x-path-inferred", &|v| v == true);
    with(
        "x-path-inferred",
        "path-confirmed",
        "info",
        "path confirmed",
        &|d| {
            d["paths"][&ip][&im]
                .as_object_mut()
                .unwrap()
                .remove("x-path-inferred");
        },
    );
    // Schema-level extensions: the first component schema property (or schema) carrying it.
    let schemas = real["components"]["schemas"].as_object().unwrap();
    let prop_with = |key: &str| -> (String, String) {
        for (s, schema) in schemas {
            for (n, prop) in schema["properties"].as_object().into_iter().flatten() {
                if prop.get(key).is_some() {
                    return (s.clone(), n.clone());
                }
            }
        }
        panic!("no property with {key}")
    };
    let schema_with = |key: &str| -> String {
        schemas
            .iter()
            .find(|(_, s)| s.get(key).is_some())
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| panic!("no schema with {key}"))
    };
    let (ss, sp) = prop_with("x-secret");
    with(
        "x-secret",
        "secret-removed",
        "breaking",
        "now appears in Debug output",
        &|d| {
            d["components"]["schemas"][&ss]["properties"][&sp]
                .as_object_mut()
                .unwrap()
                .remove("x-secret");
        },
    );
    // The real spec's choices are `x-at-least-one-of` since issue 24 (same rule family).
    let e = schema_with("x-at-least-one-of");
    with(
        "x-at-least-one-of",
        "exactly-one-of-removed",
        "breaking",
        "x-at-least-one-of removed",
        &|d| {
            d["components"]["schemas"][&e]
                .as_object_mut()
                .unwrap()
                .remove("x-at-least-one-of");
        },
    );
    let (vs, vp) = prop_with("x-enum-varnames");
    with(
        "x-enum-varnames",
        "enum-varnames-changed",
        "breaking",
        "the Rust variants are renamed",
        &|d| {
            let names = d["components"]["schemas"][&vs]["properties"][&vp]["x-enum-varnames"]
                .as_array_mut()
                .unwrap();
            names.reverse();
        },
    );
    let u = schema_with("x-untagged");
    with(
        "x-untagged",
        "untagged-changed",
        "breaking",
        "told apart differently",
        &|d| {
            d["components"]["schemas"][&u]
                .as_object_mut()
                .unwrap()
                .remove("x-untagged");
        },
    );
    let (ls, lp) = prop_with("x-lenient-scalar");
    with(
        "x-lenient-scalar",
        "lenient-scalar-changed",
        "breaking",
        "StringOrNumber",
        &|d| {
            d["components"]["schemas"][&ls]["properties"][&lp]
                .as_object_mut()
                .unwrap()
                .remove("x-lenient-scalar");
        },
    );
    let r = schema_with("x-rust-type");
    with(
        "x-rust-type",
        "rust-type-changed",
        "breaking",
        "the Rust type becomes another one",
        &|d| {
            d["components"]["schemas"][&r]
                .as_object_mut()
                .unwrap()
                .remove("x-rust-type");
        },
    );
    let (fs_, fp) = find_op(real, "parameters", &|v| {
        v.as_array()
            .is_some_and(|l| l.iter().any(|p| p.get("x-filter-group").is_some()))
    });
    with(
        "x-filter-group",
        "parameter-filter-group-changed",
        "breaking",
        "filter group",
        &|d| {
            for p in d["paths"][&fs_][&fp]["parameters"].as_array_mut().unwrap() {
                if p.get("x-filter-group").is_some() {
                    p["x-filter-group"] = "RenamedFilter".into();
                }
            }
        },
    );
    let (is_, ip_) = prop_with("x-inferred");
    with(
        "x-inferred",
        "inferred-mark-changed",
        "info",
        "x-inferred removed",
        &|d| {
            d["components"]["schemas"][&is_]["properties"][&ip_]
                .as_object_mut()
                .unwrap()
                .remove("x-inferred");
        },
    );
    out
}

/// The CI workflow that posts the report parses as YAML and runs spec-diff against the pull
/// request's base with `--fail-on breaking`, uploads and posts the report.
#[test]
fn spec_diff_workflow_is_well_formed() {
    let path = root().join(".github/workflows/spec-diff.yml");
    let text = std::fs::read_to_string(&path).expect(".github/workflows/spec-diff.yml");
    let wf: Value = serde_yaml::from_str(&text).expect("workflow is YAML");
    assert!(
        wf["on"]["pull_request"].is_object(),
        "runs on pull requests"
    );
    assert_eq!(wf["permissions"]["pull-requests"], "write");
    let jobs = wf["jobs"].as_object().expect("jobs");
    assert!(!jobs.is_empty());
    for (name, job) in jobs {
        assert!(job["runs-on"].is_string(), "{name}: runs-on");
        let steps = job["steps"].as_array().expect("steps");
        for s in steps {
            assert!(
                s.get("uses").is_some() != s.get("run").is_some(),
                "{name}: a step has exactly one of uses/run: {s}"
            );
        }
        let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
        assert!(runs.iter().any(|r| {
            r.contains("cargo xtask spec-diff --base \"origin/${{ github.base_ref }}\"")
                && r.contains("--fail-on breaking")
        }));
        assert!(runs.iter().any(|r| r.contains("gh pr comment")));
        assert!(steps.iter().any(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        }));
        let checkout = steps
            .iter()
            .find(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/checkout@"))
            })
            .expect("checkout");
        assert_eq!(
            checkout["with"]["fetch-depth"], 0,
            "the base revision must be fetched"
        );
    }
}
