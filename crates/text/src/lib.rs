//! The text rules of the Qikberry platform that REST, SMPP and webhooks share: phone numbers
//! ([`phone`]) and SMS encodings and segments ([`sms_text`]).
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod phone;
pub mod sms_text;
