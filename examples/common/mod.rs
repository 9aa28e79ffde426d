//! Shared by the REST examples: say how to get a token instead of failing obscurely.

/// What an example prints when `QIKBERRY_TOKEN` is missing.
pub const NO_TOKEN: &str = "\
QIKBERRY_TOKEN is not set.

To try this example without an account, start the local sandbox in another shell:

    cargo xtask sandbox

then export the two variables it prints and run the example again:

    export QIKBERRY_HOST=http://127.0.0.1:4010
    export QIKBERRY_TOKEN=sandbox-token

With an account: export QIKBERRY_TOKEN=<your API token> (and QIKBERRY_HOST=<host> for a
white-label host).";

/// Exits with [`NO_TOKEN`] (status 2) when `QIKBERRY_TOKEN` is unset or blank.
pub fn require_token() {
    if std::env::var("QIKBERRY_TOKEN").map_or(true, |t| t.trim().is_empty()) {
        eprintln!("{NO_TOKEN}");
        std::process::exit(2);
    }
}
