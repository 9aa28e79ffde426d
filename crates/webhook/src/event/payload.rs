//! The payload structs of the status, opt-out, call, contact and link-visit events.

use super::*;

/// An SMS delivery report (`sms:message:status`), enveloped or flat.
///
/// Field names follow the flat report in the reference's "Webhook Verification" section.
/// Members the reference does not show are reported as drift and stay in the raw body
/// ([`crate::Delivery::body`]).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SmsDeliveryReport {
    /// Message id as returned when sending (e.g. `"b34e35ad-…:1"`, one per recipient part).
    pub id: Id,
    /// Recipient number with country code.
    #[serde(default, deserialize_with = "opt")]
    pub mobile: Option<String>,
    /// Delivery status; see [`SmsStatus::error_codes`] for what a failure means.
    pub status: SmsStatus,
    /// Credits charged, exactly as sent (`"2.0000"` keeps its four decimals).
    #[serde(default, deserialize_with = "opt_decimal")]
    pub credits: Option<Decimal>,
    /// Number of SMS parts.
    #[serde(default, deserialize_with = "opt")]
    pub units: Option<u32>,
    /// When the handset received it.
    #[serde(default, deserialize_with = "opt")]
    pub deliv_time: Option<EventTime>,
    /// When it was sent to the operator.
    #[serde(default, deserialize_with = "opt")]
    pub sent_time: Option<EventTime>,
    /// When it was submitted to the platform.
    #[serde(default, deserialize_with = "opt")]
    pub submit_time: Option<EventTime>,
    /// Operator-side message id.
    #[serde(default, deserialize_with = "opt")]
    pub cid: Option<String>,
    /// Your custom reference given at send time.
    #[serde(default, deserialize_with = "opt")]
    pub custom: Option<String>,
    /// Second custom reference.
    #[serde(default, deserialize_with = "opt")]
    pub custom1: Option<String>,
    /// Third custom reference.
    #[serde(default, deserialize_with = "opt")]
    pub custom2: Option<String>,
    /// Country of the recipient (e.g. `"India"`).
    #[serde(default, deserialize_with = "opt")]
    pub location: Option<String>,
    /// Region of the recipient (e.g. `"Bangalore"`).
    #[serde(default, deserialize_with = "opt")]
    pub region: Option<String>,
    /// Operator name (e.g. `"Jio"`).
    #[serde(default, deserialize_with = "opt")]
    pub provider: Option<String>,
    /// Country code (e.g. `"in"`).
    #[serde(default, deserialize_with = "opt")]
    pub location_code: Option<String>,
    /// Region code (e.g. `"KA"`).
    #[serde(default, deserialize_with = "opt")]
    pub region_code: Option<String>,
    /// Operator code (e.g. `"RJ"`).
    #[serde(default, deserialize_with = "opt")]
    pub provider_code: Option<String>,
}

impl SmsDeliveryReport {
    /// True when the message reached the handset.
    pub fn is_delivered(&self) -> bool {
        self.status.is_delivered()
    }
}

/// A status update for a WhatsApp, RCS or Viber message you sent.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct MessageStatus {
    /// The message id returned when sending.
    pub id: Id,
    /// The channel (`"whatsapp"`, `"rcs"`, `"viber"`).
    #[serde(default, deserialize_with = "opt")]
    pub channel: Option<String>,
    /// Your sender (number or agent id).
    #[serde(default, deserialize_with = "opt")]
    pub from: Option<String>,
    /// The recipient.
    #[serde(default, deserialize_with = "opt")]
    pub to: Option<String>,
    /// The new status.
    pub status: ChannelStatus,
    /// When it was delivered.
    #[serde(default, deserialize_with = "opt")]
    pub delivered_at: Option<EventTime>,
    /// When it was read.
    #[serde(default, deserialize_with = "opt")]
    pub read_at: Option<EventTime>,
    /// When the platform processed it.
    #[serde(default, deserialize_with = "opt")]
    pub processed_at: Option<EventTime>,
    /// When this status happened.
    #[serde(default, deserialize_with = "opt")]
    pub timestamp: Option<EventTime>,
    /// Your own identifier given at send time.
    #[serde(default, deserialize_with = "opt")]
    pub foreign_id: Option<String>,
}

