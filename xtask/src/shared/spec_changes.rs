//! The classified difference between two versions of the spec: the structural comparison
//! ([`compare`]) and the table that judges each change from a caller of the generated client
//! ([`rules`]); the `x-` extensions the generator and the client read are compared in
//! `extensions`. `cargo xtask spec-diff` reports it; `cargo xtask compile-proof` checks its
//! verdicts against the compiler.

pub(crate) mod compare;
mod extensions;
pub(crate) mod rules;
