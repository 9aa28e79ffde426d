//! Runs `xtask spec-lint` on a good fixture spec and on copies of it broken on purpose, and
//! checks the exit code and the JSON pointer of each problem.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("spec_lint")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name))
        .unwrap_or_else(|e| panic!("cannot read fixture {name}: {e}"))
}

/// Writes `text` into this test's own scratch file and returns its path.
fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec_lint");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scratch file");
    path
}

/// Replaces exactly one occurrence of `from` (the fixture must contain it exactly once).
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "fixture must contain {from:?} exactly once"
    );
    text.replacen(from, to, 1)
}

fn lint(spec: &Path, inventory: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let enums = fixtures().join("documented-enums.tsv");
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("spec-lint")
        .arg(spec)
        .arg("--inventory")
        .arg(inventory)
        .arg("--enums")
        .arg(enums)
        .args(extra);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run xtask")
}

/// Lints a broken copy without the outside validators; asserts failure and that every
/// `expected` pointer starts a problem line whose text contains the paired fragment.
fn assert_fails(name: &str, spec_text: &str, inventory_text: &str, expected: &[(&str, &str)]) {
    let spec = scratch(&format!("{name}.yaml"), spec_text);
    let inventory = scratch(&format!("{name}.tsv"), inventory_text);
    let output = lint(&spec, &inventory, &["--no-external"], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "{name}: spec-lint passed a broken spec\n{stdout}\n{stderr}"
    );
    for (pointer, fragment) in expected {
        let prefix = format!("{pointer}: ");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(fragment)),
            "{name}: no problem line `{pointer}: …{fragment}…` in\n{stdout}\n{stderr}"
        );
    }
}

#[test]
fn good_fixture_passes_every_check_including_outside_validators() {
    let output = lint(
        &fixtures().join("good.yaml"),
        &fixtures().join("inventory.tsv"),
        &[],
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "good fixture failed:\n{stdout}\n{stderr}"
    );
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("spec-lint: ") && summary.contains(" OK: "),
        "{stdout}"
    );
    assert!(
        summary.contains("5 operations (5 in the inventory)"),
        "{summary}"
    );
    assert!(summary.contains("4/4 documented enums"), "{summary}");
    assert!(
        summary.contains("openapi-spec-validator + redocly OK"),
        "{summary}"
    );
}

#[test]
fn dangling_ref_is_reported_at_the_ref() {
    let spec = replace_once(
        &read("good.yaml"),
        "                $ref: '#/components/schemas/SmsGetSenderResponse'",
        "                $ref: '#/components/schemas/SmsGetSenderResponseTypo'",
    );
    assert_fails(
        "dangling_ref",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/paths/~1sms~1senders~1{sender_id}/get/responses/200/content/application~1json/schema/$ref",
            "dangling $ref",
        )],
    );
}

#[test]
fn example_of_wrong_type_is_reported_at_the_value() {
    let spec = replace_once(
        &read("good.yaml"),
        "                      - id: 12\n",
        "                      - id: \"12\"\n",
    );
    assert_fails(
        "wrong_type",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/paths/~1sms~1senders/get/responses/200/content/application~1json/examples/list/value/data/0/id",
            "is not of type",
        )],
    );
}

#[test]
fn tagged_example_with_the_wrong_fields_names_its_variant() {
    let spec = replace_once(
        &read("good.yaml"),
        "value: {type: mobile, agent: \"918888888888\", to: \"919999999999\"}",
        "value: {type: mobile, to: \"919999999999\"}",
    );
    assert_fails(
        "oneof_example",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/paths/~1voice~1c2c/post/requestBody/content/application~1json/examples/mobile/value",
            "VoiceClickToCallMobile \"By mobile number\"] \"agent\" is a required property",
        )],
    );
}

#[test]
fn operation_missing_from_the_spec_and_extra_operation_are_reported() {
    let mut inventory = read("inventory.tsv");
    inventory.push_str("DELETE\t/sms/senders/{sender_id}\tdocs\tsms_delete_sender\tsms\n");
    let inventory = replace_once(
        &inventory,
        "GET\t/verify/profiles\tinferred\tverify_list_profiles\tverify\n",
        "",
    );
    assert_fails(
        "missing_operation",
        &read("good.yaml"),
        &inventory,
        &[
            (
                "#/paths/~1sms~1senders~1{sender_id}/delete",
                "is missing from the spec",
            ),
            ("#/paths/~1verify~1profiles/get", "is not in"),
        ],
    );
}

