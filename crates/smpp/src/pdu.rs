//! The SMPP 3.4 PDU codec: every PDU an ESME sends or receives, and their responses.
//!
//! [`Pdu::decode`] never panics and never allocates more than the PDU it is given; a malformed
//! PDU is a [`DecodeError`] that names the command and the field. [`frame_length`] splits a byte
//! stream into PDUs and refuses absurd `command_length` values before anything is allocated.
//!
//! ```
//! use qikberry_smpp::pdu::{Body, Pdu, SubmitSm};
//!
//! let pdu = Pdu::request(7, Body::SubmitSm(SubmitSm {
//!     source_addr: "QIKBRY".into(),
//!     destination_addr: "919999999999".into(),
//!     short_message: b"hello".to_vec(),
//!     ..SubmitSm::default()
//! }));
//! let bytes = pdu.to_bytes().unwrap();
//! assert_eq!(Pdu::decode(&bytes).unwrap(), pdu);
//! ```

use super::status::CommandStatus;
use super::tlv::{Tlv, TlvKind, Tlvs, tag_kind, tag_name};
use std::fmt;

/// Length of the PDU header (command_length, command_id, command_status, sequence_number).
pub const HEADER_LEN: usize = 16;

/// The largest `command_length` accepted by default: 64 KiB of `message_payload` plus headroom.
/// Anything larger is treated as hostile and rejected before allocating.
pub const DEFAULT_MAX_COMMAND_LENGTH: u32 = 70_000;

/// The `interface_version` this client binds with (SMPP 3.4).
pub const INTERFACE_VERSION_34: u8 = 0x34;

/// Command ids, by SMPP name.
pub mod command_id {
    /// `generic_nack` (0x8000_0000).
    pub const GENERIC_NACK: u32 = 0x8000_0000;
    /// `bind_receiver` (0x0000_0001).
    pub const BIND_RECEIVER: u32 = 0x0000_0001;
    /// `bind_receiver_resp` (0x8000_0001).
    pub const BIND_RECEIVER_RESP: u32 = 0x8000_0001;
    /// `bind_transmitter` (0x0000_0002).
    pub const BIND_TRANSMITTER: u32 = 0x0000_0002;
    /// `bind_transmitter_resp` (0x8000_0002).
    pub const BIND_TRANSMITTER_RESP: u32 = 0x8000_0002;
    /// `query_sm` (0x0000_0003).
    pub const QUERY_SM: u32 = 0x0000_0003;
    /// `query_sm_resp` (0x8000_0003).
    pub const QUERY_SM_RESP: u32 = 0x8000_0003;
    /// `submit_sm` (0x0000_0004).
    pub const SUBMIT_SM: u32 = 0x0000_0004;
    /// `submit_sm_resp` (0x8000_0004).
    pub const SUBMIT_SM_RESP: u32 = 0x8000_0004;
    /// `deliver_sm` (0x0000_0005).
    pub const DELIVER_SM: u32 = 0x0000_0005;
    /// `deliver_sm_resp` (0x8000_0005).
    pub const DELIVER_SM_RESP: u32 = 0x8000_0005;
    /// `unbind` (0x0000_0006).
    pub const UNBIND: u32 = 0x0000_0006;
    /// `unbind_resp` (0x8000_0006).
    pub const UNBIND_RESP: u32 = 0x8000_0006;
    /// `replace_sm` (0x0000_0007).
    pub const REPLACE_SM: u32 = 0x0000_0007;
    /// `replace_sm_resp` (0x8000_0007).
    pub const REPLACE_SM_RESP: u32 = 0x8000_0007;
    /// `cancel_sm` (0x0000_0008).
    pub const CANCEL_SM: u32 = 0x0000_0008;
    /// `cancel_sm_resp` (0x8000_0008).
    pub const CANCEL_SM_RESP: u32 = 0x8000_0008;
    /// `bind_transceiver` (0x0000_0009).
    pub const BIND_TRANSCEIVER: u32 = 0x0000_0009;
    /// `bind_transceiver_resp` (0x8000_0009).
    pub const BIND_TRANSCEIVER_RESP: u32 = 0x8000_0009;
    /// `outbind` (0x0000_000B).
    pub const OUTBIND: u32 = 0x0000_000B;
    /// `enquire_link` (0x0000_0015).
    pub const ENQUIRE_LINK: u32 = 0x0000_0015;
    /// `enquire_link_resp` (0x8000_0015).
    pub const ENQUIRE_LINK_RESP: u32 = 0x8000_0015;
    /// `alert_notification` (0x0000_0102).
    pub const ALERT_NOTIFICATION: u32 = 0x0000_0102;
    /// `data_sm` (0x0000_0103).
    pub const DATA_SM: u32 = 0x0000_0103;
    /// `data_sm_resp` (0x8000_0103).
    pub const DATA_SM_RESP: u32 = 0x8000_0103;
}

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

/// bind_transmitter / bind_receiver / bind_transceiver body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    /// Account name (max 15 characters).
    pub system_id: String,
    /// Password (max 8 characters).
    pub password: String,
    /// System type; the gateway wants `"smpp"`.
    pub system_type: String,
    /// Protocol version; 0x34 for SMPP 3.4.
    pub interface_version: u8,
    /// Type of number of `address_range`.
    pub addr_ton: u8,
    /// Numbering plan of `address_range`.
    pub addr_npi: u8,
    /// Addresses served (usually empty).
    pub address_range: String,
}

