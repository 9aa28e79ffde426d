//! The typed call table: one generated-client call per operation of the spec.
#![allow(clippy::all)]

use crate::support::ops::Call;

/// Every call.
pub fn all() -> Vec<Call> {
    vec![]
}
