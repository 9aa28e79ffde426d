//! What more than one `cargo xtask` command needs, so that no command imports another (a command
//! module imports only `shared`):
//!
//! - [`workspace`]: the workspace's paths and the one decision of the tools folder;
//! - [`tools`]: installing the outside tools into it;
//! - [`spec`]: loading the spec's YAML as JSON;
//! - [`openapi`]: JSON pointers, `$ref`s and the walk over a document's operations;
//! - [`operations`]: the operation facts the generator reads, for the sandbox and live-check;
//! - [`one_of`] and [`json_schema`]: how a oneOf tells its variants apart, and schemas as
//!   draft-7 JSON Schema (spec-lint's examples and live-check's responses);
//! - [`spec_changes`]: the classified difference between two specs (spec-diff, compile-proof).

pub(crate) mod json_schema;
pub(crate) mod one_of;
pub(crate) mod openapi;
pub(crate) mod operations;
pub(crate) mod spec;
pub(crate) mod spec_changes;
pub(crate) mod tools;
pub(crate) mod workspace;