impl Default for Bind {
    fn default() -> Self {
        Bind {
            system_id: String::new(),
            password: String::new(),
            system_type: "smpp".into(),
            interface_version: INTERFACE_VERSION_34,
            addr_ton: 0,
            addr_npi: 0,
            address_range: String::new(),
        }
    }
}

/// Response to any bind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BindResp {
    /// The SMSC's identifier.
    pub system_id: String,
    /// Optional parameters (`sc_interface_version`).
    pub tlvs: Tlvs,
}

/// outbind body (SMSC asks the ESME to bind).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbind {
    /// The SMSC's identifier.
    pub system_id: String,
    /// Password.
    pub password: String,
}

/// submit_sm body; deliver_sm uses the same layout (see [`DeliverSm`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitSm {
    /// Service type (max 5 characters; usually empty).
    pub service_type: String,
    /// Source type of number.
    pub source_addr_ton: u8,
    /// Source numbering plan.
    pub source_addr_npi: u8,
    /// Sender (max 20 characters).
    pub source_addr: String,
    /// Destination type of number.
    pub dest_addr_ton: u8,
    /// Destination numbering plan.
    pub dest_addr_npi: u8,
    /// Recipient (max 20 characters).
    pub destination_addr: String,
    /// Message mode/type; 0x40 = UDH present; 0x04 on deliver_sm = delivery receipt.
    pub esm_class: u8,
    /// Protocol identifier.
    pub protocol_id: u8,
    /// Priority.
    pub priority_flag: u8,
    /// Scheduled delivery time (empty = now).
    pub schedule_delivery_time: String,
    /// Validity period (empty = SMSC default).
    pub validity_period: String,
    /// 1 = ask for a delivery receipt.
    pub registered_delivery: u8,
    /// Replace-if-present flag.
    pub replace_if_present_flag: u8,
    /// 0 = GSM 03.38, 3 = Latin-1, 8 = UCS-2.
    pub data_coding: u8,
    /// Canned message id.
    pub sm_default_msg_id: u8,
    /// Message bytes (max 254; use the `message_payload` TLV for longer).
    pub short_message: Vec<u8>,
    /// Optional parameters.
    pub tlvs: Tlvs,
}

/// deliver_sm has exactly the submit_sm layout.
pub type DeliverSm = SubmitSm;

/// Response carrying a message id: submit_sm_resp, deliver_sm_resp, data_sm_resp.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageIdResp {
    /// The SMSC message id (empty in deliver_sm_resp and error responses).
    pub message_id: String,
    /// Optional parameters (data_sm_resp).
    pub tlvs: Tlvs,
}

/// data_sm body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataSm {
    /// Service type.
    pub service_type: String,
    /// Source type of number.
    pub source_addr_ton: u8,
    /// Source numbering plan.
    pub source_addr_npi: u8,
    /// Sender (max 64 characters).
    pub source_addr: String,
    /// Destination type of number.
    pub dest_addr_ton: u8,
    /// Destination numbering plan.
    pub dest_addr_npi: u8,
    /// Recipient (max 64 characters).
    pub destination_addr: String,
    /// Message mode/type.
    pub esm_class: u8,
    /// 1 = ask for a delivery receipt.
    pub registered_delivery: u8,
    /// Data coding.
    pub data_coding: u8,
    /// Optional parameters (the text goes in `message_payload`).
    pub tlvs: Tlvs,
}

/// query_sm body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuerySm {
    /// Message to query.
    pub message_id: String,
    /// Source type of number of the original message.
    pub source_addr_ton: u8,
    /// Source numbering plan.
    pub source_addr_npi: u8,
    /// Source address of the original message.
    pub source_addr: String,
}

/// query_sm_resp body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuerySmResp {
    /// Message queried.
    pub message_id: String,
    /// When it reached its final state.
    pub final_date: String,
    /// State (1 ENROUTE … 8 REJECTED).
    pub message_state: u8,
    /// Network error code.
    pub error_code: u8,
}

/// cancel_sm body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancelSm {
    /// Service type.
    pub service_type: String,
    /// Message to cancel.
    pub message_id: String,
    /// Source type of number.
    pub source_addr_ton: u8,
    /// Source numbering plan.
    pub source_addr_npi: u8,
    /// Source address.
    pub source_addr: String,
    /// Destination type of number.
    pub dest_addr_ton: u8,
    /// Destination numbering plan.
    pub dest_addr_npi: u8,
    /// Destination address.
    pub destination_addr: String,
}

/// replace_sm body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplaceSm {
    /// Message to replace.
    pub message_id: String,
    /// Source type of number.
    pub source_addr_ton: u8,
    /// Source numbering plan.
    pub source_addr_npi: u8,
    /// Source address.
    pub source_addr: String,
    /// New scheduled delivery time.
    pub schedule_delivery_time: String,
    /// New validity period.
    pub validity_period: String,
    /// Delivery receipt request.
    pub registered_delivery: u8,
    /// Canned message id.
    pub sm_default_msg_id: u8,
    /// New text.
    pub short_message: Vec<u8>,
}

