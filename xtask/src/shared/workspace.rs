//! Paths inside the workspace, independent of the directory `cargo xtask` was started from.

use std::path::PathBuf;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits one level below the workspace root")
        .to_path_buf()
}

/// The bundled spec, `spec/qikberry.yaml`.
pub fn spec_path() -> PathBuf {
    root().join("spec").join("qikberry.yaml")
}

/// The folder of the outside tools (Prism, Redocly, the spec validators, the test servers): the
/// `QIKBERRY_TOOLS` environment variable when it is set and not empty, else `.tools/` at the
/// workspace root. Every command that installs, starts or hands on the tools asks here.
pub fn tools_dir() -> PathBuf {
    match std::env::var_os("QIKBERRY_TOOLS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root().join(".tools"),
    }
}
