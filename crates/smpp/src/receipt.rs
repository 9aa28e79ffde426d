//! Delivery receipts and inbound (MO) messages carried by deliver_sm / data_sm.
//!
//! ```
//! use qikberry_smpp::receipt::{parse_receipt_text, same_message_id};
//!
//! let r = parse_receipt_text(
//!     "id:1A2B sub:001 dlvrd:001 submit date:2611251010 done date:261125101230 stat:DELIVRD err:000",
//! ).unwrap();
//! assert_eq!(r.stat, "DELIVRD");
//! assert_eq!(r.error().unwrap().status, "DELIVRD");
//! assert!(same_message_id("1A2B", "6699")); // hex on one side, decimal on the other
//! ```

use qikberry_text::status::{SmsErrorCode, SmsStatus, sms_error_code};

use super::pdu::{DataSm, SubmitSm};
use super::text;

/// `message_state` values (SMPP 3.4 §5.2.28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageState {
    /// 1: in transit.
    Enroute,
    /// 2: delivered.
    Delivered,
    /// 3: validity period expired.
    Expired,
    /// 4: deleted.
    Deleted,
    /// 5: undeliverable.
    Undeliverable,
    /// 6: accepted (e.g. read by a customer service agent).
    Accepted,
    /// 7: unknown.
    Unknown,
    /// 8: rejected.
    Rejected,
    /// Any other value.
    Other(u8),
}

impl MessageState {
    /// From the TLV value.
    pub fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::Enroute,
            2 => Self::Delivered,
            3 => Self::Expired,
            4 => Self::Deleted,
            5 => Self::Undeliverable,
            6 => Self::Accepted,
            7 => Self::Unknown,
            8 => Self::Rejected,
            o => Self::Other(o),
        }
    }
    /// From the receipt text's `stat:` word (`DELIVRD`, `UNDELIV`, …), read as a
    /// [`SmsStatus`] first (any letter case, the reference's spellings).
    pub fn from_stat(stat: &str) -> Option<Self> {
        Self::from_status(&SmsStatus::from_wire(stat))
    }

    /// The SMPP state of a delivery status, for the statuses that are SMPP states.
    pub fn from_status(status: &SmsStatus) -> Option<Self> {
        Some(match status {
            SmsStatus::Enroute => Self::Enroute,
            SmsStatus::Delivered | SmsStatus::DeliveredLong => Self::Delivered,
            SmsStatus::Expired => Self::Expired,
            SmsStatus::Deleted => Self::Deleted,
            SmsStatus::Undelivered | SmsStatus::Undeliverable => Self::Undeliverable,
            SmsStatus::Accepted => Self::Accepted,
            SmsStatus::StateUnknown => Self::Unknown,
            SmsStatus::Rejected => Self::Rejected,
            _ => return None,
        })
    }

    /// The delivery status this state is (its receipt `stat:` word read as a [`SmsStatus`];
    /// values outside SMPP 3.4 read as `UNKNOWN`).
    pub fn status(self) -> SmsStatus {
        SmsStatus::from_wire(stat_word(self))
    }

    /// Whether no further receipt will follow ([`SmsStatus::is_final`]).
    pub fn is_final(self) -> bool {
        self.status().is_final()
    }
}

/// One row of the gateway's delivery error-code table: the shared
/// [`qikberry_text::status::SmsErrorCode`], under the name this crate has always used.
pub type DeliveryError = SmsErrorCode;

/// The gateway's delivery error codes (000 DELIVRD … 792 INV-SCHEDULE): the shared
/// [`qikberry_text::status::SMS_ERROR_CODES`].
pub use qikberry_text::status::SMS_ERROR_CODES as DELIVERY_ERRORS;

/// Look up a delivery error code (`"000"`, `"34"`, `"792"`); see
/// [`qikberry_text::status::sms_error_code`].
pub fn delivery_error(code: &str) -> Option<&'static DeliveryError> {
    sms_error_code(code)
}

/// A receipt date (`YYMMDDhhmm` or `YYMMDDhhmmss`), kept as the SMSC wrote it (no time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptDate {
    /// Full year (20YY).
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59 (0 when the 10-digit form was used).
    pub second: u8,
}

impl ReceiptDate {
    /// Parse 10 or 12 digits; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if !(s.len() == 10 || s.len() == 12) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = |i: usize| -> u8 { (s.as_bytes()[i] - b'0') * 10 + (s.as_bytes()[i + 1] - b'0') };
        let d = ReceiptDate {
            year: 2000 + u16::from(n(0)),
            month: n(2),
            day: n(4),
            hour: n(6),
            minute: n(8),
            second: if s.len() == 12 { n(10) } else { 0 },
        };
        let valid = (1..=12).contains(&d.month)
            && (1..=31).contains(&d.day)
            && d.hour < 24
            && d.minute < 60
            && d.second < 60;
        valid.then_some(d)
    }
}

