//! Status values carried by events, and the SMS delivery error-code table.

use super::types::wire_enum;

wire_enum! {
    /// The `status` of an SMS delivery report.
    ///
    /// The values are the status column of the reference's SMS error-code table (see
    /// [`SMS_ERROR_CODES`]), plus the message states of the pull-DLR API and the DLT rejection
    /// names the campaign-safety section mentions. `DELIVRD` is success; everything else is an
    /// intermediate state or a failure. Unknown values are kept in [`SmsStatus::Other`].
    ///
    /// ```
    /// use qikberry_webhook::SmsStatus;
    /// let s = SmsStatus::from_wire("DLT-INV-TM-ID");
    /// assert!(s.is_dlt_rejection());
    /// assert!(!s.is_delivered());
    /// assert_eq!(s.error_codes().next().map(|c| c.code), Some(782));
    /// ```
    pub enum SmsStatus {
        /// Delivered to the handset (`DELIVRD`, code 000).
        Delivered = "DELIVRD",
        /// Unknown or illegal subscriber (`INVALID-SUB`).
        InvalidSubscriber = "INVALID-SUB",
        /// Subscriber absent or unidentified (`ABSENT-SUB`).
        AbsentSubscriber = "ABSENT-SUB",
        /// Handset problem (`HANDSET-ERR`).
        HandsetError = "HANDSET-ERR",
        /// SMS barred for the subscriber (`BARRED`).
        Barred = "BARRED",
        /// Network error (`NET-ERR`).
        NetworkError = "NET-ERR",
        /// Handset memory full (`MEMEXEC`).
        MemoryExceeded = "MEMEXEC",
        /// Generic failure (`FAILED`).
        Failed = "FAILED",
        /// Handset switched off (`MOB-OFF`).
        MobileOff = "MOB-OFF",
        /// Subscriber busy (`HANDSET-BUSY`).
        HandsetBusy = "HANDSET-BUSY",
        /// Number series blocked (`SERIES-BLK`).
        SeriesBlk = "SERIES-BLK",
        /// Validity period expired (`EXPIRED`).
        Expired = "EXPIRED",
        /// Undelivered, unknown reason (`UNDELIV`).
        Undelivered = "UNDELIV",
        /// Series temporarily or permanently blocked (`SERIES-BLOCK`).
        SeriesBlock = "SERIES-BLOCK",
        /// Account out of credit (`NO-CREDITS`).
        NoCredits = "NO-CREDITS",
        /// Invalid account (`NO-ACCOUNT`).
        NoAccount = "NO-ACCOUNT",
        /// Server or client error (`SERVER-ERR`).
        ServerError = "SERVER-ERR",
        /// Invalid destination number (`INV-NUMBER`).
        InvalidNumber = "INV-NUMBER",
        /// Illegal content (`SPAM`).
        Spam = "SPAM",
        /// Number on the do-not-disturb register (`DNDNUMB`).
        DndNumber = "DNDNUMB",
        /// Number block-listed (`BLACKLST`).
        Blacklisted = "BLACKLST",
        /// Sender id blocked (`SNDR-BLOCK`).
        SenderBlocked = "SNDR-BLOCK",
        /// No matching template (`TEMPLATE-NOT-FOUND`).
        TemplateNotFound = "TEMPLATE-NOT-FOUND",
        /// Template not allotted to the account (`INV-TEMPLATE`).
        InvalidTemplate = "INV-TEMPLATE",
        /// Sender id not allotted to the account (`INV-SENDER`).
        InvalidSender = "INV-SENDER",
        /// Number not on the opt-in list (`NOT-OPTIN`).
        NotOptedIn = "NOT-OPTIN",
        /// Number opted out (`OPTOUT-REJ`).
        OptOutRejected = "OPTOUT-REJ",
        /// Outside the promotional time window (`PROMO-TMOUT`).
        PromoTimeout = "PROMO-TMOUT",
        /// Rejected (`REJECTED`).
        Rejected = "REJECTED",
        /// Country not allowed (`NOTALLOWED`).
        NotAllowed = "NOTALLOWED",
        /// Same content already sent (`DUPLICATE`).
        Duplicate = "DUPLICATE",
        /// Sending limit reached (`THROTTLED`).
        Throttled = "THROTTLED",
        /// Not all parts of a long message were delivered (`REJ-MULTIPART`).
        RejectedMultipart = "REJ-MULTIPART",
        /// DLT: invalid sender id or template (`DLT-REJECTED`).
        DltRejected = "DLT-REJECTED",
        /// DLT: invalid telemarketer id (`DLT-INV-TMID`).
        DltInvalidTelemarketerId = "DLT-INV-TMID",
        /// DLT: invalid entity id (`DLT-INV-ENTITY`).
        DltInvalidEntity = "DLT-INV-ENTITY",
        /// DLT: invalid template id (`DLT-INV-TM-ID`).
        DltInvalidTemplateId = "DLT-INV-TM-ID",
        /// DLT: a template variable exceeded 30 characters (`DLT-TM-VAR-EXECEED`, spelled as sent).
        DltTemplateVariableTooLong = "DLT-TM-VAR-EXECEED",
        /// DLT: entity id not found (`DLT-ENTITY-NOT-FOUND`).
        DltEntityNotFound = "DLT-ENTITY-NOT-FOUND",
        /// DLT: template block-listed (`DLT-TM-BLACKLST`).
        DltTemplateBlacklisted = "DLT-TM-BLACKLST",
        /// DLT: entity block-listed (`DLT-ENTITY-BLACKLST`).
        DltEntityBlacklisted = "DLT-ENTITY-BLACKLST",
        /// DLT: sender (header) inactive (`DLT-HEADER-INACTIVE`).
        DltHeaderInactive = "DLT-HEADER-INACTIVE",
        /// DLT: template inactive (`DLT-TM-INACTIVE`).
        DltTemplateInactive = "DLT-TM-INACTIVE",
        /// DLT: sender not registered for the template (`DLT-SENDER-NOT-REG-TM`).
        DltSenderNotRegistered = "DLT-SENDER-NOT-REG-TM",
        /// Invalid sender provisioning (`INV-PROVISION`).
        InvalidProvision = "INV-PROVISION",
        /// Invalid service type (`INV-SERVICE`).
        InvalidService = "INV-SERVICE",
        /// Invalid schedule (`INV-SCHEDULE`).
        InvalidSchedule = "INV-SCHEDULE",
        /// DLT: invalid principal entity id (`INV-PEID`, named in the campaign-safety section).
        InvalidPeid = "INV-PEID",
        /// DLT: invalid telemarketer id (`INV-TMID`, named in the campaign-safety section).
        InvalidTmid = "INV-TMID",
        /// DLT: invalid entity (`INV-ENTITY`, named in the campaign-safety section).
        InvalidEntity = "INV-ENTITY",
        /// Scheduled, not yet attempted (`SCHEDULED`, pull-DLR state).
        Scheduled = "SCHEDULED",
        /// In flight (`ENROUTE`, also accepted as `EN_ROUTE`; pull-DLR state).
        Enroute = "ENROUTE" | "EN_ROUTE",
        /// Delivered (`DELIVERED`, pull-DLR spelling).
        DeliveredLong = "DELIVERED",
        /// Deleted or cancelled (`DELETED`, pull-DLR state).
        Deleted = "DELETED",
        /// Permanently undeliverable (`UNDELIVERABLE`, pull-DLR state).
        Undeliverable = "UNDELIVERABLE",
    }
}

