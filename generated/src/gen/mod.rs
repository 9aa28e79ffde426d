//! Code generated from `spec/qikberry.yaml` by `cargo xtask generate` (placeholder until the first generation).
