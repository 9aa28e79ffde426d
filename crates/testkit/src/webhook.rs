//! [`WebhookSender`]: delivers webhook events the way the platform's PHP sender does — the JSON
//! escaped like PHP's `json_encode` (`/` as `\/`, non-ASCII as `\uXXXX`), the `Signature` header
//! the lowercase hex HMAC-SHA256 of those exact bytes keyed by the webhook id, and the webhook's
//! secret as `Authorization: Bearer`. Encoding and signature come from `qikberry::webhook`
//! (`encode_like_sender`, `SignatureScheme`), the code the receiver checks with.

use qikberry::webhook::{SignatureScheme, encode_like_sender};

/// What the receiver answered to one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivered {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The answer's body.
    pub body: String,
    /// The exact bytes sent (what the signature covers).
    pub sent: Vec<u8>,
}

/// Why a delivery got no answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The request failed (connection refused, timeout, …).
    Transport(qikberry::reqwest::Error),
    /// The signature scheme cannot sign (a custom verification function).
    UnsignableScheme,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transport(e) => write!(f, "webhook delivery failed: {e}"),
            SendError::UnsignableScheme => f.write_str("a custom signature scheme cannot sign"),
        }
    }
}

impl std::error::Error for SendError {}

/// Sends signed webhook events to a receiver, as the platform does.
#[derive(Clone)]
pub struct WebhookSender {
    webhook_id: String,
    secret: Option<String>,
    scheme: SignatureScheme,
    http: qikberry::reqwest::Client,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSender")
            .field("webhook_id", &self.webhook_id)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl WebhookSender {
    /// A sender for the webhook `webhook_id` (the signature key) with its Bearer `secret`.
    pub fn new(webhook_id: impl Into<String>, secret: impl Into<String>) -> WebhookSender {
        WebhookSender {
            webhook_id: webhook_id.into(),
            secret: Some(secret.into()),
            scheme: SignatureScheme::HmacSha256Hex,
            http: qikberry::reqwest::Client::new(),
        }
    }

    /// Sends no `Authorization` header (a webhook registered without a secret).
    pub fn without_secret(mut self) -> WebhookSender {
        self.secret = None;
        self
    }

    /// Signs with another scheme (the default is the platform's, HMAC-SHA256 in hex).
    pub fn scheme(mut self, scheme: SignatureScheme) -> WebhookSender {
        self.scheme = scheme;
        self
    }

    /// POSTs `event` to `url`, encoded and signed like the platform.
    pub async fn send(&self, url: &str, event: &serde_json::Value) -> Result<Delivered, SendError> {
        self.send_raw(url, encode_like_sender(event)).await
    }

    /// POSTs `body` exactly as given, signed (for bodies a JSON value cannot express).
    pub async fn send_raw(&self, url: &str, body: Vec<u8>) -> Result<Delivered, SendError> {
        let signature = self
            .scheme
            .sign(self.webhook_id.as_bytes(), &body)
            .ok_or(SendError::UnsignableScheme)?;
        let mut req = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("signature", signature)
            .body(body.clone());
        if let Some(secret) = &self.secret {
            req = req.header("authorization", format!("Bearer {secret}"));
        }
        let resp = req.send().await.map_err(SendError::Transport)?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(SendError::Transport)?;
        Ok(Delivered {
            status,
            body: text,
            sent: body,
        })
    }
}
