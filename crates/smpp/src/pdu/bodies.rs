//! The PDU bodies. Each body's fields are listed once, in wire order, with their codec
//! (`u8`, `cstr(max)` with `max` counting the NUL, `cstr_opt(max)` for a string a response may
//! omit, `short_message`, `tlvs`): [`body!`] defines the struct, its reader and its writer from
//! that one list, so decode and encode cannot disagree on order or limits.

use super::codec::{Reader, Writer};
use super::error::{DecodeError, EncodeError};
use crate::tlv::Tlvs;

/// The `interface_version` this client binds with (SMPP 3.4).
pub const INTERFACE_VERSION_34: u8 = 0x34;

/// Defines a body struct from its field list, with `read_from` and `write_to` that read and
/// write the fields in that order through the [`Reader`]/[`Writer`] method named by each
/// field's codec.
macro_rules! body {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident: $ty:ty = $codec:ident $(($($arg:expr),*))?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $ty,
            )*
        }

        impl $name {
            /// Reads the fields in wire order (struct literal fields are evaluated in order).
            pub(super) fn read_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok($name {
                    $($field: r.$codec(stringify!($field) $($(, $arg)*)?)?,)*
                })
            }

            /// Appends the fields in wire order.
            pub(super) fn write_to(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
                $(w.$codec(stringify!($field), &self.$field $($(, $arg)*)?)?;)*
                Ok(())
            }
        }
    };
}

body! {
    /// bind_transmitter / bind_receiver / bind_transceiver body.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Bind {
        /// Account name (max 15 characters).
        system_id: String = cstr(16),
        /// Password (max 8 characters).
        password: String = cstr(9),
        /// System type; the gateway wants `"smpp"`.
        system_type: String = cstr(13),
        /// Protocol version; 0x34 for SMPP 3.4.
        interface_version: u8 = u8,
        /// Type of number of `address_range`.
        addr_ton: u8 = u8,
        /// Numbering plan of `address_range`.
        addr_npi: u8 = u8,
        /// Addresses served (usually empty).
        address_range: String = cstr(41),
    }
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

body! {
    /// Response to any bind.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct BindResp {
        /// The SMSC's identifier.
        system_id: String = cstr_opt(16),
        /// Optional parameters (`sc_interface_version`).
        tlvs: Tlvs = tlvs,
    }
}

body! {
    /// outbind body (SMSC asks the ESME to bind).
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Outbind {
        /// The SMSC's identifier.
        system_id: String = cstr(16),
        /// Password.
        password: String = cstr(9),
    }
}

body! {
    /// submit_sm body; deliver_sm uses the same layout (see [`DeliverSm`]).
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct SubmitSm {
        /// Service type (max 5 characters; usually empty).
        service_type: String = cstr(6),
        /// Source type of number.
        source_addr_ton: u8 = u8,
        /// Source numbering plan.
        source_addr_npi: u8 = u8,
        /// Sender (max 20 characters).
        source_addr: String = cstr(21),
        /// Destination type of number.
        dest_addr_ton: u8 = u8,
        /// Destination numbering plan.
        dest_addr_npi: u8 = u8,
        /// Recipient (max 20 characters).
        destination_addr: String = cstr(21),
        /// Message mode/type; 0x40 = UDH present; 0x04 on deliver_sm = delivery receipt.
        esm_class: u8 = u8,
        /// Protocol identifier.
        protocol_id: u8 = u8,
        /// Priority.
        priority_flag: u8 = u8,
        /// Scheduled delivery time (empty = now).
        schedule_delivery_time: String = cstr(17),
        /// Validity period (empty = SMSC default).
        validity_period: String = cstr(17),
        /// 1 = ask for a delivery receipt.
        registered_delivery: u8 = u8,
        /// Replace-if-present flag.
        replace_if_present_flag: u8 = u8,
        /// 0 = GSM 03.38, 3 = Latin-1, 8 = UCS-2.
        data_coding: u8 = u8,
        /// Canned message id.
        sm_default_msg_id: u8 = u8,
        /// Message bytes (max 254; use the `message_payload` TLV for longer).
        short_message: Vec<u8> = short_message,
        /// Optional parameters.
        tlvs: Tlvs = tlvs,
    }
}

