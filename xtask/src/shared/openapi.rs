//! What every xtask command needs to read an OpenAPI document held as JSON: JSON pointers and
//! `$ref` resolution ([`pointer`]), and the walk over its operations ([`operations`]). spec-lint,
//! spec-diff, the sandbox and live-check all go through these, so a pointer one of them prints is
//! one the others resolve.

pub(crate) mod operations;
pub(crate) mod pointer;

pub(crate) use operations::{METHODS, Operation, operations};