/// alert_notification body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertNotification {
    /// Source type of number.
    pub source_addr_ton: u8,
    /// Source numbering plan.
    pub source_addr_npi: u8,
    /// Address of the subscriber now available.
    pub source_addr: String,
    /// ESME type of number.
    pub esme_addr_ton: u8,
    /// ESME numbering plan.
    pub esme_addr_npi: u8,
    /// ESME address.
    pub esme_addr: String,
    /// Optional parameters (`ms_availability_status`).
    pub tlvs: Tlvs,
}

/// The body of a PDU, one variant per command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// generic_nack: a PDU was not understood (status says why).
    GenericNack,
    /// bind_receiver.
    BindReceiver(Bind),
    /// bind_receiver_resp.
    BindReceiverResp(BindResp),
    /// bind_transmitter.
    BindTransmitter(Bind),
    /// bind_transmitter_resp.
    BindTransmitterResp(BindResp),
    /// bind_transceiver.
    BindTransceiver(Bind),
    /// bind_transceiver_resp.
    BindTransceiverResp(BindResp),
    /// outbind: the SMSC asks the ESME to bind.
    Outbind(Outbind),
    /// unbind.
    Unbind,
    /// unbind_resp.
    UnbindResp,
    /// submit_sm.
    SubmitSm(SubmitSm),
    /// submit_sm_resp (carries the message id).
    SubmitSmResp(MessageIdResp),
    /// deliver_sm: a delivery receipt or an MO message.
    DeliverSm(DeliverSm),
    /// deliver_sm_resp.
    DeliverSmResp(MessageIdResp),
    /// data_sm.
    DataSm(DataSm),
    /// data_sm_resp.
    DataSmResp(MessageIdResp),
    /// query_sm.
    QuerySm(QuerySm),
    /// query_sm_resp.
    QuerySmResp(QuerySmResp),
    /// cancel_sm.
    CancelSm(CancelSm),
    /// cancel_sm_resp.
    CancelSmResp,
    /// replace_sm.
    ReplaceSm(ReplaceSm),
    /// replace_sm_resp.
    ReplaceSmResp,
    /// enquire_link (keepalive).
    EnquireLink,
    /// enquire_link_resp.
    EnquireLinkResp,
    /// alert_notification.
    AlertNotification(AlertNotification),
    /// A command this codec does not model (e.g. submit_multi), kept raw.
    Unknown {
        /// Its command_id.
        command_id: u32,
        /// Its body bytes.
        body: Vec<u8>,
    },
}

impl Body {
    /// The command_id of this body.
    pub fn command_id(&self) -> u32 {
        use command_id as c;
        match self {
            Body::GenericNack => c::GENERIC_NACK,
            Body::BindReceiver(_) => c::BIND_RECEIVER,
            Body::BindReceiverResp(_) => c::BIND_RECEIVER_RESP,
            Body::BindTransmitter(_) => c::BIND_TRANSMITTER,
            Body::BindTransmitterResp(_) => c::BIND_TRANSMITTER_RESP,
            Body::BindTransceiver(_) => c::BIND_TRANSCEIVER,
            Body::BindTransceiverResp(_) => c::BIND_TRANSCEIVER_RESP,
            Body::Outbind(_) => c::OUTBIND,
            Body::Unbind => c::UNBIND,
            Body::UnbindResp => c::UNBIND_RESP,
            Body::SubmitSm(_) => c::SUBMIT_SM,
            Body::SubmitSmResp(_) => c::SUBMIT_SM_RESP,
            Body::DeliverSm(_) => c::DELIVER_SM,
            Body::DeliverSmResp(_) => c::DELIVER_SM_RESP,
            Body::DataSm(_) => c::DATA_SM,
            Body::DataSmResp(_) => c::DATA_SM_RESP,
            Body::QuerySm(_) => c::QUERY_SM,
            Body::QuerySmResp(_) => c::QUERY_SM_RESP,
            Body::CancelSm(_) => c::CANCEL_SM,
            Body::CancelSmResp => c::CANCEL_SM_RESP,
            Body::ReplaceSm(_) => c::REPLACE_SM,
            Body::ReplaceSmResp => c::REPLACE_SM_RESP,
            Body::EnquireLink => c::ENQUIRE_LINK,
            Body::EnquireLinkResp => c::ENQUIRE_LINK_RESP,
            Body::AlertNotification(_) => c::ALERT_NOTIFICATION,
            Body::Unknown { command_id, .. } => *command_id,
        }
    }

    /// The SMPP name of this command (`"submit_sm"`).
    pub fn name(&self) -> &'static str {
        command_name(self.command_id())
    }

    /// Whether this is a response (high bit of command_id set).
    pub fn is_response(&self) -> bool {
        self.command_id() & 0x8000_0000 != 0
    }
}

