//! The SMS delivery status — one model for REST delivery reports, webhook events and SMPP
//! receipts — and the operator error-code table ([`SMS_ERROR_CODES`]).

mod codes;

pub use codes::{SMS_ERROR_CODES, SmsErrorCode, sms_error_code, sms_error_code_num};

qikberry_runtime::open_enum! {
    /// The status of an SMS: the `status` of a delivery report (REST pull, webhook) and the
    /// `stat:` word of an SMPP receipt.
    ///
    /// The values are the status column of the reference's SMS error-code table (see
    /// [`SMS_ERROR_CODES`]), the message states of the pull-DLR API and of SMPP receipts, the
    /// platform's `AWAITING-DLR`/`TIMEOUT-DLR`, and the DLT rejection names the campaign-safety
    /// section mentions. `DELIVRD` is success; [`is_final`](Self::is_final) tells whether more
    /// reports can follow. Unknown values are kept in [`SmsStatus::Unknown`] (and reported as
    /// drift when decoded by a client that checks drift). The REST schema `SmsDlrStatus` is this
    /// type (spec extension `x-rust-type`).
    ///
    /// ```
    /// use qikberry_text::status::SmsStatus;
    /// let s = SmsStatus::from_wire("DLT-INV-TM-ID");
    /// assert!(s.is_dlt_rejection());
    /// assert!(!s.is_delivered());
    /// assert!(s.is_final());
    /// assert_eq!(s.error_codes().next().map(|c| c.code), Some(782));
    /// assert!(!SmsStatus::from_wire("ENROUTE").is_final());
    /// ```
    #[non_exhaustive]
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
        /// Rejected (`REJECTED`, code 458; the SMPP receipt word `REJECTD` reads as this too).
        Rejected = "REJECTED" | "REJECTD",
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
        /// Accepted by the platform, no delivery report yet (`AWAITING-DLR`, send responses).
        AwaitingDlr = "AWAITING-DLR",
        /// No delivery report arrived in time (`TIMEOUT-DLR`, status reports); the platform
        /// stops waiting, so it is final.
        TimeoutDlr = "TIMEOUT-DLR",
        /// Accepted on the subscriber's behalf, e.g. read by customer service (`ACCEPTD`, SMPP
        /// message state 6; also `ACCEPTED`).
        Accepted = "ACCEPTD" | "ACCEPTED",
        /// The message centre does not know the state (`UNKNOWN`, SMPP message state 7).
        StateUnknown = "UNKNOWN",
        /// Scheduled, not yet attempted (`SCHEDULED`, pull-DLR state).
        Scheduled = "SCHEDULED",
        /// In flight (`ENROUTE`, also accepted as `EN_ROUTE`, written back as `ENROUTE`;
        /// pull-DLR state and SMPP message state 1).
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

    /// True for a status that may still change: `SCHEDULED`, `ENROUTE`, `AWAITING-DLR`,
    /// `ACCEPTD` and `UNKNOWN` (the SMPP states after which another receipt can follow).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            SmsStatus::Scheduled
                | SmsStatus::Enroute
                | SmsStatus::AwaitingDlr
                | SmsStatus::Accepted
                | SmsStatus::StateUnknown
        )
    }

    /// True for a state after which no further status report is expected: delivered or failed.
    /// False for the [pending](Self::is_pending) states and for values this version does not
    /// know ([`SmsStatus::Unknown`]).
    pub fn is_final(&self) -> bool {
        !self.is_pending() && !matches!(self, SmsStatus::Unknown(_))
    }

    /// True for a DLT (Indian distributed-ledger registration) rejection: the `DLT-*` codes
    /// 777–789 (and any unknown `DLT-*` value) and the `INV-PEID`/`INV-TMID`/`INV-ENTITY`/`INV-TEMPLATE` names that the
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_of_the_table_is_a_variant() {
        for c in SMS_ERROR_CODES {
            assert!(
                !matches!(c.status(), SmsStatus::Unknown(_)),
                "code {} status {} has no variant",
                c.code,
                c.status
            );
        }
    }

    /// Every value of the spec's `SmsDlrStatus` enum, which the generated REST enum had a
    /// variant for before the schema became this type (`x-rust-type`).
    const REST_VALUES: &[&str] = &[
        "DELIVRD",
        "INVALID-SUB",
        "ABSENT-SUB",
        "HANDSET-ERR",
        "BARRED",
        "NET-ERR",
        "MEMEXEC",
        "FAILED",
        "MOB-OFF",
        "HANDSET-BUSY",
        "SERIES-BLK",
        "EXPIRED",
        "UNDELIV",
        "SERIES-BLOCK",
        "NO-CREDITS",
        "NO-ACCOUNT",
        "SERVER-ERR",
        "INV-NUMBER",
        "SPAM",
        "DNDNUMB",
        "BLACKLST",
        "SNDR-BLOCK",
        "TEMPLATE-NOT-FOUND",
        "INV-TEMPLATE",
        "INV-SENDER",
        "NOT-OPTIN",
        "OPTOUT-REJ",
        "PROMO-TMOUT",
        "REJECTED",
        "NOTALLOWED",
        "DUPLICATE",
        "THROTTLED",
        "REJ-MULTIPART",
        "DLT-REJECTED",
        "DLT-INV-TMID",
        "DLT-INV-ENTITY",
        "DLT-INV-TM-ID",
        "DLT-TM-VAR-EXECEED",
        "DLT-ENTITY-NOT-FOUND",
        "DLT-TM-BLACKLST",
        "DLT-ENTITY-BLACKLST",
        "DLT-HEADER-INACTIVE",
        "DLT-TM-INACTIVE",
        "DLT-SENDER-NOT-REG-TM",
        "INV-PROVISION",
        "INV-SERVICE",
        "INV-SCHEDULE",
        "AWAITING-DLR",
        "TIMEOUT-DLR",
        "SCHEDULED",
        "ENROUTE",
        "EN_ROUTE",
        "DELIVERED",
        "DELETED",
        "UNDELIVERABLE",
    ];

    #[test]
    fn every_value_the_rest_model_knew_is_known() {
        for v in REST_VALUES {
            let s = SmsStatus::from_wire(v);
            assert!(!matches!(s, SmsStatus::Unknown(_)), "{v} reads as Unknown");
            let decoded: SmsStatus = serde_json::from_value(serde_json::json!(v)).unwrap();
            assert_eq!(decoded, s);
        }
        let new: SmsStatus = serde_json::from_str(r#""NEW-STATE""#).unwrap();
        assert_eq!(new, SmsStatus::Unknown("NEW-STATE".into()));
        assert_eq!(serde_json::to_string(&new).unwrap(), r#""NEW-STATE""#);
    }

    #[test]
    fn an_unknown_or_case_folded_value_is_reported_as_drift_with_its_pointer() {
        use qikberry_runtime::drift::{DriftKind, DriftLog};
        #[derive(serde::Deserialize)]
        struct Report {
            #[allow(dead_code)]
            status: SmsStatus,
        }
        let log = DriftLog::new().with_wire_values(true);
        let body = br#"[{"status":"DELIVRD"},{"status":"NEW-STATE"},{"status":"delivrd"}]"#;
        let reports: Vec<Report> = log.decode("sms_status", body).unwrap();
        assert_eq!(reports.len(), 3);
        let found: Vec<(String, DriftKind)> = log
            .reports()
            .into_iter()
            .map(|r| (r.pointer, r.kind))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/1/status".to_owned(),
                    DriftKind::UnknownEnumValue {
                        type_name: "SmsStatus".into(),
                        value: "NEW-STATE".into(),
                    }
                ),
                (
                    "/2/status".to_owned(),
                    DriftKind::Lenient {
                        detail: "enum value in another letter case".into(),
                    }
                ),
            ]
        );
    }

    #[test]
    fn smpp_receipt_words_read_as_their_states() {
        let read = |w| SmsStatus::from_wire(w);
        assert_eq!(read("DELIVRD"), SmsStatus::Delivered);
        assert_eq!(read("UNDELIV"), SmsStatus::Undelivered);
        assert_eq!(read("REJECTD"), SmsStatus::Rejected);
        assert_eq!(read("ACCEPTD"), SmsStatus::Accepted);
        assert_eq!(read("UNKNOWN"), SmsStatus::StateUnknown);
        assert_eq!(read("EN_ROUTE"), SmsStatus::Enroute);
        assert_eq!(read("expired"), SmsStatus::Expired);
        assert!(read("DELIVRD").is_final() && read("REJECTD").is_final());
        assert!(!read("ACCEPTD").is_final() && !read("UNKNOWN").is_final());
        assert!(!read("NEW-STATE").is_final());
    }
}