/// An opt-out (`*:unsubscription` events).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Unsubscription {
    /// The opt-out record's id (a number on some channels, a UUID on others).
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The number that opted out.
    #[serde(default, deserialize_with = "opt")]
    pub receiver: Option<String>,
    /// What it opted out of.
    #[serde(rename = "type", default, deserialize_with = "opt")]
    pub scope: Option<OptOutScope>,
    /// The sender, category, tag … opted out of (`*` for all).
    #[serde(default, deserialize_with = "opt")]
    pub value: Option<String>,
    /// When the opt-out was recorded.
    #[serde(default, deserialize_with = "opt")]
    pub created_at: Option<EventTime>,
    /// The platform's message, e.g. `"Unsubscriber created successfully"`.
    #[serde(default, deserialize_with = "opt")]
    pub status: Option<String>,
}

/// A voice call detail record (`voice:message:out`).
///
/// The reference collapses this payload; the fields follow the platform's call-status
/// response (`id`, `mobile`, `caller_id`, `duration`, `pulsing`, `status`, `charges`, `dtmf`,
/// `location`, `provider`, `start_at`, `end_at`) plus the `bridge`/`from`/`to` numbers the
/// sender puts in a call push (strings or JSON numbers). Anything else is reported as drift
/// and stays in the raw body.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CallRecord {
    /// Call id returned when the call was placed (e.g. `"047d8cfc-…:1"`).
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The bridge (DID) number the call went through.
    #[serde(default, deserialize_with = "opt")]
    pub bridge: Option<String>,
    /// The calling number.
    #[serde(default, deserialize_with = "opt")]
    pub from: Option<String>,
    /// The called number.
    #[serde(default, deserialize_with = "opt")]
    pub to: Option<String>,
    /// The called number.
    #[serde(default, deserialize_with = "opt")]
    pub mobile: Option<String>,
    /// The caller id shown.
    #[serde(default, deserialize_with = "opt")]
    pub caller_id: Option<String>,
    /// Talk time as `HH:MM:SS`; see [`CallRecord::duration_seconds`].
    #[serde(default, deserialize_with = "opt")]
    pub duration: Option<String>,
    /// Billing pulse length in seconds (sent as a string, `"30"`).
    #[serde(default, deserialize_with = "opt_numeric_string")]
    pub pulsing: Option<u32>,
    /// Call outcome.
    #[serde(default, deserialize_with = "opt")]
    pub status: Option<CallStatus>,
    /// Charge, exactly as sent (`"0.1500"`).
    #[serde(default, deserialize_with = "opt_decimal")]
    pub charges: Option<Decimal>,
    /// Keys pressed, if any.
    #[serde(default, deserialize_with = "opt")]
    pub dtmf: Option<String>,
    /// Country code of the called number.
    #[serde(default, deserialize_with = "opt")]
    pub location: Option<String>,
    /// Operator code.
    #[serde(default, deserialize_with = "opt")]
    pub provider: Option<String>,
    /// Call start.
    #[serde(default, deserialize_with = "opt")]
    pub start_at: Option<EventTime>,
    /// Call end.
    #[serde(default, deserialize_with = "opt")]
    pub end_at: Option<EventTime>,
}

impl CallRecord {
    /// The `duration` in seconds (`"00:00:19"` → 19; a plain number of seconds also works).
    pub fn duration_seconds(&self) -> Option<u64> {
        let d = self.duration.as_deref()?.trim();
        if let Ok(n) = d.parse::<u64>() {
            return Some(n);
        }
        let mut total: u64 = 0;
        let mut parts = 0;
        for p in d.split(':') {
            let n: u64 = p.parse().ok()?;
            total = total.checked_mul(60)?.checked_add(n)?;
            parts += 1;
        }
        (parts <= 3).then_some(total)
    }
}

