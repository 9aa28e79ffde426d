//! Lists SMS sender IDs, walking every page as a stream.
//!
//! ```sh
//! # no account? `cargo xtask sandbox` in another shell, then export what it prints
//! export QIKBERRY_TOKEN=...
//! export QIKBERRY_HOST=sms.your-reseller.com   # optional (white-label host)
//! cargo run -p qikberry-examples --example list_senders            # all senders
//! cargo run -p qikberry-examples --example list_senders -- BANK    # senders whose name contains BANK
//! ```
//!
//! `.items()` fetches pages lazily: the next page is requested only when the items of the
//! current one have been consumed, so memory use stays at one page whatever the list's length.
//! With `RetryLayer`, a page that fails with 429/5xx is fetched again (GETs are safe to repeat).

use futures_util::TryStreamExt;
use qikberry::sms::SmsSenderFilter;
use qikberry::{Client, RetryLayer};

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1);

    common::require_token();
    let client = Client::builder()
        .token_from_env() // QIKBERRY_TOKEN
        .host_from_env() // QIKBERRY_HOST, if set (white-label host)
        .layer(RetryLayer::new())
        .build()?;

    let mut request = client.sms().list_senders();
    if let Some(name) = name {
        request = request.filter(SmsSenderFilter::new().name(name));
    }
    let mut senders = std::pin::pin!(request.items());
    let mut count = 0usize;
    while let Some(sender) = senders.try_next().await? {
        count += 1;
        println!(
            "{:<10} {:<40} status={}",
            sender.name.as_deref().unwrap_or("-"),
            sender.entity_name.as_deref().unwrap_or("-"),
            sender.status.map_or("-".to_owned(), |s| s.to_string()),
        );
    }
    println!("{count} senders");
    Ok(())
}
