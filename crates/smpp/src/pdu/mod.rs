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

mod bodies;
mod codec;
mod command;
mod error;
mod header;

pub use bodies::{
    AlertNotification, Bind, BindResp, CancelSm, DataSm, DeliverSm, INTERFACE_VERSION_34,
    MessageIdResp, Outbind, QuerySm, QuerySmResp, ReplaceSm, SubmitSm,
};
pub use command::{Body, command_id, command_name};
pub use error::{DecodeError, EncodeError};
pub use header::{DEFAULT_MAX_COMMAND_LENGTH, HEADER_LEN, frame_length};

use crate::status::CommandStatus;
use codec::{Reader, Writer};

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
        let head = header::read(buf)?;
        let (id, status) = (head.command_id, head.command_status);
        let mut r = Reader::new(&buf[HEADER_LEN..], command_name(id));
        // An error response may omit its body entirely (SMPP 3.4 §3.3); only query_sm_resp's
        // reader would refuse that (the others read absent strings and TLVs as empty).
        let empty_error_resp = id & 0x8000_0000 != 0 && !status.is_ok() && r.at_end();
        let body = if id == command_id::QUERY_SM_RESP && empty_error_resp {
            Body::QuerySmResp(QuerySmResp::default())
        } else if let Some(body) = Body::read_known(id, &mut r)? {
            body
        } else {
            Body::Unknown {
                command_id: id,
                body: r.take("body", r.remaining())?.to_vec(),
            }
        };
        r.finish()?;
        Ok(Pdu {
            command_status: status,
            sequence_number: head.sequence_number,
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
        encode_borrowed(self.command_status, self.sequence_number, &self.body, out)
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
    header::write(out, body.command_id(), command_status, sequence_number);
    let mut w = Writer {
        out,
        command: body.name(),
    };
    // An error response carries no body unless it has something to say.
    let header_only = !command_status.is_ok()
        && match body {
            Body::SubmitSmResp(m) | Body::DeliverSmResp(m) | Body::DataSmResp(m) => {
                *m == MessageIdResp::default()
            }
            Body::QuerySmResp(q) => *q == QuerySmResp::default(),
            _ => false,
        };
    if !header_only {
        body.write_fields(&mut w)?;
    }
    header::set_length(out, start, body.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlv::{Tlv, Tlvs, tag};

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
