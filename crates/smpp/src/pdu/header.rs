//! The 16-byte PDU header and framing: splitting a byte stream into PDUs.

use super::error::{DecodeError, EncodeError};
use crate::status::CommandStatus;

/// Length of the PDU header (command_length, command_id, command_status, sequence_number).
pub const HEADER_LEN: usize = 16;

/// The largest `command_length` accepted by default: 64 KiB of `message_payload` plus headroom.
/// Anything larger is treated as hostile and rejected before allocating.
pub const DEFAULT_MAX_COMMAND_LENGTH: u32 = 70_000;

/// How many bytes the next PDU in `buf` occupies: `Ok(None)` when more bytes are needed,
/// `Err` when the command_length is below 16 or above `max_len` (the stream cannot be resynced
/// and should be closed).
pub fn frame_length(buf: &[u8], max_len: u32) -> Result<Option<usize>, DecodeError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
    if (len as usize) < HEADER_LEN || len > max_len {
        return Err(DecodeError {
            command: "header",
            field: "command_length".into(),
            problem: format!("{len} is outside {HEADER_LEN}..={max_len}"),
        });
    }
    if buf.len() < len as usize {
        Ok(None)
    } else {
        Ok(Some(len as usize))
    }
}

/// The header fields of a decoded PDU (its length already checked against the buffer).
pub(super) struct Header {
    /// command_id.
    pub(super) command_id: u32,
    /// command_status.
    pub(super) command_status: CommandStatus,
    /// sequence_number.
    pub(super) sequence_number: u32,
}

/// Reads the header of `buf`, which must hold exactly one PDU.
pub(super) fn read(buf: &[u8]) -> Result<Header, DecodeError> {
    let header_err = |field: &str, problem: String| DecodeError {
        command: "header",
        field: field.into(),
        problem,
    };
    if buf.len() < HEADER_LEN {
        return Err(header_err(
            "command_length",
            format!(
                "PDU is {} bytes, shorter than the 16-byte header",
                buf.len()
            ),
        ));
    }
    let word = |i: usize| u32::from_be_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
    let len = word(0) as usize;
    if len != buf.len() {
        return Err(header_err(
            "command_length",
            format!("says {len} bytes but the PDU is {} bytes", buf.len()),
        ));
    }
    Ok(Header {
        command_id: word(4),
        command_status: CommandStatus(word(8)),
        sequence_number: word(12),
    })
}

/// Appends a header with a placeholder command_length, set by [`set_length`] once the body is
/// written.
pub(super) fn write(
    out: &mut Vec<u8>,
    command_id: u32,
    command_status: CommandStatus,
    sequence_number: u32,
) {
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&command_id.to_be_bytes());
    out.extend_from_slice(&command_status.0.to_be_bytes());
    out.extend_from_slice(&sequence_number.to_be_bytes());
}

/// Sets the command_length of the PDU that starts at `start` and runs to the end of `out`.
pub(super) fn set_length(
    out: &mut [u8],
    start: usize,
    command: &'static str,
) -> Result<(), EncodeError> {
    let len = out.len() - start;
    let len32 = u32::try_from(len).map_err(|_| EncodeError {
        command,
        field: "command_length",
        problem: format!("{len} bytes does not fit in 32 bits"),
    })?;
    out[start..start + 4].copy_from_slice(&len32.to_be_bytes());
    Ok(())
}