#[test]
fn provenance_and_naming_conventions_are_enforced() {
    let spec = replace_once(&read("good.yaml"), "      x-path-inferred: true\n", "");
    let spec = replace_once(
        &spec,
        "operationId: sms_get_sender",
        "operationId: smsGetSender",
    );
    let spec = replace_once(&spec, "      summary: Click to call\n", "");
    assert_fails(
        "conventions",
        &spec,
        &read("inventory.tsv"),
        &[
            (
                "#/paths/~1verify~1profiles/get/x-path-inferred",
                "x-path-inferred: true",
            ),
            (
                "#/paths/~1sms~1senders~1{sender_id}/get/operationId",
                "not snake_case",
            ),
            ("#/paths/~1voice~1c2c/post/summary", "missing"),
        ],
    );
}

#[test]
fn wrong_leaf_count_is_reported_at_the_one_of() {
    let spec = replace_once(
        &read("good.yaml"),
        "        - $ref: '#/components/schemas/SmsTextMessageShortLink'\n",
        "        - $ref: '#/components/schemas/SmsTextMessageShortLink'\n        - $ref: '#/components/schemas/SmsSender'\n",
    );
    assert_fails(
        "leaf_count",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/components/schemas/SmsSendTextMessageRequest/oneOf",
            "has 3 leaf shapes, the reference documents 2",
        )],
    );
}

#[test]
fn one_of_without_discriminator_or_tag_is_reported() {
    let spec = replace_once(&read("good.yaml"), "      x-untagged: true\n", "");
    assert_fails(
        "untagged",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/components/schemas/SmsSendTextMessageRequest/oneOf",
            "no discriminator",
        )],
    );
}

#[test]
fn missing_documented_enum_is_reported_at_its_operation() {
    let spec = replace_once(&read("good.yaml"), "            enum: ['1', '0']\n", "");
    assert_fails(
        "enum",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/paths/~1verify~1profiles/get",
            "documented enum `filter[status]`",
        )],
    );
}

#[test]
fn yaml_that_openapiv3_rejects_is_reported_with_its_path() {
    let spec = replace_once(
        &read("good.yaml"),
        "        required: true\n        description: ID of the sender.",
        "        required: maybe\n        description: ID of the sender.",
    );
    assert_fails(
        "openapiv3",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/paths/~1sms~1senders~1{sender_id}/parameters/0",
            "openapiv3 cannot parse",
        )],
    );
}

#[test]
fn missing_outside_tool_fails_and_says_how_to_install_it() {
    let output = lint(
        &fixtures().join("good.yaml"),
        &fixtures().join("inventory.tsv"),
        &[],
        &[("QIKBERRY_TOOLS", "/nonexistent/qikberry-tools")],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    for tool in ["openapi-spec-validator", "redocly"] {
        assert!(
            stdout.lines().any(|l| l.starts_with("#: ")
                && l.contains(tool)
                && l.contains("cargo xtask test")),
            "no install hint for {tool} in\n{stdout}"
        );
    }
}

#[test]
fn shape_without_any_request_example_is_reported() {
    let spec = replace_once(
        &read("good.yaml"),
        "              mobile:\n                value: {type: mobile, agent: \"918888888888\", to: \"919999999999\"}\n",
        "",
    );
    assert_fails(
        "uncovered_shape",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/components/schemas/VoiceClickToCallMobile",
            "no request example of voice_create_click_to_call",
        )],
    );
}

#[test]
fn plain_scalar_that_yaml_versions_read_differently_is_reported() {
    let spec = replace_once(
        &read("good.yaml"),
        "            enum: ['0', '1', '2']\n",
        "            enum: [000, '1', '2']\n",
    );
    let spec = replace_once(
        &spec,
        "          example: '1'\n",
        "          example: '000'\n",
    );
    assert_fails(
        "plain_scalar",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/paths/~1sms~1senders/get/parameters/1/schema/enum/0",
            "plain YAML scalar (line ",
        )],
    );
}

#[test]
fn schema_that_does_not_compile_is_named() {
    let spec = replace_once(
        &read("good.yaml"),
        "        agent: {type: string}\n",
        "        agent: {type: string, pattern: '([0-9'}\n",
    );
    assert_fails(
        "bad_pattern",
        &spec,
        &read("inventory.tsv"),
        &[(
            "#/components/schemas/VoiceClickToCallMobile/properties/agent/pattern",
            "does not compile",
        )],
    );
}

#[test]
fn document_without_paths_is_one_problem_not_a_wall() {
    let spec = scratch("no_paths.yaml", "- just\n- a list\n");
    let output = lint(
        &spec,
        &fixtures().join("inventory.tsv"),
        &["--no-external"],
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("#/paths: ") && l.contains("no `paths` map")),
        "{stdout}"
    );
    assert!(stdout.lines().count() <= 3, "{stdout}");
}

