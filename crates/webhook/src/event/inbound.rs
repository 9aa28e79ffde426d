//! The payload of inbound messages (WhatsApp, RCS, Viber, virtual numbers) and their content.

use super::*;

/// An inbound message (WhatsApp, RCS, Viber or a virtual mobile number).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundMessage {
    /// The platform's id for this message.
    pub id: Id,
    /// The channel(s) and the number or account it was sent to.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub channels: Vec<InboundChannel>,
    /// Who sent it. (The platform names this member `recipient`; it describes the sender.)
    #[serde(default)]
    pub recipient: Option<InboundSender>,
    /// The content.
    #[serde(default)]
    pub message: Option<MessageContent>,
}

impl InboundMessage {
    /// The sender's number or id, if present.
    pub fn from(&self) -> Option<&str> {
        self.recipient.as_ref()?.from.as_deref()
    }
    /// The text, when the content is a text message.
    pub fn text(&self) -> Option<&str> {
        match self.message.as_ref()? {
            MessageContent::Text { text } => Some(text),
            _ => None,
        }
    }
}

/// A list the sender may write as `null`: read as empty.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The channel an inbound message came in on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundChannel {
    /// Channel name (`"whatsapp"`, `"rcs"`, `"viber"`, `"vmn"`).
    #[serde(default, deserialize_with = "opt")]
    pub name: Option<String>,
    /// Your number or account that received the message.
    #[serde(default, deserialize_with = "opt")]
    pub to: Option<String>,
}

/// The sender of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundSender {
    /// Sender's number or channel id.
    #[serde(default, deserialize_with = "opt")]
    pub from: Option<String>,
    /// What the platform knows about the sender.
    #[serde(default)]
    pub user: Option<InboundUser>,
}

/// Profile of the sender of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InboundUser {
    /// User id.
    #[serde(default, deserialize_with = "opt")]
    pub id: Option<Id>,
    /// Identifier id in the contacts store.
    #[serde(default, deserialize_with = "opt")]
    pub identifier_id: Option<Id>,
    /// Subscriber (contact) id.
    #[serde(default, deserialize_with = "opt")]
    pub subscriber_id: Option<Id>,
    /// Identity (e.g. phone number or e-mail).
    #[serde(default, deserialize_with = "opt")]
    pub identity: Option<String>,
    /// Channel user name.
    #[serde(default, deserialize_with = "opt")]
    pub username: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "opt")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default, deserialize_with = "opt")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "opt")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, deserialize_with = "opt")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, deserialize_with = "opt")]
    pub phone: Option<String>,
    /// Custom attributes (a string in some examples, an object in others).
    #[serde(default)]
    pub attributes: Option<Value>,
    /// Channel profile details.
    #[serde(default)]
    pub user_info: Option<UserInfo>,
}

/// Channel profile details of an inbound sender.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// Profile picture URL.
    #[serde(default, deserialize_with = "opt")]
    pub picture: Option<String>,
    /// Gender.
    #[serde(default, deserialize_with = "opt")]
    pub gender: Option<String>,
    /// Status line or title.
    #[serde(default, deserialize_with = "opt")]
    pub title: Option<String>,
}

/// The content of an inbound message: `{"type": "...", "payload": {...}}` on the wire.
///
/// The reference only shows `text`; the media, location and button shapes follow the common
/// field names of the channels (`url`, `caption`, `filename`, `mime_type`, `latitude`,
/// `longitude`); other members stay in the raw body. Other types are kept raw in
/// [`MessageContent::Other`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MessageContent {
    /// A text message.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image(Media),
    /// A video.
    Video(Media),
    /// An audio clip or voice note.
    Audio(Media),
    /// A document or file.
    Document(Media),
    /// A sticker.
    Sticker(Media),
    /// A shared location.
    Location(Location),
    /// A tapped button or quick reply.
    Button(ButtonReply),
    /// Any other content type, kept as sent.
    Other {
        /// The `type` member.
        kind: String,
        /// The `payload` member (`null` when absent).
        payload: Value,
    },
}