impl SmsStatus {
    /// True for a successful delivery (`DELIVRD` or `DELIVERED`).
    pub fn is_delivered(&self) -> bool {
        matches!(self, SmsStatus::Delivered | SmsStatus::DeliveredLong)
    }

    /// True for a status that may still change (`SCHEDULED`, `ENROUTE`).
    pub fn is_pending(&self) -> bool {
        matches!(self, SmsStatus::Scheduled | SmsStatus::Enroute)
    }

    /// True for a DLT (Indian distributed-ledger registration) rejection: the `DLT-*` codes
    /// 777–789 and the `INV-PEID`/`INV-TMID`/`INV-ENTITY`/`INV-TEMPLATE` names that the
    /// campaign-safety check treats as DLT failures.
    pub fn is_dlt_rejection(&self) -> bool {
        let s = self.as_str();
        s.starts_with("DLT-")
            || matches!(
                self,
                SmsStatus::InvalidPeid
                    | SmsStatus::InvalidTmid
                    | SmsStatus::InvalidEntity
                    | SmsStatus::InvalidTemplate
            )
    }

    /// The entries of [`SMS_ERROR_CODES`] that carry this status (several codes share one
    /// status, e.g. `NET-ERR` is 008, 012, 017 and 019).
    pub fn error_codes(&self) -> impl Iterator<Item = &'static SmsErrorCode> + '_ {
        let s = self.as_str();
        SMS_ERROR_CODES.iter().filter(move |c| c.status == s)
    }
}

