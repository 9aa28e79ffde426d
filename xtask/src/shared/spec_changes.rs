//! The classified difference between two versions of the spec: the structural comparison
//! ([`compare`]) and the table that judges each change from a caller of the generated client
//! ([`rules`]). `cargo xtask spec-diff` reports it; `cargo xtask compile-proof` checks its
//! verdicts against the compiler.

pub(crate) mod compare;
pub(crate) mod rules;
