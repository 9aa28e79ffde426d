//! Status values carried by events. The SMS delivery status and its error-code table are
//! [`qikberry_text::status`]'s, re-exported here under their old paths.

use qikberry_runtime::open_enum;
pub use qikberry_text::status::{
    SMS_ERROR_CODES, SmsErrorCode, SmsStatus, sms_error_code, sms_error_code_num,
};

open_enum! {
    /// The `status` of a WhatsApp, RCS or Viber message status event.
    ///
    /// The union of the three channels' status tables (WhatsApp: queued … failed; RCS adds
    /// blacklist, offline, rejected, expired; Viber uses expired).
    pub enum ChannelStatus {
        /// Received and queued by the platform.
        Queued = "queued",
        /// Handed to the channel's servers.
        Dispatched = "dispatched",
        /// Sent to the end user.
        Sent = "sent",
        /// Delivered to the end user.
        Delivered = "delivered",
        /// Read by the end user.
        Read = "read",
        /// Deleted or expired in the application.
        Deleted = "deleted",
        /// Failed.
        Failed = "failed",
        /// The sender is block-listed (RCS).
        Blacklist = "blacklist",
        /// The device is offline (RCS).
        Offline = "offline",
        /// The device rejected the message (RCS).
        Rejected = "rejected",
        /// The end device could not be reached in time (RCS, Viber).
        Expired = "expired",
    }
}

impl ChannelStatus {
    /// True for a state after which no further status update is expected.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            ChannelStatus::Read
                | ChannelStatus::Deleted
                | ChannelStatus::Failed
                | ChannelStatus::Blacklist
                | ChannelStatus::Rejected
                | ChannelStatus::Expired
        )
    }

    /// True for a failure state.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            ChannelStatus::Failed
                | ChannelStatus::Blacklist
                | ChannelStatus::Offline
                | ChannelStatus::Rejected
                | ChannelStatus::Expired
        )
    }
}

open_enum! {
    /// The `status` of a voice call record (`voice:message:out`), from the reference's call-status table.
    pub enum CallStatus {
        /// Answered: the caller reached the callee.
        Answer = "ANSWER",
        /// The number was busy.
        Busy = "BUSY",
        /// The number rang until the dial timed out.
        NoAnswer = "NOANSWER",
        /// The caller hung up before the callee answered.
        Cancel = "CANCEL",
        /// Usually an unrecognised number.
        Congestion = "CONGESTION",
        /// Channel unavailable.
        ChanUnavail = "CHANUNAVAIL",
        /// Received by the IVR, not forwarded.
        Received = "RECEIVED",
        /// Received by the IVR, not forwarded (missed).
        Missed = "MISSED",
        /// The second leg was answered.
        Completed = "COMPLETED",
    }
}

open_enum! {
    /// The `type` of an unsubscription (opt-out) event: what the number opted out of.
    pub enum OptOutScope {
        /// Everything (`value` is `*`).
        All = "all",
        /// One sender id.
        Sender = "sender",
        /// One message category.
        Category = "category",
        /// One tag.
        Tag = "tag",
        /// One product.
        Product = "product",
        /// One service.
        Service = "service",
    }
}
