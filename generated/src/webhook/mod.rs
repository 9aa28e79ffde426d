//! Webhook events the platform pushes to your URL: typed payloads, verification and a receiver.