/// A delivery receipt, from TLVs where present and the receipt text otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryReceipt {
    /// The SMSC message id this receipt is for (compare with [`same_message_id`]).
    pub message_id: String,
    /// State, from the `message_state` TLV or the `stat:` word; [`Self::status`] is the
    /// shared delivery status.
    pub state: Option<MessageState>,
    /// The `stat:` word (`DELIVRD`); derived from `state` when there is no text.
    pub stat: String,
    /// The `err:` code as written (`"000"`); empty when absent.
    pub err: String,
    /// `sub:` (number of messages submitted), when present.
    pub sub: Option<String>,
    /// `dlvrd:` (number delivered), when present.
    pub dlvrd: Option<String>,
    /// `submit date:`.
    pub submit_date: Option<ReceiptDate>,
    /// `done date:`.
    pub done_date: Option<ReceiptDate>,
    /// `text:` (start of the original message), when present.
    pub text: Option<String>,
    /// `network_error_code` TLV: `(network_type, code)`.
    pub network_error_code: Option<(u8, u16)>,
    /// Sender of the receipt PDU (the original recipient).
    pub source_addr: String,
    /// Destination of the receipt PDU (the original sender).
    pub destination_addr: String,
}

impl DeliveryReceipt {
    /// The delivery status: the `stat:` word (as sent, or derived from the `message_state`
    /// TLV) read as the shared [`SmsStatus`] — `DELIVRD` → `Delivered`, `UNDELIV` →
    /// `Undelivered`, `EXPIRED` → `Expired`, `REJECTD` → `Rejected`, `ACCEPTD` → `Accepted`,
    /// `UNKNOWN` → `StateUnknown`, the gateway's table words (`ABSENT-SUB`, `DLT-REJECTED`, …)
    /// → their variants, any other word → `Unknown`. When the `message_state` TLV names a
    /// different SMPP state than the word, the TLV wins (as it does for [`Self::state`]).
    pub fn status(&self) -> SmsStatus {
        let from_text = SmsStatus::from_wire(&self.stat);
        match self.state {
            Some(state) if MessageState::from_status(&from_text).is_some_and(|t| t != state) => {
                state.status()
            }
            _ => from_text,
        }
    }
    /// The row of the gateway's error table for `err`, if known.
    pub fn error(&self) -> Option<&'static DeliveryError> {
        delivery_error(&self.err)
    }
    /// Whether the message reached the handset.
    pub fn is_delivered(&self) -> bool {
        self.state == Some(MessageState::Delivered)
    }
}

/// An inbound (mobile-originated) message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboundMessage {
    /// Sender (the subscriber).
    pub source_addr: String,
    /// Recipient (your number or short code).
    pub destination_addr: String,
    /// Decoded text (UDH, if any, stripped).
    pub text: String,
    /// Raw message bytes as received.
    pub raw: Vec<u8>,
    /// data_coding of `raw`.
    pub data_coding: u8,
    /// esm_class (0x40 = UDH present).
    pub esm_class: u8,
}

const KEYS: [&str; 8] = [
    "id",
    "sub",
    "dlvrd",
    "submit date",
    "done date",
    "stat",
    "err",
    "text",
];

