//! The typed driver over a response body you already have: recorded, or
//! read by your own HTTP stack. The same driver as the client's streams,
//! with no I/O (and so no validation retries: a retry needs a new request).

use structream_provider::{FinishReason, StreamDecoder, Usage};

use crate::driver::{Driver, Next};
use crate::{Error, Event, Structured};

/// Decodes a response body chunk by chunk into typed [`Event`]s; made by
/// [`Client::body_decoder`](crate::Client::body_decoder).
///
/// ```
/// # use schemars::JsonSchema; use serde::Deserialize; use structream::{Client, Event, Partial};
/// use structream::CallKind;
///
/// #[derive(Debug, Deserialize, JsonSchema, Partial)]
/// struct User { name: String, age: u32 }
///
/// let body = structream::replay::openai_tool_calls(&[("User", r#"{"name":"Jo","age":7}"#)], 2);
/// let client = Client::builder_from("openai/any-model")?.api_key("unused").build()?;
/// let mut decoder = client.body_decoder::<User>(CallKind::Partial);
/// let mut partials = 0;
/// for chunk in body.chunks(16) {
///     for event in decoder.feed(chunk) {
///         if let Event::Partial(_) = event? { partials += 1 }
///     }
/// }
/// let last = decoder.finish().last().unwrap()?;
/// assert!(matches!(last, Event::Done(User { age: 7, .. })));
/// assert!(partials > 1);
/// # Ok::<(), structream::Error>(())
/// ```
#[derive(Debug)]
pub struct BodyDecoder<T: Structured> {
    driver: Driver<T>,
    decoder: Box<dyn StreamDecoder>,
}

impl<T: Structured> BodyDecoder<T> {
    pub(crate) fn new(mut driver: Driver<T>, decoder: Box<dyn StreamDecoder>) -> Self {
        driver.sent();
        BodyDecoder { driver, decoder }
    }

    /// Decodes a chunk of the body; the events it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> impl Iterator<Item = Result<Event<T>, Error>> + '_ {
        self.driver.feed(self.decoder.as_mut(), chunk);
        self.drain()
    }

    /// Ends the body: the last events (the final value, or an error).
    pub fn finish(&mut self) -> impl Iterator<Item = Result<Event<T>, Error>> + '_ {
        self.driver.finish(self.decoder.as_mut());
        if matches!(self.driver.next(), Next::Send | Next::Abort) {
            // A retry would need a new request: end with the error instead.
            self.driver.fail(Error::Config(
                "validation failed and a body decoder cannot ask again".into(),
            ));
        }
        self.drain()
    }

    fn drain(&mut self) -> impl Iterator<Item = Result<Event<T>, Error>> + '_ {
        std::iter::from_fn(|| self.driver.pop())
    }

    /// Token usage the body reported.
    pub fn usage(&self) -> Usage {
        self.driver.usage()
    }

    /// Why the model stopped, if the body said.
    pub fn finish_reason(&self) -> Option<FinishReason> {
        self.driver.finish_reason()
    }
}
