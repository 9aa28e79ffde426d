//! The durable outbox (the `qikberry-outbox` crate, feature `outbox`), with [`Client`] as its
//! REST transport: `RestTransport::new(client)`.
//!
//! Every send goes out with `custom` = your reference, so a send in doubt is looked up with
//! `GET /sms/status?cid=…` before anything is resent. See the crate's documentation for the
//! whole picture.

pub use qikberry_outbox::*;

use futures_util::future::BoxFuture;

use crate::Client;
use crate::sms::{SmsDeliveryStatusFilter, SmsSendDirect};

impl RestApi for Client {
    /// `POST /sms/send` with `custom` = `reference` (service `T` unless the message says).
    fn send_sms<'a>(
        &'a self,
        message: &'a Message,
        reference: &'a str,
    ) -> BoxFuture<'a, std::result::Result<Accepted, crate::Error>> {
        Box::pin(async move {
            let service = message.service.as_deref().unwrap_or("T");
            let mut body =
                SmsSendDirect::new(&*message.from, &*message.to, &*message.text, service)
                    .custom(reference);
            body.entity_id.clone_from(&message.entity_id);
            body.template_id.clone_from(&message.template_id);
            let sent = self.sms().send_message(body).send().await?;
            let ids = sent.data.unwrap_or_default().into_iter();
            Ok(Accepted::new(
                ids.filter_map(|r| r.id).collect(),
                sent.group_id,
            ))
        })
    }

    /// `GET /sms/status?cid=reference`; a 404 means none.
    fn find_by_reference<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, std::result::Result<Vec<Found>, crate::Error>> {
        Box::pin(async move {
            let filter = SmsDeliveryStatusFilter::new().cid(reference);
            let page = match self.sms().get_delivery_status().filter(filter).send().await {
                Ok(page) => page,
                Err(e) if e.is_not_found() => return Ok(Vec::new()),
                Err(e) => return Err(e),
            };
            let mine = |s: &crate::sms::SmsDeliveryStatus| {
                s.custom.as_deref().is_none_or(|c| c == reference)
            };
            Ok(page
                .data
                .unwrap_or_default()
                .into_iter()
                .filter(mine)
                .filter_map(|s| Some(Found::new(s.id?, s.status)))
                .collect())
        })
    }
}
