//! What one call asks: the conversation and per-call options.

use structream_provider::{Message, Mode};

/// The messages of a call and its options; options not set here come from
/// the [`Client`](crate::Client).
///
/// ```
/// use structream::Request;
///
/// let request = Request::user("Jason is 10 and John is 30")
///     .system("Extract every person mentioned.")
///     .max_retries(2);
/// let short: Request = "Extract the users".into();
/// # let _ = (request, short);
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Request {
    /// System prompt.
    pub system: Option<String>,
    /// The conversation, oldest first.
    pub messages: Vec<Message>,
    /// Validation retries: how often the model is asked again with the
    /// error after an answer that does not validate.
    pub max_retries: Option<u32>,
    /// Output token limit.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// How structured output is asked for.
    pub mode: Option<Mode>,
    /// Also yield the provider's raw stream events ([`Event::Raw`](crate::Event::Raw)).
    pub raw_events: bool,
}

impl Request {
    /// A request with one user message.
    pub fn user(text: impl Into<String>) -> Self {
        Request::default().message(Message::user(text))
    }

    /// Adds a message.
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Sets the system prompt.
    #[must_use]
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.system = Some(text.into());
        self
    }

    /// Sets [`Request::max_retries`].
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// Sets [`Request::max_tokens`].
    #[must_use]
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.max_tokens = Some(n);
        self
    }

    /// Sets [`Request::temperature`].
    #[must_use]
    pub fn temperature(mut self, t: f32) -> Self {
        self.temperature = Some(t);
        self
    }

    /// Sets [`Request::mode`].
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Sets [`Request::raw_events`].
    #[must_use]
    pub fn raw_events(mut self, on: bool) -> Self {
        self.raw_events = on;
        self
    }
}

impl From<&str> for Request {
    fn from(text: &str) -> Self {
        Request::user(text)
    }
}

impl From<String> for Request {
    fn from(text: String) -> Self {
        Request::user(text)
    }
}
