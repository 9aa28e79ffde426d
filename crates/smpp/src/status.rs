//! SMPP `command_status` values, with the names and descriptions from the gateway reference.

use std::fmt;

/// A `command_status` value from a response PDU.
///
/// Known codes carry the name and description from the gateway's status table
/// (see [`CommandStatus::name`] / [`CommandStatus::description`]); any other code is kept as-is and
/// reported as `UNKNOWN(0x...)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandStatus(pub u32);

/// `(code, name, description)` for every status the gateway documents.
///
/// Two names differ from the reference's spelling, which has typos: `ESME_RMSGQFUL` (the
/// reference prints `ESME_RMSSQFUL`) and `ESME_RINVDSTADDRSUBUNIT` (printed
/// `ESME_RINVSTDADDRSUBUNIR`); the codes are the same.
pub const STATUS_TABLE: &[(u32, &str, &str)] = &[
    (0x0000_0000, "ESME_ROK", "No error"),
    (0x0000_0001, "ESME_RINVMSGLEN", "Message too long"),
    (0x0000_0002, "ESME_RINVCMDLEN", "Command length is invalid"),
    (
        0x0000_0003,
        "ESME_RINVCMDID",
        "Command ID is invalid or not supported",
    ),
    (
        0x0000_0004,
        "ESME_RINVBNDSTS",
        "Incorrect bind status for the given command",
    ),
    (0x0000_0005, "ESME_RALYBND", "Already bound"),
    (0x0000_0006, "ESME_RINVPRTFLG", "Invalid priority flag"),
    (
        0x0000_0007,
        "ESME_RINVREGDLVFLG",
        "Invalid registered delivery flag",
    ),
    (0x0000_0008, "ESME_RSYSERR", "System error"),
    (0x0000_000A, "ESME_RINVSRCADR", "Invalid source address"),
    (
        0x0000_000B,
        "ESME_RINVDSTADR",
        "Invalid destination address",
    ),
    (0x0000_000C, "ESME_RINVMSGID", "Message ID is invalid"),
    (0x0000_000D, "ESME_RBINDFAIL", "Bind failed"),
    (0x0000_000E, "ESME_RINVPASWD", "Invalid password"),
    (0x0000_000F, "ESME_RINVSYSID", "Invalid system ID"),
    (
        0x0000_0011,
        "ESME_RCANCELFAIL",
        "Cancelling the message failed",
    ),
    (
        0x0000_0013,
        "ESME_RREPLACEFAIL",
        "Replacing the message failed",
    ),
    (0x0000_0014, "ESME_RMSGQFUL", "Message queue is full"),
    (0x0000_0015, "ESME_RINVSERTYP", "Invalid service type"),
    (
        0x0000_0033,
        "ESME_RINVNUMDESTS",
        "Invalid number of destinations",
    ),
    (
        0x0000_0034,
        "ESME_RINVDLNAME",
        "Invalid distribution list name",
    ),
    (0x0000_0040, "ESME_RINVDESTFLAG", "Invalid destination flag"),
    (
        0x0000_0042,
        "ESME_RINVSUBREP",
        "Invalid submit-with-replace request",
    ),
    (0x0000_0043, "ESME_RINVESMCLASS", "Invalid esm_class"),
    (
        0x0000_0044,
        "ESME_RCNTSUBDL",
        "Cannot submit to a distribution list",
    ),
    (
        0x0000_0045,
        "ESME_RSUBMITFAIL",
        "Submitting the message failed",
    ),
    (
        0x0000_0048,
        "ESME_RINVSRCTON",
        "Invalid source address type of number (TON)",
    ),
    (
        0x0000_0049,
        "ESME_RINVSRCNPI",
        "Invalid source address numbering plan (NPI)",
    ),
    (
        0x0000_0050,
        "ESME_RINVDSTTON",
        "Invalid destination address type of number (TON)",
    ),
    (
        0x0000_0051,
        "ESME_RINVDSTNPI",
        "Invalid destination address numbering plan (NPI)",
    ),
    (0x0000_0053, "ESME_RINVSYSTYP", "Invalid system type"),
    (
        0x0000_0054,
        "ESME_RINVREPFLAG",
        "Invalid replace_if_present flag",
    ),
    (
        0x0000_0055,
        "ESME_RINVNUMMSGS",
        "Invalid number of messages",
    ),
    (
        0x0000_0058,
        "ESME_RTHROTTLED",
        "Throttling error: the sender exceeded the allowed rate",
    ),
    (
        0x0000_0061,
        "ESME_RINVSCHED",
        "Invalid scheduled delivery time",
    ),
    (0x0000_0062, "ESME_RINVEXPIRY", "Invalid validity period"),
    (
        0x0000_0063,
        "ESME_RINVDFTMSGID",
        "Predefined message not found",
    ),
    (
        0x0000_0064,
        "ESME_RX_T_APPN",
        "ESME receiver temporary error",
    ),
    (
        0x0000_0065,
        "ESME_RX_P_APPN",
        "ESME receiver permanent error",
    ),
    (
        0x0000_0066,
        "ESME_RX_R_APPN",
        "ESME receiver rejected the message",
    ),
    (0x0000_0067, "ESME_RQUERYFAIL", "Query request failed"),
    (
        0x0000_00C0,
        "ESME_RINVTLVSTREAM",
        "Error in the optional (TLV) part of the PDU body",
    ),
    (0x0000_00C1, "ESME_RTLVNOTALLWD", "TLV not allowed"),
    (0x0000_00C2, "ESME_RINVTLVLEN", "Invalid TLV length"),
    (0x0000_00C3, "ESME_RMISSINGTLV", "Expected TLV missing"),
    (0x0000_00C4, "ESME_RINVTLVVAL", "Invalid TLV value"),
    (
        0x0000_00FE,
        "ESME_RDELIVERYFAILURE",
        "Transaction delivery failure",
    ),
    (0x0000_00FF, "ESME_RUNKNOWNERR", "Unknown error"),
    (
        0x0000_0100,
        "ESME_RSERTYPUNAUTH",
        "ESME not authorised to use the service type",
    ),
    (
        0x0000_0101,
        "ESME_RPROHIBITED",
        "ESME prohibited from using the operation",
    ),
    (
        0x0000_0102,
        "ESME_RSERTYPUNAVAIL",
        "Service type unavailable",
    ),
    (0x0000_0103, "ESME_RSERTYPDENIED", "Service type denied"),
    (0x0000_0104, "ESME_RINVDCS", "Invalid data coding scheme"),
    (
        0x0000_0105,
        "ESME_RINVSRCADDRSUBUNIT",
        "Invalid source address subunit",
    ),
    (
        0x0000_0106,
        "ESME_RINVDSTADDRSUBUNIT",
        "Invalid destination address subunit",
    ),
    (
        0x0000_040B,
        "ESME_RINVBALANCE",
        "Insufficient credits to send the message",
    ),
];

