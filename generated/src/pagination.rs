//! Walking paginated lists as streams.
//!
//! Paginated operations (`x-pagination: page` in the spec) return an envelope with `data`,
//! `links` and `meta`. Their request builders offer `.items()` (a [`Stream`] of items across all
//! pages) and `.pages()` (a stream of whole pages). Both are lazy: the next page is requested
//! only when the previous one has been consumed, so at most one request is in flight and one
//! page is held in memory.

use std::collections::VecDeque;

use futures_util::Stream;
use futures_util::stream;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;
use crate::request::Request;

/// A page of a paginated list (implemented by the generated list envelopes).
pub trait Paginated: DeserializeOwned + Send + 'static {
    /// The list's item type.
    type Item: Send + 'static;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
    /// `meta.current_page`.
    fn current_page(&self) -> Option<u64>;
    /// `meta.last_page`.
    fn last_page(&self) -> Option<u64>;
    /// Whether another page follows: `links.next` non-null, else `current_page < last_page`.
    fn has_next(&self) -> bool;
}

/// The usual `has_next` rule, for implementations of [`Paginated::has_next`]: a non-empty
/// `links.next` decides; without links, `current_page < last_page`.
pub fn default_has_next(next_link: Option<&str>, current: Option<u64>, last: Option<u64>) -> bool {
    match next_link {
        Some(l) if !l.is_empty() => true,
        _ => matches!((current, last), (Some(c), Some(l)) if c < l),
    }
}

struct PageState<F> {
    client: Client,
    make_request: F,
    next_page: Option<u64>,
}

impl<F: Fn(u64) -> Request> PageState<F> {
    /// Fetches the next page, if any, and advances the cursor.
    async fn fetch<R: Paginated>(&mut self) -> Option<Result<R, Error>> {
        let page = self.next_page.take()?;
        let result = self.client.execute::<R>((self.make_request)(page)).await;
        if let Ok(r) = &result {
            // Stop on an empty page or when the server reports no next page, and never go
            // backwards (a server repeating the same page would otherwise loop forever).
            let served = r.current_page().unwrap_or(page);
            if r.has_next() && served >= page {
                self.next_page = Some(served + 1);
            }
        }
        Some(result)
    }
}

/// Lazily fetches page after page (one request in flight, one page in memory), yielding whole
/// pages. The stream ends after the last page, or after the first error.
pub fn stream_pages<R: Paginated>(
    client: Client,
    make_request: impl Fn(u64) -> Request + Send + Sync + 'static,
    first_page: u64,
) -> impl Stream<Item = Result<R, Error>> + Send {
    let state = PageState {
        client,
        make_request,
        next_page: Some(first_page),
    };
    stream::unfold(state, |mut state| async move {
        let page = state.fetch::<R>().await?;
        if page.is_err() {
            state.next_page = None;
        }
        Some((page, state))
    })
}

/// Lazily fetches page after page (one request in flight, one page in memory), yielding the
/// items. The stream ends after the last item of the last page (no `links.next` and
/// `current_page >= last_page`), at an empty page, when the server serves a page number lower
/// than the one asked for (so a misbehaving server cannot make it loop), or after the first error.
pub fn stream_items<R: Paginated>(
    client: Client,
    make_request: impl Fn(u64) -> Request + Send + Sync + 'static,
    first_page: u64,
) -> impl Stream<Item = Result<R::Item, Error>> + Send {
    let state = (
        PageState {
            client,
            make_request,
            next_page: Some(first_page),
        },
        VecDeque::<R::Item>::new(),
    );
    stream::unfold(state, |(mut pages, mut buffer)| async move {
        loop {
            if let Some(item) = buffer.pop_front() {
                return Some((Ok(item), (pages, buffer)));
            }
            match pages.fetch::<R>().await? {
                Ok(page) => {
                    let items = page.into_items();
                    if items.is_empty() {
                        pages.next_page = None;
                    }
                    buffer = items.into();
                }
                Err(e) => {
                    pages.next_page = None;
                    return Some((Err(e), (pages, buffer)));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_next_rule() {
        assert!(default_has_next(Some("http://x?page=2"), Some(1), Some(1)));
        assert!(!default_has_next(Some(""), Some(1), Some(1)));
        assert!(!default_has_next(None, Some(2), Some(2)));
        assert!(default_has_next(None, Some(1), Some(2)));
        assert!(!default_has_next(None, None, Some(2)));
    }
}