// --- The workspace spec itself: inferences, exactly-one rules, the reference comparison. ---

fn workspace_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn workspace_text(path: &str) -> String {
    std::fs::read_to_string(workspace_file(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Lints a copy of the workspace spec (with the reference facts and `mismatches` beside it, as in
/// `spec/`) against the workspace inventory and enums, without the outside validators.
fn lint_workspace_copy(name: &str, spec_text: &str, mismatches: &str) -> (bool, String) {
    let facts = workspace_text("spec/reference-facts.tsv");
    lint_copy_with_facts(name, spec_text, mismatches, &facts)
}

/// As [`lint_workspace_copy`], with `facts` as the reference facts beside the spec.
fn lint_copy_with_facts(
    name: &str,
    spec_text: &str,
    mismatches: &str,
    facts: &str,
) -> (bool, String) {
    let samples = workspace_text("spec/reference-samples.tsv");
    lint_copy_with_samples(name, spec_text, mismatches, facts, &samples)
}

/// As [`lint_copy_with_facts`], with `samples` as the wire-sample mapping beside the spec.
fn lint_copy_with_samples(
    name: &str,
    spec_text: &str,
    mismatches: &str,
    facts: &str,
    samples: &str,
) -> (bool, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("spec_lint_workspace")
        .join(name);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let spec = dir.join("qikberry.yaml");
    std::fs::write(&spec, spec_text).expect("write spec copy");
    std::fs::write(dir.join("reference-facts.tsv"), facts).expect("write facts");
    std::fs::write(dir.join("reference-mismatches.tsv"), mismatches).expect("write mismatches");
    std::fs::write(dir.join("reference-samples.tsv"), samples).expect("write samples");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("spec-lint")
        .arg(&spec)
        .arg("--inventory")
        .arg(workspace_file("spec/inventory.tsv"))
        .arg("--enums")
        .arg(workspace_file("spec/documented-enums.tsv"))
        .arg("--no-external")
        .output()
        .expect("run xtask");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn assert_workspace_fails(
    name: &str,
    spec_text: &str,
    mismatches: &str,
    expected: &[(&str, &str)],
) {
    let (ok, text) = lint_workspace_copy(name, spec_text, mismatches);
    assert!(!ok, "{name}: spec-lint passed a broken spec\n{text}");
    for (pointer, fragment) in expected {
        let prefix = format!("{pointer}: ");
        assert!(
            text.lines()
                .any(|l| l.starts_with(&prefix) && l.contains(fragment)),
            "{name}: no problem line `{pointer}: …{fragment}…` in\n{text}"
        );
    }
}

#[test]
fn workspace_spec_passes_and_counts_inferences_per_product() {
    let (ok, text) = lint_workspace_copy(
        "clean",
        &workspace_text("spec/qikberry.yaml"),
        &workspace_text("spec/reference-mismatches.tsv"),
    );
    assert!(ok, "{text}");
    for fragment in [
        " x-inferred (",
        "whatsapp ",
        "4 exactly-one rules",
        "reference facts compared (",
        "all explained in reference-mismatches.tsv",
    ] {
        assert!(text.contains(fragment), "no `{fragment}` in\n{text}");
    }
}

#[test]
fn template_send_with_neither_alias_nor_id_is_refused() {
    let spec = replace_once(
        &workspace_text("spec/qikberry.yaml"),
        "              by_id:\n                value:\n                  id: b23769e6-019f-48f4-aae9-ec00a5xxxxxx\n",
        "              by_id:\n                value:\n",
    );
    assert_workspace_fails(
        "neither_alias_nor_id",
        &spec,
        &workspace_text("spec/reference-mismatches.tsv"),
        &[(
            "#/paths/~1sms~1send~1template/post/requestBody/content/application~1json/examples/by_id/value",
            "not valid under any of the schemas listed in the 'anyOf' keyword",
        )],
    );
}

#[test]
fn at_least_one_rule_without_its_json_schema_form_is_reported() {
    let spec = replace_once(
        &workspace_text("spec/qikberry.yaml"),
        "      - recipient\n      anyOf:\n      - required:\n        - alias\n      - required:\n        - id\n      x-at-least-one-of:\n        name: TemplateRef\n        field: template\n        properties:\n        - alias\n        - id\n      properties:\n        alias:\n          type: string\n          description: Alias of a registered template",
        "      - recipient\n      x-at-least-one-of:\n        name: TemplateRef\n        field: template\n        properties:\n        - alias\n        - id\n      properties:\n        alias:\n          type: string\n          description: Alias of a registered template",
    );
    assert_workspace_fails(
        "at_least_one_without_any_of",
        &spec,
        &workspace_text("spec/reference-mismatches.tsv"),
        &[(
            "#/components/schemas/SmsSendTemplateMessageRequest/x-at-least-one-of",
            "anyOf: [{required: [alias]}, {required: [id]}]",
        )],
    );
}

#[test]
fn description_that_says_inferred_needs_the_flag() {
    let spec = replace_once(
        &workspace_text("spec/qikberry.yaml"),
        "      x-inferred: 'Payload field names are inferred.'\n      description: An image (jpg, jpeg, png), at most 5 MB. Payload field names are inferred.\n      required:\n      - type\n",
        "      description: An image (jpg, jpeg, png), at most 5 MB. Payload field names are inferred.\n      required:\n      - type\n",
    );
    assert_workspace_fails(
        "inferred_without_flag",
        &spec,
        &workspace_text("spec/reference-mismatches.tsv"),
        &[(
            "#/components/schemas/WhatsappImageContent",
            "flag it with `x-inferred",
        )],
    );
}

#[test]
fn reference_differences_need_an_explanation_and_stale_ones_are_reported() {
    let explained = workspace_text("spec/reference-mismatches.tsv");
    let line = explained
        .lines()
        .find(|l| l.starts_with("POST\t/sms/send\trequired\ttime\t"))
        .expect("the scheduled-time explanation");
    let mismatches = explained.replace(&format!("{line}\n"), "")
        + "GET\t/sms/senders\tquery\tfilter[nope]\tan explanation of nothing\n";
    // And one fact the spec loses: the sender list's name filter.
    let spec = replace_once(
        &workspace_text("spec/qikberry.yaml"),
        "      - name: filter[name]\n        in: query\n        required: false\n        description: Only senders with this sender ID.",
        "      - name: filter[sender]\n        in: query\n        required: false\n        description: Only senders with this sender ID.",
    );
    let (ok, text) = lint_workspace_copy("reference_differences_stale", &spec, &mismatches);
    assert!(!ok, "{text}");
    assert!(
        text.lines().any(|l| l.contains("reference-mismatches.tsv:")
            && l.contains("stale explanation")
            && l.contains("filter[nope]")),
        "no stale-explanation problem in\n{text}"
    );
    assert_workspace_fails(
        "reference_differences",
        &spec,
        &mismatches,
        &[
            (
                "#/components/schemas/SmsSendScheduled/properties/time",
                "the reference marks `time` optional; the spec requires it",
            ),
            (
                "#/paths/~1sms~1senders/get",
                "query parameter `filter[name]` is missing",
            ),
            (
                "#/paths/~1sms~1senders/get/parameters/0",
                "`filter[sender]` is not in the reference",
            ),
        ],
    );
}

/// Lints the workspace spec with `facts` as the reference facts beside it.
fn lint_with_facts(name: &str, facts: &str) -> (bool, String) {
    lint_copy_with_facts(
        name,
        &workspace_text("spec/qikberry.yaml"),
        &workspace_text("spec/reference-mismatches.tsv"),
        facts,
    )
}

/// A class of facts, how one fact of it is changed, and what the problem then says.
type MutationCase = (&'static str, fn(&str) -> String, &'static str);

/// `facts` with the first fact of `kind` (not explained) changed by `change`; `code` facts get
/// the code 418 as well.
fn mutate_first(facts: &str, kind: &str, change: fn(&str) -> String) -> String {
    let explained = workspace_text("spec/reference-mismatches.tsv");
    let mut done = false;
    let mutated: Vec<String> = facts
        .lines()
        .map(|line| {
            let mut cells: Vec<String> = line.split('\t').map(str::to_string).collect();
            let is_explained = explained
                .lines()
                .any(|l| cells.len() == 6 && l.starts_with(&cells[..4].join("\t")));
            if !done && cells.len() == 6 && cells[2] == kind && !is_explained {
                done = true;
                if kind == "code" {
                    cells[3] = "418".into();
                }
                cells[4] = change(&cells[4]);
            }
            cells.join("\t")
        })
        .collect();
    assert!(done, "no {kind} fact to change");
    mutated.join("\n")
}

/// `facts` with the JSON of the wire sample closing at wire-shapes `line` edited (`from` → `to`).
fn mutate_sample(facts: &str, line: &str, from: &str, to: &str) -> String {
    let suffix = format!("\t{line}");
    let mut done = false;
    let mutated: Vec<String> = facts
        .lines()
        .map(|l| {
            if l.contains("\tsample\t") && l.ends_with(&suffix) && l.contains(from) {
                done = true;
                l.replacen(from, to, 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "no sample at wire-shapes line {line} holding {from}");
    mutated.join("\n")
}

#[test]
fn deep_comparison_counts_each_class_and_catches_one_changed_fact_of_each() {
    let facts = workspace_text("spec/reference-facts.tsv");
    let (ok, text) = lint_with_facts("deep_clean", &facts);
    assert!(ok, "{text}");
    for class in [
        "type:",
        "default:",
        "code:",
        "limit:",
        "sample-request:",
        "sample-response:",
        "sample-event:",
    ] {
        assert!(
            text.contains(&format!("{class} ")),
            "no count for {class}\n{text}"
        );
    }
    // (class, how the fact changes, what the problem says)
    let cases: [MutationCase; 4] = [
        ("type", |_| "boolean".into(), "types it boolean"),
        ("default", |_| "\"7\"".into(), "defaults it to \"7\""),
        ("code", |_| "I'm a teapot".into(), "HTTP 418"),
        ("limit", |d| format!("{d}{d}"), "expected"),
    ];
    for (class, change, says) in cases {
        let mutated = mutate_first(&facts, class, change);
        let (ok, text) = lint_with_facts(&format!("deep_{class}"), &mutated);
        assert!(!ok, "{class}: a changed fact passed\n{text}");
        assert!(text.contains(says), "{class}: no `{says}` in\n{text}");
    }
    // One sample of each class, a field's type changed, is caught against its own target
    // (reference-samples.tsv): the sender list answer (which once passed as "some webhook"), the
    // add-credits body and the bare SMS unsubscription push.
    let samples = [
        (
            "2245",
            "\"name\": \"SENDER\"",
            "\"name\": 7",
            "#/paths/~1sms~1senders/get/responses/200/",
            "data/0/name: 7 is not of type 'string'",
        ),
        (
            "18",
            "\"credits\": \"2.34\"",
            "\"credits\": []",
            "#/paths/~1finance~1credits/post/requestBody/",
            "credits: [] is not of type 'string'",
        ),
        (
            "1288",
            "\"receiver\": \"917002088xxx\"",
            "\"receiver\": []",
            "#/paths/~1developer~1webhooks/post/callbacks/sms_unsubscription/",
            "wire-shapes line 1288",
        ),
    ];
    for (line, from, to, pointer, says) in samples {
        let mutated = mutate_sample(&facts, line, from, to);
        let (ok, text) = lint_with_facts(&format!("deep_sample_{line}"), &mutated);
        assert!(!ok, "sample {line}: a changed sample passed\n{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with(pointer) && l.contains(says)),
            "sample {line}: no `{pointer}…{says}` in\n{text}"
        );
    }
}

#[test]
fn every_wire_sample_needs_a_row_naming_a_target_the_spec_has() {
    let samples = workspace_text("spec/reference-samples.tsv");
    let row = |line: &str| {
        samples
            .lines()
            .find(|l| l.starts_with(&format!("{line}\t")))
            .unwrap_or_else(|| panic!("no row for wire-shapes line {line}"))
            .to_string()
    };
    let (list, credits) = (row("2245"), row("1242"));
    let broken = samples
        // The sender list answer loses its row; the add-credits answer is pointed at an
        // operation and the DLR push at a callback the spec does not have.
        .replace(&format!("{list}\n"), "")
        .replace(
            &credits,
            &credits.replace("POST /finance/credits", "POST /finance/debits"),
        )
        .replace(
            "event sms_delivery_report_flat",
            "event sms_delivery_report_flatt",
        )
        + "9999\tnowhere\tresponse GET /sms/senders\t\n3000\tsms/bulk\tresponse bogus\t\n";
    let (ok, text) = lint_copy_with_samples(
        "samples_mapping",
        &workspace_text("spec/qikberry.yaml"),
        &workspace_text("spec/reference-mismatches.tsv"),
        &workspace_text("spec/reference-facts.tsv"),
        &broken,
    );
    assert!(!ok, "{text}");
    for says in [
        "wire-shapes line 2245 (sms/senders/index) is not mapped",
        "wire-shapes line 1242 (account/add-credits): no operation POST /finance/debits",
        "wire-shapes line 1279 (event/index): no callback or schema `sms_delivery_report_flatt`",
        "stale row: wire-shapes line 9999 (nowhere) is no sample",
        "`response bogus` is not",
    ] {
        assert!(text.contains(says), "no `{says}` in\n{text}");
    }
}
