//! Optional parameters (TLVs): the standard SMPP 3.4 tags by name, the gateway's DLT tags, and any
//! other tag kept as raw bytes.

/// Tag numbers of the optional parameters an ESME may meet, by their SMPP 3.4 names.
pub mod tag {
    /// `dest_addr_subunit` (0x0005).
    pub const DEST_ADDR_SUBUNIT: u16 = 0x0005;
    /// `dest_network_type` (0x0006).
    pub const DEST_NETWORK_TYPE: u16 = 0x0006;
    /// `dest_bearer_type` (0x0007).
    pub const DEST_BEARER_TYPE: u16 = 0x0007;
    /// `dest_telematics_id` (0x0008).
    pub const DEST_TELEMATICS_ID: u16 = 0x0008;
    /// `source_addr_subunit` (0x000D).
    pub const SOURCE_ADDR_SUBUNIT: u16 = 0x000D;
    /// `source_network_type` (0x000E).
    pub const SOURCE_NETWORK_TYPE: u16 = 0x000E;
    /// `source_bearer_type` (0x000F).
    pub const SOURCE_BEARER_TYPE: u16 = 0x000F;
    /// `source_telematics_id` (0x0010).
    pub const SOURCE_TELEMATICS_ID: u16 = 0x0010;
    /// `qos_time_to_live` (0x0017).
    pub const QOS_TIME_TO_LIVE: u16 = 0x0017;
    /// `payload_type` (0x0019).
    pub const PAYLOAD_TYPE: u16 = 0x0019;
    /// `additional_status_info_text` (0x001D).
    pub const ADDITIONAL_STATUS_INFO_TEXT: u16 = 0x001D;
    /// `receipted_message_id` (0x001E).
    pub const RECEIPTED_MESSAGE_ID: u16 = 0x001E;
    /// `ms_msg_wait_facilities` (0x0030).
    pub const MS_MSG_WAIT_FACILITIES: u16 = 0x0030;
    /// `privacy_indicator` (0x0201).
    pub const PRIVACY_INDICATOR: u16 = 0x0201;
    /// `source_subaddress` (0x0202).
    pub const SOURCE_SUBADDRESS: u16 = 0x0202;
    /// `dest_subaddress` (0x0203).
    pub const DEST_SUBADDRESS: u16 = 0x0203;
    /// `user_message_reference` (0x0204).
    pub const USER_MESSAGE_REFERENCE: u16 = 0x0204;
    /// `user_response_code` (0x0205).
    pub const USER_RESPONSE_CODE: u16 = 0x0205;
    /// `source_port` (0x020A).
    pub const SOURCE_PORT: u16 = 0x020A;
    /// `destination_port` (0x020B).
    pub const DESTINATION_PORT: u16 = 0x020B;
    /// `sar_msg_ref_num` (0x020C).
    pub const SAR_MSG_REF_NUM: u16 = 0x020C;
    /// `language_indicator` (0x020D).
    pub const LANGUAGE_INDICATOR: u16 = 0x020D;
    /// `sar_total_segments` (0x020E).
    pub const SAR_TOTAL_SEGMENTS: u16 = 0x020E;
    /// `sar_segment_seqnum` (0x020F).
    pub const SAR_SEGMENT_SEQNUM: u16 = 0x020F;
    /// `sc_interface_version` (0x0210).
    pub const SC_INTERFACE_VERSION: u16 = 0x0210;
    /// `callback_num_pres_ind` (0x0302).
    pub const CALLBACK_NUM_PRES_IND: u16 = 0x0302;
    /// `callback_num_atag` (0x0303).
    pub const CALLBACK_NUM_ATAG: u16 = 0x0303;
    /// `number_of_messages` (0x0304).
    pub const NUMBER_OF_MESSAGES: u16 = 0x0304;
    /// `callback_num` (0x0381).
    pub const CALLBACK_NUM: u16 = 0x0381;
    /// `dpf_result` (0x0420).
    pub const DPF_RESULT: u16 = 0x0420;
    /// `set_dpf` (0x0421).
    pub const SET_DPF: u16 = 0x0421;
    /// `ms_availability_status` (0x0422).
    pub const MS_AVAILABILITY_STATUS: u16 = 0x0422;
    /// `network_error_code` (0x0423).
    pub const NETWORK_ERROR_CODE: u16 = 0x0423;
    /// `message_payload` (0x0424).
    pub const MESSAGE_PAYLOAD: u16 = 0x0424;
    /// `delivery_failure_reason` (0x0425).
    pub const DELIVERY_FAILURE_REASON: u16 = 0x0425;
    /// `more_messages_to_send` (0x0426).
    pub const MORE_MESSAGES_TO_SEND: u16 = 0x0426;
    /// `message_state` (0x0427).
    pub const MESSAGE_STATE: u16 = 0x0427;
    /// `ussd_service_op` (0x0501).
    pub const USSD_SERVICE_OP: u16 = 0x0501;
    /// `display_time` (0x1201).
    pub const DISPLAY_TIME: u16 = 0x1201;
    /// `sms_signal` (0x1203).
    pub const SMS_SIGNAL: u16 = 0x1203;
    /// `ms_validity` (0x1204).
    pub const MS_VALIDITY: u16 = 0x1204;
    /// `alert_on_message_delivery` (0x130C).
    pub const ALERT_ON_MESSAGE_DELIVERY: u16 = 0x130C;
    /// `its_reply_type` (0x1380).
    pub const ITS_REPLY_TYPE: u16 = 0x1380;
    /// `its_session_info` (0x1383).
    pub const ITS_SESSION_INFO: u16 = 0x1383;
    /// India DLT principal entity id (gateway vendor TLV, C-string).
    pub const PE_ID: u16 = 0x1400;
    /// India DLT content template id (gateway vendor TLV, C-string).
    pub const TEMPLATE_ID: u16 = 0x1401;
    /// India DLT telemarketer id (gateway vendor TLV, C-string). The reference's decimal column
    /// prints 51212 for this tag; its hex column, 0x1402 (= 5122), is the one that follows the
    /// 0x1400/0x1401 sequence and is used here.
    pub const TM_ID: u16 = 0x1402;
}