/// The SMPP name of a command id, or `"unknown"`.
pub fn command_name(id: u32) -> &'static str {
    use command_id as c;
    match id {
        c::GENERIC_NACK => "generic_nack",
        c::BIND_RECEIVER => "bind_receiver",
        c::BIND_RECEIVER_RESP => "bind_receiver_resp",
        c::BIND_TRANSMITTER => "bind_transmitter",
        c::BIND_TRANSMITTER_RESP => "bind_transmitter_resp",
        c::BIND_TRANSCEIVER => "bind_transceiver",
        c::BIND_TRANSCEIVER_RESP => "bind_transceiver_resp",
        c::OUTBIND => "outbind",
        c::UNBIND => "unbind",
        c::UNBIND_RESP => "unbind_resp",
        c::SUBMIT_SM => "submit_sm",
        c::SUBMIT_SM_RESP => "submit_sm_resp",
        c::DELIVER_SM => "deliver_sm",
        c::DELIVER_SM_RESP => "deliver_sm_resp",
        c::DATA_SM => "data_sm",
        c::DATA_SM_RESP => "data_sm_resp",
        c::QUERY_SM => "query_sm",
        c::QUERY_SM_RESP => "query_sm_resp",
        c::CANCEL_SM => "cancel_sm",
        c::CANCEL_SM_RESP => "cancel_sm_resp",
        c::REPLACE_SM => "replace_sm",
        c::REPLACE_SM_RESP => "replace_sm_resp",
        c::ENQUIRE_LINK => "enquire_link",
        c::ENQUIRE_LINK_RESP => "enquire_link_resp",
        c::ALERT_NOTIFICATION => "alert_notification",
        _ => "unknown",
    }
}

/// A whole PDU: header fields plus body (command_length is computed on encode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdu {
    /// command_status (always OK in requests).
    pub command_status: CommandStatus,
    /// sequence_number pairing a response with its request.
    pub sequence_number: u32,
    /// The command and its fields.
    pub body: Body,
}

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

// --- decoding -----------------------------------------------------------------------------

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    command: &'static str,
}

impl<'a> Reader<'a> {
    fn err(&self, field: impl Into<String>, problem: impl Into<String>) -> DecodeError {
        DecodeError {
            command: self.command,
            field: field.into(),
            problem: problem.into(),
        }
    }
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }
    fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.err(field, "truncated: PDU ends before this field")),
        }
    }
    fn take(&mut self, field: &str, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < n {
            return Err(self.err(
                field,
                format!("truncated: needs {n} bytes, {} left", self.remaining()),
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    /// A C-Octet String of at most `max` bytes including its NUL.
    fn cstr(&mut self, field: &'static str, max: usize) -> Result<String, DecodeError> {
        let rest = &self.buf[self.pos..];
        let window = &rest[..rest.len().min(max)];
        match window.iter().position(|&b| b == 0) {
            Some(i) => {
                let s = bytes_to_string(&window[..i]);
                self.pos += i + 1;
                Ok(s)
            }
            None if rest.len() < max => Err(self.err(field, "truncated: no terminating NUL")),
            None => Err(self.err(
                field,
                format!(
                    "longer than {} characters (no NUL within {max} bytes)",
                    max - 1
                ),
            )),
        }
    }
    /// Like `cstr` but an absent field (PDU already ended) reads as empty; used in responses.
    fn cstr_opt(&mut self, field: &'static str, max: usize) -> Result<String, DecodeError> {
        if self.at_end() {
            Ok(String::new())
        } else {
            self.cstr(field, max)
        }
    }
    fn tlvs(&mut self) -> Result<Tlvs, DecodeError> {
        let mut out = Vec::new();
        while !self.at_end() {
            let head = self.take("tlv header", 4)?;
            let tag = u16::from_be_bytes([head[0], head[1]]);
            let len = u16::from_be_bytes([head[2], head[3]]) as usize;
            let label = match tag_name(tag) {
                Some(n) => format!("tlv {n}"),
                None => format!("tlv 0x{tag:04X}"),
            };
            let value = self.take(&label, len)?;
            if let Some(TlvKind::Fixed(n)) = tag_kind(tag)
                && n as usize != len
            {
                return Err(self.err(label, format!("length {len}, expected {n}")));
            }
            out.push(Tlv {
                tag,
                value: value.to_vec(),
            });
        }
        Ok(Tlvs(out))
    }
    fn finish(&self) -> Result<(), DecodeError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.err(
                "body",
                format!("{} unexpected bytes after the last field", self.remaining()),
            ))
        }
    }
}

