//! Walking paginated lists as streams.
//!
//! Paginated operations (`x-pagination: page` in the spec) return an envelope with `data`,
//! `links` and `meta`. Their request builders offer `.items()` (a [`Stream`] of items across all
//! pages) and `.pages()` (a stream of whole pages). Both are lazy: the next page is requested
//! only when the previous one has been consumed, so at most one request is in flight and one
//! page is held in memory.
//!
//! A misbehaving server cannot make a stream loop: it ends when the server serves a page number
//! lower than the one asked for, when `links.next` points at the page just fetched (or an
//! earlier one), or when a page's body repeats one already seen (a server that ignores `page`);
//! a repeated page is not yielded again. After
//! [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages) pages (default
//! [`DEFAULT_MAX_PAGES`]) the stream yields [`Error::Pagination`] and ends.

use std::collections::{HashSet, VecDeque};

use crate::client::{Client, ResponseBody};
use crate::error::Error;
use crate::request::Request;
use futures_util::Stream;
use futures_util::stream;

/// A page of a paginated list (implemented by the generated list envelopes).
pub trait Paginated: ResponseBody + Send + 'static {
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
    /// `links.next`, when the envelope has it (used to stop when it points back at the page just
    /// fetched).
    fn next_link(&self) -> Option<&str> {
        None
    }
}

/// The default cap on the pages one stream fetches (see
/// [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages)).
pub const DEFAULT_MAX_PAGES: u64 = 100_000;

/// The `page` query parameter of a `links.next` URL (absolute or relative).
fn page_of_link(link: &str) -> Option<u64> {
    let query = link.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.trim().parse().ok())
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
    /// Pages fetched so far, against the client's `max_pages`.
    fetched: u64,
    /// Fingerprints of the bodies seen, to notice a page served twice.
    seen: HashSet<u64>,
}

impl<F: Fn(u64) -> Request> PageState<F> {
    fn new(client: Client, make_request: F, first_page: u64) -> Self {
        PageState {
            client,
            make_request,
            next_page: Some(first_page),
            fetched: 0,
            seen: HashSet::new(),
        }
    }

    /// Fetches the next page, if any, and advances the cursor. `Some(Ok(None))`: the server
    /// served a page already seen, and the stream ends without yielding it again.
    async fn fetch<R: Paginated>(&mut self) -> Option<Result<Option<R>, Error>> {
        let page = self.next_page.take()?;
        let req = (self.make_request)(page);
        let max = self.client.max_pages();
        if self.fetched >= max {
            return Some(Err(Error::Pagination {
                operation: req.operation_id,
                message: format!("stopped after {max} pages (ClientBuilder::max_pages)"),
            }));
        }
        self.fetched += 1;
        let (r, fingerprint) = match self.client.execute_fingerprinted::<R>(req).await {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        if !self.seen.insert(fingerprint) {
            return Some(Ok(None));
        }
        // Stop on an empty page or when the server reports no next page, and never go
        // backwards or stand still (a server ignoring `page` would otherwise loop forever).
        let served = r.current_page().unwrap_or(page);
        let next_is_back = r
            .next_link()
            .and_then(page_of_link)
            .is_some_and(|next| next <= page);
        if r.has_next() && served >= page && !next_is_back {
            self.next_page = Some(served + 1);
        }
        Some(Ok(Some(r)))
    }
}

/// Lazily fetches page after page (one request in flight, one page in memory), yielding whole
/// pages. The stream ends after the last page, or after the first error.
pub fn stream_pages<R: Paginated>(
    client: impl Into<Client>,
    make_request: impl Fn(u64) -> Request + Send + Sync + 'static,
    first_page: u64,
) -> impl Stream<Item = Result<R, Error>> + Send {
    let state = PageState::new(client.into(), make_request, first_page);
    stream::unfold(state, |mut state| async move {
        match state.fetch::<R>().await? {
            Ok(Some(page)) => Some((Ok(page), state)),
            Ok(None) => None,
            Err(e) => {
                state.next_page = None;
                Some((Err(e), state))
            }
        }
    })
}

/// Lazily fetches page after page (one request in flight, one page in memory), yielding the
/// items. The stream ends after the last item of the last page (no `links.next` and
/// `current_page >= last_page`), at an empty page, when the server serves a page number lower
/// than the one asked for (so a misbehaving server cannot make it loop), or after the first error.
pub fn stream_items<R: Paginated>(
    client: impl Into<Client>,
    make_request: impl Fn(u64) -> Request + Send + Sync + 'static,
    first_page: u64,
) -> impl Stream<Item = Result<R::Item, Error>> + Send {
    let state = (
        PageState::new(client.into(), make_request, first_page),
        VecDeque::<R::Item>::new(),
    );
    stream::unfold(state, |(mut pages, mut buffer)| async move {
        loop {
            if let Some(item) = buffer.pop_front() {
                return Some((Ok(item), (pages, buffer)));
            }
            match pages.fetch::<R>().await? {
                Ok(None) => return None,
                Ok(Some(page)) => {
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

    #[test]
    fn page_of_next_link() {
        assert_eq!(page_of_link("https://x/api/v2/sms/senders?page=3"), Some(3));
        assert_eq!(
            page_of_link("/sms/senders?filter%5Bx%5D=1&page=12#f"),
            Some(12)
        );
        assert_eq!(page_of_link("https://x/api/v2/sms/senders"), None);
        assert_eq!(page_of_link("?page=abc"), None);
    }
}
