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
