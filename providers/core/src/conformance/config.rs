//! What every protocol's configuration does with the shared
//! [`Connection`](crate::Connection) settings, checked the same way for
//! every provider: the settings must reach the requests and decoders the
//! provider makes.

use std::fmt;

use crate::connection::ProviderConfig;
use crate::error::{DecodeErrorKind, Error};
use crate::provider::{Provider, decode_all};
use crate::request::StructuredRequest;
use crate::sse::SseConfig;

/// A key no real request carries, to look for in `Debug` output.
const PLANTED_KEY: &str = "sk-conformance-planted-7c1d";

/// Checks the shared settings of `config` through the provider `make`
/// builds from it, for `request` (a call that provider accepts) and `body`
/// (a complete response body it decodes):
///
/// * the base URL, given with a trailing `/`, starts the request's URL once,
///   without a doubled `/`;
/// * the API key is sent in [`KeyAuth::header_name`](crate::KeyAuth::header_name)
///   and never shows in the `Debug` of the config, the provider or the
///   request;
/// * extra headers are sent, in the order they were given;
/// * the stream limits reach the decoder: `body` decodes with the defaults
///   and fails with [`DecodeErrorKind::LineTooLong`] under a line limit
///   half its first line;
/// * without a key, when one is required and its environment variable is
///   unset, the request is [`Error::MissingApiKey`] naming the variable.
///
/// Panics with a description of the first failure.
pub fn check_config<C>(
    config: C,
    make: &dyn Fn(C) -> Box<dyn Provider>,
    request: &StructuredRequest,
    body: &[u8],
) where
    C: ProviderConfig + Clone + fmt::Debug,
{
    let auth = config.connection().auth();
    let base = "http://127.0.0.1:9/conformance";
    let configured = config
        .clone()
        .base_url(format!("{base}/"))
        .api_key(PLANTED_KEY)
        .header("x-conformance-first", "1")
        .header("x-conformance-second", "2");
    assert_eq!(configured.connection().base_url(), base);
    assert!(
        !format!("{configured:?}").contains(PLANTED_KEY),
        "the config's Debug shows the key"
    );
    let provider = make(configured.clone());
    assert!(
        !format!("{provider:?}").contains(PLANTED_KEY),
        "the provider's Debug shows the key"
    );
    let http = provider
        .build_request(request)
        .unwrap_or_else(|e| panic!("{}: {e}", provider.name()));
    let rest = http
        .url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{} does not start with {base}", http.url));
    assert!(
        rest.starts_with('/') && !rest.starts_with("//"),
        "{}: the path after the base URL",
        http.url
    );
    assert!(
        !format!("{http:?}").contains(PLANTED_KEY),
        "the request's Debug shows the key"
    );
    let sent = http
        .header_value(auth.header_name())
        .unwrap_or_else(|| panic!("no {} header", auth.header_name()))
        .expose();
    assert!(sent.ends_with(PLANTED_KEY), "the key header is {sent:?}");
    let extra: Vec<(&str, String)> = http
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-conformance-"))
        .map(|(n, v)| (n.as_str(), v.expose()))
        .collect();
    assert_eq!(
        extra,
        [
            ("x-conformance-first", "1".to_string()),
            ("x-conformance-second", "2".to_string())
        ]
    );

    decode_all(&mut *provider.decoder(), body)
        .unwrap_or_else(|e| panic!("the body does not decode with the default limits: {e}"));
    let first_line = body.split(|&b| b == b'\n').next().unwrap_or_default().len();
    assert!(first_line > 1, "the body's first line is too short to test");
    let limit = first_line / 2;
    let limited = make(configured.sse_limits(SseConfig::default().max_line_len(limit)));
    let err = decode_all(&mut *limited.decoder(), body)
        .expect_err("the decoder ignores the configured line limit");
    assert_eq!(err.kind(), &DecodeErrorKind::LineTooLong { limit });

    if auth.required() && std::env::var(auth.env_var()).is_err() {
        let err = make(config.clone())
            .build_request(request)
            .expect_err("a request without a key");
        assert!(
            matches!(err, Error::MissingApiKey { var } if var == auth.env_var()),
            "{err}"
        );
    }
}