/// A contact created or updated (`contacts:subscriber:subscription`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ContactEvent {
    /// Contact (subscriber) id.
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The contact's identity (e.g. e-mail or number).
    #[serde(default, deserialize_with = "opt")]
    pub identity: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "opt")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default, deserialize_with = "opt")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "opt")]
    pub last_name: Option<String>,
    /// Gender.
    #[serde(default, deserialize_with = "opt")]
    pub gender: Option<String>,
    /// Birth date.
    #[serde(default, deserialize_with = "opt_date")]
    pub birth_date: Option<jiff::civil::Date>,
    /// Company.
    #[serde(default, deserialize_with = "opt")]
    pub company: Option<String>,
    /// Custom attributes.
    #[serde(default)]
    pub attributes: Option<Value>,
    /// Creation time.
    #[serde(default, deserialize_with = "opt")]
    pub created_at: Option<EventTime>,
    /// Last update time.
    #[serde(default, deserialize_with = "opt")]
    pub updated_at: Option<EventTime>,
    /// The platform's message, e.g. `"Subscriber created successfully"`.
    #[serde(default, deserialize_with = "opt")]
    pub status: Option<String>,
}

/// Whether a contact event is a creation or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactChange {
    /// The contact was created.
    Created,
    /// The contact was updated.
    Updated,
    /// The status message says neither.
    Unknown,
}

impl ContactEvent {
    /// Reads the change kind from the status message (`"Subscriber created successfully"` /
    /// `"Subscriber updated successfully"`).
    pub fn change(&self) -> ContactChange {
        let s = self.status.as_deref().unwrap_or("").to_ascii_lowercase();
        if s.contains("created") {
            ContactChange::Created
        } else if s.contains("updated") {
            ContactChange::Updated
        } else {
            ContactChange::Unknown
        }
    }
}

/// A smart-link visit (flat body, recognised by its `link_id` member).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct LinkVisit {
    /// Entry id.
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// The link's id (a number in the webhook example, a string in the visits listing).
    #[serde(default, deserialize_with = "opt")]
    pub link_id: Option<Id>,
    /// Account user id.
    #[serde(default, deserialize_with = "opt")]
    pub user_id: Option<Id>,
    /// Visit id.
    #[serde(default, deserialize_with = "opt")]
    pub visit_id: Option<String>,
    /// Visitor IP address.
    #[serde(default, deserialize_with = "opt")]
    pub client_ip: Option<String>,
    /// User-Agent header.
    #[serde(default, deserialize_with = "opt")]
    pub user_agent: Option<String>,
    /// Browser name.
    #[serde(default, deserialize_with = "opt")]
    pub browser: Option<String>,
    /// Browser version.
    #[serde(default, deserialize_with = "opt")]
    pub browser_version: Option<String>,
    /// Browser language.
    #[serde(default, deserialize_with = "opt")]
    pub browser_lang: Option<String>,
    /// Browser engine.
    #[serde(default, deserialize_with = "opt")]
    pub browser_engine: Option<String>,
    /// Operating system.
    #[serde(default, deserialize_with = "opt")]
    pub platform: Option<String>,
    /// Operating system version.
    #[serde(default, deserialize_with = "opt")]
    pub platform_version: Option<String>,
    /// Device type (`"smartphone"`, `"desktop"`, …).
    #[serde(default, deserialize_with = "opt")]
    pub device_type: Option<String>,
    /// Device brand.
    #[serde(default, deserialize_with = "opt")]
    pub device_brand: Option<String>,
    /// Device model.
    #[serde(default, deserialize_with = "opt")]
    pub device_model: Option<String>,
    /// Whether the device has a touch screen (`"0"`/`"1"` on the wire).
    #[serde(default, deserialize_with = "opt")]
    pub touch_enabled: Option<bool>,
    /// Country name.
    #[serde(default, deserialize_with = "opt")]
    pub country: Option<String>,
    /// Country code.
    #[serde(default, deserialize_with = "opt")]
    pub country_code: Option<String>,
    /// Region or state.
    #[serde(default, deserialize_with = "opt")]
    pub region: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "opt")]
    pub city: Option<String>,
    /// Short-link token.
    #[serde(default, deserialize_with = "opt")]
    pub token: Option<String>,
    /// Message id the link was sent in.
    #[serde(default, deserialize_with = "opt")]
    pub message_id: Option<String>,
    /// The number the link was sent to.
    #[serde(default, deserialize_with = "opt")]
    pub mobile: Option<String>,
    /// When the visit happened.
    #[serde(default, deserialize_with = "opt")]
    pub created_at: Option<EventTime>,
}
