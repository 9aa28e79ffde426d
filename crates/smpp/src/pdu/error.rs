//! What goes wrong decoding or encoding a PDU, naming the command and the field.

use std::fmt;

/// The error when bytes are not a valid PDU. Names the command and the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The command being decoded (`"submit_sm"`), or `"header"`.
    pub command: &'static str,
    /// The PDU field at fault (`"short_message"`, `"tlv receipted_message_id"`).
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed {}.{}: {}",
            self.command, self.field, self.problem
        )
    }
}

impl std::error::Error for DecodeError {}

/// The error when a PDU cannot be encoded (a field too long for its SMPP limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// The command being encoded.
    pub command: &'static str,
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot encode {}.{}: {}",
            self.command, self.field, self.problem
        )
    }
}

impl std::error::Error for EncodeError {}