fn bytes_to_string(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        // Not UTF-8: read as Latin-1 so nothing is lost or rejected.
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

fn decode_bind(r: &mut Reader<'_>) -> Result<Bind, DecodeError> {
    Ok(Bind {
        system_id: r.cstr("system_id", 16)?,
        password: r.cstr("password", 9)?,
        system_type: r.cstr("system_type", 13)?,
        interface_version: r.u8("interface_version")?,
        addr_ton: r.u8("addr_ton")?,
        addr_npi: r.u8("addr_npi")?,
        address_range: r.cstr("address_range", 41)?,
    })
}

fn decode_sm(r: &mut Reader<'_>) -> Result<SubmitSm, DecodeError> {
    let service_type = r.cstr("service_type", 6)?;
    let source_addr_ton = r.u8("source_addr_ton")?;
    let source_addr_npi = r.u8("source_addr_npi")?;
    let source_addr = r.cstr("source_addr", 21)?;
    let dest_addr_ton = r.u8("dest_addr_ton")?;
    let dest_addr_npi = r.u8("dest_addr_npi")?;
    let destination_addr = r.cstr("destination_addr", 21)?;
    let esm_class = r.u8("esm_class")?;
    let protocol_id = r.u8("protocol_id")?;
    let priority_flag = r.u8("priority_flag")?;
    let schedule_delivery_time = r.cstr("schedule_delivery_time", 17)?;
    let validity_period = r.cstr("validity_period", 17)?;
    let registered_delivery = r.u8("registered_delivery")?;
    let replace_if_present_flag = r.u8("replace_if_present_flag")?;
    let data_coding = r.u8("data_coding")?;
    let sm_default_msg_id = r.u8("sm_default_msg_id")?;
    let sm_length = r.u8("sm_length")? as usize;
    let short_message = r.take("short_message", sm_length)?.to_vec();
    let tlvs = r.tlvs()?;
    Ok(SubmitSm {
        service_type,
        source_addr_ton,
        source_addr_npi,
        source_addr,
        dest_addr_ton,
        dest_addr_npi,
        destination_addr,
        esm_class,
        protocol_id,
        priority_flag,
        schedule_delivery_time,
        validity_period,
        registered_delivery,
        replace_if_present_flag,
        data_coding,
        sm_default_msg_id,
        short_message,
        tlvs,
    })
}

impl Pdu {
    /// A request PDU (command_status 0).
    pub fn request(sequence_number: u32, body: Body) -> Pdu {
        Pdu {
            command_status: CommandStatus::OK,
            sequence_number,
            body,
        }
    }

    /// A response PDU with the given status.
    pub fn response(sequence_number: u32, status: CommandStatus, body: Body) -> Pdu {
        Pdu {
            command_status: status,
            sequence_number,
            body,
        }
    }

    /// Decode exactly one PDU; `buf` must hold the whole PDU and nothing else (see
    /// [`frame_length`] to split a stream).
    pub fn decode(buf: &[u8]) -> Result<Pdu, DecodeError> {
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
        let id = word(4);
        let status = CommandStatus(word(8));
        let seq = word(12);
        let mut r = Reader {
            buf: &buf[HEADER_LEN..],
            pos: 0,
            command: command_name(id),
        };
        use command_id as c;
        // An error response may omit its body entirely (SMPP 3.4 §3.3).
        let empty_error_resp = id & 0x8000_0000 != 0 && !status.is_ok() && r.at_end();
        let body = match id {
            c::GENERIC_NACK => Body::GenericNack,
            c::BIND_RECEIVER | c::BIND_TRANSMITTER | c::BIND_TRANSCEIVER => {
                let b = decode_bind(&mut r)?;
                match id {
                    c::BIND_RECEIVER => Body::BindReceiver(b),
                    c::BIND_TRANSMITTER => Body::BindTransmitter(b),
                    _ => Body::BindTransceiver(b),
                }
            }
            c::BIND_RECEIVER_RESP | c::BIND_TRANSMITTER_RESP | c::BIND_TRANSCEIVER_RESP => {
                let b = BindResp {
                    system_id: r.cstr_opt("system_id", 16)?,
                    tlvs: r.tlvs()?,
                };
                match id {
                    c::BIND_RECEIVER_RESP => Body::BindReceiverResp(b),
                    c::BIND_TRANSMITTER_RESP => Body::BindTransmitterResp(b),
                    _ => Body::BindTransceiverResp(b),
                }
            }
            c::OUTBIND => Body::Outbind(Outbind {
                system_id: r.cstr("system_id", 16)?,
                password: r.cstr("password", 9)?,
            }),
            c::UNBIND => Body::Unbind,
            c::UNBIND_RESP => Body::UnbindResp,
            c::SUBMIT_SM => Body::SubmitSm(decode_sm(&mut r)?),
            c::DELIVER_SM => Body::DeliverSm(decode_sm(&mut r)?),
            c::SUBMIT_SM_RESP | c::DELIVER_SM_RESP | c::DATA_SM_RESP => {
                let m = MessageIdResp {
                    message_id: r.cstr_opt("message_id", 65)?,
                    tlvs: r.tlvs()?,
                };
                match id {
                    c::SUBMIT_SM_RESP => Body::SubmitSmResp(m),
                    c::DELIVER_SM_RESP => Body::DeliverSmResp(m),
                    _ => Body::DataSmResp(m),
                }
            }
            c::DATA_SM => Body::DataSm(DataSm {
                service_type: r.cstr("service_type", 6)?,
                source_addr_ton: r.u8("source_addr_ton")?,
                source_addr_npi: r.u8("source_addr_npi")?,
                source_addr: r.cstr("source_addr", 65)?,
                dest_addr_ton: r.u8("dest_addr_ton")?,
                dest_addr_npi: r.u8("dest_addr_npi")?,
                destination_addr: r.cstr("destination_addr", 65)?,
                esm_class: r.u8("esm_class")?,
                registered_delivery: r.u8("registered_delivery")?,
                data_coding: r.u8("data_coding")?,
                tlvs: r.tlvs()?,
            }),
            c::QUERY_SM => Body::QuerySm(QuerySm {
                message_id: r.cstr("message_id", 65)?,
                source_addr_ton: r.u8("source_addr_ton")?,
                source_addr_npi: r.u8("source_addr_npi")?,
                source_addr: r.cstr("source_addr", 21)?,
            }),
            c::QUERY_SM_RESP if empty_error_resp => Body::QuerySmResp(QuerySmResp::default()),
            c::QUERY_SM_RESP => Body::QuerySmResp(QuerySmResp {
                message_id: r.cstr("message_id", 65)?,
                final_date: r.cstr("final_date", 17)?,
                message_state: r.u8("message_state")?,
                error_code: r.u8("error_code")?,
            }),
            c::CANCEL_SM => Body::CancelSm(CancelSm {
                service_type: r.cstr("service_type", 6)?,
                message_id: r.cstr("message_id", 65)?,
                source_addr_ton: r.u8("source_addr_ton")?,
                source_addr_npi: r.u8("source_addr_npi")?,
                source_addr: r.cstr("source_addr", 21)?,
                dest_addr_ton: r.u8("dest_addr_ton")?,
                dest_addr_npi: r.u8("dest_addr_npi")?,
                destination_addr: r.cstr("destination_addr", 21)?,
            }),
            c::CANCEL_SM_RESP => Body::CancelSmResp,
            c::REPLACE_SM => {
                let message_id = r.cstr("message_id", 65)?;
                let source_addr_ton = r.u8("source_addr_ton")?;
                let source_addr_npi = r.u8("source_addr_npi")?;
                let source_addr = r.cstr("source_addr", 21)?;
                let schedule_delivery_time = r.cstr("schedule_delivery_time", 17)?;
                let validity_period = r.cstr("validity_period", 17)?;
                let registered_delivery = r.u8("registered_delivery")?;
                let sm_default_msg_id = r.u8("sm_default_msg_id")?;
                let sm_length = r.u8("sm_length")? as usize;
                let short_message = r.take("short_message", sm_length)?.to_vec();
                Body::ReplaceSm(ReplaceSm {
                    message_id,
                    source_addr_ton,
                    source_addr_npi,
                    source_addr,
                    schedule_delivery_time,
                    validity_period,
                    registered_delivery,
                    sm_default_msg_id,
                    short_message,
                })
            }
            c::REPLACE_SM_RESP => Body::ReplaceSmResp,
            c::ENQUIRE_LINK => Body::EnquireLink,
            c::ENQUIRE_LINK_RESP => Body::EnquireLinkResp,
            c::ALERT_NOTIFICATION => Body::AlertNotification(AlertNotification {
                source_addr_ton: r.u8("source_addr_ton")?,
                source_addr_npi: r.u8("source_addr_npi")?,
                source_addr: r.cstr("source_addr", 65)?,
                esme_addr_ton: r.u8("esme_addr_ton")?,
                esme_addr_npi: r.u8("esme_addr_npi")?,
                esme_addr: r.cstr("esme_addr", 65)?,
                tlvs: r.tlvs()?,
            }),
            other => {
                let body = r.take("body", r.remaining())?.to_vec();
                Body::Unknown {
                    command_id: other,
                    body,
                }
            }
        };
        r.finish()?;
        Ok(Pdu {
            command_status: status,
            sequence_number: seq,
            body,
        })
    }

    /// Encode into a fresh buffer.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(64);
        self.encode(&mut out)?;
        Ok(out)
    }

    /// Append the encoded PDU to `out`. On error `out` is left as it was.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        let r = self.encode_inner(out, start);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    fn encode_inner(&self, out: &mut Vec<u8>, start: usize) -> Result<(), EncodeError> {
        encode_parts(
            self.command_status,
            self.sequence_number,
            &self.body,
            out,
            start,
        )
    }
}