/// How the value of a known TLV is laid out; used to reject malformed values at decode time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlvKind {
    /// Exactly this many bytes (an integer or a fixed structure).
    Fixed(u16),
    /// A NUL-terminated string (the NUL is optional on input).
    CString,
    /// Opaque bytes of any length.
    Octets,
}

/// Every tag this codec knows by name: `(tag, name, kind)`.
pub const TLV_TABLE: &[(u16, &str, TlvKind)] = {
    use TlvKind::*;
    use tag::*;
    &[
        (DEST_ADDR_SUBUNIT, "dest_addr_subunit", Fixed(1)),
        (DEST_NETWORK_TYPE, "dest_network_type", Fixed(1)),
        (DEST_BEARER_TYPE, "dest_bearer_type", Fixed(1)),
        (DEST_TELEMATICS_ID, "dest_telematics_id", Fixed(2)),
        (SOURCE_ADDR_SUBUNIT, "source_addr_subunit", Fixed(1)),
        (SOURCE_NETWORK_TYPE, "source_network_type", Fixed(1)),
        (SOURCE_BEARER_TYPE, "source_bearer_type", Fixed(1)),
        (SOURCE_TELEMATICS_ID, "source_telematics_id", Fixed(1)),
        (QOS_TIME_TO_LIVE, "qos_time_to_live", Fixed(4)),
        (PAYLOAD_TYPE, "payload_type", Fixed(1)),
        (
            ADDITIONAL_STATUS_INFO_TEXT,
            "additional_status_info_text",
            CString,
        ),
        (RECEIPTED_MESSAGE_ID, "receipted_message_id", CString),
        (MS_MSG_WAIT_FACILITIES, "ms_msg_wait_facilities", Fixed(1)),
        (PRIVACY_INDICATOR, "privacy_indicator", Fixed(1)),
        (SOURCE_SUBADDRESS, "source_subaddress", Octets),
        (DEST_SUBADDRESS, "dest_subaddress", Octets),
        (USER_MESSAGE_REFERENCE, "user_message_reference", Fixed(2)),
        (USER_RESPONSE_CODE, "user_response_code", Fixed(1)),
        (SOURCE_PORT, "source_port", Fixed(2)),
        (DESTINATION_PORT, "destination_port", Fixed(2)),
        (SAR_MSG_REF_NUM, "sar_msg_ref_num", Fixed(2)),
        (LANGUAGE_INDICATOR, "language_indicator", Fixed(1)),
        (SAR_TOTAL_SEGMENTS, "sar_total_segments", Fixed(1)),
        (SAR_SEGMENT_SEQNUM, "sar_segment_seqnum", Fixed(1)),
        (SC_INTERFACE_VERSION, "sc_interface_version", Fixed(1)),
        (CALLBACK_NUM_PRES_IND, "callback_num_pres_ind", Fixed(1)),
        (CALLBACK_NUM_ATAG, "callback_num_atag", Octets),
        (NUMBER_OF_MESSAGES, "number_of_messages", Fixed(1)),
        (CALLBACK_NUM, "callback_num", Octets),
        (DPF_RESULT, "dpf_result", Fixed(1)),
        (SET_DPF, "set_dpf", Fixed(1)),
        (MS_AVAILABILITY_STATUS, "ms_availability_status", Fixed(1)),
        (NETWORK_ERROR_CODE, "network_error_code", Fixed(3)),
        (MESSAGE_PAYLOAD, "message_payload", Octets),
        (DELIVERY_FAILURE_REASON, "delivery_failure_reason", Fixed(1)),
        (MORE_MESSAGES_TO_SEND, "more_messages_to_send", Fixed(1)),
        (MESSAGE_STATE, "message_state", Fixed(1)),
        (USSD_SERVICE_OP, "ussd_service_op", Fixed(1)),
        (DISPLAY_TIME, "display_time", Fixed(1)),
        (SMS_SIGNAL, "sms_signal", Fixed(2)),
        (MS_VALIDITY, "ms_validity", Fixed(1)),
        (
            ALERT_ON_MESSAGE_DELIVERY,
            "alert_on_message_delivery",
            Fixed(0),
        ),
        (ITS_REPLY_TYPE, "its_reply_type", Fixed(1)),
        (ITS_SESSION_INFO, "its_session_info", Fixed(2)),
        (PE_ID, "pe_id", CString),
        (TEMPLATE_ID, "template_id", CString),
        (TM_ID, "tm_id", CString),
    ]
};

