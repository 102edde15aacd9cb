//! What every protocol's configuration shares: the base URL, the API key
//! and how it is sent, extra headers and the stream decoder's limits
//! ([`Connection`]), with one set of builder setters for all of them
//! ([`ProviderConfig`]).
//!
//! Each protocol crate's config (`OpenAiConfig`, `AnthropicConfig`,
//! `GeminiConfig`) embeds a [`Connection`] and implements
//! [`ProviderConfig`], so the setters have the same names and meaning
//! everywhere; the config itself adds only what its protocol has of its own
//! (a vendor, an API version, a default `max_tokens`).
//!
//! ```
//! use structream_provider::connection::{Connection, KeyAuth, ProviderConfig};
//!
//! #[derive(Debug, Clone)]
//! struct MyConfig {
//!     connection: Connection,
//! }
//!
//! impl ProviderConfig for MyConfig {
//!     fn connection(&self) -> &Connection {
//!         &self.connection
//!     }
//!     fn connection_mut(&mut self) -> &mut Connection {
//!         &mut self.connection
//!     }
//! }
//!
//! let config = MyConfig {
//!     connection: Connection::new("https://api.example.com/v1", KeyAuth::bearer("MY_API_KEY")),
//! }
//! .base_url("http://127.0.0.1:8080/v1/")
//! .api_key("sk-secret")
//! .header("x-team", "search");
//! assert_eq!(config.url("/chat"), "http://127.0.0.1:8080/v1/chat");
//! assert!(!format!("{config:?}").contains("sk-secret"));
//! ```

use crate::error::Error;
use crate::request::HttpRequest;
use crate::secret::ApiKey;
use crate::sse::SseConfig;

/// How a protocol sends its API key: in which header, after which prefix,
/// read from which environment variable when none is given, and whether a
/// call without a key is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAuth {
    header: &'static str,
    prefix: &'static str,
    env_var: &'static str,
    required: bool,
}

impl KeyAuth {
    /// `authorization: Bearer <key>`, the key read from `env_var` when none
    /// is given; required.
    pub const fn bearer(env_var: &'static str) -> Self {
        KeyAuth {
            header: "authorization",
            prefix: "Bearer ",
            env_var,
            required: true,
        }
    }

    /// `<header>: <key>`, the key read from `env_var` when none is given;
    /// required.
    pub const fn header(header: &'static str, env_var: &'static str) -> Self {
        KeyAuth {
            header,
            prefix: "",
            env_var,
            required: true,
        }
    }

    /// The same, but a call without a key is sent without one (local
    /// servers run without keys).
    pub const fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The environment variable the key is read from.
    pub fn env_var(&self) -> &'static str {
        self.env_var
    }

    /// The header the key is sent in.
    pub fn header_name(&self) -> &'static str {
        self.header
    }

    /// Whether a call without a key is an error.
    pub fn required(&self) -> bool {
        self.required
    }
}

/// Where a protocol's calls go and what they carry besides the body: base
/// URL, API key, extra headers, and the limits of the response's stream
/// decoder. Set through the [`ProviderConfig`] setters of the config that
/// embeds it; read through the getters here.
///
/// `Debug` shows the key as `[redacted]` (see [`ApiKey`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    base_url: String,
    api_key: Option<ApiKey>,
    auth: KeyAuth,
    headers: Vec<(String, String)>,
    sse_limits: SseConfig,
}

