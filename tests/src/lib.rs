//! Integration tests live in `tests/tests/`; this library holds what they and the test
//! binaries share: real servers to talk to, and the built examples they run.

pub mod built;
pub mod servers;
