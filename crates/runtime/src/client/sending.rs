//! [`Sending`]: the future a generated `.send()` returns.
//!
//! A named future instead of an `async fn`: an `async fn send` is a state machine per
//! operation, type-checked and laid out in the generated crate and compiled again in every crate
//! that awaits it. `Sending<T>` is one type for all of them; what it awaits (the whole exchange)
//! is compiled once, in this crate, and what it decodes (`T`'s [`ResponseBody`]) once, where `T`
//! is defined. It is `Send`, `Unpin` and `'static`, so it can be spawned or kept in a struct.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{CallFuture, Client, ResponseBody};
use crate::error::Error;
use crate::request::Request;

/// The future of a generated `.send()`: the exchange, then the success body decoded as `T`.
///
/// Nothing is sent until it is first polled. Dropping it before it completes abandons the
/// exchange where it stands, as dropping the `async fn` future it replaces did: a request that
/// was already written may have reached the server, and nothing tells whether it did (an error
/// tells it: [`Error::was_processed`](crate::Error::was_processed)). Like any future, it must
/// not be polled after it completed; it panics then, as an `async fn`'s future does.
#[must_use = "a request is sent only when its future is awaited"]
pub struct Sending<T> {
    state: State,
    decode: PhantomData<fn() -> T>,
}

enum State {
    /// The exchange is running.
    Calling(CallFuture<'static>),
    /// Building the request failed (a body that could not be serialised): nothing is sent.
    Failed(Error),
    /// The future completed.
    Done,
}

impl Client {
    /// Sends `req` and decodes its success body as `T` (a [`ResponseBody`]): what every generated
    /// `.send()` returns. `req` is the request, or the error met while building it (a body that
    /// could not be serialised); then nothing is sent and the future resolves to that error.
    pub fn send_body<T: ResponseBody>(&self, req: Result<Request, Error>) -> Sending<T> {
        let state = match req {
            Ok(req) => {
                let client = self.clone();
                State::Calling(Box::pin(async move { client.run(req).await }))
            }
            Err(error) => State::Failed(error),
        };
        Sending {
            state,
            decode: PhantomData,
        }
    }
}

impl<T: ResponseBody> Future for Sending<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Calling(mut call) => match call.as_mut().poll(cx) {
                Poll::Pending => {
                    self.state = State::Calling(call);
                    Poll::Pending
                }
                Poll::Ready(exchange) => Poll::Ready(exchange.and_then(T::decode)),
            },
            State::Failed(error) => Poll::Ready(Err(error)),
            State::Done => panic!("`Sending` polled after it completed"),
        }
    }
}

impl<T> std::fmt::Debug for Sending<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Calling(_) => "calling",
            State::Failed(_) => "failed before sending",
            State::Done => "done",
        };
        f.debug_struct("Sending").field("state", &state).finish()
    }
}