/// The name of a known tag (`"receipted_message_id"`), if any.
pub fn tag_name(tag: u16) -> Option<&'static str> {
    TLV_TABLE.iter().find(|e| e.0 == tag).map(|e| e.1)
}

/// The value layout of a known tag, if any.
pub fn tag_kind(tag: u16) -> Option<TlvKind> {
    TLV_TABLE.iter().find(|e| e.0 == tag).map(|e| e.2)
}

/// One optional parameter: a tag and its raw value bytes.
///
/// Known tags are validated on decode (fixed-size values must have their size) and have typed
/// accessors on [`Tlvs`]; unknown tags are carried through unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// The tag (see [`tag`]).
    pub tag: u16,
    /// The value bytes as they appear on the wire (C-strings include their NUL).
    pub value: Vec<u8>,
}

impl Tlv {
    /// A one-byte TLV.
    pub fn u8(tag: u16, v: u8) -> Tlv {
        Tlv {
            tag,
            value: vec![v],
        }
    }
    /// A two-byte big-endian TLV.
    pub fn u16(tag: u16, v: u16) -> Tlv {
        Tlv {
            tag,
            value: v.to_be_bytes().to_vec(),
        }
    }
    /// A four-byte big-endian TLV.
    pub fn u32(tag: u16, v: u32) -> Tlv {
        Tlv {
            tag,
            value: v.to_be_bytes().to_vec(),
        }
    }
    /// A C-string TLV (a NUL is appended).
    pub fn cstr(tag: u16, s: &str) -> Tlv {
        let mut value = Vec::with_capacity(s.len() + 1);
        value.extend_from_slice(s.as_bytes());
        value.push(0);
        Tlv { tag, value }
    }
    /// Opaque bytes.
    pub fn octets(tag: u16, v: impl Into<Vec<u8>>) -> Tlv {
        Tlv {
            tag,
            value: v.into(),
        }
    }
    /// The SMPP name of the tag, when it is a known one.
    pub fn name(&self) -> Option<&'static str> {
        tag_name(self.tag)
    }
    /// The value as an unsigned integer (1, 2 or 4 bytes, big-endian).
    pub fn as_uint(&self) -> Option<u32> {
        match self.value.len() {
            1 => Some(u32::from(self.value[0])),
            2 => Some(u32::from(u16::from_be_bytes([
                self.value[0],
                self.value[1],
            ]))),
            4 => Some(u32::from_be_bytes([
                self.value[0],
                self.value[1],
                self.value[2],
                self.value[3],
            ])),
            _ => None,
        }
    }
    /// The value as text, without a trailing NUL (lossy for non-UTF-8 bytes).
    pub fn as_str(&self) -> String {
        let v = match self.value.iter().position(|&b| b == 0) {
            Some(i) => &self.value[..i],
            None => &self.value[..],
        };
        String::from_utf8_lossy(v).into_owned()
    }
}

