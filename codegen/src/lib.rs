//! Spec in, Rust source out: the generator behind the `qikberry` crate.
