//! The reference's SMS delivery error-code table: code → status → description.

use super::SmsStatus;

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
/// use qikberry_text::status::{sms_error_code, SmsStatus};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in SMS_ERROR_CODES {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
        }
    }
}