/// Append a PDU built from borrowed parts (no clone of the body); same as [`Pdu::encode`].
pub fn encode_borrowed(
    command_status: CommandStatus,
    sequence_number: u32,
    body: &Body,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let r = encode_parts(command_status, sequence_number, body, out, start);
    if r.is_err() {
        out.truncate(start);
    }
    r
}

fn encode_parts(
    command_status: CommandStatus,
    sequence_number: u32,
    body: &Body,
    out: &mut Vec<u8>,
    start: usize,
) -> Result<(), EncodeError> {
    {
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&body.command_id().to_be_bytes());
        out.extend_from_slice(&command_status.0.to_be_bytes());
        out.extend_from_slice(&sequence_number.to_be_bytes());
        let mut w = Writer {
            out,
            command: body.name(),
        };
        match body {
            Body::GenericNack
            | Body::Unbind
            | Body::UnbindResp
            | Body::CancelSmResp
            | Body::ReplaceSmResp
            | Body::EnquireLink
            | Body::EnquireLinkResp => {}
            Body::BindReceiver(b) | Body::BindTransmitter(b) | Body::BindTransceiver(b) => {
                w.cstr("system_id", &b.system_id, 16)?;
                w.cstr("password", &b.password, 9)?;
                w.cstr("system_type", &b.system_type, 13)?;
                w.u8(b.interface_version);
                w.u8(b.addr_ton);
                w.u8(b.addr_npi);
                w.cstr("address_range", &b.address_range, 41)?;
            }
            Body::BindReceiverResp(b)
            | Body::BindTransmitterResp(b)
            | Body::BindTransceiverResp(b) => {
                w.cstr("system_id", &b.system_id, 16)?;
                w.tlvs(&b.tlvs)?;
            }
            Body::Outbind(o) => {
                w.cstr("system_id", &o.system_id, 16)?;
                w.cstr("password", &o.password, 9)?;
            }
            Body::SubmitSm(s) | Body::DeliverSm(s) => {
                w.cstr("service_type", &s.service_type, 6)?;
                w.u8(s.source_addr_ton);
                w.u8(s.source_addr_npi);
                w.cstr("source_addr", &s.source_addr, 21)?;
                w.u8(s.dest_addr_ton);
                w.u8(s.dest_addr_npi);
                w.cstr("destination_addr", &s.destination_addr, 21)?;
                w.u8(s.esm_class);
                w.u8(s.protocol_id);
                w.u8(s.priority_flag);
                w.cstr("schedule_delivery_time", &s.schedule_delivery_time, 17)?;
                w.cstr("validity_period", &s.validity_period, 17)?;
                w.u8(s.registered_delivery);
                w.u8(s.replace_if_present_flag);
                w.u8(s.data_coding);
                w.u8(s.sm_default_msg_id);
                w.short_message(&s.short_message)?;
                w.tlvs(&s.tlvs)?;
            }
            Body::SubmitSmResp(m) | Body::DeliverSmResp(m) | Body::DataSmResp(m) => {
                // An error response carries no body unless it has something to say.
                if command_status.is_ok() || !m.message_id.is_empty() || !m.tlvs.is_empty() {
                    w.cstr("message_id", &m.message_id, 65)?;
                    w.tlvs(&m.tlvs)?;
                }
            }
            Body::DataSm(d) => {
                w.cstr("service_type", &d.service_type, 6)?;
                w.u8(d.source_addr_ton);
                w.u8(d.source_addr_npi);
                w.cstr("source_addr", &d.source_addr, 65)?;
                w.u8(d.dest_addr_ton);
                w.u8(d.dest_addr_npi);
                w.cstr("destination_addr", &d.destination_addr, 65)?;
                w.u8(d.esm_class);
                w.u8(d.registered_delivery);
                w.u8(d.data_coding);
                w.tlvs(&d.tlvs)?;
            }
            Body::QuerySm(q) => {
                w.cstr("message_id", &q.message_id, 65)?;
                w.u8(q.source_addr_ton);
                w.u8(q.source_addr_npi);
                w.cstr("source_addr", &q.source_addr, 21)?;
            }
            Body::QuerySmResp(q) => {
                if command_status.is_ok() || *q != QuerySmResp::default() {
                    w.cstr("message_id", &q.message_id, 65)?;
                    w.cstr("final_date", &q.final_date, 17)?;
                    w.u8(q.message_state);
                    w.u8(q.error_code);
                }
            }
            Body::CancelSm(c) => {
                w.cstr("service_type", &c.service_type, 6)?;
                w.cstr("message_id", &c.message_id, 65)?;
                w.u8(c.source_addr_ton);
                w.u8(c.source_addr_npi);
                w.cstr("source_addr", &c.source_addr, 21)?;
                w.u8(c.dest_addr_ton);
                w.u8(c.dest_addr_npi);
                w.cstr("destination_addr", &c.destination_addr, 21)?;
            }
            Body::ReplaceSm(r) => {
                w.cstr("message_id", &r.message_id, 65)?;
                w.u8(r.source_addr_ton);
                w.u8(r.source_addr_npi);
                w.cstr("source_addr", &r.source_addr, 21)?;
                w.cstr("schedule_delivery_time", &r.schedule_delivery_time, 17)?;
                w.cstr("validity_period", &r.validity_period, 17)?;
                w.u8(r.registered_delivery);
                w.u8(r.sm_default_msg_id);
                w.short_message(&r.short_message)?;
            }
            Body::AlertNotification(a) => {
                w.u8(a.source_addr_ton);
                w.u8(a.source_addr_npi);
                w.cstr("source_addr", &a.source_addr, 65)?;
                w.u8(a.esme_addr_ton);
                w.u8(a.esme_addr_npi);
                w.cstr("esme_addr", &a.esme_addr, 65)?;
                w.tlvs(&a.tlvs)?;
            }
            Body::Unknown { body, .. } => w.out.extend_from_slice(body),
        }
        let len = out.len() - start;
        let len32 = u32::try_from(len).map_err(|_| EncodeError {
            command: body.name(),
            field: "command_length",
            problem: format!("{len} bytes does not fit in 32 bits"),
        })?;
        out[start..start + 4].copy_from_slice(&len32.to_be_bytes());
        Ok(())
    }
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    command: &'static str,
}

