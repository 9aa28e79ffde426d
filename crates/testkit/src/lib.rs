//! Test doubles for code that uses the `qikberry` crate, all inside the test's own process:
//!
//! - [`rest::FakeApi`]: an HTTP server on 127.0.0.1 that answers every operation of the spec
//!   from its example, remembers the SMS it accepted (a delivery-status query by `group_id`,
//!   `cid`, `id` or `mobile` returns them), can be scripted per operation and records the
//!   requests it saw.
//! - [`webhook::WebhookSender`]: delivers signed webhook events the way the platform does.
//! - [`smsc::Smsc`]: an SMPP 3.4 server with throttling, delayed or failed delivery receipts
//!   and unbinds.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use qikberry_testkit::rest::{Answer, FakeApi};
//!
//! let api = FakeApi::start().await?;
//! api.script("sms_list_senders", Answer::status(502));
//! let client = api.client()?; // a qikberry::Client pointed at the fake
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod rest;
pub mod smsc;
pub mod webhook;
