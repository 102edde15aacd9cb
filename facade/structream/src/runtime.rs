//! The runtime a blocking client owns, shared by the blocking calls
//! ([`crate::blocking`]) and the blocking batch API
//! ([`crate::batch::blocking`]).

use crate::Error;

/// A current-thread runtime. Dropped with `shutdown_background`, which
/// does not block, so a blocking client may be dropped anywhere, an async
/// context included.
#[derive(Debug)]
pub(crate) struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    /// A new runtime with I/O and timers.
    pub(crate) fn new() -> Result<Runtime, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the runtime: {e}")))?;
        Ok(Runtime(Some(runtime)))
    }

    /// Drives `future` to completion on this runtime.
    pub(crate) fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.0
            .as_ref()
            .expect("present until dropped")
            .block_on(future)
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}