/// One row of the reference's SMS delivery error-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsErrorCode {
    /// The numeric code (written with three digits on the wire: `000`, `782`).
    pub code: u16,
    /// The status string a delivery report carries for this code.
    pub status: &'static str,
    /// What the code means.
    pub description: &'static str,
}

impl SmsErrorCode {
    /// The status as an enum.
    pub fn status(&self) -> SmsStatus {
        SmsStatus::from_wire(self.status)
    }

    /// The code as three digits, the way the table writes it (`"007"`).
    pub fn code_str(&self) -> String {
        format!("{:03}", self.code)
    }
}

/// Looks up an SMS error code, given as a number (`782`) or as the table writes it (`"000"`).
///
/// ```
/// use qikberry_webhook::{sms_error_code, SmsStatus};
/// let c = sms_error_code("013").unwrap();
/// assert_eq!(c.status(), SmsStatus::MobileOff);
/// assert_eq!(sms_error_code("782").unwrap().status, "DLT-INV-TM-ID");
/// assert!(sms_error_code("999").is_none());
/// ```
pub fn sms_error_code(code: &str) -> Option<&'static SmsErrorCode> {
    let n: u16 = code.trim().parse().ok()?;
    sms_error_code_num(n)
}

/// Looks up an SMS error code by number.
pub fn sms_error_code_num(code: u16) -> Option<&'static SmsErrorCode> {
    SMS_ERROR_CODES.iter().find(|c| c.code == code)
}

macro_rules! codes {
    ($( $code:literal $status:literal $desc:literal ;)*) => {
        /// The SMS delivery error-code table of the reference: code → status → description.
        ///
        /// The reference notes that codes and statuses can vary by region and operator.
        pub static SMS_ERROR_CODES: &[SmsErrorCode] = &[
            $( SmsErrorCode { code: $code, status: $status, description: $desc }, )*
        ];
    };
}