/// Parse the receipt text form `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`.
///
/// Tolerant: any field order, any letter case, 10- or 12-digit dates, missing fields. Returns
/// `None` unless at least `id` and `stat` are present.
pub fn parse_receipt_text(text: &str) -> Option<DeliveryReceipt> {
    let lower = text.to_ascii_lowercase();
    // Find every `key:` at a word start.
    let mut hits: Vec<(usize, usize, usize)> = Vec::new(); // (start, value_start, key index)
    for (k, key) in KEYS.iter().enumerate() {
        let mut from = 0;
        while let Some(p) = lower[from..].find(key) {
            let at = from + p;
            from = at + key.len();
            let word_start = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
            let rest = &lower[at + key.len()..];
            let colon = rest.len() - rest.trim_start_matches(' ').len();
            if word_start && rest[colon..].starts_with(':') {
                // Skip matches inside the value of `text:` (handled by ordering below) and
                // `date` keys overlapping: "submit date" also contains " date".
                hits.push((at, at + key.len() + colon + 1, k));
            }
        }
    }
    hits.sort();
    // Everything after `text:` belongs to it.
    if let Some(t) = hits.iter().position(|h| KEYS[h.2] == "text") {
        hits.truncate(t + 1);
    }
    let mut fields: [Option<String>; 8] = Default::default();
    for (i, &(_, vstart, k)) in hits.iter().enumerate() {
        let end = hits.get(i + 1).map_or(text.len(), |h| h.0);
        if fields[k].is_none() && vstart <= end {
            fields[k] = Some(text[vstart..end].trim().to_string());
        }
    }
    let id = fields[0].take().filter(|s| !s.is_empty())?;
    let stat = fields[5].take()?;
    Some(DeliveryReceipt {
        message_id: id,
        state: MessageState::from_stat(&stat),
        stat: stat.to_ascii_uppercase(),
        err: fields[6].take().unwrap_or_default(),
        sub: fields[1].take(),
        dlvrd: fields[2].take(),
        submit_date: fields[3].as_deref().and_then(ReceiptDate::parse),
        done_date: fields[4].as_deref().and_then(ReceiptDate::parse),
        text: fields[7].take(),
        network_error_code: None,
        source_addr: String::new(),
        destination_addr: String::new(),
    })
}

/// The receipt text's `stat:` word for a `message_state` (SMPP 3.4 appendix B).
fn stat_word(s: MessageState) -> &'static str {
    match s {
        MessageState::Enroute => "ENROUTE",
        MessageState::Delivered => "DELIVRD",
        MessageState::Expired => "EXPIRED",
        MessageState::Deleted => "DELETED",
        MessageState::Undeliverable => "UNDELIV",
        MessageState::Accepted => "ACCEPTD",
        MessageState::Unknown | MessageState::Other(_) => "UNKNOWN",
        MessageState::Rejected => "REJECTD",
    }
}

/// What a deliver_sm / data_sm from the SMSC carries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Inbound {
    /// A delivery receipt.
    Receipt(DeliveryReceipt),
    /// A mobile-originated message.
    Message(InboundMessage),
}

fn message_bytes(short_message: &[u8], payload: Option<&[u8]>) -> Vec<u8> {
    match payload {
        Some(p) if short_message.is_empty() => p.to_vec(),
        _ => short_message.to_vec(),
    }
}

fn strip_udh(raw: &[u8], esm_class: u8) -> &[u8] {
    if esm_class & 0x40 != 0
        && let Some(&l) = raw.first()
        && raw.len() > l as usize
    {
        return &raw[l as usize + 1..];
    }
    raw
}

/// Classify a deliver_sm: receipt (esm_class bit 0x04, a `receipted_message_id` TLV, or text that
/// parses as a receipt) or MO message. TLVs win over the text for id and state.
pub fn classify_deliver_sm(d: &SubmitSm) -> Inbound {
    let raw = message_bytes(&d.short_message, d.tlvs.message_payload());
    classify(
        &d.source_addr,
        &d.destination_addr,
        d.esm_class,
        d.data_coding,
        raw,
        &d.tlvs,
    )
}

/// Classify a data_sm sent by the SMSC, like [`classify_deliver_sm`].
pub fn classify_data_sm(d: &DataSm) -> Inbound {
    let raw = message_bytes(&[], d.tlvs.message_payload());
    classify(
        &d.source_addr,
        &d.destination_addr,
        d.esm_class,
        d.data_coding,
        raw,
        &d.tlvs,
    )
}

fn classify(
    source: &str,
    dest: &str,
    esm_class: u8,
    data_coding: u8,
    raw: Vec<u8>,
    tlvs: &super::tlv::Tlvs,
) -> Inbound {
    let body = text::decode(strip_udh(&raw, esm_class), data_coding);
    let tlv_id = tlvs.receipted_message_id().filter(|s| !s.is_empty());
    let tlv_state = tlvs.message_state().map(MessageState::from_u8);
    let is_receipt_flag = esm_class & 0x3C == 0x04 || esm_class & 0x3C == 0x08;
    let parsed = parse_receipt_text(&body);
    if !(is_receipt_flag || tlv_id.is_some() || parsed.is_some()) {
        return Inbound::Message(InboundMessage {
            source_addr: source.to_string(),
            destination_addr: dest.to_string(),
            text: body,
            raw,
            data_coding,
            esm_class,
        });
    }
    let mut r = parsed.unwrap_or(DeliveryReceipt {
        message_id: String::new(),
        state: None,
        stat: String::new(),
        err: String::new(),
        sub: None,
        dlvrd: None,
        submit_date: None,
        done_date: None,
        text: None,
        network_error_code: None,
        source_addr: String::new(),
        destination_addr: String::new(),
    });
    if let Some(id) = tlv_id {
        r.message_id = id;
    }
    if let Some(s) = tlv_state {
        r.state = Some(s);
        if r.stat.is_empty() {
            r.stat = stat_word(s).to_string();
        }
    }
    r.network_error_code = tlvs.network_error_code();
    r.source_addr = source.to_string();
    r.destination_addr = dest.to_string();
    Inbound::Receipt(r)
}

