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