codes! {
    0 "DELIVRD" "Delivered to the SIM.";
    1 "INVALID-SUB" "Unidentified subscriber.";
    2 "INVALID-SUB" "Illegal subscriber.";
    3 "ABSENT-SUB" "Unidentified subscriber.";
    4 "HANDSET-ERR" "Illegal equipment.";
    5 "BARRED" "SMS is prohibited.";
    6 "HANDSET-ERR" "The handset does not support SMS.";
    7 "HANDSET-ERR" "The handset reports an error.";
    8 "NET-ERR" "Facility not supported.";
    9 "MEMEXEC" "Handset memory is full.";
    10 "ABSENT-SUB" "Absent subscriber.";
    11 "FAILED" "SMSC system failure.";
    12 "NET-ERR" "Gateway mobile switching error.";
    13 "MOB-OFF" "Handset switched off.";
    14 "FAILED" "Undelivered because of roaming limitations.";
    15 "INVALID-SUB" "Unidentified subscriber.";
    16 "HANDSET-BUSY" "Subscriber is busy.";
    17 "NET-ERR" "Resources unavailable at the GMSC.";
    18 "SERIES-BLK" "Number series blocked.";
    19 "NET-ERR" "Submission error or invalid input data.";
    20 "BARRED" "Closed user group rejection.";
    21 "EXPIRED" "SMS timed out.";
    34 "UNDELIV" "Unknown error.";
    45 "FAILED" "Unknown error.";
    99 "UNDELIV" "Unknown error.";
    400 "SERIES-BLOCK" "Series temporarily or permanently blocked.";
    401 "NO-CREDITS" "Credit exhausted.";
    402 "NO-ACCOUNT" "Invalid account.";
    403 "SERVER-ERR" "Unknown error.";
    404 "INV-NUMBER" "Invalid destination number.";
    405 "SERVER-ERR" "ESME client error.";
    406 "SERVER-ERR" "ESME client error.";
    407 "SPAM" "Illegal content.";
    408 "DNDNUMB" "Number is on the do-not-disturb register.";
    430 "SERVER-ERR" "Unknown error.";
    431 "SERVER-ERR" "Unknown error.";
    432 "SERVER-ERR" "Unknown error.";
    433 "SERVER-ERR" "Unknown error.";
    450 "BLACKLST" "Number block-listed from receiving messages.";
    451 "SNDR-BLOCK" "Sender id blocked.";
    452 "TEMPLATE-NOT-FOUND" "No matching template.";
    453 "INV-TEMPLATE" "Template not allotted to the account.";
    454 "INV-SENDER" "Sender id not allotted to the account.";
    455 "NOT-OPTIN" "Number not on the opt-in list.";
    456 "OPTOUT-REJ" "Number opted out of receiving messages.";
    457 "PROMO-TMOUT" "Promotional time window exceeded.";
    458 "REJECTED" "Unknown error.";
    459 "NOTALLOWED" "Country not allowed for SMS.";
    460 "DUPLICATE" "Same content already sent.";
    461 "UNDELIV" "Unknown error.";
    462 "FAILED" "Unknown error.";
    463 "THROTTLED" "Maximum sending limit reached.";
    777 "DLT-REJECTED" "Invalid sender id or invalid template.";
    778 "REJ-MULTIPART" "Not all message parts reached the handset.";
    780 "DLT-INV-TMID" "Invalid DLT telemarketer id.";
    781 "DLT-INV-ENTITY" "Invalid DLT entity id.";
    782 "DLT-INV-TM-ID" "Invalid DLT template id.";
    783 "DLT-TM-VAR-EXECEED" "A template variable exceeded 30 characters.";
    784 "DLT-ENTITY-NOT-FOUND" "Entity id not found.";
    785 "DLT-TM-BLACKLST" "Template id is block-listed.";
    786 "DLT-ENTITY-BLACKLST" "Entity id is block-listed.";
    787 "DLT-HEADER-INACTIVE" "Sender (header) inactive.";
    788 "DLT-TM-INACTIVE" "Template inactive.";
    789 "DLT-SENDER-NOT-REG-TM" "Sender not registered for the template.";
    790 "INV-PROVISION" "Invalid sender provisioning.";
    791 "INV-SERVICE" "Invalid service type.";
    792 "INV-SCHEDULE" "Invalid schedule.";
}

wire_enum! {
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

wire_enum! {
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

wire_enum! {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_statuses_are_known_variants() {
        for c in SMS_ERROR_CODES {
            assert!(
                !matches!(c.status(), SmsStatus::Other(_)),
                "code {} status {} has no variant",
                c.code,
                c.status
            );
        }
    }

    #[test]
    fn codes_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in SMS_ERROR_CODES {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
        }
    }
}
