//! Sends an approved WhatsApp template message.
//!
//! ```sh
//! # no account? `cargo xtask sandbox` in another shell, then export what it prints
//! export QIKBERRY_TOKEN=...           # QIKBERRY_HOST=... for a white-label host
//! cargo run -p qikberry-examples --example send_whatsapp_template -- order_update 919999999999 name=Asha order=A-1042
//! ```
//!
//! Arguments: the template's alias, the recipient number, then `variable=value` pairs for the
//! template's `{{variable}}` placeholders.

use std::collections::BTreeMap;

use qikberry::Client;
use qikberry::common::TemplateRef;
use qikberry::whatsapp::{WhatsappSendTemplateRequest, WhatsappTemplateRecipient};

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(alias), Some(to)) = (args.next(), args.next()) else {
        eprintln!("usage: send_whatsapp_template <template-alias> <number> [name=value ...]");
        std::process::exit(2);
    };
    let mut data = BTreeMap::new();
    for pair in args {
        let Some((name, value)) = pair.split_once('=') else {
            eprintln!("expected name=value, got {pair:?}");
            std::process::exit(2);
        };
        data.insert(name.to_owned(), value.to_owned());
    }

    common::require_token();
    let client = Client::from_env()?;
    let request = WhatsappSendTemplateRequest::new(
        TemplateRef::Alias(alias),
        data,
        WhatsappTemplateRecipient::new(vec![to]),
    );
    let sent = client.whatsapp().send_template(request).send().await?;
    println!("{} ({})", sent.message, sent.status);
    for message in &sent.data {
        println!("{message:?}");
    }
    Ok(())
}
