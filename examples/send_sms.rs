//! Sends one SMS with the REST API.
//!
//! ```sh
//! # no account? `cargo xtask sandbox` in another shell, then export what it prints
//! export QIKBERRY_TOKEN=...           # your API token (QIKBERRY_HOST=... for a white-label host)
//! cargo run -p qikberry-examples --example send_sms -- 919999999999 "Your OTP is 1234" TXTSMS T
//! ```
//!
//! Arguments: destination number(s) (comma-separated), text, sender ID (default `TXTSMS`) and
//! service (`T` transactional, `P` promotional, `S` service, `G` global; default `T`). On DLT
//! routes (India) the text must match an approved template.
//!
//! A send is a POST: the client never retries it on its own (a duplicate SMS is billed twice), so
//! on a timeout check the delivery status before sending again.

use qikberry::Client;
use qikberry::sms::{SmsDestinations, SmsSendDirect};

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(to), Some(text)) = (args.next(), args.next()) else {
        eprintln!("usage: send_sms <number[,number...]> <text> [sender] [service]");
        std::process::exit(2);
    };
    let sender = args.next().unwrap_or_else(|| "TXTSMS".to_owned());
    let service = args.next().unwrap_or_else(|| "T".to_owned());

    // Reads QIKBERRY_TOKEN (and QIKBERRY_HOST if set).
    common::require_token();
    let client = Client::from_env()?;

    let message = SmsSendDirect::new(sender, SmsDestinations::from(to), text, service);
    match client.sms().send_message(message).send().await {
        Ok(sent) => {
            println!("{}", sent.message);
            if let Some(group_id) = &sent.group_id {
                println!("group id (for delivery status): {group_id}");
            }
            for receipt in sent.data.unwrap_or_default() {
                println!("{receipt:?}");
            }
            Ok(())
        }
        Err(e) if e.is_unauthorized() => Err("the token was rejected: check QIKBERRY_TOKEN".into()),
        Err(e) if e.is_validation() => {
            eprintln!("rejected: {}", e.api_message().unwrap_or_default());
            for (field, problems) in e.validation_errors().into_iter().flatten() {
                eprintln!("  {field}: {}", problems.join("; "));
            }
            std::process::exit(1);
        }
        Err(e) => Err(e.into()),
    }
}