impl CommandStatus {
    /// `ESME_ROK`.
    pub const OK: CommandStatus = CommandStatus(0x00);
    /// `ESME_RINVCMDLEN`: command_length invalid.
    pub const INVALID_COMMAND_LENGTH: CommandStatus = CommandStatus(0x02);
    /// `ESME_RINVCMDID`: command_id invalid or unsupported.
    pub const INVALID_COMMAND_ID: CommandStatus = CommandStatus(0x03);
    /// `ESME_RSYSERR`: system error.
    pub const SYSTEM_ERROR: CommandStatus = CommandStatus(0x08);
    /// `ESME_RMSGQFUL`: the SMSC's queue is full (message not accepted).
    pub const MESSAGE_QUEUE_FULL: CommandStatus = CommandStatus(0x14);
    /// `ESME_RTHROTTLED`: rate exceeded (message not accepted).
    pub const THROTTLED: CommandStatus = CommandStatus(0x58);
    /// `ESME_RINVTLVSTREAM`: malformed TLV part.
    pub const INVALID_TLV_STREAM: CommandStatus = CommandStatus(0xC0);
    /// `ESME_RX_T_APPN`: the receiving ESME had a temporary error.
    pub const RECEIVER_TEMPORARY_ERROR: CommandStatus = CommandStatus(0x64);
    /// `ESME_RINVBALANCE` (vendor code 0x40B): insufficient credits.
    pub const INSUFFICIENT_CREDITS: CommandStatus = CommandStatus(0x40B);

    fn entry(self) -> Option<&'static (u32, &'static str, &'static str)> {
        STATUS_TABLE.iter().find(|e| e.0 == self.0)
    }

    /// The symbolic name (`ESME_RTHROTTLED`), or `UNKNOWN` for a code outside the table.
    pub fn name(self) -> &'static str {
        self.entry().map_or("UNKNOWN", |e| e.1)
    }

    /// The human description from the table, or `"Status code not in the gateway's table"`.
    pub fn description(self) -> &'static str {
        self.entry()
            .map_or("Status code not in the gateway's table", |e| e.2)
    }

    /// Whether this is `ESME_ROK`.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// Whether the SMSC rejected the message only because of load (`ESME_RTHROTTLED` or
    /// `ESME_RMSGQFUL`). These mean the message was *not* accepted, so resubmitting it cannot
    /// create a duplicate.
    pub fn is_transient_rejection(self) -> bool {
        self == Self::THROTTLED || self == Self::MESSAGE_QUEUE_FULL
    }
}

impl fmt::Debug for CommandStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(0x{:08X})", self.name(), self.0)
    }
}

impl fmt::Display for CommandStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (0x{:08X}): {}",
            self.name(),
            self.0,
            self.description()
        )
    }
}

impl From<u32> for CommandStatus {
    fn from(v: u32) -> Self {
        CommandStatus(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_descriptions() {
        assert_eq!(CommandStatus(0x58).name(), "ESME_RTHROTTLED");
        assert_eq!(CommandStatus(0x40B).name(), "ESME_RINVBALANCE");
        assert!(CommandStatus(0x40B).description().contains("credits"));
        assert_eq!(CommandStatus(0x1234).name(), "UNKNOWN");
        assert!(CommandStatus(0x14).is_transient_rejection());
        assert!(!CommandStatus(0x45).is_transient_rejection());
        let mut codes: Vec<u32> = STATUS_TABLE.iter().map(|e| e.0).collect();
        codes.dedup();
        assert_eq!(codes.len(), STATUS_TABLE.len());
    }
}
