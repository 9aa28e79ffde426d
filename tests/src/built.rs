//! Binaries `cargo test --workspace --all-features` builds beside the test binaries (the
//! crate's examples), for tests that run them as real processes.

use std::path::PathBuf;

/// The example `name`: in `$QIKBERRY_EXAMPLES_DIR` when set (e.g. a release build for a
/// measurement), otherwise in `target/<profile>/examples` next to the running test binary.
/// Fails with `how_to_build` when it is not there.
pub fn example(name: &str, how_to_build: &str) -> PathBuf {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let dir = match std::env::var_os("QIKBERRY_EXAMPLES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::current_exe()
            .expect("current exe")
            .parent()
            .and_then(|d| d.parent())
            .expect("test binary lives in target/<profile>/deps")
            .join("examples"),
    };
    let bin = dir.join(file);
    assert!(
        bin.exists(),
        "{} not built: `cargo test --workspace --all-features` builds it (or `{how_to_build}`)",
        bin.display()
    );
    bin
}
