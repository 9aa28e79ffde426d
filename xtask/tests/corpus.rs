//! The corpus (`codegen/tests/corpus/*.yaml`: specs written in this project that reproduce,
//! construct for construct, what peers' public specs use, plus `composition.yaml`) goes through
//! `cargo xtask generate --spec FILE --out DIR` as a user would run it: each spec becomes a crate
//! of its own that depends only on `qikberry-runtime`, and all of them compile (`cargo check`,
//! every tag's feature on); `fixtures/standalone/phone_numbers.yaml` adds a spec whose
//! `x-rust-type` names `qikberry-text`, which its manifest must then depend on. The composition crate then runs its decode tests
//! (`fixtures/composition_decode.rs`: JSON in, value out, and out again; headers, an enum path
//! parameter and an integer enum query parameter on the wire of a loopback server).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus() -> Vec<PathBuf> {
    let dir = root().join("codegen/tests/corpus");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    // A spec naming another crate of this workspace in `x-rust-type` (its manifest must list it).
    specs.push(root().join("xtask/tests/fixtures/standalone/phone_numbers.yaml"));
    specs
}

/// Runs `cmd`, failing the test with its output when it fails.
fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cargo(ws: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args)
        .arg("--offline")
        .arg("--manifest-path")
        .arg(ws.join("Cargo.toml"))
        // One target for the whole corpus, kept between runs (dependencies build once), under
        // this test's own target dir.
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-target"),
        )
        .env_remove("RUSTFLAGS");
    cmd
}

#[test]
fn every_corpus_spec_generates_a_crate_that_compiles_and_composition_decodes() {
    let ws = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).unwrap();
    let mut members = Vec::new();
    for spec in corpus() {
        let name = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        let out = ws.join(&name);
        run(
            Command::new(env!("CARGO_BIN_EXE_xtask"))
                .args(["generate", "--spec"])
                .arg(&spec)
                .arg("--out")
                .arg(&out)
                .args(["--crate-name", &format!("corpus-{name}")]),
            &format!("generate {}", spec.display()),
        );
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
        let runtime = root().join("crates/runtime").canonicalize().unwrap();
        assert!(
            manifest.contains(&format!("path = {:?}", runtime.display().to_string()))
                || manifest.contains("crates/runtime"),
            "{name}: the manifest reaches the runtime by path:\n{manifest}"
        );
        members.push(format!("{name:?}"));
    }
    // The decode tests run inside the composition crate (with tokio for the loopback server).
    let comp = ws.join("composition");
    let mut lib = std::fs::read_to_string(comp.join("src/lib.rs")).unwrap();
    lib.push_str("\n#[cfg(test)]\nmod composition_decode;\n");
    std::fs::write(comp.join("src/lib.rs"), lib).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/composition_decode.rs"),
        comp.join("src/composition_decode.rs"),
    )
    .unwrap();
    let mut manifest = std::fs::read_to_string(comp.join("Cargo.toml")).unwrap();
    manifest.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n",
    );
    std::fs::write(comp.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    run(
        &mut cargo(&ws, &["check", "--workspace", "--all-features"]),
        "cargo check of the corpus crates",
    );
    run(
        &mut cargo(
            &ws,
            &[
                "test",
                "-p",
                "corpus-composition",
                "--lib",
                "--features",
                "deserialize-requests",
            ],
        ),
        "the composition crate's decode tests",
    );
}
