//! The async adapter: a [`Stream`] that sends the request, reads the body,
//! and runs the [`Driver`] over it, retrying as the driver says.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use structream_provider::http::ByteStream;
use structream_provider::{FinishReason, StreamDecoder, Usage};

use crate::driver::{Driver, Next};
use crate::endpoint::Endpoint;
use crate::{Error, Event, Structured};

type Sending = Pin<Box<dyn Future<Output = Result<ByteStream, structream_provider::Error>> + Send>>;

enum State {
    Idle,
    Sending(Sending),
    Reading {
        body: ByteStream,
        decoder: Box<dyn StreamDecoder>,
    },
    Done,
}

/// The stream of a call: [`Event`]s as the response streams in.
///
/// Dropping it closes the connection. After it ends, [`CallStream::usage`]
/// and [`CallStream::finish_reason`] tell what the call cost and how the
/// model stopped.
pub struct CallStream<T: Structured> {
    driver: Box<Driver<T>>,
    client: Arc<Endpoint>,
    state: State,
}

impl<T: Structured> std::fmt::Debug for CallStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallStream")
            .field("driver", &self.driver)
            .finish_non_exhaustive()
    }
}

impl<T: Structured> CallStream<T> {
    pub(crate) fn new(driver: Driver<T>, client: Arc<Endpoint>) -> Self {
        CallStream {
            driver: Box::new(driver),
            client,
            state: State::Idle,
        }
    }

    /// A stream that yields `error` and ends.
    pub(crate) fn failed(mut driver: Driver<T>, client: Arc<Endpoint>, error: Error) -> Self {
        driver.fail(error);
        CallStream {
            driver: Box::new(driver),
            client,
            state: State::Done,
        }
    }

    /// Token usage so far, over every attempt.
    pub fn usage(&self) -> Usage {
        self.driver.usage()
    }

    /// Why the model stopped, in the last response.
    pub fn finish_reason(&self) -> Option<FinishReason> {
        self.driver.finish_reason()
    }

    /// The model's raw output in the last attempt, once it has ended.
    pub fn raw_output(&self) -> &str {
        self.driver.last_output()
    }
}

impl<T: Structured> Stream for CallStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.driver.pop() {
                return Poll::Ready(Some(event));
            }
            match this.driver.next() {
                Next::Done => {
                    this.state = State::Done;
                    return Poll::Ready(None);
                }
                Next::Abort => {
                    // The rest of this response is not wanted: dropping the
                    // body closes the connection.
                    this.state = State::Idle;
                    this.driver.aborted();
                    continue;
                }
                Next::Send if matches!(this.state, State::Idle | State::Reading { .. }) => {
                    let request = match this.client.provider.build_request(this.driver.request()) {
                        Ok(r) => r,
                        Err(e) => {
                            this.driver.fail(Error::from_provider(e));
                            continue;
                        }
                    };
                    let client = Arc::clone(&this.client);
                    this.state =
                        State::Sending(Box::pin(async move { client.http.send(&request).await }));
                }
                _ => {}
            }
            match &mut this.state {
                State::Idle | State::Done => return Poll::Ready(None),
                State::Sending(future) => match future.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(body)) => {
                        this.driver.sent();
                        this.state = State::Reading {
                            body,
                            decoder: this.client.provider.decoder(),
                        };
                    }
                    Poll::Ready(Err(e)) => {
                        this.state = State::Done;
                        this.driver.fail(Error::from_provider(e));
                    }
                },
                State::Reading { body, decoder } => match Pin::new(body).poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(bytes))) => this.driver.feed(decoder.as_mut(), &bytes),
                    // The connection failed while the body streamed.
                    Poll::Ready(Some(Err(e))) => this.driver.broken(Error::from_provider(e)),
                    Poll::Ready(None) => {
                        this.driver.finish(decoder.as_mut());
                        if matches!(this.driver.next(), Next::Send) {
                            this.state = State::Idle;
                        }
                    }
                },
            }
        }
    }
}

/// Awaits the next item of a stream (without a futures crate).
pub(crate) async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}