impl MessageContent {
    /// The wire `type` of this content.
    pub fn kind(&self) -> &str {
        match self {
            MessageContent::Text { .. } => "text",
            MessageContent::Image(_) => "image",
            MessageContent::Video(_) => "video",
            MessageContent::Audio(_) => "audio",
            MessageContent::Document(_) => "document",
            MessageContent::Sticker(_) => "sticker",
            MessageContent::Location(_) => "location",
            MessageContent::Button(_) => "button",
            MessageContent::Other { kind, .. } => kind,
        }
    }
}

/// A media attachment of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Media {
    /// Where to download it.
    #[serde(default, deserialize_with = "opt")]
    pub url: Option<String>,
    /// Caption.
    #[serde(default, deserialize_with = "opt")]
    pub caption: Option<String>,
    /// File name (documents).
    #[serde(default, deserialize_with = "opt")]
    pub filename: Option<String>,
    /// MIME type.
    #[serde(default, deserialize_with = "opt")]
    pub mime_type: Option<String>,
}

/// A location shared in an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// Latitude in degrees.
    #[serde(default, deserialize_with = "opt")]
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    #[serde(default, deserialize_with = "opt")]
    pub longitude: Option<f64>,
    /// Place name.
    #[serde(default, deserialize_with = "opt")]
    pub name: Option<String>,
    /// Address.
    #[serde(default, deserialize_with = "opt")]
    pub address: Option<String>,
}

/// A button or quick-reply tap in an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ButtonReply {
    /// The button's text.
    #[serde(default, deserialize_with = "opt")]
    pub text: Option<String>,
    /// The button's payload or postback data.
    #[serde(default, deserialize_with = "opt")]
    pub payload: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct RawContent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Value,
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = RawContent::deserialize(d)?;
        fn media<E: Error>(p: &Value) -> Result<Media, E> {
            Media::deserialize(p).map_err(|e| E::custom(format!("payload: {e}")))
        }
        Ok(match raw.kind.as_str() {
            "text" => {
                let text = raw
                    .payload
                    .get("text")
                    .and_then(Value::as_str)
                    .ok_or_else(|| D::Error::custom("payload.text: expected a string"))?;
                MessageContent::Text {
                    text: text.to_owned(),
                }
            }
            "image" => MessageContent::Image(media(&raw.payload)?),
            "video" => MessageContent::Video(media(&raw.payload)?),
            "audio" | "voice" => MessageContent::Audio(media(&raw.payload)?),
            "document" | "file" => MessageContent::Document(media(&raw.payload)?),
            "sticker" => MessageContent::Sticker(media(&raw.payload)?),
            "location" => MessageContent::Location(
                Location::deserialize(&raw.payload)
                    .map_err(|e| D::Error::custom(format!("payload: {e}")))?,
            ),
            "button" | "quick_reply" | "reply" => MessageContent::Button(
                ButtonReply::deserialize(&raw.payload)
                    .map_err(|e| D::Error::custom(format!("payload: {e}")))?,
            ),
            _ => MessageContent::Other {
                kind: raw.kind,
                payload: raw.payload,
            },
        })
    }
}

impl Serialize for MessageContent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let payload = match self {
            MessageContent::Text { text } => serde_json::json!({ "text": text }),
            MessageContent::Image(m)
            | MessageContent::Video(m)
            | MessageContent::Audio(m)
            | MessageContent::Document(m)
            | MessageContent::Sticker(m) => {
                serde_json::to_value(m).map_err(serde::ser::Error::custom)?
            }
            MessageContent::Location(l) => {
                serde_json::to_value(l).map_err(serde::ser::Error::custom)?
            }
            MessageContent::Button(b) => {
                serde_json::to_value(b).map_err(serde::ser::Error::custom)?
            }
            MessageContent::Other { payload, .. } => payload.clone(),
        };
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("type", self.kind())?;
        m.serialize_entry("payload", &payload)?;
        m.end()
    }
}