impl Writer<'_> {
    fn err(&self, field: &'static str, problem: String) -> EncodeError {
        EncodeError {
            command: self.command,
            field,
            problem,
        }
    }
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn cstr(&mut self, field: &'static str, s: &str, max: usize) -> Result<(), EncodeError> {
        if s.len() >= max {
            return Err(self.err(
                field,
                format!("{} bytes, at most {} allowed", s.len(), max - 1),
            ));
        }
        if s.as_bytes().contains(&0) {
            return Err(self.err(field, "contains a NUL byte".into()));
        }
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(0);
        Ok(())
    }
    fn short_message(&mut self, m: &[u8]) -> Result<(), EncodeError> {
        let len = u8::try_from(m.len())
            .ok()
            .filter(|&l| l <= 254)
            .ok_or_else(|| {
                self.err(
                    "short_message",
                    format!("{} bytes, at most 254 (use message_payload)", m.len()),
                )
            })?;
        self.out.push(len);
        self.out.extend_from_slice(m);
        Ok(())
    }
    fn tlvs(&mut self, tlvs: &Tlvs) -> Result<(), EncodeError> {
        for t in tlvs.iter() {
            let len = u16::try_from(t.value.len()).map_err(|_| {
                self.err(
                    "tlv",
                    format!(
                        "tag 0x{:04X}: value of {} bytes exceeds 65535",
                        t.tag,
                        t.value.len()
                    ),
                )
            })?;
            self.out.extend_from_slice(&t.tag.to_be_bytes());
            self.out.extend_from_slice(&len.to_be_bytes());
            self.out.extend_from_slice(&t.value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlv::tag;

    fn submit() -> Pdu {
        let mut tlvs = Tlvs::new();
        tlvs.push(Tlv::cstr(tag::PE_ID, "1201159100000000001"));
        tlvs.push(Tlv::octets(0x7777, vec![1, 2, 3]));
        Pdu::request(
            42,
            Body::SubmitSm(SubmitSm {
                source_addr: "QIKBRY".into(),
                destination_addr: "919900000000".into(),
                registered_delivery: 1,
                short_message: b"hello world".to_vec(),
                tlvs,
                ..SubmitSm::default()
            }),
        )
    }

    #[test]
    fn submit_round_trip_and_unknown_tlv_kept() {
        let p = submit();
        let b = p.to_bytes().unwrap();
        assert_eq!(
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize,
            b.len()
        );
        let d = Pdu::decode(&b).unwrap();
        assert_eq!(d, p);
        let Body::SubmitSm(s) = d.body else { panic!() };
        assert_eq!(s.tlvs.get(0x7777).unwrap().value, vec![1, 2, 3]);
        assert_eq!(s.tlvs.get(tag::PE_ID).unwrap().name(), Some("pe_id"));
    }

    #[test]
    fn every_truncation_is_an_error_naming_a_field() {
        let b = submit().to_bytes().unwrap();
        let mut no_tlvs = submit();
        if let Body::SubmitSm(s) = &mut no_tlvs.body {
            s.tlvs = Tlvs::new();
        }
        let mandatory = no_tlvs.to_bytes().unwrap().len();
        let tlv1 = mandatory + 4 + 20;
        for cut in (0..b.len()).filter(|&c| c != mandatory && c != tlv1) {
            let mut t = b[..cut].to_vec();
            if t.len() >= 4 {
                t[..4].copy_from_slice(&(cut as u32).to_be_bytes());
            }
            let e = Pdu::decode(&t).unwrap_err();
            assert!(!e.field.is_empty(), "{e}");
        }
    }

    #[test]
    fn truncated_tlv_names_the_tlv() {
        let mut b = Pdu::response(
            1,
            CommandStatus::OK,
            Body::DataSmResp(MessageIdResp {
                message_id: "abc".into(),
                tlvs: Tlvs(vec![Tlv::cstr(tag::ADDITIONAL_STATUS_INFO_TEXT, "x")]),
            }),
        )
        .to_bytes()
        .unwrap();
        b.pop();
        let n = b.len() as u32;
        b[..4].copy_from_slice(&n.to_be_bytes());
        let e = Pdu::decode(&b).unwrap_err();
        assert_eq!(e.field, "tlv additional_status_info_text");
        // A fixed-size TLV with the wrong size is rejected too.
        let mut p = submit();
        if let Body::SubmitSm(s) = &mut p.body {
            s.tlvs.push(Tlv::octets(tag::MESSAGE_STATE, vec![1, 2]));
        }
        let e = Pdu::decode(&p.to_bytes().unwrap()).unwrap_err();
        assert_eq!(e.field, "tlv message_state");
    }

    #[test]
    fn absurd_command_length_rejected_before_allocation() {
        let b = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 4];
        let e = frame_length(&b, DEFAULT_MAX_COMMAND_LENGTH).unwrap_err();
        assert_eq!(e.field, "command_length");
        assert!(frame_length(&[0, 0, 0, 3], 1000).is_err());
        assert_eq!(frame_length(&[0, 0, 0, 16, 0], 1000).unwrap(), None);
    }

    #[test]
    fn error_response_without_body() {
        let b = [0, 0, 0, 16, 0x80, 0, 0, 4, 0, 0, 0, 0x58, 0, 0, 0, 9];
        let p = Pdu::decode(&b).unwrap();
        assert_eq!(p.command_status, CommandStatus::THROTTLED);
        assert_eq!(p.body, Body::SubmitSmResp(MessageIdResp::default()));
        assert_eq!(p.to_bytes().unwrap(), b.to_vec());
    }

    #[test]
    fn encode_rejects_long_fields() {
        let p = Pdu::request(
            1,
            Body::BindTransceiver(Bind {
                system_id: "x".repeat(16),
                ..Bind::default()
            }),
        );
        let e = p.to_bytes().unwrap_err();
        assert_eq!(e.field, "system_id");
    }
}
