//! Typed async client for the Qikberry CPaaS API.

#[cfg(feature = "smpp")]
pub mod smpp;
#[cfg(feature = "webhook-events")]
pub mod webhook;