impl Connection {
    /// A connection to `base_url` (a trailing `/` is dropped), sending the
    /// key as `auth` says, no extra headers, the default stream limits.
    pub fn new(base_url: impl Into<String>, auth: KeyAuth) -> Self {
        Connection {
            base_url: trim_base(base_url.into()),
            api_key: None,
            auth,
            headers: Vec::new(),
            sse_limits: SseConfig::default(),
        }
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The key given explicitly, if any (else it is read from
    /// [`KeyAuth::env_var`] at request time).
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// How the key is sent.
    pub fn auth(&self) -> KeyAuth {
        self.auth
    }

    /// The headers added to every request, in the order they were given.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The stream decoder's limits.
    pub fn sse_limits(&self) -> SseConfig {
        self.sse_limits
    }

    /// The URL of an endpoint: the base URL followed by `path` (such as
    /// `/chat/completions`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Adds the key and the extra headers to `request`. The key is the
    /// given one, else the one in [`KeyAuth::env_var`];
    /// [`Error::MissingApiKey`] when there is none and one is required.
    pub fn authorize(&self, mut request: HttpRequest) -> Result<HttpRequest, Error> {
        let var = self.auth.env_var;
        let key = match &self.api_key {
            Some(k) => Some(k.clone()),
            None => ApiKey::from_env(var),
        };
        match key {
            Some(k) => request = request.secret_header(self.auth.header, self.auth.prefix, k),
            None if self.auth.required => return Err(Error::MissingApiKey { var }),
            None => {}
        }
        for (name, value) in &self.headers {
            request = request.header(name.clone(), value.clone());
        }
        Ok(request)
    }
}

fn trim_base(url: String) -> String {
    url.trim_end_matches('/').to_string()
}

/// A protocol's configuration: a [`Connection`] plus whatever the protocol
/// has of its own. Implementors give access to the connection; the setters
/// every protocol shares come with the trait, so they are written once.
pub trait ProviderConfig: Sized {
    /// The shared settings.
    fn connection(&self) -> &Connection;

    /// The shared settings, to change them.
    fn connection_mut(&mut self) -> &mut Connection;

    /// Sets the base URL (the part before the endpoint's path, such as
    /// `/chat/completions`); a trailing `/` is dropped.
    fn base_url(mut self, url: impl Into<String>) -> Self {
        self.connection_mut().base_url = trim_base(url.into());
        self
    }

    /// Sets the API key (else it is read from the protocol's environment
    /// variable at request time).
    fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.connection_mut().api_key = Some(key.into());
        self
    }

    /// Adds a header to every request (e.g. OpenRouter's `HTTP-Referer`).
    fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.connection_mut()
            .headers
            .push((name.into(), value.into()));
        self
    }

    /// Sets the stream decoder's limits.
    fn sse_limits(mut self, limits: SseConfig) -> Self {
        self.connection_mut().sse_limits = limits;
        self
    }

    /// The URL of an endpoint path: [`Connection::url`], plus whatever
    /// query the protocol adds to every call (Azure's `api-version`).
    fn url(&self, path: &str) -> String {
        self.connection().url(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Config(Connection);

    impl ProviderConfig for Config {
        fn connection(&self) -> &Connection {
            &self.0
        }
        fn connection_mut(&mut self) -> &mut Connection {
            &mut self.0
        }
    }

    fn config(auth: KeyAuth) -> Config {
        Config(Connection::new("http://h/v1//", auth))
    }

    #[test]
    fn the_base_url_loses_its_trailing_slashes() {
        let c = config(KeyAuth::bearer("STRUCTREAM_TEST_UNSET_KEY"));
        assert_eq!(c.url("/x"), "http://h/v1/x");
        let c = c.base_url("http://other/");
        assert_eq!(c.connection().base_url(), "http://other");
    }

    #[test]
    fn the_key_goes_in_its_header_and_headers_follow_in_order() {
        let c = config(KeyAuth::header("x-api-key", "STRUCTREAM_TEST_UNSET_KEY"))
            .api_key("sk-1")
            .header("a", "1")
            .header("b", "2");
        let r = c
            .connection()
            .authorize(HttpRequest::post("http://h", serde_json::json!({})))
            .unwrap();
        assert_eq!(r.header_value("x-api-key").unwrap().expose(), "sk-1");
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[names.len() - 2..], ["a", "b"]);
        let r = config(KeyAuth::bearer("STRUCTREAM_TEST_UNSET_KEY"))
            .api_key("sk-2")
            .connection()
            .authorize(HttpRequest::post("http://h", serde_json::json!({})))
            .unwrap();
        assert_eq!(
            r.header_value("authorization").unwrap().expose(),
            "Bearer sk-2"
        );
    }

    #[test]
    fn a_missing_key_is_an_error_only_when_required() {
        let req = || HttpRequest::post("http://h", serde_json::json!({}));
        let required = config(KeyAuth::bearer("STRUCTREAM_TEST_UNSET_KEY"));
        assert!(matches!(
            required.connection().authorize(req()),
            Err(Error::MissingApiKey {
                var: "STRUCTREAM_TEST_UNSET_KEY"
            })
        ));
        let optional = config(KeyAuth::bearer("STRUCTREAM_TEST_UNSET_KEY").optional());
        let r = optional.connection().authorize(req()).unwrap();
        assert!(r.header_value("authorization").is_none());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = config(KeyAuth::bearer("K")).api_key("sk-very-secret");
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