/// deliver_sm has exactly the submit_sm layout.
pub type DeliverSm = SubmitSm;

body! {
    /// Response carrying a message id: submit_sm_resp, deliver_sm_resp, data_sm_resp.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct MessageIdResp {
        /// The SMSC message id (empty in deliver_sm_resp and error responses).
        message_id: String = cstr_opt(65),
        /// Optional parameters (data_sm_resp).
        tlvs: Tlvs = tlvs,
    }
}

body! {
    /// data_sm body.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct DataSm {
        /// Service type.
        service_type: String = cstr(6),
        /// Source type of number.
        source_addr_ton: u8 = u8,
        /// Source numbering plan.
        source_addr_npi: u8 = u8,
        /// Sender (max 64 characters).
        source_addr: String = cstr(65),
        /// Destination type of number.
        dest_addr_ton: u8 = u8,
        /// Destination numbering plan.
        dest_addr_npi: u8 = u8,
        /// Recipient (max 64 characters).
        destination_addr: String = cstr(65),
        /// Message mode/type.
        esm_class: u8 = u8,
        /// 1 = ask for a delivery receipt.
        registered_delivery: u8 = u8,
        /// Data coding.
        data_coding: u8 = u8,
        /// Optional parameters (the text goes in `message_payload`).
        tlvs: Tlvs = tlvs,
    }
}

body! {
    /// query_sm body.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct QuerySm {
        /// Message to query.
        message_id: String = cstr(65),
        /// Source type of number of the original message.
        source_addr_ton: u8 = u8,
        /// Source numbering plan.
        source_addr_npi: u8 = u8,
        /// Source address of the original message.
        source_addr: String = cstr(21),
    }
}

body! {
    /// query_sm_resp body.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct QuerySmResp {
        /// Message queried.
        message_id: String = cstr(65),
        /// When it reached its final state.
        final_date: String = cstr(17),
        /// State (1 ENROUTE … 8 REJECTED).
        message_state: u8 = u8,
        /// Network error code.
        error_code: u8 = u8,
    }
}

body! {
    /// cancel_sm body.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct CancelSm {
        /// Service type.
        service_type: String = cstr(6),
        /// Message to cancel.
        message_id: String = cstr(65),
        /// Source type of number.
        source_addr_ton: u8 = u8,
        /// Source numbering plan.
        source_addr_npi: u8 = u8,
        /// Source address.
        source_addr: String = cstr(21),
        /// Destination type of number.
        dest_addr_ton: u8 = u8,
        /// Destination numbering plan.
        dest_addr_npi: u8 = u8,
        /// Destination address.
        destination_addr: String = cstr(21),
    }
}

body! {
    /// replace_sm body.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ReplaceSm {
        /// Message to replace.
        message_id: String = cstr(65),
        /// Source type of number.
        source_addr_ton: u8 = u8,
        /// Source numbering plan.
        source_addr_npi: u8 = u8,
        /// Source address.
        source_addr: String = cstr(21),
        /// New scheduled delivery time.
        schedule_delivery_time: String = cstr(17),
        /// New validity period.
        validity_period: String = cstr(17),
        /// Delivery receipt request.
        registered_delivery: u8 = u8,
        /// Canned message id.
        sm_default_msg_id: u8 = u8,
        /// New text.
        short_message: Vec<u8> = short_message,
    }
}

body! {
    /// alert_notification body.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct AlertNotification {
        /// Source type of number.
        source_addr_ton: u8 = u8,
        /// Source numbering plan.
        source_addr_npi: u8 = u8,
        /// Address of the subscriber now available.
        source_addr: String = cstr(65),
        /// ESME type of number.
        esme_addr_ton: u8 = u8,
        /// ESME numbering plan.
        esme_addr_npi: u8 = u8,
        /// ESME address.
        esme_addr: String = cstr(65),
        /// Optional parameters (`ms_availability_status`).
        tlvs: Tlvs = tlvs,
    }
}
