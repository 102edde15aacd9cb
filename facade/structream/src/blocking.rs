//! The same calls, blocking: each is the async call driven to completion on
//! a runtime the client owns (like `reqwest::blocking`). Do not use it from
//! inside an async runtime.

use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;
use structream_provider::{FinishReason, Usage};

use crate::runtime::Runtime;
use crate::{CallStream, Completion, Error, Event, Request, Structured};

/// A blocking [`crate::Client`].
///
/// ```no_run
/// # use schemars::JsonSchema; use serde::Deserialize; use structream::Partial;
/// # #[derive(Debug, Deserialize, JsonSchema, Partial)] struct User { name: String, age: u32 }
/// use structream::{Event, blocking::Client};
///
/// let client = Client::from_provider("openai/gpt-4.1-mini")?;
/// for event in client.create_iterable::<User>("Jason is 10 and John is 30") {
///     if let Event::Item(user) = event? {
///         println!("{user:?}");
///     }
/// }
/// # Ok::<(), structream::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

impl Client {
    /// Wraps an async client.
    pub fn new(inner: crate::Client) -> Result<Self, Error> {
        Ok(Client {
            inner,
            runtime: Arc::new(Runtime::new()?),
        })
    }

    /// See [`crate::Client::from_provider`].
    pub fn from_provider(spec: &str) -> Result<Self, Error> {
        Client::new(crate::Client::from_provider(spec)?)
    }

    /// See [`crate::Client::batches`].
    pub fn batches(&self) -> Result<crate::batch::blocking::Batches, Error> {
        let batches = self.inner.batches()?;
        Ok(crate::batch::blocking::Batches::new(
            batches,
            Arc::clone(&self.runtime),
        ))
    }

    /// See [`crate::Client::create`].
    pub fn create<T: Structured>(&self, request: impl Into<Request>) -> Result<T, Error> {
        self.runtime.block_on(self.inner.create(request))
    }

    /// See [`crate::Client::create_with_completion`].
    pub fn create_with_completion<T: Structured>(
        &self,
        request: impl Into<Request>,
    ) -> Result<Completion<T>, Error> {
        self.runtime
            .block_on(self.inner.create_with_completion(request))
    }

    /// See [`crate::Client::create_partial`].
    pub fn create_partial<T: Structured>(&self, request: impl Into<Request>) -> Events<T> {
        Events {
            runtime: Arc::clone(&self.runtime),
            stream: self.inner.create_partial(request),
        }
    }

    /// See [`crate::Client::create_iterable`].
    pub fn create_iterable<T: Structured>(&self, request: impl Into<Request>) -> Events<T> {
        Events {
            runtime: Arc::clone(&self.runtime),
            stream: self.inner.create_iterable(request),
        }
    }
}

/// The events of a call, as an iterator.
#[derive(Debug)]
pub struct Events<T: Structured> {
    runtime: Arc<Runtime>,
    stream: CallStream<T>,
}

impl<T: Structured> Events<T> {
    /// See [`CallStream::usage`].
    pub fn usage(&self) -> Usage {
        self.stream.usage()
    }

    /// See [`CallStream::finish_reason`].
    pub fn finish_reason(&self) -> Option<FinishReason> {
        self.stream.finish_reason()
    }
}

impl<T: Structured> Iterator for Events<T> {
    type Item = Result<Event<T>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = &mut self.stream;
        self.runtime.block_on(std::future::poll_fn(|cx| {
            Pin::new(&mut *stream).poll_next(cx)
        }))
    }
}
