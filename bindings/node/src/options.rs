//! The options JavaScript passes to a new document, checked and turned into
//! the parser's [`Options`].

use napi::{Error, Result, Status};
use napi_derive::napi;
use structream_parser::document::{Lenient, Options, Pattern, StringMode};
use structream_parser::repair::{Kind, NonFinite, Repairs};
use structream_parser::{Config, LoneSurrogates};

/// A new document's options, as `lib/options.js` normalises them.
#[napi(object)]
#[derive(Debug, Default)]
pub struct NativeOptions {
    /// `"trailing-strings"`, `"on"` (strings once closed) or `"off"` (the
    /// value once complete).
    pub partial_mode: String,
    /// JSON Pointer patterns of arrays whose closed items are reported.
    pub items: Vec<String>,
    /// JSON Pointer patterns of values shown only once complete.
    pub hold: Vec<String>,
    /// Find the value in prose, code fences and reasoning blocks.
    pub lenient: bool,
    /// `"any"`, `"object"` or `"array"`: what lenient input looks for.
    pub lenient_root: String,
    /// Deepest nesting accepted; negative for no limit.
    pub max_depth: i64,
    /// `"reject"` or `"replace"`: a lone half of a UTF-16 surrogate pair in an escape.
    pub lone_surrogates: String,
    /// Repair every kind of almost-JSON.
    pub repair_all: bool,
    /// The names of the repair kinds to make (besides `repair_all`).
    pub repair: Vec<String>,
    /// `"null"`, `"string"` or `"error"`: what `NaN` and the infinities become.
    pub non_finite: String,
}

fn invalid(message: String) -> Error {
    Error::new(Status::InvalidArg, message)
}

fn pattern(text: &str) -> Result<Pattern> {
    text.parse().map_err(|e| invalid(format!("{e}")))
}

impl NativeOptions {
    /// The parser's options (deltas on), or an error naming the bad option.
    pub(crate) fn to_options(&self) -> Result<Options> {
        let mut options = Options::default().deltas(true);
        match self.partial_mode.as_str() {
            "trailing-strings" => {}
            "on" => options = options.strings(StringMode::Complete),
            "off" => options = options.hold(pattern("")?),
            other => {
                return Err(invalid(format!(
                    "partialMode must be 'trailing-strings', 'on' or 'off', not {other:?}"
                )));
            }
        }
        for text in &self.items {
            options = options.items(pattern(text)?);
        }
        for text in &self.hold {
            options = options.hold(pattern(text)?);
        }
        let root = match self.lenient_root.as_str() {
            "any" => Lenient::Any,
            "object" => Lenient::Object,
            "array" => Lenient::Array,
            other => {
                return Err(invalid(format!(
                    "lenientRoot must be 'any', 'object' or 'array', not {other:?}"
                )));
            }
        };
        options = options.lenient(if self.lenient { root } else { Lenient::Off });
        let surrogates = match self.lone_surrogates.as_str() {
            "reject" => LoneSurrogates::Reject,
            "replace" => LoneSurrogates::Replace,
            other => {
                return Err(invalid(format!(
                    "loneSurrogates must be 'reject' or 'replace', not {other:?}"
                )));
            }
        };
        options = options.repair(self.repairs()?);
        let depth = usize::try_from(self.max_depth).ok();
        let config = Config::default()
            .max_depth(depth)
            .lone_surrogates(surrogates);
        Ok(options.tokenizer(config))
    }

    /// The repair set the options name.
    fn repairs(&self) -> Result<Repairs> {
        let set = Repairs::from_names(self.repair.iter().map(String::as_str))
            .map_err(|e| invalid(e.to_string()))?;
        let set = if self.repair_all { Repairs::ALL } else { set };
        let non_finite = NonFinite::from_name(&self.non_finite).ok_or_else(|| {
            invalid(format!(
                "nonFinite must be 'null', 'string' or 'error', not {:?}",
                self.non_finite
            ))
        })?;
        Ok(set.non_finite(non_finite))
    }
}

/// The names of the repair kinds the `repair` option takes.
#[napi]
pub fn repair_kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_kinds_are_named_and_checked() {
        let kinds = repair_kinds();
        assert_eq!(kinds.len(), Kind::ALL.len());
        let options = NativeOptions {
            partial_mode: "on".into(),
            lenient_root: "any".into(),
            lone_surrogates: "reject".into(),
            non_finite: "null".into(),
            repair: kinds.iter().map(|k| k.to_string()).collect(),
            ..NativeOptions::default()
        };
        assert_eq!(options.repairs().unwrap(), Repairs::ALL);
        let unknown = NativeOptions {
            repair: vec!["commas".into()],
            ..options
        };
        assert!(
            unknown
                .repairs()
                .unwrap_err()
                .reason
                .contains("trailing-comma")
        );
    }
}
