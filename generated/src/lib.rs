//! Typed async client for the Qikberry CPaaS API.