/// The optional parameters of one PDU, in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tlvs(pub Vec<Tlv>);

impl Tlvs {
    /// No TLVs.
    pub fn new() -> Self {
        Tlvs(Vec::new())
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The first TLV with this tag.
    pub fn get(&self, tag: u16) -> Option<&Tlv> {
        self.0.iter().find(|t| t.tag == tag)
    }
    /// Replace any TLV with this tag by `tlv`, or append it.
    pub fn set(&mut self, tlv: Tlv) {
        match self.0.iter_mut().find(|t| t.tag == tlv.tag) {
            Some(slot) => *slot = tlv,
            None => self.0.push(tlv),
        }
    }
    /// Append a TLV (duplicates allowed).
    pub fn push(&mut self, tlv: Tlv) {
        self.0.push(tlv);
    }
    /// `receipted_message_id` (0x001E).
    pub fn receipted_message_id(&self) -> Option<String> {
        self.get(tag::RECEIPTED_MESSAGE_ID).map(Tlv::as_str)
    }
    /// `message_state` (0x0427).
    pub fn message_state(&self) -> Option<u8> {
        self.get(tag::MESSAGE_STATE)
            .and_then(|t| t.value.first().copied())
    }
    /// `message_payload` (0x0424).
    pub fn message_payload(&self) -> Option<&[u8]> {
        self.get(tag::MESSAGE_PAYLOAD).map(|t| &t.value[..])
    }
    /// `network_error_code` (0x0423): `(network_type, error_code)`.
    pub fn network_error_code(&self) -> Option<(u8, u16)> {
        self.get(tag::NETWORK_ERROR_CODE)
            .and_then(|t| match t.value[..] {
                [ty, hi, lo] => Some((ty, u16::from_be_bytes([hi, lo]))),
                _ => None,
            })
    }
    /// `sc_interface_version` (0x0210), as reported in a bind response.
    pub fn sc_interface_version(&self) -> Option<u8> {
        self.get(tag::SC_INTERFACE_VERSION)
            .and_then(|t| t.value.first().copied())
    }
    /// Iterate over the TLVs.
    pub fn iter(&self) -> std::slice::Iter<'_, Tlv> {
        self.0.iter()
    }
}
