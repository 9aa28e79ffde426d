//! [`StatusEvent`]: one delivery report, whatever brought it (webhook, SMPP receipt, REST
//! pull), and how message ids are matched.

use qikberry_text::status::SmsStatus;

/// A delivery report for one part of a sent message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusEvent {
    /// The platform's message id of the part (REST `id`, SMPP `message_id`).
    pub message_id: String,
    /// Your reference, when the report carries it (REST and webhook `custom`): lets a report
    /// settle a message still in doubt, whose ids the outbox does not know yet.
    pub reference: Option<String>,
    /// The reported status.
    pub status: SmsStatus,
    /// When it happened (milliseconds since the Unix epoch), when the report says: orders
    /// non-final reports that arrive out of order.
    pub at: Option<i64>,
}

impl StatusEvent {
    /// A report for `message_id`.
    pub fn new(message_id: impl Into<String>, status: SmsStatus) -> Self {
        StatusEvent {
            message_id: message_id.into(),
            reference: None,
            status,
            at: None,
        }
    }

    /// Sets the reference (`custom`) the report carries.
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// Sets when it happened (milliseconds since the Unix epoch).
    pub fn at(mut self, at_ms: i64) -> Self {
        self.at = Some(at_ms);
        self
    }
}

/// What applying a [`StatusEvent`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// The part's status changed (and maybe the message's state).
    Updated(crate::Change),
    /// A duplicate, an older report arriving late, or a report after a final one: nothing
    /// changed.
    Unchanged,
    /// No message has this id yet (a receipt can overtake the send's own answer): the report
    /// is kept and applied when the send's ids are recorded.
    Pending,
}

/// The keys under which a platform message id is indexed and looked up: the id trimmed,
/// lower-case, without leading zeros; for an id that reads as a number, also the same number
/// in the other base (SMSCs often answer `submit_sm` in hex and write receipts in decimal; see
/// `qikberry_smpp::same_message_id`).
pub(crate) fn platform_keys(id: &str) -> Vec<String> {
    let key = normal_key(id);
    let mut keys = vec![key.clone()];
    let other = |s: &str, from: u32| {
        (!s.is_empty() && s.len() <= 30)
            .then(|| u128::from_str_radix(s, from).ok())
            .flatten()
    };
    if let Some(n) = other(&key, 16) {
        keys.push(n.to_string());
    }
    if let Some(n) = other(&key, 10) {
        keys.push(format!("{n:x}"));
    }
    keys.dedup();
    keys.retain(|k| !k.is_empty());
    keys
}

/// The stored key of a platform message id (see [`platform_keys`]).
pub(crate) fn normal_key(id: &str) -> String {
    id.trim().trim_start_matches('0').to_ascii_lowercase()
}

#[cfg(feature = "webhook")]
impl From<&qikberry_webhook::SmsDeliveryReport> for StatusEvent {
    /// The report's `id`, `custom` (the reference), `status`, and its delivery (else sent,
    /// else submit) time; a zone-less time is read as UTC, which only orders reports.
    fn from(r: &qikberry_webhook::SmsDeliveryReport) -> Self {
        let at = [&r.deliv_time, &r.sent_time, &r.submit_time]
            .into_iter()
            .flatten()
            .next()
            .map(event_time_ms);
        StatusEvent {
            message_id: r.id.to_string(),
            reference: r.custom.clone().filter(|c| !c.is_empty()),
            status: r.status.clone(),
            at,
        }
    }
}

#[cfg(feature = "webhook")]
fn event_time_ms(t: &qikberry_webhook::EventTime) -> i64 {
    t.to_timestamp(&jiff::tz::TimeZone::UTC)
        .map_or(0, |ts| ts.as_millisecond())
}

#[cfg(feature = "smpp")]
impl From<&qikberry_smpp::DeliveryReceipt> for StatusEvent {
    /// The receipt's message id and status; its `done date` (else `submit date`), read as UTC,
    /// orders non-final receipts.
    fn from(r: &qikberry_smpp::DeliveryReceipt) -> Self {
        let at = r.done_date.or(r.submit_date).and_then(|d| {
            let dt = jiff_free_ms(d.year, d.month, d.day, d.hour, d.minute, d.second);
            Some(dt).filter(|ms| *ms > 0)
        });
        StatusEvent {
            message_id: r.message_id.clone(),
            reference: None,
            status: r.status(),
            at,
        }
    }
}

/// Milliseconds since the epoch of a UTC civil time (days from civil, Howard Hinnant's
/// algorithm), without a date library.
#[cfg(feature = "smpp")]
fn jiff_free_ms(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> i64 {
    let (y, m, d) = (i64::from(year), i64::from(month), i64::from(day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    secs * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cover_both_bases() {
        assert_eq!(platform_keys("1A2B"), vec!["1a2b", "6699"]);
        assert_eq!(platform_keys(" 0042 "), vec!["42", "66", "2a"]);
        assert_eq!(platform_keys("b34e35ad-1:1"), vec!["b34e35ad-1:1"]);
    }

    #[cfg(feature = "smpp")]
    #[test]
    fn civil_to_epoch() {
        assert_eq!(jiff_free_ms(1970, 1, 1, 0, 0, 1), 1000);
        assert_eq!(jiff_free_ms(2026, 1, 25, 10, 10, 0), 1_769_335_800_000);
    }
}