fn parse_radix(s: &str, radix: u32) -> Option<u128> {
    let s = s.trim();
    if s.is_empty() || s.len() > 32 {
        return None;
    }
    u128::from_str_radix(s, radix).ok()
}

/// Whether two message ids name the same message, allowing one side to write it in hex and the
/// other in decimal (a common SMSC inconsistency between submit_sm_resp and receipts).
///
/// Equal strings (ignoring case and leading zeros) match; otherwise the ids match when one read
/// as hexadecimal equals the other read as decimal. Two all-digit ids can therefore match across
/// bases (`"10"` hex = `"16"` decimal) — acceptable because the ids compared are those of one
/// account's recent submissions.
pub fn same_message_id(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_start_matches('0').to_ascii_lowercase();
    let (na, nb) = (norm(a), norm(b));
    if na == nb {
        return !a.trim().is_empty();
    }
    let cross = |x: &str, y: &str| match (parse_radix(x, 16), parse_radix(y, 10)) {
        (Some(h), Some(d)) => h == d,
        _ => false,
    };
    cross(&na, &nb) || cross(&nb, &na)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlv::{Tlv, Tlvs, tag};

    #[test]
    fn tolerant_text() {
        let r = parse_receipt_text(
            "STAT:undeliv ERR:013 id:12345 Done Date:2611251012 sub:001 dlvrd:000 submit date:261125101001",
        )
        .unwrap();
        assert_eq!(r.message_id, "12345");
        assert_eq!(r.state, Some(MessageState::Undeliverable));
        assert_eq!(r.status(), SmsStatus::Undelivered);
        assert!(r.status().is_final());
        assert_eq!(r.error().unwrap().status, "MOB-OFF");
        assert_eq!(r.done_date.unwrap().minute, 12);
        assert_eq!(r.submit_date.unwrap().second, 1);
        assert_eq!(r.text, None);
        let r = parse_receipt_text(
            "id:7 sub:001 dlvrd:001 submit date:2611251010 done date:2611251011 stat:DELIVRD err:000 text:id: stat: fake",
        )
        .unwrap();
        assert_eq!(r.message_id, "7");
        assert_eq!(r.text.as_deref(), Some("id: stat: fake"));
        assert!(parse_receipt_text("hello there").is_none());
    }

    #[test]
    fn tlvs_preferred() {
        let d = SubmitSm {
            esm_class: 0x04,
            short_message: b"id:999 stat:UNDELIV err:001".to_vec(),
            tlvs: Tlvs(vec![
                Tlv::cstr(tag::RECEIPTED_MESSAGE_ID, "abc"),
                Tlv::u8(tag::MESSAGE_STATE, 2),
            ]),
            ..SubmitSm::default()
        };
        let Inbound::Receipt(r) = classify_deliver_sm(&d) else {
            panic!()
        };
        assert_eq!(r.message_id, "abc");
        assert_eq!(r.state, Some(MessageState::Delivered));
        // The text's `stat:` is kept as sent; the TLV decides `state` and `status()`.
        assert_eq!(r.stat, "UNDELIV");
        assert_eq!(r.status(), SmsStatus::Delivered);
        assert_eq!(r.err, "001");
        let mo = SubmitSm {
            short_message: b"hi there".to_vec(),
            ..SubmitSm::default()
        };
        assert!(matches!(classify_deliver_sm(&mo), Inbound::Message(m) if m.text == "hi there"));
    }

    #[test]
    fn id_matching() {
        assert!(same_message_id("0A", "10"));
        assert!(same_message_id("ff", "255"));
        assert!(same_message_id("00abc", "ABC"));
        assert!(!same_message_id("ff", "254"));
        assert!(!same_message_id("", ""));
        assert!(same_message_id("4d2", "1234"));
    }

    #[test]
    fn error_table() {
        assert_eq!(delivery_error("792").unwrap().status, "INV-SCHEDULE");
        assert_eq!(delivery_error("000").unwrap().status, "DELIVRD");
        assert!(delivery_error("999").is_none());
    }
}
