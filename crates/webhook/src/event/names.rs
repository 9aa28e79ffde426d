//! Event names, exactly as the platform writes them in the envelope's `event` member.

/// SMS delivery report.
pub const SMS_MESSAGE_STATUS: &str = "sms:message:status";
/// SMS opt-out.
pub const SMS_UNSUBSCRIPTION: &str = "sms:unsubscription";
/// Inbound WhatsApp message.
pub const WHATSAPP_MESSAGE_IN: &str = "whatsapp:message:in";
/// WhatsApp message status.
pub const WHATSAPP_MESSAGE_STATUS: &str = "whatsapp:message:status";
/// WhatsApp opt-out.
pub const WHATSAPP_UNSUBSCRIPTION: &str = "whatsapp:unsubscription";
/// Inbound RCS message.
pub const RCS_MESSAGE_IN: &str = "rcs:message:in";
/// RCS message status.
pub const RCS_MESSAGE_STATUS: &str = "rcs:message:status";
/// RCS opt-out.
pub const RCS_UNSUBSCRIPTION: &str = "rcs:unsubscription";
/// Voice call record (CDR).
pub const VOICE_MESSAGE_OUT: &str = "voice:message:out";
/// Voice opt-out.
pub const VOICE_UNSUBSCRIPTION: &str = "voice:unsubscription";
/// Viber message status.
pub const VIBER_MESSAGE_STATUS: &str = "viber:message:status";
/// Inbound Viber message.
pub const VIBER_MESSAGE_IN: &str = "viber:message:in";
/// Viber opt-out.
pub const VIBER_UNSUBSCRIPTION: &str = "viber:unsubscription";
/// Inbound message on a virtual mobile number (Interact).
pub const VMN_MESSAGE_IN: &str = "vmn:message:in";
/// Contact created or updated.
pub const CONTACTS_SUBSCRIBER_SUBSCRIPTION: &str = "contacts:subscriber:subscription";
/// Smart-link visit. The platform sends this payload without an envelope; the name is the
/// one this crate uses for it.
pub const LINK_VISIT: &str = "link:visit";

/// A bare opt-out record (the platform's samples of every `*:unsubscription` push show it
/// without the envelope, so the body does not say which channel); the name is the one this
/// crate uses for it. Tell the channel by the webhook the push arrived on.
pub const UNSUBSCRIPTION: &str = "unsubscription";

/// The 15 event names of the reference's subscription table, in its order.
pub const SUBSCRIBABLE: [&str; 15] = [
    SMS_MESSAGE_STATUS,
    SMS_UNSUBSCRIPTION,
    WHATSAPP_MESSAGE_IN,
    WHATSAPP_MESSAGE_STATUS,
    WHATSAPP_UNSUBSCRIPTION,
    RCS_MESSAGE_IN,
    RCS_MESSAGE_STATUS,
    RCS_UNSUBSCRIPTION,
    VOICE_MESSAGE_OUT,
    VOICE_UNSUBSCRIPTION,
    VIBER_MESSAGE_STATUS,
    VIBER_MESSAGE_IN,
    VIBER_UNSUBSCRIPTION,
    VMN_MESSAGE_IN,
    CONTACTS_SUBSCRIBER_SUBSCRIPTION,
];
