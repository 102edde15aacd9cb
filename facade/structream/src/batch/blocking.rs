//! The batch API, blocking: each call is the async one driven to
//! completion on the blocking client's runtime; results are an iterator.
//!
//! ```no_run
//! use structream::batch::BatchRequest;
//! use structream::blocking::Client;
//!
//! let client = Client::from_provider("anthropic/claude-sonnet-4-5")?;
//! let batches = client.batches()?;
//! let schema = serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}}});
//! let requests = (0..3).map(|i| BatchRequest::new(format!("doc-{i}"), format!("Text {i}")));
//! let submitted = batches.create_with_schema(schema.clone(), requests)?;
//! for batch in &submitted.batches {
//!     let done = batches.wait(&batch.id, &mut |b| eprintln!("{:?}", b.counts))?;
//!     for result in batches.results_with_schema(&done, schema.clone())? {
//!         let result = result?;
//!         println!("{:?}: {:?}", result.custom_id, result.outcome);
//!     }
//! }
//! # Ok::<(), structream::Error>(())
//! ```

use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;
use serde_json::Value;

use super::api::{self, Submitted};
use super::{Batch, BatchRequest, BatchResult, Prepared, Progress};
use crate::runtime::Runtime;
use crate::{Error, Structured};

/// A blocking [`super::Batches`]; made by
/// [`blocking::Client::batches`](crate::blocking::Client::batches).
#[derive(Debug, Clone)]
pub struct Batches {
    inner: api::Batches,
    runtime: Arc<Runtime>,
}

impl Batches {
    pub(crate) fn new(inner: api::Batches, runtime: Arc<Runtime>) -> Self {
        Batches { inner, runtime }
    }

    /// The async API, to set its options ([`super::Batches::limits`],
    /// [`super::Batches::poll_interval`], [`super::Batches::resumes`]).
    #[must_use]
    pub fn with(mut self, f: impl FnOnce(api::Batches) -> api::Batches) -> Self {
        self.inner = f(self.inner);
        self
    }

    /// See [`super::Batches::format`].
    pub fn format(&self) -> super::Format {
        self.inner.format()
    }

    /// See [`super::Batches::create`].
    pub fn create<T: Structured>(
        &self,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Result<Submitted, Error> {
        self.runtime.block_on(self.inner.create::<T>(requests))
    }

    /// See [`super::Batches::create_with_schema`].
    pub fn create_with_schema(
        &self,
        schema: Value,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Result<Submitted, Error> {
        self.runtime
            .block_on(self.inner.create_with_schema(schema, requests))
    }

    /// See [`super::Batches::submit`].
    pub fn submit(&self, prepared: &Prepared) -> Result<Batch, Error> {
        self.runtime.block_on(self.inner.submit(prepared))
    }

    /// See [`super::Batches::status`].
    pub fn status(&self, id: &str) -> Result<Batch, Error> {
        self.runtime.block_on(self.inner.status(id))
    }

    /// See [`super::Batches::wait`].
    pub fn wait(&self, id: &str, progress: &mut Progress<'_>) -> Result<Batch, Error> {
        self.runtime.block_on(self.inner.wait(id, progress))
    }

    /// See [`super::Batches::cancel`].
    pub fn cancel(&self, id: &str) -> Result<Batch, Error> {
        self.runtime.block_on(self.inner.cancel(id))
    }

    /// See [`super::Batches::list`].
    pub fn list(&self) -> Result<Vec<Batch>, Error> {
        self.runtime.block_on(self.inner.list())
    }

    /// See [`super::Batches::results`].
    pub fn results<T: Structured>(&self, batch: &Batch) -> Result<Results<T>, Error> {
        let stream = self.runtime.block_on(self.inner.results::<T>(batch))?;
        Ok(self.iter(stream))
    }

    /// See [`super::Batches::results_with_schema`].
    pub fn results_with_schema(
        &self,
        batch: &Batch,
        schema: Value,
    ) -> Result<Results<Value>, Error> {
        let stream = self
            .runtime
            .block_on(self.inner.results_with_schema(batch, schema))?;
        Ok(self.iter(stream))
    }

    /// See [`super::Batches::results_with`].
    pub fn results_with<T: Structured>(
        &self,
        batch: &Batch,
        decoder: super::ResultsDecoder<T>,
    ) -> Result<Results<T>, Error> {
        Ok(self.iter(self.inner.results_with(batch, decoder)?))
    }

    /// See [`super::Batches::run_live`].
    pub fn run_live<T: Structured>(
        &self,
        requests: impl IntoIterator<Item = BatchRequest>,
    ) -> Vec<BatchResult<T>> {
        self.runtime.block_on(self.inner.run_live::<T>(requests))
    }

    fn iter<T: Structured>(&self, stream: api::Results<T>) -> Results<T> {
        Results {
            stream,
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// The results of a batch as an iterator; see [`super::Results`].
#[derive(Debug)]
pub struct Results<T: Structured> {
    stream: api::Results<T>,
    runtime: Arc<Runtime>,
}

impl<T: Structured> Iterator for Results<T> {
    type Item = Result<BatchResult<T>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = &mut self.stream;
        self.runtime.block_on(std::future::poll_fn(|cx| {
            Pin::new(&mut *stream).poll_next(cx)
        }))
    }
}
