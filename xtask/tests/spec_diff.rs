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
    let table = text.find("| sms | 1 | 1 | 0 |").expect("sms row of the summary table");
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
