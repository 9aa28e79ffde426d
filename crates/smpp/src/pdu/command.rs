//! Command ids and names, and [`Body`]: one variant per command.

use super::bodies::{
    AlertNotification, Bind, BindResp, CancelSm, DataSm, DeliverSm, MessageIdResp, Outbind,
    QuerySm, QuerySmResp, ReplaceSm, SubmitSm,
};

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
