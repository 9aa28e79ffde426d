//! Command ids and names, and [`Body`]: one variant per command. The `commands!` table lists
//! each command once (variant, body type, id, name); the enum, the id and name lookups and
//! the dispatch to each body's reader and writer are generated from it.

use super::bodies::{
    AlertNotification, Bind, BindResp, CancelSm, DataSm, DeliverSm, MessageIdResp, Outbind,
    QuerySm, QuerySmResp, ReplaceSm, SubmitSm,
};
use super::codec::{Reader, Writer};
use super::error::{DecodeError, EncodeError};

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

/// Defines [`Body`], [`Body::command_id`], [`command_name`] and the body dispatch from one
/// line per command: `Variant(BodyType) = ID, "name";` (no body type for empty bodies).
macro_rules! commands {
    (@pattern $variant:ident $binding:ident) => { Body::$variant };
    (@pattern $variant:ident $binding:ident $body:ty) => { Body::$variant($binding) };
    (@read $reader:ident $variant:ident) => { Body::$variant };
    (@read $reader:ident $variant:ident $body:ty) => { Body::$variant(<$body>::read_from($reader)?) };
    (@write $writer:ident $binding:ident) => { Ok(()) };
    (@write $writer:ident $binding:ident $body:ty) => { $binding.write_to($writer) };
    ($(
        $(#[$doc:meta])*
        $variant:ident $(($body:ty))? = $id:ident, $name:literal;
    )*) => {
        /// The body of a PDU, one variant per command.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Body {
            $(
                $(#[$doc])*
                $variant $(($body))?,
            )*
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
                match self {
                    $(commands!(@pattern $variant _b $($body)?) => command_id::$id,)*
                    Body::Unknown { command_id, .. } => *command_id,
                }
            }

            /// Reads the body of command `id` with that command's layout; `None` for a command
            /// this codec does not model.
            pub(super) fn read_known(
                id: u32,
                reader: &mut Reader<'_>,
            ) -> Result<Option<Body>, DecodeError> {
                Ok(Some(match id {
                    $(command_id::$id => commands!(@read reader $variant $($body)?),)*
                    _ => return Ok(None),
                }))
            }

            /// Appends the fields of this body.
            pub(super) fn write_fields(&self, writer: &mut Writer<'_>) -> Result<(), EncodeError> {
                match self {
                    $(commands!(@pattern $variant fields $($body)?) => {
                        commands!(@write writer fields $($body)?)
                    })*
                    Body::Unknown { body, .. } => {
                        writer.out.extend_from_slice(body);
                        Ok(())
                    }
                }
            }
        }

        /// The SMPP name of a command id, or `"unknown"`.
        pub fn command_name(id: u32) -> &'static str {
            match id {
                $(command_id::$id => $name,)*
                _ => "unknown",
            }
        }
    };
}

commands! {
    /// generic_nack: a PDU was not understood (status says why).
    GenericNack = GENERIC_NACK, "generic_nack";
    /// bind_receiver.
    BindReceiver(Bind) = BIND_RECEIVER, "bind_receiver";
    /// bind_receiver_resp.
    BindReceiverResp(BindResp) = BIND_RECEIVER_RESP, "bind_receiver_resp";
    /// bind_transmitter.
    BindTransmitter(Bind) = BIND_TRANSMITTER, "bind_transmitter";
    /// bind_transmitter_resp.
    BindTransmitterResp(BindResp) = BIND_TRANSMITTER_RESP, "bind_transmitter_resp";
    /// bind_transceiver.
    BindTransceiver(Bind) = BIND_TRANSCEIVER, "bind_transceiver";
    /// bind_transceiver_resp.
    BindTransceiverResp(BindResp) = BIND_TRANSCEIVER_RESP, "bind_transceiver_resp";
    /// outbind: the SMSC asks the ESME to bind.
    Outbind(Outbind) = OUTBIND, "outbind";
    /// unbind.
    Unbind = UNBIND, "unbind";
    /// unbind_resp.
    UnbindResp = UNBIND_RESP, "unbind_resp";
    /// submit_sm.
    SubmitSm(SubmitSm) = SUBMIT_SM, "submit_sm";
    /// submit_sm_resp (carries the message id).
    SubmitSmResp(MessageIdResp) = SUBMIT_SM_RESP, "submit_sm_resp";
    /// deliver_sm: a delivery receipt or an MO message.
    DeliverSm(DeliverSm) = DELIVER_SM, "deliver_sm";
    /// deliver_sm_resp.
    DeliverSmResp(MessageIdResp) = DELIVER_SM_RESP, "deliver_sm_resp";
    /// data_sm.
    DataSm(DataSm) = DATA_SM, "data_sm";
    /// data_sm_resp.
    DataSmResp(MessageIdResp) = DATA_SM_RESP, "data_sm_resp";
    /// query_sm.
    QuerySm(QuerySm) = QUERY_SM, "query_sm";
    /// query_sm_resp.
    QuerySmResp(QuerySmResp) = QUERY_SM_RESP, "query_sm_resp";
    /// cancel_sm.
    CancelSm(CancelSm) = CANCEL_SM, "cancel_sm";
    /// cancel_sm_resp.
    CancelSmResp = CANCEL_SM_RESP, "cancel_sm_resp";
    /// replace_sm.
    ReplaceSm(ReplaceSm) = REPLACE_SM, "replace_sm";
    /// replace_sm_resp.
    ReplaceSmResp = REPLACE_SM_RESP, "replace_sm_resp";
    /// enquire_link (keepalive).
    EnquireLink = ENQUIRE_LINK, "enquire_link";
    /// enquire_link_resp.
    EnquireLinkResp = ENQUIRE_LINK_RESP, "enquire_link_resp";
    /// alert_notification.
    AlertNotification(AlertNotification) = ALERT_NOTIFICATION, "alert_notification";
}

impl Body {
    /// The SMPP name of this command (`"submit_sm"`).
    pub fn name(&self) -> &'static str {
        command_name(self.command_id())
    }

    /// Whether this is a response (high bit of command_id set).
    pub fn is_response(&self) -> bool {
        self.command_id() & 0x8000_0000 != 0
    }
}
