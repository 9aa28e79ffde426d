//! The text rules of the Qikberry platform that REST, SMPP and webhooks share: phone numbers
//! ([`phone`]), SMS encodings and segments ([`sms_text`]), and the SMS delivery status with the
//! operator error-code table ([`status`]), which REST models, webhook events and SMPP receipts
//! all use.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod phone;
pub mod phone_input;
pub mod sms_text;
pub mod status;
